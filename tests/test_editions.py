"""Editions and errata: one set of sources, two editions; the 2021 text stays as printed, the next one
is corrected by errata applied at load, and every output of the latest edition prints the corrections."""
from __future__ import annotations

import re
import subprocess
import sys
import zipfile

import pytest

from pipeline.errors import PipelineError, SourceError
from pipeline.load import load
from tests.conftest import PROJECT, SHIPPED, edit

SLIPS = ("Example: Example:", "strenghten", "adpopted", "highighted", "reenforce",
         "operationalise the operationalise the")


def invoke(*args, cwd=PROJECT):
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=cwd, capture_output=True, text=True)


def printed_texts(tk) -> str:
    """Every text of the model an output can print, joined (labels as printed, prose bodies)."""
    parts = [s.body for s in tk.sections] + [a.text for a in tk.actions] + [r.title for r in tk.recommendations]
    for cell in tk.cells():
        parts += [f"{e.label} {e.name}" for e in cell.examples]
    for rec in tk.recommendations:
        for f in tk.taxonomy.functions:
            cell = tk.table5_cell(rec.id, f.id)
            parts += list(cell.actions) + [f"{e.label} {e.name}" for e in cell.examples]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def first():
    return load(SHIPPED, edition="2021")


def test_the_shipped_editions(first, shipped):
    assert first.edition == "2021" and shipped.edition == "2021-corrected"  # the latest by default
    assert first.errata == [] and first.stale_errata == [] and shipped.stale_errata == []
    text = printed_texts(first)
    assert all(slip in text for slip in SLIPS)  # the 2021 edition prints its slips, as printed
    corrected = printed_texts(shipped)
    assert [slip for slip in SLIPS if slip in corrected] == []
    assert "to strengthen the role" in corrected and "and/or to reinforce public-private" in corrected
    assert len(shipped.errata) == 10 and all(a.erratum.status == "accepted" for a in shipped.errata)


def test_errata_never_edit_the_rows(sources):
    before = {p.name: p.read_bytes() for p in sources.rglob("*") if p.is_file()}
    load(sources)
    assert before == {p.name: p.read_bytes() for p in sources.rglob("*") if p.is_file()}


def test_since_and_withdrawn_pick_the_rows_of_an_edition(sources):
    text = (sources / "examples.csv").read_text(encoding="utf-8").splitlines()
    text[0] += ",since,withdrawn"
    text[1] += ",,2021-corrected"  # brussels-... dropped in the second edition
    text[2] += ",,"
    rows = "\n".join(text) + "\nnew-example,New Example,Austria,https://example.org/,,2021-corrected,\n"
    (sources / "examples.csv").write_text(rows, encoding="utf-8")
    old, new = load(sources, edition="2021"), load(sources)
    assert "brussels-regional-programme-for-the-circular-economy" in old.example_by_id
    assert "brussels-regional-programme-for-the-circular-economy" not in new.example_by_id
    assert "new-example" in new.example_by_id and "new-example" not in old.example_by_id


def test_an_unknown_edition_in_a_row_names_file_row_and_column(sources):
    text = (sources / "actions.csv").read_text(encoding="utf-8").splitlines()
    text = [text[0] + ",since"] + [line + "," for line in text[1:]]
    text[3] = text[3] + "2030"
    (sources / "actions.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        load(sources)
    assert "actions.csv:4" in str(err.value) and "'since'" in str(err.value) and "2030" in str(err.value)


def test_an_unknown_edition_is_a_one_line_usage_error(tmp_path):
    with pytest.raises(PipelineError, match="no edition '2030'.*2021, 2021-corrected"):
        load(SHIPPED, edition="2030")
    result = invoke("build", "--edition", "2030", "--out", str(tmp_path))
    assert result.returncode == 2 and "Traceback" not in result.stderr and "no edition '2030'" in result.stderr


def test_a_malformed_erratum_names_its_line(sources):
    edit(sources / "errata.yaml", "kind: punctuation", "kind: misprint")
    with pytest.raises(SourceError) as err:
        load(sources)
    assert re.search(r"errata\.yaml:\d+", str(err.value)) and "unknown kind 'misprint'" in str(err.value)


def test_an_erratum_may_not_change_the_first_edition(sources):
    edit(sources / "errata.yaml", "edition: 2021-corrected", "edition: \"2021\"")
    with pytest.raises(SourceError, match="the first edition '2021' is what the rows say"):
        load(sources)


def test_a_proposed_erratum_changes_nothing(sources, shipped):
    edit(sources / "errata.yaml", "kind: punctuation\n  reason: Table 5 ends the action with a full stop that "
         "Table 3 and Table 5 r7 do not print\n  edition: 2021-corrected\n  status: accepted",
         "kind: punctuation\n  reason: Table 5 ends the action with a full stop that Table 3 and Table 5 r7 do "
         "not print\n  edition: 2021-corrected\n  status: proposed")
    tk = load(sources)
    assert len(tk.errata) == len(shipped.errata) - 1
    assert any(r.text.endswith("skills gaps.") for r in tk.table5_actions)


def test_a_resolved_finding_disappears_and_an_unscoped_waiver_goes_stale(sources, tmp_path):
    edit(sources / "waivers.yaml", '  until: "2021"  # corrected by an erratum in 2021-corrected (errata.yaml)\n', "")
    latest = invoke("check", "--sources", str(sources), "--out", str(tmp_path))
    assert latest.returncode == 0 and "1 stale waiver" in latest.stdout and "waivers.stale" in latest.stdout
    first = invoke("check", "--sources", str(sources), "--out", str(tmp_path), "--edition", "2021")
    assert first.returncode == 0 and "0 stale waivers" in first.stdout


# -- the outputs of each edition (real PDFs, HTML and .docx) ------------------------------------------

@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """The latest edition built whole, and the paper of the 2021 edition, each into its own folder."""
    out = tmp_path_factory.mktemp("editions-out")
    latest = invoke("build", "--out", str(out / "latest"))
    assert latest.returncode == 0, latest.stdout + latest.stderr
    first = invoke("build", "--only", "paper", "--edition", "2021", "--out", str(out / "2021"))
    assert first.returncode == 0, first.stdout + first.stderr
    return out


def pdf_text(path) -> str:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return re.sub(r"\s+", " ", text.replace("\u00ad", ""))


@pytest.mark.slow
def test_the_2021_paper_still_prints_its_slips(outputs, first):
    text = pdf_text(outputs / "2021" / "paper" / "toolkit.pdf")
    for slip in ("Example: Example:", "strenghten", "adpopted", "highighted", "reenforce"):
        assert slip in text, slip
    assert "Changes since the previous edition" not in text  # the first edition has no annex
    squashed = re.sub(r"[\s-]+", "", text)
    # everything the 2021 lock (sources/locks/2021.json) says the edition prints is in the PDF, as printed
    import json

    locked = json.loads((SHIPPED / "locks" / "2021.json").read_text(encoding="utf-8"))["items"]
    printed = [f["text"] for k, f in locked.items() if k.startswith(("action:", "table5-action:"))]
    printed += [f"{f['label']} {f['name']}" for k, f in locked.items() if k.startswith("citation:") and "@table5" not in k]
    printed += [f["name"] for k, f in locked.items() if k.startswith("citation:")]
    # (recommendation titles are set sideways, and reconstructed ones carry editorial marks: test_paper reads them)
    printed += [f["title"] for k, f in locked.items() if k.startswith("section:") and f.get("title")]
    missing = [t for t in printed if re.sub(r"[\s-]+", "", t) not in squashed]
    assert missing == []


# The text of the 2021 paper as printed: pdftotext of the published PDF (tables garbled by the extraction,
# each page's links listed after it). The 2021 edition must print every line of it.
AS_PRINTED = PROJECT / "tests" / "fixtures" / "as-printed-2021.txt"
# Page furniture (running header, proof footer, page numbers) and the lines the extraction itself made:
FURNITURE = re.compile(r"^(Strengthening the European economy through collaboration|Proof of .*|PROOF|\d+)$")
NOT_PRINTED_AS_A_LINE = {
    # the extraction read the rotated row label of Table 1's first row into the header line above it
    "Innovation Policy actions that leverage clusters to support:",
}


def _line(text: str) -> str:
    """One line as comparable text: "1. Sources" (a list or footnote number, with or without its dot) as
    "1Sources", since pdftotext renders our list numbers and footnote marks with a dot and a space."""
    return re.sub(r"^(\d+)\.? ?(?=\D)", r"\1", text.strip())


def _squash(text: str) -> str:
    """No whitespace, soft hyphens or dashes (line breaks and hyphenation fall elsewhere), case folded
    (the cover sets its title in capitals by CSS)."""
    return re.sub(r"[\s\u00ad\-\u2010\u2011\u2013]+", "", text).casefold()


@pytest.mark.slow
def test_the_2021_paper_prints_every_line_of_the_paper_as_printed(outputs):
    """The 2021 edition's paper text equals the as-printed paper: every line of the 2021 PDF's text (prose,
    headings, captions, footnotes, figure and table cells, of any length) is in the 2021 edition's PDF,
    page furniture aside. (What the edition adds, the proof's marks and Editorial notes and the rebuilt
    Annex, is the provenance tests'; that nothing else changes is the 2021 lock's, test_freeze.)"""
    raw = subprocess.run(["pdftotext", "-enc", "UTF-8", str(outputs / "2021" / "paper" / "toolkit.pdf"), "-"],
                         check=True, capture_output=True, text=True).stdout
    ours = _squash("\n".join(_line(line) for line in raw.replace("\f", "\n").splitlines()
                              if not FURNITURE.match(line.strip())))
    printed = [_line(line) for line in AS_PRINTED.read_text(encoding="utf-8").splitlines()]
    printed = [line for line in printed if line and not FURNITURE.match(line) and "...." not in line  # contents
               and not line.startswith(("http://", "https://"))]  # the extraction's list of each page's links
    assert len(printed) > 1300
    missing = [line for line in printed if _squash(line) not in ours]
    assert sorted(missing) == sorted(NOT_PRINTED_AS_A_LINE)
    # the slips are part of the text as printed: the 2021 edition keeps them
    assert "strenghten the role of clusters" in AS_PRINTED.read_text(encoding="utf-8")


@pytest.mark.slow
def test_no_output_of_the_corrected_edition_prints_a_slip(outputs):
    latest = outputs / "latest"
    texts = {}
    for pdf in latest.rglob("*.pdf"):
        texts[str(pdf)] = pdf_text(pdf)
    for page in (latest / "site").rglob("*.html"):
        texts[str(page)] = re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))
    for page in (latest / "site").rglob("*.js*"):
        texts[str(page)] = page.read_text(encoding="utf-8")
    for docx in latest.rglob("*.docx"):
        with zipfile.ZipFile(docx) as z:
            texts[str(docx)] = re.sub(r"<[^>]+>", "", z.read("word/document.xml").decode("utf-8"))
    assert any(p.endswith("paper/toolkit.pdf") for p in texts) and any(p.endswith(".docx") for p in texts)
    assert any("/handouts/" in p for p in texts) and any("/site/" in p for p in texts)
    paper = texts[str(latest / "paper" / "toolkit.pdf")]
    for path, text in texts.items():
        if "Changes since the previous edition" in text:  # the paper's annex quotes, struck through,
            text = text[:text.rindex("Changes since the previous edition")]  # each slip it corrects
        text = re.sub(r"\s+", " ", text)
        for slip in ("Example: Example:", "strenghten", "adpopted", "highighted", "reenforce"):
            assert slip not in text, (slip, path)
    assert "strengthen the role of clusters" in paper
    # the annex: made from the same data as `invoke changes`, every accepted erratum once
    annex = paper[paper.rindex("Changes since the previous edition"):]
    assert "This edition (2021 corrected) differs from the previous edition (2021)" in annex
    assert annex.count("errata.yaml:") == 10


def test_yaml_items_and_markdown_front_matter_say_since_and_withdrawn_too(sources):
    """Every record can say since/withdrawn: a reference (YAML item), a figure, a taxonomy term's list
    item, and a section (Markdown front matter), not only table rows."""
    with open(sources / "references.yaml", "a", encoding="utf-8") as f:
        f.write("- id: ec-2024\n  since: 2021-corrected\n  status: editorial\n  author: European Commission\n"
                "  year: \"2024\"\n  title: The future of European competitiveness\n")
    edit(sources / "text" / "02-questions-for-feedback.md", "level: 1\n", "level: 1\nwithdrawn: 2021-corrected\n")
    edit(sources / "figures.yaml", "- id: ", "- withdrawn: 2021-corrected\n  id: ")  # the first figure
    old, new = load(sources, edition="2021"), load(sources)
    assert "ec-2024" in {r.id for r in new.references} and "ec-2024" not in {r.id for r in old.references}
    assert "questions-for-feedback" in {s.id for s in old.sections}
    assert "questions-for-feedback" not in {s.id for s in new.sections}
    assert len(new.figures) == len(old.figures) - 1
    assert not any("since" in f.data or "withdrawn" in f.data for f in old.figures)  # not drawing data


def test_an_unknown_edition_in_front_matter_or_a_yaml_item_names_file_and_line(sources):
    edit(sources / "text" / "02-questions-for-feedback.md", "level: 1\n", "level: 1\nsince: 2030\n")
    with pytest.raises(SourceError) as err:
        load(sources)
    assert "02-questions-for-feedback.md:5" in str(err.value) and "'since': unknown edition '2030'" in str(err.value)
    edit(sources / "text" / "02-questions-for-feedback.md", "since: 2030\n", "")
    edit(sources / "references.yaml", "  author: European Commission\n",
         "  author: European Commission\n  withdrawn: \"2021\"\n  since: 2021-corrected\n")
    with pytest.raises(SourceError, match=r"references\.yaml:\d+ .*withdrawn in '2021', which is not after"):
        load(sources)


@pytest.mark.slow
def test_every_pdf_of_both_editions_passes_pdfua(outputs):
    """pdfua (PDF/UA-1's machine-checkable rules): no error, no warning on every PDF `invoke build` writes
    (the paper, each handout with the pocket guide, the cards and the feedback form, the roadmaps' PDFs if
    any) for the latest edition, and on the 2021 edition's paper."""
    from tests.pdfua_check import pdfua_problems

    pdfs = sorted(outputs.rglob("*.pdf"))
    names = {p.relative_to(outputs).as_posix() for p in pdfs}
    assert {"2021/paper/toolkit.pdf", "latest/paper/toolkit.pdf", "latest/handouts/example-cards-a4.pdf",
            "latest/handouts/four-phases-a4.pdf", "latest/handouts/feedback-form-a4.pdf"} <= names
    assert [p for pdf in pdfs for p in pdfua_problems(pdf)] == []
