"""Measuring and fitting text in the bundled Open Sans, without a browser: advance widths from the font file.

Used wherever Python lays text out itself: the figures' SVG labels and the paper's rotated table labels.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..paths import FONTS

FONT_FAMILY = "'Open Sans', sans-serif"
FONT_FILES = {400: "OpenSans-Regular.ttf", 600: "OpenSans-Semibold.ttf", 700: "OpenSans-Bold.ttf"}
LEADING = 1.22  # line height as a multiple of the font size
SAFETY = 1.03  # measured widths ignore kerning; keep a little air so no renderer overflows a box


# -- measuring and fitting text ------------------------------------------------------------------

@lru_cache(maxsize=None)
def _metrics(weight: int) -> tuple[dict[int, int], int, int]:
    from fontTools.ttLib import TTFont

    font = TTFont(FONTS / FONT_FILES[weight], lazy=True)
    cmap, hmtx = font.getBestCmap(), font["hmtx"].metrics
    advances = {code: hmtx[glyph][0] for code, glyph in cmap.items()}
    return advances, hmtx[".notdef"][0], font["head"].unitsPerEm


def text_width(text: str, size: float, weight: int = 400) -> float:
    """The advance width of `text` set in Open Sans at `size` user units."""
    advances, fallback, em = _metrics(weight)
    return sum(advances.get(ord(ch), fallback) for ch in text) * size / em * SAFETY


def wrap(text: str, width: float, size: float, weight: int = 400) -> list[str]:
    """Greedy word wrap; a word longer than the width stays alone on its line (the fit then fails)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if line and text_width(candidate, size, weight) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


@dataclass(frozen=True)
class Fitted:
    lines: tuple[str, ...]
    size: float
    weight: int

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * LEADING


class DoesNotFit(Exception):
    pass


def fit(text: str, width: float, height: float, *, size: float, min_size: float, weight: int = 400,
        max_lines: int | None = None) -> Fitted:
    """The largest size (from `size` down to `min_size`, in half units) at which `text` fits the box."""
    current = size
    while current >= min_size - 1e-9:
        lines = wrap(text, width, current, weight)
        if (all(text_width(line, current, weight) <= width for line in lines)
                and len(lines) * current * LEADING <= height
                and (max_lines is None or len(lines) <= max_lines)):
            return Fitted(tuple(lines), current, weight)
        current -= 0.5
    raise DoesNotFit(text)
