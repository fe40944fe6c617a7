"""Harvest: a roadmap filled in as a consultant would, read back; hostile files refused one by one."""
from __future__ import annotations

import copy
import csv
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from pipeline.contributions import files as hf
from pipeline.contributions import harvest as hv
from pipeline.contributions import review as hr
from pipeline.contributions import roadmap as hd
from pipeline.render import roadmaps
from tests.conftest import SHIPPED

PROPOSALS_FIRST_HEADER = "Kind (example or action)"

# (kind, name or text, country, link, priority, challenge, function, note) as the consultant types them
NEW_EXAMPLE = ("Example", "Lapland Bioeconomy Cluster", "Finland", "https://lapland-bioeconomy.example/",
               "green", "Skills", "networking", "found at a workshop")
SAME_LINK = ("example", "Covasna incubator programme", "Romania",
             "https://incubatorcovasna.ro/index.php?language=ro&page=1", "green", "skills", "", "")
SIMILAR_NAME = ("example", "Polish Register of Cleaner Production & Responsible Entrepreneurship", "Poland", "",
                "Green transition", "skills", "Business services", "")
NEW_ACTION = ("action", "Fund cluster-led pilots that retrain peat workers for wetland restoration", "", "",
              "green", "skills", "business-services", "")
SAME_ACTION = ("Action", "Use clusters to collect the training needs and identify training opportunities for "
               "green reskilling.", "", "", "green", "skills", "intelligence", "")
FORMULA = ("example", "=HYPERLINK(\"http://evil.example\",\"click\")", "Austria", "https://evil.example/",
           "green", "skills", "networking", "@SUM(1+1)")


def proposals_table(document):
    return next(t for t in document.tables if t.rows[0].cells[0].text == PROPOSALS_FIRST_HEADER)


def fill_row(row, values) -> None:
    for cell, value in zip(row.cells, values):
        cell.paragraphs[0].text = value


def fill_like_a_consultant(source: Path, target: Path) -> None:
    """What people do in Word: extra paragraphs, edited headings, other tables filled, rows deleted and added."""
    import docx

    document = docx.Document(str(source))
    first = document.paragraphs[0]
    first.insert_paragraph_before("DRAFT – for the regional council meeting of 3 March")
    for p in document.paragraphs:
        if p.text.startswith("5. New examples"):
            p.text = "5. Our proposals for the toolkit"
            p.insert_paragraph_before("Some thoughts before the proposals table.")
        if p.text.startswith("4.1 Stakeholder"):
            p.text = "4.1 Who is on board"
    stakeholders = next(t for t in document.tables if t.rows[0].cells[0].text == "Organisation")
    fill_row(stakeholders.rows[1], ("Regional council", "Lead", "Funding for 3 years"))
    table = proposals_table(document)
    fill_row(table.rows[1], NEW_EXAMPLE)  # row 2
    fill_row(table.rows[2], SAME_LINK)  # row 3
    table._tbl.remove(table.rows[3]._tr)  # a blank row deleted
    fill_row(table.rows[3], SIMILAR_NAME)  # row 4
    # rows 5-6 stay blank; two rows added at the end
    for values in (NEW_ACTION, SAME_ACTION, FORMULA):
        new_tr = copy.deepcopy(table.rows[-1]._tr)
        table._tbl.append(new_tr)
        fill_row(table.rows[-1], values)
    document.add_paragraph("Annex: notes from the workshop.")
    document.save(str(target))


@pytest.fixture(scope="module")
def roadmap(shipped, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    return roadmaps.roadmap_command(shipped, region="Île-de-France", country="FR", priorities="green",
                                    challenges="skills", out=out)


@pytest.fixture(scope="module")
def filled(roadmap, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("filled") / "idf-filled.docx"
    fill_like_a_consultant(roadmap, target)
    return target


def read_csv(out: Path) -> list[dict]:
    text = (out / "harvest" / "review.csv").read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def same_as(row: dict) -> str:
    return row["probably_the_same_as"].split(", ")[0] if row["probably_the_same_as"] else "new"


def test_harvest_finds_exactly_the_proposed_rows_with_their_marks(filled, tmp_path, capsys):
    code = hv.harvest_command([str(filled)], sources=SHIPPED, out=tmp_path)
    assert code == 0, capsys.readouterr().err
    rows = read_csv(tmp_path)
    assert [(r["place"], r["kind"], same_as(r)) for r in rows] == [
        ("table row 2", "example", "new"),
        ("table row 3", "example", "probably the same as covasna-business-incubator (Covasna Business Incubator)"),
        ("table row 4", "example", "probably the same as polish-register-of-cleaner-production-and-responsible-"
                                   "entrepreneurship (Polish Register of Cleaner Production and Responsible "
                                   "Entrepreneurship)"),
        ("table row 7", "action", "new"),
        ("table row 8", "action", "probably the same as green-skills-intelligence-1 (Use clusters to collect "
                                  "training needs and identify training opportunities for green reskilling)"),
        ("table row 9", "example", "new"),
    ]
    assert {r["organisation"] for r in rows} == {"Île-de-France"}
    assert {r["channel"] for r in rows} == {"roadmap"}
    assert {r["file"] for r in rows} == {str(filled)}
    assert rows[0]["name_or_text"] == "Lapland Bioeconomy Cluster" and rows[0]["country"] == "Finland"
    assert (rows[0]["priority"], rows[0]["challenge"], rows[0]["function"]) == ("green", "skills", "networking")
    assert rows[2]["priority"] == "green" and rows[2]["function"] == "business-services"
    assert rows[1]["probably_the_same_as"].endswith("same link") and rows[1]["score"] == "100"
    assert "similar name" in rows[2]["probably_the_same_as"] and 85 <= int(rows[2]["score"]) < 100
    assert not any("Regional council" in r["name_or_text"] for r in rows)  # other tables are not proposals
    plans = load_sheet(tmp_path, "plans")
    assert [(p["table"], p["row"], p["Organisation"]) for p in plans] == [
        ("4.1 Stakeholder engagement", "2", "Regional council")]


def load_sheet(out: Path, name: str) -> list[dict]:
    from openpyxl import load_workbook

    sheet = load_workbook(out / "harvest" / "review.xlsx")[name]
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, (c.value for c in row))) for row in sheet.iter_rows(min_row=2)]


def test_formulas_are_neutralised_in_the_csv_only_the_xlsx_keeps_what_was_typed(filled, tmp_path):
    from openpyxl import load_workbook

    hv.harvest_command([str(filled)], sources=SHIPPED, out=tmp_path)
    last = read_csv(tmp_path)[-1]
    assert last["name_or_text"] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert last["contributor_note"] == "'@SUM(1+1)"
    sheet = load_workbook(tmp_path / "harvest" / "review.xlsx")["proposals"]
    header = [c.value for c in sheet[1]]
    assert header == list(hr.COLUMNS)
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert len(values) == 6
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert all(c.data_type != "f" for c in cells)  # text cells: nothing runs
    assert values[-1][header.index("name_or_text")] == "=HYPERLINK(\"http://evil.example\",\"click\")"
    assert values[-1][header.index("contributor_note")] == "@SUM(1+1)"


def test_neutralise_covers_every_formula_start():
    for start in ("=", "+", "-", "@"):
        assert hr.neutralise(f"{start}1+1") == f"'{start}1+1"
    assert hr.neutralise("Łódź R&D") == "Łódź R&D" and hr.neutralise(3) == 3


def test_a_folder_is_read_and_an_untouched_roadmap_gives_no_rows(roadmap, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(roadmap, folder / "untouched.docx")
    assert hv.harvest_command([str(folder)], sources=SHIPPED, out=tmp_path) == 0
    assert read_csv(tmp_path) == []


def make_hostile_files(folder: Path, roadmap: Path) -> dict[str, str]:
    """file name -> the words its refusal must contain."""
    import docx

    (folder / "notes.txt").write_text("my notes", encoding="utf-8")
    (folder / "random.docx").write_bytes(b"this is not a zip archive at all" * 10)
    (folder / "truncated.docx").write_bytes(roadmap.read_bytes()[:4000])
    with zipfile.ZipFile(folder / "bomb.docx", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (20 * 1024 * 1024))  # packs about 1000 times
    with zipfile.ZipFile(folder / "other.docx", "w") as archive:
        archive.writestr("hello.txt", "a zip but not Word")
    docx.Document().save(str(folder / "foreign.docx"))
    return {"notes.txt": "not a file harvest reads", "random.docx": "corrupt .docx",
            "truncated.docx": "corrupt .docx", "bomb.docx": "zip bomb", "other.docx": "not a Word document",
            "foreign.docx": "not one of our roadmaps"}


def test_hostile_files_are_refused_one_line_each_and_the_rest_is_read(filled, roadmap, tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    expected = make_hostile_files(folder, roadmap)
    paths = [str(folder / name) for name in sorted(expected)] + [str(filled)]
    code = hv.harvest_command(paths, sources=SHIPPED, out=tmp_path)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert len(err) == len(expected)
    for name, words in expected.items():
        line = next(line for line in err if f"{name}:" in line)
        assert line.startswith("refused: ") and words in line, line
    assert len(read_csv(tmp_path)) == 6  # the good file is still harvested
    assert "Traceback" not in "\n".join(err)


def test_size_limits_refuse_oversized_archives(roadmap, monkeypatch):
    monkeypatch.setattr(hf, "MAX_FILE_MB", 0.001)
    with pytest.raises(hf.Refused, match="too large"):
        hf.vet_archive(roadmap)
    monkeypatch.setattr(hf, "MAX_FILE_MB", 20)
    monkeypatch.setattr(hf, "MAX_UNPACKED_MB", 0.01)
    with pytest.raises(hf.Refused, match="would unpack to .* zip bomb"):
        hf.vet_archive(roadmap)


def test_nothing_to_read_is_exit_2(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert hv.harvest_command([str(tmp_path / "empty")], sources=SHIPPED, out=tmp_path) == 2
    assert capsys.readouterr().err.startswith("error: nothing to read")
    assert hv.harvest_command([str(tmp_path / "typo.docx")], sources=SHIPPED, out=tmp_path) == 2
    assert not (tmp_path / "harvest").exists()


def test_headers_are_found_by_their_words_in_any_order():
    mapping = hd.header_fields(["Note", "Link", "Name", "Type", "Country", "Function"])
    assert mapping == {0: "note", 1: "link", 2: "name", 3: "kind", 4: "country", 5: "function"}
    assert hd.header_fields(["Action", "Lead", "Start", "End", "Indicator", "Target"]) == {}


@pytest.mark.slow
def test_a_roadmap_saved_again_by_libreoffice_is_still_harvested(filled, tmp_path):
    """Someone opens the roadmap in LibreOffice and saves it as .docx: the marker and the table survive."""
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice not installed")
    out = tmp_path / "resaved"
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(filled)],
                   capture_output=True, timeout=180)
    resaved = out / filled.name
    assert resaved.exists()
    assert hv.harvest_command([str(resaved)], sources=SHIPPED, out=tmp_path) == 0
    rows = read_csv(tmp_path)
    assert [same_as(r).split(" (")[0] for r in rows][:3] == [
        "new", "probably the same as covasna-business-incubator",
        "probably the same as polish-register-of-cleaner-production-and-responsible-entrepreneurship"]
    assert len(rows) == 6 and rows[0]["organisation"] == "Île-de-France"


def test_a_roadmap_whose_proposals_table_was_deleted_is_refused(roadmap, tmp_path, capsys):
    import docx

    document = docx.Document(str(roadmap))
    table = proposals_table(document)
    table._tbl.getparent().remove(table._tbl)
    path = tmp_path / "no-table.docx"
    document.save(str(path))
    assert hv.harvest_command([str(path)], sources=SHIPPED, out=tmp_path) == 1
    assert "proposals table is gone" in capsys.readouterr().err
    assert read_csv(tmp_path) == []
