"""Where a fitted handout's search for its type size starts, from one cheap measure of its text (issue 17).

Without a hint from the last build, the search laid out the smallest size first only to read how full it
is (font_steps.page_fill), then predicted the answer and laid out it and the step beside it: three real
layouts, ~0.8-1.0 s each for the recommendations sheet, whose two balanced CSS columns WeasyPrint lays out
again and again on the last page. The sheet's body is one flow (`.rec-flow`) in two columns over at most
two pages, so how full it will be is known from the flow's height as one column of a column's width, on
a page tall enough to hold it (no columns to balance, no page breaks): 0.3-0.4 s. Its fill estimate,
(space above the flow + flow height / columns) / (pages x page height), was within 1 % of the real
layout's page_fill on the shipped sheets (A4, Letter) and at 250 examples.

From it the step is predicted as font_steps does (fill ~ size^1.3), up to GUESS_FILL rather than 1.0:
two columns break between recommendations, and the sheet overflowed at fills of 0.96-1.02. The search
then lays out that step and the one beside it (handout_fit.fit_font, as from a hint): when the guess is
the answer or the step above it, those two layouts are all, one of them written to PDF. A guess is only
where the search starts: which size fits is decided by real layouts alone, so the PDF is the same bytes
whatever the guess (a wrong one costs layouts).
"""
from __future__ import annotations

from typing import Callable, Sequence

from .cell_fill import PX_PER_MM, block_boxes
from .font_steps import DEFAULT_EXPONENT

# handout kind -> (tag, class) of the one flowing body the template sets in columns, and its column count
# (templates/handouts/handouts.css: `.rec-flow`, and `.measuring .rec-flow` for the measure)
FLOWS: dict[str, tuple[str, str, int]] = {"recommendations": ("div", "rec-flow", 2)}
GUESS_FILL = 0.97  # the fill the guess aims at: the sheets overflowed between 0.96 and 1.02
TOO_FULL = 1.05  # estimated this full at the smallest size: no guess, lay the smallest out (it may not fit)
MEASURE_HEIGHT_MM = 5000.0  # the measuring page: the whole flow on it, unbroken


def measurable(kind_name: str) -> bool:
    return kind_name in FLOWS


def estimated_fill(document, kind_name: str, content_height_mm: float, max_pages: int) -> float | None:
    """How full the real pages would be, from a measuring layout (`weasyprint.Document`); None if its flow
    is not there."""
    tag, cls, columns = FLOWS[kind_name]
    page = document.pages[0]._page_box
    flow = next(block_boxes(page, tag, cls), None)
    if flow is None:
        return None
    above = flow.position_y - page.content_box_y()
    return (above + flow.margin_height() / columns) / (max_pages * content_height_mm * PX_PER_MM)


def guessed_step(steps: Sequence[float], low: int, high: int, fill_at_high: float) -> int | None:
    """The index in steps[low:high + 1] (font sizes, largest first) whose predicted fill is nearest
    GUESS_FILL, from the fill estimated at steps[high]; None when even that looks too full."""
    if not 0 < fill_at_high <= TOO_FULL:
        return None
    size = steps[high] * (GUESS_FILL / fill_at_high) ** (1 / DEFAULT_EXPONENT)
    return min(range(low, high + 1), key=lambda i: (abs(steps[i] - size), i))


def first_step(kind_name: str, steps: Sequence[float], low: int, high: int,
               measure: Callable[[float], object], content_height_mm: float, max_pages: int) -> int | None:
    """Where to start the search; `measure(size)` lays out the measuring page at that size."""
    if not measurable(kind_name) or not max_pages:
        return None
    fill = estimated_fill(measure(steps[high]), kind_name, content_height_mm, max_pages)
    return None if fill is None else guessed_step(steps, low, high, fill)
