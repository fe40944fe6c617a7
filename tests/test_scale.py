"""At the size of the living toolkit: `invoke synth --examples 250` builds every output, designed, not squeezed.

One build of a made-up toolkit of 250 examples (shipped sources + 250) for the whole module; the outputs
are read as their users would: PDF pages and text (poppler), QR codes (zbarimg), pages (BeautifulSoup).
"""
from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from pipeline.load import load
from pipeline.render.overflow import first_examples
from tests.conftest import PROJECT

pytestmark = pytest.mark.slow
EXAMPLES = 250
TOOLS = ("pdftotext", "pdfinfo", "pdftoppm", "zbarimg")


def invoke(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=PROJECT, capture_output=True, text=True,
                          env={"CI": "1", "PATH": "/usr/bin:/bin"})


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    if missing := [t for t in TOOLS if not shutil.which(t)]:
        pytest.skip(f"needs {', '.join(missing)}")
    root = tmp_path_factory.mktemp("scale")
    sources, out = root / "sources", root / "output"
    made = invoke("synth", "--examples", str(EXAMPLES), "--out", str(sources))
    assert made.returncode == 0, made.stderr
    built = invoke("build", "--sources", str(sources), "--out", str(out))
    return {"sources": sources, "out": out, "build": built, "toolkit": load(sources)}


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def decode_qr_codes(pdf: Path, tmp: Path) -> list[str]:
    """Every code on the page, read at 100 dpi (a cheap scan, a phone at arm's length) like every other
    code of the handouts."""
    subprocess.run(["pdftoppm", "-png", "-r", "100", str(pdf), str(tmp / pdf.stem)], check=True)
    found = []
    for png in sorted(tmp.glob(f"{pdf.stem}*.png")):
        run = subprocess.run(["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(png)],
                             capture_output=True, text=True)
        found += run.stdout.split()
    return found


def test_every_output_builds_without_a_failure(big):
    assert big["build"].returncode == 0, big["build"].stderr[-3000:]
    assert "failed 0" in big["build"].stdout


def matrix_cells(pdf: Path, toolkit, priority: str) -> dict[tuple[str, str], str]:
    """The text of each cell of a printed priority matrix, in reading order: each word (pdftotext -bbox)
    goes to the column and row whose headers it is right of and below."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True).stdout
    words = [(float(x), float(y), html.unescape(w)) for x, y, w in
             re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>', xml)]
    tx = toolkit.taxonomy
    corner = next((x, y) for x, y, w in words if w == "Challenge")
    columns = [next(x for x, y, w in words if w == f.label.split()[0] and abs(y - corner[1]) < 2)
               for f in tx.functions]
    rows = [next(y for x, y, w in words if w == c.label.split()[0] and abs(x - corner[0]) < 2)
            for c in tx.challenges]
    footer = next(y for x, y, w in words if w == "Input" and y > rows[-1])  # "Table 2 · Input paper: ..."
    cells: dict[tuple[str, str], list] = {}
    for x, y, w in words:
        if x < columns[0] - 3 or y < rows[0] - 3 or y >= footer - 3:
            continue
        column = max(i for i, cx in enumerate(columns) if x >= cx - 3)
        row = max(i for i, ry in enumerate(rows) if y >= ry - 3)
        cells.setdefault((tx.challenges[row].id, tx.functions[column].id), []).append((y, x, w))
    out = {}
    for key, placed in cells.items():
        lines: list[list] = []
        for y, x, w in sorted(placed):  # one line: words within 3 pt of its first (fonts differ in height)
            if lines and y - lines[-1][0][0] < 3:
                lines[-1].append((y, x, w))
            else:
                lines.append([(y, x, w)])
        out[key] = " ".join(w for line in lines for _, _, w in sorted(line, key=lambda p: p[1]))
    return out


def shown_in_cell(text: str, toolkit, cell) -> tuple[int, int]:
    """(examples shown, "and N more") of a printed cell, after checking that it shows its first examples
    in the sources' order (featured, then newest) and that the two add up to what the cell holds."""
    more = re.search(r"and (\d+) more examples?", text)
    more = int(more.group(1)) if more else 0
    total = len(cell.examples)
    shown = first_examples(toolkit, cell.examples, total - more).examples
    names = {" ".join(e.name.split()) for e in shown}
    where = f"{cell.priority.id}/{cell.challenge.id}/{cell.function.id}"
    for name in names:
        assert name in text, f"{where}: {name} not shown ({text})"
    for e in cell.examples:
        name = " ".join(e.name.split())
        if name not in names and not any(name in n for n in names):
            assert name not in text, f"{where}: {name} shown, but it is not among its first {len(shown)}"
    return len(shown), more


def crowded_cells_show_their_first_examples(pdf: Path, toolkit, cells) -> list[int]:
    """Every cell that cannot show all its examples shows its first one (featured first, then newest) and
    says how many it leaves out; returns the 'and N more' counts printed."""
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
    more = [int(n) for n in re.findall(r"and (\d+) more examples?", text)]
    for cell in cells:
        if len(cell.examples) > 1 and more:
            first = first_examples(toolkit, cell.examples, 1).examples[0]
            assert " ".join(first.name.split()) in text, f"{pdf.name}: {first.name} not shown"
    return more


def test_priority_matrices_are_one_page_each_with_and_n_more(big, tmp_path):
    toolkit = big["toolkit"]
    for p in toolkit.taxonomy.priorities:
        pdf = big["out"] / "handouts" / f"priority-{p.id}-a4.pdf"
        assert pages(pdf) == 1, pdf
        assert_cells_show_what_fits(pdf, toolkit, p.id)
        assert sizes_at_least(pdf, 7.5)


def assert_cells_show_what_fits(pdf: Path, toolkit, priority: str) -> None:
    """Each cell shows its first examples and "and N more" for the rest (shown + N = what it holds); a
    crowded cell shows more than one where its row has the room (issue 17: not one example everywhere),
    all of them where they fit (then no code and no "and N more")."""
    texts = matrix_cells(pdf, toolkit, priority)
    counts = [shown_in_cell(texts[(c.challenge.id, c.function.id)], toolkit, c) for c in toolkit.cells(priority)]
    assert any(more for _, more in counts), f"{pdf.name}: no 'and N more'"
    assert any(shown >= 2 and more for shown, more in counts), f"{pdf.name}: {counts}"
    assert sum(shown for shown, _ in counts) > sum(1 for shown, more in counts if more), counts


def sizes_at_least(pdf: Path, points: float) -> bool:
    """No word drawn under `points`: a pdftotext -bbox word box is 1.36 x the Open Sans size (as in
    test_handouts.test_nothing_printed_under_7_5_pt; 1.3 x keeps rounding slack, fails at 7.25 pt)."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True).stdout
    boxes = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', xml)
    return min(float(y1) - float(y0) for y0, y1 in boxes) >= points * 1.3


def test_every_and_n_more_qr_code_opens_that_cells_page_listing_all_its_examples(big, tmp_path):
    toolkit, site = big["toolkit"], big["out"] / "site"
    base = toolkit.event.web_address
    for p in toolkit.taxonomy.priorities:
        pdf = big["out"] / "handouts" / f"priority-{p.id}-a4.pdf"
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        # the matrix's own code to its filtered web view (issue 15) is not an "and N more" code; these
        # open the cell's short page (c/<code>.html, short_links.py), which leads on to the cell's page
        codes = [c for c in decode_qr_codes(pdf, tmp_path) if c.startswith(base + "c/")]
        assert len(codes) == len(re.findall(r"and \d+ more example", text)), pdf.name
        for url in codes:
            assert len(url) == len(base) + len("c/12345678.html"), url
            page = _short_page_target(site / url[len(base):])
            assert page.parent.name == "cells" and page.stem.startswith(p.id + "-") and page.is_file(), url
            cell = toolkit.cell(p.id, *_challenge_function(toolkit, page.stem))
            soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
            names = [li.select_one(".ex-name, a").get_text(strip=True) for li in soup.select("ul.cell-examples li")]
            assert names == [e.name for e in cell.examples], url


def _short_page_target(short_page: Path) -> Path:
    """The page a printed short address leads on to (its HTML refresh, as a browser follows it)."""
    soup = BeautifulSoup(short_page.read_text(encoding="utf-8"), "html.parser")
    refresh = soup.find("meta", attrs={"http-equiv": "refresh"})["content"]
    target = refresh.split("url=", 1)[1]
    assert soup.find(id="alias-target")["href"] == target
    return (short_page.parent / target.split("#")[0]).resolve()


def _challenge_function(toolkit, stem: str) -> tuple[str, str]:
    """'green-value-chains-business-services' -> ('value-chains', 'business-services')."""
    for c in toolkit.taxonomy.challenges:
        for f in toolkit.taxonomy.functions:
            if stem.endswith(f"-{c.id}-{f.id}"):
                return c.id, f.id
    raise AssertionError(stem)


def test_home_page_shows_first_examples_of_a_cell_and_links_the_rest(big):
    toolkit, site = big["toolkit"], big["out"] / "site"
    soup = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    cell = max(toolkit.cells(), key=lambda c: len(c.examples))
    key = f"{cell.priority.id}-{cell.challenge.id}-{cell.function.id}"
    article = soup.select_one(f"#cell-{key}")
    shown = first_examples(toolkit, cell.examples, 5)
    assert [li.select_one("a").get_text(strip=True) for li in article.select("li.example")] == \
        [e.name for e in shown.examples]
    more = article.select_one("[data-more]")
    assert int(more["data-more"]) == shown.more and more["href"] == f"cells/{key}.html"
    # the home page lists the first examples A-Z and links the full list
    assert len(soup.select("#example-list [data-example]")) < len(toolkit.examples)
    full = BeautifulSoup((site / "examples.html").read_text(encoding="utf-8"), "html.parser")
    assert len(full.select("[data-example]")) == len(toolkit.examples)


def test_example_cards_come_in_parts_and_one_file_to_print(big):
    toolkit, handouts = big["toolkit"], big["out"] / "handouts"
    parts = sorted((handouts / "cards").glob("example-cards-a4-*.pdf"))
    assert len(parts) > 1
    whole = handouts / "example-cards-a4.pdf"
    assert pages(whole) == sum(pages(p) for p in parts)
    cited = {c.example for c in toolkit.cell_examples} | {c.example for c in toolkit.table5_examples}
    assert pages(whole) >= len(cited) / 4


def test_every_card_qr_code_in_the_file_to_print_decodes_at_100_dpi(big, tmp_path):
    # the cards' codes are bitmaps (handout_qr.qr_image); each must read like the vector codes did, and
    # keep its alternative text in the joined file's structure tree
    from pipeline.render import handouts as cards
    from tests.pdfua_check import figure_alts_in

    whole = big["out"] / "handouts" / "example-cards-a4.pdf"
    with_code = [c for c in cards.card_records(big["toolkit"]) if c["qr"]]
    assert sorted(decode_qr_codes(whole, tmp_path)) == sorted(c["qr"] for c in with_code)
    assert figure_alts_in(whole) == [cards.qr_alt(c["example"].name, c["qr"]) for c in with_code]


@pytest.mark.huge
def test_2500_examples_build_every_output_within_its_pages(tmp_path):
    sources, out = tmp_path / "sources", tmp_path / "output"
    assert invoke("synth", "--examples", "2500", "--out", str(sources)).returncode == 0
    built = invoke("build", "--sources", str(sources), "--out", str(out))
    assert built.returncode == 0 and "failed 0" in built.stdout, built.stderr[-3000:]
    toolkit = load(sources)
    for p in toolkit.taxonomy.priorities:
        pdf = out / "handouts" / f"priority-{p.id}-a4.pdf"
        assert pages(pdf) == 1
        assert_cells_show_what_fits(pdf, toolkit, p.id)
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        codes = [c for c in decode_qr_codes(pdf, tmp_path) if c.startswith(toolkit.event.web_address + "c/")]
        assert len(codes) == len(re.findall(r"and \d+ more example", text)), pdf.name  # all read at 100 dpi
    # the recommendations sheet: first examples per recommendation and function, within its two pages
    pdf = out / "handouts" / "recommendations-a4.pdf"
    assert pages(pdf) <= 2
    cells = [toolkit.table5_cell(r.id, f.id) for r in toolkit.recommendations for f in toolkit.taxonomy.functions]
    assert crowded_cells_show_their_first_examples(pdf, toolkit, cells)
    assert sizes_at_least(pdf, 7.5)
    # one code per recommendation (all 15 are crowded at 2,500), each read at 100 dpi
    codes = {c for c in decode_qr_codes(pdf, tmp_path) if c.startswith(toolkit.event.web_address + "c/")}
    assert len(codes) == len(toolkit.recommendations)
    assert len(list((out / "site" / "examples").glob("*.html"))) == 2500 + 56


def test_search_reaches_examples_the_home_page_does_not_list(big):
    """The home page lists the first examples A-Z; a search loads the data of all and finds any of them."""
    playwright = pytest.importorskip("playwright.sync_api")
    site, toolkit = big["out"] / "site", big["toolkit"]
    listed = sorted(toolkit.examples, key=lambda e: e.name.casefold())
    target = listed[-1]  # Z end of the alphabet: not among the first ones on the home page
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium")
        page = browser.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto((site / "index.html").as_uri())
        assert target.name not in page.inner_text("#example-list")
        page.fill("#q", target.name)
        page.wait_for_function("() => !!window.CPT_SEARCH_DATA")
        page.wait_for_function("(name) => document.getElementById('example-list').innerText.includes(name)",
                               arg=target.name)
        link = page.locator("#example-list a", has_text=target.name).first
        assert link.get_attribute("href").split("?")[0] == f"examples/{target.id}.html"
        # the cells it illustrates stay visible even where the home page does not list it
        cells = {"-".join(c.cell) for c in toolkit.cells_of_example(target.id)}
        shown = set(page.eval_on_selector_all("[data-cell]:not([hidden])", "els => els.map(e => e.id.slice(5))"))
        assert cells <= shown
        browser.close()
    assert errors == []
