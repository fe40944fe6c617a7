"""What each page of the web tool shows: its context, which is also its target's deps (site.py), so
editing one example rebuilds the pages that show it and no other.

The home page stays light at thousands of examples: a cell shows its first HOME_CELL_EXAMPLES (featured
first, then newest: overflow.py) and "and N more" linking to its own page; the example list shows the
first RESULTS_LIMIT; search and the filters read every example from the search data (search_data).
"""
from __future__ import annotations

from .. import provenance
from ..model import Toolkit
from .overflow import cell_page, first_examples
from .printed import printed_url
from .propose import contribution_note, propose_context
from .site_data import countries, country_aliases, example_notices, example_reach
from .site_downloads import downloads

SHORT_TITLE = "Cluster Policy Toolkit"
HOME_CELL_EXAMPLES = 5  # examples a cell of the home page shows before "and N more"
RESULTS_LIMIT = 60  # examples the home page (and a search) lists before "and N more"


def _term(term) -> dict:
    return {"id": term.id, "label": term.label}


def page_frame(toolkit: Toolkit) -> dict:
    """What the header and footer of every page show."""
    doc = toolkit.document
    return {"short_title": SHORT_TITLE, "title": doc.title, "series": doc.series, "language": doc.language,
            "copyright": doc.copyright, "disclaimer": doc.disclaimer, "initiative": doc.initiative,
            "edition": doc.edition_date.isoformat()}


def example_page(toolkit: Toolkit, example_id: str) -> str:
    """The example's page relative to site/, or "" for a citation without a record (nothing to show)."""
    return f"examples/{example_id}.html" if example_id in toolkit.example_by_id else ""


def _printed(toolkit: Toolkit, printed) -> dict:
    return {"label": printed.label, "name": printed.name, "country": printed.country, "link": printed.link,
            "name_html": provenance.example_name(toolkit, printed),  # marked while unverified
            "shown_link": printed_url(printed.link), "aliases": list(country_aliases(printed.country)),
            "page": example_page(toolkit, printed.example_id)}


def _rec(rec, areas: dict, toolkit: Toolkit) -> dict:
    # a reconstructed title carries its mark (pipeline/provenance.py): title for tooltips, title_html on pages
    return {"id": rec.id, "number": rec.number, "title": provenance.plain(toolkit, rec, rec.title),
            "title_html": provenance.html(toolkit, rec, rec.title), "area": areas.get(rec.area, rec.area)}


def index_context(toolkit: Toolkit) -> dict:
    tx = toolkit.taxonomy
    areas = {a.id: a.label for a in tx.areas}
    priorities = []
    for p in tx.priorities:
        rows = []
        for c in tx.challenges:
            cells = []
            for f in tx.functions:
                cell = toolkit.cell(p.id, c.id, f.id)
                recs = toolkit.recommendations_for_actions({a.id for a in cell.actions})
                cells.append({
                    "function": _term(f),
                    "recommendations": [r.id for r in recs],
                    "actions": [{"id": a.id, "text": a.text, "text_html": provenance.html(toolkit, a, a.text),
                                 "recommendations": [_rec(r, areas, toolkit) for r in toolkit.recommendations_for_actions({a.id})]}
                                for a in cell.actions],
                    **_shown(toolkit, cell.examples, HOME_CELL_EXAMPLES),
                    "page": cell_page(p.id, c.id, f.id),
                })
            rows.append({"challenge": _term(c), "cells": cells})
        priorities.append({"priority": _term(p), "table_number": toolkit.table_numbers.get(p.id), "rows": rows})
    counts: dict[str, int] = {}
    for e in toolkit.examples:
        if e.country:
            counts[e.country] = counts.get(e.country, 0) + 1
    examples = examples_list(toolkit)
    return {
        "site": page_frame(toolkit),
        "intro": toolkit.document.subject,
        "priorities": priorities,
        "challenges": [_term(c) for c in tx.challenges],
        "functions": [_term(f) for f in tx.functions],
        "countries": [{"name": n, "count": counts[n]} for n in sorted(counts, key=str.casefold)],
        "cell_count": len(tx.priorities) * len(tx.challenges) * len(tx.functions),
        "examples": examples[:RESULTS_LIMIT],
        "example_count": len(examples),
        "recommendations": [_rec(r, areas, toolkit) for r in toolkit.recommendations],
        "table5_only": sum(e["table5_only"] for e in examples),
        "downloads": downloads(toolkit),
        "propose": propose_context(toolkit, "index.html"),
        "provenance_legend": provenance.legend_if_marked(  # the matrix marks an unverified action or example
            toolkit, [a for cell in toolkit.cells() for a in cell.actions],
            [e for cell in toolkit.cells() for e in cell.examples]),
    }


def _shown(toolkit: Toolkit, examples, limit: int | None) -> dict:
    shown = first_examples(toolkit, examples, limit)
    return {"examples": [_printed(toolkit, e) for e in shown.examples], "more": shown.more}


def examples_list(toolkit: Toolkit) -> list[dict]:
    """Every example A-Z with where the filters reach it: made once per toolkit (the home page, the list
    and the search data each show it; at 2,500 examples each making cost a second)."""
    cache = toolkit.__dict__.setdefault("_site_examples_list", [])
    if not cache:
        cache.append(_examples_list(toolkit))
    return cache[0]


def _examples_list(toolkit: Toolkit) -> list[dict]:
    """Every example A-Z with where the filters reach it (what the lists and the search data show).

    `cells`: the cells of Tables 2-4 citing it; `table5`: its Table 5 (area, function) pairs;
    `recommendations`: the recommendations citing it (site_data.example_reach); `aliases`: other names
    and codes of its country, for search; `notice`: the editors acknowledged a slip in what was printed.
    """
    notices = example_notices(toolkit)
    return [{"id": e.id, "name": e.name, "country": e.country, "page": example_page(toolkit, e.id),
             "aliases": list(country_aliases(e.country)), "link": e.link, "shown_link": printed_url(e.link),
             "notice": bool(notices.get(e.id)), **example_reach(toolkit, e.id)}
            for e in sorted(toolkit.examples, key=lambda e: e.name.casefold())]


def all_examples_context(toolkit: Toolkit) -> dict:
    examples = examples_list(toolkit)
    return {"site": page_frame(toolkit), "examples": examples,
            "countries": len({e["country"] for e in examples if e["country"]})}


def cell_context(toolkit: Toolkit, priority: str, challenge: str, function: str) -> dict:
    """One cell in full: the page "and N more" leads to (on the home page and from printed QR codes)."""
    cell = toolkit.cell(priority, challenge, function)
    areas = {a.id: a.label for a in toolkit.taxonomy.areas}
    context = {"site": page_frame(toolkit),
               "priority": _term(cell.priority), "challenge": _term(cell.challenge), "function": _term(cell.function),
               "table_number": toolkit.table_numbers.get(priority),
               "actions": [{"id": a.id, "text": a.text, "text_html": provenance.html(toolkit, a, a.text),
                            "recommendations": [_rec(r, areas, toolkit)
                                                for r in toolkit.recommendations_for_actions({a.id})]}
                           for a in cell.actions],
               "examples": [_printed(toolkit, e) for e in cell.examples]}
    context["provenance_legend"] = provenance.legend_if_marked(toolkit, cell.actions, cell.examples)
    return context


def search_data(toolkit: Toolkit) -> bytes:
    """assets/search-data.js: every example as [id, name, country, cells, table5, recommendations,
    country aliases, printed link] for search, filters and printing."""
    import json

    rows = [[e["id"], e["name"], e["country"], e["cells"], e["table5"], e["recommendations"], e["aliases"],
             e["shown_link"]] for e in examples_list(toolkit)]
    payload = json.dumps({"examples": rows}, ensure_ascii=False, separators=(",", ":"))
    # JSON is a JavaScript expression; "</" cannot end a script that is loaded by src, but stay safe anyway
    return ("window.CPT_SEARCH_DATA=" + payload.replace("</", "<\\/") + ";\n").encode("utf-8")


def recommendations_context(toolkit: Toolkit) -> dict:
    tx = toolkit.taxonomy
    areas = []
    for area in tx.areas:
        recs = []
        for r in toolkit.recommendations_in(area.id):
            cells = [toolkit.table5_cell(r.id, f.id) for f in tx.functions]
            recs.append({"recommendation": {"id": r.id, "number": r.number, "title": r.title,
                                            "title_html": provenance.html(toolkit, r, r.title)},
                         "cells": [{"function": _term(c.function), "actions": list(c.actions),
                                    "examples": [_printed(toolkit, e) for e in c.examples]} for c in cells]})
        if recs:
            areas.append({"area": {"id": area.id, "label": area.label,
                                   "label_html": provenance.html(toolkit, area, area.label)}, "recommendations": recs})
    return {"site": page_frame(toolkit), "table_number": toolkit.table_numbers.get("recommendations"),
            "count": len(toolkit.recommendations), "areas": areas,
            "provenance_legend": provenance.legend(toolkit, "wording")}


def example_context(toolkit: Toolkit, example_id: str) -> dict:
    tx = toolkit.taxonomy
    example = toolkit.example_by_id[example_id]
    areas = {a.id: a.label for a in tx.areas}
    cells, seen = [], set()
    for c in toolkit.cells_of_example(example_id):
        if c.cell in seen:
            continue
        seen.add(c.cell)
        cell = toolkit.cell(*c.cell)
        printed = c.printed(example)
        cells.append({
            "priority": _term(cell.priority), "challenge": _term(cell.challenge), "function": _term(cell.function),
            "table_number": toolkit.table_numbers.get(c.priority),
            "actions": [a.text for a in cell.actions],
            "printed_as": printed.name if printed.name != example.name else "",
            "matrix": "index.html?" + "&".join(f"{k}={v}" for k, v in
                                               zip(("priority", "challenge", "function"), c.cell))
                      + "#cell-" + "-".join(c.cell),
        })
    recs = {r.id: r for r in toolkit.recommendations}
    table5, seen = [], set()
    for c in toolkit.table5_of_example(example_id):
        key = (c.recommendation, c.function)
        if key in seen or c.recommendation not in recs:
            continue
        seen.add(key)
        t5 = toolkit.table5_cell(c.recommendation, c.function)
        table5.append({"recommendation": _rec(recs[c.recommendation], areas, toolkit), "function": _term(t5.function),
                       "actions": list(t5.actions)})
    return {"site": page_frame(toolkit),
            "example": {"id": example.id, "name": example.name, "country": example.country, "link": example.link,
                        "shown_link": printed_url(example.link), "aliases": list(country_aliases(example.country)),
                        "summary": example.summary},
            "notices": example_notices(toolkit).get(example_id, []),
            "cells": cells, "table5": table5,
            "table5_number": toolkit.table_numbers.get("recommendations"),
            "provenance": contribution_note(toolkit, example),
            "propose": propose_context(toolkit, f"examples/{example_id}.html",
                                       next((c.cell for c in toolkit.cells_of_example(example_id)), None),
                                       example.name)}


def countries_context(toolkit: Toolkit, with_map: bool = True) -> dict:
    """The country view; `with_map` False: what decides it (its deps), without projecting the map's
    ~80,000 points, which only the page's own render needs (they change only with the atlas file)."""
    from .site_map import ATLAS, europe_map

    listed = countries(toolkit)
    highlight = {c["code"]: c for c in listed if c["code"]}
    if not with_map:
        atlas = ATLAS.stat() if ATLAS.is_file() else None
        return {"site": page_frame(toolkit), "countries": listed, "count": len(toolkit.examples),
                "map": {"highlight": highlight, "atlas": [atlas.st_size, atlas.st_mtime_ns] if atlas else None}}
    return {"site": page_frame(toolkit), "countries": listed, "count": len(toolkit.examples),
            "map": europe_map(highlight)}
