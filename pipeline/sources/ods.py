"""OpenDocument spreadsheets (.ods) read cell by cell from content.xml, keeping what a cell *is*.

pandas' odf engine returns a formula cell's cached value (an `=HYPERLINK(...)` becomes its display text)
and gives no way to tell a date or number cell from text. Reading the XML ourselves, a cell comes back as
the reader of tables.py expects from openpyxl: a `Formula` (the formula text) when it has
`table:formula`, a datetime/float/bool for date, number and boolean cells, else its text. tables.py then
refuses what is not text, with sheet:row:column, exactly as for .xlsx.

The XML is parsed incrementally (iterparse) and runs of repeated empty rows or columns, which spreadsheet
programs write to pad a sheet to a million rows, are counted rather than expanded.
"""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from xml.etree.ElementTree import iterparse

from .. import limits

_NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}
TABLE, ROW, CELL, COVERED = (f"{{{_NS['table']}}}{n}" for n in ("table", "table-row", "table-cell",
                                                                 "covered-table-cell"))
P, SPACE, TAB, BREAK = (f"{{{_NS['text']}}}{n}" for n in ("p", "s", "tab", "line-break"))


def _attr(element, ns: str, name: str, default=None):
    return element.get(f"{{{_NS[ns]}}}{name}", default)


class Formula(str):
    """A cell holding a formula (the formula's text, as the spreadsheet program stored it)."""


def sheets(path: Path, formula=Formula) -> dict[str, list[list]]:
    """Every sheet's rows (lists of cell values, trailing empty cells dropped), by sheet name."""
    out: dict[str, list[list]] = {}
    with zipfile.ZipFile(path) as package, package.open("content.xml") as content:
        rows: list[list] = []
        for event, element in iterparse(content, events=("start", "end")):
            if event == "start":
                if element.tag == TABLE:
                    rows = []
                continue
            if element.tag == ROW:
                cells = _row(element, formula)
                repeat = int(_attr(element, "table", "number-rows-repeated", "1"))
                if cells:
                    rows.extend([list(cells) for _ in range(min(repeat, limits.MAX_ROWS + 2))])
                else:
                    rows.extend([[]] * min(repeat, limits.MAX_ROWS + 2))
                if len(rows) > limits.MAX_ROWS + 1:  # the table reader names the row beyond the limit
                    del rows[limits.MAX_ROWS + 2:]
                element.clear()
            elif element.tag == TABLE:
                while rows and not rows[-1]:
                    rows.pop()
                out[_attr(element, "table", "name", f"Sheet{len(out) + 1}")] = rows
                element.clear()
    return out


def _row(row, formula) -> list:
    cells: list = []
    for cell in row:
        if cell.tag not in (CELL, COVERED):
            continue
        value = _value(cell, formula)
        repeat = int(_attr(cell, "table", "number-columns-repeated", "1"))
        cells.extend([value] * (repeat if value is not None else min(repeat, 1024)))
    while cells and cells[-1] is None:
        cells.pop()
    return cells


def _value(cell, formula):
    """What the cell holds, typed: Formula, datetime, float, bool, text, or None when empty."""
    text = _attr(cell, "table", "formula")
    if text is not None:  # "of:=HYPERLINK(...)": the namespace prefix is the file format's, not the user's
        return formula(re.sub(r"^[a-z]+:(?==)", "", text))
    kind = _attr(cell, "office", "value-type")
    if kind in ("float", "percentage", "currency"):
        return float(_attr(cell, "office", "value", "nan"))
    if kind == "date":
        return dt.datetime.fromisoformat(_attr(cell, "office", "date-value"))
    if kind == "time":
        return dt.time()  # a duration (PT12H): never text; tables.py reports it as a date/time cell
    if kind == "boolean":
        return _attr(cell, "office", "boolean-value") == "true"
    paragraphs = [_text(p) for p in cell if p.tag == P]
    text = "\n".join(paragraphs)
    if not text and kind == "string":
        text = _attr(cell, "office", "string-value", "")
    return text or None


def _text(element) -> str:
    """A paragraph's text with the ODF whitespace elements (text:s, text:tab, text:line-break) expanded."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == SPACE:
            parts.append(" " * int(_attr(child, "text", "c", "1")))
        elif child.tag == TAB:
            parts.append("\t")
        elif child.tag == BREAK:
            parts.append("\n")
        else:  # spans, links: their text
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)
