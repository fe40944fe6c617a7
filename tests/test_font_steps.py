"""Fitting a handout's font (pipeline/render/font_steps.py, handout_fit.Trials): the predicted search finds
bisection's answer in fewer layouts, the answer is the largest size whose real PDF keeps within the limit,
and the PDF written from the fitting's own layout is the PDF a fresh layout of the same HTML gives."""
from __future__ import annotations

import io
import random

import pytest

from pipeline.render.font_steps import Trial, first_fitting

STEPS = tuple(11.0 - 0.25 * i for i in range(15))  # as handout_fit.FONT_STEPS_PT


def bisection(fits, low: int, high: int) -> tuple[int, int]:
    """(answer, layouts) of the search handout_fit made before: the smallest step checked, then bisection."""
    calls = 1
    while low < high:
        mid = (low + high) // 2
        calls += 1
        if fits(mid):
            high = mid
        else:
            low = mid + 1
    return low, calls


def test_the_predicted_search_gives_bisections_answer_in_fewer_layouts():
    """Over many made-up handouts whose fill grows with the font (as size^1.0-1.8, crossing the limit
    anywhere; the pages overflow at a fill of 0.93-1.0: a fitting layout's fill is at most 1, and a page
    break that keeps a block whole leaves some of the page empty): the same step every time, each step
    laid out once, at most one layout more than bisection, and fewer on average."""
    rng = random.Random(17)
    ours, theirs = [], []
    for _ in range(2000):
        exponent, scale = rng.uniform(1.0, 1.8), rng.uniform(0.6, 1.5)
        breaks_at = rng.uniform(0.93, 1.0)  # where the pages really overflow

        def fill(i: int) -> float:
            return scale * (STEPS[i] / 7.5) ** exponent * (1 + rng.uniform(-0.01, 0.01))

        fills = [fill(i) for i in range(len(STEPS))]
        for i in reversed(range(len(STEPS) - 1)):  # a larger font is never less full
            fills[i] = max(fills[i], fills[i + 1])

        def fits(i: int) -> bool:
            return fills[i] <= breaks_at

        if not fits(len(STEPS) - 1):
            continue
        expected, bisection_layouts = bisection(fits, 0, len(STEPS) - 1)
        made = []

        def trial(i: int) -> Trial:
            made.append(i)
            return Trial(fits(i), fills[i])

        high = len(STEPS) - 1
        assert first_fitting(STEPS, 0, high, trial, {high: Trial(True, fills[high])}) == expected
        assert len(set(made)) == len(made)  # no step laid out twice
        assert 1 + len(made) <= bisection_layouts + 1
        ours.append(1 + len(made)), theirs.append(bisection_layouts)
    assert len(ours) > 500 and sum(ours) / len(ours) < 3.6 < 4.8 < sum(theirs) / len(theirs)


def test_a_step_is_never_taken_on_prediction_alone():
    """Fills that say nothing useful (all zero): the answer still comes from layouts that fit or not."""
    made = []

    def trial(i: int) -> Trial:
        made.append(i)
        return Trial(i >= 9, 0.0)

    assert first_fitting(STEPS, 0, 14, trial, {14: Trial(True, 0.0)}) == 9
    assert 8 in made and 9 in made


@pytest.fixture(scope="module")
def recommendations(shipped):
    from pipeline.render import handouts

    target = next(t for t in handouts.targets(shipped, {}) if t.name == "recommendations-a4")
    context = handouts.render_context(shipped, target.params)
    return handouts.KINDS["recommendations"], context, target


@pytest.mark.slow
def test_the_chosen_size_is_the_largest_whose_real_pdf_keeps_within_two_pages(shipped, recommendations):
    from pypdf import PdfReader

    from pipeline.paths import TEMPLATES
    from pipeline.render import handout_fit, handouts
    from pipeline.render.common import render_pdf

    kind, context, target = recommendations
    layouts = []
    real = handout_fit._layout
    handout_fit._layout = lambda html, source: layouts.append('measuring"' in html) or real(html, source)
    try:
        pdf = handouts.build_target(shipped, target)[target.outputs[0]]
    finally:
        handout_fit._layout = real
    # the text measured once (fit_guess.py), the guessed size and its neighbour; the PDF from one of them
    assert layouts.count(True) == 1 and layouts.count(False) == 2
    font = handout_fit.fit_font(kind, context, target.name)
    assert font > handout_fit.MIN_FONT_PT and len(PdfReader(io.BytesIO(pdf)).pages) <= kind.max_pages
    larger = handout_fit.FONT_STEPS_PT[handout_fit.FONT_STEPS_PT.index(font) - 1]
    too_long = render_pdf(handout_fit._html(kind, context, larger), TEMPLATES / handout_fit.TEMPLATE_FOLDER,
                          shipped.document.source_date_epoch, source="test")
    assert len(PdfReader(io.BytesIO(too_long)).pages) > kind.max_pages
    # the PDF written from the fitting's layout is the PDF of a fresh layout of the same HTML
    alts: list[str] = []
    html = handout_fit._html(kind, context, font, alts=alts)
    assert pdf == render_pdf(html, TEMPLATES / handout_fit.TEMPLATE_FOLDER, shipped.document.source_date_epoch,
                             source=f"handout '{target.name}'", figure_alts=tuple(alts))


def test_a_handout_that_does_not_fit_even_the_last_step_has_no_answer():
    made = []

    def trial(i: int) -> Trial:
        made.append(i)
        return Trial(False, 1.5)

    assert first_fitting(STEPS, 0, 14, trial, {9: trial(9)}) is None
    assert 14 in made  # the smallest size was laid out before giving up


@pytest.mark.slow
@pytest.mark.parametrize("last", [None, 11.0, "[torn"])
def test_the_last_builds_size_saves_layouts_and_changes_no_byte(shipped, recommendations, tmp_path, last):
    """A second build of the same output folder starts from the size the first chose: two layouts (that
    size fits, the next larger does not), the same bytes; a stale or broken hint changes nothing."""
    import json

    from pipeline import hints
    from pipeline.render import handout_fit, handouts

    kind, context, target = recommendations
    layouts = []
    real = handout_fit._layout

    def build() -> bytes:
        del layouts[:]
        # the size hint alone (the memo of the same HTML's layouts, layout_memo.py, would make none)
        (tmp_path / ".build" / "hints" / f"handout-layouts-{target.name}.json").unlink(missing_ok=True)
        hints.use(tmp_path)
        handout_fit._layout = lambda html, source: layouts.append(1) or real(html, source)
        try:
            return handouts.build_target(shipped, target)[target.outputs[0]]
        finally:
            handout_fit._layout = real
            hints.use(None)

    hint = tmp_path / ".build" / "hints" / f"handout-font-{target.name}.json"
    hint.parent.mkdir(parents=True)
    if last is not None:
        hint.write_text(json.dumps({"limit": None, "pt": last}) if isinstance(last, float) else last)
    first = build()
    assert json.loads(hint.read_text())["pt"] == handout_fit.fit_font(kind, context, target.name)
    assert build() == first and len(layouts) == 2
    if last is None:
        hints.use(None)
        assert handouts.build_target(shipped, target)[target.outputs[0]] == first
