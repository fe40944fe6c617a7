"""The items of a toolkit whose provenance is not simply "printed in 2021": every reconstructed,
verified, editorial or contributed record and field, in the order a reader meets them in the paper,
with where each is printed. The check's `provenance.unverified`, `--final` and the renderers' marks
(provenance.Marks) all read this one inventory.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from .errors import Origin

if TYPE_CHECKING:
    from .provenance import Provenance


@dataclass(frozen=True)
class Item:
    """One piece of text whose provenance is not simply 'printed in 2021'."""

    key: tuple[str, str]  # (origin of the record, field or ""): how renderers name it
    kind: str  # "recommendation title", "area band", "Annex 1 entry", "figure text", ...
    what: str  # the text itself (shortened) or what it is
    place: str  # where it is printed, in the reader's words
    origin: Origin
    provenance: Provenance


PRINTED = "printed"  # provenance.PRINTED (this module never imports provenance.py)


def key_of(record, field_name: str = "") -> tuple[str, str]:
    return (str(record.origin), field_name)


def _fields(record) -> dict[str, Provenance]:
    return dict(getattr(record, "field_provenance", None) or {})


def _short(text: str, n: int = 70) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _as_text(value) -> str:
    """A field's value as a reader would quote it (lists joined; a figure's items by their text)."""
    if isinstance(value, dict):
        return str(value.get("text") or value.get("label") or "")
    if isinstance(value, (list, tuple)):
        return "; ".join(t for t in map(_as_text, value) if t)
    return "" if value is None else str(value)


def items(tk) -> list[Item]:
    """Every non-printed record and field of the toolkit, in the order a reader meets them in the paper."""
    out: list[Item] = []
    seen: set[tuple[str, str]] = set()

    def add(record, kind: str, what: str, place: str, prov: Provenance | None = None, field_name: str = ""):
        prov = prov or record.provenance
        if prov.printed:  # most records: nothing to say, and naming them (str of an origin) costs
            return
        key = key_of(record, field_name)
        if key in seen:
            return
        seen.add(key)
        origin = prov.origin or record.origin
        out.append(Item(key, kind, _short(what, 160), place, origin, prov))

    def add_fields(record, kind: str, place: str, labels: dict[str, str] | None = None):
        for name, prov in _fields(record).items():
            value = getattr(record, name, None)
            if value is None and hasattr(record, "data"):
                value = record.data.get(name, "")
            add(record, (labels or {}).get(name, f"{kind} ({name.replace('_', ' ')})"), _as_text(value) or name,
                place, prov, name)

    example_by_id = tk.example_by_id
    # 50,000 citations are walked cell by cell below only if any of them (or of the examples) is marked
    marked_citations = (any(c.provenance.status != PRINTED for c in tk.cell_examples)
                        or any(e.provenance.status != PRINTED for e in tk.examples))
    document = tk.document
    add(document, "cover", document.title, "cover")
    add_fields(document, "PDF metadata", "the PDF's document properties")
    tx = tk.taxonomy
    figures = {f.id: f for f in tk.figures}
    for section in tk.sections:
        add(section, "section", section.title, f"section “{section.title}”")
        for line in section.body.splitlines():
            line = line.strip()
            if line.startswith("{figure:") and line.endswith("}"):
                fig = figures.get(line[8:-1].strip())
                if fig:
                    number = tk.figure_numbers.get(fig.id, "?")
                    add(fig, "figure text", fig.caption, f"Figure {number}, text inside the drawing")
                    add_fields(fig, "figure text", f"Figure {number}, inside the drawing",
                               {"responses": "figure descriptions"})
            elif line.startswith("{table:") and line.endswith("}"):
                table_id = line[7:-1].strip()
                number = tk.table_numbers.get(table_id, "?")
                if table_id == "recommendations":
                    _table5_items(tk, number, add)
                elif table_id in {p.id for p in tx.priorities}:
                    # the cells' records, not tk.cells(): building printed cells of 50,000 citations
                    # would cost more than the whole check
                    for challenge, function in ((c, f) for c in tx.challenges for f in tx.functions):
                        place = f"Table {number}, {challenge.label} × {function.label}"
                        key = (table_id, challenge.id, function.id)
                        for a in tk._actions_by_cell.get(key, ()):
                            add(a, "policy action", a.text, place)
                        if not marked_citations:  # every citation and example printed as in 2021
                            continue
                        for c in tk._examples_by_cell.get(key, ()):  # add() inlined for printed records
                            ex = example_by_id.get(c.example)
                            if c.provenance.status != PRINTED:
                                add(c, "example line", c.name or (ex.name if ex else c.example), place)
                            if ex and ex.provenance.status != PRINTED:
                                add(ex, "example", ex.name, place)
            elif line == "{references}":
                for n, ref in enumerate(tk.references, start=1):
                    place = f"Annex 1, entry {n}"
                    add(ref, "Annex 1 entry", f"{ref.author} ({ref.year}). {ref.title}", place)
                    add_fields(ref, "Annex 1 entry", place, {"url": "Annex 1 link", "title": "Annex 1 title"})
    for ex in tk.examples:  # examples only the handouts, roadmaps or site show
        if ex.provenance.status != PRINTED:
            add(ex, "example", ex.name, "wherever the example is printed")
    add(tk.event, "event", tk.event.name, "handouts")
    add_fields(tk.event, "event", "the handouts (event details, feedback form)")
    return out


def _table5_items(tk, number, add) -> None:
    tx = tk.taxonomy
    for area in tx.areas:
        add(area, "area band", area.label, f"Table {number}, area band")
        for rec in tk.recommendations_in(area.id):
            add(rec, "recommendation title", rec.title, f"Table {number}, row label of recommendation {rec.number}")
            for row in tk.table5_actions:
                if row.recommendation == rec.id:
                    add(row, "Table 5 action", tk.table5_action_text(row), f"Table {number}, recommendation {rec.number}")
            for row in tk.table5_examples:
                if row.recommendation == rec.id:
                    add(row, "Table 5 example line", row.name or row.example, f"Table {number}, recommendation {rec.number}")


def unverified(tk) -> list[Item]:
    """The unverified items, found once per toolkit (the check's rule and its summary line both ask;
    at 50,000 citations each walk costs a tenth of a second): remembered for the toolkit's current
    records (records are immutable; a changed toolkit swaps its lists or its document)."""
    state = tuple(id(getattr(tk, name)) for name in tk.__dataclass_fields__)
    memo = tk.__dict__.setdefault("_unverified_items", _Memo())
    if memo.state != state:
        memo.state, memo.items = state, [i for i in items(tk) if i.provenance.unverified]
    return list(memo.items)


class _Memo:
    state: tuple = ()
    items: list = []


def refusal_lines(found: Iterable[Item]) -> list[str]:
    """One line per unverified item, as `--final` and the check print them: file:row first."""
    return [f"{i.origin}: {i.kind}, {i.place}: “{_short(i.what, 60)}” is {i.provenance.status}" for i in found]


def counts_by_kind(found: Iterable[Item]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i in found:
        out[i.kind] = out.get(i.kind, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))
