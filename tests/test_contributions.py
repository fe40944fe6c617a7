"""Contributions without a browser or a PDF viewer: tracked changes, web proposal files, the review queue, accept."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.contributions import accept as ac
from pipeline.contributions import harvest as hv
from pipeline.render import roadmaps
from tests.conftest import SHIPPED
from tests.test_harvest import fill_row, load_sheet, proposals_table, read_csv

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def proposal_file(path: Path, *proposals: dict, contributor: dict | None = None) -> Path:
    data = {"format": "cluster-policy-toolkit-proposal", "version": 1, "saved_at": "2026-11-30T10:12:00Z",
            "page": "index.html", "toolkit_edition": "2021",
            "contributor": contributor or {"name": "Ana Pop", "organisation": "Cluster Romania",
                                           "email": "ana@example.org"},
            "proposals": list(proposals)}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


NEW_WEB_EXAMPLE = {"kind": "example", "name": "Timber Valley Cluster", "country": "Romania",
                   "link": "https://timber-valley.example/", "priority": "green", "challenge": "innovation",
                   "function": "networking", "note": "+33 1 53 85 53 85"}


@pytest.fixture(scope="module")
def roadmap(shipped, tmp_path_factory) -> Path:
    return roadmaps.roadmap_command(shipped, region="Łódź", country="PL", priorities="digital",
                                    challenges="skills", out=tmp_path_factory.mktemp("generated"))


def tracked(document, cell, inserted: str, deleted: str) -> None:
    """Type into a cell with Track Changes on: one insertion and one deletion."""
    from docx.oxml import parse_xml

    p = cell.paragraphs[0]._p
    stamp = 'w:author="Consultant" w:date="2026-11-30T09:00:00Z"'
    p.append(parse_xml(f'<w:ins xmlns:w="{W}" w:id="901" {stamp}><w:r><w:t xml:space="preserve">{inserted}</w:t>'
                       f'</w:r></w:ins>'))
    p.append(parse_xml(f'<w:del xmlns:w="{W}" w:id="902" {stamp}><w:r><w:delText>{deleted}</w:delText></w:r>'
                       f'</w:del>'))


def test_tracked_changes_are_read_as_accepted_and_flagged(roadmap, tmp_path):
    import docx
    from docx.oxml import parse_xml

    document = docx.Document(str(roadmap))
    table = proposals_table(document)
    fill_row(table.rows[1], ("example", "", "Poland", "https://lodz-textile.example/", "digital", "skills",
                             "networking", ""))
    tracked(document, table.rows[1].cells[1], "Łódź Textile Cluster", " (old name)")
    fill_row(table.rows[2], ("action", "A withdrawn idea", "", "", "digital", "skills", "networking", ""))
    tr_pr = table.rows[2]._tr.get_or_add_trPr()  # the whole row deleted with Track Changes on
    tr_pr.append(parse_xml(f'<w:del xmlns:w="{W}" w:id="903" w:author="Consultant" '
                           f'w:date="2026-11-30T09:00:00Z"/>'))
    path = tmp_path / "tracked.docx"
    document.save(str(path))
    assert hv.harvest_command([str(path)], sources=SHIPPED, out=tmp_path) == 0
    rows = read_csv(tmp_path)
    assert [r["name_or_text"] for r in rows] == ["Łódź Textile Cluster"]
    assert rows[0]["flags"] == "had tracked changes"
    assert load_sheet(tmp_path, "files")[0]["note"] == "had tracked changes (read as accepted)"


def test_a_roadmap_filled_in_but_without_proposals_is_reported(roadmap, tmp_path, capsys):
    import docx

    document = docx.Document(str(roadmap))
    plan = next(t for t in document.tables if t.rows[0].cells[0].text == "Action")
    fill_row(plan.rows[1], ("Cluster skills academy", "Regional agency", "2027", "2029", "people trained", "400"))
    choices = next(t for t in document.tables if t.rows[0].cells[0].text == "Phase")
    choices.rows[2].cells[2].paragraphs[0].text = "Skills shortages are our first bottleneck"
    path = tmp_path / "plan-only.docx"
    document.save(str(path))
    assert hv.harvest_command([str(path)], sources=SHIPPED, out=tmp_path) == 0
    err = capsys.readouterr().err
    assert f"no proposal: {path}: filled in (sections 1 and 4) but no proposal in section 5" in err
    assert [(p["table"], p["Action"], p["Target"]) for p in load_sheet(tmp_path, "plans")] == [
        ("1. Your choices (phases 1–3)", None, None), ("4.4 Action plan", "Cluster skills academy", "400")]
    assert load_sheet(tmp_path, "plans")[0]["Why (to be completed)"] == "Skills shortages are our first bottleneck"
    assert load_sheet(tmp_path, "files")[0]["proposals"] == "0"


def test_web_proposal_files_are_read_and_bad_ones_refused_one_line_each(tmp_path, capsys):
    good = proposal_file(tmp_path / "good.json", NEW_WEB_EXAMPLE,
                         {"kind": "action", "text": "Pool cluster purchases of recycled timber", "priority": "green",
                          "challenge": "Value Chains", "function": "Business services"})
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "other.json").write_text(json.dumps({"hello": 1}), encoding="utf-8")
    proposal_file(tmp_path / "typed.json", {"kind": "example", "name": ["not", "text"]})
    code = hv.harvest_command([str(tmp_path)], sources=SHIPPED, out=tmp_path / "out")
    err = capsys.readouterr().err
    assert code == 1
    assert "broken.json: not valid JSON (line 1" in err and "other.json: not a proposal file" in err
    assert "typed.json: proposals[0].name must be text" in err
    rows = read_csv(tmp_path / "out")
    assert [(r["channel"], r["kind"], r["file"].endswith("good.json"), r["place"]) for r in rows] == [
        ("web", "example", True, "proposal 1"), ("web", "action", True, "proposal 2")]
    assert (rows[0]["contributor"], rows[0]["email"], rows[0]["date"]) == ("Ana Pop", "ana@example.org", "2026-11-30")
    assert (rows[1]["challenge"], rows[1]["function"]) == ("value-chains", "business-services")
    assert good.exists()


def harvest_and_decide(tmp_path: Path, sources: Path, decisions: dict[int, str]) -> Path:
    """Harvest one proposal file into a review sheet and type decisions into it, as an editor would."""
    from openpyxl import load_workbook

    files = tmp_path / "in"
    files.mkdir(exist_ok=True)
    proposal_file(files / "web.json", NEW_WEB_EXAMPLE,
                  {"kind": "example", "name": "Covasna Incubator", "country": "Romania", "link": "",
                   "priority": "green", "challenge": "innovation", "function": "intelligence"},
                  {"kind": "action", "text": "Pool cluster purchases of recycled timber", "priority": "green",
                   "challenge": "value-chains", "function": "business-services"},
                  {"kind": "example", "name": "=SUM(1)", "country": "Romania", "priority": "green",
                   "challenge": "skills", "function": "networking"})
    assert hv.harvest_command([str(files)], sources=sources, out=tmp_path) == 0
    sheet_path = tmp_path / "harvest" / "review.xlsx"
    book = load_workbook(sheet_path)
    sheet = book["proposals"]
    column = [c.value for c in sheet[1]].index("decision") + 1
    for row, decision in decisions.items():
        sheet.cell(row, column).value = decision
    book.save(sheet_path)
    return sheet_path


def test_accept_writes_new_records_with_provenance_and_a_second_run_changes_nothing(sources, tmp_path, capsys):
    sheet = harvest_and_decide(tmp_path, sources, {2: "accept", 3: "merge into covasna-business-incubator",
                                                   4: "accept", 5: "later"})
    assert ac.accept_command(sheet, sources=sources, edition="2021-corrected") == 0
    out = capsys.readouterr().out
    assert "+timber-valley-cluster,Timber Valley Cluster,Romania,https://timber-valley.example/" in out
    assert "check: no new errors" in out
    from pipeline.load import load

    toolkit = load(sources)  # the loader reads what accept wrote
    assert toolkit.example_by_id["timber-valley-cluster"].name == "Timber Valley Cluster"
    assert [c.cell for c in toolkit.cells_of_example("timber-valley-cluster")] == [("green", "innovation", "networking")]
    assert ("green", "innovation", "intelligence") in [c.cell for c in toolkit.cells_of_example("covasna-business-incubator")]
    assert toolkit.action_by_id["green-value-chains-business-services-2"].text == "Pool cluster purchases of recycled timber"
    assert "=SUM(1)" not in {e.name for e in toolkit.examples}  # "later": still queued
    import csv

    rows = list(csv.DictReader((sources / "examples.csv").open(encoding="utf-8")))
    new = next(r for r in rows if r["id"] == "timber-valley-cluster")
    assert (new["status"], new["contributed_by"], new["contributed_via"], new["contributed_on"], new["since"]) == (
        "contributed", "Ana Pop (Cluster Romania)", "web", "2026-11-30", "2021-corrected")
    assert "ana@example.org" not in (sources / "examples.csv").read_text(encoding="utf-8")  # never published
    assert new["contributed_from"].endswith("web.json, proposal 1")
    before = {p.name: p.read_bytes() for p in sources.glob("*.csv")}
    assert ac.accept_command(sheet, sources=sources, edition="2021-corrected") == 0
    assert "nothing to change" in capsys.readouterr().out
    assert {p.name: p.read_bytes() for p in sources.glob("*.csv")} == before


def test_a_bad_decision_row_exits_2_naming_sheet_row_and_writes_nothing(sources, tmp_path, capsys):
    sheet = harvest_and_decide(tmp_path, sources, {2: "accept", 3: "merge into no-such-example", 4: "acept"})
    before = {p.name: p.read_bytes() for p in sources.glob("*.csv")}
    assert ac.accept_command(sheet, sources=sources) == 2
    err = capsys.readouterr().err.splitlines()
    assert any("proposals:3: merge into 'no-such-example': no example has that id" in line for line in err)
    assert any("proposals:4: decision 'acept': expected accept, merge into <id>, reject or later" in line
               for line in err)
    assert not any("proposals:2" in line for line in err)
    assert {p.name: p.read_bytes() for p in sources.glob("*.csv")} == before


def test_dry_run_writes_nothing(sources, tmp_path, capsys):
    sheet = harvest_and_decide(tmp_path, sources, {2: "accept"})
    before = {p.name: p.read_bytes() for p in sources.glob("*.csv")}
    assert ac.accept_command(sheet, sources=sources, dry_run=True) == 0
    assert "dry run: nothing written" in capsys.readouterr().out
    assert {p.name: p.read_bytes() for p in sources.glob("*.csv")} == before


def test_typed_text_comes_back_exactly_and_decisions_carry_over_a_new_harvest(sources, tmp_path):
    sheet = harvest_and_decide(tmp_path, sources, {2: "reject", 5: "later"})
    rows = load_sheet(tmp_path, "proposals")
    assert rows[3]["name_or_text"] == "=SUM(1)" and rows[0]["contributor_note"] == "+33 1 53 85 53 85"
    # the next harvest reads only a new file: "later" and undecided rows stay queued, the rejected one is done
    other = proposal_file(tmp_path / "other.json", {"kind": "action", "text": "Map cluster skills needs yearly",
                                                    "priority": "green", "challenge": "skills",
                                                    "function": "intelligence"})
    assert hv.harvest_command([str(other)], sources=sources, out=tmp_path) == 0
    rows = load_sheet(tmp_path, "proposals")
    assert [(r["name_or_text"], r["decision"]) for r in rows] == [
        ("Map cluster skills needs yearly", None), ("Covasna Incubator", None),
        ("Pool cluster purchases of recycled timber", None), ("=SUM(1)", "later")]
    assert (tmp_path / "harvest" / "review-previous.xlsx").exists() and sheet.exists()


def test_default_edition_is_the_latest_in_editions_yaml(tmp_path):
    assert ac.default_edition(tmp_path) == ""
    assert ac.default_edition(SHIPPED) == "2021-corrected"


def test_an_anonymous_proposal_cannot_be_accepted_until_the_editor_names_a_contributor(sources, tmp_path, capsys):
    from openpyxl import load_workbook

    path = proposal_file(tmp_path / "anon.json", NEW_WEB_EXAMPLE, contributor={"name": "", "organisation": ""})
    assert hv.harvest_command([str(path)], sources=sources, out=tmp_path) == 0
    sheet = tmp_path / "harvest" / "review.xlsx"
    book = load_workbook(sheet)
    ws = book["proposals"]
    header = [c.value for c in ws[1]]
    ws.cell(2, header.index("decision") + 1).value = "accept"
    book.save(sheet)
    assert ac.accept_command(sheet, sources=sources) == 2
    assert "proposals:2: no contributor" in capsys.readouterr().err
    ws.cell(2, header.index("contributor") + 1).value = "anonymous"
    book.save(sheet)
    assert ac.accept_command(sheet, sources=sources) == 0
