"""`invoke harvest`: read filled roadmaps back and list the new examples and actions consultants propose.

Each roadmap's section 5 table ("New examples and actions you propose") is found by its header words,
not by its place, so added paragraphs, edited headings, reordered columns and added or deleted rows do
not matter. Every proposal becomes one row of output/harvest/harvest.xlsx and harvest.csv with its region,
file and table row, marked "new" or "probably the same as <existing id> (<name>)": same link, or a name
(action: text) that rapidfuzz finds close to an existing one. Editors review that list and paste accepted
rows into the sources.

Files are untrusted. Each is refused with a one-line reason, and the others still read, when it is not a
.docx, not a zip, too large, would unpack to too much (a zip bomb), or is not one of our roadmaps (the
custom property the template carries). Spreadsheet cells starting with = + - @ are prefixed with ' so no
one's Excel runs a formula from a roadmap. Exit code: 0 all read, 1 some refused, 2 nothing to read.
"""
from __future__ import annotations

import csv
import glob
import io
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .model import Toolkit, fold, normalise_text
from .outputs import AtomicFile, atomic_write_text

MAX_FILE_MB = 20  # a filled roadmap is well under 1 MB; pictures pasted in stay far below this
MAX_UNPACKED_MB = 100  # what all members may unpack to together
MAX_RATIO = 100  # unpacked / packed; Word's XML packs about 5-15 times
MAX_MEMBERS = 2000
NAME_CUTOFF = 85  # rapidfuzz token_sort_ratio on folded names: 'Covasna Business Incubator' ~ 'Covasna Incubator'
ACTION_CUTOFF = 85
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = ("region", "source_file", "table_row", "status", "kind", "name_or_text", "country", "link",
           "priority", "challenge", "function", "note", "match_id", "match_reason", "problems")

# Header cell -> field: the first key word found wins, so "Name ... or text of the action" is a name,
# and "Kind (example or action)" a kind.
HEADER_WORDS = (("kind", ("kind", "type")), ("link", ("link", "url", "web")), ("country", ("country",)),
                ("priority", ("priorit",)), ("challenge", ("challenge",)), ("function", ("function",)),
                ("note", ("note", "comment", "remark")), ("name", ("name", "text", "title")))


class Refused(Exception):
    """A file that is not read, with the one-line reason shown to the user."""


@dataclass
class Harvest:
    rows: list[dict] = field(default_factory=list)
    read: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)


def display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# -- finding and vetting the files -----------------------------------------------------------------

def expand(paths: list[str]) -> list[Path]:
    """Files named, the .docx files in folders named, and glob matches; in a stable order, once each."""
    out: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.docx") if p.is_file())
        elif any(ch in given for ch in "*?[") and not path.exists():
            found = sorted(Path(p) for p in glob.glob(given, recursive=True) if Path(p).is_file())
        else:
            found = [path]
        out.extend(p for p in found if not p.name.startswith("~$"))  # Word's lock files of open documents
    unique: dict[Path, None] = {}
    for p in out:
        unique.setdefault(p, None)
    return list(unique)


def vet_archive(path: Path) -> None:
    """Refuse before any XML is parsed: wrong kind, too large, corrupt, or a zip bomb."""
    if not path.exists():
        raise Refused("no such file")
    if path.suffix.lower() != ".docx":
        raise Refused(f"not a .docx file ({path.suffix or 'no extension'}); save the roadmap as Word .docx")
    size = path.stat().st_size
    if size > MAX_FILE_MB * 1024 * 1024:
        raise Refused(f"too large ({size / 1048576:.1f} MB; the limit is {MAX_FILE_MB} MB)")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            unpacked = sum(m.file_size for m in members)
            packed = sum(m.compress_size for m in members)
            if len(members) > MAX_MEMBERS:
                raise Refused(f"{len(members)} parts in the archive (limit {MAX_MEMBERS}): not a normal .docx")
            if unpacked > MAX_UNPACKED_MB * 1024 * 1024:
                raise Refused(f"would unpack to {unpacked / 1048576:.0f} MB (limit {MAX_UNPACKED_MB} MB): "
                              "refused as a possible zip bomb")
            if unpacked > MAX_RATIO * max(packed, 1) and unpacked > 1024 * 1024:
                raise Refused(f"packed {unpacked // max(packed, 1)} times (limit {MAX_RATIO}): "
                              "refused as a possible zip bomb")
            names = {m.filename for m in members}
            if "word/document.xml" not in names or "[Content_Types].xml" not in names:
                raise Refused("a zip archive but not a Word document")
            damaged = archive.testzip()  # sizes are bounded now, so reading every member is safe
            if damaged:
                raise Refused(f"corrupt .docx (part {damaged} is damaged)")
    except zipfile.BadZipFile:
        raise Refused("corrupt .docx (not a readable zip archive); open it in Word and save it again") from None
    except (zipfile.LargeZipFile, NotImplementedError, OSError, EOFError) as exc:
        raise Refused(f"corrupt .docx ({type(exc).__name__})") from None


def custom_properties(document) -> dict[str, str]:
    """docProps/custom.xml as name -> text, parsed without entities or network."""
    from lxml import etree

    from .render.roadmap_template import CUSTOM_PROPERTIES_TYPE

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

    from .render.roadmap_template import MARKER_PROPERTY, MARKER_VALUE

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


# -- reading the proposals -------------------------------------------------------------------------

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


def cell_text(cell) -> str:
    return "\n".join(p.text for p in cell.paragraphs).strip()


def proposal_tables(document):
    """(table number, table, header mapping) for every table that looks like the proposals table."""
    for number, table in enumerate(document.tables, start=1):
        try:
            rows = table.rows
            if not len(rows):
                continue
            mapping = header_fields([cell_text(c) for c in rows[0].cells])
        except (IndexError, ValueError):  # a table Word's users merged into an odd shape
            continue
        if mapping:
            yield number, table, mapping


def read_proposals(document) -> list[tuple[int, int, dict]]:
    """(table number, table row counting the header as 1, raw values) for every filled row."""
    out = []
    tables = list(proposal_tables(document))
    if not tables:  # deleted, or its header reworded beyond recognition: say so rather than find nothing
        raise Refused("its proposals table is gone (no table has the header words 'Kind' and 'Name' with "
                      "'Country', 'Link', ...); put the table back from a fresh roadmap")
    for number, table, mapping in tables:
        header = [cell_text(c) for c in table.rows[0].cells]
        for row_number, row in enumerate(list(table.rows)[1:], start=2):
            try:
                texts = [cell_text(c) for c in row.cells]
            except (IndexError, ValueError):
                continue
            if texts == header:  # a copied header row
                continue
            values = {name: texts[i] if i < len(texts) else "" for i, name in mapping.items()}
            if any(values.values()):
                out.append((number, row_number, values))
    return out


# -- making sense of one proposal ------------------------------------------------------------------

def _terms(toolkit: Toolkit, dimension: str) -> dict[str, str]:
    """Folded id and label -> id."""
    out = {}
    for t in getattr(toolkit.taxonomy, dimension):
        out[fold(t.id)] = t.id
        out[fold(t.label)] = t.id
    return out


def normalise_ids(value: str, terms: dict[str, str], what: str, problems: list[str]) -> str:
    if not value.strip():
        return ""
    parts = [p.strip() for p in re.split(r"[;,/\n]+", value) if p.strip()]
    ids = []
    for part in parts:
        hit = terms.get(fold(part)) or terms.get(fold(part).replace(" ", "-"))
        if hit:
            ids.append(hit)
        else:
            problems.append(f"unknown {what} '{part}'")
            ids.append(part)
    return " ".join(ids)


def normalise_link(link: str) -> str:
    """For comparison only: scheme, 'www.', case of the host and a trailing slash do not matter."""
    link = link.strip().lower()
    link = re.sub(r"^[a-z]+://", "", link)
    link = re.sub(r"^www\.", "", link)
    return link.rstrip("/")


class Matcher:
    """Finds the existing example or action a proposal is probably the same as."""

    def __init__(self, toolkit: Toolkit):
        self.examples = toolkit.examples
        self.example_names = [fold(e.name) for e in self.examples]
        self.example_links = [normalise_link(e.link) for e in self.examples]
        self.actions = toolkit.actions
        self.action_texts = [fold(normalise_text(a.text)) for a in self.actions]

    def example(self, name: str, link: str) -> tuple[str, str, str]:
        """(id, name, reason) of the closest existing example, or ('', '', '')."""
        from rapidfuzz import fuzz, process

        wanted = normalise_link(link)
        same_link = [i for i, l in enumerate(self.example_links) if wanted and l == wanted]
        if same_link:  # several examples can share a page: the one whose name is closest
            best = max(same_link, key=lambda i: fuzz.token_sort_ratio(fold(name), self.example_names[i]))
            return self.examples[best].id, self.examples[best].name, "same link"
        if name:
            hit = process.extractOne(fold(name), self.example_names, scorer=fuzz.token_sort_ratio,
                                     score_cutoff=NAME_CUTOFF)
            if hit:
                e = self.examples[hit[2]]
                return e.id, e.name, f"similar name ({hit[1]:.0f}%)"
        return "", "", ""

    def action(self, text: str) -> tuple[str, str, str]:
        from rapidfuzz import fuzz, process

        if not text:
            return "", "", ""
        hit = process.extractOne(fold(normalise_text(text)), self.action_texts, scorer=fuzz.token_sort_ratio,
                                 score_cutoff=ACTION_CUTOFF)
        if hit:
            a = self.actions[hit[2]]
            return a.id, a.text, f"similar text ({hit[1]:.0f}%)"
        return "", "", ""


def proposal_row(values: dict, region: str, source: str, table: int, table_row: int, toolkit: Toolkit,
                 matcher: Matcher, tables_in_file: int) -> dict:
    problems: list[str] = []
    name = values.get("name", "")
    link = values.get("link", "")
    raw_kind = fold(values.get("kind", ""))
    if raw_kind.startswith("ex"):
        kind = "example"
    elif raw_kind.startswith("ac"):
        kind = "action"
    elif not raw_kind:
        kind = "example" if (link or values.get("country")) else "action"
        problems.append(f"kind missing: read as {kind}")
    else:
        kind = values.get("kind", "")
        problems.append("kind should be 'example' or 'action'")
    if not name:
        problems.append("no name or text")
    match_id, match_name, reason = (matcher.action(name) if kind == "action" else matcher.example(name, link))
    return {
        "region": region,
        "source_file": source,
        "table_row": f"{table_row}" if tables_in_file == 1 else f"table {table} row {table_row}",
        "status": f"probably the same as {match_id} ({match_name})" if match_id else "new",
        "kind": kind,
        "name_or_text": name,
        "country": values.get("country", ""),
        "link": link,
        "priority": normalise_ids(values.get("priority", ""), _terms(toolkit, "priorities"), "priority", problems),
        "challenge": normalise_ids(values.get("challenge", ""), _terms(toolkit, "challenges"), "challenge",
                                   problems),
        "function": normalise_ids(values.get("function", ""), _terms(toolkit, "functions"), "function", problems),
        "note": values.get("note", ""),
        "match_id": match_id,
        "match_reason": reason,
        "problems": "; ".join(problems),
    }


def harvest(files: list[Path], toolkit: Toolkit) -> Harvest:
    result = Harvest()
    matcher = Matcher(toolkit)
    for path in files:
        shown = display(path)
        try:
            document, props = open_roadmap(path)
            proposals = read_proposals(document)
        except Refused as exc:
            result.refused[shown] = str(exc)
            continue
        region = props.get("CPT_Region", "")
        tables = len({t for t, _, _ in proposals})
        for table, table_row, values in proposals:
            result.rows.append(proposal_row(values, region, shown, table, table_row, toolkit, matcher, tables))
        result.read.append(shown)
    return result


# -- writing ---------------------------------------------------------------------------------------

def neutralise(value):
    """Text a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(rows: list[dict], path: Path) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: neutralise(row[k]) for k in COLUMNS})
    # With a BOM, Excel opens UTF-8 as UTF-8 (Łódź, not Å�Ã³dÅº).
    return atomic_write_text(path, "\ufeff" + buffer.getvalue())


def write_xlsx(rows: list[dict], path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "harvest"
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([neutralise(row[k]) for k in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1B365D")
    widths = {"status": 40, "name_or_text": 50, "link": 40, "note": 30, "problems": 30, "source_file": 30}
    for i, name in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = widths.get(name, 14)
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    with AtomicFile(path) as tmp:
        book.save(tmp)
    return path


def harvest_command(paths: list[str], sources: Path = Path("sources"), out: Path = Path("output")) -> int:
    """`invoke harvest`: 0 every file read, 1 some refused (the rest still written), 2 nothing to read."""
    from .load import load

    files = expand(paths)
    if not any(f.exists() for f in files):  # a typo in the only path given is not a harvest of nothing
        print(f"error: nothing to read: no .docx files in {', '.join(paths) or '(no paths given)'}",
              file=sys.stderr)
        return 2
    toolkit = load(sources)
    result = harvest(files, toolkit)
    for shown, reason in result.refused.items():
        print(f"refused: {shown}: {reason}", file=sys.stderr)
    folder = Path(out) / "harvest"
    write_xlsx(result.rows, folder / "harvest.xlsx")
    write_csv(result.rows, folder / "harvest.csv")
    new = sum(1 for r in result.rows if r["status"] == "new")
    print(f"harvested {len(result.rows)} proposals ({new} new) from {len(result.read)} roadmaps, "
          f"refused {len(result.refused)}; wrote {display(folder / 'harvest.xlsx')} and harvest.csv")
    return 1 if result.refused else 0
