"""The web tool as its users meet it after `invoke build` (issue 15), driven in Debian's Chromium from file://.

One full build of the shipped sources and one browser serve the whole module: the link crawl, the filter
table checked against the sources, search, shared URLs, the page without JavaScript, print, and axe-core.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from bs4 import BeautifulSoup

from pipeline.build import collect_targets, run_targets
from pipeline.uptodate import available_builders
from pipeline.load import load
from pipeline.paths import PROJECT
from pipeline.render import site, site_downloads
from tests.conftest import SHIPPED, edit

pytestmark = pytest.mark.slow
AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def output(shipped, tmp_path_factory) -> Path:
    """What `invoke build` makes: every builder, then the downloads copied into the site."""
    out = tmp_path_factory.mktemp("build") / "output"
    summary = run_targets(shipped, collect_targets(shipped, available_builders(), {}), out=out, jobs=2,
                          progress=False)
    assert not summary.failed, summary.failed
    site_downloads.publish_downloads(out, shipped)
    return out


@pytest.fixture(scope="module")
def built(output) -> Path:
    return output / "site"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    yield page
    context.close()


def url(site_dir: Path, rel: str) -> str:
    path, rest = re.match(r"([^?#]*)(.*)", rel).groups()
    return (site_dir / path).as_uri() + rest


def html_pages(site_dir: Path) -> list[str]:
    return sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html") if "downloads" not in p.parts)


# -- every link resolves ---------------------------------------------------------------------------
def test_every_link_of_every_page_resolves(built, page):
    """Every page as Chromium resolves its links (after the script ran): no missing file or anchor."""
    todo, seen, missing, ids = html_pages(built), set(), [], {}
    while todo:
        rel = todo.pop()
        if rel in seen:
            continue
        seen.add(rel)
        page.goto(url(built, rel))
        links = page.eval_on_selector_all(
            "a[href], link[href], script[src]",  # SVG links too (the map): resolve the attribute
            "els => els.map(e => new URL(e.getAttribute('href') || e.getAttribute('src'), document.baseURI).href)")
        for link in links:
            parsed = urlparse(link)
            if parsed.scheme in ("http", "https", "mailto"):
                continue
            assert parsed.scheme == "file", (rel, link)
            target = Path(unquote(parsed.path))
            if not target.is_file():
                missing.append((rel, link))
                continue
            assert target.resolve().is_relative_to(built.resolve()), (rel, link)
            if parsed.fragment and target.suffix == ".html":
                if target not in ids:
                    soup = BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser")
                    ids[target] = {el["id"] for el in soup.select("[id]")}
                if parsed.fragment not in ids[target]:
                    missing.append((rel, link))
            if target.suffix == ".html":
                todo.append(target.relative_to(built).as_posix())
    assert not missing, missing[:10]
    downloads = [p for p in (built / "downloads").rglob("*") if p.is_file()]
    assert len(downloads) >= 20  # paper, 7 handouts, 12 roadmaps: all linked, all there
    assert not page.errors


# -- filters: a table of cases checked against the sources -----------------------------------------
def expected_examples(toolkit, state: dict) -> tuple[set[str], int]:
    """Example names the filters should show, and how many of them only Table 5 reaches.

    An example is reached through a cell of Tables 2-4 it is cited in, or through Table 5: its
    recommendation's area (a priority id) and cluster function; Table 5 has no challenge.
    """
    recs = {r.id: r for r in toolkit.recommendations}
    by_cell = any(state.get(k) for k in ("priority", "challenge", "function"))
    names, table5_only = set(), 0
    for e in toolkit.examples:
        cells = [c.cell for c in toolkit.cells_of_example(e.id)]
        t5 = [(recs[c.recommendation].area, c.function, c.recommendation) for c in toolkit.table5_of_example(e.id)]
        via_cells = bool(cells) and (not by_cell or any(
            all(not state.get(k) or state[k] == v for k, v in zip(("priority", "challenge", "function"), cell))
            for cell in cells))
        via_t5 = bool(t5) and (not by_cell or (not state.get("challenge") and any(
            (not state.get("priority") or state["priority"] == area) and
            (not state.get("function") or state["function"] == function) for area, function, _ in t5)))
        ok = (via_cells or via_t5) and (not state.get("country") or e.country == state["country"]) and (
            not state.get("recommendation") or state["recommendation"] in {r for *_, r in t5})
        if ok:
            names.add(e.name)
            table5_only += not via_cells
    return names, table5_only


def expected_cells(toolkit, state: dict) -> set[tuple[str, str, str]]:
    out = set()
    for cell in toolkit.cells():
        key = (cell.priority.id, cell.challenge.id, cell.function.id)
        if any(state.get(k) and state[k] != v for k, v in zip(("priority", "challenge", "function"), key)):
            continue
        recs = {r.id for r in toolkit.recommendations_for_actions({a.id for a in cell.actions})}
        if state.get("recommendation") and state["recommendation"] not in recs:
            continue
        if state.get("country") and not any(e.country == state["country"] for e in cell.examples):
            continue
        out.add(key)
    return out


FILTER_CASES = [
    {"priority": "green"},  # Cleantech Estonia and the Polish circular-economy roadmap come via Table 5
    {"priority": "digital"},  # six Table-5-only examples
    {"function": "networking"},
    {"priority": "green", "function": "business-services"},
    {"priority": "green", "challenge": "skills"},  # a challenge: Table 5 cannot answer it
    {"recommendation": "r2"},
    {"recommendation": "r6", "function": "networking"},
    {"priority": "digital", "country": "Estonia"},
    {"priority": "resilience", "function": "intelligence"},
    {"recommendation": "r13", "priority": "resilience"},
]


def visible(page, selector: str) -> list[str]:
    return page.eval_on_selector_all(f"{selector}:not([hidden])", "els => els.map(e => e.querySelector('a') "
                                     "? e.querySelector('a').textContent.trim() : e.textContent.trim())")


def visible_cells(page) -> set[tuple[str, str, str]]:
    return {tuple(c.split("/")) for c in page.eval_on_selector_all(
        "[data-cell]:not([hidden])", "els => els.map(e => [e.dataset.priority, e.dataset.challenge, "
                                     "e.dataset.function].join('/'))")}


@pytest.mark.parametrize("state", FILTER_CASES, ids=lambda s: "&".join(f"{k}={v}" for k, v in s.items()))
def test_filters_show_what_the_sources_say(built, page, shipped, state):
    query = "&".join(f"{k}={v}" for k, v in state.items())
    page.goto(url(built, f"index.html?{query}"))
    names, table5_only = expected_examples(shipped, state)
    assert set(visible(page, "[data-example]")) == names
    assert visible_cells(page) == expected_cells(shipped, state)
    status = page.text_content("#status")
    assert f"{len(names)} of {len(shipped.examples)} examples" in status
    if table5_only:
        assert f"({table5_only} from Table 5 only)" in status
        assert f"{table5_only} of them" in page.text_content("#examples-status")
    else:
        assert "Table 5 only" not in status
    for name, value in state.items():  # the form shows the state it was opened with
        assert page.input_value(f"#{name}") == value


def test_table5_only_examples_are_reached(built, page, shipped):
    page.goto(url(built, "index.html?priority=green"))
    shown = set(visible(page, "[data-example]"))
    assert {"Cleantech Estonia", shipped.example_by_id[
        "the-roadmap-for-transformation-towards-circular-economy"].name} <= shown
    page.goto(url(built, "index.html?priority=digital"))
    only5 = page.eval_on_selector_all("[data-example][data-table5-only]:not([hidden])", "els => els.length")
    assert only5 == 6 and "(6 from Table 5 only)" in page.text_content("#status")


# -- search ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("query, expected", [
    ("Łithuania", {"digital-rocket-lt"}),          # a stroke letter folds to its base letter
    ("LITHUANIA", {"digital-rocket-lt"}),
    ("Türkiye", {"cluster-info-centres"}),          # the country's current ISO name (sources: Turkey)
    ("turkiye", {"cluster-info-centres"}),
    ("United States", {"manufacturing-extension-partnership-national-network"}),  # sources: USA
    ("TUR", {"cluster-info-centres"}),              # alpha-3 code
    ("Portal - Ucluster", {"ukrainian-clusters-portal-ucluster"}),  # hyphen matches the printed en dash
    ("Portal — Ucluster", {"ukrainian-clusters-portal-ucluster"}),  # and an em dash
])
def test_search_folds_letters_dashes_and_country_names(built, page, shipped, query, expected):
    page.goto(url(built, "index.html"))
    page.fill("#q", query)
    names = {shipped.example_by_id[i].name for i in expected}
    assert set(visible(page, "[data-example]")) >= names
    if query not in ("TUR",):  # a three-letter code also matches inside words ("structure")
        assert set(visible(page, "[data-example]")) == names, query


@pytest.fixture(scope="module")
def lettered(tmp_path_factory) -> Path:
    """A site whose example names use letters without decomposition: Ø, Đ, ß, æ, œ, Ł."""
    root = tmp_path_factory.mktemp("lettered")
    sources = root / "sources"
    shutil.copytree(SHIPPED, sources)
    edit(sources / "examples.csv", "digital-rocket-lt,Digital Rocket LT,", "digital-rocket-lt,Øresund Đakovo Straße Ærø Œuvre Łódź,")
    toolkit = load(sources)
    summary = run_targets(toolkit, site.targets(toolkit, {}), out=root / "output", jobs=1, progress=False)
    assert not summary.failed
    return root / "output" / "site"


@pytest.mark.parametrize("query", ["oresund", "dakovo", "strasse", "aero", "oeuvre", "lodz", "ØRESUND STRASSE"])
def test_search_folds_stroke_letters_and_ligatures_in_the_sources(lettered, page, query):
    page.goto(url(lettered, "index.html"))
    page.fill("#q", query)
    assert visible(page, "[data-example]") == ["Øresund Đakovo Straße Ærø Œuvre Łódź"]


# -- the filter state in the URL, through every page -----------------------------------------------
STATE = "priority=green&country=Belgium"


@pytest.mark.parametrize("rel", ["index.html", "recommendations.html", "countries.html",
                                 "examples/circular-flanders.html"])
def test_every_in_page_link_keeps_the_filter_state(built, page, rel):
    page.goto(url(built, f"{rel}?{STATE}"))
    links = page.eval_on_selector_all("a[href]", "els => els.map(e => [e.getAttribute('href'), "
                                      "e.getAttribute('data-href') || ''])")
    internal = [(h, built_as) for h, built_as in links if not re.match(r"^(https?:|#|(\.\./)?downloads/)", h)]
    assert len(internal) > 5
    for href, built_as in internal:
        if "?" in built_as:
            assert href == built_as  # a link that sets its own filters ("see this cell in the matrix")
        else:
            assert href.split("?")[1].split("#")[0] == STATE, (rel, href)
    assert not page.errors


def test_shared_url_round_trip(built, page, browser):
    page.goto(url(built, "index.html"))
    page.select_option("#priority", "digital")
    page.select_option("#function", "networking")
    page.fill("#q", "cluster")
    shared = page.evaluate("location.href")
    assert "?q=cluster&priority=digital&function=networking" in shared
    before = (visible_cells(page), visible(page, "[data-example]"))
    page.click(".mainnav >> text=Examples")  # the header link keeps the filters
    page.wait_for_url("**/index.html?q=cluster&priority=digital&function=networking#examples")
    assert (visible_cells(page), visible(page, "[data-example]")) == before
    page.click("[data-example]:not([hidden]) a >> nth=0")  # to an example page and back
    page.wait_for_url("**/examples/*.html?q=cluster&priority=digital&function=networking")
    page.click(".mainnav >> text=Policy actions")
    page.wait_for_url("**/index.html?q=cluster&priority=digital&function=networking")
    assert page.input_value("#priority") == "digital" and page.input_value("#q") == "cluster"
    other = browser.new_page()  # someone opening the shared link
    other.goto(shared)
    assert (visible_cells(other), visible(other, "[data-example]")) == before
    other.close()


# -- without JavaScript ----------------------------------------------------------------------------
def test_without_javascript_everything_is_shown(built, browser, shipped):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(url(built, "index.html?priority=green"))
    assert not page.is_visible("#filters")  # no form that cannot work
    assert page.is_visible(".nojs-note") and "need JavaScript" in page.text_content(".nojs-note")
    assert page.locator("[data-cell]:visible").count() == 36
    assert page.locator("[data-example]:visible").count() == len(shipped.examples)
    page.click("text=by country")
    assert page.is_visible("#country-belgium")
    context.close()


# -- print -----------------------------------------------------------------------------------------
def test_printed_filtered_view_names_its_filters(built, page, shipped):
    page.goto(url(built, "index.html?priority=green&function=networking"))
    page.emulate_media(media="print")
    header = page.text_content("#print-filters")
    assert page.is_visible("#print-filters")
    assert "Thematic priority: Green transition" in header and "Cluster function: Networking" in header
    assert "index.html?priority=green&function=networking" in header
    assert not page.is_visible("#downloads") and not page.is_visible("#filters")
    urls = page.locator("[data-example]:visible .print-url").all_text_contents()
    assert urls and all("%20" not in u for u in urls)
    flanders = shipped.example_by_id["flanders-industry-innovation-moonshot"]
    assert flanders.link in urls


def test_printed_recommendations_strand_no_title(built, page, tmp_path):
    page.goto(url(built, "recommendations.html"))
    page.emulate_media(media="print")
    pdf = tmp_path / "recs.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) >= 3
    titles = {t.get_text(" ", strip=True) for t in BeautifulSoup((built / "recommendations.html").read_text(
        encoding="utf-8"), "html.parser").select("main h2, main h3")}
    for n, text in enumerate(pages[:-1], start=1):
        last = [line.strip() for line in text.splitlines() if line.strip()][-1]
        assert not any(t.startswith(last) or last.endswith(t) for t in titles), (n, last)


# -- accessibility: axe-core on every page, desktop and phone --------------------------------------
@pytest.mark.parametrize("width", [1280, 375])
def test_axe_finds_no_violation_on_any_page(built, browser, width):
    assert AXE.is_file(), "axe-core is missing: run ./setup.sh (npm ci)"
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    found = {}
    for rel in html_pages(built):
        page.goto(url(built, rel + ("?priority=green" if rel == "index.html" else "")))
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
                                   ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target).join(', ')))")
        if violations:
            found[rel] = violations
    context.close()
    assert not found, found
