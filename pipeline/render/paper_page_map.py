"""The page map the paper's parts start from (pipeline/render/paper_parts.py), made once per output folder.

A part is laid out with the other parts' pages as placeholders, so it needs the page map (every part's
pages' anchors) before it is laid out. The last build leaves it as a hint; a fresh build has none. Laid
out with a guess (one page a part), every part then saw the wrong page numbers and was laid out a second
time after the build (settle): at 2,500 examples 12.4 s of CPU for the guess round plus 14 targets at
the build's tail. One layout of the whole paper (HTML.render(), no PDF written: 9.9 s at 2,500, 3.8 s at
250) gives the map the parts themselves make, page for page, so each part is laid out once.

That layout is a target of its own (`pdf-page-map`) that the parts wait for (`Target.after`, so it runs
in the pool beside the other outputs). Its fingerprint does not follow the paper's content: it is made
again only in a new output folder, when the templates or the code change, with --force, and in a settle
round; it lays the paper out only when no page map from a last build fits, so an edit never lays out the
whole paper. A map that is wrong (stale, or pages this layout could not place) costs what it always
did, a second round for the parts that saw it; it never changes a byte (settle checks every part).
A layout that fails gives no map: the parts then report the error themselves (a failed target whose
fingerprint never changes would never be retried).
"""
from __future__ import annotations

import json

from .paper_parts import PAGE_MAP_HINT, PARTS_DIR, Split, fits

PAGE_MAP_NAME = "pdf-page-map"
PAGE_MAP_OUT = f"{PARTS_DIR}/page-map.json"


def page_map_target(builder: str, templates: tuple[str, ...]):
    """The target that makes the map; its deps are fixed on purpose (see the module's docstring)."""
    from ..targets import Target

    return Target(builder, PAGE_MAP_NAME, (PAGE_MAP_OUT,), {"page map": "the last build's, else one layout"},
                  templates, {"page_map": True})


def whole_html(parts: Split) -> str:
    """The paper's HTML as it was split (the part marks included)."""
    out = []
    for text, (k, html) in zip(parts.texts, parts.pieces):
        out.append(f"{text}<!--part:{parts.names[k]}-->{html}<!--/part-->")
    out.append(parts.texts[-1])
    return "".join(out)


def map_of_layout(parts: Split, pages: list[list[str]]) -> list | None:
    """The whole paper's pages (each page's anchors) cut into the parts' pages, or None when they cannot be
    told apart: a part's first page is the first holding one of its ids (every part starts a page), and
    every page may hold only ids of the part it falls in."""
    owner: dict[str, int] = {}
    for j in range(len(parts.names)):
        for anchor in parts.guessed_pages(j)[0]:
            owner.setdefault(anchor, j)
    firsts = [0]
    for j in range(1, len(parts.names)):
        first = next((i for i, anchors in enumerate(pages) if any(owner.get(a) == j for a in anchors)), None)
        if first is None or first <= firsts[-1]:
            return None
        firsts.append(first)
    cuts = [*firsts, len(pages)]
    page_map = [pages[cuts[j]:cuts[j + 1]] for j in range(len(parts.names))]
    if any(owner.get(a) != j for j, own in enumerate(page_map) for page in own for a in page):
        return None
    return page_map


def first_page_map(parts: Split, base_dir, *, source: str) -> list | None:
    """The last build's page map if it fits these parts, else the one a layout of the whole paper makes
    (kept as the hint the parts read), else None."""
    from .. import hints
    from .common import layout_html

    known = hints.read(PAGE_MAP_HINT)
    if fits(known, parts):
        return known
    try:
        document = layout_html(whole_html(parts), base_dir, source=source)
    except Exception:  # noqa: BLE001 (no map: each part lays itself out and reports what is wrong)
        return None
    page_map = map_of_layout(parts, [sorted(page.anchors) for page in document.pages])
    del document
    if page_map is not None:
        hints.write(PAGE_MAP_HINT, page_map)
    return page_map


def build_page_map(parts: Split, target, base_dir, *, source: str) -> dict[str, bytes]:
    page_map = first_page_map(parts, base_dir, source=source)
    return {target.outputs[0]: json.dumps(page_map, sort_keys=True).encode()}
