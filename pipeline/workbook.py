"""`invoke workbook`: every tabular source in one .xlsx for editors who live in Excel or LibreOffice.

One sheet per table (named like its CSV), header row frozen and bold, columns sized to their content,
drop-down lists on the id columns (priority, challenge, function, area, recommendation, example, action,
country). Loading the workbook gives the same model as loading the CSVs (tests/test_workbook.py).
"""
from __future__ import annotations

import io
from pathlib import Path

from .load import TABLES, read_tables, validate_table
from .load_yaml import load_taxonomy
from .outputs import atomic_write_bytes
from .sources.texts import read_yaml

LISTS_SHEET = "lists"  # hidden sheet holding the drop-down values; the loader ignores it


def _vocabularies(sources: Path, tables) -> dict[str, list[str]]:
    import pycountry

    tx = load_taxonomy(read_yaml(sources / "taxonomy.yaml"))
    printed = {r["country"] for r in tables["examples"].rows if r["country"]}
    countries = sorted(printed | {c.name for c in pycountry.countries})
    return {
        "priority": [t.id for t in tx.priorities],
        "challenge": [t.id for t in tx.challenges],
        "function": [t.id for t in tx.functions],
        "area": [t.id for t in tx.areas],
        "recommendation": [r["id"] for r in tables["recommendations"].rows],
        "example": [r["id"] for r in tables["examples"].rows],
        "action": [r["id"] for r in tables["actions"].rows],
        "country": countries,
    }


def build_workbook(sources: Path) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    tables = read_tables(sources)
    vocab = _vocabularies(sources, tables)
    tx = load_taxonomy(read_yaml(sources / "taxonomy.yaml"))
    terms = {d: {t.id: t for t in getattr(tx, d)} for d in ("priorities", "challenges", "functions", "areas")}
    for name, spec in TABLES.items():
        validate_table(tables[name], spec, terms)  # never export what would not load back

    book = Workbook()
    book.remove(book.active)
    lists = book.create_sheet(LISTS_SHEET)
    ranges = {}
    for col, (key, values) in enumerate(vocab.items(), start=1):
        letter = get_column_letter(col)
        lists.cell(1, col, key)
        for row, value in enumerate(values, start=2):
            lists.cell(row, col, value)
        ranges[key] = f"{LISTS_SHEET}!${letter}$2:${letter}${max(2, len(values) + 1)}"
    lists.sheet_state = "hidden"

    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="1F4E79")
    for name in TABLES:
        table = tables[name]
        sheet = book.create_sheet(name, index=len(book.sheetnames) - 1)
        sheet.append(list(table.columns))
        for row in table.rows:
            sheet.append([row[c] for c in table.columns])
            for cell in sheet[sheet.max_row]:
                cell.data_type = "s"  # text stays text: '=HYPERLINK(...)' is a name, not a live formula
        last = max(2, len(table.rows) + 1) + 200  # room for new rows
        for column_cells in sheet.iter_cols(min_row=2, max_row=last, max_col=len(table.columns)):
            for cell in column_cells:
                cell.number_format = "@"  # Text: what an editor types stays text (no dates, no numbers)
        for cell in sheet[1]:
            cell.font, cell.fill = header_font, header_fill
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
        for col, column in enumerate(table.columns, start=1):
            letter = get_column_letter(col)
            width = max([len(column)] + [len(r[column]) for r in table.rows[:500]])
            sheet.column_dimensions[letter].width = min(60, max(10, width + 2))
            if width > 60:
                for cell in sheet[letter][1:]:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            key = column
            if key in ranges:
                check = DataValidation(type="list", formula1=f"={ranges[key]}", allow_blank=True,
                                       errorStyle="warning", showErrorMessage=True,
                                       errorTitle=f"Unknown {key}",
                                       error=f"Not a known {key}; check the spelling (the checker will report it).")
                check.add(f"{letter}2:{letter}{last}")
                sheet.add_data_validation(check)
    book.active = 0
    stamp = _edition_datetime(sources)
    book.properties.created = book.properties.modified = stamp
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _edition_datetime(sources: Path):
    import datetime as dt

    from .load_yaml import load_document

    edition = load_document(read_yaml(sources / "document.yaml")).edition_date
    return dt.datetime.combine(edition, dt.time())


def write_workbook(sources: Path, out: Path, force: bool = False) -> Path:
    """Write the workbook; an existing file outside output/ may hold an editor's work: keep it unless `force`."""
    from .errors import PipelineError

    generated = Path(out).resolve().is_relative_to((Path.cwd() / "output").resolve())
    if Path(out).exists() and not generated and not force:
        raise PipelineError(f"{out} exists and may hold edits; pass --force to replace it")
    return atomic_write_bytes(out, build_workbook(sources))
