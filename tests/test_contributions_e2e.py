"""The contribution loop end to end, as the people in it do it.

A consultant fills a roadmap in Word with Track Changes on (python-docx, tracked insertions and a deletion);
an event participant fills the feedback form's PDF fields (pypdf); a visitor of the web tool saves a
proposal in Chromium (Playwright's download event). One harvest reads all three; an editor sets decisions
in the review sheet (openpyxl); accept writes the sources; the rebuilt paper, priority handout and site page
show the new example. A second accept is a no-op; a bad decision row exits 2 naming sheet:row.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.contributions import accept as ac
from pipeline.contributions import harvest as hv
from tests.conftest import SHIPPED
from tests.test_contributions import tracked
from tests.test_harvest import fill_row, load_sheet, proposals_table

pytestmark = pytest.mark.slow

EMAIL = "toolkit-editors@example.eu"
WEB_EXAMPLE = ("Harghita Wood Cluster", "Romania", "https://wood.example.ro/")
PDF_EXAMPLE = ("Moravian Timber Cluster", "Czechia", "https://timber.example.cz/")
ROADMAP_EXAMPLE = "Lodz Textile Cluster"


def text(pdf: Path) -> str:
    return " ".join(subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())


@pytest.fixture(scope="module")
def loop(tmp_path_factory):
    """A private copy of the sources (with an address for proposals) and an output folder."""
    root = tmp_path_factory.mktemp("loop")
    sources = root / "sources"
    shutil.copytree(SHIPPED, sources)
    with (sources / "event.yaml").open("a", encoding="utf-8") as handle:
        handle.write(f"proposals_email: {EMAIL}\n")
    (root / "in").mkdir()
    return {"root": root, "sources": sources, "out": root / "output", "in": root / "in"}


def build(loop, *builders: str) -> None:
    from pipeline.build import build_command

    assert build_command(loop["sources"], list(builders), {}, out=loop["out"], jobs=1) == 0


def render(loop, module, *names: str) -> None:
    """Only the named targets of a builder (the whole handouts set would take a minute more)."""
    from pipeline.load import load

    toolkit = load(loop["sources"])
    for target in module.targets(toolkit, {}):
        if target.name in names:
            for path, data in module.build_target(toolkit, target).items():
                (loop["out"] / path).parent.mkdir(parents=True, exist_ok=True)
                (loop["out"] / path).write_bytes(data)


@pytest.fixture(scope="module")
def filled_roadmap(loop) -> Path:
    import docx

    from pipeline.load import load
    from pipeline.render import roadmaps

    path = roadmaps.roadmap_command(load(loop["sources"]), region="Łódź", country="PL", priorities="digital",
                                    challenges="skills", out=loop["out"])
    document = docx.Document(str(path))
    table = proposals_table(document)
    fill_row(table.rows[1], ("Example", "", "Poland", "https://textile.example.pl/", "Digital transition", "Skills",
                             "Networking", "=SUM(1)"))
    tracked(document, table.rows[1].cells[1], ROADMAP_EXAMPLE, "Old Textile Works")
    target = loop["in"] / "lodz-roadmap.docx"
    document.save(str(target))
    return target


@pytest.fixture(scope="module")
def filled_form(loop) -> Path:
    from pypdf import PdfReader, PdfWriter

    from pipeline.render import handouts

    render(loop, handouts, "feedback-form-a4")
    writer = PdfWriter(clone_from=PdfReader(str(loop["out"] / "handouts" / "feedback-form-a4.pdf")))
    values = {"contributor_name": "Jan Novák", "contributor_organisation": "Moravian Cluster",
              "contributor_email": "jan@example.cz", "answer_3": "Yes, see the table.",
              "proposal_1_kind": "example", "proposal_1_name": PDF_EXAMPLE[0], "proposal_1_country": PDF_EXAMPLE[1],
              "proposal_1_link": PDF_EXAMPLE[2], "proposal_1_priority": "green", "proposal_1_challenge": "innovation",
              "proposal_1_function": "business-services"}
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    writer.update_page_form_field_values(writer.pages[0], {"respondent_2": "/on"}, auto_regenerate=False)
    target = loop["in"] / "feedback-jan.pdf"
    with target.open("wb") as handle:
        writer.write(handle)
    return target


@pytest.fixture(scope="module")
def saved_proposal(loop) -> tuple[Path, str]:
    """A visitor fills the matrix page's form in Chromium and saves the file (a real download)."""
    from playwright.sync_api import sync_playwright

    build(loop, "site")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page(accept_downloads=True)
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((loop["out"] / "site" / "index.html").as_uri())
        page.click("#propose summary")
        page.fill("#propose-name", WEB_EXAMPLE[0])
        page.fill("#propose-country", WEB_EXAMPLE[1])
        page.fill("#propose-link", "not a link")
        page.select_option("#propose-priority", "resilience")
        page.select_option("#propose-challenge", "value-chains")
        page.select_option("#propose-function", "intelligence")
        page.fill("#propose-person", "Ana Pop")
        page.fill("#propose-organisation", "Cluster Romania")
        page.click("#propose-form button[type=submit]")
        refused = page.text_content("#propose-status")
        page.fill("#propose-link", WEB_EXAMPLE[2])
        page.fill("#propose-note", "+33 1 53 85 53 85")
        with page.expect_download() as info:
            page.click("#propose-form button[type=submit]")
        download = info.value
        target = loop["in"] / download.suggested_filename
        download.save_as(target)
        mail = page.get_attribute("#propose-mail", "href")
        browser.close()
    assert not errors, errors
    assert "must start with http" in refused
    return target, mail


def test_the_web_form_saves_a_proposal_file_and_offers_a_prefilled_email(saved_proposal):
    import json
    from urllib.parse import parse_qs, urlsplit

    path, mail = saved_proposal
    assert path.name == "proposal-harghita-wood-cluster-" + json.loads(path.read_text())["saved_at"][:10] + ".json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "cluster-policy-toolkit-proposal" and data["page"] == "index.html"
    assert data["proposals"] == [{"kind": "example", "name": WEB_EXAMPLE[0], "country": WEB_EXAMPLE[1],
                                  "link": WEB_EXAMPLE[2], "priority": "resilience", "challenge": "value-chains",
                                  "function": "intelligence", "note": "+33 1 53 85 53 85"}]
    parts = urlsplit(mail)
    assert parts.scheme == "mailto" and parts.path == EMAIL
    body = parse_qs(parts.query)["body"][0]
    assert json.loads(body[body.index("{"):])["proposals"] == data["proposals"]


@pytest.fixture(scope="module")
def harvested(loop, filled_roadmap, filled_form, saved_proposal):
    code = hv.harvest_command([str(loop["in"])], sources=loop["sources"], out=loop["out"])
    assert code == 0
    return loop["out"] / "harvest" / "review.xlsx"


def test_one_harvest_reads_all_three_channels(harvested, loop):
    rows = load_sheet(loop["out"], "proposals")
    by_channel = {r["channel"]: r for r in rows}
    assert set(by_channel) == {"roadmap", "feedback-form", "web"} and len(rows) == 3
    roadmap = by_channel["roadmap"]
    assert roadmap["name_or_text"] == ROADMAP_EXAMPLE and roadmap["flags"] == "had tracked changes"
    assert (roadmap["priority"], roadmap["challenge"], roadmap["function"]) == ("digital", "skills", "networking")
    assert roadmap["contributor_note"] == "=SUM(1)"  # exactly as typed: a text cell, no apostrophe
    form = by_channel["feedback-form"]
    assert (form["name_or_text"], form["contributor"], form["organisation"]) == (
        PDF_EXAMPLE[0], "Jan Novák", "Moravian Cluster")
    assert form["email"] == "jan@example.cz"
    assert form["contributor_note"] == "respondent: Cluster policy-maker"
    assert by_channel["web"]["contributor_note"] == "+33 1 53 85 53 85"
    answers = load_sheet(loop["out"], "answers")
    assert [(a["question"][:22], a["answer"]) for a in answers] == [("Are there other exampl", "Yes, see the table.")]


def decide(sheet: Path, decisions: dict[str, str]) -> None:
    """The editor types a decision per channel into the review sheet."""
    from openpyxl import load_workbook

    book = load_workbook(sheet)
    ws = book["proposals"]
    header = [c.value for c in ws[1]]
    for row in range(2, ws.max_row + 1):
        channel = ws.cell(row, header.index("channel") + 1).value
        ws.cell(row, header.index("decision") + 1).value = decisions.get(channel, "")
    book.save(sheet)


def test_a_bad_decision_row_exits_2_and_leaves_the_sources_untouched(harvested, loop, capsys):
    before = {p.name: p.read_bytes() for p in loop["sources"].glob("*.csv")}
    decide(harvested, {"roadmap": "accept", "web": "merge into nowhere", "feedback-form": "yes please"})
    assert ac.accept_command(harvested, sources=loop["sources"]) == 2
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 2 and all("proposals:" in line for line in lines)
    assert "decision 'yes please'" in err and "merge into 'nowhere'" in err
    assert {p.name: p.read_bytes() for p in loop["sources"].glob("*.csv")} == before


@pytest.fixture(scope="module")
def accepted(harvested, loop):
    decide(harvested, {"roadmap": "accept", "web": "accept", "feedback-form": "accept"})
    from pipeline.render import handouts

    assert ac.accept_command(harvested, sources=loop["sources"], edition="2021-corrected") == 0
    build(loop, "paper", "site")
    render(loop, handouts, *(f"priority-{p}-a4" for p in ("green", "digital", "resilience")))
    return loop


def test_accepted_examples_appear_in_the_rebuilt_outputs(accepted):
    from pipeline.load import load

    toolkit = load(accepted["sources"])
    names = {e.name: e for e in toolkit.examples}
    assert {ROADMAP_EXAMPLE, PDF_EXAMPLE[0], WEB_EXAMPLE[0]} <= set(names)
    out = accepted["out"]
    paper = text(out / "paper" / "toolkit.pdf")
    for name in (ROADMAP_EXAMPLE, PDF_EXAMPLE[0], WEB_EXAMPLE[0]):
        assert name in paper, name
    for name in (ROADMAP_EXAMPLE, PDF_EXAMPLE[0], WEB_EXAMPLE[0]):  # marked, with its Editorial note
        assert f"“{name}” Contributed." in paper, name
    reading = " ".join(subprocess.run(["pdftotext", str(out / "paper" / "toolkit.pdf"), "-"], capture_output=True,
                                      text=True, check=True).stdout.split())  # reading order, not layout
    assert re.search(rf"{WEB_EXAMPLE[0]} \({WEB_EXAMPLE[1]}\) †\d+", reading)
    assert "jan@example.cz" not in paper
    assert WEB_EXAMPLE[0] in text(out / "handouts" / "priority-resilience-a4.pdf")
    assert PDF_EXAMPLE[0] in text(out / "handouts" / "priority-green-a4.pdf")
    assert ROADMAP_EXAMPLE in text(out / "handouts" / "priority-digital-a4.pdf")
    page = out / "site" / "examples" / f"{names[WEB_EXAMPLE[0]].id}.html"
    html = page.read_text(encoding="utf-8")
    assert WEB_EXAMPLE[0] in html and WEB_EXAMPLE[2] in html
    from bs4 import BeautifulSoup

    note = BeautifulSoup(html, "html.parser").select_one("#example-provenance").get_text(" ", strip=True)
    assert re.fullmatch(r"†\d+ Contributed by Ana Pop \(Cluster Romania\); not yet verified by an editor\.", note)
    printed = out / "site" / "examples" / "covasna-business-incubator.html"  # a 2021 example: no note
    assert "example-provenance" not in printed.read_text(encoding="utf-8")


def test_accepted_records_carry_their_provenance_and_a_second_accept_is_a_no_op(accepted, capsys):
    import csv

    sources = accepted["sources"]
    rows = {r["name"]: r for r in csv.DictReader((sources / "examples.csv").open(encoding="utf-8"))}
    web, form, roadmap = rows[WEB_EXAMPLE[0]], rows[PDF_EXAMPLE[0]], rows[ROADMAP_EXAMPLE]
    assert [r["contributed_via"] for r in (web, form, roadmap)] == ["web", "feedback-form", "roadmap"]
    assert {r["status"] for r in (web, form, roadmap)} == {"contributed"}
    assert {r["since"] for r in (web, form, roadmap)} == {"2021-corrected"}
    assert form["contributed_by"] == "Jan Novák (Moravian Cluster)"
    assert roadmap["contributed_from"].endswith("lodz-roadmap.docx, table row 2")
    capsys.readouterr()
    before = {p.name: p.read_bytes() for p in sources.glob("*.csv")}
    assert ac.accept_command(accepted["root"] / "output" / "harvest" / "review.xlsx", sources=sources) == 0
    assert "nothing to change" in capsys.readouterr().out
    assert {p.name: p.read_bytes() for p in sources.glob("*.csv")} == before
