"""The page every handout is printed on: paper sizes, the kinds of handout with their page limits, and
the header and page geometry all their templates share (handouts.py builds them; handout_fit.py fits them).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import PipelineError
from ..model import Toolkit
from .common import event_dates

TEMPLATE_FOLDER = "handouts"
SAFE_MARGIN_MM = 10.0  # the printer's unprintable band: nothing may be drawn in it
# top, right, bottom, left: 3 mm clear of the printer's band; the bottom margin holds the source footer
PAGE_MARGINS_MM = (13.0, 13.0, 18.0, 13.0)
FOLDED_MARGINS_MM = (12.0, 12.0, 24.0, 12.0)


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


def common_context(toolkit: Toolkit, kind: str, paper: Paper) -> dict:
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


def output_name(name: str, paper: Paper) -> str:
    return f"handouts/{name}-{paper.key}.pdf"
