"""The paper laid out for scale, rendered in parts: an edit re-renders the part that shows it, then the join.

At scale (paper.at_scale) the paper's HTML marks its parts (`<!--part:NAME-->...<!--/part-->` around whole
elements): the front matter, each challenge's table of Tables 2-4 (the first with its section's heading), and
the back (Table 5 onwards). Each part starts a page (paper.css). Everything outside the marks is the
*skeleton* (head, styles, the <main> and <section> elements that hold parts): every part's HTML has it.

A part is laid out as the whole paper in which every other part is *placeholder pages*: empty pages that
hold the anchors this part refers to (`href="#..."`: links, the contents' and the editorial notes'
target-counter) on the page they are on (page map), each stepping the page counter by the pages it stands
for, so that the pages no reference lands on need no layout (part_html). WeasyPrint so numbers the part's
pages and resolves its references exactly as in one layout of the whole paper; the placeholders have
their own @page without margin boxes, so they cost little. The part's PDF keeps only its own pages (`trim`: their
structure elements and parent tree entries; WeasyPrint builds the structure tree page by page, so a page's
elements are the same as in one layout), and its page info (anchors per page, named destinations,
bookmarks with their levels) goes beside it as JSON.

The page map is a layout hint (pipeline/hints.py, PAGE_MAP_HINT): every part's pages' anchors as the last
build left them (a fresh build's from the parts laid out in order: paper_page_map.py). A part records what
it was laid out with (its first page and the page of each anchor it refers to); `settle` (after the build,
paper_settle.py) compares that with the page map the parts themselves now make, and lays out again, through
the build, the parts that saw another map, until none did. Only then are the parts joined
(paper_join.py: pdfjoin.join_tagged, then the named destinations and the outline from each page's owner).
So the joined PDF is the same bytes whatever map a build started from (none, a stale one, the last one); a
stale map only costs a second round.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from html import unescape

from markupsafe import Markup, escape

PAGE_MAP_HINT = "paper-page-map"
PLACEHOLDER_PAGE = "paper-placeholder"  # the @page of placeholder pages (paper.css)
_PIECE = re.compile(r"<!--part:([A-Za-z0-9_.-]+)-->(.*?)<!--/part-->", re.S)
_REF = re.compile(r'href="#([^"]+)"')
_ID = re.compile(r'\sid="([^"]+)"')
_TAG = re.compile(r"<[^>]*>|<!--.*?-->", re.S)


@dataclass(frozen=True)
class Split:
    """The paper's HTML cut into its parts: texts[i] comes before pieces[i]; texts[-1] ends the document."""

    names: tuple[str, ...]  # the parts, in page order
    texts: tuple[str, ...]
    pieces: tuple[tuple[int, str], ...]  # (part index, HTML of one whole element of it)

    def own(self, k: int) -> str:
        return "".join(html for part, html in self.pieces if part == k)

    def key(self, k: int) -> str:
        """What part k's pages are made from, but for the other parts' pages: the skeleton, its own pieces,
        where it stands among the parts."""
        digest = hashlib.sha256(json.dumps([self.names, k, self.texts]).encode())
        digest.update(self.own(k).encode())
        return digest.hexdigest()

    def references(self, k: int) -> list[str]:
        """Anchors part k refers to (links, target-counter), in sorted order."""
        return sorted({unescape(m) for m in _REF.findall(self.own(k))})

    def guessed_pages(self, j: int) -> list[list[str]]:
        """Part j's pages before any layout: one page holding every id of its HTML (a fresh build's guess)."""
        return [sorted({unescape(m) for m in _ID.findall(self.own(j))})]


def part_marks(scale: bool) -> dict:
    """The template's part_mark(name) and part_end(name) (paper.html.j2, tables.html.j2): the comments that
    mark the parts when the paper is laid out for scale, nothing otherwise (the 2021 paper keeps its bytes)."""
    return {"part_mark": _part_mark if scale else _no_mark, "part_end": _part_end if scale else _no_mark}


def _part_mark(name: str | None = None) -> Markup:
    return Markup(f"<!--part:{name}-->") if name else Markup("")


def _part_end(name: str | None = "") -> Markup:
    return Markup("<!--/part-->") if name is not None else Markup("")


def _no_mark(name: str | None = None) -> Markup:
    return Markup("")


def section_parts(tk) -> list[tuple[str | None, str | None, bool]]:
    """Per section of the paper laid out for scale: (the part it is in, the part its heading is in, whether
    it starts a part and so a page), pipeline/render/paper_parts.py. A section holding a priority table is cut into its
    challenges' parts (the heading goes with the first); a run of other sections is one part: 'front'
    before the first table, 'back' after the last, 'after-<priority>' between."""
    tx = tk.taxonomy
    tables = [next((p.id for p in tx.priorities if "{table:%s}" % p.id in s.body), None) for s in tk.sections]
    out, run = [], "front"
    for i, (s, table) in enumerate(zip(tk.sections, tables)):
        if table:
            out.append((None, f"{table}-{tx.challenges[0].id}", i > 0))
            continue
        starts = i > 0 and tables[i - 1] is not None
        if starts:
            run = f"after-{tables[i - 1]}" if any(tables[i:]) else "back"
        out.append((run, None, starts))
    return out


def split(html: str) -> Split | None:
    """The paper's parts, or None when it cannot be laid out in parts exactly: fewer than two parts, a part
    whose pieces are not together, text or an id outside every part, or a footnote after the first part
    (WeasyPrint numbers footnotes over the whole document; placeholders do not carry them)."""
    texts, pieces, names = [], [], []
    position = 0
    for match in _PIECE.finditer(html):
        texts.append(html[position:match.start()])
        name = match.group(1)
        if name not in names:
            names.append(name)
        elif names[-1] != name:
            return None  # a part in two places
        pieces.append((names.index(name), match.group(2)))
        position = match.end()
    texts.append(html[position:])
    if len(names) < 2:
        return None
    body = "".join(texts).split("<body", 1)[-1]
    if _TAG.sub("", body.split(">", 1)[-1]).strip() or _ID.search(body):
        return None  # the skeleton shows something or holds an anchor: no part owns it
    if any('class="footnote"' in html for part, html in pieces if part > 0):
        return None
    return Split(tuple(names), tuple(texts), tuple(pieces))


def part_html(parts: Split, k: int, pages: dict[int, list[list[str]]]) -> tuple[str, int, int]:
    """Part k's HTML, and how many placeholder pages come before and after its own: its own pieces, and
    for every other part j the pages of `pages[j]` that hold anchors k refers to, as placeholder pages (in
    the place of j's last piece, so that k's first piece follows them where it follows j in the whole
    paper), each holding those anchors; and the last page of a part that has none of them, and of the part
    right before k (the skeleton's page breaks fall around every part's pages as in the whole paper).

    A placeholder page steps the page counter by as many pages as it stands for (its own @page,
    `placeholder_rules`), so every page is numbered as in the whole paper, and the pages no reference
    lands on are not laid out at all (at 2,500 examples a part had ~80 placeholder pages, ~0.45 s). But
    the first part's: qpdf keeps a file's first /ID, so the joined paper's is the first part's, which is
    WeasyPrint's digest of the file it wrote, placeholder pages and all (the joined bytes stay as they were)."""
    wanted = set(parts.references(k))
    last = {part: i for i, (part, _) in enumerate(parts.pieces)}
    # past the last part holding an anchor k refers to, nothing k shows depends on the pages: each part
    # is one plain placeholder page, so that k's HTML does not depend on how many pages they have
    # (paper_page_map.py lays the parts out in order, each before the later ones' pages are known)
    referred = max((j for j, own in pages.items() if wanted.intersection(a for page in own for a in page)),
                   default=-1)
    out, steps = [], set()
    before = after = 0
    page, previous = 0, -1  # the page in the whole paper (k's own pages not counted), the last laid out
    for i, (part, html) in enumerate(parts.pieces):
        out.append(parts.texts[i])
        if part == k:
            out.append(html)
            previous = page - 1  # counted from k's last page on: one step more than its distance
        elif last[part] == i and k > 0 and part > max(k, referred):
            out.append(f'<div class="{PLACEHOLDER_PAGE}"></div>')
            after += 1
        elif last[part] == i:
            laid = {n for n, anchors in enumerate(pages[part]) if k == 0 or wanted.intersection(anchors)}
            if pages[part] and (not laid or part + 1 == k):
                laid.add(len(pages[part]) - 1)  # every part keeps a page (paper.css breaks pages around it)
            for n, anchors in enumerate(pages[part]):
                if n not in laid:
                    page += 1
                    continue
                ids = [a for a in anchors if a in wanted]
                step = page - previous  # 1: paper.css's own placeholder page
                steps.add(step)
                holders = "".join(f'<div id="{escape(a)}"></div>' for a in ids)
                named = f' style="page: {placeholder_page(step)}"' if step > 1 else ""
                out.append(f'<div class="{PLACEHOLDER_PAGE}"{named}>{holders}</div>')
                previous, page = page, page + 1
                before, after = (before + 1, after) if part < k else (before, after + 1)
    out.append(parts.texts[-1])
    html = "".join(out)
    head = html.index("</head>")
    return html[:head] + placeholder_rules(steps) + html[head:], before, after


def placeholder_page(step: int) -> str:
    return f"{PLACEHOLDER_PAGE}-{step}" if step > 1 else PLACEHOLDER_PAGE


def _is_placeholder(page_name) -> bool:
    return page_name == PLACEHOLDER_PAGE or str(page_name).startswith(PLACEHOLDER_PAGE + "-")


def placeholder_rules(steps) -> str:
    """The @page of a placeholder page that stands for `step` pages: as paper.css's (no margin boxes:
    nothing of it is printed), the page counter stepped by `step`."""
    rules = "".join(f"@page {placeholder_page(step)} {{ counter-increment: page {step}; "
                    "@top-center { content: none; border: none; } @bottom-right { content: none; } "
                    "@bottom-left { content: none; } }" for step in sorted(steps) if step > 1)
    return f"<style>{rules}</style>" if rules else ""


def seen(first: int, refs: list[str], where: dict[str, int]) -> str:
    """What a part's pages show of the other parts: its first page and the page of each anchor it refers
    to (None: no such anchor, so WeasyPrint drops the link)."""
    return hashlib.sha256(json.dumps([first, [[r, where.get(r)] for r in refs]]).encode()).hexdigest()


def anchor_pages(page_map: list[list[list[str]]]) -> tuple[list[int], dict[str, int]]:
    """(first page of each part, page of each anchor) in the whole paper; the first of two same ids wins."""
    firsts, where, page = [], {}, 0
    for pages in page_map:
        firsts.append(page)
        for anchors in pages:
            for a in anchors:
                where.setdefault(a, page)
            page += 1
    return firsts, where


def placed_html(parts: Split, k: int, page_map) -> tuple[str, int, int, dict, list | None]:
    """Part k's HTML laid out with `page_map` (part_html), its placeholders before and after its own pages,
    the other parts' pages it was made from, and the page map if it fits (None: a guess)."""
    known = page_map if fits(page_map, parts) else None
    # no page map (a fresh build): one page a part, holding every id of its HTML, so that no link is lost
    pages = {j: (known[j] if known else parts.guessed_pages(j)) for j in range(len(parts.names)) if j != k}
    return (*part_html(parts, k, pages), pages, known)


def render_part(parts: Split, k: int, page_map, base_dir, epoch: int, *, source: str,
                placed: tuple | None = None) -> tuple[bytes, dict]:
    """Part k's own pages as a tagged PDF, and its page info (see the module's docstring). `placed`: what
    placed_html(parts, k, page_map) returned, when the caller has already made it."""
    from .common import layout_html, layout_pdf

    html, placeholders_before, placeholders_after, pages, known = placed or placed_html(parts, k, page_map)
    document = layout_html(html, base_dir, source=source, shared_fonts=True)  # 15 layouts, the same fonts
    first = sum(len(pages[j]) for j in range(k))  # k's first page in the whole paper
    own = range(placeholders_before, len(document.pages) - placeholders_after)
    kinds = [_is_placeholder(p._page_box.page_type.name) for p in document.pages]
    if any(kinds[i] for i in own) or not all(kinds[:own.start] + kinds[own.stop:]):
        from ..errors import PipelineError

        raise PipelineError(f"{source}: part {parts.names[k]}'s placeholder pages are not where they belong")
    layout = [document.pages[i] for i in own]
    if known is None:  # a guess: these pages are laid out again (settle), so only their anchors are kept
        return b"", {"part": parts.names[k], "pages": [sorted(p.anchors) for p in layout], "seen": None}
    _, where = anchor_pages([pages[j] if j != k else [sorted(p.anchors) for p in layout]
                             for j in range(len(parts.names))])
    pdf = layout_pdf(document, epoch, source=source)
    del document
    from .paper_join import trim

    trimmed, dests, marks = trim(pdf, own, f"{parts.names[k]}-")
    bookmarks = [[level, label, state] for p in layout for level, label, _, state in p.bookmarks]
    if len(bookmarks) != len(marks):
        raise AssertionError(f"{len(bookmarks)} bookmarks laid out, {len(marks)} in the outline")
    info = {"part": parts.names[k], "pages": [sorted(p.anchors) for p in layout],
            "seen": seen(first, parts.references(k), where), "dests": dests,
            "bookmarks": [b + m for b, m in zip(bookmarks, marks)]}
    return trimmed, info


def fits(page_map, parts: Split) -> bool:
    try:
        return (len(page_map) == len(parts.names)
                and all(isinstance(a, str) for pages in page_map for names in pages for a in names))
    except TypeError:
        return False


# -- the build: part targets, and settling the page map after them -------------------------------------

PARTS_DIR = "paper/parts"
SPLICE_NAME = "toolkit"  # the folder of the parts' kept segments (splice_cache.py)


def part_targets(parts: Split, builder: str, templates: tuple[str, ...], after: tuple[str, ...] = ()):
    """One target a part, fingerprinted on what its pages are made from (Split.key), not on the other
    parts' pages: those are settled after the build (`settle`). `after`: the target that makes the page
    map they start from (paper_page_map.py)."""
    from ..targets import Target

    return [Target(builder, f"pdf-part-{k + 1:02d}",
                   (f"{PARTS_DIR}/toolkit-part-{k + 1:02d}.pdf", f"{PARTS_DIR}/toolkit-part-{k + 1:02d}.json"),
                   {"part": parts.key(k), "name": name}, templates, {"part": k}, after)
            for k, name in enumerate(parts.names)]


def join_target(builder: str, part_targets: list):
    """Joins the parts into the paper's PDF in a worker as soon as they are written (`join_in_worker`). It
    declares no output: `settle` owns the joined file and joins again whenever it is not the one the
    parts make (a part laid out again after the pool, the file gone)."""
    from ..targets import Target

    return Target(builder, "pdf-join", (), {"join": "the parts, once settled"}, (), {"join": True},
                  tuple(t.id for t in part_targets))


def build_part(parts: Split, target, base_dir, epoch: int, *, source: str) -> dict[str, bytes]:
    """Part k as the page map's target laid it out on its way (paper_part_memo.py), else laid out now."""
    from .. import hints
    from . import paper_part_memo

    k = target.params["part"]
    page_map = hints.read(PAGE_MAP_HINT)
    placed = placed_html(parts, k, page_map)
    html, *_, known = placed
    kept = known and paper_part_memo.take(paper_part_memo.key(target.templates, parts.names[k], html, epoch))
    pdf, info = kept or render_part(parts, k, page_map, base_dir, epoch, source=source, placed=placed)
    info["key"] = parts.key(k)
    if pdf:  # laid out with a page map: its segment of the joined file too, in this worker (for the join)
        from .splice_cache import keep_part

        keep_part(pdf, k + 1, SPLICE_NAME)
    return {target.outputs[0]: pdf, target.outputs[1]: json.dumps(info, sort_keys=True).encode()}


def drop_parts(out) -> None:
    """The paper is one piece (again): its parts' files go."""
    from pathlib import Path

    folder = Path(out) / PARTS_DIR
    for stale in [*sorted(folder.glob("toolkit-part-*")), *folder.glob("page-map.json")]:
        stale.unlink()
