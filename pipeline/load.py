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
import re
from dataclasses import dataclass
from pathlib import Path

from . import provenance
from .errors import Origin, SourceError
from .model import (Action, Author, CellExample, Document, Event, Example, Figure, Recommendation,
                    Reference, Section, Table5Action, Table5Example, Taxonomy, Term, Toolkit, quick_constructor)
from .sources.tables import WORKBOOK_SUFFIXES, Row, Table, display_path, read_csv, read_workbook
from .sources.texts import YamlDoc, read_markdown, read_yaml

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


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


def yaml_provenance(doc: YamlDoc, item, path: str, fields=()) -> dict:
    """`provenance` and `field_provenance` of one YAML mapping, for a record's keyword arguments."""
    def where(key: str) -> Origin:
        full = f"{path}.{key}" if path else key
        if full in doc.lines:
            return doc.at(full)
        own = next((key[: -len(c)] for c in provenance.COLUMNS if key.endswith(c)), "")  # "url_" of url_status_reason
        status = f"{path}.{own}status" if path else f"{own}status"  # a missing key: point at its status
        return doc.at(status) if status in doc.lines else (doc.at(path) if path else doc.origin)

    return {"provenance": provenance.parse(item, where),
            **({"field_provenance": provenance.field_statuses(item, where, fields)} if fields else {})}


# -- YAML ----------------------------------------------------------------------------------------

def need(doc: YamlDoc, data: dict, key: str, path: str, kind=str):
    """A required value of a YAML mapping, of the given type."""
    full = f"{path}.{key}" if path else key
    if not isinstance(data, dict) or key not in data or data[key] in (None, ""):
        where = doc.at(path) if path else doc.origin
        raise SourceError(where, f"missing required key '{full}'")
    value = data[key]
    if kind is dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise SourceError(doc.at(full), f"'{full}': '{value}' is not a date (YYYY-MM-DD)") from None
    if kind is str and isinstance(value, (int, float)):
        return str(value)
    if not isinstance(value, kind):
        raise SourceError(doc.at(full), f"'{full}' must be a {_KIND_NAMES.get(kind, kind.__name__)}")
    return value.strip() if isinstance(value, str) else value


def opt(data: dict, key: str, default=""):
    value = data.get(key, default) if isinstance(data, dict) else default
    if value is None:
        return default
    return value.strip() if isinstance(value, str) else value


_KIND_NAMES = {list: "list", dict: "mapping", str: "text"}


def load_taxonomy(doc: YamlDoc, keep=None) -> Taxonomy:
    """`keep(doc, item, path)`: whether an item belongs to the edition loaded (editions.item_in_edition)."""
    def terms(key: str) -> tuple[Term, ...]:
        items = need(doc, doc.data, key, "", list)
        out, seen = [], set()
        for i, item in enumerate(items):
            path = f"{key}[{i}]"
            if keep is not None and not keep(doc, item, path):
                continue
            term_id = need(doc, item, "id", path)
            if not SLUG.match(term_id) or term_id in seen:
                raise SourceError(doc.at(f"{path}.id"), f"'{term_id}' is not a unique valid id")
            seen.add(term_id)
            out.append(Term(term_id, need(doc, item, "label", path), i, doc.at(path),
                            opt(item, "table_title"), opt(item, "section_title"),
                            **yaml_provenance(doc, item, path)))
        return tuple(out)

    if not isinstance(doc.data, dict):
        raise SourceError(doc.origin, "expected a mapping with priorities, challenges, functions")
    return Taxonomy(terms("priorities"), terms("challenges"), terms("functions"), terms("recommendation_areas"))


def load_document(doc: YamlDoc) -> Document:
    d = doc.data
    if not isinstance(d, dict):
        raise SourceError(doc.origin, "expected a mapping of keys to values")
    edition = need(doc, d, "edition", "", dict)
    authors = tuple(Author(need(doc, a, "name", f"authors[{i}]"), opt(a, "affiliation"))
                    for i, a in enumerate(need(doc, d, "authors", "", list)))
    return Document(
        title=need(doc, d, "title", ""), subtitle=opt(d, "subtitle"), series=opt(d, "series"),
        running_header=need(doc, d, "running_header", ""), language=need(doc, d, "language", ""),
        edition_id=need(doc, edition, "id", "edition"),
        edition_date=need(doc, edition, "date", "edition", dt.date),
        authors=authors, initiative=opt(d, "initiative"), disclaimer=opt(d, "disclaimer"),
        copyright=opt(d, "copyright"), subject=opt(d, "subject"),
        keywords=tuple(str(k) for k in opt(d, "keywords", []) or ()), origin=doc.origin,
        cover_lines=tuple(str(line).strip() for line in opt(d, "cover_lines", []) or ()),
        authors_heading=str(opt(d, "authors_heading") or "Authors"),
        **yaml_provenance(doc, d, "", DOCUMENT_FIELDS))


DOCUMENT_FIELDS = ("title", "subtitle", "series", "running_header", "initiative", "disclaimer", "copyright",
                   "subject", "keywords", "cover_lines", "edition", "authors_heading")
EVENT_FIELDS = ("name", "organisers", "venue", "city", "country", "start_date", "end_date", "feedback_intro",
                "feedback_questions", "respondent_types")


def load_event(doc: YamlDoc) -> Event:
    d = doc.data
    if not isinstance(d, dict):
        raise SourceError(doc.origin, "expected a mapping of keys to values")
    start = need(doc, d, "start_date", "", dt.date)
    end = need(doc, d, "end_date", "", dt.date)
    if end < start:
        raise SourceError(doc.at("end_date"), f"'end_date' {end} is before 'start_date' {start}")
    email = str(opt(d, "proposals_email") or "")
    if email and not re.fullmatch(r"[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+", email):
        raise SourceError(doc.at("proposals_email"), f"'proposals_email': '{email}' is not an e-mail address")
    return Event(
        name=need(doc, d, "name", ""), organisers=tuple(map(str, opt(d, "organisers", []) or ())),
        venue=opt(d, "venue"), city=opt(d, "city"), country=opt(d, "country"),
        start_date=start, end_date=end, feedback_intro=opt(d, "feedback_intro"),
        feedback_questions=tuple(str(q).strip() for q in need(doc, d, "feedback_questions", "", list)),
        respondent_types=tuple(str(q).strip() for q in opt(d, "respondent_types", []) or ()),
        web_address=_web_address(doc, opt(d, "web_address")), origin=doc.origin,
        proposals_email=email, **yaml_provenance(doc, d, "", EVENT_FIELDS))


def _web_address(doc: YamlDoc, value) -> str:
    """The public address of the web tool (QR codes of "and N more" point into it), or "" if not yet known."""
    value = str(value or "").strip()
    if value and not re.match(r"^https?://[^\s/]+(/[^\s]*)?$", value):
        raise SourceError(doc.at("web_address"), f"'{value}' is not an http(s) address")
    return value if not value or value.endswith("/") else value + "/"


def load_references(doc: YamlDoc, keep=None) -> list[Reference]:
    if not isinstance(doc.data, list):
        raise SourceError(doc.origin, "expected a list of references")
    out, seen = [], {}
    for i, item in enumerate(doc.data):
        path = f"[{i}]"
        if keep is not None and not keep(doc, item, path):
            continue
        ref_id = need(doc, item, "id", path)
        if ref_id in seen:
            raise SourceError(doc.at(f"{path}.id"), f"duplicate id '{ref_id}' (first at {seen[ref_id]})")
        seen[ref_id] = doc.at(path)
        out.append(Reference(ref_id, need(doc, item, "author", path), str(need(doc, item, "year", path)),
                             need(doc, item, "title", path), doc.at(path), opt(item, "publisher"),
                             opt(item, "identifier"), opt(item, "url"),
                             **yaml_provenance(doc, item, path, REFERENCE_FIELDS)))
    return out


REFERENCE_FIELDS = ("author", "year", "title", "publisher", "identifier", "url")
FIGURE_KEYS = {"id", "kind", "caption", "source", "alt", "since", "withdrawn"}  # the rest is the drawing's data


def load_figures(doc: YamlDoc, keep=None) -> list[Figure]:
    if not isinstance(doc.data, list):
        raise SourceError(doc.origin, "expected a list of figures")
    out, seen = [], set()
    for i, item in enumerate(doc.data):
        path = f"[{i}]"
        if keep is not None and not keep(doc, item, path):
            continue
        fig_id = need(doc, item, "id", path)
        if fig_id in seen:
            raise SourceError(doc.at(f"{path}.id"), f"duplicate figure id '{fig_id}'")
        seen.add(fig_id)
        data = {k: v for k, v in provenance.strip_keys(item).items() if k not in FIGURE_KEYS}
        out.append(Figure(fig_id, need(doc, item, "kind", path), need(doc, item, "caption", path),
                          opt(item, "source"), need(doc, item, "alt", path), data, doc.at(path),
                          **yaml_provenance(doc, item, path, tuple(data)),
                          lines={k: v for k, v in doc.lines.items() if k.startswith(path + ".")}))
    return out


def load_sections(text_dir: Path, keep=None) -> list[Section]:
    if not text_dir.is_dir():
        raise SourceError(Origin(display_path(text_dir)), "folder not found (the narrative, one .md per section)")
    out, seen = [], {}
    for path in sorted(text_dir.glob("*.md")):
        md = read_markdown(path)
        meta_doc = YamlDoc(md.meta, md.meta_lines, md.origin)
        if keep is not None and not keep(meta_doc, md.meta, ""):
            continue
        sec_id = need(meta_doc, md.meta, "id", "")
        if sec_id in seen:
            raise SourceError(meta_doc.at("id"), f"duplicate section id '{sec_id}' (also in {seen[sec_id]})")
        seen[sec_id] = md.origin.file
        level = md.meta.get("level", 1)
        if level not in (1, 2, 3):
            raise SourceError(meta_doc.at("level"), f"'level' must be 1, 2 or 3, not {level!r}")
        title = opt(md.meta, "title") if md.meta.get("heading") is False else need(meta_doc, md.meta, "title", "")
        out.append(Section(sec_id, str(title), level, md.body, md.origin.at(line=md.body_line),
                           bool(md.meta.get("toc", True)) and md.meta.get("heading") is not False,
                           **yaml_provenance(meta_doc, md.meta, "")))
    if not out:
        raise SourceError(Origin(display_path(text_dir)), "no .md files (the narrative, one per section)")
    return out


# -- the whole toolkit ---------------------------------------------------------------------------

def _citations(table: Table, provenances: list, record_class, place: tuple[str, ...]) -> list:
    """The citations of cell_examples or table5_examples (`place`: the columns naming where it is cited,
    the class's last fields). Dict lookups and a quick constructor: 50,000 citations are most of what
    `invoke check` reads."""
    make = quick_constructor(record_class)
    out = []
    for row, prov in zip(table.rows, provenances):
        get = row.values.get
        out.append(make(get("example", ""), row.origin, get("label", ""), get("name", ""), get("country", ""),
                        get("link", ""), get("note", ""), yes(row, "same_line") if get("same_line") else False,
                        prov, *[get(col, "") for col in place]))
    return out


def _example_fields(row: Row) -> tuple[bool, str]:
    """`featured` (yes/no) and `added` (YYYY-MM-DD): which examples a crowded cell shows first."""
    featured = row["featured"].strip().lower()
    if featured not in ("", "yes", "no"):
        raise SourceError(row.where("featured"), f"'{row['featured']}' is not yes, no or empty")
    added = row["added"].strip()
    if added and not _is_date(added):
        raise SourceError(row.where("added"), f"'{added}' is not a date (YYYY-MM-DD)")
    return featured == "yes", added


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

    example = quick_constructor(Example)
    toolkit = Toolkit(
        taxonomy=taxonomy,
        actions=[Action(r["id"], r["priority"], r["challenge"], r["function"], r["text"], r.origin, r["note"], p)
                 for r, p in rows("actions")],
        examples=[example(r["id"], r["name"], r["country"], r["link"], r.origin, r["note"], *_example_fields(r), p,
                          _summary(r)) for r, p in rows("examples")],
        cell_examples=_citations(t["cell_examples"], provenances["cell_examples"], CellExample,
                                 ("priority", "challenge", "function")),
        recommendations=[Recommendation(r["id"], r["area"], r["title"], n, r.origin, r["note"], p)
                         for n, (r, p) in enumerate(rows("recommendations"), start=1)],
        table5_actions=[Table5Action(r["recommendation"], r["function"], r["action"], r["text"], r.origin,
                                     r["note"], p) for r, p in rows("table5_actions")],
        table5_examples=_citations(t["table5_examples"], provenances["table5_examples"], Table5Example,
                                   ("recommendation", "function")),
        sections=load_sections(sources / "text", keep),
        figures=load_figures(read_yaml(sources / "figures.yaml"), keep),
        references=load_references(read_yaml(sources / "references.yaml"), keep),
        document=load_document(read_yaml(sources / "document.yaml")),
        event=load_event(read_yaml(sources / "event.yaml")),
    )
    toolkit.source_files = sorted({tab.origin.file for tab in t.values()})
    return apply_edition(toolkit, sources, editions, chosen, workbook)
