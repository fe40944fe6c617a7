"""The roadmap template as a consultant fills it: landscape proposals table, drop-downs, embedded font."""
from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from pipeline.contributions import harvest as hv
from pipeline.render import roadmap_template as rt
from pipeline.render import roadmaps
from pipeline.render.docx_controls import PLACEHOLDER
from pipeline.render.docx_fonts import obfuscate
from tests.conftest import SHIPPED
from tests.test_harvest import proposals_table, read_csv

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CELL_MARGINS_CM = 2 * 100 / 567  # the table style's left and right cell margins (100 twips each)
TABLE_PT = 8.5


def text_width_cm(text: str, bold: bool) -> float:
    from fontTools.ttLib import TTFont

    font = TTFont(str(rt.TEMPLATE.parent / "fonts" / f"OpenSans-{'Bold' if bold else 'Regular'}.ttf"))
    cmap, metrics = font.getBestCmap(), font["hmtx"].metrics
    units = sum(metrics[cmap[ord(ch)]][0] for ch in text)
    return units / font["head"].unitsPerEm * TABLE_PT / 72 * 2.54


def test_no_header_word_or_drop_down_item_is_broken_by_its_column():
    for header, width, column in rt.PROPOSALS_COLUMNS:
        room = width - CELL_MARGINS_CM
        for word in header.split():
            assert text_width_cm(word, bold=True) < room, (header, word)
        items = [text for text, _ in rt._choices_of(column)] + [PLACEHOLDER] if column in rt.CHOICES else []
        for item in items:
            assert text_width_cm(item, bold=False) < room, (column, item)
    assert round(sum(w for _, w, _ in rt.PROPOSALS_COLUMNS), 2) == 25.7  # landscape A4 less 2 x 2 cm


@pytest.fixture(scope="module")
def roadmap(shipped, tmp_path_factory) -> Path:
    return roadmaps.roadmap_command(shipped, region="Łódź", country="PL", priorities="green",
                                    challenges="skills", out=tmp_path_factory.mktemp("generated"))


def test_the_proposals_table_is_on_a_landscape_page_with_drop_downs(roadmap):
    import docx
    from docx.enum.section import WD_ORIENT

    document = docx.Document(str(roadmap))
    first, last = document.sections[0], document.sections[-1]
    assert first.orientation == WD_ORIENT.PORTRAIT and last.orientation == WD_ORIENT.LANDSCAPE
    assert last.page_width > last.page_height
    table = proposals_table(document)
    body = document.element.body
    assert table._tbl in list(body)[-3:]  # the last section holds it
    controls = table._tbl.findall(f".//{{{W}}}sdt")
    assert len(controls) == rt.PROPOSAL_ROWS * len(rt.CHOICES)
    tags = {c.find(f"{{{W}}}sdtPr/{{{W}}}tag").get(f"{{{W}}}val") for c in controls}
    assert tags == {f"cpt-{c}" for c in rt.CHOICES}
    priority = next(c for c in controls if c.find(f"{{{W}}}sdtPr/{{{W}}}tag").get(f"{{{W}}}val") == "cpt-priority")
    items = [(i.get(f"{{{W}}}displayText"), i.get(f"{{{W}}}value"))
             for i in priority.iter(f"{{{W}}}listItem")]
    assert items == [("Green transition", "green"), ("Digital transition", "digital"), ("Resilience", "resilience")]


def choose(control, text: str) -> None:
    """What Word does when an item is picked: the text replaces the placeholder, the flag goes."""
    props = control.find(f"{{{W}}}sdtPr")
    props.remove(props.find(f"{{{W}}}showingPlcHdr"))
    t = control.find(f".//{{{W}}}t")
    t.text = text
    run_props = t.getparent().find(f"{{{W}}}rPr")
    t.getparent().remove(run_props)


def test_harvest_reads_the_chosen_items_and_ignores_placeholders(roadmap, tmp_path):
    import docx

    document = docx.Document(str(roadmap))
    table = proposals_table(document)
    row = table.rows[1]
    controls = {c.find(f"{{{W}}}sdtPr/{{{W}}}tag").get(f"{{{W}}}val"): c
                for c in row._tr.iter(f"{{{W}}}sdt")}
    for tag, text in (("cpt-kind", "Example"), ("cpt-priority", "Green transition"), ("cpt-challenge", "Skills"),
                      ("cpt-function", "Business services")):
        choose(controls[tag], text)
    row.cells[1].paragraphs[0].text = "Łódź Green Skills Hub"
    table.rows[2].cells[1].paragraphs[0].text = "A proposal with no choices made"
    path = tmp_path / "chosen.docx"
    document.save(str(path))
    assert hv.harvest_command([str(path)], sources=SHIPPED, out=tmp_path) == 0
    rows = read_csv(tmp_path)
    assert [(r["kind"], r["name_or_text"], r["priority"], r["challenge"], r["function"]) for r in rows] == [
        ("example", "Łódź Green Skills Hub", "green", "skills", "business-services"),
        ("action", "A proposal with no choices made", "", "", "")]
    assert rows[1]["problems"] == "kind missing: read as action"


def test_open_sans_is_embedded_as_obfuscated_fonts(roadmap):
    from fontTools.ttLib import TTFont
    from lxml import etree

    with zipfile.ZipFile(roadmap) as archive:
        table = etree.fromstring(archive.read("word/fontTable.xml"))
        rels = etree.fromstring(archive.read("word/_rels/fontTable.xml.rels"))
        settings = archive.read("word/settings.xml")
        entry = next(f for f in table if f.get(f"{{{W}}}name") == rt.FONT)
        embeds = [e for e in entry if e.tag.split("}")[1].startswith("embed")]
        assert [e.tag.split("}")[1] for e in embeds] == ["embedRegular", "embedBold", "embedItalic"]
        targets = {r.get("Id"): r.get("Target") for r in rels}
        for embed in embeds:
            rel = embed.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
            data = obfuscate(archive.read("word/" + targets[rel]), embed.get(f"{{{W}}}fontKey"))
            font = TTFont(io.BytesIO(data))  # de-obfuscated with its key it is a TrueType font again
            assert font["name"].getDebugName(1) == "Open Sans" and ord("Ł") in font.getBestCmap()
    assert b"embedTrueTypeFonts" in settings


@pytest.mark.slow
def test_libreoffice_without_open_sans_lays_it_out_in_the_embedded_font(roadmap, tmp_path):
    """This machine has no Open Sans installed: LibreOffice must use the embedded faces, not a substitute."""
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice not installed")
    installed = subprocess.run(["fc-list", ":family=Open Sans"], capture_output=True, text=True).stdout
    assert not installed.strip(), "Open Sans is installed system-wide: this test would prove nothing"
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(roadmap)], capture_output=True,
                   timeout=240)
    pdf = tmp_path / (roadmap.stem + ".pdf")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    used = [line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]]
    assert {"OpenSans", "OpenSans-Bold", "OpenSans-Italic"} <= set(used), used
    assert not any(name.startswith(("DejaVuSans-", "LiberationSans")) and "Bold" not in name for name in used)
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(pdf)], capture_output=True, text=True).stdout
    sizes = [line.split(":", 1)[1].split("pts")[0].split(" x ") for line in info.splitlines()
             if line.startswith("Page") and "size" in line]
    widths = [(float(w), float(h)) for w, h in sizes]
    assert widths[0][0] < widths[0][1] and widths[-1][0] > widths[-1][1]  # portrait first, landscape last
    text = subprocess.run(["pdftotext", "-layout", "-f", str(len(widths)), str(pdf), "-"], capture_output=True,
                          text=True).stdout
    assert "Kind" in text and "Challenge" in text and "Function" in text
