"""A handout's layouts of exactly the same HTML are not made again (pipeline/render/layout_memo.py): the same
bytes with the memo, without it, with a stale one, or when the output file is no longer ours."""
from __future__ import annotations

import json

import pytest

from pipeline import hints
from pipeline.render import handout_fit, handouts

pytestmark = pytest.mark.slow  # real WeasyPrint layouts


@pytest.fixture
def counted(monkeypatch) -> list[str]:
    """Every WeasyPrint layout a handout makes: its fitting's (`_layout`) and a fresh render's."""
    made: list[str] = []
    layout, render = handout_fit._layout, handout_fit.render_pdf

    def counted_layout(html, source):
        made.append("layout")
        return layout(html, source)

    def counted_render(*args, **kwargs):
        made.append("render")
        return render(*args, **kwargs)

    monkeypatch.setattr(handout_fit, "_layout", counted_layout)
    monkeypatch.setattr(handout_fit, "render_pdf", counted_render)
    return made


def build(toolkit, target, out) -> bytes:
    """build_target as a build runs it: with the output folder's hints, the PDF written where it goes."""
    hints.use(out)
    try:
        (pdf,) = handouts.build_target(toolkit, target).values()
    finally:
        hints.use(None)
    (out / target.outputs[0]).parent.mkdir(parents=True, exist_ok=True)
    (out / target.outputs[0]).write_bytes(pdf)
    return pdf


@pytest.mark.parametrize("name", ["recommendations-a4", "priority-green-a4"])
def test_the_same_html_is_not_laid_out_again_and_gives_the_same_bytes(shipped, tmp_path, counted, name):
    target = next(t for t in handouts.targets(shipped, {}) if t.name == name)
    first = build(shipped, target, tmp_path)
    assert counted, "the first build lays the handout out"
    counted.clear()
    assert build(shipped, target, tmp_path) == first and counted == []  # nothing laid out: the memo's answers
    memo = tmp_path / ".build" / "hints" / f"handout-layouts-{name}.json"
    kept = json.loads(memo.read_text(encoding="utf-8"))
    assert len(kept) >= 2  # the trials of the fitting and the PDF written

    (tmp_path / target.outputs[0]).write_bytes(b"%PDF-1.7 not ours")  # the file is not what was written
    counted.clear()
    assert build(shipped, target, tmp_path) == first and counted == ["render"]  # one layout: the PDF's

    # a stale memo (made from other HTML, templates or code: its keys no longer match) is not used
    stale = {f"{n:064x}": [False, 9.9] if isinstance(v, list) else v for n, (_, v) in enumerate(kept.items())}
    memo.write_text(json.dumps(stale), encoding="utf-8")
    counted.clear()
    assert build(shipped, target, tmp_path) == first and "layout" in counted
    memo.write_text("{broken", encoding="utf-8")  # a broken one neither
    assert build(shipped, target, tmp_path) == first
    assert build(shipped, target, tmp_path / "fresh") == first  # another folder, no memo: the same bytes
    (pdf,) = handouts.build_target(shipped, target).values()  # outside a build: no memo at all
    assert pdf == first


def test_the_key_holds_everything_a_layout_reads():
    from pipeline.render.layout_memo import key

    assert key("trial", "<p>a</p>", 1) == key("trial", "<p>a</p>", 1)
    assert len({key("trial", "<p>a</p>", 1), key("trial", "<p>b</p>", 1), key("trial", "<p>a</p>", 2),
                key("pdf", "<p>a</p>", 1), key("pdf", "<p>a</p>", 1, "cards", False, ["alt"])}) == 5
