"""The paper's rotated row labels (row heads of Tables 2-5): boxes sized with the font's own advance widths
so that no label is clipped (WeasyPrint ignores `writing-mode`: the label is an absolutely positioned,
rotated span in a box of fixed height, paper.css `.rot`)."""
from __future__ import annotations

import math
from dataclasses import dataclass

# type size and weight as set in paper.css (.rot span)
LABEL_PT, LABEL_WEIGHT, LABEL_LEADING, LABEL_PAD_PT = 8.5, 700, 1.2, 8.0
LABEL_MIN_PT = 40.0  # the shortest box: a one-word label still reads as a row head


@dataclass(frozen=True)
class Rotated:
    """A row label set sideways: the box is `height` tall (the label's line length) and `width` wide."""

    text: str
    height: float  # pt
    width: float  # pt
    lines: int


def rotated_labels(texts: list[str], max_lines: int = 1, max_height: float = 1e9,
                   suffixes: dict[str, str] | None = None) -> dict[str, Rotated]:
    """Sideways boxes for one table's labels, all as wide as the one needing the most lines.

    Each label gets the shortest box (in steps of 4 pt) in which it wraps into at most `max_lines` lines,
    unless that is taller than `max_height`: then it is `max_height` tall and takes more lines.
    `suffixes` (text -> what follows it, e.g. a provenance mark) are measured with their label.
    """
    from .text_metrics import text_width, wrap

    def lines_at(text: str, height: float) -> list[str]:
        return wrap(text, height - LABEL_PAD_PT, LABEL_PT, LABEL_WEIGHT)

    out: dict[str, Rotated] = {}
    for label in texts:
        suffix = (suffixes or {}).get(label, "")
        text = f"{label} {suffix}" if suffix else label
        height = max(LABEL_MIN_PT, text_width(text, LABEL_PT, LABEL_WEIGHT) / max_lines + LABEL_PAD_PT)
        height = 4 * math.ceil(height / 4)
        while len(lines_at(text, height)) > max_lines:
            height += 4
        height = min(height, max(max_height, LABEL_MIN_PT))  # too long: more lines rather than a taller row
        lines = lines_at(text, height)
        longest = max(text_width(line, LABEL_PT, LABEL_WEIGHT) for line in lines)
        height = max(height, 4 * math.ceil((longest + LABEL_PAD_PT) / 4))  # one unbreakable word
        out[label] = Rotated(label, height, 0.0, len(lines))
    most = max((r.lines for r in out.values()), default=1)
    width = math.ceil(most * LABEL_PT * LABEL_LEADING + LABEL_PAD_PT)
    return {k: Rotated(r.text, r.height, width, r.lines) for k, r in out.items()}
