"""Event handouts: print-ready PDFs for a workshop, built from the sources and `sources/event.yaml`.

One target per PDF, all under `handouts/` and named with the paper size, so A4 and Letter sets coexist:

    priority-<id>-<paper>.pdf   one per thematic priority: its 4 x 3 matrix on exactly one landscape page
    recommendations-<paper>.pdf the 15 recommendations with their actions and examples (Table 5), <= 2 pages
    feedback-form-<paper>.pdf   the questions for feedback with ruled space and a respondent-type box
    example-cards-<paper>.pdf   one card per example any table cites, 4 per page, crop marks, QR code
    four-phases-<paper>.pdf     the pocket guide: the four phases on an A5 page (A4 folded once; half Letter),
                                front and back at most

Print rules that hold for every page: nothing in the outer 10 mm (page margins and card geometry keep
clear of it), no text under MIN_FONT_PT, meaning never in colour alone (labels and rules carry it), fonts
bundled and embedded, timestamps from the edition date so the same sources give the same bytes.

Handouts with a page limit are fitted (handout_fit.py): the largest font step whose real WeasyPrint layout
stays within the limit wins; if even MIN_FONT_PT does not fit, the build stops and says which is too long.
Where the rest lives: handout_page.py (papers, kinds, the shared header), handout_qr.py (QR codes),
handout_cards.py (the example cards and their parts).
"""
from __future__ import annotations

from pathlib import Path

from .. import provenance
from ..errors import PipelineError, SourceError
from ..model import Toolkit
from ..targets import Target
# the handout modules, one job each (imports run one way: page <- qr <- cards, fit <- this builder);
# the names in __all__ are also this module's interface, used by tests, bench.py and site.py
from . import qr_cache
from .common import event_dates
from .handout_cards import (CARD_PARTS, CARD_SHEET, CARDS_PER_PAGE, PART_CARDS, CardSheet,
                            card_part_name, card_parts, card_qr_links, card_records, cards_context,
                            join_card_parts, part_rendered, remove_old_parts)
from .handout_fit import (CROWDED_PT, DEFAULT_PT, FONT_STEPS_PT, MIN_FONT_PT, DoesNotFit,
                          _html, example_lists, fit_font, fit_layout, render_handout)
from .handout_page import (DEFAULT_PAPER, KINDS, PAPERS, SAFE_MARGIN_MM, TEMPLATE_FOLDER, Kind,
                           Paper, common_context, event_header, join_names, output_name, paper_option)
from .handout_qr import (QR_MIN_MODULE_MM, QR_PIXELS_PER_MODULE, QR_QUIET_MODULES, QR_SIZE_MM, qr_alt,
                         qr_code, qr_size_mm, qr_svg, qr_target)
from .printed import printed_url

__all__ = ["CARD_SHEET", "CARDS_PER_PAGE", "CROWDED_PT", "DEFAULT_PT", "FONT_STEPS_PT", "KINDS", "MIN_FONT_PT",
           "PAPERS", "PART_CARDS", "QR_MIN_MODULE_MM", "QR_PIXELS_PER_MODULE", "QR_QUIET_MODULES", "QR_SIZE_MM",
           "SAFE_MARGIN_MM", "TEMPLATE_FOLDER", "CardSheet", "DoesNotFit", "Kind", "_html", "card_records", "event_dates",
           "event_header", "example_lists", "fit_font", "fit_layout", "join_names", "printed_url", "qr_alt",
           "qr_code", "qr_size_mm", "qr_svg", "qr_target",
           # and the builder's own
           "BUILDER", "after_build", "build_after", "build_target", "output_name", "targets", "bench_handouts", "_context"]

BUILDER = "handouts"
TEMPLATE_DEPS = ("handouts", "fonts")  # the build system hashes these folders
FEEDBACK_FIRST_PAGE = 2  # questions under the respondent box; later pages take FEEDBACK_PER_PAGE each
FEEDBACK_PER_PAGE = 3


# -- what each handout shows (also its deps: the build system hashes exactly this) ----------------
def priority_context(toolkit: Toolkit, priority: str, paper: Paper) -> dict:
    tx = toolkit.taxonomy
    term = tx.term("priorities", priority)
    rows = [{"challenge": c, "cells": [toolkit.cell(priority, c.id, f.id) for f in tx.functions]}
            for c in tx.challenges]
    cells = [cell for row in rows for cell in row["cells"]]
    return {
        **common_context(toolkit, "priority", paper),
        "priority": term,
        "table_number": toolkit.table_numbers.get(priority),
        "functions": list(tx.functions),
        "rows": rows,
        "web_view": web_view(toolkit, priority, term.label),
        # the matrix marks an unverified action or example (render_context's helpers): say what it means
        "provenance_legend": provenance.legend_if_marked(toolkit, [a for c in cells for a in c.actions],
                                                         [e for c in cells for e in c.examples]),
    }


def web_view(toolkit: Toolkit, priority: str, label: str) -> dict | None:
    """The web tool's view filtered to one priority, when `sources/event.yaml` gives the site's address."""
    site = toolkit.event.web_address
    if not site:
        return None
    return {"title": f"{label} on the web tool", "url": f"{site.rstrip('/')}/index.html?priority={priority}"}


def recommendations_context(toolkit: Toolkit, paper: Paper) -> dict:
    tx = toolkit.taxonomy
    areas = []
    for area in tx.areas:
        recs = [{"recommendation": r, "cells": [toolkit.table5_cell(r.id, f.id) for f in tx.functions],
                 "title_html": provenance.html(toolkit, r, r.title)}  # marked while unverified
                for r in toolkit.recommendations_in(area.id)]
        if recs:
            areas.append({"area": area, "recommendations": recs, "label_html": provenance.html(toolkit, area, area.label)})
    return {
        **common_context(toolkit, "recommendations", paper),
        "provenance_legend": provenance.legend(toolkit, "wording"),
        "table_number": toolkit.table_numbers.get("recommendations"),
        "count": len(toolkit.recommendations),
        "functions": list(tx.functions),
        "areas": areas,
    }


def feedback_context(toolkit: Toolkit, paper: Paper) -> dict:
    event = toolkit.event
    if not event.feedback_questions:
        raise SourceError(event.origin.at(key="feedback_questions"), "no questions: the feedback form needs them")
    return {
        **common_context(toolkit, "feedback-form", paper),
        "intro": event.feedback_intro,
        "questions": list(event.feedback_questions),
        "question_pages": question_pages(list(event.feedback_questions)),
        "respondent_types": list(event.respondent_types),
        **proposal_form(toolkit),
    }


PROPOSAL_ROWS = 8  # rows of the form's "Examples and policy actions to add" table
PROPOSAL_FIELDS = (("kind", "kind"), ("name", "name or text"), ("country", "country"), ("link", "link"),
                   ("priority", "priority"), ("challenge", "challenge"), ("function", "function"))


def proposal_form(toolkit: Toolkit) -> dict:
    """The proposals page of the feedback form: its rows, fields and the ids allowed in each column."""
    tx = toolkit.taxonomy
    return {"proposal_rows": PROPOSAL_ROWS, "proposal_fields": PROPOSAL_FIELDS,
            "allowed": {dim: ", ".join(t.id for t in getattr(tx, dim))
                        for dim in ("priorities", "challenges", "functions")}}


def question_pages(questions: list[str]) -> list[list[dict]]:
    """The questions, numbered, in page-sized groups: each page's ruled space stretches to fill it."""
    numbered = [{"number": n, "text": q} for n, q in enumerate(questions, start=1)]
    if len(numbered) <= FEEDBACK_PER_PAGE:
        return [numbered]
    pages = [numbered[:FEEDBACK_FIRST_PAGE]]
    rest = numbered[FEEDBACK_FIRST_PAGE:]
    pages += [rest[i:i + FEEDBACK_PER_PAGE] for i in range(0, len(rest), FEEDBACK_PER_PAGE)]
    return pages


_CARDS: list = []  # (toolkit, cards) of the last toolkit asked: every part's target asks again
def phases_context(toolkit: Toolkit, paper: Paper) -> dict:
    figures = {f.id: f for f in toolkit.figures}
    roadmap = figures.get("roadmap")
    if roadmap is None or not roadmap.data.get("phases"):
        raise SourceError(roadmap.origin if roadmap else "figures.yaml",
                          "no figure 'roadmap' with 'phases': the four-phases handout draws it")
    triad = figures.get("cluster-functions")
    functions = {f.get("id"): f.get("label", "") for f in (triad.data.get("functions", []) if triad else [])}
    tx = toolkit.taxonomy
    return {
        **common_context(toolkit, "four-phases", paper),
        "caption": roadmap.caption,
        "figure_number": toolkit.figure_numbers.get("roadmap"),
        "phases": [dict(p) for p in roadmap.data["phases"]],
        "functions": [{"term": f, "role": functions.get(f.id, "")} for f in tx.functions],
        "priorities": list(tx.priorities),
        "challenges": list(tx.challenges),
    }


# -- builder interface (pipeline/targets.py) ----------------------------------------------------
def _context(toolkit: Toolkit, params: dict) -> dict:
    paper = paper_option(params)
    kind = params["kind"]
    if kind == "priority":
        return priority_context(toolkit, params["priority"], paper)
    if kind == "recommendations":
        return recommendations_context(toolkit, paper)
    if kind == "feedback-form":
        return feedback_context(toolkit, paper)
    if kind == "example-cards":
        return cards_context(toolkit, paper, params.get("part"))
    if kind == "four-phases":
        return phases_context(toolkit, paper)
    raise PipelineError(f"handouts: unknown handout kind '{kind}'")




def targets(toolkit: Toolkit, options: dict) -> list[Target]:
    """Every handout for one paper size: options = {"paper": "a4" | "letter"} (default a4)."""
    paper = paper_option(options)
    wanted = [(f"priority-{p.id}", {"kind": "priority", "priority": p.id}) for p in toolkit.taxonomy.priorities]
    wanted += [(kind, {"kind": kind}) for kind in ("recommendations", "feedback-form", "four-phases")]
    out = []
    for name, params in wanted:
        params = {**params, "paper": paper.key}
        out.append(Target(BUILDER, f"{name}-{paper.key}", (output_name(name, paper),),
                          deps=_context(toolkit, params), templates=TEMPLATE_DEPS, params=params))
    parts = card_parts(toolkit)
    if parts == 1:
        params = {"kind": "example-cards", "paper": paper.key}
        out.append(Target(BUILDER, f"example-cards-{paper.key}", (output_name("example-cards", paper),),
                          deps=_context(toolkit, params), templates=TEMPLATE_DEPS, params=params))
    for part in range(1, parts + 1) if parts > 1 else ():
        params = {"kind": "example-cards", "paper": paper.key, "part": part}
        out.append(Target(BUILDER, card_part_name(paper, part), (f"{CARD_PARTS}/{card_part_name(paper, part)}.pdf",),
                          deps=_context(toolkit, params), templates=TEMPLATE_DEPS, params=params))
    if parts > 1:  # the one file to print: joined from the parts once they are written (build_after)
        part_targets = out[-parts:]
        out.append(Target(BUILDER, f"example-cards-{paper.key}", (output_name("example-cards", paper),),
                          deps={}, params={"kind": "example-cards-joined", "paper": paper.key,
                                           "parts": [t.outputs[0] for t in part_targets]},
                          after=tuple(t.id for t in part_targets)))
    return out


def build_after(toolkit: Toolkit, target: Target, out: Path) -> dict[str, bytes]:
    """A target made from other targets' outputs under `out`: the card parts joined (pipeline/waiting.py)."""
    if target.params.get("kind") != "example-cards-joined":
        raise PipelineError(f"handouts: {target.id} reads no other outputs")
    return {target.outputs[0]: join_card_parts(out, list(target.params["parts"]))}


def after_build(out: Path, toolkit: Toolkit, options: dict) -> None:
    """Drop the card parts no longer made (the joined file is a target: build_after) and the kept QR codes
    of links no card prints any more (qr_cache.py)."""
    remove_old_parts(Path(out), toolkit, paper_option(options))
    qr_cache.prune(out, card_qr_links(toolkit))


def render_context(toolkit: Toolkit, params: dict) -> dict:
    """What a handout's template gets: its context (the target's deps) and the marking helpers of
    pipeline/provenance.py, `mark(record, text)` and `mark_example(printed example)`: an unverified action
    or example is marked in the matrices as in the paper. (Not deps themselves: the records they mark are.)"""
    from functools import partial

    return {**_context(toolkit, params), "mark": partial(provenance.html, toolkit),
            "mark_example": partial(provenance.example_name, toolkit)}


def build_target(toolkit: Toolkit, target: Target) -> dict[str, bytes]:
    context = render_context(toolkit, target.params)
    kind = KINDS[context["kind"]]
    pdf = render_handout(kind, context, toolkit.document.source_date_epoch, target.name, target.outputs[0])
    if target.params.get("part"):  # a part of the cards: its piece of the joined file, here and now
        part_rendered(target.outputs[0], target.params["part"], pdf)
    return {target.outputs[0]: pdf}


# -- benchmark probe (pipeline/bench.py) -----------------------------------------------------------
def bench_handouts(sources: Path | str = "sources", paper: str = DEFAULT_PAPER) -> float:
    """Seconds to build every handout of one paper size from loaded sources (nothing written)."""
    import time

    from ..load import load

    toolkit = load(sources)
    started = time.perf_counter()
    for target in targets(toolkit, {"paper": paper}):
        if not target.after:  # the parts' join reads their files (nothing is written here)
            build_target(toolkit, target)
    return time.perf_counter() - started
