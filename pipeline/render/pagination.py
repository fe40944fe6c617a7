"""Pagination that needs a layout to decide: a long table's area band repeated where a page breaks it.

WeasyPrint repeats a table's header row (thead) on every page, but nothing else: when Table 5 breaks
inside an area, the rows on the next page would not say which area they belong to. So the paper is laid
out, the page of every row is read back from the layout, and the HTML is laid out again with a band
("Build resilience (continued)") at the top of each page an area continues on. Inserting a band can push
a row to the next page, so this repeats until the bands sit where the breaks are (two passes in practice).
"""
from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import Callable

from ..urlsafety import safe_html
from .common import AssetError, asset_fetcher

MAX_PASSES = 4


def row_pages(document, ids: set[str]) -> dict[str, int]:
    """The page (0-based) on which each element with one of these ids begins."""
    out: dict[str, int] = {}

    def walk(box):
        yield box
        for child in getattr(box, "children", None) or ():
            yield from walk(child)

    for number, page in enumerate(document.pages):
        for box in walk(page._page_box):
            element = getattr(box, "element", None)
            ident = element.get("id") if element is not None else None
            if ident in ids and ident not in out:
                out[ident] = number
    return out


def continued_rows(pages: dict[str, int], groups: list[list[str]]) -> set[str]:
    """Rows that open a new page inside their group (each group: row ids in order, its band first)."""
    out = set()
    for rows in groups:
        for before, row in zip(rows, rows[1:]):
            if before in pages and row in pages and pages[row] > pages[before]:
                out.add(row)
    return out


def render_with_bands(make_html: Callable[[set[str]], str], groups: list[list[str]], base_dir: Path, epoch: int, *, source: str, variant: str | None = "pdf/ua-1") -> bytes:
    """PDF bytes of `make_html(continued)`, where `continued` are the rows that get a band before them.

    `groups` lists, per area, the id of its band row and then the ids of its rows.
    """
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)  # fontTools stamps subset fonts with it
    fetcher = asset_fetcher(base_dir, source=source)
    continued: set[str] = set()
    document = None
    try:
        for _ in range(MAX_PASSES):
            html = safe_html(make_html(continued), links_only=True)  # as render_pdf: no unsafe live link
            document = None  # the last pass's layout goes before the next is made: one in memory, not two
            gc.collect()  # (boxes refer to their parents: only the collector frees hundreds of MB of them)
            document = HTML(string=html, base_url=str(base_dir.resolve()) + "/", url_fetcher=fetcher).render()
            wanted = continued | continued_rows(row_pages(document, {i for g in groups for i in g}), groups)
            if wanted == continued:
                break
            continued = wanted
        options = {"pdf_variant": variant} if variant else {}
        pdf = document.write_pdf(**options, uncompressed_pdf=False)
    except FatalURLFetchingError as exc:
        raise AssetError(str(exc)) from None
    if variant and variant.startswith("pdf/ua"):  # as render_pdf: the tags WeasyPrint leaves out
        from .pdftags import complete_tags

        pdf = complete_tags(pdf, None, source=source)
    return pdf
