""""And N more": what a crowded cell shows when it cannot show every example, in every output.

A cell of Tables 2-4 (or of Table 5) that holds more examples than its place can take shows its first
ones and a line "and N more" pointing at the cell's own page of the web tool, where all are listed.
Which come first is the sources' call, never the layout's: featured examples (`featured: yes` in
examples.csv), then the newest (`added`, latest first; the first edition's examples have none), then
the order the sources list them in. A cell that fits keeps its printed order untouched.

The web tool has one page per cell (`site/cells/<priority>-<challenge>-<function>.html`); printed
handouts point at it through the public address of the web tool (`web_address` in event.yaml), as a
QR code and as text, by its short address `c/<code>.html` (short_links.py: a sparse code that decodes
at 100 dpi); the site writes a short page for every cell and recommendation, crowded or not, so a code
printed today still opens the right page when the toolkit has grown. Without that address a handout says
where to look, but prints no code.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..model import PrintedExample, Toolkit
from . import short_links

CELL_PAGES = "cells"  # folder of the per-cell pages under site/


@dataclass(frozen=True)
class Shown:
    examples: tuple  # what fits, in display order
    more: int  # how many are left out

    @property
    def total(self) -> int:
        return len(self.examples) + self.more


def rank_key(toolkit: Toolkit | None = None):
    """Sort key for PrintedExamples: featured first, then newest `added`, then source order (stable sort)."""
    def key(printed: PrintedExample):
        record = printed.example or (toolkit.example_by_id.get(printed.example_id) if toolkit else None)
        featured = bool(record and record.featured)
        added = record.added if record else ""
        # newest first: invert the ISO date's characters; "" (the first edition) comes after every date
        return (not featured, not added, tuple(-ord(ch) for ch in added))
    return key


def first_examples(toolkit: Toolkit | None, examples, limit: int | None) -> Shown:
    """The examples a place with room for `limit` shows ("and N more" for the rest); None: no limit."""
    examples = tuple(examples)
    if limit is None or len(examples) <= limit:
        return Shown(examples, 0)
    ranked = sorted(examples, key=rank_key(toolkit))
    return Shown(tuple(ranked[:limit]), len(examples) - limit)


def cell_slug(priority: str, challenge: str, function: str) -> str:
    return f"{priority}-{challenge}-{function}"


def cell_page(priority: str, challenge: str, function: str) -> str:
    """The cell's page relative to site/."""
    return f"{CELL_PAGES}/{cell_slug(priority, challenge, function)}.html"


def cell_web_address(toolkit: Toolkit, priority: str, challenge: str, function: str) -> str:
    """The public address of a cell's page, or "" while the sources give no `web_address`."""
    base = toolkit.event.web_address
    return base + cell_page(priority, challenge, function) if base else ""


def recommendation_page(recommendation: str) -> str:
    """Where the web tool lists a recommendation's actions and examples in full (relative to site/)."""
    return f"recommendations.html#{recommendation}"


def more_address(web_address: str, page: str) -> str:
    """What a printed "and N more" code opens for `page` (relative to site/): its short page, or "" while
    the sources give no web address."""
    return short_links.place_url(web_address, page) if web_address else ""


def places(toolkit: Toolkit) -> dict[str, str]:
    """Every page an "and N more" code may open (relative to site/) with its title: each cell's page, each
    recommendation's entry."""
    tx = toolkit.taxonomy
    out = {cell_page(p.id, c.id, f.id): f"{p.label} · {c.label} · {f.label}"
           for p in tx.priorities for c in tx.challenges for f in tx.functions}
    out.update({recommendation_page(r.id): f"Recommendation {r.number}: {r.title}" for r in toolkit.recommendations})
    return out
