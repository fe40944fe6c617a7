"""Pagination that needs a layout to decide: a long table's area band repeated where a page breaks it.

WeasyPrint repeats a table's header row (thead) on every page, but nothing else: when Table 5 breaks
inside an area, the rows on the next page would not say which area they belong to. So the paper is laid
out, the page of every row is read back from the layout, and the HTML is laid out again with a band
("Build resilience (continued)") at the top of each page an area continues on. Inserting a band can push
a row to the next page, so this repeats until the bands sit where the breaks are (two passes in practice).

The passes are a chain: each pass's HTML decides the next pass's bands. The build keeps that chain as a
hint (pipeline/hints.py: a hash of each pass's HTML and the bands it led to); the next build makes each
pass's HTML (cheap) and, while it hashes the same, takes the bands the chain says instead of laying it
out, so only the last layout, the one written, is made. The first HTML that differs, and everything after
it, is laid out as without a hint: the same bands, the same bytes, with or without one. It saves a layout
when the paper's HTML has not changed (`--force`, a code change elsewhere); an edit of the toolkit changes
the HTML, and its layouts are made again (a band's page cannot be known before its layout).

The first pass, without bands, is only read for where the rows fall, so it need not be the whole paper: a
renderer may offer an excerpt (`make_excerpt`), the same HTML with everything left out or hidden
(`display: none`) but the stretch from the last forced page break before the table to the first one after
it. Pages after
a forced break are laid out from what follows it alone, so the excerpt's pages are the whole paper's pages
of that stretch, each box in the same place, and its rows break where the whole paper's do (the renderer
offers no excerpt when something in the stretch depends on what is hidden: a footnote's number, a page
reference). Then the layout that is written, with the bands, checks it: every anchor the excerpt placed
before its first band must sit in the same place on the same page, counted from the stretch's first;
if one does not, the bands are found again the long way. Written bytes are the same either way.
"""
from __future__ import annotations

import gc
import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Callable

from .. import hints
from .common import layout_html, layout_pdf
from .weasyprint_import import import_weasyprint

MAX_PASSES = 4


def anchor_places(document, ids: set[str] | None = None) -> dict[str, tuple[int, float, float]]:
    """(page (0-based), y, x) of the first box of each element with an id (only these `ids` if given)."""
    out: dict[str, tuple[int, float, float]] = {}

    def walk(box):
        yield box
        for child in getattr(box, "children", None) or ():
            yield from walk(child)

    for number, page in enumerate(document.pages):
        for box in walk(page._page_box):
            element = getattr(box, "element", None)
            ident = element.get("id") if element is not None else None
            if ident and ident not in out and (ids is None or ident in ids):
                out[ident] = (number, box.position_y, box.position_x)
    return out


def row_pages(document, ids: set[str]) -> dict[str, int]:
    """The page (0-based) on which each element with one of these ids begins."""
    return {ident: place[0] for ident, place in anchor_places(document, ids).items()}


def same_places(excerpt: dict[str, tuple[int, float, float]], whole: dict[str, tuple[int, float, float]]) -> bool:
    """Whether every anchor of the excerpt sits in the whole layout at the same place, on the same page
    counted from the excerpt's first (the whole paper has pages before it)."""
    if not excerpt:
        return True
    shift = {whole[i][0] - page for i, (page, _, _) in excerpt.items() if i in whole}
    return len(shift) == 1 and all(whole.get(i) == (page + next(iter(shift)), y, x)
                                   for i, (page, y, x) in excerpt.items())


def continued_rows(pages: dict[str, int], groups: list[list[str]]) -> set[str]:
    """Rows that open a new page inside their group (each group: row ids in order, its band first)."""
    out = set()
    for rows in groups:
        for before, row in zip(rows, rows[1:]):
            if before in pages and row in pages and pages[row] > pages[before]:
                out.add(row)
    return out


def layout_key(html: str) -> str:
    """What decides a pass's layout: its HTML, WeasyPrint's version and the bundled fonts it loads by URL."""
    return hashlib.sha256(_engine_key() + html.encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def _engine_key() -> bytes:
    weasyprint = import_weasyprint()  # may be this process's first import (weasyprint_import.py)

    from ..paths import FONTS

    digest = hashlib.sha256(weasyprint.__version__.encode())
    for font in sorted(FONTS.glob("*.ttf")):
        digest.update(font.name.encode() + hashlib.sha256(font.read_bytes()).digest())
    return digest.digest()


def _known_chain(hint) -> dict[str, set[str]]:
    """{key of a pass's HTML: the bands it led to} from a kept chain (anything malformed: nothing)."""
    try:
        return {str(key): set(map(str, bands)) for key, bands in hint}
    except (TypeError, ValueError):
        return {}


def render_with_bands(make_html: Callable[[set[str]], str], groups: list[list[str]], base_dir: Path, epoch: int, *,
                      source: str, variant: str | None = "pdf/ua-1", hint: str | None = None,
                      make_excerpt: Callable[[], str | None] | None = None) -> bytes:
    """PDF bytes of `make_html(continued)`, where `continued` are the rows that get a band before them.

    `groups` lists, per area, the id of its band row and then the ids of its rows. `hint`: the name under
    which the chain of passes is kept for the next build. `make_excerpt`: the HTML without bands reduced to
    the stretch of pages the table is on, or None (see the module's docstring).
    """
    known = _known_chain(hints.read(hint)) if hint else {}
    chain: list[list] = []  # [key of a pass's HTML, the bands it led to], in order: the next build's hint
    ids = {i for g in groups for i in g}
    continued: set[str] = set()
    document = None
    excerpt_places: dict | None = None  # where the excerpt put its anchors before its first band
    for number in range(MAX_PASSES):
        html = make_html(continued)
        key = layout_key(html) if hint else ""
        if key in known and known[key] != continued and number < MAX_PASSES - 1:
            # this very HTML was laid out by an earlier build and led to these bands: a pass not made
            chain.append([key, sorted(known[key])])
            continued = set(known.pop(key))
            continue
        known.clear()  # the chain is left: every pass from here on is laid out
        document = None  # the last pass's layout goes before the next is made: one in memory, not two
        gc.collect()  # (boxes refer to their parents: only the collector frees hundreds of MB of them)
        excerpt = make_excerpt() if make_excerpt and not continued and excerpt_places is None else None
        if excerpt is not None and number < MAX_PASSES - 1:  # the pass without bands, never the one written
            layout = layout_html(excerpt, base_dir, source=source, shared_fonts=True)
            places = anchor_places(layout)
            layout = None
            wanted = continued_rows({i: p[0] for i, p in places.items() if i in ids}, groups)
            first_band = min((places[i][0] for i in wanted), default=float("inf"))
            excerpt_places = {i: p for i, p in places.items() if p[0] < first_band}
            chain.append([key, sorted(wanted)])
            continued = wanted
            continue
        document = layout_html(html, base_dir, source=source, shared_fonts=True)  # the same fonts
        if excerpt_places and not same_places(excerpt_places, anchor_places(document, set(excerpt_places))):
            # the excerpt did not lay its stretch out as the whole paper does: find the bands the long way
            document = None
            return render_with_bands(make_html, groups, base_dir, epoch, source=source, variant=variant, hint=hint)
        excerpt_places = {}  # checked (or none): not again
        wanted = continued | continued_rows(row_pages(document, ids), groups)
        chain.append([key, sorted(wanted)])
        if wanted == continued:
            break
        continued = wanted
    if hint:
        hints.write(hint, chain)
    return layout_pdf(document, epoch, source=source, variant=variant)
