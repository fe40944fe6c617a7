"""The CSV source tables as accept edits them: rows in, rows out, the same bytes where nothing changed.

The shipped CSV files are what csv.writer writes (minimal quoting, "\\n"), so reading and writing a
table back without a change gives the same bytes and `git diff` shows only what accept added.
Provenance and edition columns a table lacks are appended at its end, empty for the existing rows.
"""
from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Origin, SourceError
from ..outputs import atomic_write_text

TABLES = ("examples", "cell_examples", "actions")


@dataclass
class CsvTable:
    name: str
    path: Path
    original: str
    columns: list[str]
    rows: list[dict[str, str]] = field(default_factory=list)
    added: int = 0
    changed: bool = False  # an existing row was edited (a merge added a link)

    @classmethod
    def read(cls, sources: Path, name: str) -> "CsvTable":
        path = Path(sources) / f"{name}.csv"
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except FileNotFoundError:
            raise SourceError(Origin(str(path)), "file not found (accept writes into the CSV sources)") from None
        except UnicodeDecodeError:
            raise SourceError(Origin(str(path)), "not UTF-8 text") from None
        records = list(csv.reader(io.StringIO(text)))
        if not records:
            raise SourceError(Origin(str(path), row=1), "no header row")
        columns = records[0]
        rows = [dict(zip(columns, r + [""] * (len(columns) - len(r)))) for r in records[1:]]
        return cls(name, path, text, columns, rows)

    def ensure(self, columns: tuple[str, ...]) -> None:
        for column in columns:
            if column not in self.columns:
                self.columns.append(column)

    def append(self, row: dict[str, str]) -> None:
        self.ensure(tuple(k for k, v in row.items() if v))
        self.rows.append(row)
        self.added += 1

    def text(self) -> str:
        if not self.added and not self.changed:
            return self.original
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow([row.get(c, "") for c in self.columns])
        return buffer.getvalue()

    def diff(self) -> str:
        """A unified diff; when columns were appended, the existing rows' empty new columns are not shown."""
        new = self.text()
        if new == self.original:
            return ""
        shown = f"sources/{self.path.name}"
        old_lines = self.original.splitlines(True)
        old_columns = next(csv.reader(io.StringIO(self.original)))
        if old_columns == self.columns:
            return "".join(difflib.unified_diff(old_lines, new.splitlines(True), f"a/{shown}", f"b/{shown}", n=0))
        # the same rows written with the old columns: the diff then shows only real edits and added rows
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(old_columns)
        kept = len(self.rows) - self.added
        for i, row in enumerate(self.rows):
            writer.writerow([row.get(c, "") for c in (old_columns if i < kept else self.columns)])
        body = "".join(difflib.unified_diff(old_lines, buffer.getvalue().splitlines(True), f"a/{shown}",
                                            f"b/{shown}", n=0))
        appended = [c for c in self.columns if c not in old_columns]
        note = f"# {shown}: columns appended (empty in the existing rows): {', '.join(appended)}\n"
        return note + body

    def write(self) -> bool:
        new = self.text()
        if new == self.original:
            return False
        atomic_write_text(self.path, new)
        return True


def read_tables(sources: Path) -> dict[str, CsvTable]:
    return {name: CsvTable.read(sources, name) for name in TABLES}
