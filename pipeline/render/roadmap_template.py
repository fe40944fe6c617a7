"""Writes templates/roadmap.docx: the Word template of the consultants' roadmap, with docxtpl tags.

    .venv/bin/python -m pipeline.render.roadmap_template

The .docx is the thing people restyle (in Word: Design > Fonts/Colours, Modify Style, Table Design);
this script only makes the first version reproducibly. Once someone has restyled the .docx in Word,
do not run it again unless you mean to start over. Every look is a named style, never direct formatting,
so restyling one style changes every place that uses it:

    paragraph styles  Title-like "Cover Kicker", "Cover Title", "Cover Region", "Cover Country";
                      "Heading 1-3", "Normal", "Intro", "Fill-in Note", "Hint", "Table Text", "List Bullet"
    character style   "Hyperlink"
    table styles      "Roadmap Table" (toolkit content), "Roadmap Fill-in Table" (blank, for the consultant),
                      "Roadmap Cover" (the coloured block on the cover)

The tags (the README lists every variable) are plain text in the document: `{{ region }}`,
`{{r ... }}` for rich text (links), `{%p ... %}` paragraph and `{%tr ... %}` table-row loops.
The document is marked as ours by the custom property MARKER_PROPERTY, which `invoke harvest` checks.
"""
from __future__ import annotations

import re

from ..paths import TEMPLATES

TEMPLATE = TEMPLATES / "roadmap.docx"
MARKER_PROPERTY = "CPT_Roadmap"  # custom document property: "this is one of our roadmaps"
MARKER_VALUE = "cluster-policy-toolkit-roadmap/1"
FONT = "Open Sans"  # the house font (templates/fonts/); set as the theme font so Word's Design > Fonts works

NAVY, ACCENT, PALE, GREY = "1B365D", "2E86AB", "EEF3F8", "5F6B7A"
FILL_IN, FILL_IN_EDGE = "FFF8E1", "E0A800"  # pale yellow with an amber edge: "write here"

# The consultant's blank tables: (heading, intro, columns with widths in cm, blank rows).
FILL_IN_TABLES = (
    ("4.1 Stakeholder engagement",
     "Who takes part, in what role, and what each has committed to.",
     (("Organisation", 5.0), ("Role in the roadmap", 6.0), ("Commitment", 6.0)), 6),
    ("4.2 Governance",
     "The bodies and mechanisms that steer the roadmap and take decisions.",
     (("Body or mechanism", 4.2), ("Members", 4.4), ("Responsibilities", 5.0), ("Meets / decides how", 3.4)), 4),
    ("4.3 Resources",
     "What the roadmap needs and who pays for it.",
     (("Item", 6.0), ("Source of funding", 5.0), ("Amount (EUR)", 3.0), ("Period", 3.0)), 5),
    ("4.4 Action plan",
     "The specific actions, who leads them, when, and how success is measured.",
     (("Action", 4.6), ("Lead", 2.6), ("Start", 1.9), ("End", 1.9), ("Indicator", 3.2), ("Target", 2.8)), 6),
    ("4.5 Monitoring and assessment",
     "How progress is followed and assessed over time.",
     (("Indicator", 4.6), ("Baseline", 3.0), ("Target", 3.0), ("Frequency", 3.0), ("Owner", 3.4)), 5),
)

# The table `invoke harvest` reads back. It is found by these header words, not by its place. It sits on a
# landscape page (25.7 cm of text width) whose column widths fit every header word and every drop-down item
# whole in Open Sans 8.5 pt bold (tests/test_roadmap_template.py measures them).
PROPOSALS_HEADING = "5. New examples and actions you propose"
PROPOSALS_COLUMNS = (("Kind (example or action)", 2.8, "kind"),
                     ("Name of the example, or text of the action", 5.7, "name"),
                     ("Country", 2.3, "country"), ("Link (web address)", 4.0, "link"),
                     ("Priority", 2.9, "priority"), ("Challenge", 3.2, "challenge"),
                     ("Function", 2.8, "function"), ("Note", 2.0, "note"))  # 25.7 cm
PROPOSAL_ROWS = 6
CHOICES = ("kind", "priority", "challenge", "function")  # the columns with drop-down content controls

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


# Schema order of the children of w:pPr and w:rPr: Word calls a file with them out of order corrupt.
PPR_ORDER = ("pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr "
             "shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN "
             "bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
             "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange").split()
RPR_ORDER = ("rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
             "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd "
             "fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath").split()


def _put(parent, child, order: list[str]) -> None:
    """Insert `child` where the schema wants it among `parent`'s children."""
    later = set(order[order.index(child.tag.split("}")[1]) + 1:])
    for existing in parent:
        if isinstance(existing.tag, str) and existing.tag.split("}")[1] in later:
            existing.addprevious(child)
            return
    parent.append(child)


# -- styles ----------------------------------------------------------------------------------------

def _set_theme_fonts(document) -> None:
    """Open Sans as the theme's heading and body font: every style inherits it, Design > Fonts changes it."""
    for part in document.part.package.iter_parts():
        if part.partname.endswith("theme1.xml"):
            xml = part.blob.decode("utf-8")
            for block in ("majorFont", "minorFont"):
                xml = re.sub(rf'(<a:{block}>\s*<a:latin typeface=")[^"]*(")', rf"\g<1>{FONT}\2", xml)
            part._blob = xml.encode("utf-8")


def _paragraph_style(document, name: str, *, base: str = "Normal", size: float | None = None,
                     bold: bool | None = None, italic: bool | None = None, color: str | None = None,
                     before: float | None = None, after: float | None = None, caps: bool = False,
                     spacing_pt: float | None = None, keep_next: bool = False):
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt, RGBColor

    styles = document.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if name != base and style.base_style is None and name != "Normal":
        style.base_style = styles[base]
    font = style.font
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    if color is not None:
        font.color.rgb = RGBColor.from_string(color)
    font.all_caps = caps or None
    fmt = style.paragraph_format
    if before is not None:
        fmt.space_before = Pt(before)
    if after is not None:
        fmt.space_after = Pt(after)
    if keep_next:
        fmt.keep_with_next = True
    if spacing_pt is not None:  # letter spacing, for the small capitals of the cover kicker
        rpr = style.element.get_or_add_rPr()
        _put(rpr, rpr.makeelement(_w("spacing"), {_w("val"): str(int(spacing_pt * 20))}), RPR_ORDER)
    style.quick_style = True
    return style


def _box(style, fill: str, edge: str) -> None:
    """Paragraph shading with a thick left rule: the 'fill this in' look."""
    ppr = style.element.get_or_add_pPr()
    borders = ppr.makeelement(_w("pBdr"), {})
    borders.append(borders.makeelement(_w("left"), {_w("val"): "single", _w("sz"): "24", _w("space"): "6",
                                                    _w("color"): edge}))
    _put(ppr, borders, PPR_ORDER)
    _put(ppr, ppr.makeelement(_w("shd"), {_w("val"): "clear", _w("color"): "auto", _w("fill"): fill}), PPR_ORDER)
    _put(ppr, ppr.makeelement(_w("ind"), {_w("left"): "160", _w("right"): "60"}), PPR_ORDER)


def _table_style(document, style_id: str, name: str, *, header_fill: str, header_color: str,
                 band_fill: str | None, body_fill: str | None = None, first_column_fill: str | None = None,
                 border: str = "BFC8D6", font_half_points: int = 17) -> None:
    """A table style with a coloured header row; Word's Table Design tab edits it as a whole."""
    from docx.oxml import parse_xml

    def shd(fill: str) -> str:
        return f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>'

    edges = "".join(f'<w:{e} w:val="single" w:sz="4" w:space="0" w:color="{border}"/>'
                    for e in ("top", "left", "bottom", "right", "insideH", "insideV"))
    body = f"<w:tcPr>{shd(body_fill)}</w:tcPr>" if body_fill else ""
    band = (f'<w:tblStylePr w:type="band1Horz"><w:tblPr/><w:tcPr>{shd(band_fill)}</w:tcPr></w:tblStylePr>'
            if band_fill else "")
    first_col = (f'<w:tblStylePr w:type="firstCol"><w:rPr><w:b/><w:color w:val="{NAVY}"/></w:rPr><w:tblPr/>'
                 f"<w:tcPr>{shd(first_column_fill)}</w:tcPr></w:tblStylePr>" if first_column_fill else "")
    xml = (
        f'<w:style xmlns:w="{W}" w:type="table" w:customStyle="1" w:styleId="{style_id}">'
        f'<w:name w:val="{name}"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="40"/><w:qFormat/>'
        f'<w:pPr><w:spacing w:before="40" w:after="40" w:line="252" w:lineRule="auto"/></w:pPr>'
        f'<w:rPr><w:sz w:val="{font_half_points}"/><w:szCs w:val="{font_half_points}"/></w:rPr>'
        f'<w:tblPr><w:tblBorders>{edges}</w:tblBorders>'
        f'<w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="100" w:type="dxa"/>'
        f'<w:bottom w:w="57" w:type="dxa"/><w:right w:w="100" w:type="dxa"/></w:tblCellMar></w:tblPr>'
        f"{body}"
        f'<w:tblStylePr w:type="firstRow"><w:pPr><w:keepNext/></w:pPr>'
        f'<w:rPr><w:b/><w:color w:val="{header_color}"/></w:rPr><w:tblPr/>'
        f'<w:trPr><w:tblHeader/></w:trPr><w:tcPr>{shd(header_fill)}</w:tcPr></w:tblStylePr>'
        f"{band}{first_col}</w:style>"
    )
    document.styles.element.append(parse_xml(xml))


def _defaults(document) -> None:
    """Body size as a document default. Body text keeps the automatic colour: a colour in "Normal" would
    beat the table styles' white header text (Word: table style < paragraph style < run), and one in the
    defaults makes LibreOffice paint the links in it too."""
    from docx.oxml import parse_xml

    rpr = document.styles.element.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
    for tag in ("sz", "szCs"):
        for old in rpr.findall(_w(tag)):
            rpr.remove(old)
    lang = rpr.find(_w("lang"))
    for xml in (f'<w:sz xmlns:w="{W}" w:val="20"/>', f'<w:szCs xmlns:w="{W}" w:val="20"/>'):
        lang.addprevious(parse_xml(xml))


KEEP_TABLE_STYLES = ("TableNormal", "TableGrid")


def _prune_table_styles(document) -> None:
    """python-docx's stock styles.xml spells out 130 Office 2007 table styles (350 kB parsed for every
    roadmap); Word offers its own built-in ones anyway, so only ours and the basic two are kept."""
    root = document.styles.element
    for style in root.findall(_w("style")):
        if style.get(_w("type")) == "table" and style.get(_w("styleId")) not in KEEP_TABLE_STYLES:
            root.remove(style)


def _styles(document) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt, RGBColor

    _prune_table_styles(document)
    _set_theme_fonts(document)
    _defaults(document)
    normal = _paragraph_style(document, "Normal", after=6)
    normal.paragraph_format.line_spacing = 1.15
    _paragraph_style(document, "Heading 1", size=16, bold=True, color=NAVY, before=18, after=8, keep_next=True)
    h1 = document.styles["Heading 1"].element.get_or_add_pPr()  # a rule under each chapter heading
    rule = h1.makeelement(_w("pBdr"), {})
    rule.append(rule.makeelement(_w("bottom"), {_w("val"): "single", _w("sz"): "8", _w("space"): "4",
                                                _w("color"): ACCENT}))
    _put(h1, rule, PPR_ORDER)
    _paragraph_style(document, "Heading 2", size=12.5, bold=True, color=ACCENT, before=14, after=4, keep_next=True)
    _paragraph_style(document, "Heading 3", size=10.5, bold=True, color=NAVY, before=10, after=3, keep_next=True)
    _paragraph_style(document, "Cover Kicker", size=9, bold=True, color="FFFFFF", before=6, after=18,
                     caps=True, spacing_pt=1.5)
    _paragraph_style(document, "Cover Title", size=30, bold=True, color="FFFFFF", before=0, after=4)
    _paragraph_style(document, "Cover Region", size=20, bold=False, color="FFD166", before=0, after=2)
    _paragraph_style(document, "Cover Country", size=12, color="FFFFFF", before=0, after=10)
    _paragraph_style(document, "Intro", size=10, color=GREY, italic=False, after=8)
    _paragraph_style(document, "Hint", size=8.5, italic=True, color=GREY, before=3, after=10, keep_next=True)
    _paragraph_style(document, "Table Text", size=8.5, before=0, after=0)
    fill_in = _paragraph_style(document, "Fill-in Note", size=9, bold=True, color="7A5A00", before=2, after=6,
                               keep_next=True)
    _box(fill_in, FILL_IN, FILL_IN_EDGE)
    bullet = document.styles["List Bullet"]
    bullet.paragraph_format.space_after = Pt(3)
    for name in ("Header", "Footer"):
        _paragraph_style(document, name, size=8, color=GREY)

    names = [s.name for s in document.styles]
    link = (document.styles["Hyperlink"] if "Hyperlink" in names
            else document.styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER))
    link.font.color.rgb = RGBColor.from_string("1F5FAD")
    link.font.underline = True

    _table_style(document, "RoadmapTable", "Roadmap Table", header_fill=NAVY, header_color="FFFFFF",
                 band_fill="F4F7FB", first_column_fill=PALE)
    _table_style(document, "RoadmapFillinTable", "Roadmap Fill-in Table", header_fill="DCE6F0",
                 header_color=NAVY, band_fill=None, body_fill="FFFDF3", border="C9B98A")
    _table_style(document, "RoadmapCover", "Roadmap Cover", header_fill=NAVY, header_color="FFFFFF",
                 band_fill=None, body_fill=NAVY, border=NAVY)


# -- building blocks -------------------------------------------------------------------------------

def _table(document, style_id: str, widths_cm: list[float], rows: int, *, header: bool = True,
           first_column: bool = False, min_height_cm: float | None = None):
    """A fixed-layout table of the given style, column widths and row count."""
    from docx.oxml import parse_xml
    from docx.shared import Cm

    table = document.add_table(rows=rows, cols=len(widths_cm))
    tbl_pr = table._tbl.tblPr
    style = tbl_pr.find(_w("tblStyle"))
    if style is None:
        style = tbl_pr.makeelement(_w("tblStyle"), {})
        tbl_pr.insert(0, style)
    style.set(_w("val"), style_id)
    look = tbl_pr.find(_w("tblLook"))
    if look is not None:
        tbl_pr.remove(look)
    val = 0x20 * header + 0x80 * first_column + 0x400  # the legacy bit mask some readers still use
    tbl_pr.append(parse_xml(
        f'<w:tblLook xmlns:w="{W}" w:val="{val:04X}" w:firstRow="{int(header)}" w:lastRow="0" '
        f'w:firstColumn="{int(first_column)}" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'))
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm):
            cell.width = Cm(width)
        if min_height_cm:
            row.height = Cm(min_height_cm)
        tr_pr = row._tr.get_or_add_trPr()  # a row is never cut in two by a page break
        tr_pr.append(tr_pr.makeelement(_w("cantSplit"), {}))
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(_w("gridCol")), widths_cm):
        col.set(_w("w"), str(int(width * 567)))
    if header:
        tr_pr = table.rows[0]._tr.get_or_add_trPr()
        tr_pr.append(tr_pr.makeelement(_w("tblHeader"), {}))
    return table


def _cell_text(cell, text: str, style: str = "Table Text") -> None:
    paragraph = cell.paragraphs[0]
    paragraph.style = style
    paragraph.text = text


def _field(paragraph, instruction: str, placeholder: str = "1") -> None:
    """A Word field (PAGE, NUMPAGES): Word and LibreOffice fill it in when they lay out the page."""
    from docx.oxml import parse_xml

    for xml in (f'<w:r xmlns:w="{W}"><w:fldChar w:fldCharType="begin"/></w:r>',
                f'<w:r xmlns:w="{W}"><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>',
                f'<w:r xmlns:w="{W}"><w:fldChar w:fldCharType="separate"/></w:r>',
                f'<w:r xmlns:w="{W}"><w:t>{placeholder}</w:t></w:r>',
                f'<w:r xmlns:w="{W}"><w:fldChar w:fldCharType="end"/></w:r>'):
        paragraph._p.append(parse_xml(xml))


def _tag(document, text: str):
    """A paragraph holding only a docxtpl control tag; docxtpl removes the paragraph when rendering."""
    return document.add_paragraph(text, style="Normal")


def _loop_rows(table, start: str, end: str, cells: list[str], style: str = "Table Text") -> None:
    """Rows 1-3 of `table` become: `{%tr for %}`, the repeated row, `{%tr endfor %}`."""
    _cell_text(table.rows[1].cells[0], start, style)
    for cell, text in zip(table.rows[2].cells, cells):
        _cell_text(cell, text, style)
    _cell_text(table.rows[3].cells[0], end, style)


# -- the document ----------------------------------------------------------------------------------

def _cover(document) -> None:
    from docx.shared import Cm

    block = _table(document, "RoadmapCover", [17.0], 1, header=False)
    cell = block.rows[0].cells[0]
    _cell_text(cell, "Cluster Policy Toolkit · Phase 4 · Developing a roadmap", "Cover Kicker")
    for text, style in (("Cluster policy roadmap", "Cover Title"), ("{{ region }}", "Cover Region"),
                        ("{{ country or '' }}", "Cover Country")):
        cell.add_paragraph(text, style=style)
    block.rows[0].height = Cm(6.2)

    document.add_paragraph("", style="Normal")
    rows = (("Region", "{{ region }}"), ("Country", "{{ country or '–' }}"),
            ("Thematic priorities (phase 1)", "{{ choices.priorities }}"),
            ("Strategic challenges (phase 2)", "{{ choices.challenges }}"),
            ("Cluster functions (phase 3)", "{{ choices.functions }}"),
            ("Contact", "{{ contact or '–' }}"),
            ("Prepared from", "{{ source.series }}: {{ source.title }} (edition {{ source.edition }})"),
            ("Toolkit edition date", "{{ source.date }}"))
    details = _table(document, "RoadmapTable", [5.0, 12.0], len(rows), header=False, first_column=True)
    for row, (label, value) in zip(details.rows, rows):
        _cell_text(row.cells[0], label)
        _cell_text(row.cells[1], value)

    document.add_paragraph("How to use this roadmap", style="Heading 3")
    for text in (
        "Sections 1–3 are pre-filled from the choices you made in phases 1–3 of the toolkit: your thematic "
        "priorities, strategic challenges and cluster functions, the policy actions the toolkit proposes "
        "for them with their examples, and the Expert Group recommendations those actions serve.",
        "Section 4 is yours: the tables marked “To be completed” are blank. Add or delete rows as you need.",
        "Section 5 collects new examples and actions you know of. They are read back into the toolkit, so "
        "keep that table's header row as it is; everything else can be restyled freely.",
    ):
        document.add_paragraph(text, style="List Bullet")
    document.add_paragraph("The policy actions, examples and recommendations are reproduced from "
                           "{{ source.series }}: {{ source.title }}. {{ source.copyright }}.", style="Hint")
    document.add_page_break()


def _choices(document) -> None:
    document.add_paragraph("1. Your choices (phases 1–3)", style="Heading 1")
    document.add_paragraph(
        "The toolkit works through three choices before the roadmap: which transition to support, which "
        "strategic challenges to address, and which cluster functions to use. Write down why.", style="Intro")
    table = _table(document, "RoadmapTable", [4.2, 5.8, 7.0], 4, first_column=True)
    for cell, text in zip(table.rows[0].cells, ("Phase", "Your choice", "Why (to be completed)")):
        _cell_text(cell, text)
    for row, (phase, value) in zip(table.rows[1:], (
            ("1 · Thematic priorities", "{{ choices.priorities }}"),
            ("2 · Strategic challenges", "{{ choices.challenges }}"),
            ("3 · Cluster functions", "{{ choices.functions }}"))):
        _cell_text(row.cells[0], phase)
        _cell_text(row.cells[1], value)
        _cell_text(row.cells[2], "")
        _shade(row.cells[2], FILL_IN)


def _shade(cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    tc_pr.append(tc_pr.makeelement(_w("shd"), {_w("val"): "clear", _w("color"): "auto", _w("fill"): fill}))


def _actions(document) -> None:
    document.add_paragraph("2. Policy actions and examples from the toolkit", style="Heading 1")
    document.add_paragraph(
        "Every policy action the toolkit proposes for your choices, by cluster function, with the examples "
        "it cites. The example names are links to their web pages.", style="Intro")
    _tag(document, "{%p for group in groups %}")
    document.add_paragraph("{{ group.title }}", style="Heading 2")
    document.add_paragraph("Source: Table {{ group.table_number }} of the toolkit, {{ group.table_title }}.",
                           style="Hint")
    table = _table(document, "RoadmapTable", [3.0, 8.6, 5.4], 4, first_column=True)
    for cell, text in zip(table.rows[0].cells, ("Cluster function", "Policy actions", "Examples")):
        _cell_text(cell, text)
    _loop_rows(table, "{%tr for row in group.rows %}", "{%tr endfor %}",
               ["{{ row.function }}", "{{r row.actions }}", "{{r row.examples }}"])
    _tag(document, "{%p endfor %}")


def _recommendations(document) -> None:
    document.add_paragraph("3. Recommendations of the Expert Group these actions serve", style="Heading 1")
    document.add_paragraph(
        "The European Expert Group on Clusters' recommendations (Table {{ recommendations_table }} of the "
        "toolkit) whose actions appear in section 2.", style="Intro")
    _tag(document, "{%p if recommendations %}")
    table = _table(document, "RoadmapTable", [1.6, 11.0, 4.4], 4)
    for cell, text in zip(table.rows[0].cells, ("No.", "Recommendation", "Area")):
        _cell_text(cell, text)
    _loop_rows(table, "{%tr for rec in recommendations %}", "{%tr endfor %}",
               ["{{ rec.number }}", "{{ rec.title }}", "{{ rec.area }}"])
    _tag(document, "{%p else %}")
    document.add_paragraph("None of the actions in section 2 appears in the Expert Group's recommendations.",
                           style="Normal")
    _tag(document, "{%p endif %}")


def _fill_in(document) -> None:
    document.add_page_break()
    document.add_paragraph("4. Your roadmap (phase 4)", style="Heading 1")
    document.add_paragraph(
        "An action plan for {{ region }}: a stakeholder engagement strategy, a governance mechanism, resource "
        "planning, specific actions, and ongoing monitoring and assessment.", style="Intro")
    for heading, intro, columns, blank_rows in FILL_IN_TABLES:
        document.add_paragraph(heading, style="Heading 2")
        document.add_paragraph(f"✎ To be completed by you. {intro} Add or delete rows as you need.",
                               style="Fill-in Note")
        table = _table(document, "RoadmapFillinTable", [w for _, w in columns], blank_rows + 1,
                       min_height_cm=0.75)
        for cell, (text, _) in zip(table.rows[0].cells, columns):
            _cell_text(cell, text)
        for row in table.rows[1:]:
            for cell in row.cells:
                _cell_text(cell, "")


def _choices_of(column: str) -> list[tuple[str, str]]:
    """(shown text, value) of a drop-down: the kinds, or the taxonomy's labels and ids."""
    from ..load import load_taxonomy
    from ..paths import PROJECT
    from ..sources.texts import read_yaml

    if column == "kind":
        return [("Example", "example"), ("Action", "action")]
    taxonomy = load_taxonomy(read_yaml(PROJECT / "sources" / "taxonomy.yaml"))  # the shipped one
    plural = {"priority": "priorities", "challenge": "challenges", "function": "functions"}[column]
    return [(t.label, t.id) for t in getattr(taxonomy, plural)]


def _landscape_section(document) -> None:
    """A new page in landscape for the proposals table (the header and footer follow the first section's)."""
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Cm

    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)


def _proposals(document) -> None:
    from .docx_controls import drop_down, placeholder_style

    _landscape_section(document)
    placeholder_style(document)
    document.add_paragraph(PROPOSALS_HEADING, style="Heading 1")
    document.add_paragraph(
        "The toolkit is a dynamic toolkit: it grows with the examples and actions its users know of. "
        "Add one row per proposal. An example is a programme, project or organisation that shows an action "
        "at work (give its name, country and web address); an action is something policymakers can do "
        "through clusters (give its text).", style="Intro")
    document.add_paragraph("✎ To be completed by you. Keep this table's header row: your proposals are read "
                           "back from it. Choose kind, priority, challenge and function from their lists; "
                           "add rows as you need.", style="Fill-in Note")
    table = _table(document, "RoadmapFillinTable", [w for _, w, _ in PROPOSALS_COLUMNS], PROPOSAL_ROWS + 1,
                   min_height_cm=0.9)
    for cell, (text, _, _) in zip(table.rows[0].cells, PROPOSALS_COLUMNS):
        _cell_text(cell, text)
    control_id = 7001
    for row in table.rows[1:]:
        for cell, (text, _, column) in zip(row.cells, PROPOSALS_COLUMNS):
            _cell_text(cell, "")
            if column in CHOICES:
                drop_down(cell.paragraphs[0], control_id, text.split(" (")[0], f"cpt-{column}", _choices_of(column))
                control_id += 1
    document.add_paragraph(
        "Priority: {{ allowed.priorities }}. Challenge: {{ allowed.challenges }}. "
        "Function: {{ allowed.functions }}. Leave a cell empty when it does not apply.", style="Hint")


def _header_footer(document) -> None:
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import Cm

    section = document.sections[0]
    section.different_first_page_header_footer = True  # the cover has neither
    header = section.header.paragraphs[0]
    header.style = "Header"
    header.text = "Cluster policy roadmap · {{ region }}"
    footer = section.footer.paragraphs[0]
    footer.style = "Footer"
    footer.paragraph_format.tab_stops.add_tab_stop(Cm(17.0), WD_TAB_ALIGNMENT.RIGHT)
    footer.add_run("{{ source.series }}: {{ source.short_title }} · edition {{ source.edition }}\tPage ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")


def _page(document) -> None:
    from docx.shared import Cm

    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.header_distance = section.footer_distance = Cm(1.0)


def _custom_properties(document) -> None:
    """docProps/custom.xml with the marker `invoke harvest` looks for (Word keeps it on every save)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    xml = custom_properties_xml({MARKER_PROPERTY: MARKER_VALUE, "CPT_Region": "", "CPT_Country": ""})
    part = Part(PackURI("/docProps/custom.xml"), CUSTOM_PROPERTIES_TYPE, xml, document.part.package)
    document.part.package.relate_to(part, RT.CUSTOM_PROPERTIES)


CUSTOM_PROPERTIES_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"


def custom_properties_xml(values: dict[str, str]) -> bytes:
    """The custom properties part; values are XML-escaped here."""
    from xml.sax.saxutils import escape

    props = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}" name="{escape(name)}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(values.items(), start=2))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f"{props}</Properties>").encode("utf-8")


def _drop_leftovers(document) -> None:
    """python-docx's stock template ships a thumbnail of itself, a second styles part and an empty paragraph."""
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del package.rels[rel_id]
    for rel_id, rel in list(document.part.rels.items()):  # Word 2010's duplicate of styles.xml
        if rel.reltype.endswith("/stylesWithEffects"):
            del document.part.rels[rel_id]
    settings = document.settings.element
    for child in list(settings):
        if child.tag == _w("savePreviewPicture"):
            settings.remove(child)
    body = document.element.body
    for p in list(body)[:1]:
        if p.tag == _w("p") and not "".join(p.itertext()).strip():
            body.remove(p)


def build_template() -> bytes:
    """The template's bytes (same code -> same bytes, see pipeline.render.roadmaps.package_bytes)."""
    import datetime as dt

    import docx

    from .docx_fonts import embed_font
    from .roadmaps import package_bytes

    document = docx.Document()
    _drop_leftovers(document)
    _styles(document)
    _page(document)
    _cover(document)
    _choices(document)
    _actions(document)
    _recommendations(document)
    _fill_in(document)
    _proposals(document)
    _header_footer(document)
    _custom_properties(document)
    embed_font(document, FONT)
    props = document.core_properties
    fixed = dt.datetime(2021, 11, 22, tzinfo=dt.timezone.utc)
    props.author, props.last_modified_by = "Cluster Policy Toolkit", "Cluster Policy Toolkit"
    props.title = "Cluster policy roadmap"
    props.subject = "Phase 4 of the Cluster Policy Toolkit: developing a roadmap"
    props.keywords, props.comments, props.category = "clusters; roadmap; policy toolkit", "", "Roadmap template"
    props.created = props.modified = fixed
    props.last_printed = fixed
    props.revision = 1
    return package_bytes(document.part.package, fixed.date())


def main(argv: list[str] | None = None) -> int:
    """Write the template; refuse to overwrite one that was restyled in Word unless --force."""
    import sys

    from ..outputs import atomic_write_bytes

    argv = sys.argv[1:] if argv is None else argv
    data, name = build_template(), TEMPLATE.relative_to(TEMPLATE.parent.parent)
    if TEMPLATE.exists() and TEMPLATE.read_bytes() == data:
        print(f"{name} is up to date")
        return 0
    if TEMPLATE.exists() and "--force" not in argv:
        print(f"error: {name} differs from what this script generates (restyled in Word?); "
              "rerun with --force to replace it", file=sys.stderr)
        return 2
    atomic_write_bytes(TEMPLATE, data)
    print(f"wrote {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
