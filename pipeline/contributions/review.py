"""The review queue: output/harvest/review.xlsx (and review.csv), written by harvest, read by accept.

Sheets: `proposals` (one row per proposal, with the editor's `decision` drop-down and `notes`), `plans`
(section 4 of the roadmaps), `answers` (the feedback form's answers), `files` (what each file gave, so a
file with content but no proposal is seen). The xlsx keeps exactly what was typed: every value is a text
cell (number format "@"), so "=SUM(1)" or "+33 1 53 85 53 85" come back as typed; only the CSV copy, which
a spreadsheet would run, gets the neutralising apostrophe.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ..errors import PipelineError
from ..outputs import AtomicFile, atomic_write_text
from .proposal import Answer, FileResult, PlanRow, Proposal

COLUMNS = ("channel", "file", "place", "contributor", "email", "organisation", "date", "kind", "name_or_text",
           "country", "link", "priority", "challenge", "function", "contributor_note", "probably_the_same_as",
           "score", "flags", "problems", "decision", "notes", "key")
EDITOR_COLUMNS = ("decision", "notes")  # what the editor types; carried from one harvest to the next
DECISIONS = ("accept", "merge into <id>", "reject", "later")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET = "proposals"
WIDTHS = {"email": 22, "key": 13, "file": 28, "place": 14, "contributor": 22, "name_or_text": 46, "link": 32,
          "contributor_note": 26, "probably_the_same_as": 36, "flags": 18, "problems": 26, "decision": 26,
          "notes": 30, "score": 7, "date": 11}


def proposal_row(p: Proposal) -> dict[str, str]:
    same = f"probably the same as {p.match_id} ({p.match_name}), {p.match_reason}" if p.match_id else ""
    return {"key": p.key, "channel": p.channel, "file": p.file, "place": p.place, "contributor": p.contributor,
            "email": p.email, "organisation": p.organisation, "date": p.date, "kind": p.kind, "name_or_text": p.name,
            "country": p.country, "link": p.link, "priority": p.priority, "challenge": p.challenge,
            "function": p.function, "contributor_note": p.note, "probably_the_same_as": same,
            "score": "" if p.score is None else str(p.score), "flags": "; ".join(p.flags),
            "problems": "; ".join(p.problems), "decision": "", "notes": ""}


def neutralise(value):
    """Text a spreadsheet would run as a formula gets a leading apostrophe (CSV only)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# -- writing ---------------------------------------------------------------------------------------

def _sheet(book, title: str, columns: list[str], rows: list[list[str]], first: bool = False):
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = book.active if first else book.create_sheet(title)
    sheet.title = title
    sheet.append(list(columns))
    for values in rows:
        sheet.append([None] * len(columns))
        for cell, value in zip(sheet[sheet.max_row], values):
            if value not in (None, ""):
                cell.value = str(value)
                cell.data_type = "s"  # text, even "=SUM(1)": never a formula
            cell.number_format = "@"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=2):  # wrapped text needs its height: not every reader computes it
        lines = max((_lines(str(c.value or ""), WIDTHS.get(columns[c.column - 1], 14)) for c in row), default=1)
        sheet.row_dimensions[row[0].row].height = 15 * min(lines, 12)
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1B365D")
    for i, name in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = WIDTHS.get(name, 14)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    # printed, it is landscape, as wide as the page, with the header row on every page
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    return sheet


def _lines(text: str, width: float) -> int:
    """Lines a wrapped cell of `width` characters takes (a rough estimate, for the row height)."""
    return sum(max(1, -(-len(part) // max(int(width * 1.1), 1))) for part in text.split("\n"))


def _decision_lists(sheet, rows: list[dict]) -> None:
    """A drop-down per row: accept, merge into <the match>, reject, later; other text warns but is kept."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    column = get_column_letter(COLUMNS.index("decision") + 1)
    groups: dict[str, list[str]] = {}
    for n, row in enumerate(rows, start=2):
        match = row["probably_the_same_as"].split(" ")[4] if row["probably_the_same_as"] else ""
        options = ["accept"] + ([f"merge into {match}"] if match else []) + ["reject", "later"]
        groups.setdefault(",".join(options), []).append(f"{column}{n}")
    for options, cells in groups.items():
        rule = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True, errorStyle="warning",
                              showErrorMessage=True, errorTitle="Decision",
                              error="accept, merge into <example or action id>, reject or later")
        for cell in cells:
            rule.add(cell)
        sheet.add_data_validation(rule)


def write_review(path: Path, rows: list[dict], plans: list[PlanRow], answers: list[Answer],
                 files: list[FileResult]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = _sheet(book, SHEET, list(COLUMNS), [[r[c] for c in COLUMNS] for r in rows], first=True)
    _decision_lists(sheet, rows)
    headers: list[str] = []
    for plan in plans:
        headers += [h for h in plan.values if h not in headers]
    _sheet(book, "plans", ["file", "region", "table", "row", *headers],
           [[p.file, p.region, p.table, str(p.row), *(p.values.get(h, "") for h in headers)] for p in plans])
    _sheet(book, "answers", ["file", "contributor", "respondent", "question", "answer"],
           [[a.file, a.contributor, a.respondent, a.question, a.answer] for a in answers])
    _sheet(book, "files", ["file", "channel", "proposals", "plan_rows", "answers", "note"],
           [[f.file, f.channel, str(f.proposals), str(f.plan_rows), str(f.answers), f.note] for f in files])
    with AtomicFile(path) as tmp:
        book.save(tmp)
    return path


def write_csv(rows: list[dict], path: Path) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: neutralise(row[k]) for k in COLUMNS})
    # With a BOM, Excel opens UTF-8 as UTF-8 (Łódź, not Å�Ã³dÅº).
    return atomic_write_text(path, "\ufeff" + buffer.getvalue())


# -- reading back ----------------------------------------------------------------------------------

@dataclass
class ReviewRow:
    sheet: str
    row: int  # as the spreadsheet shows it (header = 1)
    values: dict[str, str]

    @property
    def where(self) -> str:
        return f"{self.sheet}:{self.row}"

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")


def read_review(path: Path) -> list[ReviewRow]:
    """The proposals sheet's rows as text; PipelineError (one line) when it is not a review sheet."""
    from openpyxl import load_workbook

    if not path.exists():
        raise PipelineError(f"{path}: no such file (run `invoke harvest` first)")
    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise PipelineError(f"{path}: not a readable .xlsx workbook ({type(exc).__name__})") from None
    if SHEET not in book.sheetnames:
        raise PipelineError(f"{path}: no sheet named '{SHEET}' (found: {', '.join(book.sheetnames)})")
    rows = list(book[SHEET].iter_rows(values_only=True))
    book.close()
    if not rows:
        raise PipelineError(f"{path}[{SHEET}]: empty sheet")
    header = [str(h or "").strip() for h in rows[0]]
    missing = [c for c in ("key", "kind", "name_or_text", "decision") if c not in header]
    if missing:
        raise PipelineError(f"{path}[{SHEET}]:1: missing column '{missing[0]}'")
    out = []
    for n, values in enumerate(rows[1:], start=2):
        cells = {h: _text(v) for h, v in zip(header, values) if h}
        if any(cells.values()):
            out.append(ReviewRow(SHEET, n, cells))
    return out


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def previous_decisions(path: Path) -> dict[str, dict[str, str]]:
    """key -> the whole row of an earlier review sheet, to carry decisions and queued rows over."""
    if not path.exists():
        return {}
    try:
        return {r["key"]: r.values for r in read_review(path) if r["key"]}
    except PipelineError:
        return {}
