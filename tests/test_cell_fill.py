"""How many examples each cell of a crowded matrix shows (pipeline/render/cell_fill.py): the choice made on
measured heights, then the measuring itself on a real WeasyPrint layout of a crowded matrix."""
from __future__ import annotations

import dataclasses
import shutil
from types import SimpleNamespace

import pytest

from pipeline.render.cell_fill import PROBE_CAP, SHORT_CAP, CellBoxes, Probe, all_overflow, capped, choose, probe_shown


def cell(key: str, count: int, actions: float, lines: list[float], code: float = 80.0) -> CellBoxes:
    """A cell whose actions end at `actions` px and whose examples take `lines` px each, in order."""
    ends = [actions]
    for height in lines[:count]:
        ends.append(ends[-1] + height)
    return CellBoxes(key, count, overhead=10.0, ends=tuple(ends), code_bottom=code, more_gap=2.0,
                     more_height=12.0, whole=ends[-1] - 5.0 if len(lines) >= count else None)


def test_a_cell_fills_the_height_its_row_takes_anyway():
    tall = cell("a x", 10, actions=150.0, lines=[12.0] * 10)  # long actions: 10 + 150 + 12 + 2 + 12 = 186
    short = cell("a y", 20, actions=20.0, lines=[12.0] * 20)  # 10 + 20 + 12 k + 14 <= 186: k = 11
    probe = Probe(rows=[[tall, short]], fixed=[30.0], table_extra=20.0, spare=186.0 + 20.0)
    assert choose(probe) == {"a x": 1, "a y": 11}


def test_the_pages_spare_height_goes_to_the_cheapest_next_example_and_never_beyond():
    a = cell("a x", 20, actions=20.0, lines=[12.0] * 20)
    b = cell("b x", 20, actions=20.0, lines=[30.0] * 20)  # two-line names: a dearer next example
    base = a.height(1) + b.height(1) + 20.0
    probe = Probe(rows=[[a], [b]], fixed=[0.0, 0.0], table_extra=20.0, spare=base + 40.0)
    shown = choose(probe)
    used = a.height(shown["a x"]) + b.height(shown["b x"]) + 20.0
    assert used <= probe.spare
    assert shown["a x"] > shown["b x"]  # the cheap examples first
    assert min(a.height(shown["a x"] + 1) - a.height(shown["a x"]),
               b.height(shown["b x"] + 1) - b.height(shown["b x"])) > probe.spare - used


def test_a_cell_that_can_show_all_shows_all_without_code_or_and_n_more():
    few = cell("a x", 3, actions=20.0, lines=[12.0] * 3)
    crowded = cell("a y", 12, actions=60.0, lines=[12.0] * 12)
    probe = Probe(rows=[[few, crowded]], fixed=[0.0], table_extra=0.0, spare=crowded.height(1) + 1)
    assert choose(probe)["a x"] == 3


def test_where_one_example_each_is_too_much_the_tallest_rows_cells_show_none():
    wordy = cell("a x", 10, actions=300.0, lines=[12.0] * 10)
    plain = cell("b x", 10, actions=20.0, lines=[12.0] * 10)
    spare = wordy.height(0) + plain.height(1) + 5.0
    shown = choose(Probe(rows=[[wordy], [plain]], fixed=[0.0, 0.0], table_extra=0.0, spare=spare))
    assert shown["a x"] == 0 and shown["b x"] >= 1  # (beside its code, "b x" has room for more)
    # not even the actions fit: no choice (the builder falls back to its uniform search and says so)
    assert choose(Probe(rows=[[wordy], [plain]], fixed=[0.0, 0.0], table_extra=0.0, spare=100.0)) is None


def test_everything_overflows_only_when_the_measured_whole_rows_are_taller_than_the_page():
    a = cell("a x", 3, actions=20.0, lines=[12.0] * 3)  # whole: 10 + 20 + 36 - 5 = 61 px
    b = dataclasses.replace(cell("b x", 1, actions=20.0, lines=[12.0]), whole=None)  # one, no code: 42 px
    needed = 20.0 + a.height(3) + b.height(1)
    assert needed == 20.0 + 61.0 + 42.0

    def probe(spare):
        return Probe(rows=[[a], [b]], fixed=[0.0, 0.0], table_extra=20.0, spare=spare)

    assert all_overflow(probe(needed / 1.2))
    assert not all_overflow(probe(needed))  # it may fit: lay it out
    assert not all_overflow(probe(needed / 1.04))  # within the margin: lay it out
    unmeasured = cell("c x", 40, actions=20.0, lines=[12.0] * 30)  # more than PROBE_CAP: no whole height
    assert not all_overflow(Probe(rows=[[unmeasured]], fixed=[0.0], table_extra=0.0, spare=1.0))


def test_a_probe_listing_crowded_cells_short_chooses_as_the_long_one_or_says_it_may_not():
    """Cells of more than PROBE_CAP examples listed to SHORT_CAP in the first probe (at 2,500 examples
    ~0.3 s of CPU where PROBE_CAP's took ~1.1 s): the same choice, or capped() asks for the long probe."""
    def crowded(key, lines):
        return dataclasses.replace(cell(key, 40, actions=20.0, lines=lines), whole=None)

    rows = [[crowded("a x", [12.0] * 40), cell("a y", 5, actions=30.0, lines=[12.0] * 5)],
            [crowded("b x", [30.0] * 40)]]
    short = [[dataclasses.replace(c, ends=c.ends[:SHORT_CAP + 1]) if c.count > PROBE_CAP else c for c in row]
             for row in rows]
    long = [[dataclasses.replace(c, ends=c.ends[:PROBE_CAP + 1]) for c in row] for row in rows]
    outcomes = set()
    for spare in range(150, 1200, 7):
        chosen = choose(Probe(short, [0.0, 0.0], 20.0, float(spare)))
        full = choose(Probe(long, [0.0, 0.0], 20.0, float(spare)))
        assert not capped(Probe(long, [0.0, 0.0], 20.0, float(spare)), full)
        if capped(Probe(short, [0.0, 0.0], 20.0, float(spare)), chosen):
            outcomes.add("capped")
            assert max(chosen["a x"], chosen["b x"]) == SHORT_CAP
        else:
            outcomes.add("same")
            assert chosen == full
    assert outcomes == {"capped", "same"}
    # the short probe's "and N more" says what the long one's does: the same line, the same height
    examples = [SimpleNamespace(example=SimpleNamespace(featured=False, added=""), example_id=i) for i in range(40)]
    assert probe_shown(examples, SHORT_CAP).more == probe_shown(examples).more == 40 - PROBE_CAP
    assert len(probe_shown(examples, SHORT_CAP).examples) == SHORT_CAP


@pytest.mark.slow
def test_measured_heights_predict_the_real_layout(tmp_path):
    """On a real crowded matrix (150 made-up examples), the heights the probe predicts for the chosen
    examples are the rows' heights WeasyPrint lays out, and the matrix is one page."""
    if not shutil.which("pdftotext"):
        pytest.skip("needs poppler-utils")
    from pipeline import synth
    from pipeline.load import load
    from pipeline.render import cell_fill, handout_fit, handouts

    sources = tmp_path / "sources"
    synth.synthesise(150, sources)
    toolkit = load(sources)
    target = next(t for t in handouts.targets(toolkit, {}) if t.params.get("priority") == "green")
    context = handouts.render_context(toolkit, target.params)
    kind = handouts.KINDS["priority"]
    layouts = []
    real_layout = handout_fit._layout

    def counted(html, source):
        layouts.append(source)
        return real_layout(html, source)

    handout_fit._layout = counted
    try:
        font, limits = handout_fit.fit_layout(kind, context, "green")
    finally:
        handout_fit._layout = real_layout
    assert font == handout_fit.CROWDED_PT and isinstance(limits, dict)
    assert len(layouts) <= 4  # the full attempt, two probes, the check: not one layout per trial limit
    if sum(map(len, handout_fit.example_lists(context))) > handout_fit.PROBE_FIRST:
        assert len(layouts) == 3  # probed first: everything at 7.5 pt proved too tall without laying it out
        everything = real_layout(handout_fit._html(kind, context, handout_fit.MIN_FONT_PT, None), "x")
        assert len(everything.pages) > 1  # and it is
    counts = {f"{r['challenge'].id} {c.function.id}": len(c.examples) for r in context["rows"] for c in r["cells"]}
    paper = context["paper"]
    bottom = paper["margins_mm"][0] + paper["content_height_mm"]
    tall = {**context, "paper": cell_fill.probe_paper(paper)}
    probe = cell_fill.measure(real_layout(handout_fit._html(kind, context, font, probe=True), "x"), counts, bottom)
    laid = real_layout(handout_fit._html(kind, tall, font, limits), "x")
    _, rows = cell_fill._table(laid)
    for row, cells, fixed in zip(rows, probe.rows, probe.fixed):
        predicted = max([fixed] + [c.height(limits[c.key]) for c in cells])
        assert predicted >= row.height - 0.01  # never under: the check layout would catch it, at a cost
    assert len(real_layout(handout_fit._html(kind, context, font, limits), "x").pages) == 1
