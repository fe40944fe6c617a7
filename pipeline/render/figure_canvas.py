"""The figures' drawing surface (figures.py draws Figures 1-7 on it): SVG elements in user units, every
label fitted to its box with the bundled font's own advance widths, and the readers of a figure's data that
point an editor at the figures.yaml key a drawing needs.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

from ..errors import SourceError
from ..model import Figure
from .text_metrics import FONT_FAMILY, LEADING, DoesNotFit, Fitted, fit

# -- the canvas ----------------------------------------------------------------------------------

@dataclass
class Canvas:
    """SVG elements in user units; text is fitted to boxes and placed centred (or left-aligned)."""

    figure: Figure
    width: float
    height: float
    parts: list[str] = field(default_factory=list)

    def _attrs(self, **attrs) -> str:
        out = []
        for key, value in attrs.items():
            if value is None:
                continue
            if isinstance(value, float):
                value = f"{value:.2f}".rstrip("0").rstrip(".")
            out.append(f'{key.rstrip("_").replace("_", "-")}="{escape(str(value), quote=True)}"')
        return " ".join(out)

    def add(self, tag: str, **attrs) -> None:
        self.parts.append(f"<{tag} {self._attrs(**attrs)}/>")

    def rect(self, x, y, w, h, cls, rx=0.0) -> None:
        self.add("rect", x=float(x), y=float(y), width=float(w), height=float(h), rx=float(rx) or None,
                 class_=cls)

    def polygon(self, points, cls) -> None:
        self.add("polygon", points=" ".join(f"{x:.1f},{y:.1f}" for x, y in points), class_=cls)

    def circle(self, cx, cy, r, cls) -> None:
        self.add("circle", cx=float(cx), cy=float(cy), r=float(r), class_=cls)

    def ellipse(self, cx, cy, rx, ry, cls) -> None:
        self.add("ellipse", cx=float(cx), cy=float(cy), rx=float(rx), ry=float(ry), class_=cls)

    def line(self, x1, y1, x2, y2, cls) -> None:
        self.add("line", x1=float(x1), y1=float(y1), x2=float(x2), y2=float(y2), class_=cls)

    def arrow(self, x1, y1, x2, y2, cls="fig-arrow", head=9.0, double=False) -> None:
        """A line with a drawn arrowhead (polygons render the same everywhere; markers do not)."""
        angle = math.atan2(y2 - y1, x2 - x1)
        back = head * 0.9

        def tip(x, y, a):
            left = (x - head * math.cos(a) + head * 0.5 * math.sin(a), y - head * math.sin(a) - head * 0.5 * math.cos(a))
            right = (x - head * math.cos(a) - head * 0.5 * math.sin(a), y - head * math.sin(a) + head * 0.5 * math.cos(a))
            self.polygon([(x, y), left, right], f"{cls}-head")

        sx = x1 + (back * math.cos(angle) if double else 0)
        sy = y1 + (back * math.sin(angle) if double else 0)
        self.line(sx, sy, x2 - back * math.cos(angle), y2 - back * math.sin(angle), cls)
        tip(x2, y2, angle)
        if double:
            tip(x1, y1, angle + math.pi)

    def fit(self, text: str, w: float, h: float, *, key: str, size: float, min_size: float,
            weight: int = 400, max_lines: int | None = None) -> Fitted:
        try:
            return fit(text, w, h, size=size, min_size=min_size, weight=weight, max_lines=max_lines)
        except DoesNotFit:
            raise SourceError(self.origin(key), f"figure '{self.figure.id}': the label '{text}' does not fit "
                              f"its place in the drawing even at the smallest size; shorten it") from None

    def origin(self, key: str):
        base = self.figure.origin.key or ""
        full = f"{base}.{key}" if key else base
        return self.figure.origin.at(key=full, line=self.figure.lines.get(full, self.figure.origin.line))

    def text(self, fitted: Fitted, cx: float, top: float, cls: str, anchor: str = "middle") -> None:
        """Lines of fitted text, the first line's box starting at `top`."""
        size = fitted.size
        baseline = top + size * (LEADING - 1) / 2 + size * 0.80  # Open Sans ascent ~0.8 em above baseline
        spans = []
        for i, line in enumerate(fitted.lines):
            dy = 0 if i == 0 else size * LEADING
            spans.append(f"<tspan {self._attrs(x=float(cx), dy=float(dy) if i else None)}>"
                         f"{escape(line, quote=False)}</tspan>")
        self.parts.append(f"<text {self._attrs(x=float(cx), y=float(baseline), font_size=float(size), font_weight=fitted.weight, text_anchor=anchor, class_=cls)}>"
                          + "".join(spans) + "</text>")

    def label(self, text: str, x: float, y: float, w: float, h: float, *, key: str, cls: str,
              size: float = 14, min_size: float = 8, weight: int = 400, pad: float = 6,
              anchor: str = "middle", valign: str = "middle") -> Fitted:
        """Fit `text` into the box (x, y, w, h) less padding and draw it centred in it."""
        fitted = self.fit(text, w - 2 * pad, h - 2 * pad, key=key, size=size, min_size=min_size, weight=weight)
        top = y + (h - fitted.height) / 2 if valign == "middle" else y + pad
        cx = x + w / 2 if anchor == "middle" else x + pad
        self.text(fitted, cx, top, cls, anchor)
        return fitted

    def svg(self, css: str) -> str:
        # The stylesheet is escaped: inside <svg> (HTML foreign content, or XML) <style> is parsed text,
        # so a "<" in a CSS comment would otherwise open an element and break the drawing.
        fig = self.figure
        title_id = f"figure-{fig.id}-title"
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" '
                f'{self._attrs(viewBox=f"0 0 {self.width:g} {self.height:g}", width=f"{self.width:g}", height=f"{self.height:g}", class_=f"figure-drawing figure-{fig.kind}", role="img", aria_labelledby=title_id, font_family=FONT_FAMILY)}>')
        return "".join([head, f'<title id="{escape(title_id)}">{escape(fig.alt, quote=False)}</title>',
                        f"<style>{escape(css, quote=False)}</style>" if css else "", *self.parts, "</svg>"])


# -- reading a figure's data ---------------------------------------------------------------------

def need(canvas: Canvas, data: dict, key: str, kind=str, path: str = ""):
    full = f"{path}.{key}" if path else key
    value = data.get(key) if isinstance(data, dict) else None
    if value in (None, "", []) or not isinstance(value, kind):
        what = {str: "a text", list: "a list", dict: "a mapping"}.get(kind, kind.__name__)
        raise SourceError(canvas.origin(full), f"figure '{canvas.figure.id}' ({canvas.figure.kind}) needs "
                          f"'{full}' as {what}")
    return value.strip() if isinstance(value, str) else value


def entries(canvas: Canvas, data: dict, key: str, low: int, high: int) -> list:
    """The list under `key`, with as many entries as the drawing has room for."""
    items = need(canvas, data, key, list)
    if not low <= len(items) <= high:
        raise SourceError(canvas.origin(key), f"figure '{canvas.figure.id}': '{key}' holds {len(items)} "
                          f"entries; this drawing has room for {low} to {high}")
    return items


def texts(canvas: Canvas, data: dict, key: str, low: int, high: int) -> list[str]:
    items = entries(canvas, data, key, low, high)
    for i, item in enumerate(items):
        if not isinstance(item, (str, int, float)) or not str(item).strip():
            raise SourceError(canvas.origin(f"{key}[{i}]"), f"figure '{canvas.figure.id}': expected a text")
    return [str(item).strip() for item in items]


def records(canvas: Canvas, data: dict, key: str, low: int, high: int) -> list[dict]:
    items = entries(canvas, data, key, low, high)
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise SourceError(canvas.origin(f"{key}[{i}]"), f"figure '{canvas.figure.id}': expected a mapping "
                              "(label: ..., text: ...)")
    return items
