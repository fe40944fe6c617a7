"""The paper's HTML on a phone: what the stylesheet cannot know by itself about the figures.

A figure is an SVG drawn at a fixed viewBox width (640 units) with type sizes in those units; scaled down
to a 375 px screen its smallest text would be ~6 px. On narrow screens the stylesheet (paper-phone.css)
gives each drawing at least the width at which its smallest text is MIN_TEXT_PX and lets the reader pan
it in a labelled scroll box; on wide screens nothing changes.
"""
from __future__ import annotations

import math
import re

MIN_TEXT_PX = 12.0
_VIEWBOX = re.compile(r'viewBox="\s*[-\d.]+\s+[-\d.]+\s+([\d.]+)\s+[\d.]+\s*"')
_FONT_SIZE = re.compile(r'font-size(?:="|:\s*)([\d.]+)')


def readable_width(svg: str) -> int:
    """Pixels the drawing needs so that no text in it is under MIN_TEXT_PX (0 if it has no text)."""
    box = _VIEWBOX.search(svg)
    sizes = [float(s) for s in _FONT_SIZE.findall(svg) if float(s) > 0]
    if not box or not sizes:
        return 0
    return math.ceil(float(box.group(1)) * MIN_TEXT_PX / min(sizes))
