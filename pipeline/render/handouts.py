"""Event handouts: print-ready PDFs for a workshop, built from the sources and `sources/event.yaml`.

One target per PDF, all under `handouts/` and named with the paper size, so A4 and Letter sets coexist:

    priority-<id>-<paper>.pdf   one per thematic priority: its 4 x 3 matrix on exactly one landscape page
    recommendations-<paper>.pdf the 15 recommendations with their actions and examples (Table 5), <= 2 pages
    feedback-form-<paper>.pdf   the questions for feedback with ruled space and a respondent-type box
    example-cards-<paper>.pdf   one card per example any table cites, 4 per page, crop marks, vector QR code
    four-phases-<paper>.pdf     the pocket guide: the four phases on an A5 page (A4 folded once; half Letter),
                                front and back at most

Print rules that hold for every page: nothing in the outer 10 mm (page margins and card geometry keep
clear of it), no text under MIN_FONT_PT, meaning never in colour alone (labels and rules carry it), fonts
bundled and embedded, timestamps from the edition date so the same sources give the same bytes.

Handouts with a page limit are fitted: the largest font step whose real WeasyPrint layout stays within
the limit wins; if even MIN_FONT_PT does not fit, the build stops and says which handout is too long.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from .. import provenance
from ..errors import PipelineError, SourceError
from ..model import Toolkit
from ..paths import TEMPLATES
from ..targets import Target
from ..urlsafety import web_link
from .common import asset_fetcher, event_dates, font_face_css, jinja_env, render_pdf
from .overflow import cell_page, first_examples, recommendation_page
from .printed import label_once, printed_url
from .site_data import LINK_RULES, example_notices

BUILDER = "handouts"
TEMPLATE_FOLDER = "handouts"
TEMPLATE_DEPS = ("handouts", "fonts")  # the build system hashes these folders
MIN_FONT_PT = 7.5  # nothing printed smaller: legible at arm's length on a workshop table
# candidate body sizes, largest first, in quarter points: a fitted table fills its page as far as it can
FONT_STEPS_PT = tuple(11.0 - 0.25 * i for i in range(int((11.0 - MIN_FONT_PT) / 0.25) + 1))
DEFAULT_PT = 9.5  # body size of the handouts without a page limit
SAFE_MARGIN_MM = 10.0  # the printer's unprintable band: nothing may be drawn in it
FEEDBACK_FIRST_PAGE = 2  # questions under the respondent box; later pages take FEEDBACK_PER_PAGE each
FEEDBACK_PER_PAGE = 3
# top, right, bottom, left: 3 mm clear of the printer's band; the bottom margin holds the source footer
PAGE_MARGINS_MM = (13.0, 13.0, 18.0, 13.0)
FOLDED_MARGINS_MM = (12.0, 12.0, 24.0, 12.0)
QR_SIZE_MM = 28.0  # with the quiet zone; a denser code is printed larger (QR_MIN_MODULE_MM)
QR_QUIET_MODULES = 4  # the quiet zone the QR standard asks for
# Crowded handouts (hundreds of examples): every cell shows the same number of examples, the most that
# fit at CROWDED_PT, then "and N more" with a QR code to the cell's page of the web tool (overflow.py).
CROWDED_PT = 8.0
FULL_LAYOUT_MAX = 120  # more examples than this on one handout: do not even try to lay them all out
MORE_QR_MM = 14.0  # a cell address of ~80 characters: modules of 0.34 mm, read by a phone at 15 cm
# A module of at least 0.6 mm is ~2.4 pixels at 100 dpi (a phone camera at arm's length, a cheap scan):
# error correction M (15 %, survives a fold or a smudge) unless that makes modules smaller, then L;
# a code that is too dense even at L is printed larger rather than finer.
QR_MIN_MODULE_MM = 0.6
QR_ERROR_LEVELS = ("m", "l")


@dataclass(frozen=True)
class Paper:
    key: str
    name: str
    width_mm: float  # portrait
    height_mm: float

    def size(self, landscape: bool) -> tuple[float, float]:
        return (self.height_mm, self.width_mm) if landscape else (self.width_mm, self.height_mm)


PAPERS = {"a4": Paper("a4", "A4", 210.0, 297.0), "letter": Paper("letter", "Letter", 215.9, 279.4)}
FOLDED_NAMES = {"a4": "A5", "letter": "half Letter"}
DEFAULT_PAPER = "a4"


@dataclass(frozen=True)
class Kind:
    """One kind of handout: its template, page orientation and page limit (None: as many as it takes).

    `fitted`: the template sizes its body text with font_pt (class .fit), so the builder searches for the
    largest size within the limit; otherwise the limit is only checked.
    """

    template: str
    landscape: bool
    max_pages: int | None
    title: str
    fitted: bool = False
    crowded: bool = False  # may show the first examples of each cell and "and N more" (overflow.py)
    folded: bool = False  # the paper folded once: A4 -> A5, Letter -> half Letter (portrait)


KINDS = {
    "priority": Kind("priority.html.j2", True, 1, "Policy actions and examples", fitted=True, crowded=True),
    "recommendations": Kind("recommendations.html.j2", False, 2, "Recommendations of the Expert Group",
                            fitted=True, crowded=True),
    "feedback-form": Kind("feedback.html.j2", False, None, "Feedback form"),
    "example-cards": Kind("cards.html.j2", False, None, "Example cards"),
    "four-phases": Kind("phases.html.j2", False, 2, "The four phases of the toolkit", folded=True),
}


# -- options --------------------------------------------------------------------------------------
def paper_option(options: dict) -> Paper:
    key = str(options.get("paper") or DEFAULT_PAPER).strip().lower()
    if key not in PAPERS:
        raise PipelineError(f"handouts: unknown paper size '{key}' (use one of: {', '.join(PAPERS)})")
    return PAPERS[key]


# -- the event, as every header prints it ----------------------------------------------------------
def join_names(names) -> str:
    """'A', 'A and B', 'A, B and C'."""
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def event_header(toolkit: Toolkit) -> dict:
    event = toolkit.event
    # venue, city, country without repeats: the 2021 event's venue *is* its city
    place = []
    for part in (event.venue, event.city, event.country):
        if part and part not in place:
            place.append(part)
    return {
        "name": event.name,
        "place": ", ".join(place),
        "dates": event_dates(event.start_date, event.end_date),
        "organisers": join_names(event.organisers),
    }


def _common(toolkit: Toolkit, kind: str, paper: Paper) -> dict:
    doc = toolkit.document
    width, height = paper.size(KINDS[kind].landscape)
    name, margins = paper.name, PAGE_MARGINS_MM
    if KINDS[kind].folded:  # narrower: the source footer wraps to three lines, so a deeper bottom margin
        width, height, name = round(paper.height_mm / 2, 1), paper.width_mm, FOLDED_NAMES[paper.key]
        margins = FOLDED_MARGINS_MM
    return {
        "kind": kind,
        "handout_title": KINDS[kind].title,
        "paper": {"key": paper.key, "name": name, "width_mm": width, "height_mm": height,
                  "landscape": KINDS[kind].landscape, "margins_mm": margins,
                  # the body box of a page (the running footer sits in the bottom margin)
                  "content_width_mm": width - margins[1] - margins[3],
                  "content_height_mm": height - margins[0] - margins[2]},
        "event": event_header(toolkit),
        "web_address": toolkit.event.web_address,
        "document": {"title": doc.title, "series": doc.series, "language": doc.language,
                     "copyright": doc.copyright, "edition_date": doc.edition_date},
    }


# -- what each handout shows (also its deps: the build system hashes exactly this) ----------------
def priority_context(toolkit: Toolkit, priority: str, paper: Paper) -> dict:
    tx = toolkit.taxonomy
    term = tx.term("priorities", priority)
    return {
        **_common(toolkit, "priority", paper),
        "priority": term,
        "table_number": toolkit.table_numbers.get(priority),
        "functions": list(tx.functions),
        "rows": [{"challenge": c, "cells": [toolkit.cell(priority, c.id, f.id) for f in tx.functions]}
                 for c in tx.challenges],
        "web_view": web_view(toolkit, priority, term.label),
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
        **_common(toolkit, "recommendations", paper),
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
        **_common(toolkit, "feedback-form", paper),
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


def card_records(toolkit: Toolkit) -> list[dict]:
    """One card per example that any table cites, in the order the tables first show them.

    Examples cited only in Table 5 get a card too: they are examples of the toolkit like any other.
    """
    if _CARDS and _CARDS[0][0] is toolkit:
        return [dict(card) for card in _CARDS[0][1]]
    cards = _card_records(toolkit)
    _CARDS[:] = [(toolkit, cards)]
    return [dict(card) for card in cards]


def _card_records(toolkit: Toolkit) -> list[dict]:
    tx = toolkit.taxonomy
    order: list[str] = []
    for cell in toolkit.cells():
        order += [e.example_id for e in cell.examples]
    order += [c.example for c in toolkit.table5_examples]
    recs = {r.id: r for r in toolkit.recommendations}
    notices = example_notices(toolkit, LINK_RULES)  # acknowledged slips in the link the card prints
    cards = []
    for example_id in dict.fromkeys(order):
        record = toolkit.example_by_id.get(example_id)
        if record is None:
            continue  # an unknown id is the checker's finding; a card without a record has nothing to show
        # grouped so a card stays short: one line per priority, one per recommendation
        cells: dict[str, dict] = {}
        for c in toolkit.cells_of_example(example_id):
            group = cells.setdefault(c.priority, {
                "priority": tx.term("priorities", c.priority), "pairs": [],
                "table_number": toolkit.table_numbers.get(c.priority)})
            pair = {"challenge": tx.term("challenges", c.challenge), "function": tx.term("functions", c.function)}
            if pair not in group["pairs"]:
                group["pairs"].append(pair)
        table5: dict[str, dict] = {}
        for c in toolkit.table5_of_example(example_id):
            if c.recommendation in recs:
                rec = recs[c.recommendation]
                group = table5.setdefault(c.recommendation, {"recommendation": rec, "functions": [],
                                                             "title_html": provenance.html(toolkit, rec, rec.title)})
                function = tx.term("functions", c.function)
                if function not in group["functions"]:
                    group["functions"].append(function)
        cards.append({"example": record, "cells": list(cells.values()), "table5": list(table5.values()),
                      "qr": qr_target(toolkit, record), "notices": notices.get(example_id, [])})
    return cards


@dataclass(frozen=True)
class CardSheet:
    """Where the 2 x 2 cards sit on a page, in mm from the top-left corner, with their crop marks."""

    margin_mm: float = 16.0  # outer edge of the card grid; crop marks live in 11-14 mm, clear of 10 mm
    gutter_mm: float = 12.0  # between cards: crop marks from both neighbours without touching
    mark_offset_mm: float = 2.0  # gap between a card corner and its mark
    mark_length_mm: float = 3.0

    def cards(self, width: float, height: float) -> list[dict]:
        card_w = (width - 2 * self.margin_mm - self.gutter_mm) / 2
        card_h = (height - 2 * self.margin_mm - self.gutter_mm) / 2
        return [{"x": round(self.margin_mm + col * (card_w + self.gutter_mm), 3),
                 "y": round(self.margin_mm + row * (card_h + self.gutter_mm), 3),
                 "w": round(card_w, 3), "h": round(card_h, 3)}
                for row in (0, 1) for col in (0, 1)]

    def marks(self, width: float, height: float) -> list[dict]:
        """Short lines pointing at each card edge, outside the card: the cutting guides."""
        off, length, lines = self.mark_offset_mm, self.mark_length_mm, []
        for c in self.cards(width, height):
            for x in (c["x"], c["x"] + c["w"]):  # vertical marks above and below the card
                lines.append((x, c["y"] - off - length, x, c["y"] - off))
                lines.append((x, c["y"] + c["h"] + off, x, c["y"] + c["h"] + off + length))
            for y in (c["y"], c["y"] + c["h"]):  # horizontal marks left and right of the card
                lines.append((c["x"] - off - length, y, c["x"] - off, y))
                lines.append((c["x"] + c["w"] + off, y, c["x"] + c["w"] + off + length, y))
        return [dict(zip(("x1", "y1", "x2", "y2"), (round(v, 3) for v in line))) for line in lines]


CARDS_PER_PAGE = 4
CARD_SHEET = CardSheet()


def qr_target(toolkit: Toolkit, example) -> str:
    """What an example's QR code opens: its page on the web tool when `sources/event.yaml` gives the site's
    public address (`web_address`), else the example's own link ("" if it has no web address)."""
    site = toolkit.event.web_address
    if site:
        return f"{site.rstrip('/')}/examples/{example.id}.html"
    return example.link if web_link(example.link) else ""


def qr_alt(name: str, target: str) -> str:
    """The QR code's alternative text in the PDF: what it is for, and the address it opens."""
    return f"QR code for {name}: {printed_url(target)}" if name else f"QR code: {printed_url(target)}"


# Past one part's worth, the cards are built as parts of PART_CARDS cards (16 pages): separate targets, so
# an edit re-renders one part and the parts render in parallel; `after_build` joins them into the one
# file to print. WeasyPrint's cost grows faster than its page count: 625 pages in one go took 130 s.
PART_CARDS = 64
CARD_PARTS = "handouts/cards"  # where the parts go (the site's downloads offer only the joined file)


def card_parts(toolkit: Toolkit) -> int:
    """How many parts the cards are built in (1: one file, as for the 2021 paper's 59 cards)."""
    return max(1, -(-len(card_records(toolkit)) // PART_CARDS))


def cards_context(toolkit: Toolkit, paper: Paper, part: int | None = None) -> dict:
    """The cards of one part (1-based; None: all), numbered across all parts."""
    common = _common(toolkit, "example-cards", paper)
    width, height = common["paper"]["width_mm"], common["paper"]["height_mm"]
    cards = card_records(toolkit)
    for n, card in enumerate(cards, start=1):
        card["number"] = n
    total = len(cards)
    if part is not None:
        cards = cards[(part - 1) * PART_CARDS: part * PART_CARDS]
    return {
        **common,
        "total": total,
        "sheets": [cards[i:i + CARDS_PER_PAGE] for i in range(0, len(cards), CARDS_PER_PAGE)],
        "slots": CARD_SHEET.cards(width, height),
        "marks": CARD_SHEET.marks(width, height),
        "qr_size_mm": QR_SIZE_MM,
    }


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
        **_common(toolkit, "four-phases", paper),
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


def output_name(name: str, paper: Paper) -> str:
    return f"handouts/{name}-{paper.key}.pdf"


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
    return out


def card_part_name(paper: Paper, part: int) -> str:
    return f"example-cards-{paper.key}-part-{part:02d}"


def after_build(out: Path, toolkit: Toolkit, options: dict) -> Path | None:
    """Join the card parts into the one file to print (when a part is newer), and drop parts no longer made.

    qpdf copies the pages as they are (fast, little memory, the same bytes for the same parts); the
    joined file keeps the parts' page content but not their tag trees: it is the file for the printer,
    the parts remain the accessible ones.
    """
    import subprocess

    paper = paper_option(options)
    parts = card_parts(toolkit)
    folder = Path(out) / CARD_PARTS
    wanted = [folder / f"{card_part_name(paper, p)}.pdf" for p in range(1, parts + 1)] if parts > 1 else []
    for stale in sorted(folder.glob(f"example-cards-{paper.key}-part-*.pdf")):
        if stale not in wanted:
            stale.unlink()
    joined = Path(out) / output_name("example-cards", paper)
    if not wanted or not all(p.is_file() for p in wanted):
        return None  # one file built directly, or a part failed (its error is reported)
    if joined.is_file() and joined.stat().st_mtime >= max(p.stat().st_mtime for p in wanted):
        return None
    from ..outputs import AtomicFile

    with AtomicFile(joined) as tmp:
        run = subprocess.run(["qpdf", "--deterministic-id", "--empty", "--pages", *map(str, wanted), "--",
                              str(tmp)], capture_output=True, text=True)
        if run.returncode not in (0, 3):  # 3: warnings only
            raise PipelineError(f"handouts: joining the card parts into {joined} failed: "
                                f"{(run.stderr.strip().splitlines() or ['qpdf failed'])[-1]}")
    return joined


def build_target(toolkit: Toolkit, target: Target) -> dict[str, bytes]:
    context = _context(toolkit, target.params)
    kind = KINDS[context["kind"]]
    pdf = render_handout(kind, context, toolkit.document.source_date_epoch, target.name)
    return {target.outputs[0]: pdf}


# -- rendering --------------------------------------------------------------------------------------
def qr_code(link: str):
    """The segno code for a link with the error level chosen for print (see QR_MIN_MODULE_MM)."""
    import segno

    for level in QR_ERROR_LEVELS:
        code = segno.make(link, error=level, micro=False, boost_error=False)
        if code.symbol_size(border=QR_QUIET_MODULES)[0] * QR_MIN_MODULE_MM <= QR_SIZE_MM:
            return code
    return code


def qr_size_mm(code) -> float:
    return max(QR_SIZE_MM, code.symbol_size(border=QR_QUIET_MODULES)[0] * QR_MIN_MODULE_MM)


def qr_svg(link: str, size_mm: float | None = None, name: str = "") -> Markup:
    """The link as an inline vector QR code, QR_SIZE_MM wide unless its modules would be too fine (or the
    caller's `size_mm`); `name`, what it is for, goes into the PDF's alternative text (see _html)."""
    if not web_link(link):  # a QR code only ever leads to a web address
        return Markup("")
    code = qr_code(link)
    size_mm = size_mm or qr_size_mm(code)
    modules = code.symbol_size(border=QR_QUIET_MODULES)[0]
    # segno writes only path data and numbers here (no text of ours), so the markup is safe to inline
    return Markup(code.svg_inline(scale=size_mm / modules, border=QR_QUIET_MODULES, unit="mm",
                                  dark="#000", light=None, svgclass="qr", lineclass=None))


def _environment():
    env = jinja_env(TEMPLATE_FOLDER, qr_svg=qr_svg, qr_print_mm=lambda link: qr_size_mm(qr_code(link)),
                    qr_standard_mm=QR_SIZE_MM, font_faces=Markup(font_face_css()),
                    min_font_pt=MIN_FONT_PT, safe_margin_mm=SAFE_MARGIN_MM, cell_page=cell_page,
                    recommendation_page=recommendation_page, more_qr_mm=MORE_QR_MM)
    env.filters.update(label_once=label_once, printed_url=printed_url)
    return env


def _html(kind: Kind, context: dict, font_pt: float, limit: int | None = None,
          alts: list[str] | None = None) -> str:
    """The handout's HTML; `limit`: how many examples each cell shows before "and N more" (None: all).

    `alts` collects the alternative text of every QR code drawn, in drawing order (= the PDF's reading
    order), for pdftags.py to put on the /Figure elements WeasyPrint leaves without one.
    """
    def shown(examples):
        return first_examples(None, examples, limit)

    def recorded_qr(link: str, size_mm: float | None = None, name: str = "") -> Markup:
        svg = qr_svg(link, size_mm, name)
        if svg and alts is not None:
            alts.append(qr_alt(name, link))
        return svg

    return _environment().get_template(kind.template).render(**context, font_pt=font_pt, shown=shown,
                                                              qr_svg=recorded_qr)


def example_lists(context: dict) -> list[tuple]:
    """The example lists of every cell a crowded handout prints."""
    if context["kind"] == "priority":
        return [cell.examples for row in context["rows"] for cell in row["cells"]]
    if context["kind"] == "recommendations":
        return [cell.examples for area in context["areas"] for item in area["recommendations"]
                for cell in item["cells"]]
    return []


def _page_count(html: str, source: str) -> int:
    """How many pages WeasyPrint lays this out on (layout only, no PDF written)."""
    from weasyprint import HTML

    base = TEMPLATES / TEMPLATE_FOLDER
    document = HTML(string=html, base_url=str(base.resolve()) + "/",
                    url_fetcher=asset_fetcher(base, source=source))
    return len(document.render().pages)


class DoesNotFit(PipelineError):
    """A handout's content does not fit its page limit even at the smallest type."""


def fit_layout(kind: Kind, context: dict, source: str) -> tuple[float, int | None]:
    """(font size, examples per cell) of a handout: everything if it fits, else the crowded design.

    Crowded: the largest number of examples per cell that fits at CROWDED_PT (binary search: fewer
    examples never take more pages), then the largest font that fits with that number.
    """
    lists = example_lists(context) if kind.crowded else []
    if not kind.crowded or sum(map(len, lists)) <= FULL_LAYOUT_MAX:
        try:
            return fit_font(kind, context, source), None
        except DoesNotFit:
            if not kind.crowded:
                raise
    most = max(map(len, lists), default=0)

    def fits(limit: int) -> bool:
        return _page_count(_html(kind, context, CROWDED_PT, limit), source) <= kind.max_pages

    low, high = 0, most  # answer: the largest limit that fits
    if not fits(0):
        return fit_font(kind, context, source, limit=0), 0  # says what does not fit, even without examples
    while low < high:
        mid = (low + high + 1) // 2
        if fits(mid):
            low = mid
        else:
            high = mid - 1
    return fit_font(kind, context, source, limit=low, floor_pt=CROWDED_PT), low


def fit_font(kind: Kind, context: dict, source: str, limit: int | None = None,
             floor_pt: float = MIN_FONT_PT) -> float:
    """The largest body size in FONT_STEPS_PT whose layout keeps within the handout's page limit.

    Binary search over the steps: a larger font never takes fewer pages, and a layout costs ~0.2 s.
    A kind that is not fitted is laid out once, at DEFAULT_PT, to check its limit.
    """
    if kind.max_pages is None:
        return DEFAULT_PT

    def fits(i: int) -> bool:
        return _page_count(_html(kind, context, FONT_STEPS_PT[i], limit), source) <= kind.max_pages

    low, high = 0, FONT_STEPS_PT.index(floor_pt)  # answer is the first index that fits
    if not kind.fitted:
        low = high = FONT_STEPS_PT.index(DEFAULT_PT)
    if not fits(high):
        pages = "one page" if kind.max_pages == 1 else f"{kind.max_pages} pages"
        size = f"even at {MIN_FONT_PT} pt" if kind.fitted else "at its fixed type sizes"
        raise DoesNotFit(f"handouts: '{source}' does not fit {pages} of {context['paper']['name']} {size}; "
                         "shorten its texts in the sources")
    while low < high:
        mid = (low + high) // 2
        if fits(mid):
            high = mid
        else:
            low = mid + 1
    return FONT_STEPS_PT[low]


def render_handout(kind: Kind, context: dict, epoch: int, name: str) -> bytes:
    source = f"handout '{name}'"
    font_pt, limit = fit_layout(kind, context, name)
    alts: list[str] = []  # one per QR code, in the order the template draws them: the PDF's reading order
    html = _html(kind, context, font_pt, limit, alts=alts)
    return render_pdf(html, TEMPLATES / TEMPLATE_FOLDER, epoch, source=source,
                      forms=context["kind"] == "feedback-form", figure_alts=tuple(alts))


# -- benchmark probe (pipeline/bench.py) -----------------------------------------------------------
def bench_handouts(sources: Path | str = "sources", paper: str = DEFAULT_PAPER) -> float:
    """Seconds to build every handout of one paper size from loaded sources (nothing written)."""
    import time

    from ..load import load

    toolkit = load(sources)
    started = time.perf_counter()
    for target in targets(toolkit, {"paper": paper}):
        build_target(toolkit, target)
    return time.perf_counter() - started
