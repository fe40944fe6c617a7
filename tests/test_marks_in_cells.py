"""Marks of unverified actions and examples in the matrices: the web tool's cells (home page and cell
pages) and the handouts' priority matrices mark a reconstructed action or a contributed example exactly as
the paper does, through pipeline/provenance.py (issue 12: "visible in the outputs until an editor confirms")."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from pipeline import provenance
from pipeline.build import run_targets
from pipeline.load import load
from pipeline.render import site

ACTION = "green-skills-networking-1"  # Table 2, Skills × Networking
EXAMPLE = "innovation-clusters-saxony"  # Table 2, Value chains × Intelligence and × Business services


def set_columns(path: Path, key: str, values: dict[str, str]) -> None:
    """Give the row whose id (first column) is `key` these values, adding the columns the table lacks."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    columns = list(rows[0]) + [c for c in values if c not in rows[0]]
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({**{c: "" for c in columns}, **row, **(values if row[columns[0]] == key else {})})


@pytest.fixture(scope="module")
def marked(tmp_path_factory):
    """The shipped sources with one reconstructed action and one contributed example."""
    import shutil

    from tests.conftest import SHIPPED

    sources = tmp_path_factory.mktemp("marked") / "sources"
    shutil.copytree(SHIPPED, sources)
    (sources / "locks").exists() and shutil.rmtree(sources / "locks")  # an edit of a 2021 row, on purpose
    set_columns(sources / "actions.csv", ACTION, {"status": "reconstructed",
                                                   "status_reason": "the end of the line is lost in the 2021 text"})
    set_columns(sources / "examples.csv", EXAMPLE, {"status": "contributed", "contributed_by": "Ana Pop, Cluster Romania",
                                                    "contributed_via": "web", "contributed_on": "2026-11-20"})
    return load(sources)


def test_the_helper_marks_a_printed_example_by_its_record(marked):
    cell = marked.cell("green", "value-chains", "intelligence")
    (saxony,) = [e for e in cell.examples if e.example_id == EXAMPLE]
    html = str(provenance.example_name(marked, saxony))
    assert 'class="prov prov-contributed"' in html and "Innovation clusters Saxony" in html and "†" in html
    other = marked.cell("green", "skills", "networking").examples[0]
    assert "prov" not in str(provenance.example_name(marked, other))


@pytest.fixture(scope="module")
def pages(marked, tmp_path_factory) -> dict[str, BeautifulSoup]:
    wanted = {"site:index", "site:cell-green-skills-networking", "site:cell-green-value-chains-intelligence"}
    targets = [t for t in site.targets(marked, {}) if t.id in wanted or t.id == "site:assets"]
    assert {t.id for t in targets} >= wanted, [t.id for t in site.targets(marked, {})][:12]
    out = tmp_path_factory.mktemp("site-marks")
    summary = run_targets(marked, targets, out=out, jobs=1, progress=False)
    assert not summary.failed, summary.failed
    return {t.id.split(":", 1)[1]: BeautifulSoup((out / t.outputs[0]).read_text(encoding="utf-8"), "html.parser")
            for t in targets if t.id != "site:assets"}


def _mark_number(marked, record) -> str:
    return provenance.marks_of(marked).label(record)


def test_the_web_tools_cells_mark_the_reconstructed_action_and_the_contributed_example(marked, pages):
    action = next(a for a in marked.actions if a.id == ACTION)
    example = marked.example_by_id[EXAMPLE]
    home = pages["index"]
    li = home.find(id=f"action-{ACTION}")
    assert li.select_one(".prov.prov-reconstructed") and li.select_one("abbr.prov-mark").text == _mark_number(marked, action)
    assert "Reconstructed" in li.select_one("abbr.prov-mark")["title"]
    cell = home.find(id="cell-green-value-chains-intelligence")
    names = [e for e in cell.select("li.example") if "Innovation clusters Saxony" in e.text]
    assert names and names[0].select_one("abbr.prov-mark").text == _mark_number(marked, example)
    assert "prov-contributed" in str(names[0])
    assert home.select_one(".prov-legend")  # the page says what the mark means
    # an unmarked action stays plain
    plain = home.find(id="action-green-skills-intelligence-1")
    assert plain is not None and not plain.select(".prov-mark")
    for page, what in (("cell-green-skills-networking", f"action-{ACTION}"),):
        li = pages[page].find(id=what)
        assert li.select_one("abbr.prov-mark").text == _mark_number(marked, action)
        assert pages[page].select_one(".prov-legend")
    ex = [e for e in pages["cell-green-value-chains-intelligence"].select("li.example") if "Saxony" in e.text]
    assert ex[0].select_one("abbr.prov-mark").text == _mark_number(marked, example)


def test_the_shipped_home_page_prints_no_mark_in_its_cells_and_no_legend(shipped, tmp_path):
    targets = [t for t in site.targets(shipped, {}) if t.id == "site:index"]
    run_targets(shipped, targets, out=tmp_path, jobs=1, progress=False)
    home = BeautifulSoup((tmp_path / "site" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert not home.select("article.cell .prov-mark") and not home.select(".prov-legend")


def _pdf_text(pdf) -> str:
    import re
    import subprocess

    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    return re.sub(r"\s+", " ", text)


@pytest.mark.slow
def test_the_priority_matrix_handout_marks_them_too(marked, tmp_path):
    from pipeline.render import handouts

    target = next(t for t in handouts.targets(marked, {}) if t.name == "priority-green-a4")
    pdf = tmp_path / "priority-green.pdf"
    pdf.write_bytes(handouts.build_target(marked, target)[target.outputs[0]])
    text = _pdf_text(pdf)
    action_mark = _mark_number(marked, next(a for a in marked.actions if a.id == ACTION))
    example_mark = _mark_number(marked, marked.example_by_id[EXAMPLE])
    assert f"(including the EU Pact for Skills) {action_mark}" in text
    assert text.count(f"Innovation clusters Saxony {example_mark}") == 2  # both of its cells
    assert "Marked wording is not the wording of the 2021 paper" in text  # the legend
    from tests.pdfua_check import pdfua_problems

    assert pdfua_problems(pdf) == []


@pytest.mark.slow
def test_the_shipped_matrices_print_no_mark(shipped, tmp_path):
    from pipeline.render import handouts

    for target in handouts.targets(shipped, {}):
        if target.name.startswith("priority-"):
            pdf = tmp_path / f"{target.name}.pdf"
            pdf.write_bytes(handouts.build_target(shipped, target)[target.outputs[0]])
            text = _pdf_text(pdf)
            assert "†" not in text and "Marked wording" not in text, target.name
