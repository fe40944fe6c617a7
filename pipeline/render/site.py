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
examples: a cell shows its first examples and "and N more" linking to its own page, the example list
its first ones (site_pages.py: what each page shows). Search and the filters load search-data.js the first time they are used (a <script>, since fetch() of local JSON fails
from file://) and list what matches with textContent only, so no text reaches the page other than
through Jinja's autoescape or as text. Links are relative only.

Search is hand-written rather than Pagefind or MiniSearch: Pagefind fetches its index in chunks, which a
browser refuses from file://, and the whole data for 2,500 examples is ~150 KB (~35 KB gzipped), scanned
in a few milliseconds; MiniSearch would add a dependency and a build step for ranking we do not need
(every hit is listed, A-Z). `invoke bench` measures the latency in Chromium.

Each page is its own target whose deps are exactly what that page shows (site_pages.py), so editing one
example rebuilds the pages that show it (its own page, the matrix, the recommendations if Table 5 cites
it), not the rest. This module is the builder: the pages as targets, the short pages, rendering.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import PipelineError, SourceError
from ..model import Toolkit
from ..targets import Target
from . import short_links
from .common import jinja_env
from .overflow import cell_page, places
from .site_assets import assets, asset_names
# what each page shows (its context is its target's deps); site.example_context etc. stay importable here
from .site_pages import (all_examples_context, cell_context, countries_context, example_context, example_page,
                         examples_list, index_context, page_frame, recommendations_context, search_data)

BUILDER = "site"
TEMPLATE_FOLDER = "site"
PAGE_TEMPLATES = ("site/base.html.j2", "site/macros.html.j2")  # every page reads these
PROPOSE_TEMPLATE = "site/propose.html.j2"  # the matrix and the example pages include it
ASSET_TEMPLATES = ("site/assets", "fonts")
SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")  # example ids become file names


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
    out = {rel: [{"name": toolkit.example_by_id[i].name, "page": example_page(toolkit, i), "place": False}
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
        return {f"site/{rel}": render("alias.html.j2", {"site": page_frame(toolkit), "examples": examples},
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
