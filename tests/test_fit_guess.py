"""Where a fitted handout's search starts (pipeline/render/fit_guess.py): the step whose predicted fill is
nearest the aim, none when the measure says even the smallest size is too full, and a measure of the
recommendations sheet's text that says how full its real pages are."""
from __future__ import annotations

import pytest

from pipeline.render import fit_guess
from pipeline.render.font_steps import DEFAULT_EXPONENT

STEPS = tuple(11.0 - 0.25 * i for i in range(15))  # as handout_fit.FONT_STEPS_PT


def test_the_guess_is_the_step_whose_predicted_fill_is_nearest_the_aim():
    for fill in (0.55, 0.7, 0.74, 0.8, 0.9, 0.97):
        index = fit_guess.guessed_step(STEPS, 0, 14, fill)
        predicted = [abs(fill * (s / STEPS[14]) ** DEFAULT_EXPONENT - fit_guess.GUESS_FILL) for s in STEPS]
        # nearest in size, so nearest in predicted fill too (within one step of it)
        assert abs(index - min(range(15), key=predicted.__getitem__)) <= 1
    assert fit_guess.guessed_step(STEPS, 0, 14, 0.3) == 0  # room to spare: the largest size
    assert fit_guess.guessed_step(STEPS, 3, 10, 0.3) == 3  # within the range it is given


def test_no_guess_when_even_the_smallest_size_looks_too_full_or_nothing_was_measured():
    assert fit_guess.guessed_step(STEPS, 0, 14, fit_guess.TOO_FULL + 0.01) is None
    assert fit_guess.guessed_step(STEPS, 0, 14, 0.0) is None
    assert fit_guess.first_step("priority", STEPS, 0, 14, lambda pt: pytest.fail("measured"), 180.0, 1) is None


@pytest.mark.slow
def test_the_measured_text_says_how_full_the_real_pages_are(shipped):
    from pipeline.render import handout_fit, handouts
    from pipeline.render.font_steps import page_fill

    target = next(t for t in handouts.targets(shipped, {}) if t.name == "recommendations-a4")
    context = handouts.render_context(shipped, target.params)
    kind = handouts.KINDS["recommendations"]
    paper = context["paper"]
    tall = {**context, "paper": {**paper, "height_mm": fit_guess.MEASURE_HEIGHT_MM}, "measuring": True}
    measured = handout_fit._layout(handout_fit._html(kind, tall, 7.5), "test")
    assert len(measured.pages) == 1  # the whole flow, unbroken, in one column
    estimate = fit_guess.estimated_fill(measured, "recommendations", paper["content_height_mm"], kind.max_pages)
    real = page_fill(handout_fit._layout(handout_fit._html(kind, context, 7.5), "test"), kind.max_pages)
    assert abs(estimate - real) < 0.03 * real


@pytest.mark.slow
def test_the_measure_sets_each_title_as_the_sheet_does(shipped):
    """The measure lays the titles out as blocks (WeasyPrint's flex layout took a third of its time): each
    title is as tall there as the flex title of the real two-column sheet, so the guess is unchanged."""
    from pipeline.render import handout_fit, handouts
    from pipeline.render.cell_fill import block_boxes

    target = next(t for t in handouts.targets(shipped, {}) if t.name == "recommendations-a4")
    context = handouts.render_context(shipped, target.params)
    kind = handouts.KINDS["recommendations"]
    tall = {**context, "paper": {**context["paper"], "height_mm": fit_guess.MEASURE_HEIGHT_MM}, "measuring": True}

    def titles(document):  # each title's outermost box (an anonymous block may wrap its lines)
        first = {}
        for page in document.pages:
            for box in block_boxes(page._page_box, "h3"):
                first.setdefault(box.element, round(box.margin_height(), 3))
        return list(first.values())

    measured = titles(handout_fit._layout(handout_fit._html(kind, tall, 7.5), "test"))
    real = titles(handout_fit._layout(handout_fit._html(kind, context, 7.5), "test"))
    assert len(measured) == len(real) == len(shipped.recommendations)
    assert measured == real
