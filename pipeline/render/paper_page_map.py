"""The page map the paper's parts start from (pipeline/render/paper_parts.py), made once per output folder.

A part is laid out with the other parts' pages as placeholders, so it needs the page map (every part's
pages' anchors) before it is laid out. The last build leaves it as a hint; a fresh build has none. Laid
out with a guess (one page a part), every part then saw the wrong page numbers and was laid out a second
time after the build (settle). One layout of the whole paper gave the map instead (9.9 s of CPU at 2,500
examples, 3.8 s at 250), after which each part was laid out once: the paper cost that layout more than
the floor's one piece.

Now the parts are laid out in order (`laid_out_in_order`): a part's pages depend only on its own content
(each part starts a page, paper.css has no left/right or first-page rules) and what it prints of the
others is its first page's number and the pages of the anchors it refers to. The challenges refer to
nothing and the back only to the front and itself, so once the parts before one are laid out its final
HTML is known (part_html makes the parts after it plain placeholder pages); the front, whose contents
refer to every part, goes first with a guess (its page count does not depend on the numbers it shows)
and again last. Each part laid out with its final pages is kept (paper_part_memo.py) and its own target
takes it: 15 layouts for 14 parts, no layout of the whole paper (at 2,500: the paper's targets 28.8-32.3 s
→ 21.3 s of CPU at load 4-5, the same bytes).

That work is a target of its own (`pdf-page-map`) that the parts wait for (`Target.after`, so it runs
in the pool beside the other outputs). Its fingerprint does not follow the paper's content: it is made
again only in a new output folder, when the templates or the code change, with --force, and in a settle
round; it lays out only when no page map from a last build fits, so an edit never lays out the whole
paper in order. A map that is wrong (stale, or a front part that moved) costs what it always did, a
second round for the parts that saw it; it never changes a byte (settle checks every part, and a part
takes a kept layout only of exactly the HTML it would lay out).
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


def laid_out_in_order(parts: Split, base_dir, epoch: int, templates: tuple[str, ...], *, source: str) -> list:
    """The page map the parts make, laid out one after another: the front part first with a guess of the
    others (its own pages: the contents do not move them), then each other part with the pages of those
    before it known (its first page; the parts after it are plain placeholders unless it refers to them,
    part_html), then the front part again with every page known. Each part laid out with its final
    pages is kept for its own target (paper_part_memo.py), which so lays out nothing."""
    from ..worker_memory import give_back_memory
    from . import paper_part_memo
    from .paper_parts import placed_html, render_part

    paper_part_memo.clear()
    _, front = render_part(parts, 0, None, base_dir, epoch, source=source)  # a guess: no PDF
    pages = [front["pages"], *(parts.guessed_pages(j) for j in range(1, len(parts.names)))]
    for k in [*range(1, len(parts.names)), 0]:
        give_back_memory()  # the last layout's cycles: the build collects after a target, not inside one
        placed = placed_html(parts, k, pages)
        pdf, info = render_part(parts, k, pages, base_dir, epoch, source=source, placed=placed)
        paper_part_memo.keep(paper_part_memo.key(templates, parts.names[k], placed[0], epoch), pdf, info)
        pages[k] = info["pages"]
    return pages


def first_page_map(parts: Split, base_dir, epoch: int, templates: tuple[str, ...], *, source: str) -> list | None:
    """The last build's page map if it fits these parts, else the one the parts make laid out in order
    (kept as the hint the parts read), else None."""
    from .. import hints

    known = hints.read(PAGE_MAP_HINT)
    if fits(known, parts):
        return known
    try:
        page_map = laid_out_in_order(parts, base_dir, epoch, templates, source=source)
    except Exception:  # noqa: BLE001 (no map: each part lays itself out and reports what is wrong)
        return None
    hints.write(PAGE_MAP_HINT, page_map)
    return page_map


def build_page_map(parts: Split, target, base_dir, epoch: int, *, source: str) -> dict[str, bytes]:
    page_map = first_page_map(parts, base_dir, epoch, target.templates, source=source)
    return {target.outputs[0]: json.dumps(page_map, sort_keys=True).encode()}
