"""The paper (PDF and HTML) read back as a reader, a PDF tool and a browser would read it.

The shipped paper is rendered once for the module (about 3 s); every test reads that one build.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import edit

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def squash(text: str) -> str:
    """Text for comparison with a PDF's: no whitespace (line breaks fall anywhere) and no hyphens
    (pdftotext joins "public-" + "private" at a line end into "publicprivate")."""
    return re.sub(r"[\s\u00ad-]+", "", text)


@pytest.fixture(scope="module")
def built(shipped, tmp_path_factory):
    from pipeline.render import paper

    out = tmp_path_factory.mktemp("paper-out")
    files = {}
    for target in paper.targets(shipped, {}):
        produced = paper.build_target(shipped, target)
        assert set(produced) == set(target.outputs)
        files.update(produced)
    for rel, data in files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    return out


@pytest.fixture(scope="module")
def pdf_path(built) -> Path:
    return built / "paper" / "toolkit.pdf"


@pytest.fixture(scope="module")
def reader(pdf_path):
    from pypdf import PdfReader

    return PdfReader(str(pdf_path))


@pytest.fixture(scope="module")
def pages(pdf_path) -> list[str]:
    """pdftotext per page (its reading order keeps table cells together)."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


@pytest.fixture(scope="module")
def all_text(pages) -> str:
    return squash("".join(pages))


@pytest.fixture(scope="module")
def soup(built):
    from bs4 import BeautifulSoup

    return BeautifulSoup((built / "paper" / "index.html").read_text(encoding="utf-8"), "html.parser")


# -- the PDF: content ----------------------------------------------------------------------------

def test_page_count_is_that_of_the_paper(reader):
    assert 18 <= len(reader.pages) <= 32


def test_every_section_title_is_printed(shipped, all_text):
    for section in shipped.sections:
        assert squash(section.title) in all_text, section.title


def test_every_action_and_example_of_tables_2_to_5_is_printed(shipped, all_text):
    for cell in shipped.cells():
        for action in cell.actions:
            assert squash(action.text) in all_text, action.id
        for example in cell.examples:
            assert squash(f"{example.label} {example.name}") in all_text, example.example_id
    for rec in shipped.recommendations:
        for f in shipped.taxonomy.functions:
            cell = shipped.table5_cell(rec.id, f.id)
            for text in cell.actions:
                assert squash(text) in all_text, (rec.id, f.id, text)
            for example in cell.examples:
                assert squash(example.name) in all_text, (rec.id, example.example_id)


def test_every_example_name_links_to_its_url(shipped, reader, pdf_path):
    """Each printed example is a link annotation to its own URL, over the example's name."""
    links: dict[str, int] = {}
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            uri = (annot.get("/A") or {}).get("/URI")
            if uri:
                links[str(uri)] = links.get(str(uri), 0) + 1
    printed = [e for c in shipped.cells() for e in c.examples]
    printed += [e for r in shipped.recommendations for f in shipped.taxonomy.functions
                for e in shipped.table5_cell(r.id, f.id).examples]
    assert printed
    for example in printed:
        if example.link:
            assert example.link in links, (example.example_id, example.link)
    # names wrap over lines: a name split in two is two annotations for one link, never fewer
    with_link = [e.link for e in printed if e.link]
    for link in set(with_link):
        assert links[link] >= with_link.count(link)


def test_footnotes_sit_at_the_foot_of_the_page_that_calls_them(pages):
    """Footnote 1 (introduction) is printed on the Introduction's page, below the body text."""
    intro = next(p for p in pages if p.lstrip().startswith("Strengthening") and "\nIntroduction\n" in p)
    assert "European Commission – European Expert Group on Clusters" in intro
    body_end = intro.index("new experiences and examples")
    assert intro.index("European Commission – European Expert Group on Clusters") > body_end


def test_running_header_and_page_numbers(shipped, pages):
    header = shipped.document.running_header
    for number, page in enumerate(pages[1:], start=2):  # the cover prints the header in its band
        assert header in page, number
    for number, page in enumerate(pages[3:], start=4):  # front matter is unnumbered
        assert page.rstrip().splitlines()[-1].strip() == str(number), number


# -- the PDF: contents lists name the real pages -------------------------------------------------

def _listed(pages) -> dict[str, int]:
    """Entries of the contents page: 'Title ..... 12' -> {squashed title: 12}."""
    toc = next(p for p in pages if "\nContents\n" in "\n" + p)
    entries = {}
    for line in toc.splitlines():
        match = re.match(r"^(.*?)\s*\.{3,}\s*(\d+)$", line.strip())
        if match:
            entries[squash(match.group(1).rstrip(". "))] = int(match.group(2))
    return entries


def _page_of_line(pages, text: str, after: int) -> int | None:
    """The first page (1-based) after the contents on which `text` is a line (or starts one)."""
    wanted = squash(text)
    for index, page in enumerate(pages):
        if index + 1 <= after:
            continue
        lines = [squash(line) for line in page.splitlines()]
        joined = ["".join(lines[i:i + 2]) for i in range(len(lines))]  # a heading may wrap once
        if any(line == wanted or line.startswith(wanted) for line in lines + joined):
            return index + 1
    return None


def test_contents_figures_and_tables_name_the_real_pages(shipped, pages):
    entries = _listed(pages)
    toc_page = next(i + 1 for i, p in enumerate(pages) if "\nContents\n" in "\n" + p)
    expected = [s.title for s in shipped.sections if s.toc]
    figures = {f.id: f for f in shipped.figures}
    expected += [f"Figure {n}: {figures[fid].caption}" for fid, n in shipped.figure_numbers.items()]
    expected += [f"Table {n}:" for n in shipped.table_numbers.values()]
    checked = 0
    for title in expected:
        key = squash(title)
        match = [k for k in entries if k == key or (title.startswith("Table") and k.startswith(key))]
        assert match, f"{title!r} not in the contents"
        listed = entries[match[0]]
        heading = match[0] if title.startswith("Table") else key
        real = _page_of_line(pages, heading, after=toc_page)
        assert real == listed, f"{title!r}: contents say page {listed}, it is on page {real}"
        checked += 1
    assert checked == len(expected) >= 17 + 7 + 5


def test_a_table_crossing_pages_repeats_its_header_row(shipped, pages):
    """Table 5 runs over several pages: each of them starts with the functions' header row."""
    toc_page = next(i + 1 for i, p in enumerate(pages) if "\nContents\n" in "\n" + p)
    number = shipped.table_numbers["recommendations"]
    first = _page_of_line(pages, f"Table {number}:", after=toc_page)
    annex = next(s for s in shipped.sections if "{references}" in s.body)
    last = _page_of_line(pages, annex.title, after=first) - 1
    assert last > first, "Table 5 is expected to run over more than one page"
    header = " ".join(f.label for f in shipped.taxonomy.functions)
    for number in range(first, last + 1):
        lines = [line.strip() for line in pages[number - 1].splitlines() if line.strip()]
        assert header in " ".join(lines[:16]), f"page {number} lacks the header row"  # rotated labels may come first


def test_outline_mirrors_the_headings(shipped, reader):
    def flatten(items, depth=0):
        for item in items:
            if isinstance(item, list):
                yield from flatten(item, depth + 1)
            else:
                yield depth, item.title

    outline = list(flatten(reader.outline))
    titles = [t for _, t in outline]
    headed = [s for s in shipped.sections if s.title]  # a text printed without a heading has no bookmark
    for section in headed:
        assert section.title in titles, section.title
    depth = dict((t, d) for d, t in outline)
    chapters = [s for s in headed if s.level == 1]
    assert all(depth[s.title] == 0 for s in chapters)
    assert all(depth[s.title] == 1 for s in headed if s.level == 2)
    # in reading order
    positions = [titles.index(s.title) for s in headed]
    assert positions == sorted(positions)


# -- the PDF: metadata, accessibility, fonts, reproducibility -------------------------------------

def test_metadata(shipped, reader):
    doc = shipped.document
    meta = reader.metadata
    assert doc.title in meta.title
    for author in doc.authors:
        assert author.name in meta.author
    assert meta.subject == doc.subject
    assert "clusters" in meta["/Keywords"]
    assert str(reader.trailer["/Root"]["/Lang"]) == doc.language


def test_pdf_is_tagged(shipped, reader):
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    tags, alts = set(), []

    def walk(node, depth=0):
        node = node.get_object()
        if depth > 40:
            return
        if "/S" in node:
            tags.add(str(node["/S"]))
            if node["/S"] == "/Figure":
                alts.append(str(node.get("/Alt", "")).strip())
        kids = node.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, list) else [kids]:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, dict):
                walk(kid, depth + 1)

    walk(root["/StructTreeRoot"])
    assert {"/H2", "/H3", "/Table", "/TH", "/TD", "/Caption", "/Figure"} <= tags, tags
    assert sorted(alts) == sorted(f.alt.strip() for f in shipped.figures)  # each drawing has its alt text


def test_every_font_is_embedded_open_sans(pdf_path):
    report = subprocess.run(["pdffonts", str(pdf_path)], check=True, capture_output=True, text=True).stdout
    rows = report.splitlines()[2:]
    assert rows
    for row in rows:
        name, emb = row.split()[0], row.split()[-5]
        assert "Open-Sans" in name, row
        assert emb == "yes", row


def test_same_sources_give_the_same_bytes(shipped, pdf_path):
    from pipeline.render import paper

    again = paper.build_target(shipped, next(t for t in paper.targets(shipped, {}) if t.name == "pdf"))
    assert again[paper.PDF_OUT] == pdf_path.read_bytes()


# -- the HTML -----------------------------------------------------------------------------------

def test_html_is_a_titled_document_in_its_language(shipped, soup):
    assert soup.html["lang"] == shipped.document.language
    assert shipped.document.title in soup.title.get_text()
    assert soup.find("meta", attrs={"name": "viewport"})
    # the title as printed: "Input paper: Leveraging clusters ..."
    assert [h.get_text() for h in soup.find_all("h1")] == [f"{shipped.document.series}: {shipped.document.title}"]


def test_html_tables_have_captions_and_scoped_headers(shipped, soup):
    tables = soup.find_all("table")
    assert len(tables) == 5
    for table in tables:
        caption = table.find("caption")
        assert caption and caption.get("id", "").startswith("table-"), table.get("id")
        headers = table.find_all("th")
        assert headers
        for th in headers:
            assert th.get("scope") in ("col", "row", "colgroup"), th
        assert len(table.select("thead th[scope=col]")) == len(shipped.taxonomy.functions)
    matrix = soup.find(id="table-green").find_parent("table")
    assert [th.get_text(strip=True) for th in matrix.select("tbody th[scope=row]")] == \
        [c.label for c in shipped.taxonomy.challenges]


def test_html_figures_have_alt_text(shipped, soup):
    figures = soup.find_all("figure")
    assert len(figures) == len(shipped.figures) == 7
    by_id = {f.id: f for f in shipped.figures}
    for figure in figures:
        svg = figure.find("svg")
        assert svg["role"] == "img"
        title = svg.find("title")
        assert title.get_text().strip() == by_id[figure["id"].removeprefix("figure-")].alt.strip()
        assert svg["aria-labelledby"] == title["id"]
        assert figure.find("figcaption").get_text().startswith("Figure ")


def test_html_example_links_are_the_printed_links(shipped, soup):
    """Cell by cell, Tables 2-5 show each example's printed name linked to its printed link."""
    def shown(td):
        return [(a.get_text(), a["href"]) for a in td.select(".example a")]

    def expected(examples):
        return [(e.name, e.link) for e in examples if e.link]

    checked = 0
    functions = shipped.taxonomy.functions
    for priority in shipped.taxonomy.priorities:
        table = soup.find(id=f"table-{priority.id}").find_parent("table")
        for row, challenge in zip(table.select("tbody tr"), shipped.taxonomy.challenges):
            for td, function in zip(row.find_all("td"), functions):
                want = expected(shipped.cell(priority.id, challenge.id, function.id).examples)
                assert shown(td) == want, (priority.id, challenge.id, function.id)
                checked += len(want)
    table5 = soup.find(id="table-recommendations").find_parent("table")
    for rec in shipped.recommendations:
        row = table5.find(id=f"recommendation-{rec.id}")
        for td, function in zip(row.find_all("td"), functions):
            want = expected(shipped.table5_cell(rec.id, function.id).examples)
            assert shown(td) == want, (rec.id, function.id)
            checked += len(want)
    assert checked >= 50


def test_html_internal_links_resolve(soup):
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids)), "duplicate ids"
    internal = [a["href"] for a in soup.find_all("a", href=True) if a["href"].startswith("#")]
    assert any(h.startswith("#ref-") for h in internal)
    assert any(h.startswith("#fn-") for h in internal)
    for href in internal:
        assert href[1:] in ids, href


def test_html_assets_are_relative_and_shipped(built, soup):
    css_href = soup.find("link", rel="stylesheet")["href"]
    assert not re.match(r"^[a-z]+:|^/", css_href)
    css = (built / "paper" / css_href).read_text(encoding="utf-8")
    urls = re.findall(r"url\('([^']+)'\)", css)
    assert urls
    for url in urls:
        assert not re.match(r"^[a-z]+:|^/", url), url
        assert (built / "paper" / url).is_file(), url


def test_html_reads_on_a_phone(built, shipped):
    """In Chromium at 375 px: no sideways scrolling; Tables 2-5 as stacked cards per challenge (or
    recommendation) with each cell labelled by its function; no figure text under 12 px."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 375, "height": 800})
            page.goto((built / "paper" / "index.html").as_uri())
            page.wait_for_load_state("load")
            page_width = page.evaluate("document.documentElement.scrollWidth")
            wraps = page.evaluate("Array.from(document.querySelectorAll('.table-wrap'))"
                                  ".map(w => [w.scrollWidth > w.clientWidth, getComputedStyle(w).overflowX])")
            matrices = page.evaluate("""Array.from(document.querySelectorAll('table.matrix')).map(t => ({
                scrolls: t.parentElement.scrollWidth > t.parentElement.clientWidth,
                rows: Array.from(t.querySelectorAll('tbody tr:not(.area-row)')).map(r => getComputedStyle(r).display),
                labels: Array.from(t.querySelectorAll('tbody td')).map(td => getComputedStyle(td, '::before').content),
                cellWidth: Math.min(...Array.from(t.querySelectorAll('tbody td')).map(td => td.getBoundingClientRect().width))}))""")
            figure_px = page.evaluate("""Array.from(document.querySelectorAll('svg.figure-drawing text'))
                .map(t => parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement.getScreenCTM().a)""")
            font = page.evaluate("document.fonts.check('12px \"Open Sans\"')")
        finally:
            browser.close()
    assert page_width <= 375
    assert all(overflow == "auto" for _, overflow in wraps)
    assert len(matrices) == 4  # Tables 2-5
    functions = {f'"{f.label}"' for f in shipped.taxonomy.functions}
    for table in matrices:
        assert not table["scrolls"] and set(table["rows"]) == {"block"}
        assert set(table["labels"]) == functions
        assert table["cellWidth"] > 300  # a cell takes the card's width, not a third of it
    assert figure_px and min(figure_px) >= 12 - 0.01
    assert font


# -- bad and hostile input ----------------------------------------------------------------------

def test_markup_in_the_sources_prints_literally(sources):
    """An example named with HTML tags is text in the HTML and in the PDF, never markup."""
    from bs4 import BeautifulSoup

    from pipeline.load import load
    from pipeline.render import paper

    edit(sources / "examples.csv", ",Circular Flanders,Belgium", ",Circular <b>R&D</b> Flanders,Belgium")
    edit(sources / "text" / "01-introduction.md", "The COVID-19 pandemic has caused",
         "The <i>COVID-19</i> & pandemic has caused")
    tk = load(sources)
    html = paper.paper_html(tk, pdf=False)
    soup = BeautifulSoup(html, "html.parser")
    assert "Circular <b>R&D</b> Flanders" in soup.get_text()
    assert not soup.select("td b") and not soup.select("main i")
    assert "The <i>COVID-19</i> & pandemic" in soup.get_text()
    pdf = paper.render_paper_pdf(tk)
    path = sources.parent / "escaped.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    assert squash("Circular <b>R&D</b> Flanders") in squash(text)
    assert squash("The <i>COVID-19</i> & pandemic") in squash(text)


def test_unknown_placeholder_names_file_and_line(sources):
    from pipeline.errors import SourceError
    from pipeline.load import load
    from pipeline.render import paper

    edit(sources / "text" / "05-green-catalysts.md", "{figure:clusters-green}", "{figure:no-such-figure}")
    try:
        tk = load(sources)
    except SourceError as exc:  # the loader may already refuse it: that is as good
        assert "no-such-figure" in str(exc)
        return
    with pytest.raises(SourceError) as caught:
        paper.paper_html(tk, pdf=False)
    assert "05-green-catalysts.md:" in str(caught.value) and "no-such-figure" in str(caught.value)


def test_a_source_cannot_make_weasyprint_read_other_files(sources):
    from pipeline.load import load
    from pipeline.render import paper
    from pipeline.render.common import AssetError

    edit(sources / "text" / "02-questions-for-feedback.md", "During the event,",
         "![secret](/etc/passwd) During the event,")
    tk = load(sources)
    with pytest.raises(AssetError, match="/etc/passwd"):
        paper.render_paper_pdf(tk)


def test_targets_declare_what_they_write(shipped):
    from pipeline.render import paper

    targets = paper.targets(shipped, {})
    outputs = [o for t in targets for o in t.outputs]
    assert "paper/toolkit.pdf" in outputs and "paper/index.html" in outputs and "paper/paper.css" in outputs
    assert len(outputs) == len(set(outputs))
    assert all(t.templates == paper.TEMPLATE_DEPS for t in targets)


def test_rotated_labels_fit_their_boxes():
    from pipeline.render.text_metrics import text_width, wrap
    from pipeline.render.rotated_labels import LABEL_PAD_PT, LABEL_PT, LABEL_WEIGHT, rotated_labels

    texts = ["Skills", "Internationalisation",
             "Use clusters to anticipate shocks and help SMEs respond through market intelligence and innovation support"]
    labels = rotated_labels(texts, max_lines=4, max_height=140)
    widths = {label.width for label in labels.values()}
    assert len(widths) == 1  # one column width for the table
    for label in labels.values():
        lines = wrap(label.text, label.height - LABEL_PAD_PT, LABEL_PT, LABEL_WEIGHT)
        assert len(lines) == label.lines
        assert all(text_width(line, LABEL_PT, LABEL_WEIGHT) <= label.height - LABEL_PAD_PT for line in lines)
        assert label.lines * LABEL_PT * 1.2 <= label.width
        assert label.height <= 140


def test_paper_passes_pdfua_with_scoped_table_headers(pdf_path):
    """pdfua finds no error or warning; every table header cell says what it heads (pdftags.py)."""
    import pikepdf

    from tests.pdfua_check import pdfua_problems

    assert not pdfua_problems(pdf_path)
    scopes = {}
    with pikepdf.open(pdf_path) as pdf:
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if node.get("/S") == "/TH":
                attrs = node.get("/A")
                attrs = list(attrs) if isinstance(attrs, pikepdf.Array) else [attrs]
                scope = next(str(a["/Scope"]) for a in attrs if isinstance(a, pikepdf.Dictionary) and "/Scope" in a)
                scopes[scope] = scopes.get(scope, 0) + 1
            kids = node.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
            stack.extend(k for k in kids if isinstance(k, pikepdf.Dictionary))
    assert scopes.get("/Column") and scopes.get("/Row")  # column headers and the challenge row labels
