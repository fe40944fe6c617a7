"""Editions as data: `sources/editions.yaml`, and which records belong to which edition.

An edition is like a released version in a package index: the published ones are never edited in
place, only superseded. Every table row may say `since` (the edition it first appears in; default:
the first edition) and `withdrawn` (the edition it is dropped in), and so may every YAML item and every
Markdown file's front matter (keys of the same names). A build is of one edition and sees
exactly that edition's rows; the errata of that edition and of the ones before it are applied on top
(pipeline/errata.py).

Without an editions file the sources are one published edition, the one document.yaml names.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import Origin, PipelineError, SourceError
from .sources.tables import Row, Table, display_path
from .sources.texts import list_entries, read_yaml

EDITIONS_FILE = "editions.yaml"
EDITION_COLUMNS = ("since", "withdrawn")
PUBLISHED, IN_PREPARATION = "published", "in preparation"
STATUSES = (PUBLISHED, IN_PREPARATION)
EDITION_KEYS = ("id", "title", "date", "status", "note")


@dataclass(frozen=True)
class Edition:
    id: str
    title: str
    date: dt.date
    status: str
    order: int  # 0 for the first edition
    origin: Origin
    note: str = ""

    @property
    def published(self) -> bool:
        return self.status == PUBLISHED


@dataclass(frozen=True)
class Editions:
    """The editions in order, oldest first."""

    items: tuple[Edition, ...]
    origin: Origin

    @functools.cached_property
    def ids(self) -> list[str]:  # asked once per row of every table: computed once
        return [e.id for e in self.items]

    @property
    def first(self) -> Edition:
        return self.items[0]

    @property
    def latest(self) -> Edition:
        return self.items[-1]

    def get(self, edition_id: str | None) -> Edition:
        """The edition named (the latest for None), or a one-line error listing the known ones."""
        if not edition_id:
            return self.latest
        for e in self.items:
            if e.id == str(edition_id):
                return e
        raise PipelineError(f"{self.origin}: no edition '{edition_id}' (editions: {', '.join(self.ids)})")

    def previous(self, edition: Edition) -> Edition | None:
        return self.items[edition.order - 1] if edition.order > 0 else None

    def contains(self, since: str, withdrawn: str, edition: Edition) -> bool:
        """Whether a record with these `since`/`withdrawn` ids is part of `edition`."""
        first = self.get(since).order if since else 0
        last = self.get(withdrawn).order if withdrawn else len(self.items)
        return first <= edition.order < last


def read_editions(sources: Path) -> Editions:
    """`sources/editions.yaml`, checked: ids unique, dates in order, only the last may be in preparation."""
    path = Path(sources) / EDITIONS_FILE
    if not path.exists():
        return _implicit(Path(sources))
    doc = read_yaml(path)
    hint = "editions (id, title, date, status), oldest first"
    if not doc.data:
        raise SourceError(doc.origin.at(line=1), f"expected a list of {hint}")
    items: list[Edition] = []
    for i, where, item in list_entries(doc, EDITION_KEYS, hint, "id, title, date and status"):
        for key in ("id", "title", "date", "status"):
            if item.get(key) in (None, ""):
                raise SourceError(where, f"edition {i + 1}: missing required key '{key}'")
        edition_id = str(item["id"]).strip()
        if edition_id in {e.id for e in items}:
            raise SourceError(doc.at(f"[{i}].id"), f"duplicate edition id '{edition_id}'")
        date = item["date"]
        if not isinstance(date, dt.date):
            try:
                date = dt.date.fromisoformat(str(date))
            except ValueError:
                raise SourceError(doc.at(f"[{i}].date"), f"'{date}' is not a date (YYYY-MM-DD)") from None
        status = str(item["status"]).strip()
        if status not in STATUSES:
            raise SourceError(doc.at(f"[{i}].status"),
                              f"unknown status '{status}' (expected: {' or '.join(STATUSES)})")
        if items and date < items[-1].date:
            raise SourceError(doc.at(f"[{i}].date"), f"{date} is before the previous edition's date "
                              f"{items[-1].date}; list editions oldest first")
        if items and not items[-1].published:
            raise SourceError(where, f"edition '{items[-1].id}' is still in preparation; only the last "
                              "edition may be")
        items.append(Edition(edition_id, str(item["title"]).strip(), date, status, i, where,
                             str(item.get("note") or "").strip()))
    return Editions(tuple(items), doc.origin)


def _implicit(sources: Path) -> Editions:
    """No editions file: one published edition, as document.yaml names it."""
    doc = read_yaml(sources / "document.yaml")
    edition = (doc.data or {}).get("edition") if isinstance(doc.data, dict) else None
    edition = edition if isinstance(edition, dict) else {}
    date = edition.get("date")
    if not isinstance(date, dt.date):
        try:
            date = dt.date.fromisoformat(str(date))
        except ValueError:
            date = dt.date(1970, 1, 1)  # load_document reports the bad date with its line
    ident = str(edition.get("id") or "1")
    return Editions((Edition(ident, ident, date, PUBLISHED, 0, doc.at("edition")),), doc.origin)


# -- records of one edition ----------------------------------------------------------------------

def _check_ids(editions: Editions, row: Row) -> tuple[str, str]:
    since, withdrawn = row["since"], row["withdrawn"]
    if not since and not withdrawn:
        return since, withdrawn  # most rows: in every edition
    for col, value in (("since", since), ("withdrawn", withdrawn)):
        if value and value not in editions.ids:
            raise SourceError(row.where(col), f"unknown edition '{value}' (editions in "
                              f"{display_path(Path(editions.origin.file))}: {', '.join(editions.ids)})")
    if since and withdrawn and editions.get(withdrawn).order <= editions.get(since).order:
        raise SourceError(row.where("withdrawn"), f"withdrawn in '{withdrawn}', which is not after "
                          f"its first edition '{since}'")
    return since, withdrawn


def item_in_edition(editions: Editions, edition: Edition, doc, item, path: str) -> bool:
    """Whether a YAML item (a reference, a figure, a taxonomy term) or a Markdown file's front matter
    (`path` "") belongs to `edition`: the same optional `since`/`withdrawn` keys as a table's columns,
    checked the same way, an unknown edition naming the file:line of the key."""
    if not isinstance(item, dict):
        return True  # the loader names what is wrong with an item that is not a mapping
    values = {}
    for key in EDITION_COLUMNS:
        value = item.get(key)
        values[key] = "" if value is None else str(value).strip()
        if values[key] and values[key] not in editions.ids:
            raise SourceError(doc.at(f"{path}.{key}" if path else key),
                              f"'{key}': unknown edition '{values[key]}' (editions in "
                              f"{display_path(Path(editions.origin.file))}: {', '.join(editions.ids)})")
    since, withdrawn = values["since"], values["withdrawn"]
    if since and withdrawn and editions.get(withdrawn).order <= editions.get(since).order:
        raise SourceError(doc.at(f"{path}.withdrawn" if path else "withdrawn"),
                          f"withdrawn in '{withdrawn}', which is not after its first edition '{since}'")
    return editions.contains(since, withdrawn, edition)


def select_rows(tables: dict[str, Table], editions: Editions, edition: Edition) -> dict[str, Table]:
    """Each table with only the rows of `edition`, and without the `since`/`withdrawn` columns."""
    out = {}
    for name, table in tables.items():
        if not any(col in table.columns for col in EDITION_COLUMNS):
            out[name] = table
            continue
        rows = []
        decided: dict[tuple, bool] = {}  # (since, withdrawn) -> in this edition: checked once per pair
        for row in table.rows:
            get = row.values.get
            pair = (get("since", ""), get("withdrawn", ""))
            keep = decided.get(pair)
            if keep is None:
                keep = decided[pair] = editions.contains(*_check_ids(editions, row), edition)
            if keep:  # the row itself: its since/withdrawn values stay, no reader looks past the columns
                rows.append(row)
        columns = tuple(c for c in table.columns if c not in EDITION_COLUMNS)
        out[name] = replace(table, columns=columns, rows=rows)
    return out


def row_editions(table: Table, editions: Editions) -> list[tuple[Row, str, str]]:
    """Every row of a table with its (since, withdrawn), for tools that look across editions."""
    return [(row, *_check_ids(editions, row)) for row in table.rows]


def edition_output(sources: Path, edition_id: str | None, out: Path | str | None) -> Path:
    """Where a build of an edition writes: `out` when given; else output/ for the latest edition and
    output/editions/<id>/ for an earlier one, so building the 2021 edition never replaces the current one."""
    if out is not None:
        return Path(out)
    editions = read_editions(sources)
    edition = editions.get(edition_id)
    return Path("output") if edition.id == editions.latest.id else Path("output") / "editions" / edition.id


def waivers_of_edition(waivers: list, sources: Path, edition_id: str) -> list:
    """The waivers that apply to one edition: those without `until`, and those whose `until` edition is
    this one or a later one (a slip corrected by an erratum is still printed in the editions before it)."""
    if not any(w.until for w in waivers):
        return waivers
    editions = read_editions(sources)
    current = editions.get(edition_id) if edition_id in editions.ids else editions.latest
    out = []
    for w in waivers:
        if w.until and w.until not in editions.ids:
            raise SourceError(w.origin, f"'until': unknown edition '{w.until}' (editions: {', '.join(editions.ids)})")
        if not w.until or editions.get(w.until).order >= current.order:
            out.append(w)
    return out
