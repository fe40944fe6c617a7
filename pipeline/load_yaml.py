"""The YAML and Markdown sources (taxonomy, document, event, references, figures, the narrative) -> records,
or a SourceError naming the file, line and key. The tables are read by pipeline.load, which calls these."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from . import provenance
from .errors import Origin, SourceError
from .model import Taxonomy, Term
from .publication import Author, Document, Event, Figure, Reference, Section
from .sources.tables import display_path
from .sources.texts import YamlDoc, read_markdown

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


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


def _listed(doc: YamlDoc, keep, what: str, duplicate):
    """(path, item, id) of each item of a YAML list in this edition; `duplicate(id, first)`: the message
    for an id seen twice (`first`: where it was first)."""
    if not isinstance(doc.data, list):
        raise SourceError(doc.origin, f"expected a list of {what}")
    seen = {}
    for i, item in enumerate(doc.data):
        path = f"[{i}]"
        if keep is not None and not keep(doc, item, path):
            continue
        item_id = need(doc, item, "id", path)
        if item_id in seen:
            raise SourceError(doc.at(f"{path}.id"), duplicate(item_id, seen[item_id]))
        seen[item_id] = doc.at(path)
        yield path, item, item_id


def load_references(doc: YamlDoc, keep=None) -> list[Reference]:
    return [Reference(ref_id, need(doc, item, "author", path), str(need(doc, item, "year", path)),
                      need(doc, item, "title", path), doc.at(path), opt(item, "publisher"),
                      opt(item, "identifier"), opt(item, "url"),
                      **yaml_provenance(doc, item, path, REFERENCE_FIELDS))
            for path, item, ref_id in _listed(doc, keep, "references",
                                              lambda ref_id, first: f"duplicate id '{ref_id}' (first at {first})")]


REFERENCE_FIELDS = ("author", "year", "title", "publisher", "identifier", "url")
FIGURE_KEYS = {"id", "kind", "caption", "source", "alt", "since", "withdrawn"}  # the rest is the drawing's data


def load_figures(doc: YamlDoc, keep=None) -> list[Figure]:
    out = []
    for path, item, fig_id in _listed(doc, keep, "figures", lambda fig_id, _: f"duplicate figure id '{fig_id}'"):
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
