"""The cards' QR codes kept across builds (pipeline/render/qr_cache.py): the same code and PNG bytes as
drawing it anew, made without scoring masks again, never from another link's or a damaged entry."""
from __future__ import annotations

import base64
import json

import pytest

from pipeline import hints
from pipeline.render import handout_qr, qr_cache

LINK = "https://toolkit.example.eu/e/7tsz4dhf.html"


@pytest.fixture
def build_state(tmp_path):
    """An output folder's build state, as during a build, and no codes remembered in this process."""
    def forget() -> None:
        handout_qr.qr_code.cache_clear()
        handout_qr.qr_png.cache_clear()

    forget()
    drawn = {link: handout_qr.qr_png(link) for link in (LINK, LINK.replace("7tsz", "8tsz"))}  # no build state
    forget()
    hints.use(tmp_path)
    yield tmp_path / ".build" / qr_cache.FOLDER, drawn, forget
    hints.use(None)
    forget()


def test_a_kept_code_is_the_same_code_made_without_scoring_masks(build_state, monkeypatch):
    folder, drawn, forget = build_state
    first = handout_qr.qr_png(LINK)
    matrix = handout_qr.qr_code(LINK).matrix
    assert first == drawn[LINK] and len(list(folder.glob("*.json"))) == 1
    forget()  # a new build: only the entry remains
    import segno.encoder

    def scored(*args, **kwargs):
        raise AssertionError("segno scored the masks of a kept code")

    monkeypatch.setattr(segno.encoder, "evaluate_mask", scored)
    assert handout_qr.qr_png(LINK) == first and handout_qr.qr_code(LINK).matrix == matrix


def test_a_changed_link_gets_its_own_code(build_state):
    folder, drawn, forget = build_state
    handout_qr.qr_png(LINK)
    forget()
    other = LINK.replace("7tsz", "8tsz")
    assert handout_qr.qr_png(other) == drawn[other] != drawn[LINK]
    assert len(list(folder.glob("*.json"))) == 2


@pytest.mark.parametrize("damage", ["truncated", "other pixels", "other mask"])
def test_a_damaged_entry_is_drawn_again_never_printed(build_state, damage):
    folder, drawn, forget = build_state
    handout_qr.qr_png(LINK)
    (entry,) = folder.glob("*.json")
    text = entry.read_text()
    if damage == "truncated":
        entry.write_text(text[: len(text) // 2])
    else:
        data = json.loads(text)
        if damage == "other pixels":
            png = bytearray(base64.b64decode(data["png"]))
            png[-20] ^= 0xFF
            data["png"] = base64.b64encode(bytes(png)).decode()
        else:
            data["mask"] = (data["mask"] + 1) % 8
        entry.write_text(json.dumps(data))
    forget()
    assert handout_qr.qr_png(LINK) == drawn[LINK]
    forget()
    assert qr_cache.read(LINK) is not None  # drawn again and kept whole


def test_a_build_keeps_only_the_codes_its_cards_print(shipped, tmp_path):
    """The handouts' after-build step prunes the kept codes to the links the cards print now: an entry of
    another code version or of a link no card prints any more is removed, a file being written is not."""
    from pipeline.render import handout_cards, handouts

    toolkit = shipped
    live = handout_cards.card_qr_links(toolkit)
    assert len(live) >= 50  # a code for nearly every shipped example (those with a web address)
    hints.use(tmp_path)
    try:
        kept = qr_cache.Kept("m", 3, 0, b"png")
        for link in [*live, "https://example.org/no-card-prints-this"]:
            qr_cache.keep(link, kept)
        folder = tmp_path / ".build" / qr_cache.FOLDER
        (folder / f"{'0' * 64}.json").write_text("{}")  # another code version's entry
        (folder / ".being-written.json.tmp").write_text("{}")
        handouts.after_build(tmp_path, toolkit, {})
        assert {p.name for p in folder.glob("*.json")} == {f"{qr_cache._key(link)}.json" for link in live}
        assert (folder / ".being-written.json.tmp").exists()
        assert all(qr_cache.read(link) == kept for link in live)  # what stays is read as before
        assert qr_cache.prune(tmp_path, live) == 0
    finally:
        hints.use(None)
