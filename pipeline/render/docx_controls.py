"""Word drop-down content controls (w:sdt with w:dropDownList) for the cells a consultant chooses from.

A control still showing its placeholder carries w:showingPlcHdr; `invoke harvest` reads that as empty,
and a chosen item as the item's text (labels such as "Green transition" are turned into ids there).
"""
from __future__ import annotations

from xml.sax.saxutils import quoteattr

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PLACEHOLDER = "Choose an item."  # Word's own wording; harvest treats it as empty, whatever the flag says
PLACEHOLDER_STYLE = "PlaceholderText"


def placeholder_style(document) -> None:
    """Word's grey "Placeholder Text" character style, which the controls' placeholder uses."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import RGBColor

    if "Placeholder Text" not in [s.name for s in document.styles]:
        style = document.styles.add_style("Placeholder Text", WD_STYLE_TYPE.CHARACTER)
        style.font.color.rgb = RGBColor.from_string("808080")
        style.element.set(f"{{{W}}}styleId", PLACEHOLDER_STYLE)


def drop_down(paragraph, control_id: int, alias: str, tag: str, items: list[tuple[str, str]]) -> None:
    """Put a drop-down of (shown text, value) items into `paragraph`, showing its placeholder."""
    from docx.oxml import parse_xml

    entries = "".join(f"<w:listItem w:displayText={quoteattr(text)} w:value={quoteattr(value)}/>"
                      for text, value in items)
    paragraph._p.append(parse_xml(
        f'<w:sdt xmlns:w="{W}"><w:sdtPr><w:alias w:val={quoteattr(alias)}/><w:tag w:val={quoteattr(tag)}/>'
        f'<w:id w:val="{control_id}"/><w:showingPlcHdr/><w:dropDownList>{entries}</w:dropDownList></w:sdtPr>'
        f'<w:sdtContent><w:r><w:rPr><w:rStyle w:val="{PLACEHOLDER_STYLE}"/></w:rPr><w:t>{PLACEHOLDER}</w:t>'
        f"</w:r></w:sdtContent></w:sdt>"))
