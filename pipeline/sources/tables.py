"""Spreadsheet readers: CSV files and .xlsx/.ods workbooks, through pandas.

A table comes back as a list of Row: the header's column names, each value a clean string, and the
Origin of the row (file, sheet, spreadsheet row number). Noise that spreadsheets add is removed here:
a UTF-8 BOM, Windows line endings, non-breaking spaces, surrounding whitespace, trailing empty rows,
numbers that Excel turned into floats ("12.0").
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import Origin, SourceError

WORKBOOK_SUFFIXES = (".xlsx", ".ods")
_FLOAT_INT = re.compile(r"^-?\d+\.0$")
_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f]+")


@dataclass(frozen=True)
class Row:
    values: dict[str, str]
    origin: Origin

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")

    def where(self, column: str) -> Origin:
        return self.origin.at(column=column)


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    rows: list[Row]
    origin: Origin  # the file (and sheet)


def clean(value) -> str:
    """One cell as text, with spreadsheet noise removed."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN: an empty cell
            return ""
        if value.is_integer():
            return str(int(value))
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACES.sub(" ", text).strip()
    if _FLOAT_INT.match(text):
        text = text[:-2]
    return text


def display_path(path: Path) -> str:
    """The path as the user would type it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_text(path: Path) -> str:
    """A whole file as UTF-8 text (BOM dropped), or a SourceError naming the line of a bad byte."""
    shown = display_path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(Origin(shown), "file not found") from None
    except OSError as exc:
        raise SourceError(Origin(shown), f"cannot read: {exc.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(Origin(shown, line=line),
                          f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8") from None


def _frame_to_table(frame, name: str, origin: Origin, first_row: int) -> Table:
    columns = tuple(clean(c) for c in frame.columns)
    if any(c.startswith("Unnamed:") for c in columns):
        raise SourceError(origin.at(row=1), "a column has no name in the header row")
    rows: list[Row] = []
    for offset, values in enumerate(frame.itertuples(index=False, name=None)):
        cells = {col: clean(v) for col, v in zip(columns, values)}
        rows.append(Row(cells, origin.at(row=first_row + offset)))
    while rows and not any(rows[-1].values.values()):  # trailing empty rows
        rows.pop()
    rows = [r for r in rows if any(r.values.values())]  # blank separator rows carry nothing
    return Table(name, columns, rows, origin)


def read_csv(path: Path) -> Table:
    """A CSV table. The csv module, not pandas, so that row numbers are the file's own lines
    even when a quoted value spans lines, and `invoke check` need not import pandas."""
    import csv

    shown = display_path(path)
    origin = Origin(shown)
    text = read_text(path)
    if not text.strip():
        raise SourceError(origin, "the file is empty (expected a header row)")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
        columns = tuple(clean(c) for c in header)
        if any(not c for c in columns):
            raise SourceError(origin.at(row=1), "a column has no name in the header row")
        rows: list[Row] = []
        start = reader.line_num + 1
        for values in reader:
            if len(values) > len(columns) and any(clean(v) for v in values[len(columns):]):
                raise SourceError(origin.at(row=start),
                                  f"{len(values)} values but the header has {len(columns)} columns")
            cells = {col: clean(v) for col, v in zip(columns, values)}
            if any(cells.values()):  # blank and trailing empty rows carry nothing
                rows.append(Row(cells, origin.at(row=start)))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise SourceError(origin.at(row=reader.line_num), f"not a valid CSV row ({exc})") from None
    return Table(path.stem, columns, rows, origin)


def read_workbook(path: Path) -> dict[str, Table]:
    """Every sheet of an .xlsx or .ods workbook, by sheet name."""
    import pandas as pd

    shown = display_path(path)
    if not path.exists():
        raise SourceError(Origin(shown), "file not found")
    engine = "odf" if path.suffix.lower() == ".ods" else "openpyxl"
    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=str, keep_default_na=False, engine=engine)
    except Exception as exc:  # zip, XML and engine errors all mean "not a readable workbook"
        raise SourceError(Origin(shown), f"not a readable {path.suffix} workbook ({type(exc).__name__})") from None
    return {name: _frame_to_table(frame, name, Origin(shown, sheet=name), first_row=2)
            for name, frame in sheets.items()}
