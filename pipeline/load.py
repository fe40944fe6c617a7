"""Readers' records -> one normalised Toolkit, or a SourceError naming file, row and field.

The loader refuses what cannot be made into a model (missing files and columns, values outside the
taxonomy, duplicate ids, empty required fields, bad dates). Whether the model is *consistent*
(dangling references, drifted names, incomplete matrix) is the checker's business, not the loader's.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
from dataclasses import dataclass, fields
from pathlib import Path

from . import provenance
from .errors import Origin, SourceError
from .load_yaml import (SLUG, load_document, load_event, load_figures, load_references, load_sections,
                        load_taxonomy)
from .model import Action, CellExample, Example, Recommendation, Table5Action, Table5Example, Term, Toolkit
from .sources.tables import WORKBOOK_SUFFIXES, Row, Table, display_path, read_csv, read_workbook
from .sources.texts import read_yaml


@dataclass(frozen=True)
class TableSpec:
    required: tuple[str, ...]  # columns that must exist and be filled in
    optional: tuple[str, ...] = ()  # columns that may be missing or empty
    key: str | None = None  # the id column, unique within the table
    vocab: tuple[tuple[str, str], ...] = ()  # (column, taxonomy dimension)

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional + tuple(c for c in RECORD_META if c not in self.optional)


CELL = (("priority", "priorities"), ("challenge", "challenges"), ("function", "functions"))
OVERRIDES = ("label", "name", "country", "link", "note", "same_line")
# Provenance (issue 12) and edition (issue 13) columns any record table may carry; `invoke accept` writes them.
RECORD_META = (*provenance.COLUMNS, "since", "withdrawn")

TABLES: dict[str, TableSpec] = {
    "actions": TableSpec(("id", "priority", "challenge", "function", "text"), ("note", *RECORD_META), "id", CELL),
    "examples": TableSpec(("id", "name"), ("country", "link", "note", "featured", "added", "summary", *RECORD_META),
                          "id"),
    "cell_examples": TableSpec(("priority", "challenge", "function", "example"), (*OVERRIDES, *RECORD_META),
                               vocab=CELL),
    "recommendations": TableSpec(("id", "area", "title"), ("note",), "id", (("area", "areas"),)),
    "table5_actions": TableSpec(("recommendation", "function"), ("action", "text", "note"),
                                vocab=(("function", "functions"),)),
    "table5_examples": TableSpec(("recommendation", "function", "example"), OVERRIDES,
                                 vocab=(("function", "functions"),)),
}
# Columns the format requires to exist even though a row may leave them empty.
ALWAYS_PRESENT = {"examples": ("country", "link")}


# -- tables --------------------------------------------------------------------------------------

def find_workbook(sources: Path) -> Path | None:
    """The workbook to read tables from, if sources/ holds one instead of CSV files."""
    books = sorted(p for p in sources.iterdir() if p.suffix.lower() in WORKBOOK_SUFFIXES
                   and not p.name.startswith(("~$", ".~lock")))
    csvs = [name for name in TABLES if (sources / f"{name}.csv").exists()]
    if len(books) > 1:
        raise SourceError(Origin(display_path(sources)),
                          "more than one workbook (" + ", ".join(b.name for b in books) + "); keep one")
    if books and csvs:
        raise SourceError(Origin(display_path(books[0])),
                          f"both this workbook and CSV tables ({csvs[0]}.csv, ...) are in {display_path(sources)}; "
                          "keep one of them")
    return books[0] if books else None


def read_tables(sources: Path, workbook: Path | None = None) -> dict[str, Table]:
    workbook = workbook or find_workbook(sources)
    if workbook is None:
        return {name: read_csv(sources / f"{name}.csv") for name in TABLES}
    sheets = read_workbook(workbook)
    missing = [name for name in TABLES if name not in sheets]
    if missing:
        raise SourceError(Origin(display_path(workbook)),
                          f"no sheet named '{missing[0]}' (found: {', '.join(sheets) or 'none'})")
    return {name: sheets[name] for name in TABLES}


def validate_table(table: Table, spec: TableSpec, vocab: dict[str, dict[str, Term]]) -> list[provenance.Provenance]:
    """Refuse what cannot be loaded (SourceError); the provenance of each row, in order."""
    header = table.origin.at(row=1)
    for col in spec.required + ALWAYS_PRESENT.get(table.name, ()):
        if col not in table.columns:
            raise SourceError(header, f"missing column '{col}' (expected: {', '.join(spec.columns)})")
    for col in table.columns:
        if col not in spec.columns:
            raise SourceError(header, f"unknown column '{col}' (expected: {', '.join(spec.columns)})")
    seen: dict[str, Row] = {}
    required, key_column = spec.required, spec.key
    vocab_columns = [(col, vocab[dimension]) for col, dimension in spec.vocab]
    # a table without provenance columns holds only printed rows: nothing to parse (50,000 citations)
    has_provenance = any(col in table.columns for col in provenance.COLUMNS)
    provenances = []
    for row in table.rows:
        value = row.values.get  # not row[col]: a method call per cell costs at 50,000 rows
        if not all(map(value, required)):
            col = next(c for c in required if not value(c))
            raise SourceError(row.where(col), "empty, but this column is required")
        for col, allowed in vocab_columns:
            if value(col, "") not in allowed:
                raise SourceError(row.where(col), f"unknown value '{row[col]}' "
                                                  f"(expected one of: {', '.join(allowed)})")
        if key_column:
            key = row[key_column]
            if not SLUG.match(key):
                raise SourceError(row.where(key_column), f"'{key}' is not a valid id "
                                  "(lower-case letters, digits and single hyphens)")
            if key in seen:
                raise SourceError(row.where(key_column),
                                  f"duplicate id '{key}' (first used at {seen[key].origin})")
            seen[key] = row
        if has_provenance:  # refuses a reconstructed row without a reason, ...
            provenances.append(provenance.parse(row.values, row.where))
    return provenances if has_provenance else [provenance.PRINTED_AS] * len(table.rows)


def yes(row: Row, column: str) -> bool:
    value = row[column].lower()
    if value in ("", "no", "false", "0"):
        return False
    if value in ("yes", "true", "1"):
        return True
    raise SourceError(row.where(column), f"'{row[column]}' is not yes or no")


# -- the whole toolkit ---------------------------------------------------------------------------

def _records(table: Table, provenances: list, record_class, finish) -> list:
    """One record a row, made as a copy of the row's cells (every column is a field of the same name; a
    column absent, or a short row, gives ""), with its origin and provenance; `finish(row, cells)` sets
    the fields that are not plain text (yes/no, dates). 50,000 citations and 10,000 examples are most of
    what `invoke check` reads: one dict copy a row instead of a lookup per field."""
    names = [f.name for f in fields(record_class)]
    # what a row may hold that is no field: since/withdrawn (kept by select_rows), provenance columns
    extra = [column for column in dict.fromkeys((*table.columns, *RECORD_META)) if column not in names]
    new = object.__new__
    out = []
    for row, prov in zip(table.rows, provenances):
        record = new(record_class)
        cells = record.__dict__
        cells.update(row.values)
        for column in extra:
            cells.pop(column, None)
        cells["origin"], cells["provenance"] = row.origin, prov
        finish(row, cells)
        if len(cells) < len(names):
            for name in names:
                cells.setdefault(name, "")
        out.append(record)
    return out


def _citation_fields(row: Row, cells: dict) -> None:
    cells["same_line"] = yes(row, "same_line") if cells.get("same_line") else False


def _example_fields(row: Row, cells: dict) -> None:
    """`featured` (yes/no) and `added` (YYYY-MM-DD): which examples a crowded cell shows first; `summary`."""
    featured = row["featured"].strip().lower()
    if featured not in ("", "yes", "no"):
        raise SourceError(row.where("featured"), f"'{row['featured']}' is not yes, no or empty")
    added = row["added"].strip()
    if added and not _is_date(added):
        raise SourceError(row.where("added"), f"'{added}' is not a date (YYYY-MM-DD)")
    cells["featured"], cells["added"], cells["summary"] = featured == "yes", added, _summary(row)


@functools.lru_cache(maxsize=4096)
def _is_date(text: str) -> bool:  # ten thousand examples share a few dates
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


SUMMARY_MAX = 100  # characters: at most two lines under the name on the fullest example card


def _summary(row: Row) -> str:
    """`summary`: the one line a card prints under the name ("what it is"); empty when nobody wrote one."""
    summary = row["summary"]
    if "\n" in summary or len(summary) > SUMMARY_MAX:
        raise SourceError(row.where("summary"), f"one line of at most {SUMMARY_MAX} characters, not "
                          f"{len(summary)}{' on several lines' if chr(10) in summary else ''}: a card prints it "
                          "under the example's name")
    return summary


def load(sources: Path | str = "sources", workbook: Path | str | None = None,
         edition: str | None = None) -> Toolkit:
    """Read every source file under `sources` into one Toolkit of one edition (default: the latest),
    its errata applied (or raise SourceError)."""
    with paused_gc():
        return _load(Path(sources), workbook, edition)


@contextlib.contextmanager
def paused_gc():
    """No cyclic garbage collection while records are made by the ten thousand: they all live on, and
    each collection walked every one made so far (a third of reading 65,000 rows). Reference counting
    still frees what is dropped."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _load(sources: Path, workbook, edition: str | None) -> Toolkit:
    from .editions import item_in_edition, read_editions, select_rows
    from .errata import apply_edition

    if not sources.is_dir():
        raise SourceError(Origin(display_path(sources)), "sources folder not found")
    editions = read_editions(sources)
    chosen = editions.get(edition)

    def keep(doc, item, path) -> bool:  # the YAML items and Markdown sections of this edition
        return item_in_edition(editions, chosen, doc, item, path)

    taxonomy = load_taxonomy(read_yaml(sources / "taxonomy.yaml"), keep)
    vocab = {dim: {t.id: t for t in getattr(taxonomy, dim)}
             for dim in ("priorities", "challenges", "functions", "areas")}
    tables = read_tables(sources, Path(workbook) if workbook else None)
    tables = select_rows(tables, editions, chosen)  # the rows of this edition, without since/withdrawn
    provenances = {name: validate_table(tables[name], spec, vocab) for name, spec in TABLES.items()}
    for row in tables["table5_actions"].rows:
        if not row["action"] and not row["text"]:
            raise SourceError(row.where("text"), "empty: give the action's id, its text as printed, or both")

    t = tables

    def rows(name: str):
        return zip(t[name].rows, provenances[name])

    toolkit = Toolkit(
        taxonomy=taxonomy,
        actions=[Action(r["id"], r["priority"], r["challenge"], r["function"], r["text"], r.origin, r["note"], p)
                 for r, p in rows("actions")],
        examples=_records(t["examples"], provenances["examples"], Example, _example_fields),
        cell_examples=_records(t["cell_examples"], provenances["cell_examples"], CellExample, _citation_fields),
        recommendations=[Recommendation(r["id"], r["area"], r["title"], n, r.origin, r["note"], p)
                         for n, (r, p) in enumerate(rows("recommendations"), start=1)],
        table5_actions=[Table5Action(r["recommendation"], r["function"], r["action"], r["text"], r.origin,
                                     r["note"], p) for r, p in rows("table5_actions")],
        table5_examples=_records(t["table5_examples"], provenances["table5_examples"], Table5Example,
                                 _citation_fields),
        sections=load_sections(sources / "text", keep),
        figures=load_figures(read_yaml(sources / "figures.yaml"), keep),
        references=load_references(read_yaml(sources / "references.yaml"), keep),
        document=load_document(read_yaml(sources / "document.yaml")),
        event=load_event(read_yaml(sources / "event.yaml")),
    )
    toolkit.source_files = sorted({tab.origin.file for tab in t.values()})
    return apply_edition(toolkit, sources, editions, chosen, workbook)
