"""The roadmap template's house styles and OOXML building blocks (python-docx plus raw WordprocessingML).

Every look of the roadmap is a named style made here, so restyling one style in Word changes every place
that uses it; pipeline/render/roadmap_template.py lays the document out with these pieces.
"""
from __future__ import annotations

import re

FONT = "Open Sans"  # the house font (templates/fonts/); set as the theme font so Word's Design > Fonts works
NAVY, ACCENT, PALE, GREY = "1B365D", "2E86AB", "EEF3F8", "5F6B7A"
FILL_IN, FILL_IN_EDGE = "FFF8E1", "E0A800"  # pale yellow with an amber edge: "write here"

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def wtag(tag: str) -> str:
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
        _put(rpr, rpr.makeelement(wtag("spacing"), {wtag("val"): str(int(spacing_pt * 20))}), RPR_ORDER)
    style.quick_style = True
    return style


def _box(style, fill: str, edge: str) -> None:
    """Paragraph shading with a thick left rule: the 'fill this in' look."""
    ppr = style.element.get_or_add_pPr()
    borders = ppr.makeelement(wtag("pBdr"), {})
    borders.append(borders.makeelement(wtag("left"), {wtag("val"): "single", wtag("sz"): "24", wtag("space"): "6",
                                                    wtag("color"): edge}))
    _put(ppr, borders, PPR_ORDER)
    _put(ppr, ppr.makeelement(wtag("shd"), {wtag("val"): "clear", wtag("color"): "auto", wtag("fill"): fill}), PPR_ORDER)
    _put(ppr, ppr.makeelement(wtag("ind"), {wtag("left"): "160", wtag("right"): "60"}), PPR_ORDER)


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

    rpr = document.styles.element.find(f"{wtag('docDefaults')}/{wtag('rPrDefault')}/{wtag('rPr')}")
    for tag in ("sz", "szCs"):
        for old in rpr.findall(wtag(tag)):
            rpr.remove(old)
    lang = rpr.find(wtag("lang"))
    for xml in (f'<w:sz xmlns:w="{W}" w:val="20"/>', f'<w:szCs xmlns:w="{W}" w:val="20"/>'):
        lang.addprevious(parse_xml(xml))


KEEP_TABLE_STYLES = ("TableNormal", "TableGrid")


def _prune_table_styles(document) -> None:
    """python-docx's stock styles.xml spells out 130 Office 2007 table styles (350 kB parsed for every
    roadmap); Word offers its own built-in ones anyway, so only ours and the basic two are kept."""
    root = document.styles.element
    for style in root.findall(wtag("style")):
        if style.get(wtag("type")) == "table" and style.get(wtag("styleId")) not in KEEP_TABLE_STYLES:
            root.remove(style)


def add_styles(document) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt, RGBColor

    _prune_table_styles(document)
    _set_theme_fonts(document)
    _defaults(document)
    normal = _paragraph_style(document, "Normal", after=6)
    normal.paragraph_format.line_spacing = 1.15
    _paragraph_style(document, "Heading 1", size=16, bold=True, color=NAVY, before=18, after=8, keep_next=True)
    h1 = document.styles["Heading 1"].element.get_or_add_pPr()  # a rule under each chapter heading
    rule = h1.makeelement(wtag("pBdr"), {})
    rule.append(rule.makeelement(wtag("bottom"), {wtag("val"): "single", wtag("sz"): "8", wtag("space"): "4",
                                                wtag("color"): ACCENT}))
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

def add_table(document, style_id: str, widths_cm: list[float], rows: int, *, header: bool = True,
           first_column: bool = False, min_height_cm: float | None = None):
    """A fixed-layout table of the given style, column widths and row count."""
    from docx.oxml import parse_xml
    from docx.shared import Cm

    table = document.add_table(rows=rows, cols=len(widths_cm))
    tbl_pr = table._tbl.tblPr
    style = tbl_pr.find(wtag("tblStyle"))
    if style is None:
        style = tbl_pr.makeelement(wtag("tblStyle"), {})
        tbl_pr.insert(0, style)
    style.set(wtag("val"), style_id)
    look = tbl_pr.find(wtag("tblLook"))
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
        tr_pr.append(tr_pr.makeelement(wtag("cantSplit"), {}))
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(wtag("gridCol")), widths_cm):
        col.set(wtag("w"), str(int(width * 567)))
    if header:
        tr_pr = table.rows[0]._tr.get_or_add_trPr()
        tr_pr.append(tr_pr.makeelement(wtag("tblHeader"), {}))
    return table


def cell_text(cell, text: str, style: str = "Table Text") -> None:
    paragraph = cell.paragraphs[0]
    paragraph.style = style
    paragraph.text = text


def add_field(paragraph, instruction: str, placeholder: str = "1") -> None:
    """A Word field (PAGE, NUMPAGES): Word and LibreOffice fill it in when they lay out the page."""
    from docx.oxml import parse_xml

    for xml in (f'<w:r xmlns:w="{W}"><w:fldChar w:fldCharType="begin"/></w:r>',
                f'<w:r xmlns:w="{W}"><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>',
                f'<w:r xmlns:w="{W}"><w:fldChar w:fldCharType="separate"/></w:r>',
                f'<w:r xmlns:w="{W}"><w:t>{placeholder}</w:t></w:r>',
                f'<w:r xmlns:w="{W}"><w:fldChar w:fldCharType="end"/></w:r>'):
        paragraph._p.append(parse_xml(xml))


def tag_paragraph(document, text: str):
    """A paragraph holding only a docxtpl control tag; docxtpl removes the paragraph when rendering."""
    return document.add_paragraph(text, style="Normal")


def loop_rows(table, start: str, end: str, cells: list[str], style: str = "Table Text") -> None:
    """Rows 1-3 of `table` become: `{%tr for %}`, the repeated row, `{%tr endfor %}`."""
    cell_text(table.rows[1].cells[0], start, style)
    for cell, text in zip(table.rows[2].cells, cells):
        cell_text(cell, text, style)
    cell_text(table.rows[3].cells[0], end, style)


def shade(cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    tc_pr.append(tc_pr.makeelement(wtag("shd"), {wtag("val"): "clear", wtag("color"): "auto", wtag("fill"): fill}))
