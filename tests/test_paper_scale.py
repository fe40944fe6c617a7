"""The paper's PDF laid out for scale (pipeline/render/paper.py at_scale): a made-up toolkit of 250 examples,
whose fullest cells run over pages, read back as a reader and a PDF tool would read it.

The 2021 paper is never laid out so (test_paper.py guards it as printed); past SCALE_EXAMPLES examples in a
cell, every page of a priority table names its challenge and table, every page of Table 5 its area, and the
PDF takes one layout (no second pass for Table 5's bands).
"""
from __future__ import annotations

import re
import subprocess

import pytest

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
EXAMPLES = 250


def squash(text: str) -> str:
    return re.sub(r"[\s\u00ad-]+", "", text)


@pytest.fixture(scope="module")
def scaled(tmp_path_factory):
    """(toolkit, PDF path, layouts it took, its pages' text) of the paper of 250 made-up examples."""
    from weasyprint import HTML

    from pipeline.edition_pair import since_previous
    from pipeline.load import load
    from pipeline.render import paper
    from pipeline.synth import synthesise

    root = tmp_path_factory.mktemp("paper-scale")
    synthesise(EXAMPLES, root / "sources")
    toolkit = load(root / "sources")
    # the build lays this paper out in parts (test_paper_parts.py: the joined parts are this one layout)
    target = {"annex": since_previous(toolkit)}
    layouts = []
    render = HTML.render
    HTML.render = lambda self, *a, **k: layouts.append(1) or render(self, *a, **k)
    try:
        pdf = paper.render_paper_pdf(toolkit, annex=target["annex"])
    finally:
        HTML.render = render
    path = root / "toolkit.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return {"toolkit": toolkit, "path": path, "pdf": pdf, "layouts": len(layouts), "pages": text.split("\f")[:-1],
            "target": target}


def test_the_2021_paper_is_never_laid_out_for_scale(shipped):
    from pipeline.render.paper import at_scale

    assert not at_scale(shipped)


@pytest.mark.slow
def test_a_paper_at_scale_takes_one_layout(scaled):
    from pipeline.render.paper import at_scale

    assert at_scale(scaled["toolkit"])
    assert scaled["layouts"] == 1  # the repeated table headers carry Table 5's bands: no second pass


def cited_once(toolkit) -> dict[str, tuple[str, str]]:
    """Squashed names of examples cited in exactly one cell of Tables 2-4 and not in Table 5 -> (priority,
    challenge) of that cell: a page that shows one shows that row."""
    tx = toolkit.taxonomy
    rows: dict[str, set] = {}
    for p in tx.priorities:
        for c in tx.challenges:
            for f in tx.functions:
                for e in toolkit.cell(p.id, c.id, f.id).examples:
                    rows.setdefault(squash(e.name), set()).add((p.id, c.id))
    in_table5 = {squash(e.name) for r in toolkit.recommendations for f in tx.functions
                 for e in toolkit.table5_cell(r.id, f.id).examples}
    return {name: next(iter(where)) for name, where in rows.items() if len(where) == 1 and name not in in_table5}


@pytest.mark.slow
def test_every_page_of_a_priority_table_names_its_challenge_and_table(scaled):
    toolkit = scaled["toolkit"]
    tx = toolkit.taxonomy
    names = cited_once(toolkit)
    seen: dict[tuple[str, str], set[int]] = {}
    for number, page in enumerate(scaled["pages"][:table5_first_page(scaled) + 1], start=1):  # not the annex's list
        text, lines = squash(page), {line.strip() for line in page.splitlines()}
        for name, (priority, challenge) in names.items():
            if name in text:  # the band: the challenge, and on the right the table and its priority
                p, c = tx.term("priorities", priority), tx.term("challenges", challenge)
                band = {c.label, f"Table {toolkit.table_numbers[priority]}: {p.label}"}
                assert band <= lines, f"page {number} shows {name} of {priority}/{challenge} without its band"
                seen.setdefault((priority, challenge), set()).add(number)
    assert len(seen) == len(tx.priorities) * len(tx.challenges)
    # each challenge's table starts a page (the paper is laid out in parts, one a challenge): no page shows two
    for a, b in ((a, b) for a in seen for b in seen if a < b):
        assert not seen[a] & seen[b], f"{a} and {b} share a page"


def table5_first_page(scaled) -> int:
    """The index of the page on which Table 5 begins (its caption, not its line in the contents)."""
    caption = squash(f"Table {scaled['toolkit'].table_numbers['recommendations']}: Operationalising")
    return next(i for i, page in enumerate(scaled["pages"]) if caption in squash(page) and "...." not in page)


@pytest.mark.slow
def test_every_page_of_table5_names_its_area(scaled):
    toolkit = scaled["toolkit"]
    areas = [squash(a.label).upper() for a in toolkit.taxonomy.areas]
    header = toolkit.taxonomy.functions[-1].label  # the table's header row, repeated on each of its pages
    first = table5_first_page(scaled)
    table5 = []
    for page in scaled["pages"][first:]:
        if header not in page.splitlines():
            break
        table5.append(page)
    assert len(table5) > 1  # Table 5 runs over pages
    for i, page in enumerate(table5, start=first + 1):
        assert any(a in squash(page) for a in areas), f"page {i} of Table 5 names no area"


@pytest.mark.slow
def test_every_example_at_scale_is_printed_and_links_to_its_url(scaled):
    from pypdf import PdfReader

    toolkit = scaled["toolkit"]
    tx = toolkit.taxonomy
    text = squash("".join(scaled["pages"]))
    uris = set()
    for page in PdfReader(str(scaled["path"])).pages:
        for annot in page.get("/Annots") or ():
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.add(str(action["/URI"]))
    cells = [toolkit.cell(p.id, c.id, f.id) for p in tx.priorities for c in tx.challenges for f in tx.functions]
    cells += [toolkit.table5_cell(r.id, f.id) for r in toolkit.recommendations for f in tx.functions]
    examples = [e for cell in cells for e in cell.examples]
    assert len(examples) > EXAMPLES
    for e in examples:
        assert squash(e.name) in text, e.name
        if e.link:
            assert e.link in uris, e.link


@pytest.mark.slow
def test_contents_name_the_pages_of_the_tables_at_scale(scaled):
    pages = scaled["pages"]
    toc = next(page for page in pages if "Contents" in page)
    listed = dict(re.findall(r"(Table \d+):[^\n]*?\.{3,}\s*(\d+)", toc))
    assert len(listed) == 5, toc
    for table, page in listed.items():
        printed = pages[int(page) - 1]
        assert re.search(rf"^{table}:", printed, re.M), f"{table} is not on page {page}"


@pytest.mark.slow
def test_a_paper_at_scale_passes_pdfua_and_is_the_same_bytes_again(scaled):
    from pipeline.render import paper
    from tests.pdfua_check import pdfua_problems

    assert not pdfua_problems(scaled["path"])
    assert paper.render_paper_pdf(scaled["toolkit"], annex=scaled["target"]["annex"]) == scaled["pdf"]
