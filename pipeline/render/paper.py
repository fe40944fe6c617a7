"""The input paper rebuilt from the sources: `paper/toolkit.pdf` (WeasyPrint) and `paper/index.html`.

Two targets, so the pool can build them side by side: the PDF, and the standalone web page with its
stylesheet and fonts (relative URLs, so it opens from file:// as well as from a server). Both come from
one Jinja template (templates/paper/paper.html.j2) and one stylesheet (templates/paper/paper.css); the
`pdf` flag only changes how footnotes are set (page foot vs. end of section) and how CSS is attached.

Python decides what geometry needs measuring (the rotated row labels of Tables 2-5, rotated_labels.py, sized with the
font's own advance widths so no label is clipped); everything else about the look is in templates/.
"""
from __future__ import annotations

import datetime as dt
import time
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

from ..model import Toolkit
from ..paths import FONTS, TEMPLATES
from ..targets import Target
from .common import event_dates, font_face_css, jinja_env, render_pdf
from .paper_parts import part_marks, section_parts
from .phone import readable_width
from .rotated_labels import rotated_labels

BUILDER = "paper"
TEMPLATE_DEPS = ("paper", "fonts", "changes")  # changes/: the annex of a later edition
PDF_OUT = "paper/toolkit.pdf"
HTML_OUT = "paper/index.html"
CSS_OUT = "paper/paper.css"
FONT_FILES = ("OpenSans-Regular.ttf", "OpenSans-Italic.ttf", "OpenSans-Semibold.ttf",
              "OpenSans-SemiboldItalic.ttf", "OpenSans-Bold.ttf", "OpenSans-BoldItalic.ttf")
FONT_OUTS = tuple(f"paper/fonts/{name}" for name in FONT_FILES)
BANDS_HINT = "paper-table5-bands"  # pipeline/hints.py: the passes that placed Table 5's area bands

# Past this many examples in one cell a row may run over pages (a row of up to 12 fits one page: paper.css keeps
# it whole, a `long` one breaks); in Tables 2-4 the printed PDF is then laid out for scale (`at_scale`).
SCALE_EXAMPLES = 12


# -- targets --------------------------------------------------------------------------------------

def _deps(tk: Toolkit) -> dict:
    """Everything the paper shows: it shows the whole toolkit."""
    return {"taxonomy": tk.taxonomy, "actions": tk.actions, "examples": tk.examples,
            "cell_examples": tk.cell_examples, "recommendations": tk.recommendations,
            "table5_actions": tk.table5_actions, "table5_examples": tk.table5_examples,
            "sections": tk.sections, "figures": tk.figures, "references": tk.references,
            "document": tk.document, "event": tk.event}


def targets(toolkit: Toolkit, options: dict) -> list[Target]:
    from ..edition_pair import since_previous

    deps = _deps(toolkit)
    annex = {"annex": since_previous(toolkit)}  # "Changes since the previous edition" (pipeline/changes.py)
    html = Target(BUILDER, "html", (HTML_OUT, CSS_OUT, *FONT_OUTS), deps, TEMPLATE_DEPS, annex)
    parts = paper_parts_of(toolkit, annex["annex"])
    if parts is not None:  # at scale: the PDF in parts, joined by a target of its own (else settle_build)
        from .paper_parts import join_target

        made = _parts_targets(parts)
        return [*made, join_target(BUILDER, made[1:]), html]
    return [Target(BUILDER, "pdf", (PDF_OUT,), deps, TEMPLATE_DEPS, annex), html]


_PARTS: list = []  # (toolkit, the paper's parts) of the last toolkit asked: forked workers inherit it


def paper_parts_of(tk: Toolkit, annex=None):
    """The paper laid out for scale cut into its parts (pipeline/render/paper_parts.py), or None: not at
    scale, or not a paper that can be laid out in parts exactly (then it is laid out in one piece)."""
    if not at_scale(tk):
        return None
    if _PARTS and _PARTS[0][0] is tk:
        return _PARTS[0][1]
    from .paper_parts import split

    if annex is None:
        from ..edition_pair import since_previous

        annex = since_previous(tk)
    parts = split(paper_html(tk, pdf=True, annex=annex, scale=True))
    _PARTS[:] = [(tk, parts)]
    return parts


def _parts_targets(parts) -> list[Target]:
    """The page map the parts start from (paper_page_map.py: one layout of the whole paper in a fresh
    output folder), then the parts, which wait for it."""
    from .paper_page_map import page_map_target
    from .paper_parts import part_targets

    first = page_map_target(BUILDER, TEMPLATE_DEPS)
    return [first, *part_targets(parts, BUILDER, TEMPLATE_DEPS, after=(first.id,))]


def settle_build(out: Path, toolkit: Toolkit, options: dict) -> list[Target] | None:
    """After the pool, at scale: the parts to lay out again with the final page map, if any saw another
    (the build builds them, after the map's target, which takes the map settle left, and calls this
    again); else the parts joined into paper/toolkit.pdf."""
    from .paper_parts import drop_parts
    from .paper_settle import settle

    parts = paper_parts_of(toolkit)
    if parts is None:
        drop_parts(out)
        return None
    first, *part_targets = _parts_targets(parts)
    again = settle(out, parts, part_targets, PDF_OUT)
    return [first, *again] if again else None


def build_after(toolkit: Toolkit, target: Target, out: Path) -> dict[str, bytes]:
    """A part: it waits for the page map's target, whose map it reads as a hint (paper_page_map.py); the
    join: it waits for the parts."""
    if target.params.get("join"):
        from .paper_settle import join_in_worker

        parts = paper_parts_of(toolkit)
        join_in_worker(out, parts, _parts_targets(parts)[1:], PDF_OUT)
        return {}
    return build_target(toolkit, target)


def build_target(toolkit: Toolkit, target: Target) -> dict[str, bytes]:
    annex = target.params.get("annex")
    if "page_map" in target.params:
        from .paper_page_map import build_page_map

        return build_page_map(paper_parts_of(toolkit), target, TEMPLATES / "paper",
                              toolkit.document.source_date_epoch,
                              source="the paper (templates/paper or a link in sources/text)")
    if "part" in target.params:
        from .paper_parts import build_part

        return build_part(paper_parts_of(toolkit), target, TEMPLATES / "paper", toolkit.document.source_date_epoch,
                          source="the paper (templates/paper or a link in sources/text)")
    if target.name == "pdf":
        return {PDF_OUT: render_paper_pdf(toolkit, annex=annex)}
    return {HTML_OUT: paper_html(toolkit, pdf=False, annex=annex).encode("utf-8"),
            CSS_OUT: web_css().encode("utf-8"),
            **{out: (FONTS / name).read_bytes() for out, name in zip(FONT_OUTS, FONT_FILES)}}


# -- the document ---------------------------------------------------------------------------------

def css_string(text: str) -> Markup:
    """`text` as a quoted CSS string, safe inside a <style> element."""
    out = []
    for ch in text:
        if ch in '"\\<>&' or ord(ch) < 32:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return Markup('"' + "".join(out) + '"')


def paper_css() -> str:
    return (TEMPLATES / "paper" / "paper.css").read_text(encoding="utf-8")


def web_css() -> str:
    """The web stylesheet: the bundled fonts by relative URL, then the paper's own rules."""
    faces = [("Regular", 400, "normal"), ("Italic", 400, "italic"), ("Semibold", 600, "normal"),
             ("SemiboldItalic", 600, "italic"), ("Bold", 700, "normal"), ("BoldItalic", 700, "italic")]
    fonts = "\n".join(f"@font-face {{ font-family: 'Open Sans'; font-weight: {w}; font-style: {s}; "
                      f"font-display: swap; src: url('fonts/OpenSans-{n}.ttf') format('truetype'); }}"
                      for n, w, s in faces)
    phone = (TEMPLATES / "paper" / "paper-phone.css").read_text(encoding="utf-8")
    return fonts + "\n" + paper_css() + "\n" + phone


def example_groups(examples) -> list[list]:
    """Printed examples as Example lines: one marked `same_line` joins the line before it (as 2021 did)."""
    lines: list[list] = []
    for e in examples:
        if e.same_line and lines:
            lines[-1].append(e)
        else:
            lines.append([e])
    return lines


def at_scale(tk: Toolkit) -> bool:
    """Whether the printed paper is laid out for scale: some cell of Tables 2-4 holds more examples than a
    page shows (never the 2021 paper, whose fullest cell holds 3).

    Each challenge of Tables 2-4 and each area of Table 5 is then a table of its own whose repeated header
    names it, so every page of a row that runs over pages says whose examples these are, and Table 5 needs
    no second layout for its "(continued)" bands (its header repeats the area's band)."""
    tx = tk.taxonomy
    return any(len(tk.cell(p.id, c.id, f.id).examples) > SCALE_EXAMPLES
               for p in tx.priorities for c in tx.challenges for f in tx.functions)


def paper_html(tk: Toolkit, *, pdf: bool, annex=None, continued: set[str] | frozenset = frozenset(),
               scale: bool = False) -> str:
    """The paper as one HTML document (for WeasyPrint when `pdf`, for browsers otherwise).

    `annex`: the changes since the previous edition (pipeline/changes.py), printed as the last section.
    `continued`: ids of Table 5 rows that open a page inside their area, so get the area's band again
    (found by laying the paper out: pipeline/render/pagination.py).
    `scale`: the tables laid out for scale (see at_scale); for the PDF only (a web page does not paginate).
    """
    html = _paper_html(tk, pdf=pdf, annex=annex, continued=continued, scale=scale)
    assert html is not None
    return html


def table5_excerpt_html(tk: Toolkit, annex=None) -> str | None:
    """The printed paper without bands, all but the stretch of pages Table 5 is on left out: from the
    last forced page break before it to the first after it (pagination.py lays it out to find where Table
    5's rows break, at a fraction of the whole paper's cost). None when no excerpt lays out as the whole
    paper does: Table 5 is not printed, or the stretch holds a footnote (numbered from the paper's start)
    or a page reference."""
    return _paper_html(tk, pdf=True, annex=annex, excerpt=True)


def _excerpt_range(sections: list[dict]) -> tuple[int, int] | None:
    """(first, end) of the sections on Table 5's stretch of pages, as paper.css breaks pages: before a
    level-1 section unless it `continues` an untitled one, and after the contents (so before section 0)."""
    def forced(i: int) -> bool:
        s = sections[i]
        return s["section"].level == 1 and not (s["section"].title and s["continues"])

    table = [i for i, s in enumerate(sections) if "{table:recommendations}" in s["section"].body]
    if not table:
        return None
    first = max((i for i in range(table[0] + 1) if forced(i)), default=0)
    end = min((i for i in range(table[0] + 1, len(sections)) if forced(i)), default=len(sections))
    if any('class="footnote"' in s["body"] or 'class="page-ref"' in s["body"] for s in sections[first:end]):
        return None
    return first, end


@lru_cache(maxsize=1)
def _environment():
    """One Jinja environment per process for the paper's templates: the 2021 paper's PDF makes its HTML
    three times (Table 5's passes and their excerpt), and a new environment compiled the templates each
    time (0.12 s of the 0.18 s a call). Its per-document globals (`prov`: the marks, which remember what
    they anchored; the part marks) are set by each call before it renders."""
    return jinja_env("paper", css_string=css_string, example_groups=example_groups,
                     readable_width=readable_width, long_row=SCALE_EXAMPLES, prov=None, **part_marks(False))


def _paper_html(tk: Toolkit, *, pdf: bool, annex=None, continued: set[str] | frozenset = frozenset(),
                scale: bool = False, excerpt: bool = False) -> str | None:
    from ..provenance import Marks
    from .figures import render_svg
    from .prose import Notes, render_body

    marks = Marks.of(tk)
    env = _environment()
    env.globals.update(prov=marks, **part_marks(scale))  # this document's: read when its templates run
    figure_css = (TEMPLATES / "paper" / "figures.css").read_text(encoding="utf-8")
    macros = env.get_template("tables.html.j2").make_module()  # a new module: it binds this `prov`
    tx = tk.taxonomy
    figures = {f.id: f for f in tk.figures}
    challenge_labels = rotated_labels([c.label for c in tx.challenges], max_lines=1)
    # a reconstructed title's mark (" †12") is part of the label, so it is measured with it
    rec_labels = rotated_labels([r.title for r in tk.recommendations], max_lines=4, max_height=140,
                                suffixes={r.title: marks.label(r) for r in tk.recommendations})

    def table(table_id: str) -> str:
        number = tk.table_numbers[table_id]
        if table_id == "overview":
            return macros.overview(number, tx)
        if table_id == "recommendations":
            rows = [(area, [(rec, [tk.table5_cell(rec.id, f.id) for f in tx.functions], rec_labels[rec.title])
                            for rec in tk.recommendations_in(area.id)]) for area in tx.areas]
            if scale:
                return macros.recommendations_at_scale(number, tx, rows)
            return macros.recommendations(number, tx, rows, continued)
        priority = tx.term("priorities", table_id)  # blocks() checked that it is one
        rows = [(c, [tk.cell(priority.id, c.id, f.id) for f in tx.functions], challenge_labels[c.label])
                for c in tx.challenges]
        return (macros.matrix_at_scale if scale else macros.matrix)(number, priority, tx, rows)

    def blocks(kind: str, ident: str) -> str:
        if kind == "figure":
            if ident not in figures:
                raise KeyError(ident)
            svg = Markup(render_svg(figures[ident], figure_css))
            return macros.figure(tk.figure_numbers[ident], figures[ident], svg)
        if kind == "table":
            if ident not in tk.table_numbers or ident not in ("overview", "recommendations", *(p.id for p in tx.priorities)):
                raise KeyError(ident)
            return table(ident)
        return macros.references(tk.references)

    notes = Notes()
    sections = []
    parts = section_parts(tk) if scale else [(None, None, False)] * len(tk.sections)  # paper_parts.py
    for i, s in enumerate(tk.sections):
        level = 2 if s.level <= 1 else 3
        body = Markup(render_body(s, blocks, mode="pdf" if pdf else "html", notes=notes, heading_base=level))
        # A chapter whose heading follows an untitled opening text (2021's page 10) shares its page.
        continues = i > 0 and not tk.sections[i - 1].title and tk.sections[i - 1].level == 1
        part, heading_part, part_start = parts[i]
        sections.append({"section": s, "tag": f"h{level}", "body": body, "continues": continues,
                         "starts_with_table": s.body.lstrip().startswith("{table:"),
                         "part": part, "heading_part": heading_part, "part_start": part_start})
    hide = None
    notes_listed, annex_html = marks.notes, _annex(annex)
    if excerpt:
        stretch = _excerpt_range(sections)
        if stretch is None:
            return None
        # <main> holds the stretch's sections alone: the others, the editorial notes and the annex left
        # out rather than hidden, as WeasyPrint would parse and style them all the same (~0.5 s of the
        # excerpt's ~1.2 s at 56 examples); the cover, imprint and contents (short) are hidden
        sections = sections[stretch[0]:stretch[1]]
        notes_listed, annex_html = [], Markup("")
        hide = Markup("body > header, body > section, body > nav { display: none }")
    placed_figures = sorted(((n, figures[fid]) for fid, n in tk.figure_numbers.items() if fid in figures),
                            key=lambda x: x[0])
    placed_tables = sorted(tk.table_numbers.items(), key=lambda x: x[1])
    midnight = dt.datetime.fromtimestamp(tk.document.source_date_epoch, dt.timezone.utc)
    return env.get_template("paper.html.j2").render(
        pdf=pdf, doc=tk.document, event=tk.event, event_dates=event_dates(tk.event.start_date, tk.event.end_date, days_dash="-"),  # as the 2021 cover
        sections=sections, figures=placed_figures, tables=placed_tables, taxonomy=tx,
        css=Markup(font_face_css() + "\n" + paper_css()) if pdf else None,
        timestamp=midnight.strftime("%Y-%m-%dT%H:%M:%SZ"),
        table_caption=macros.table_caption, proof=not tk.final, editorial_notes=notes_listed,
        annex=annex_html, hide=hide)


def _annex(changes) -> Markup:
    if not changes:
        return Markup("")
    from .changes import annex_html

    return annex_html(changes)


def table5_groups(tk: Toolkit) -> list[list[str]]:
    """Per area of Table 5: the id of its band row, then of its recommendations' rows (as the template sets them)."""
    return [[f"area-row-{area.id}", *(f"recommendation-{r.id}" for r in tk.recommendations_in(area.id))]
            for area in tk.taxonomy.areas]


def render_paper_pdf(tk: Toolkit, html: str | None = None, annex=None) -> bytes:
    source = "the paper (templates/paper or a link in sources/text)"
    if html is not None:  # one given layout (the benchmark's bare render)
        return render_pdf(html, TEMPLATES / "paper", tk.document.source_date_epoch, source=source)
    if at_scale(tk):  # the repeated table headers carry the bands: one layout
        return render_pdf(paper_html(tk, pdf=True, annex=annex, scale=True), TEMPLATES / "paper",
                          tk.document.source_date_epoch, source=source)
    from .pagination import render_with_bands

    # the bands' passes are kept as a hint for the next build of the same output folder (pagination.py)
    return render_with_bands(lambda continued: paper_html(tk, pdf=True, annex=annex, continued=continued),
                             table5_groups(tk),
                             TEMPLATES / "paper", tk.document.source_date_epoch, source=source,
                             hint=BANDS_HINT, make_excerpt=lambda: table5_excerpt_html(tk, annex))


def bench_paper(sources: str = "sources") -> float:
    """Seconds of the bare in-process HTML -> PDF render of the paper (the HTML is made beforehand)."""
    from ..load import load

    tk = load(Path(sources))
    html = paper_html(tk, pdf=True)
    started = time.perf_counter()
    render_paper_pdf(tk, html)
    return time.perf_counter() - started
