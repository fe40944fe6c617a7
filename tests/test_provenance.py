"""Provenance: statuses as data, the loader's refusals, marks in the proof, and the final edition.

The proof and the final paper are each built once for the module (slow: real PDFs).
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import provenance
from tests.conftest import PROJECT, edit, verify_sources

# The 2021 text's own words (/work/shared/seed): cover lines, and the contents page's two levels.
COVER = ("Input paper: Leveraging clusters for a green, digital and resilient EU economy – Policy Toolkit",
         "“Clusters Driving the Green and Digital transitions”",
         "Event co-organised by the European Cluster Collaboration Platform and Ile-de-France Regional Council",
         "Saint-Ouen, France – 22-23 November 2021", "An initiative of the European Union",
         "© European Union, 2021.")
CHAPTERS_2021 = ["Introduction", "Questions for feedback", "Clusters and green transition",
                 "Clusters and digital transition", "Clusters and resilience", "The four phases of the toolkit",
                 "Annex 1 - References"]
UNDER_FOUR_PHASES_2021 = ["Cluster policy toolkit for the green transition",
                          "Cluster policy toolkit for the digital transition",
                          "Cluster policy toolkit to support resilience",
                          "Operationalising the Recommendations of the Cluster Expert Group"]


def invoke(*args):
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=PROJECT, capture_output=True, text=True)


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def squash(text: str) -> str:
    return re.sub(r"[\s\u00ad-]+", "", text)


# -- the model and the loader -------------------------------------------------------------------

def test_shipped_sources_mark_what_2021_does_not_print(shipped):
    found = provenance.unverified(shipped)
    kinds = provenance.counts_by_kind(found)
    assert kinds["recommendation title"] == 11
    titles = {i.origin.row for i in found if i.kind == "recommendation title"}
    assert titles == {n + 1 for n in (4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15)}  # row = number + header
    assert kinds["area band"] == 1 and kinds["Annex 1 entry"] == 7 and kinds["Annex 1 link"] == 4
    assert kinds["Annex 1 title"] == 2 and kinds["figure text"] == 7 and kinds["figure descriptions"] == 1
    assert all(i.provenance.reason for i in found)


@pytest.mark.parametrize("file, old, new, where, column", [
    ("recommendations.csv", "reconstructed,\"Row label only partly legible in the 2021 text ('Develop "
     "capacity-building p.g.mmes … able adv.o.services'); the middle words are the editors' restoration, the "
     "least certain part.\"", "reconstructed,", "sources/recommendations.csv:5:", "status_reason"),
    ("recommendations.csv", "r1,green,\"Use clusters as drivers of change, accelerators and enablers of the "
     "green transition\",,", "r1,green,\"Use clusters as drivers of change, accelerators and enablers of the "
     "green transition\",verified,", "sources/recommendations.csv:2:", "verified_source"),
    ("references.yaml", "  url_status_reason: \"EUR-Lex link added by the editors; the 2021 text prints no "
     "link for this entry.\"\n", "", "sources/references.yaml:", "url_status_reason"),
])
def test_loader_refuses_an_unfounded_status_in_one_line_exit_2(sources, tmp_path, file, old, new, where, column):
    edit(sources / file, old, new)
    result = invoke("check", "--sources", str(sources), "--out", str(tmp_path))
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert where.replace("sources/", "") in lines[0] and column in lines[0]


def test_an_unknown_status_names_the_allowed_ones(sources, tmp_path):
    edit(sources / "taxonomy.yaml", "status: reconstructed", "status: guessed")
    result = invoke("check", "--sources", str(sources), "--out", str(tmp_path))
    assert result.returncode == 2
    assert "taxonomy.yaml:" in result.stderr and "printed, reconstructed, verified, editorial" in result.stderr


def test_check_lists_unverified_items_as_warnings_with_counts_by_kind(tmp_path):
    result = invoke("check", "--out", str(tmp_path))
    assert result.returncode == 0
    assert "provenance.unverified (warning, 33)" in result.stdout
    assert "sources/recommendations.csv:5" in result.stdout
    assert "provenance: 33 unverified items by kind: 11 recommendation title, 7 Annex 1 entry" in result.stdout
    final = invoke("check", "--final", "--out", str(tmp_path))
    assert final.returncode == 1 and "provenance.unverified (error, 33)" in final.stdout


def test_final_refuses_every_unverified_item_with_its_place_exit_1(shipped, tmp_path):
    result = invoke("paper", "--final", "--out", str(tmp_path))
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("error: provenance.unverified:")]
    found = provenance.unverified(shipped)
    assert len(lines) == len(found) == 33
    for item, line in zip(found, lines):
        assert str(item.origin) in line
    assert "sources/recommendations.csv:16" in result.stderr  # r15
    assert not (tmp_path / "paper" / "toolkit.pdf").exists()  # nothing half-built


def test_the_marking_helper_marks_only_unverified_items_and_nothing_when_final(shipped):
    marks = provenance.Marks.of(shipped)
    r4 = next(r for r in shipped.recommendations if r.id == "r4")
    r1 = shipped.recommendations[0]
    assert marks.label(r4).startswith("†") and marks.label(r1) == ""
    html = str(marks.wrap(r4, r4.title))
    assert 'class="prov prov-reconstructed"' in html and 'aria-label="Reconstructed text, editorial note' in html
    assert str(marks.wrap(r1, "R&D")) == "R&amp;D"
    assert marks.text(r4, "T") == f"T {marks.label(r4)}"
    final = provenance.Marks.of(shipped, final=True)
    assert final.label(r4) == "" and str(final.wrap(r4, "x")) == "x" and final.marked == []


# -- the paper: cover, headings, grouped examples (HTML, fast) ---------------------------------

@pytest.fixture(scope="module")
def soup(shipped):
    from bs4 import BeautifulSoup

    from pipeline.render.paper import paper_html

    return BeautifulSoup(paper_html(shipped, pdf=False), "html.parser")


def test_cover_lines_are_as_printed_in_2021(soup):
    cover = soup.find("header", class_="cover")
    lines = [" ".join(p.get_text(" ", strip=True).split()) for p in cover.find_all(["p", "h1"])]
    assert soup.find("h1").get_text(" ", strip=True) == COVER[0]
    for line in COVER[1:5]:
        assert line in lines, line
    assert soup.find("p", class_="copyright").get_text(strip=True) == COVER[5]


def test_headings_and_contents_follow_the_2021_contents_page(soup):
    toc = soup.find("nav", class_="toc")
    level1 = [li.get_text(strip=True) for li in toc.select("li.toc-level-1") if "toc-editorial" not in li["class"]]
    assert level1 == CHAPTERS_2021
    assert "A policy toolkit for green, digital and resilient economies" not in soup.get_text()
    assert soup.find(id="the-four-phases").name == "h2"  # a chapter, as the contents page has it
    for title in UNDER_FOUR_PHASES_2021:
        assert soup.find(["h2", "h3"], string=title).name == "h3", title


def test_grouped_examples_print_on_one_example_line_as_2021(soup):
    cell = soup.find("table", id="table-green-table").find("tbody").find("tr").find_all("td")[0]
    lines = [" ".join(p.get_text(" ", strip=True).split()).replace(" ,", ",") for p in cell.select("p.example")]
    assert lines == ["Example: Brussels Regional Programme for the Circular Economy (Belgium), Circular Flanders, "
                     "Circular Wallonia (Belgium)"]


# -- the proof PDF and the final PDF (slow) ----------------------------------------------------

@pytest.fixture(scope="module")
def proof(shipped, tmp_path_factory):
    from pipeline.render.paper import render_paper_pdf

    path = tmp_path_factory.mktemp("proof") / "toolkit.pdf"
    path.write_bytes(render_paper_pdf(shipped))
    return path


@pytest.mark.slow
def test_proof_marks_every_reconstructed_item_and_lists_it_in_editorial_notes(shipped, proof):
    from pypdf import PdfReader

    text = pdf_text(proof)
    pages = text.split("\f")
    notes_at = next(i for i, p in enumerate(pages) if "Editorial notes\n" in p and "These notes are" in p)
    body, notes = squash("".join(pages[:notes_at])), squash("".join(pages[notes_at:]))
    marked = provenance.Marks.of(shipped).marked
    assert len(marked) == 33
    for n, item in enumerate(marked, start=1):
        assert f"†{n}" in body, (n, item.kind, item.place)  # the mark where it is printed
        assert f"†{n}" in notes and squash(item.what[:40]) in notes, (n, item.what)  # and its note
    for title in ("Use clusters to anticipate shocks", "Build resilience"):
        assert squash(title).casefold() in body.casefold()  # the band is set in capitals
    meta = PdfReader(str(proof)).metadata
    assert "Proof" in meta.title
    assert all("Proof of" in p for p in pages[1:-1] if p.strip())  # the running footer


@pytest.mark.slow
def test_a_fully_verified_toolkit_builds_final_without_marks_or_proof(sources, tmp_path):
    from pypdf import PdfReader

    verify_sources(sources)
    result = invoke("paper", "--final", "--sources", str(sources), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "paper" / "toolkit.pdf"
    text = pdf_text(pdf)
    assert "†" not in text and "Proof" not in text
    assert "Proof" not in (PdfReader(str(pdf)).metadata.title or "")
    assert "Verified." in text and "A. Editor" in text  # the Editorial notes say who verified what
    html = (tmp_path / "paper" / "index.html").read_text(encoding="utf-8")
    assert "prov-mark" not in html and "(Proof)" not in html


# -- pagination (slow: reads the proof's layout) -----------------------------------------------

def page_fill(pdf: Path) -> list[float]:
    """How far down each page's body its last ink reaches (0 = top of the body, 1 = its foot).

    The page is rasterised (as a reader sees it, table rules and figures included); the running header
    and footer margins (24 mm and 22 mm of A4, as paper.css sets them) are left out.
    """
    import tempfile

    from PIL import Image

    folder = Path(tempfile.mkdtemp())
    subprocess.run(["pdftoppm", "-r", "30", "-gray", "-png", str(pdf), str(folder / "p")], check=True)
    out = []
    for png in sorted(folder.glob("p-*.png"), key=lambda p: int(p.stem.split("-")[1])):
        image = Image.open(png).convert("L")
        width, height = image.size
        top, bottom = int(height * 24 / 297), int(height * (297 - 22) / 297)
        pixels = image.load()
        last = next((y for y in range(bottom - 1, top, -1)
                     if any(pixels[x, y] < 200 for x in range(int(width * 20 / 210), int(width * 190 / 210)))), top)
        out.append((last - top) / (bottom - top))
    return out


@pytest.mark.slow
def test_no_page_ends_above_20_percent_unless_it_closes_a_chapter(shipped, proof):
    from pypdf import PdfReader

    reader = PdfReader(str(proof))
    chapter_starts = sorted({reader.get_destination_page_number(item) + 1 for item in reader.outline
                             if not isinstance(item, list)})
    closing = {start - 1 for start in chapter_starts} | {len(reader.pages)}
    fills = page_fill(proof)
    assert len(fills) == len(reader.pages)
    short = [(page, f"{fill:.0%}") for page, fill in enumerate(fills, start=1)
             if page >= chapter_starts[0] and page not in closing and fill < 0.20]
    assert short == []


@pytest.mark.slow
def test_table5_continued_on_a_new_page_repeats_header_and_area_band(shipped, proof):
    pages = pdf_text(proof).split("\f")
    number = shipped.table_numbers["recommendations"]
    first = next(i for i, p in enumerate(pages) if f"Table {number}: Operationalising" in p and "Contents" not in p)
    last = next(i for i, p in enumerate(pages) if i > first and "Annex 1 - References" in p) - 1
    assert last > first
    labels = {a.label.casefold() for a in shipped.taxonomy.areas}
    for page in pages[first + 1:last + 1]:
        lines = [line.strip().casefold() for line in page.splitlines() if line.strip()]
        assert "intelligence" in lines[:20]  # the header row
        band = next(line for line in lines if line.endswith("(continued)"))
        assert band.removesuffix(" (continued)") in labels
    assert "build resilience (continued)" in pdf_text(proof).casefold()
