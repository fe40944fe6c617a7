"""Embedding the house font in a .docx, so Word and LibreOffice lay it out alike where Open Sans is missing.

Word's embedded fonts (ECMA-376 Part 1, 17.8.1): each face is an "obfuscated" TrueType part: the font
with its first 32 bytes XORed with the 16 bytes of a GUID (the `fontKey`, read backwards), related from
word/fontTable.xml, with `w:embedTrueTypeFonts` in the settings. Word and LibreOffice both read it.
The faces are subset to the scripts of Europe (Latin, Greek, Cyrillic and their punctuation) without
hinting: ~50 kB a face instead of ~215 kB, and what a consultant types in any EU language still has glyphs.
The GUIDs come from the face names, so the same fonts give the same bytes.
"""
from __future__ import annotations

import io
import uuid

from ..paths import TEMPLATES

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
FONT_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
FACES = (("embedRegular", "OpenSans-Regular.ttf"), ("embedBold", "OpenSans-Bold.ttf"),
         ("embedItalic", "OpenSans-Italic.ttf"))  # the roadmap uses no bold italic
UNICODES = [*range(0x20, 0x250), *range(0x300, 0x370), *range(0x370, 0x400), *range(0x400, 0x500),
            *range(0x1E00, 0x1F00), *range(0x2000, 0x2070), 0x20AC, 0x2122, *range(0x2190, 0x219A), 0x2212]
# What the template's font entry says about Open Sans, so a reader that cannot use the embedded face
# still picks a humanist sans of the same width class rather than a serif.
PANOSE = "020B0606030504020204"


def subset(path) -> bytes:
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    options = ft_subset.Options()
    options.hinting = False
    options.layout_features = ["kern", "liga", "calt"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = TTFont(str(path), recalcTimestamp=False)
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(unicodes=UNICODES)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def font_key(name: str) -> str:
    return "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"cluster-policy-toolkit/{name}")).upper() + "}"


def obfuscate(data: bytes, key: str) -> bytes:
    """XOR the first 32 bytes with the GUID's 16 bytes in reverse order (the same operation undoes it)."""
    guid = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    head = bytes(b ^ guid[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]


def embed_font(document, family: str = "Open Sans") -> None:
    """Add the bundled faces of `family` to the document's font table and turn embedding on."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from lxml import etree

    table = next(rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable"))
    root = etree.fromstring(table.blob)
    for old in root.findall(f"{{{W}}}font"):
        if old.get(f"{{{W}}}name") == family:
            root.remove(old)
    entry = etree.SubElement(root, f"{{{W}}}font", {f"{{{W}}}name": family})
    for tag, value in (("panose1", PANOSE), ("charset", "00"), ("family", "swiss"), ("pitch", "variable")):
        etree.SubElement(entry, f"{{{W}}}{tag}", {f"{{{W}}}val": value})
    for n, (tag, file_name) in enumerate(FACES, start=1):
        key = font_key(file_name)
        part = Part(PackURI(f"/word/fonts/font{n}.odttf"), OBFUSCATED_FONT,
                    obfuscate(subset(TEMPLATES / "fonts" / file_name), key), document.part.package)
        rel_id = table.relate_to(part, FONT_RELATIONSHIP)
        etree.SubElement(entry, f"{{{W}}}{tag}", {f"{{{R}}}id": rel_id, f"{{{W}}}fontKey": key})
    table._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    settings = document.settings.element
    if settings.find(f"{{{W}}}embedTrueTypeFonts") is None:
        zoom = settings.find(f"{{{W}}}zoom")
        flag = settings.makeelement(f"{{{W}}}embedTrueTypeFonts", {})
        if zoom is not None:
            zoom.addnext(flag)
        else:
            settings.insert(0, flag)
