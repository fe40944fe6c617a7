"""The roadmap channel: filled Word roadmaps -> proposals (section 5) and plan rows (section 4).

Tables are found by their header words, not by their place, so added paragraphs, edited headings,
reordered columns and added or deleted rows do not matter. Text is read from the XML as its author sees
it with Track Changes accepted: insertions (w:ins) are read, deletions (w:del, w:moveFrom) are not, a
row deleted with Track Changes on is skipped, and the proposal says "had tracked changes". Kind, priority,
challenge and function are drop-down content controls in the template; the chosen item's text is read,
and a control still showing its placeholder counts as empty.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..wording import fold
from .files import Refused, vet_archive
from .proposal import FileResult, PlanRow, Proposal

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CHANNEL = "roadmap"
TRACKED = ("ins", "del", "moveFrom", "moveTo")
TOOL_AUTHOR = "Cluster Policy Toolkit"  # the template's own author: not a contributor

# Header cell -> field: the first key word found wins, so "Name ... or text of the action" is a name,
# and "Kind (example or action)" a kind.
HEADER_WORDS = (("kind", ("kind", "type")), ("link", ("link", "url", "web")), ("country", ("country",)),
                ("priority", ("priorit",)), ("challenge", ("challenge",)), ("function", ("function",)),
                ("note", ("note", "comment", "remark")), ("name", ("name", "text", "title")))


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


# -- opening ---------------------------------------------------------------------------------------

def custom_properties(document) -> dict[str, str]:
    """docProps/custom.xml as name -> text, parsed without entities or network."""
    from lxml import etree

    from ..render.roadmap_template import CUSTOM_PROPERTIES_TYPE

    for part in document.part.package.iter_parts():
        if part.content_type == CUSTOM_PROPERTIES_TYPE:
            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
            try:
                root = etree.fromstring(part.blob, parser)
            except etree.XMLSyntaxError:
                return {}
            return {p.get("name", ""): "".join(p.itertext()) for p in root
                    if isinstance(p.tag, str) and p.tag.endswith("property")}
    return {}


def open_roadmap(path: Path):
    """(python-docx Document, custom properties) of one of our roadmaps, or Refused."""
    import docx

    from ..render.roadmap_template import MARKER_PROPERTY, MARKER_VALUE

    vet_archive(path)
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises many kinds for a damaged package
        raise Refused(f"not a readable Word document ({type(exc).__name__})") from None
    props = custom_properties(document)
    if props.get(MARKER_PROPERTY) != MARKER_VALUE:
        raise Refused("not one of our roadmaps (it lacks the roadmap's document property); only roadmaps "
                      "made by `invoke roadmap` or `invoke roadmaps` can be harvested")
    return document, props


# -- text as the author sees it ----------------------------------------------------------------------

def _hidden(element) -> bool:
    """Deleted or moved-away text, or a content control still showing its placeholder."""
    for ancestor in element.iterancestors():
        tag = ancestor.tag
        if tag in (_w("del"), _w("moveFrom")):
            return True
        if tag == _w("sdt"):
            props = ancestor.find(_w("sdtPr"))
            if props is not None and props.find(_w("showingPlcHdr")) is not None:
                return True
        if tag == _w("tc"):
            return False
    return False


def visible_text(cell) -> str:
    """A table cell's text with tracked changes accepted, paragraphs joined by newlines."""
    paragraphs = []
    for p in cell.iter(_w("p")):
        parts = []
        for node in p.iter(_w("t"), _w("tab"), _w("br")):
            if _hidden(node):
                continue
            parts.append(node.text or "" if node.tag == _w("t") else ("\t" if node.tag == _w("tab") else "\n"))
        paragraphs.append("".join(parts))
    return "\n".join(paragraphs).strip()


def _cells(tr) -> list:
    """A row's w:tc, including those Word wraps in a cell-level content control."""
    out = []
    for child in tr:
        if child.tag == _w("tc"):
            out.append(child)
        elif child.tag == _w("sdt"):
            content = child.find(_w("sdtContent"))
            out.extend(content.findall(_w("tc")) if content is not None else [])
    return out


def _row_deleted(tr) -> bool:
    props = tr.find(_w("trPr"))
    return props is not None and props.find(_w("del")) is not None


def table_rows(tbl) -> list[tuple[int, list[str]]]:
    """(row number counting the header as 1, cell texts) for every row not deleted with Track Changes.
    A drop-down's placeholder text counts as empty even where an editor lost its flag on saving."""
    from ..render.docx_controls import PLACEHOLDER

    out = []
    for number, tr in enumerate(tbl.findall(_w("tr")), start=1):
        if not _row_deleted(tr):
            texts = [visible_text(tc) for tc in _cells(tr)]
            out.append((number, ["" if t == PLACEHOLDER else t for t in texts]))
    return out


def has_tracked_changes(element) -> bool:
    return any(True for _ in element.iter(*(_w(t) for t in TRACKED)))


# -- the proposals table (section 5) and the plan tables (section 4) ----------------------------------

def header_fields(texts: list[str]) -> dict[int, str]:
    """Column index -> field for a header row, or {} when it is not the proposals table."""
    mapping: dict[int, str] = {}
    for i, text in enumerate(texts):
        folded = fold(text)
        for name, words in HEADER_WORDS:
            if name not in mapping.values() and any(w in folded for w in words):
                mapping[i] = name
                break
    fields = set(mapping.values())
    return mapping if {"kind", "name"} <= fields and len(fields) >= 4 else {}


CHOICES_TABLE = ("Phase", "Your choice", "Why (to be completed)")  # section 1: only "Why" is the consultant's
CHOICES_HEADING = "1. Your choices (phases 1–3)"


def _plan_tables() -> dict[tuple[str, ...], str]:
    from ..render.roadmap_template import FILL_IN_TABLES

    tables = {tuple(fold(c) for c, _ in columns): heading for heading, _, columns, _ in FILL_IN_TABLES}
    tables[tuple(fold(c) for c in CHOICES_TABLE)] = CHOICES_HEADING
    return tables


def read_tables(body) -> tuple[list[tuple[int, int, dict]], list[tuple[str, int, dict]]]:
    """(proposals as (table number, row, values), plan rows as (heading, row, values))."""
    proposals, plans, found = [], [], False
    plan_headers = _plan_tables()
    for number, tbl in enumerate(body.iter(_w("tbl")), start=1):
        rows = table_rows(tbl)
        if not rows:
            continue
        header = rows[0][1]
        mapping = header_fields(header)
        heading = plan_headers.get(tuple(fold(h) for h in header))
        if mapping:
            found = True
            for row_number, texts in rows[1:]:
                if texts == header:  # a copied header row
                    continue
                values = {name: texts[i] if i < len(texts) else "" for i, name in mapping.items()}
                if any(values.values()):
                    proposals.append((number, row_number, values))
        elif heading:
            for row_number, texts in rows[1:]:
                filled = texts[-1:] if heading == CHOICES_HEADING else texts  # the pre-filled columns are ours
                if any(filled):
                    plans.append((heading, row_number, {h: (texts[i] if i < len(texts) else "")
                                                        for i, h in enumerate(header)}))
    if not found:  # deleted, or its header reworded beyond recognition: say so rather than find nothing
        raise Refused("its proposals table is gone (no table has the header words 'Kind' and 'Name' with "
                      "'Country', 'Link', ...); put the table back from a fresh roadmap")
    return proposals, plans


def _who_and_when(document, path: Path) -> tuple[str, str]:
    props = document.core_properties
    person = next((p for p in (props.last_modified_by, props.author) if p and p != TOOL_AUTHOR), "")
    saved = props.modified
    created = props.created
    if saved and (not created or saved > created):
        day = saved.date()
    else:  # saved by a tool that keeps the dates (python-docx): the file's own time
        day = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc).date()
    return person, day.isoformat()


def read_roadmap(path: Path, shown: str) -> tuple[list[tuple[Proposal, str]], list[PlanRow], FileResult]:
    """Proposals (each with its raw kind), plan rows and the file's summary; Refused if unreadable."""
    document, props = open_roadmap(path)
    body = document.element.body
    proposals, plans = read_tables(body)
    tracked = has_tracked_changes(body)
    region = props.get("CPT_Region", "")
    person, day = _who_and_when(document, path)
    tables = len({t for t, _, _ in proposals})
    out = []
    for table, row, values in proposals:
        place = f"table row {row}" if tables == 1 else f"table {table} row {row}"
        proposal = Proposal(CHANNEL, shown, place, kind="", name=values.get("name", ""),
                            country=values.get("country", ""), link=values.get("link", ""),
                            priority=values.get("priority", ""), challenge=values.get("challenge", ""),
                            function=values.get("function", ""), note=values.get("note", ""),
                            contributor=person, organisation=region, date=day,
                            flags=["had tracked changes"] if tracked else [])
        out.append((proposal, values.get("kind", "")))
    plan_rows = [PlanRow(shown, region, heading, row, values) for heading, row, values in plans]
    result = FileResult(shown, CHANNEL, proposals=len(out), plan_rows=len(plan_rows))
    notes = []
    if tracked:
        notes.append("had tracked changes (read as accepted)")
    if not out:
        notes.append("filled in (sections 1 and 4) but no proposal in section 5" if plan_rows
                     else "nothing filled in")
    result.note = "; ".join(notes)
    return out, plan_rows, result
