"""QR codes on handouts: what a code opens, its alternative text, and a code sized for print (a vector
drawing, or for the example cards a bitmap of QR_PIXELS_PER_MODULE pixels a module: see qr_image).

A module of at least QR_MIN_MODULE_MM is ~2.4 pixels at 100 dpi (a phone camera at arm's length, a cheap
scan): error correction M (15 %, survives a fold or a smudge) unless that makes modules smaller, then L;
a code that is too dense even at L is printed larger rather than finer.

The "and N more" codes of crowded handouts are compact: as small as their (short) address allows, at the
highest error level that keeps that size (segno's boost_error), with modules of QR_MIN_MODULE_MM too;
a version-3 code is 22 mm wide. (Measured with pdftoppm -r 100 and zbarimg over random sub-pixel
positions: modules of 0.58-0.7 mm decode every time, 0.5-0.55 mm fail one code in 10 to one in 3.)
"""
from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup, escape

from ..model import Toolkit
from ..urlsafety import web_link
from . import qr_cache, short_links
from .printed import printed_url

QR_SIZE_MM = 28.0  # with the quiet zone; a denser code is printed larger (QR_MIN_MODULE_MM)
QR_QUIET_MODULES = 4  # the quiet zone the QR standard asks for
QR_MIN_MODULE_MM = 0.6  # see the module docstring
QR_ERROR_LEVELS = ("m", "l")
# The bitmap codes (qr_image) draw a module as 4 x 4 pixels. One pixel a module would be enough for a
# printer (the PDF says /Interpolate false), but poppler smooths any image it enlarges less than 4 times:
# at 100 dpi (2.4 pixels a module) a one-pixel-a-module code rendered as grey mush and no code decoded.
# Measured on the shipped cards (56 codes, A4 and Letter) with pdftoppm + zbarimg: 4 pixels decode all 56
# at 100, 110, 120, 150, 200 and 300 dpi like the vector codes (2 pixels: 40 of 56 at 100 dpi; 8: 53).
QR_PIXELS_PER_MODULE = 4


def qr_target(toolkit: Toolkit, example) -> str:
    """What an example's QR code opens: its page on the web tool, through the short address the site writes
    for it (short_links.py: the same few modules for every example), when `sources/event.yaml` gives the
    site's public address (`web_address`); else the example's own link ("" if it has no web address)."""
    site = toolkit.event.web_address
    if site:
        return short_links.url(site, example.id)
    return example.link if web_link(example.link) else ""


def qr_alt(name: str, target: str) -> str:
    """The QR code's alternative text in the PDF: what it is for, and the address it opens."""
    return f"QR code for {name}: {printed_url(target)}" if name else f"QR code: {printed_url(target)}"


@lru_cache(maxsize=1024)
def qr_code(link: str):
    """The segno code for a link with the error level chosen for print (see QR_MIN_MODULE_MM).

    segno's own mask choice is scored with numpy (qr_mask.py: the same mask and matrix, ~1.2 ms a code
    instead of ~3.4 ms). Cached: a card asks twice (its size, then its drawing), a crowded handout once
    per trial layout; across builds, the mask chosen for a card's link is kept (qr_cache.py) and the same
    code made with it, without scoring the other seven."""
    import segno

    kept = qr_cache.read(link)
    if kept is not None:
        return segno.make(link, error=kept.error, version=kept.version, mask=kept.mask, micro=False,
                          boost_error=False)
    from . import qr_mask  # imports numpy: only when a code is not kept in .build/qr
    for level in QR_ERROR_LEVELS:
        code = qr_mask.make(link, level)
        if code.symbol_size(border=QR_QUIET_MODULES)[0] * QR_MIN_MODULE_MM <= QR_SIZE_MM:
            return code
    return code


@lru_cache(maxsize=1024)
def compact_qr_code(link: str):
    """The smallest code for a link, at the highest error level that keeps it that small."""
    import segno

    return segno.make(link, error="l", boost_error=True, micro=False)


def qr_size_mm(code, compact: bool = False) -> float:
    natural = code.symbol_size(border=QR_QUIET_MODULES)[0] * QR_MIN_MODULE_MM
    return natural if compact else max(QR_SIZE_MM, natural)


def qr_svg(link: str, size_mm: float | None = None, name: str = "", compact: bool = False) -> Markup:
    """The link as an inline vector QR code, QR_SIZE_MM wide unless its modules would be too fine (or the
    caller's `size_mm`; `compact`: as small as modules of QR_MIN_MODULE_MM allow); `name`, what it is for,
    goes into the PDF's alternative text (see handout_fit._html)."""
    if not web_link(link):  # a QR code only ever leads to a web address
        return Markup("")
    return _svg(link, size_mm, compact)


@lru_cache(maxsize=512)
def _svg(link: str, size_mm: float | None, compact: bool = False) -> Markup:
    code = compact_qr_code(link) if compact else qr_code(link)
    size_mm = size_mm or qr_size_mm(code, compact)
    modules = code.symbol_size(border=QR_QUIET_MODULES)[0]
    # segno writes only path data and numbers here (no text of ours), so the markup is safe to inline
    return Markup(code.svg_inline(scale=size_mm / modules, border=QR_QUIET_MODULES, unit="mm",
                                  dark="#000", light=None, svgclass="qr", lineclass=None))


def qr_image(link: str, name: str = "") -> Markup:
    """The link as an <img> QR code: a greyscale PNG (qr_png; quiet zone included), with the alternative
    text as its alt (WeasyPrint writes it as the PDF figure's /Alt). The caller's CSS gives its printed
    size (qr_size_mm) and `image-rendering: pixelated`, so the PDF says /Interpolate false and every viewer
    and printer scales the modules as sharp squares, as the vector drawing printed them.

    Why not the vector code: WeasyPrint parses an SVG path in Python on every draw, ~300 path commands a
    code; the example cards draw 2,500 codes at that scale, and the bitmap costs a fraction of it."""
    if not web_link(link):  # a QR code only ever leads to a web address
        return Markup("")
    return Markup(f'<img class="qr" alt="{escape(qr_alt(name, link))}" src="{qr_png(link)}">')


@lru_cache(maxsize=1024)
def qr_png(link: str) -> str:
    """qr_code(link) as a data: URL of a greyscale PNG, each module a square of QR_PIXELS_PER_MODULE pixels a
    side, black on white (same bytes for the same link: Pillow writes no time or text chunks). Kept across
    builds with the code's mask (qr_cache.py): a rebuilt card part draws only the links that changed."""
    import base64

    kept = qr_cache.read(link)
    if kept is None:
        code = qr_code(link)
        kept = qr_cache.Kept(code.error, code.version, code.mask, _png(code))
        qr_cache.keep(link, kept)
    return "data:image/png;base64," + base64.b64encode(kept.png).decode("ascii")


_INK = bytes(255 - 255 * (value & 1) for value in range(256))  # a matrix byte (1: dark module) -> grey level


def _png(code) -> bytes:
    """The code's PNG: its matrix at one pixel a module with the quiet zone, enlarged by Pillow's nearest
    neighbour (the same pixels, so the same bytes, as drawing each module's pixels in Python: 0.6 ms
    instead of 2.4 ms a code)."""
    import io

    from PIL import Image

    quiet = QR_QUIET_MODULES
    side = len(code.matrix) + 2 * quiet
    margin = b"\xff" * (side * quiet)
    pixels = b"".join(b"\xff" * quiet + bytes(row).translate(_INK) + b"\xff" * quiet for row in code.matrix)
    scaled = side * QR_PIXELS_PER_MODULE
    image = Image.frombytes("L", (side, side), margin + pixels + margin).resize((scaled, scaled), Image.NEAREST)
    png = io.BytesIO()
    image.save(png, format="PNG")
    return png.getvalue()
