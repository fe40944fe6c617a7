"""The largest font step whose layout fits, in two or three real layouts instead of a bisection's five.

A handout's body size is the first step (largest font) of a list whose WeasyPrint layout keeps within the
page limit. Fitting is monotonic in the font size (a larger font never takes fewer pages), so the answer
is the one step that fits while the step before it does not; bisection finds it in ~log2(15) = 4 layouts
after checking the smallest. Each layout also says how full its pages are (`page_fill`: the content's
height over the height the limit allows; it grows smoothly with the font, about as size^1.3), so the
search predicts where the fill crosses the limit and lays out that step and its neighbour: the same
answer, confirmed by the same kind of layouts (a step is only ever called fitting or not by its own
layout), in fewer of them. A prediction that misses only costs layouts: after MAX_PREDICTIONS the
search bisects what is left.
"""
from __future__ import annotations

import math
from typing import Callable, NamedTuple, Sequence

DEFAULT_EXPONENT = 1.3  # fill ~ size^1.3: measured on the recommendations sheet and the priority matrices


class Trial(NamedTuple):
    fits: bool
    fill: float  # content height over what the page limit allows (page_fill); 0 when unknown


def page_fill(document, max_pages: int) -> float:
    """How full a layout is for a limit of `max_pages`: on each page, the bottom of the lowest box in the
    normal flow (absolutely positioned boxes, such as a page footer, left out) below the page's content
    top, summed over the pages, over max_pages times the content height."""
    used = 0.0
    height = 0.0
    for page in document.pages:
        box = page._page_box
        height = box.height
        top = box.content_box_y()
        used += max(_flow_bottom(box.children[0]) - top, 0.0) if box.children else 0.0
    return used / (max_pages * height) if height else 0.0


def _flow_bottom(root) -> float:
    bottom, todo = root.position_y, [root]
    while todo:
        box = todo.pop()
        children = getattr(box, "children", None)
        if children:
            todo += [c for c in children if getattr(c, "style", None) is None
                     or c.style["position"] not in ("absolute", "fixed")]
        else:
            bottom = max(bottom, box.position_y + box.margin_height())
    return bottom


def first_fitting(steps: Sequence[float], low: int, high: int, trial: Callable[[int], Trial],
                  known: dict[int, Trial]) -> int | None:
    """The first index in steps[low:high + 1] whose trial fits (steps: font sizes, largest first), or
    None if not even `high` fits; `known`: the trials made so far (at least one, to predict from).

    Under monotonic fitting the answer is bisection's: the index that fits while the one before it (if
    any in range) does not. Each step tried is predicted from the fills measured so far, kept inside the
    middle half of what is still open once three predictions have not closed it (a poor prediction
    costs at most a layout more than bisection).
    """
    below = max([i for i, t in known.items() if not t.fits and low <= i <= high], default=low - 1)
    above = min([i for i, t in known.items() if t.fits and low <= i <= high], default=high + 1)
    tried = 0
    while above - below > 1:
        index = predict(steps, below, above, known)
        if tried >= 3:
            margin = (above - below) // 4
            index = min(max(index, below + 1 + margin), above - 1 - margin)
        tried += 1
        known[index] = trial(index)
        if known[index].fits:
            above = index
        else:
            below = index
    return above if above <= high else None


def predict(steps: Sequence[float], below: int, above: int, known: dict[int, Trial]) -> int:
    """The step strictly between `below` (does not fit) and `above` (fits, or one past the last step) where the measured fills say the
    layout starts to fit: the largest font whose predicted fill stays under the fill that is known to
    overflow (and under 1.0, the limit itself), the fill scaled as a power of the size fitted to the two
    measured layouts nearest that fill (one layout: DEFAULT_EXPONENT)."""
    measured = [(steps[i], t.fill, t.fits) for i, t in known.items() if t.fill > 0]
    if not measured:
        return (below + above) // 2
    threshold = min([1.0] + [fill * (1 - 1e-6) for _, fill, fits in measured if not fits])
    threshold = max([threshold] + [fill for _, fill, fits in measured if fits])
    nearest = sorted(measured, key=lambda m: abs(math.log(m[1] / threshold)))
    size, fill, _ = nearest[0]
    exponent = DEFAULT_EXPONENT
    others = [m for m in nearest[1:] if m[0] != size and m[1] != fill]
    if others:
        exponent = min(max(math.log(fill / others[0][1]) / math.log(size / others[0][0]), 0.5), 3.0)
    for index in range(below + 1, above):
        if fill * (steps[index] / size) ** exponent <= threshold:
            return index
    return above - 1
