"""The web toolkit: plain static pages under `site/` that work from file:// and from any static host.

    site/index.html             the policy-action matrix with filters, search, examples and downloads
    site/recommendations.html   Table 5: the Expert Group's recommendations by area and cluster function
    site/examples/<id>.html     one page per example: where it appears (cells and recommendations)
    site/assets/                site.css, site.js, favicon.svg, fonts/ (subset Open Sans, WOFF2)
    site/downloads/             copied in after the paper, handouts, roadmaps build (site_downloads.py)

    site/examples.html          every example A-Z (the home page lists only the first RESULTS_LIMIT)
    site/cells/<p>-<c>-<f>.html one page per cell: all its actions and examples (QR codes point here)
    site/assets/search-data.js  what search and filters need about every example, loaded on demand

The matrix is rendered here, server side, as ordinary HTML. The home page stays light at thousands of
examples: a cell shows its first HOME_CELL_EXAMPLES (featured first, then newest: render/overflow.py) and
"and N more" linking to its own page; the example list shows the first RESULTS_LIMIT. Search and the
filters load search-data.js the first time they are used (a <script>, since fetch() of local JSON fails
from file://) and list what matches with textContent only, so no text reaches the page other than
through Jinja's autoescape or as text. Links are relative only.

Search is hand-written rather than Pagefind or MiniSearch: Pagefind fetches its index in chunks, which a
browser refuses from file://, and the whole data for 2,500 examples is ~150 KB (~35 KB gzipped), scanned
in a few milliseconds; MiniSearch would add a dependency and a build step for ranking we do not need
(every hit is listed, A-Z). `invoke bench` measures the latency in Chromium.

Each page is its own target whose deps are exactly what that page shows, so editing one example rebuilds
the pages that show it (its own page, the matrix, the recommendations if Table 5 cites it), not the rest.
"""
from __future__ import annotations

import re
from pathlib import Path

from .. import provenance
from ..errors import PipelineError, SourceError
from ..model import Toolkit
from ..targets import Target
from . import short_links
from .common import jinja_env
from .overflow import cell_page, first_examples, places
from .propose import contribution_note, propose_context
from .site_assets import assets, asset_names
from .printed import printed_url
from .site_data import countries, country_aliases, example_notices, example_reach
from .site_downloads import downloads

BUILDER = "site"
TEMPLATE_FOLDER = "site"
PAGE_TEMPLATES = ("site/base.html.j2", "site/macros.html.j2")  # every page reads these
PROPOSE_TEMPLATE = "site/propose.html.j2"  # the matrix and the example pages include it
ASSET_TEMPLATES = ("site/assets", "fonts")
SHORT_TITLE = "Cluster Policy Toolkit"
HOME_CELL_EXAMPLES = 5  # examples a cell of the home page shows before "and N more"
RESULTS_LIMIT = 60  # examples the home page (and a search) lists before "and N more"
SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")  # example ids become file names


def _term(term) -> dict:
    return {"id": term.id, "label": term.label}


def _site(toolkit: Toolkit) -> dict:
    """What the header and footer of every page show."""
    doc = toolkit.document
    return {"short_title": SHORT_TITLE, "title": doc.title, "series": doc.series, "language": doc.language,
            "copyright": doc.copyright, "disclaimer": doc.disclaimer, "initiative": doc.initiative,
            "edition": doc.edition_date.isoformat()}


def _example_page(toolkit: Toolkit, example_id: str) -> str:
    """The example's page relative to site/, or "" for a citation without a record (nothing to show)."""
    return f"examples/{example_id}.html" if example_id in toolkit.example_by_id else ""


def _printed(toolkit: Toolkit, printed) -> dict:
    return {"label": printed.label, "name": printed.name, "country": printed.country, "link": printed.link,
            "name_html": provenance.example_name(toolkit, printed),  # marked while unverified
            "shown_link": printed_url(printed.link), "aliases": list(country_aliases(printed.country)),
            "page": _example_page(toolkit, printed.example_id)}


def _rec(rec, areas: dict, toolkit: Toolkit) -> dict:
    # a reconstructed title carries its mark (pipeline/provenance.py): title for tooltips, title_html on pages
    return {"id": rec.id, "number": rec.number, "title": provenance.plain(toolkit, rec, rec.title),
            "title_html": provenance.html(toolkit, rec, rec.title), "area": areas.get(rec.area, rec.area)}


# -- what each page shows (also its deps) ---------------------------------------------------------
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
        "site": _site(toolkit),
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
    return [{"id": e.id, "name": e.name, "country": e.country, "page": _example_page(toolkit, e.id),
             "aliases": list(country_aliases(e.country)), "link": e.link, "shown_link": printed_url(e.link),
             "notice": bool(notices.get(e.id)), **example_reach(toolkit, e.id)}
            for e in sorted(toolkit.examples, key=lambda e: e.name.casefold())]


def all_examples_context(toolkit: Toolkit) -> dict:
    examples = examples_list(toolkit)
    return {"site": _site(toolkit), "examples": examples,
            "countries": len({e["country"] for e in examples if e["country"]})}


def cell_context(toolkit: Toolkit, priority: str, challenge: str, function: str) -> dict:
    """One cell in full: the page "and N more" leads to (on the home page and from printed QR codes)."""
    cell = toolkit.cell(priority, challenge, function)
    areas = {a.id: a.label for a in toolkit.taxonomy.areas}
    context = {"site": _site(toolkit),
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
    return {"site": _site(toolkit), "table_number": toolkit.table_numbers.get("recommendations"),
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
    return {"site": _site(toolkit),
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
        return {"site": _site(toolkit), "countries": listed, "count": len(toolkit.examples),
                "map": {"highlight": highlight, "atlas": [atlas.st_size, atlas.st_mtime_ns] if atlas else None}}
    return {"site": _site(toolkit), "countries": listed, "count": len(toolkit.examples),
            "map": europe_map(highlight)}


# -- builder interface (pipeline/targets.py) ------------------------------------------------------
def _example_ids(toolkit: Toolkit) -> list[str]:
    for e in toolkit.examples:
        if not SAFE_ID.match(e.id):
            raise SourceError(e.origin.at(column="id"), f"example id '{e.id}' cannot name a web page "
                                        "(use lower-case letters, digits and hyphens)")
    return [e.id for e in toolkit.examples]


def targets(toolkit: Toolkit, options: dict) -> list[Target]:
    example_ids = _example_ids(toolkit)
    out = [
        Target(BUILDER, "assets", tuple(f"site/assets/{n}" for n in asset_names()), deps={},
               templates=ASSET_TEMPLATES, params={"page": "assets"}),
        Target(BUILDER, "index", ("site/index.html",), deps=index_context(toolkit),
               templates=(*PAGE_TEMPLATES, "site/index.html.j2", PROPOSE_TEMPLATE), params={"page": "index"}),
        Target(BUILDER, "recommendations", ("site/recommendations.html",), deps=recommendations_context(toolkit),
               templates=(*PAGE_TEMPLATES, "site/recommendations.html.j2"), params={"page": "recommendations"}),
        Target(BUILDER, "countries", ("site/countries.html",), deps=countries_context(toolkit, with_map=False),
               templates=(*PAGE_TEMPLATES, "site/countries.html.j2"), params={"page": "countries"}),
    ]
    out.append(Target(BUILDER, "examples", ("site/examples.html",), deps=all_examples_context(toolkit),
                      templates=(*PAGE_TEMPLATES, "site/examples.html.j2"), params={"page": "examples"}))
    out.append(Target(BUILDER, "search-data", ("site/assets/search-data.js",), deps=examples_list(toolkit),
                      params={"page": "search-data"}))
    tx = toolkit.taxonomy
    for p in tx.priorities:
        for c in tx.challenges:
            for f in tx.functions:
                out.append(Target(BUILDER, f"cell-{p.id}-{c.id}-{f.id}", (f"site/{cell_page(p.id, c.id, f.id)}",),
                                  deps=cell_context(toolkit, p.id, c.id, f.id),
                                  templates=(*PAGE_TEMPLATES, "site/cell.html.j2"),
                                  params={"page": "cell", "cell": (p.id, c.id, f.id)}))
    if toolkit.event.web_address:  # printed QR codes open the short pages (short_links.py)
        for group, aliases in alias_groups(alias_pages(toolkit)).items():
            out.append(Target(BUILDER, f"aliases-{group}", tuple(f"site/{rel}" for rel in aliases), deps=aliases,
                              templates=(*PAGE_TEMPLATES, "site/alias.html.j2"),
                              params={"page": "aliases", "group": group}))
    for example_id in example_ids:
        out.append(Target(BUILDER, f"example-{example_id}", (f"site/examples/{example_id}.html",),
                          deps=example_context(toolkit, example_id),
                          templates=(*PAGE_TEMPLATES, "site/example.html.j2", PROPOSE_TEMPLATE),
                          params={"page": "example", "example": example_id}))
    return out


def alias_pages(toolkit: Toolkit) -> dict[str, list[dict]]:
    """Each short page `e/<code>.html` with the example(s) it leads to, and `c/<code>.html` with the
    cell or recommendation an "and N more" code opens (overflow.places). Made once per toolkit (each
    group of them is a target)."""
    cache = toolkit.__dict__.setdefault("_site_alias_pages", [])
    if not cache:
        cache.append(_alias_pages(toolkit))
    return cache[0]


def _alias_pages(toolkit: Toolkit) -> dict[str, list[dict]]:
    out = {rel: [{"name": toolkit.example_by_id[i].name, "page": _example_page(toolkit, i), "place": False}
                 for i in ids] for rel, ids in short_links.pages(_example_ids(toolkit)).items()}
    titles = places(toolkit)
    out.update({rel: [{"name": titles[page], "page": page, "place": True} for page in pages]
                for rel, pages in short_links.pages(titles, short_links.place_path).items()})
    return out


def alias_groups(pages: dict[str, list[dict]]) -> dict[str, dict[str, list[dict]]]:
    """The short pages in groups, each group a target: the examples' by the first letter of their code
    (`e-a` ... `e-7`: about 80 pages a group at 2,500 examples), the places' (`c`, 51 pages) in one. A
    renamed example rewrites its group's pages, not all 2,600 (0.9 s of CPU at 2,500 examples)."""
    groups: dict[str, dict[str, list[dict]]] = {}
    for rel, examples in pages.items():
        folder, name = rel.split("/", 1)
        groups.setdefault(f"{folder}-{name[0]}" if folder == short_links.FOLDER else folder, {})[rel] = examples
    return groups


def build_target(toolkit: Toolkit, target: Target) -> dict[str, bytes]:
    page = target.params["page"]
    if page == "assets":
        return {f"site/assets/{name}": data for name, data in assets().items()}
    if page == "index":
        html = render("index.html.j2", index_context(toolkit), root="")
    elif page == "recommendations":
        html = render("recommendations.html.j2", recommendations_context(toolkit), root="")
    elif page == "examples":
        html = render("examples.html.j2", all_examples_context(toolkit), root="")
    elif page == "search-data":
        return {target.outputs[0]: search_data(toolkit)}
    elif page == "aliases":
        pages = alias_groups(alias_pages(toolkit))[target.params["group"]]
        return {f"site/{rel}": render("alias.html.j2", {"site": _site(toolkit), "examples": examples},
                                      root="../").encode("utf-8") for rel, examples in pages.items()}
    elif page == "cell":
        html = render("cell.html.j2", cell_context(toolkit, *target.params["cell"]), root="../")
    elif page == "countries":
        html = render("countries.html.j2", countries_context(toolkit), root="")
    elif page == "example":
        html = render("example.html.j2", example_context(toolkit, target.params["example"]), root="../")
    else:
        raise PipelineError(f"site: unknown page kind '{page}'")
    return {target.outputs[0]: html.encode("utf-8")}


def render(template: str, context: dict, root: str) -> str:
    """One page; `root` is the relative way back to site/ ("" or "../"), so every link stays relative."""
    return _environment().get_template(template).render(**context, root=root)


_ENV: list = []  # one Jinja environment per process: compiled templates are reused by thousands of pages


def _environment():
    if not _ENV:
        env = jinja_env(TEMPLATE_FOLDER)
        env.filters["href"] = web_link
        _ENV.append(env)
    return _ENV[0]


def web_link(link: str) -> str:
    """The link if it is a web address; "" otherwise, so a `javascript:` link in a source never becomes one."""
    return link if re.match(r"(?i)^https?://[^\s]+$", link or "") else ""


def bench_site(sources: Path | str = "sources") -> float:
    """Seconds to build every page and asset of the site from loaded sources (nothing written)."""
    import time

    from ..load import load

    toolkit = load(sources)
    started = time.perf_counter()
    for target in targets(toolkit, {}):
        build_target(toolkit, target)
    return time.perf_counter() - started
