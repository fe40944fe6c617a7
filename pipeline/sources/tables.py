"""Spreadsheet readers: CSV files and .xlsx/.ods workbooks, through pandas.

A table comes back as a list of Row: the header's column names, each value a clean string, and the
Origin of the row (file, sheet, spreadsheet row number). Noise that spreadsheets add is removed here:
a UTF-8 BOM, Windows line endings, non-breaking spaces, surrounding whitespace, trailing empty rows,
numbers that Excel turned into floats ("12.0").
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, replace
from pathlib import Path

from .. import limits
from ..errors import Origin, SourceError

WORKBOOK_SUFFIXES = (".xlsx", ".ods")
_FLOAT_INT = re.compile(r"^-?\d+\.0$")
_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f]+")
# Around a ".0": what a cell clean() turns from "12.0" into "12" has before and after it (separators: the
# start or end of the text, a comma, a quote, a line end; spaces; the digits).
_BEFORE_FLOAT = re.compile(r'(?:\A|[,"\r\n])\s*-?\d+\Z')
_AFTER_FLOAT = re.compile(r'\s*(?:[,"\r\n]|\Z)')


def _may_hold_float_cell(text: str) -> bool:
    """Whether some cell of a CSV text may be a number Excel wrote as "12.0". Looked for around each ".0"
    (a long run of digits counts as one): "Industry 4.0" in 10,000 example names is not one, and no longer
    sends every row of the file through clean()."""
    at = text.find(".0")
    while at >= 0:
        if _AFTER_FLOAT.match(text, at + 2) and _BEFORE_FLOAT.search(text[max(0, at - 40):at]):
            return True
        at = text.find(".0", at + 1)
    return False


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


_READ: dict[tuple[str, str], "Table"] = {}  # (path, text) -> table: loading two editions reads once
_READ_KEEP = 16  # the tables of one source folder
_NOISE = ("\r", "\t", "\u00a0", "\u2007", "\u202f", "  ")  # what clean() would change inside a text


def _noisy(text: str) -> bool:
    """Whether `text` holds any _NOISE: str.find per piece, ten times faster than one regex alternation
    (which tried every position of a 7 MB table)."""
    return any(piece in text for piece in _NOISE)


def clean(value) -> str:
    """One cell as text, with spreadsheet noise removed."""
    if type(value) is str and not _noisy(value):
        text = value.strip()  # the common case (50,000-row tables): nothing else to remove
        if not text.endswith(".0"):
            return text
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
    limits.check_size(path, shown)
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


def check_header(columns, origin: Origin) -> None:
    """Two columns of one name: which one wins would be a silent choice; refuse it."""
    seen: dict[str, int] = {}
    for number, name in enumerate(columns, start=1):
        if name in seen:
            raise SourceError(origin.at(row=1), f"column '{name}' appears twice in the header row "
                                                f"(columns {seen[name]} and {number}); keep one", field=name)
        seen[name] = number


def read_csv(path: Path) -> Table:
    """A CSV table. The csv module, not pandas, so that row numbers are the file's own lines
    even when a quoted value spans lines, and `invoke check` need not import pandas."""
    import csv

    shown = display_path(path)
    origin = Origin(shown)
    text = read_text(path)
    cached = _READ.get((shown, text))
    if cached is not None:  # the same file, unchanged: a check reads the sources once per edition
        return replace(cached, rows=list(cached.rows))
    if not text.strip():
        raise SourceError(origin, "the file is empty (expected a header row)")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
        columns = tuple(clean(c) for c in header)
        if any(not c for c in columns):
            raise SourceError(origin.at(row=1), "a column has no name in the header row")
        check_header(columns, origin)
        rows: list[Row] = []
        start = reader.line_num + 1
        limit = limits.max_rows(path.stem)
        may_clean = _noisy(text) or _may_hold_float_cell(text)  # else no cell has more than its ends to clean
        new, file_origin = object.__new__, origin.__dict__
        for values in reader:
            if len(rows) >= limit:
                raise limits.too_many_rows(origin, path.stem, start)
            if len(values) > len(columns) and any(clean(v) for v in values[len(columns):]):
                raise SourceError(origin.at(row=start),
                                  f"{len(values)} values but the header has {len(columns)} columns")
            if may_clean and (_noisy(joined := "\x1f".join(values)) or ".0" in joined):
                cells = {col: clean(v) for col, v in zip(columns, values)}
            else:  # nothing to clean but the ends (most rows; same result as clean())
                cells = dict(zip(columns, map(str.strip, values)))
            if any(cells.values()):  # blank and trailing empty rows carry nothing
                # origin.at(row=start) and Row(cells, where) without the frozen dataclasses' __init__, which
                # sets each field through object.__setattr__: a sixth of reading 65,000 rows
                where = new(Origin)
                where.__dict__.update(file_origin, row=start)
                row = new(Row)
                row_fields = row.__dict__
                row_fields["values"], row_fields["origin"] = cells, where
                rows.append(row)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise SourceError(origin.at(row=reader.line_num), f"not a valid CSV row ({exc})") from None
    table = Table(path.stem, columns, rows, origin)
    if len(_READ) >= _READ_KEEP:
        _READ.pop(next(iter(_READ)))
    _READ[(shown, text)] = table
    return replace(table, rows=list(rows))


def read_workbook(path: Path) -> dict[str, Table]:
    """Every sheet of an .xlsx or .ods workbook, by sheet name.

    Strict: a formula, a date or a number where the tables hold text is an error at sheet:row:column,
    never a value read silently wrong (a formula's link read as empty, a name as "2021-11-22 00:00:00").
    """
    shown = display_path(path)
    if not path.exists():
        raise SourceError(Origin(shown), "file not found")
    limits.check_zip(path, shown)  # before any XML is parsed: a zip bomb is refused in milliseconds
    try:
        if path.suffix.lower() == ".ods":
            sheets = _ods_sheets(path)
        else:
            sheets = _xlsx_sheets(path)
    except SourceError:
        raise
    except Exception as exc:  # zip, XML and engine errors all mean "not a readable workbook"
        raise SourceError(Origin(shown), f"not a readable {path.suffix} workbook ({type(exc).__name__})") from None
    return {name: _cells_to_table(rows, name, Origin(shown, sheet=name)) for name, rows in sheets.items()}


def _xlsx_sheets(path: Path) -> dict[str, list]:
    """Cell values as read by openpyxl, formulas as formulas (not their cached, possibly stale, value)."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=False)
    try:
        sheets = {}
        for sheet in book.worksheets:
            if sheet.sheet_state != "visible":
                continue  # the drop-down lists `invoke workbook` hides
            rows = []
            for cells in sheet.iter_rows():
                rows.append([_FORMULA(c.value) if c.data_type == "f" else c.value for c in cells])
                if len(rows) > limits.MAX_ROWS + 1:
                    break
            sheets[sheet.title] = rows
        return sheets
    finally:
        book.close()


def _ods_sheets(path: Path) -> dict[str, list]:
    """Cell values typed as in the file (ods.py): formulas as formulas, dates as dates, as for .xlsx."""
    from . import ods

    return ods.sheets(path, formula=_FORMULA)


class _FORMULA(str):
    """A cell holding a formula (its text starts with '=')."""


def _strict(value, origin: Origin) -> str:
    import datetime as dt

    if isinstance(value, _FORMULA):
        raise SourceError(origin, f"a formula ({value[:40]}); type the text itself, formulas are not read")
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        raise SourceError(origin, f"a date cell ({value}) where text is expected; format the cell as Text "
                                  "and type the value again")
    if isinstance(value, bool):
        raise SourceError(origin, f"a true/false cell ({value}) where text is expected; format the cell as Text")
    if isinstance(value, (int, float)) and value == value:
        raise SourceError(origin, f"a number cell ({clean(value)}) where text is expected; format the cell "
                                  "as Text and type the value again")
    return clean(value)


def _cells_to_table(rows: list, name: str, origin: Origin) -> Table:
    header = [clean(v) for v in rows[0]] if rows else []
    while header and not header[-1]:
        header.pop()
    if any(not c for c in header):
        raise SourceError(origin.at(row=1), "a column has no name in the header row")
    check_header(header, origin)
    table_rows: list[Row] = []
    limit = limits.max_rows(name)
    for number, values in enumerate(rows[1:], start=2):
        cells = {col: _strict(v, origin.at(row=number, column=col)) for col, v in zip(header, values)}
        extra = [v for v in values[len(header):] if clean(v)]
        if extra:
            raise SourceError(origin.at(row=number), f"a value right of the last named column ('{header[-1]}')")
        if any(cells.values()):  # blank separator and trailing rows carry nothing
            if len(table_rows) >= limit:
                raise limits.too_many_rows(origin, name, number)
            table_rows.append(Row(cells, origin.at(row=number)))
    return Table(name, tuple(header), table_rows, origin)
