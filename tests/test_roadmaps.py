"""Word roadmaps: every generated file opened with python-docx and checked against the sources."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from pipeline.errors import PipelineError, SourceError
from pipeline.render import roadmaps
from pipeline.render.roadmap_template import FILL_IN_TABLES, PROPOSALS_COLUMNS
from pipeline.targets import fingerprint
from tests.conftest import PROJECT, edit

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
HYPERLINK_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


def open_docx(data: bytes):
    import docx

    return docx.Document(io.BytesIO(data))


def all_text(document) -> str:
    """Body paragraphs and every table cell, one line each."""
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def hyperlinks(document) -> list[tuple[str, str]]:
    """(shown text, target) of every w:hyperlink in the body."""
    rels = document.part.rels
    out = []
    for link in document.element.body.iter(f"{W}hyperlink"):
        rel = rels[link.get(f"{R}id")]
        assert rel.reltype == HYPERLINK_REL and rel.is_external
        out.append(("".join(t.text or "" for t in link.iter(f"{W}t")), rel.target_ref))
    return out


def table_with_header(document, first_header: str):
    for table in document.tables:
        if table.rows[0].cells[0].text == first_header:
            return table
    raise AssertionError(f"no table whose header starts with {first_header!r}")


@pytest.fixture(scope="module")
def default_set(shipped) -> dict[str, bytes]:
    """The default roadmaps (one per priority x challenge), rendered once."""
    files: dict[str, bytes] = {}
    for target in roadmaps.targets(shipped, {}):
        files.update(roadmaps.build_target(shipped, target))
    return files


@pytest.fixture(scope="module")
def multi(shipped, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("roadmaps")
    return roadmaps.roadmap_command(shipped, region="Skellefteå", country="SE", priorities="green,digital",
                                    challenges="skills; innovation", functions="networking business-services",
                                    contact="R&D <office> \"Q\"", out=out)


def test_default_set_is_one_roadmap_per_priority_and_challenge(shipped, default_set):
    expected = {f"roadmaps/{p.id}-{c.id}.docx" for p in shipped.taxonomy.priorities
                for c in shipped.taxonomy.challenges}
    assert set(default_set) == expected and len(expected) == 12


def test_every_action_example_and_link_of_the_cells_is_shown(shipped, default_set):
    for p in shipped.taxonomy.priorities:
        for c in shipped.taxonomy.challenges:
            document = open_docx(default_set[f"roadmaps/{p.id}-{c.id}.docx"])
            text = all_text(document)
            links = hyperlinks(document)
            shown = 0
            for f in shipped.taxonomy.functions:
                cell = shipped.cell(p.id, c.id, f.id)
                for action in cell.actions:
                    assert action.text in text, (p.id, c.id, action.id)
                    shown += 1
                for example in cell.examples:
                    assert example.name in text
                    if example.link:
                        assert (example.name, example.link) in links, (p.id, c.id, example.name)
                    if example.country:
                        assert f"({example.country})" in text
            assert shown, f"{p.id}-{c.id} shows no action"
            assert f"{p.label} × {c.label}" in text


def test_actions_of_other_cells_are_not_shown(shipped, default_set):
    text = all_text(open_docx(default_set["roadmaps/green-skills.docx"]))
    own = {b.text for b in shipped.actions if (b.priority, b.challenge) == ("green", "skills")}
    others = [a for a in shipped.actions if (a.priority, a.challenge) != ("green", "skills") and a.text not in own]
    assert others and not any(a.text in text for a in others)


def test_recommendations_served_by_the_actions_are_listed(shipped, default_set):
    from pipeline import provenance

    for name, data in default_set.items():
        p, c = Path(name).stem.split("-", 1)
        ids = {a.id for f in shipped.taxonomy.functions for a in shipped.cell(p, c, f.id).actions}
        expected = shipped.recommendations_for_actions(ids)
        table = table_with_header(open_docx(data), "No.") if expected else None
        if expected:
            rows = [[cell.text for cell in row.cells] for row in table.rows[1:]]
            # a reconstructed title or band carries its provenance mark (pipeline/provenance.py)
            assert rows == [[str(r.number), provenance.plain(shipped, r, r.title),
                             next(provenance.plain(shipped, a, a.label) for a in shipped.taxonomy.areas
                                  if a.id == r.area)] for r in expected]


def test_blank_tables_for_the_consultant_are_there_and_empty(default_set):
    document = open_docx(default_set["roadmaps/digital-internationalisation.docx"])
    text = all_text(document)
    for heading, _, columns, blank_rows in FILL_IN_TABLES:
        table = table_with_header(document, columns[0][0])
        assert [c.text for c in table.rows[0].cells] == [name for name, _ in columns]
        assert len(table.rows) == blank_rows + 1
        assert all(cell.text == "" for row in table.rows[1:] for cell in row.cells)
        assert heading in text
    proposals = table_with_header(document, PROPOSALS_COLUMNS[0][0])
    assert [c.text for c in proposals.rows[0].cells] == [name for name, *_ in PROPOSALS_COLUMNS]
    assert all(cell.text == "" for row in proposals.rows[1:] for cell in row.cells)
    assert text.count("To be completed by you") == len(FILL_IN_TABLES) + 1
    for header in ("Organisation", "Role in the roadmap", "Commitment", "Source of funding", "Amount (EUR)",
                   "Lead", "Start", "End", "Indicator", "Target", "Baseline", "Frequency", "Owner"):
        assert header in text


def test_no_template_tag_is_left_in_any_part(default_set, multi):
    for data in [*default_set.values(), multi.read_bytes()]:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                if name.endswith(".xml"):
                    xml = archive.read(name).decode("utf-8")
                    assert "{{" not in xml and "{%" not in xml and "{#" not in xml, name


def test_same_inputs_give_the_same_bytes_with_edition_timestamps(shipped, default_set):
    target = next(t for t in roadmaps.targets(shipped, {}) if t.name == "resilience-value-chains")
    again = roadmaps.build_target(shipped, target)["roadmaps/resilience-value-chains.docx"]
    assert again == default_set["roadmaps/resilience-value-chains.docx"]
    edition = shipped.document.edition_date
    with zipfile.ZipFile(io.BytesIO(again)) as archive:
        assert archive.namelist()[0] == "[Content_Types].xml"
        assert {i.date_time for i in archive.infolist()} == {(edition.year, edition.month, edition.day, 0, 0, 0)}
    props = open_docx(again).core_properties
    assert props.created.date() == edition and props.modified.date() == edition


def test_several_priorities_and_challenges_at_once(shipped, multi):
    assert multi.name == "skelleftea-green-digital-innovation-skills-networking-business-services.docx"
    document = open_docx(multi.read_bytes())
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2" and "×" in p.text]
    assert headings == ["Green transition × Innovation", "Green transition × Skills",
                        "Digital transition × Innovation", "Digital transition × Skills"]
    text = all_text(document)
    for p in ("green", "digital"):
        for c in ("innovation", "skills"):
            for f in ("networking", "business-services"):
                assert all(a.text in text for a in shipped.cell(p, c, f).actions)
            assert all(a.text not in text for a in shipped.cell(p, c, "intelligence").actions
                       if a.text not in {b.text for b in shipped.actions if b.function != "intelligence"})
    function_cells = {row.cells[0].text for t in document.tables if t.rows[0].cells[0].text == "Cluster function"
                      for row in t.rows[1:]}
    assert function_cells == {"Networking", "Business services"}
    assert "Skellefteå" in text and "Sweden" in text and 'R&D <office> "Q"' in text


def test_special_characters_survive_exactly(sources):
    from pipeline.load import load

    old = "SME Initiative Energy Transition and Climate Protection"
    special = 'R&D <Lab> "Q" Łódź'
    edit(sources / "examples.csv", old, special)
    toolkit = load(sources)
    context = roadmaps.roadmap_context(toolkit, roadmaps.make_spec(
        toolkit, region="Île-de-France & <Łódź>", country="France", priorities="green", challenges="skills"))
    document = open_docx(roadmaps.render_roadmap(toolkit, context))
    text = all_text(document)
    assert special in text and old not in text
    assert any(name == special for name, _ in hyperlinks(document))
    assert "Île-de-France & <Łódź>" in text
    assert document.sections[0].header.paragraphs[0].text == "Cluster policy roadmap · Île-de-France & <Łódź>"


def test_files_written_by_the_command_are_named_by_ascii_slugs(shipped, tmp_path):
    path = roadmaps.roadmap_command(shipped, region="Łódź", country="PL", priorities="digital",
                                    challenges="innovation", out=tmp_path)
    assert path == tmp_path / "roadmaps" / "lodz-digital-innovation.docx"
    assert "Łódź" in all_text(open_docx(path.read_bytes()))
    assert not list((tmp_path / "roadmaps").glob(".*.tmp"))


@pytest.mark.parametrize("option, kwargs, allowed", [
    ("--priority", {"priorities": "green,blue"}, "green, digital, resilience"),
    ("--challenge", {"challenges": "skils"}, "innovation, skills, internationalisation, value-chains"),
    ("--function", {"functions": "marketing"}, "intelligence, networking, business-services"),
])
def test_unknown_ids_name_the_option_and_the_allowed_values(shipped, tmp_path, option, kwargs, allowed):
    args = {"region": "Île-de-France", "country": "FR", "priorities": "green", "challenges": "skills", **kwargs}
    with pytest.raises(PipelineError) as caught:
        roadmaps.roadmap_command(shipped, out=tmp_path, **args)
    message = str(caught.value)
    assert message.startswith(option) and allowed in message and "\n" not in message
    assert not (tmp_path / "roadmaps").exists()


def test_country_must_be_an_iso_country(shipped, tmp_path):
    with pytest.raises(PipelineError, match="--country: 'Atlantis' is not a country"):
        roadmaps.roadmap_command(shipped, region="X", country="Atlantis", out=tmp_path)
    assert roadmaps.country_name("se") == "Sweden" and roadmaps.country_name("Poland") == "Poland"


def test_regions_csv_gives_one_target_per_row(shipped):
    found = roadmaps.targets(shipped, {"regions": str(PROJECT / "sources" / "regions.csv")})
    names = [t.outputs[0] for t in found]
    assert "roadmaps/ile-de-france-green-digital-skills.docx" in names
    assert "roadmaps/skelleftea-green-resilience-skills-value-chains.docx" in names
    assert "roadmaps/lodz-digital-innovation-internationalisation.docx" in names
    assert all(t.deps["region"] for t in found)


def test_a_bad_region_row_names_file_row_and_column(shipped, tmp_path):
    regions = tmp_path / "regions.csv"
    shutil.copy(PROJECT / "sources" / "regions.csv", regions)
    edit(regions, "Łódź,PL,digital", "Łódź,PL,digitl")
    with pytest.raises(SourceError) as caught:
        roadmaps.targets(shipped, {"regions": str(regions)})
    assert re.search(r"regions\.csv:4: column 'priorities': unknown priority 'digitl' \(allowed: green, ",
                     str(caught.value))
    edit(regions, "Łódź,PL,digitl", "Łódź,Narnia,digital")
    with pytest.raises(SourceError, match=r"regions\.csv:4: column 'country'"):
        roadmaps.targets(shipped, {"regions": str(regions)})


def test_editing_one_example_changes_only_the_roadmaps_that_show_it(shipped, sources):
    from pipeline.load import load

    edit(sources / "examples.csv", "Covasna Business Incubator", "Covasna Business Incubator (edited)")
    edited = load(sources)
    before = {t.name: fingerprint(t, "v") for t in roadmaps.targets(shipped, {})}
    after = {t.name: fingerprint(t, "v") for t in roadmaps.targets(edited, {})}
    changed = {name for name in before if before[name] != after[name]}
    showing = {f"{c.priority.id}-{c.challenge.id}" for c in shipped.cells()
               if any(e.name == "Covasna Business Incubator" for e in c.examples)}
    assert showing and changed == showing


def test_the_build_writes_the_default_set(shipped, tmp_path):
    from pipeline.build import run_targets

    summary = run_targets(shipped, roadmaps.targets(shipped, {})[:2], out=tmp_path, jobs=1, progress=False)
    assert len(summary.built) == 2 and not summary.failed
    written = sorted(p.name for p in (tmp_path / "roadmaps").iterdir())
    assert written == ["green-innovation.docx", "green-skills.docx"]


def test_the_template_generator_is_reproducible_and_marks_the_template():
    from pipeline.render.roadmap_template import MARKER_PROPERTY, MARKER_VALUE, build_template

    first, second = build_template(), build_template()
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        custom = archive.read("docProps/custom.xml").decode()
        styles = archive.read("word/styles.xml").decode()
    assert f'name="{MARKER_PROPERTY}"' in custom and MARKER_VALUE in custom
    for style in ("Roadmap Table", "Roadmap Fill-in Table", "Fill-in Note", "Cover Title", "Hyperlink"):
        assert f'w:val="{style}"' in styles


@pytest.mark.slow
def test_libreoffice_converts_a_roadmap_to_pdf_with_the_text(shipped, multi, default_set, tmp_path):
    if not shutil.which("soffice") or not shutil.which("pdftotext"):
        pytest.skip("LibreOffice or poppler not installed")
    profile = tmp_path / "profile"
    one_cell = tmp_path / "green-skills.docx"  # its section 3 used to end alone on a page
    one_cell.write_bytes(default_set["roadmaps/green-skills.docx"])
    run = subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
                          "pdf", "--outdir", str(tmp_path), str(multi), str(one_cell)], capture_output=True,
                         text=True, timeout=180)
    pdf = tmp_path / (multi.stem + ".pdf")
    assert pdf.exists() and (tmp_path / "green-skills.pdf").exists(), run.stderr
    for converted in (pdf, tmp_path / "green-skills.pdf"):  # no page holds only the tail of a table
        assert min(_filled_depths(converted)[:-1]) > 0.3, converted.name
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = re.sub(r"\s+", " ", text)
    for expected in ("Cluster policy roadmap", "Skellefteå", "Sweden", 'R&D <office> "Q"',
                     "Green transition × Skills", "4.1 Stakeholder engagement", "4.4 Action plan",
                     "5. New examples and actions you propose", "Covasna Business Incubator"):
        assert expected in flat, expected
    assert "{{" not in text and "{%" not in text
    from pypdf import PdfReader

    uris = {annot.get_object()["/A"].get("/URI") for page in PdfReader(pdf).pages
            for annot in page.get("/Annots", []) if annot.get_object().get("/Subtype") == "/Link"}
    covasna = next(e for e in shipped.examples if e.name == "Covasna Business Incubator")
    assert covasna.link in uris  # the example names stay clickable in the PDF


def _filled_depths(pdf: Path) -> list[float]:
    """How far down each page its text reaches (0 top, 1 bottom), running header and footer left out."""
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    depths = []
    for height, words in re.findall(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', boxes, re.S):
        bottoms = [float(y) / float(height) for y in re.findall(r'yMax="([\d.]+)"', words)]
        depths.append(max((b for b in bottoms if 0.08 < b < 0.92), default=0.0))
    return depths


def _template_with(old: str, new: str) -> bytes:
    source = (PROJECT / "templates" / "roadmap.docx").read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "word/document.xml":
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode(), 1)
            dst.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("old, new, words", [
    ("{{ contact or", "{{ contcat or", "'contcat' is undefined"),
    ("{{ group.title }}", "{{ group.title }", "TemplateSyntaxError"),
])
def test_a_broken_tag_in_the_template_is_a_one_line_error(shipped, old, new, words):
    context = roadmaps.roadmap_context(shipped, roadmaps.default_specs(shipped)[0][0])
    with pytest.raises(PipelineError) as caught:
        roadmaps.render_roadmap(shipped, context, _template_with(old, new))
    assert str(caught.value).startswith("templates/roadmap.docx: ") and words in str(caught.value)
    assert "\n" not in str(caught.value)


def test_control_characters_pasted_into_values_do_not_break_the_document(shipped):
    spec = roadmaps.make_spec(shipped, region="Skellefteå\x0b\x07 kommun", country="SE", priorities="green",
                              challenges="skills", contact="a\x0cb")
    document = open_docx(roadmaps.render_roadmap(shipped, roadmaps.roadmap_context(shipped, spec)))
    text = all_text(document)
    assert "Skellefteå kommun" in text and "ab" in text


def test_regenerating_the_template_never_overwrites_word_edits(tmp_path, monkeypatch, capsys):
    from pipeline.render import roadmap_template

    copy = tmp_path / "roadmap.docx"
    copy.write_bytes(roadmap_template.TEMPLATE.read_bytes() + b"restyled in Word")
    monkeypatch.setattr(roadmap_template, "TEMPLATE", copy)
    assert roadmap_template.main([]) == 2
    assert copy.read_bytes().endswith(b"restyled in Word")
    assert "rerun with --force" in capsys.readouterr().err
    assert roadmap_template.main(["--force"]) == 0
    assert copy.read_bytes() == roadmap_template.build_template()
    assert roadmap_template.main([]) == 0 and "up to date" in capsys.readouterr().out


def test_invoke_roadmap_keeps_a_roadmap_filled_in_place(shipped, tmp_path):
    import docx

    from pipeline.errors import PipelineError
    from pipeline.render.roadmaps import roadmap_command

    args = dict(region="Skellefteå", country="SE", priorities="digital", challenges="skills", out=tmp_path)
    path = roadmap_command(shipped, **args)
    assert roadmap_command(shipped, **args) == path  # our own, unchanged: regenerated freely
    document = docx.Document(path)
    document.add_paragraph("Stakeholder workshop held.")
    document.core_properties.revision = 2  # what Word does on save
    document.save(path)
    filled = path.read_bytes()
    with pytest.raises(PipelineError, match="move it away to keep it, or use --force"):
        roadmap_command(shipped, **args)
    assert path.read_bytes() == filled
    roadmap_command(shipped, **args, force=True)
    assert path.read_bytes() != filled
