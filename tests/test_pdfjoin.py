"""The joined example cards (built in parts past PART_CARDS examples) stay a tagged PDF: one structure
tree with every part's elements, language, title, bookmarks; pdfua passes on it as on the parts."""
from __future__ import annotations

import subprocess

import pytest

from pipeline.render import handout_cards, handouts

pytestmark = pytest.mark.slow  # real PDFs rendered by WeasyPrint


@pytest.fixture(scope="module")
def joined(shipped, tmp_path_factory):
    """The shipped cards built as parts of 16 (4 parts) and joined by the target that waits for them, as
    `invoke build` does (two workers: the join starts once the last part is written)."""
    from pipeline.build import run_targets

    patch = pytest.MonkeyPatch()
    patch.setattr(handout_cards, "PART_CARDS", 16)
    try:
        out = tmp_path_factory.mktemp("parts")
        targets = [t for t in handouts.targets(shipped, {}) if t.name.startswith("example-cards")]
        assert len(targets) == 5 and targets[-1].after == tuple(t.id for t in targets[:4])
        summary = run_targets(shipped, targets, out=out, jobs=2, progress=False)
        assert not summary.failed and summary.built[-1] == "handouts:example-cards-a4", summary
    finally:
        patch.undo()
    return out / "handouts" / "example-cards-a4.pdf", sorted((out / handouts.CARD_PARTS).glob("*.pdf"))


def _figures(pdf) -> list[str]:
    import pikepdf

    with pikepdf.open(pdf) as document:
        pages = {p.objgen for p in document.pages}
        alts, stack = [], [document.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            assert "/Pg" not in node or node.Pg.objgen in pages  # every element points at a page of this file
            if node.get("/S") == "/Figure":
                alts.append(str(node.get("/Alt", "")))
            kids = node.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
            stack.extend(k for k in reversed(kids) if isinstance(k, pikepdf.Dictionary))
        keys = [int(k) for k in list(document.Root.StructTreeRoot.ParentTree.Nums)[::2]]
        assert len(keys) == len(set(keys)) and {int(p.obj.StructParents) for p in document.pages} <= set(keys)
        assert str(document.Root.Lang) == "en" and document.Root.MarkInfo.Marked
    return alts


def test_the_joined_cards_are_tagged_like_their_parts(joined, shipped):
    from tests.pdfua_check import pdfua_problems

    whole, parts = joined
    assert whole is not None and whole.is_file()
    assert pdfua_problems(whole) == []
    assert _figures(whole) == [alt for part in parts for alt in _figures(part)]  # each QR code's alt, in order
    cards = handouts.card_records(shipped)
    assert len(_figures(whole)) == sum(1 for c in cards if c["qr"])
    text = subprocess.run(["pdftotext", str(whole), "-"], capture_output=True, text=True, check=True).stdout
    assert text.count("EXAMPLE FROM PRACTICE") == len(cards)


def _outline(pdf) -> list[tuple]:
    import pikepdf

    with pikepdf.open(pdf) as document, document.open_outline() as outline:
        pages = {p.objgen: n for n, p in enumerate(document.pages)}
        found, stack = [], [(item, 0) for item in reversed(outline.root)]
        while stack:
            item, depth = stack.pop()
            found.append((depth, item.title, pages[item.destination[0].objgen], list(item.destination[1:])))
            stack += [(kid, depth + 1) for kid in reversed(item.children)]
    return found


def test_the_spliced_file_means_what_the_pikepdf_join_meant(joined, tmp_path):
    # the cards are spliced (pdfsplice.py); pdfjoin.join_tagged (the paper's join, and the cards' for
    # parts the splicer does not handle) is the reference: same bookmarks to the same pages, same tags
    from pipeline.render.pdfjoin import join_tagged

    whole, parts = joined
    reference = tmp_path / "reference.pdf"
    join_tagged(parts, reference)
    assert _outline(whole) == _outline(reference) and len(_outline(whole)) > len(parts)
    assert _figures(whole) == _figures(reference)
    text = [subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
            for pdf in (whole, reference)]
    assert text[0] == text[1]


def test_the_same_parts_join_to_the_same_bytes_with_kept_segments_or_without(joined):
    # the build kept each part's segment (splice_cache.py); a join without them, with them, or with
    # one damaged (made again from its part, never spliced as it is) writes the same bytes
    from pipeline import hints
    from pipeline.render import splice_cache

    whole, parts = joined
    out = whole.parent.parent
    rel = [str(p.relative_to(out)) for p in parts]
    assert handout_cards.join_card_parts(out, rel) == whole.read_bytes()  # outside a build: nothing kept
    kept = sorted((out / ".build" / splice_cache.FOLDER / "example-cards-a4").glob("*.seg"))
    assert len(kept) == len(parts)
    damaged = bytearray(kept[1].read_bytes())
    damaged[-100] ^= 0xFF
    kept[1].write_bytes(bytes(damaged))
    hints.use(out)
    try:
        assert handout_cards.join_card_parts(out, rel) == whole.read_bytes()
        assert kept[1].read_bytes() != bytes(damaged)  # made again and kept whole
        assert handout_cards.join_card_parts(out, rel) == whole.read_bytes()
    finally:
        hints.use(None)


def test_a_rendered_part_keeps_its_segment_for_the_join(joined, tmp_path):
    # each part's worker makes its segment as it renders the part (a fresh build's join only lays them
    # out); the join with those segments writes what a join without any does
    import shutil

    from pipeline import hints
    from pipeline.render import splice_cache

    whole, parts = joined
    out = tmp_path / "out"
    rel = [str(p.relative_to(whole.parent.parent)) for p in parts]
    for name, part in zip(rel, parts):
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(part, out / name)
    hints.use(out)
    try:
        for n, (name, part) in enumerate(zip(rel, parts), start=1):
            handout_cards.part_rendered(name, n, part.read_bytes())
        kept = sorted((out / ".build" / splice_cache.FOLDER / "example-cards-a4").glob("*.seg"))
        assert len(kept) == len(parts)
        before = {k: k.stat().st_mtime_ns for k in kept}
        assert handout_cards.join_card_parts(out, rel) == whole.read_bytes()
        assert {k: k.stat().st_mtime_ns for k in kept} == before  # laid out as kept, none made again
    finally:
        hints.use(None)
