"""Figures 1-7 as SVG, drawn from their data in figures.yaml (labels are data, not pasted images).

`render_svg(figure, css)` returns one standalone <svg> element: real <text> (escaped), set in the bundled
Open Sans, every label wrapped and sized so that it fits its box (measured with the font's own advance
widths). Python decides geometry, font sizes and weights; colours and strokes come from CSS classes
(`fig-*`) in the stylesheet passed in, so an editor changes the look in templates/, not here.
The <svg> carries role="img" and a <title> holding the figure's alt text (WeasyPrint tags it as the
PDF /Figure's /Alt; browsers read it as the image's name). Reused by the paper, handouts and site.
"""
from __future__ import annotations

import math

from ..errors import SourceError
from ..model import Figure
from .figure_canvas import Canvas, need, records, texts
from .text_metrics import DoesNotFit  # noqa: F401  (what a label that cannot fit raises; tests import it here)

# -- the drawings --------------------------------------------------------------------------------

def draw_green_deal(canvas: Canvas, data: dict) -> None:
    """COM(2019) 640's figure: the eight policy areas around the Deal, under its heading,
    with the transition means below and the EU's outward engagement at the foot."""
    areas = texts(canvas, data, "areas", 2, 10)
    transition = texts(canvas, data, "transition", 1, 3)
    engagement = texts(canvas, data, "engagement", 1, 3)
    W = canvas.width
    band_h, box_w, box_h, gap, margin = 44.0, 200.0, 54.0, 10.0, 8.0
    canvas.rect(0, 0, W, band_h, "fig-band", rx=4)
    canvas.label(need(canvas, data, "heading"), 0, 0, W, band_h, key="heading", cls="fig-on-band",
                 size=16, min_size=10, weight=700)
    left, right = areas[: (len(areas) + 1) // 2], areas[(len(areas) + 1) // 2:]
    rows = len(left)
    top = band_h + 16
    ring_bottom = top + rows * box_h + (rows - 1) * gap
    cx, cy = W / 2, (top + ring_bottom) / 2
    rx, ry = W / 2 - box_w - margin - 22, min(95.0, (ring_bottom - top) / 2)
    for side, items, x in (("left", left, margin), ("right", right, W - margin - box_w)):
        offset = 0 if side == "left" else len(left)
        for i, text in enumerate(items):
            y = top + i * (box_h + gap)
            inner_x = x + box_w if side == "left" else x
            target_x = cx - rx * 0.92 if side == "left" else cx + rx * 0.92
            canvas.line(inner_x, y + box_h / 2, target_x, cy + (y + box_h / 2 - cy) * 0.45, "fig-connector")
            canvas.rect(x, y, box_w, box_h, "fig-box", rx=6)
            canvas.label(text, x, y, box_w, box_h, key=f"areas[{offset + i}]", cls="fig-text",
                         size=12, min_size=8.5, weight=600)
    canvas.ellipse(cx, cy, rx, ry, "fig-centre")
    canvas.label(need(canvas, data, "centre"), cx - rx * 0.8, cy - ry * 0.7, rx * 1.6, ry * 1.4,
                 key="centre", cls="fig-on-centre", size=20, min_size=11, weight=700)
    y = ring_bottom + 26
    row_h = 46.0

    def row(items: list[str], key: str, y: float, cls: str, text_cls: str, arrows: bool) -> None:
        n = len(items)
        w = (W - 2 * margin - (n - 1) * 16) / n
        for i, text in enumerate(items):
            x = margin + i * (w + 16)
            if arrows:
                # straight up into the Deal, at a point under the ellipse and over this box, so the
                # arrow never crosses the policy-area boxes beside the ellipse
                ax = min(max(x + w / 2, cx - rx * 0.6), cx + rx * 0.6)
                ax = min(max(ax, x + 12), x + w - 12)
                dx = (ax - cx) / rx
                if abs(dx) < 0.95:
                    canvas.arrow(ax, y - 2, ax, cy + ry * math.sqrt(1 - dx * dx) + 2, "fig-arrow")
            canvas.rect(x, y, w, row_h, cls, rx=6)
            canvas.label(text, x, y, w, row_h, key=f"{key}[{i}]", cls=text_cls, size=13, min_size=8.5,
                         weight=600)

    row(transition, "transition", y, "fig-box-alt", "fig-text", arrows=True)
    row(engagement, "engagement", y + row_h + 14, "fig-box-accent", "fig-on-accent", arrows=False)
    canvas.height = y + 2 * row_h + 14 + 4


def draw_triad(canvas: Canvas, data: dict) -> None:
    """A centre (clusters, or the transition they serve) with its functions placed around it."""
    functions = records(canvas, data, "functions", 2, 6)
    W = canvas.width
    has_text = any(f.get("text") for f in functions)
    box_w, box_h = 210.0, 104.0 if has_text else 66.0
    ring_rx, ring_ry = (W - box_w) / 2 - 6, 120.0 if has_text else 105.0
    cx, cy = W / 2, box_h / 2 + 6 + ring_ry
    centre_r = 64.0
    points = []
    for i in range(len(functions)):
        angle = -math.pi / 2 + 2 * math.pi * i / len(functions)
        points.append((cx + ring_rx * math.cos(angle), cy + ring_ry * math.sin(angle)))
    # the connecting ring first, so boxes and centre sit on top of it
    if len(points) > 2:
        canvas.polygon(points, "fig-ring")
    for px, py in points:
        canvas.line(cx, cy, px, py, "fig-connector")
    canvas.circle(cx, cy, centre_r, "fig-centre")
    side = centre_r * math.sqrt(2)
    canvas.label(need(canvas, data, "centre"), cx - side / 2, cy - side / 2, side, side, key="centre",
                 cls="fig-on-centre", size=17, min_size=10, weight=700, pad=0)
    for i, (function, (px, py)) in enumerate(zip(functions, points)):
        path = f"functions[{i}]"
        x, y = px - box_w / 2, py - box_h / 2
        canvas.rect(x, y, box_w, box_h, "fig-box", rx=8)
        label = need(canvas, function, "label", path=path)
        text = str(function.get("text") or "").strip()
        if not text:
            canvas.label(label, x, y, box_w, box_h, key=f"{path}.label", cls="fig-title", size=14,
                         min_size=9, weight=700)
            continue
        head_h = 30.0
        canvas.rect(x, y, box_w, head_h, "fig-box-head", rx=8)
        canvas.rect(x, y + head_h - 8, box_w, 8, "fig-box-head")  # square off the head's lower corners
        canvas.label(label, x, y, box_w, head_h, key=f"{path}.label", cls="fig-on-accent", size=14,
                     min_size=9, weight=700, pad=4)
        canvas.label(text, x, y + head_h, box_w, box_h - head_h, key=f"{path}.text", cls="fig-text",
                     size=12, min_size=8, weight=400)
    lowest = max(max(py for _, py in points) + box_h / 2, cy + centre_r)
    canvas.height = lowest + 6


def draw_pyramid(canvas: Canvas, data: dict) -> None:
    """Levels from the narrow top to the widest bottom, each described on the right; the two notes
    on the left say what drives the top and the bottom."""
    levels = records(canvas, data, "levels", 2, 6)
    W = canvas.width
    notes_w, desc_w, gap = 120.0, 190.0, 16.0
    px0, px1 = notes_w + gap, W - desc_w - gap  # the pyramid's base spans px0..px1
    base_w, top_w = px1 - px0, 96.0
    level_h, top = 74.0, 8.0
    total_h = level_h * len(levels)
    mid = (px0 + px1) / 2

    def half_width(y: float) -> float:
        return (top_w + (base_w - top_w) * (y - top) / total_h) / 2

    for i, level in enumerate(levels):
        path = f"levels[{i}]"
        y0, y1 = top + i * level_h, top + (i + 1) * level_h
        h0, h1 = half_width(y0), half_width(y1)
        canvas.polygon([(mid - h0, y0), (mid + h0, y0), (mid + h1, y1), (mid - h1, y1)], f"fig-level fig-level-{i + 1}")
        inner = 2 * h0 - 8
        canvas.label(need(canvas, level, "label", path=path), mid - inner / 2, y0, inner, level_h,
                     key=f"{path}.label", cls="fig-on-level", size=13, min_size=8.5, weight=700, pad=3)
        text = str(level.get("text") or "").strip()
        if text:
            dx = px1 + gap
            canvas.line(mid + h1 * 0.5 + h0 * 0.5 + 4, (y0 + y1) / 2, dx - 4, (y0 + y1) / 2, "fig-leader")
            canvas.label(text, dx, y0 + 2, desc_w, level_h - 4, key=f"{path}.text", cls="fig-text",
                         size=12, min_size=8, anchor="start", pad=2)
    notes = [(k, str(data.get(k) or "").strip()) for k in ("top_note", "bottom_note")]
    if any(text for _, text in notes):
        note_h = level_h * 1.3
        canvas.arrow(notes_w / 2, top + note_h + 8, notes_w / 2, top + total_h - note_h - 8, "fig-arrow",
                     double=True)
        for key, text in notes:
            if not text:
                continue
            y = top if key == "top_note" else top + total_h - note_h
            canvas.rect(0, y, notes_w, note_h, "fig-note", rx=6)
            canvas.label(text, 0, y, notes_w, note_h, key=key, cls="fig-text", size=11.5, min_size=8)
    canvas.height = top + total_h + 8


def draw_shock_responses(canvas: Canvas, data: dict) -> None:
    """A shock, the company-level responses that follow it in turn, and the resilience they add up to."""
    responses = records(canvas, data, "responses", 2, 6)
    W = canvas.width
    shock_w, gap, chevron_h, tip = 86.0, 22.0, 62.0, 16.0
    y0 = 10.0
    # the shock: a jagged burst
    sx, sy = shock_w / 2, y0 + chevron_h / 2
    burst = []
    for k in range(16):
        r = (shock_w / 2) * (1.0 if k % 2 == 0 else 0.72)
        a = -math.pi / 2 + k * math.pi / 8
        burst.append((sx + r * math.cos(a), sy + r * 0.95 * math.sin(a)))
    canvas.polygon(burst, "fig-shock")
    canvas.label(need(canvas, data, "trigger"), sx - 28, sy - 16, 56, 32, key="trigger", cls="fig-on-accent",
                 size=13, min_size=8, weight=700, pad=0)
    x = shock_w + gap
    canvas.arrow(shock_w - 2, sy, x - 2, sy, "fig-arrow")
    step = (W - x) / len(responses)
    for i, response in enumerate(responses):
        path = f"responses[{i}]"
        left = x + i * step
        right = left + step - 4
        notch = tip if i else 0.0
        canvas.polygon([(left, y0), (right - tip, y0), (right, sy), (right - tip, y0 + chevron_h),
                        (left, y0 + chevron_h), (left + notch, sy)], "fig-chevron")
        canvas.label(need(canvas, response, "label", path=path), left + notch, y0, step - 4 - tip - notch + 4,
                     chevron_h, key=f"{path}.label", cls="fig-on-accent", size=14, min_size=8.5, weight=700,
                     pad=3)
        text = str(response.get("text") or "").strip()
        if text:
            canvas.label(text, left, y0 + chevron_h + 8, step - 8, 84, key=f"{path}.text", cls="fig-text",
                         size=11.5, min_size=8, valign="top", pad=2)
    # the bracket gathering the responses into the result
    by = y0 + chevron_h + 100
    canvas.add("path", d=f"M{x + 2:.1f},{by:.1f} v10 H{W - 6:.1f} v-10", class_="fig-bracket")
    bw, bh = 190.0, 40.0
    bx = x + (W - x) / 2 - bw / 2
    canvas.line(bx + bw / 2, by + 10, bx + bw / 2, by + 22, "fig-bracket")
    canvas.rect(bx, by + 22, bw, bh, "fig-centre-box", rx=bh / 2)
    canvas.label(need(canvas, data, "centre"), bx, by + 22, bw, bh, key="centre", cls="fig-on-centre",
                 size=16, min_size=9, weight=700, pad=4)
    canvas.height = by + 22 + bh + 4


def draw_roadmap(canvas: Canvas, data: dict) -> None:
    """Sequential phases, each a journey from its input (left) to its result (right)."""
    phases = records(canvas, data, "phases", 1, 8)
    W = canvas.width
    in_w, phase_w, gap, row_h, row_gap = 150.0, 196.0, 34.0, 96.0, 22.0
    res_x = in_w + gap + phase_w + gap
    res_w = W - res_x
    for i, phase in enumerate(phases):
        path = f"phases[{i}]"
        y = i * (row_h + row_gap) + 2
        canvas.rect(0, y, in_w, row_h, "fig-note", rx=6)
        canvas.label(need(canvas, phase, "input", path=path), 0, y, in_w, row_h, key=f"{path}.input",
                     cls="fig-text", size=11.5, min_size=8, pad=8)
        px = in_w + gap
        canvas.arrow(in_w + 3, y + row_h / 2, px - 3, y + row_h / 2, "fig-arrow")
        canvas.rect(px, y, phase_w, row_h, "fig-phase", rx=6)
        number = str(phase.get("n") or i + 1)
        canvas.circle(px + 26, y + row_h / 2, 17, "fig-number")
        canvas.label(number, px + 9, y + row_h / 2 - 17, 34, 34, key=f"{path}.n", cls="fig-on-number",
                     size=16, min_size=10, weight=700, pad=0)
        canvas.label(need(canvas, phase, "title", path=path), px + 46, y, phase_w - 46, row_h,
                     key=f"{path}.title", cls="fig-on-accent", size=14, min_size=9, weight=700, pad=6)
        canvas.arrow(px + phase_w + 3, y + row_h / 2, res_x - 3, y + row_h / 2, "fig-arrow")
        canvas.rect(res_x, y, res_w, row_h, "fig-box", rx=6)
        result = need(canvas, phase, "result", path=path)
        items = phase.get("items") or []
        if not isinstance(items, list):
            raise SourceError(canvas.origin(f"{path}.items"), f"figure '{canvas.figure.id}': 'items' must be a list")
        head = canvas.fit(result, res_w - 16, 24, key=f"{path}.result", size=13, min_size=9, weight=700)
        body = " · ".join(str(item).strip() for item in items)
        body_fit = (canvas.fit(body, res_w - 16, row_h - 16 - head.height - 4, key=f"{path}.items", size=11.5,
                               min_size=8) if body else None)
        block = head.height + (body_fit.height + 4 if body_fit else 0)
        top = y + (row_h - block) / 2
        canvas.text(head, res_x + res_w / 2, top, "fig-title")
        if body_fit:
            canvas.text(body_fit, res_x + res_w / 2, top + head.height + 4, "fig-text")
        if i + 1 < len(phases):  # the phases build on one another
            canvas.arrow(px + phase_w / 2, y + row_h + 2, px + phase_w / 2, y + row_h + row_gap - 2,
                         "fig-arrow")
    canvas.height = len(phases) * (row_h + row_gap) - row_gap + 4


DRAWINGS = {
    "green-deal": draw_green_deal,
    "triad": draw_triad,
    "pyramid": draw_pyramid,
    "shock-responses": draw_shock_responses,
    "roadmap": draw_roadmap,
}
WIDTH = 640.0  # user units; the stylesheet scales the drawing to the column


def render_svg(figure: Figure, css: str = "") -> str:
    """The figure drawn as one <svg> element (no XML declaration: embeddable in HTML as it is)."""
    draw = DRAWINGS.get(figure.kind)
    if draw is None:
        kind_key = f"{figure.origin.key or ''}.kind"
        raise SourceError(figure.origin.at(key=kind_key, line=figure.lines.get(kind_key, figure.origin.line)),
                          f"figure '{figure.id}': unknown kind '{figure.kind}' "
                          f"(expected one of: {', '.join(DRAWINGS)})")
    canvas = Canvas(figure, WIDTH, 0.0)
    draw(canvas, figure.data)
    canvas.height = math.ceil(canvas.height)
    return canvas.svg(css)
