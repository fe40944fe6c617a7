"""The web toolkit, built for real and driven in headless Chromium from file:// (issue 9)."""
from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from bs4 import BeautifulSoup

from pipeline.build import run_targets
from pipeline.load import load
from pipeline.render import site, site_downloads
from pipeline.targets import fingerprint
from tests.conftest import SHIPPED, edit

SCRIPT_NAME = "<script>alert(1)</script>"
ACCENTED = "Pôle Écosystème Numérique"


def build_site(toolkit, out: Path) -> Path:
    summary = run_targets(toolkit, site.targets(toolkit, {}), out=out, jobs=1, progress=False)
    assert not summary.failed, summary.failed
    return out / "site"


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# -- fixtures: one build of the shipped sources, one of a hostile copy, one browser ------------------
@pytest.fixture(scope="module")
def built(shipped, tmp_path_factory) -> Path:
    return build_site(shipped, tmp_path_factory.mktemp("site") / "output")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """Sources where one example is named like a script and another carries accents."""
    root = tmp_path_factory.mktemp("hostile")
    sources = root / "sources"
    shutil.copytree(SHIPPED, sources)
    edit(sources / "examples.csv", "innovation-clusters-saxony,Innovation clusters Saxony,",
         f"innovation-clusters-saxony,{SCRIPT_NAME},")
    edit(sources / "examples.csv", "circular-wallonia,Circular Wallonia,", f"circular-wallonia,{ACCENTED},")
    toolkit = load(sources)
    assert toolkit.example_by_id["innovation-clusters-saxony"].name == SCRIPT_NAME
    return build_site(toolkit, root / "output")


class Watched:
    """A page with everything that went wrong on it recorded: console errors, failed or non-file requests."""

    def __init__(self, browser, width: int = 1280):
        self.page = browser.new_page(viewport={"width": width, "height": 900})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: m.type in ("error", "warning") and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        # ERR_ABORTED: a request cut short by the next navigation (the favicon), not a missing file
        self.page.on("requestfailed", lambda r: r.failure != "net::ERR_ABORTED"
                     and self.errors.append(f"failed: {r.url} ({r.failure})"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, url: str):
        self.page.goto(url)
        self.page.wait_for_load_state("load")
        return self.page

    def close(self):
        self.page.close()


@pytest.fixture
def watched(browser):
    w = Watched(browser)
    yield w
    w.close()


def url(site_dir: Path, rel: str) -> str:
    """A file:// URL of a built page, keeping its ?query or #hash as typed."""
    path, rest = re.match(r"([^?#]*)(.*)", rel).groups()
    return (site_dir / path).as_uri() + rest


def visible_cells(page) -> list[tuple[str, str, str]]:
    return [tuple(c.split("/")) for c in page.eval_on_selector_all(
        "[data-cell]:not([hidden])",
        "els => els.map(e => [e.dataset.priority, e.dataset.challenge, e.dataset.function].join('/'))")]


def visible_examples(page) -> list[str]:
    return page.eval_on_selector_all("[data-example]:not([hidden]) a", "els => els.map(e => e.textContent.trim())")


# -- the matrix: filters, search, country, URL state ----------------------------------------------
def test_green_skills_shows_exactly_that_cells_actions(built, watched, shipped):
    page = watched.open(url(built, "index.html"))
    page.select_option("#priority", "green")
    page.select_option("#challenge", "skills")
    assert visible_cells(page) == [("green", "skills", f.id) for f in shipped.taxonomy.functions]
    for f in shipped.taxonomy.functions:
        shown = page.eval_on_selector_all(
            f"[data-cell][data-priority=green][data-challenge=skills][data-function={f.id}] .action-text",
            "els => els.map(e => e.textContent)")
        assert [words(t) for t in shown] == [words(a.text) for a in shipped.cell("green", "skills", f.id).actions]
    assert page.locator(".action-text:visible").count() == sum(
        len(shipped.cell("green", "skills", f.id).actions) for f in shipped.taxonomy.functions)
    assert "Showing 3 of 36 cells" in page.text_content("#status")
    link = page.locator("#roadmap-link")
    assert link.is_visible() and link.get_attribute("href") == "downloads/roadmaps/green-skills.docx"
    page.select_option("#function", "networking")
    assert visible_cells(page) == [("green", "skills", "networking")]
    assert not watched.errors


def test_search_finds_saxony_case_and_accent_insensitive(built, watched, shipped):
    page = watched.open(url(built, "index.html"))
    expected = {c.cell for c in shipped.cells_of_example("innovation-clusters-saxony")}
    for query in ("Saxony", "saxony", "SÄXONY"):
        page.fill("#q", query)
        assert set(visible_cells(page)) == expected, query
        assert "Innovation clusters Saxony" in page.locator("[data-cell]:not([hidden]) .hit").all_text_contents()[0]
        assert visible_examples(page) == ["Innovation clusters Saxony"]
    page.fill("#q", "training needs")  # words of an action: all of them, in any item
    cells = visible_cells(page)
    assert ("green", "skills", "intelligence") in cells
    for cell in cells:
        assert any("training" in a.text.lower() and "needs" in a.text.lower()
                   for a in shipped.cell(*cell).actions)
    for query in ("example", "Expert Group recommendation", "Belgium", "digital skills"):  # not labels: text only
        page.fill("#q", query)
        assert visible_cells(page) == expected_by_search(shipped, query), query
    page.fill("#q", "zzzz-nothing")
    assert visible_cells(page) == [] and page.is_visible("#no-cells")


def expected_by_search(toolkit, query: str) -> list[tuple[str, str, str]]:
    """The cells with one action, or one example's name or country, holding every word of the query."""
    terms = query.lower().split()

    def hit(text: str) -> bool:
        return all(t in words(text).lower() for t in terms)

    return [(c.priority.id, c.challenge.id, c.function.id) for c in toolkit.cells()
            if any(hit(a.text) for a in c.actions) or any(hit(f"{e.name} ({e.country})") for e in c.examples)]


def test_search_ignores_accents_in_the_sources(hostile, watched):
    page = watched.open(url(hostile, "index.html"))
    page.fill("#q", "ecosysteme numerique")
    assert visible_examples(page) == [ACCENTED]
    assert visible_cells(page) == [("green", "innovation", "intelligence")]


def test_country_filter_combines_with_the_others(built, watched, shipped):
    page = watched.open(url(built, "index.html"))
    page.select_option("#country", "Estonia")
    expected = [c for c in ((c.priority.id, c.challenge.id, c.function.id, c) for c in shipped.cells())
                if any(e.country == "Estonia" for e in c[3].examples)]
    assert visible_cells(page) == [e[:3] for e in expected]
    assert sorted(visible_examples(page)) == sorted(e.name for e in shipped.examples if e.country == "Estonia")
    hits = page.eval_on_selector_all("[data-cell]:not([hidden]) .example.hit", "els => els.map(e => e.dataset.country)")
    assert hits and set(hits) == {"Estonia"}
    page.select_option("#priority", "digital")
    assert visible_cells(page) == [e[:3] for e in expected if e[0] == "digital"]


def test_url_keeps_the_filter_state(built, watched, browser):
    page = watched.open(url(built, "index.html"))
    page.select_option("#priority", "resilience")
    page.fill("#q", "skills")
    shared = page.evaluate("location.href")  # page.url follows replaceState only eventually
    assert "priority=resilience" in shared and "q=skills" in shared
    cells = visible_cells(page)
    fresh = Watched(browser)  # a new tab opening the shared link
    other = fresh.open(shared)
    assert other.input_value("#priority") == "resilience" and other.input_value("#q") == "skills"
    assert visible_cells(other) == cells
    other.goto(url(built, "index.html?priority=green&challenge=skills&country=Nowhere"))  # the no-JS form's URL
    assert other.input_value("#priority") == "green" and other.input_value("#country") == ""
    assert {c[:2] for c in visible_cells(other)} == {("green", "skills")}
    assert not fresh.errors
    fresh.close()
    page.click("#reset")
    page.wait_for_function("() => !location.search")
    assert len(visible_cells(page)) == 36


def test_keyboard_reaches_search_and_filters(built, watched):
    page = watched.open(url(built, "index.html"))
    order = []
    for _ in range(25):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.id")
        if focused in ("q", "priority", "challenge", "function", "country"):
            order.append(focused)
        if focused == "country":
            break
    assert order == ["q", "priority", "challenge", "function", "country"]
    page.focus("#q")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.type("saxony")
    page.keyboard.press("Enter")  # submitting must not reload or clear the filter
    assert page.input_value("#q") == "saxony" and len(visible_cells(page)) == 2


# -- the other pages ------------------------------------------------------------------------------
def test_example_page_lists_its_cells_and_recommendations(built, watched, shipped):
    page = watched.open(url(built, "examples/innovation-clusters-saxony.html"))
    example = shipped.example_by_id["innovation-clusters-saxony"]
    assert page.text_content("h1").strip() == example.name
    assert page.text_content("#example-country").strip() == example.country
    assert page.get_attribute("#example-link a", "href") == example.link
    cells = page.eval_on_selector_all("[data-cell]", "els => els.map(e => e.dataset.cell)")
    assert cells == ["/".join(c.cell) for c in shipped.cells_of_example(example.id)]
    recs = page.eval_on_selector_all("[data-recommendation]", "els => els.map(e => e.dataset.recommendation)")
    assert recs == [c.recommendation for c in shipped.table5_of_example(example.id)] == ["r1"]
    page.click("text=See this cell in the matrix >> nth=0")
    page.wait_for_url("**/index.html?priority=green&challenge=value-chains&function=intelligence"
                      "#cell-green-value-chains-intelligence")
    assert visible_cells(page) == [("green", "value-chains", "intelligence")]
    assert not watched.errors


def test_every_example_has_a_page_listing_its_cells(built, shipped):
    for example in shipped.examples:
        soup = BeautifulSoup((built / "examples" / f"{example.id}.html").read_text(encoding="utf-8"), "html.parser")
        assert soup.h1.get_text(strip=True) == example.name
        shown = [a["data-cell"] for a in soup.select("[data-cell]")]
        assert shown == list(dict.fromkeys("/".join(c.cell) for c in shipped.cells_of_example(example.id)))


def test_recommendations_page_has_table5(built, shipped):
    soup = BeautifulSoup((built / "recommendations.html").read_text(encoding="utf-8"), "html.parser")
    assert [a["id"] for a in soup.select("article.rec")] == [r.id for r in shipped.recommendations]
    r1 = soup.select_one("#r1")
    texts = [words(li.get_text()) for li in r1.select(".action")]
    expected = [words(t) for f in shipped.taxonomy.functions for t in shipped.table5_cell("r1", f.id).actions]
    assert texts == expected
    assert r1.select_one('a[href="examples/innovation-clusters-saxony.html"]')


@pytest.mark.parametrize("rel", ["index.html", "recommendations.html", "examples/innovation-clusters-saxony.html"])
def test_no_console_errors_no_failed_or_outside_requests(built, watched, rel):
    page = watched.open(url(built, rel))
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.fonts.status") == "loaded"
    assert not watched.errors
    assert watched.requests and all(r.startswith("file://") for r in watched.requests), watched.requests
    for r in watched.requests:
        assert Path(unquote(urlparse(r).path)).is_relative_to(built), r


def test_phone_width_has_no_horizontal_scroll(built, browser):
    w = Watched(browser, width=390)
    try:
        for rel in ("index.html", "recommendations.html", "examples/innovation-clusters-saxony.html"):
            page = w.open(url(built, rel))
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, rel
        assert not w.errors
    finally:
        w.close()


# -- escaping -------------------------------------------------------------------------------------
def test_source_text_is_escaped(hostile, watched):
    for rel in ("index.html", "recommendations.html", "examples/innovation-clusters-saxony.html"):
        page = watched.open(url(hostile, rel))
        assert page.locator(f"text={SCRIPT_NAME}").count() >= 1, rel
        scripts = page.eval_on_selector_all("script", "els => els.map(e => e.getAttribute('src'))")
        own = [("../" if "/" in rel else "") + f"assets/{name}" for name in ("site.js", "propose.js")]
        assert scripts[0] == own[0] and set(scripts) <= set(own), rel  # only our own files, none inline
    page = watched.open(url(hostile, "index.html#q=alert"))
    assert visible_examples(page) == [SCRIPT_NAME]
    assert page.text_content("h1") and not watched.dialogs and not watched.errors
    page = watched.open(url(hostile, "examples/innovation-clusters-saxony.html"))
    assert page.text_content("h1").strip() == SCRIPT_NAME
    assert not watched.dialogs
    html = (hostile / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and SCRIPT_NAME not in html


def test_a_link_that_is_not_a_web_address_is_not_a_link(sources):
    edit(sources / "examples.csv", "https://www.wirtschaft.sachsen.de/13344.html", "javascript:alert(1)")
    toolkit = load(sources)
    target = next(t for t in site.targets(toolkit, {}) if t.name == "example-innovation-clusters-saxony")
    html = site.build_target(toolkit, target)[target.outputs[0]].decode()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one("#example-link").get_text(strip=True) == "javascript:alert(1)"
    assert not soup.select("#example-link a") and "href=\"javascript" not in html


# -- static checks of every page ------------------------------------------------------------------
def test_pages_have_lang_title_labels_and_relative_links(built, shipped):
    pages = sorted(built.rglob("*.html"))
    # home, recommendations, countries, all examples A-Z, one page per cell, one per example
    assert len(pages) == 4 + 36 + len(shipped.examples)
    for path in pages:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        assert soup.html["lang"] == shipped.document.language, path
        assert soup.title and soup.title.get_text(strip=True), path
        assert len(soup.find_all("h1")) == 1, path
        assert soup.select_one('meta[name="viewport"]'), path
        for control in soup.select("input, select, textarea"):
            assert control.get("id") and soup.select_one(f'label[for="{control["id"]}"]'), (path, control)
        for tag, attr in (("a", "href"), ("link", "href"), ("script", "src")):
            for el in soup.find_all(tag):
                ref = el.get(attr)
                if not ref or ref.startswith("#"):
                    continue
                if ref.startswith(("http://", "https://")):
                    assert tag == "a" and "external" in el.get("class", []), (path, ref)
                    continue
                assert not ref.startswith("/") and "://" not in ref, (path, ref)
                target = (path.parent / ref.split("#")[0].split("?")[0]).resolve()
                if "downloads/" not in ref:  # copied in by publish_downloads after the other builders
                    assert target.exists(), (path, ref)
    index = BeautifulSoup((built / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert index.select_one("#status")["aria-live"] == "polite"
    assert len(index.select("[data-cell]")) == 36


def test_downloads_links_match_the_other_builders(built, shipped):
    from pipeline.render import handouts

    soup = BeautifulSoup((built / "index.html").read_text(encoding="utf-8"), "html.parser")
    hrefs = {a["href"] for a in soup.select("#downloads a")}
    assert "downloads/toolkit.pdf" in hrefs
    for target in handouts.targets(shipped, {}):
        assert "downloads/" + target.outputs[0] in hrefs
    roadmaps = {h for h in hrefs if h.startswith("downloads/roadmaps/")}
    assert len(roadmaps) == len(shipped.taxonomy.priorities) * len(shipped.taxonomy.challenges)


def test_publish_downloads_copies_what_exists(tmp_path):
    out = tmp_path / "output"
    (out / "paper").mkdir(parents=True)
    (out / "paper" / "toolkit.pdf").write_bytes(b"%PDF paper")
    (out / "handouts").mkdir()
    (out / "handouts" / "priority-green-a4.pdf").write_bytes(b"%PDF handout")
    written = site_downloads.publish_downloads(out)  # no roadmaps folder: skipped, not an error
    downloads = out / "site" / "downloads"
    assert sorted(p.relative_to(downloads).as_posix() for p in written) == [
        "handouts/priority-green-a4.pdf", "toolkit.pdf"]
    assert (downloads / "toolkit.pdf").read_bytes() == b"%PDF paper"
    (out / "roadmaps").mkdir()
    (out / "roadmaps" / "green-skills.docx").write_bytes(b"PK docx")
    assert (downloads / "roadmaps" / "green-skills.docx") in site_downloads.publish_downloads(out)
    assert not list(downloads.rglob("*.tmp"))
    assert site_downloads.publish_downloads(out) == []  # nothing changed: nothing rewritten


def test_publish_downloads_offers_only_the_default_roadmaps(tmp_path, shipped):
    out = tmp_path / "output"
    (out / "roadmaps").mkdir(parents=True)
    for name in ("green-skills.docx", "ile-de-france-green-skills.docx"):
        (out / "roadmaps" / name).write_bytes(b"PK docx")
    written = site_downloads.publish_downloads(out, shipped)
    assert [p.name for p in written] == ["green-skills.docx"]


# -- builds: reproducible and incremental ---------------------------------------------------------
def test_same_sources_same_bytes(shipped, built, tmp_path):
    again = build_site(shipped, tmp_path / "output")
    for path in built.rglob("*"):
        if path.is_file() and ".build" not in path.parts:
            assert (again / path.relative_to(built)).read_bytes() == path.read_bytes(), path
    fonts = list((built / "assets" / "fonts").glob("*.woff2"))
    assert len(fonts) == 3 and all(f.stat().st_size < 80_000 for f in fonts)


def test_editing_one_example_rebuilds_only_pages_showing_it(shipped, sources):
    edit(sources / "examples.csv", "Innovation clusters Saxony", "Innovation clusters of Saxony")
    before = {t.id: fingerprint(t, "v") for t in site.targets(shipped, {})}
    after = {t.id: fingerprint(t, "v") for t in site.targets(load(sources), {})}
    changed = sorted(k for k in before if before[k] != after[k])
    cells = sorted(f"site:cell-{'-'.join(c.cell)}" for c in shipped.cells_of_example("innovation-clusters-saxony"))
    assert changed == sorted([*cells, "site:countries", "site:example-innovation-clusters-saxony", "site:examples",
                              "site:index", "site:recommendations", "site:search-data"])


def test_unsafe_example_id_is_a_source_error(sources):
    from pipeline.errors import SourceError

    toolkit = load(sources)
    bad = toolkit.examples[0]
    toolkit.examples[0] = type(bad)(**{**bad.__dict__, "id": "../evil"})
    with pytest.raises(SourceError, match="examples.csv.*cannot name a web page"):
        site.targets(toolkit, {})


CONTRAST_JS = """() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                     return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const background = el => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor);
                             if (c.length === 3 || c[3] > 0) return c; } return [255, 255, 255]; };
  const bad = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el.getClientRects().length || el.closest('.visually-hidden')) continue;
    const style = getComputedStyle(el);
    const [a, b] = [lum(rgb(style.color)), lum(background(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize), large = size >= 24 || (size >= 18.66 && +style.fontWeight >= 700);
    if (ratio < (large ? 3 : 4.5)) bad.push(`${ratio.toFixed(2)} ${el.tagName}.${el.className}: ${node.textContent.trim().slice(0, 40)}`);
  }
  return bad;
}"""


@pytest.mark.parametrize("rel", ["index.html#country=Estonia&q=cluster", "recommendations.html",
                                 "examples/innovation-clusters-saxony.html"])
def test_text_contrast_is_aa(built, watched, rel):
    page = watched.open(url(built, rel))
    assert page.evaluate(CONTRAST_JS) == []
