"""The typed model of the toolkit: one Toolkit holding every record, each with its Origin; here the
matrix's records (taxonomy, actions, examples, citations, recommendations, Table 5), in publication.py
the text and metadata around it.

Readers produce rows, `load` turns them into these records, checks and renderers only ever see these.
Nothing here reads a file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from .errors import Origin
from .provenance import PRINTED_AS, Provenance
# the publication's records are the toolkit's too: importable from here as before
from .publication import Author, Document, Event, Figure, Reference, Section, placed_ids  # noqa: F401
from .wording import normalise_text

NONE_PRINTED = "-"  # in an override column: "this place printed no value"
DEFAULT_LABEL = "Example:"


@dataclass(frozen=True)
class Term:
    """One value of a dimension: a thematic priority, strategic challenge, cluster function or area."""

    id: str
    label: str
    order: int
    origin: Origin
    table_title: str = ""
    section_title: str = ""
    provenance: Provenance = PRINTED_AS


@dataclass(frozen=True)
class Taxonomy:
    priorities: tuple[Term, ...]
    challenges: tuple[Term, ...]
    functions: tuple[Term, ...]
    areas: tuple[Term, ...]

    def term(self, dimension: str, term_id: str) -> Term:
        return next(t for t in getattr(self, dimension) if t.id == term_id)


@dataclass(frozen=True)
class Action:
    id: str
    priority: str
    challenge: str
    function: str
    text: str
    origin: Origin
    note: str = ""
    provenance: Provenance = PRINTED_AS

    @property
    def cell(self) -> tuple[str, str, str]:
        return (self.priority, self.challenge, self.function)


@dataclass(frozen=True)
class Example:
    id: str
    name: str
    country: str
    link: str
    origin: Origin
    note: str = ""
    featured: bool = False  # editors' pick: shown first where a cell cannot show every example
    added: str = ""  # YYYY-MM-DD when it joined the toolkit ("" = the first edition); newest next
    provenance: Provenance = PRINTED_AS
    summary: str = ""  # one line "what it is", written by the editors; the 2021 paper has none


@dataclass(frozen=True)
class PrintedExample:
    """An example as one place of the paper shows it (after applying that place's overrides)."""

    example: Example | None
    example_id: str
    label: str
    name: str
    country: str
    link: str
    citation: "Citation | None" = None  # the place's own record (its provenance, its grouping)
    same_line: bool = False  # printed on the Example line of the example before it


@dataclass(frozen=True)
class Citation:
    """An example cited at one place (a cell of Tables 2-4 or of Table 5).

    `name`, `country`, `link`, `label` hold what this place printed only where it differs from the
    example's record; empty means "as the record", NONE_PRINTED means "printed without one".
    """

    example: str
    origin: Origin
    label: str = ""
    name: str = ""
    country: str = ""
    link: str = ""
    note: str = ""
    same_line: bool = False  # printed on the same Example line as the citation before it (2021's grouping)
    provenance: Provenance = PRINTED_AS

    def overrides(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in ("name", "country", "link") if getattr(self, k)}

    def printed(self, record: Example | None) -> PrintedExample:
        def pick(key: str) -> str:
            own = getattr(self, key)
            if own == NONE_PRINTED:
                return ""
            return own or (getattr(record, key) if record else "")

        return PrintedExample(record, self.example, self.label or DEFAULT_LABEL,
                              pick("name"), pick("country"), pick("link"), self, self.same_line)


@dataclass(frozen=True)
class CellExample(Citation):
    priority: str = ""
    challenge: str = ""
    function: str = ""

    @property
    def cell(self) -> tuple[str, str, str]:
        return (self.priority, self.challenge, self.function)


@dataclass(frozen=True)
class Recommendation:
    id: str
    area: str
    title: str
    number: int
    origin: Origin
    note: str = ""
    provenance: Provenance = PRINTED_AS


@dataclass(frozen=True)
class Table5Action:
    recommendation: str
    function: str
    action: str  # id of the Tables 2-4 action it repeats, or ""
    text: str  # as printed in Table 5, or "" for "the action's own text"
    origin: Origin
    note: str = ""
    provenance: Provenance = PRINTED_AS


@dataclass(frozen=True)
class Table5Example(Citation):
    recommendation: str = ""
    function: str = ""


@dataclass(frozen=True)
class Cell:
    """One cell of Tables 2-4 with what it shows, in printed order."""

    priority: Term
    challenge: Term
    function: Term
    actions: tuple[Action, ...]
    examples: tuple[PrintedExample, ...]


@dataclass(frozen=True)
class Table5Cell:
    recommendation: Recommendation
    function: Term
    actions: tuple[str, ...]  # action texts as printed
    examples: tuple[PrintedExample, ...]


@dataclass
class Toolkit:
    """The whole toolkit. Lists keep source order; lookups are derived once."""

    taxonomy: Taxonomy
    actions: list[Action]
    examples: list[Example]
    cell_examples: list[CellExample]
    recommendations: list[Recommendation]
    table5_actions: list[Table5Action]
    table5_examples: list[Table5Example]
    sections: list[Section]
    figures: list[Figure]
    references: list[Reference]
    document: Document
    event: Event
    source_files: list[str] = field(default_factory=list)
    # The edition this toolkit is of, and the errata applied to reach it (pipeline/editions.py, errata.py)
    edition: str = ""
    errata: list = field(default_factory=list)  # errata.Applied, in the order applied
    stale_errata: list = field(default_factory=list)  # (errata.Erratum, why): reported by the check
    final: bool = False  # a final edition: nothing unverified may be printed, nothing is marked
    loaded_from: tuple = ()  # (sources folder, workbook or ""): to load the previous edition for the annex

    # -- lookups -------------------------------------------------------------------------------
    @cached_property
    def example_by_id(self) -> dict[str, Example]:
        return {e.id: e for e in self.examples}

    @cached_property
    def action_by_id(self) -> dict[str, Action]:
        return {a.id: a for a in self.actions}

    @cached_property
    def _actions_by_cell(self) -> dict[tuple, list[Action]]:
        out: dict[tuple, list[Action]] = {}
        for a in self.actions:
            out.setdefault(a.cell, []).append(a)
        return out

    @cached_property
    def _examples_by_cell(self) -> dict[tuple, list[CellExample]]:
        out: dict[tuple, list[CellExample]] = {}
        for c in self.cell_examples:
            out.setdefault((c.priority, c.challenge, c.function), []).append(c)  # c.cell: 50,000 property calls
        return out

    @cached_property
    def _memo(self) -> dict:
        """Cells built once per toolkit: every page of thousands asks for the cells of its example."""
        return {}

    def cell(self, priority: str, challenge: str, function: str) -> Cell:
        key = (priority, challenge, function)
        if key not in self._memo:
            self._memo[key] = self._cell(key)
        return self._memo[key]

    def _cell(self, key: tuple[str, str, str]) -> Cell:
        priority, challenge, function = key
        tx = self.taxonomy
        return Cell(
            tx.term("priorities", priority), tx.term("challenges", challenge),
            tx.term("functions", function),
            tuple(self._actions_by_cell.get(key, ())),
            tuple(c.printed(self.example_by_id.get(c.example)) for c in self._examples_by_cell.get(key, ())),
        )

    def cells(self, priority: str | None = None):
        """Every cell of Tables 2-4 in table order (priority, challenge, function)."""
        for p in self.taxonomy.priorities:
            if priority and p.id != priority:
                continue
            for c in self.taxonomy.challenges:
                for f in self.taxonomy.functions:
                    yield self.cell(p.id, c.id, f.id)

    def table5_action_text(self, row: Table5Action) -> str:
        if row.text:
            return row.text
        action = self.action_by_id.get(row.action)
        return action.text if action else ""

    def table5_cell(self, recommendation: str, function: str) -> Table5Cell:
        key = ("table5", recommendation, function)
        if key not in self._memo:
            self._memo[key] = self._table5_cell(recommendation, function)
        return self._memo[key]

    def _table5_cell(self, recommendation: str, function: str) -> Table5Cell:
        rec = next(r for r in self.recommendations if r.id == recommendation)
        return Table5Cell(
            rec, self.taxonomy.term("functions", function),
            tuple(self.table5_action_text(a) for a in self.table5_actions
                  if a.recommendation == recommendation and a.function == function),
            tuple(e.printed(self.example_by_id.get(e.example)) for e in self.table5_examples
                  if e.recommendation == recommendation and e.function == function),
        )

    def recommendations_in(self, area: str) -> list[Recommendation]:
        return [r for r in self.recommendations if r.area == area]

    def recommendations_for_actions(self, action_ids: set[str]) -> list[Recommendation]:
        """The recommendations whose Table 5 cells repeat any of these actions (by id or wording)."""
        texts = {normalise_text(self.action_by_id[a].text) for a in action_ids if a in self.action_by_id}
        hit = {r.recommendation for r in self.table5_actions
               if r.action in action_ids or normalise_text(self.table5_action_text(r)) in texts}
        return [r for r in self.recommendations if r.id in hit]

    @cached_property
    def _citations_by_example(self) -> tuple[dict, dict]:
        cells: dict[str, list[CellExample]] = {}
        table5: dict[str, list[Table5Example]] = {}
        for c in self.cell_examples:
            cells.setdefault(c.example, []).append(c)
        for c in self.table5_examples:
            table5.setdefault(c.example, []).append(c)
        return cells, table5

    def cells_of_example(self, example_id: str) -> list[CellExample]:
        return list(self._citations_by_example[0].get(example_id, ()))

    def table5_of_example(self, example_id: str) -> list[Table5Example]:
        return list(self._citations_by_example[1].get(example_id, ()))

    @cached_property
    def figure_numbers(self) -> dict[str, int]:
        """Figures are numbered in the order the prose places them."""
        return {fid: n for n, fid in enumerate(placed_ids(self.sections, "figure"), start=1)}

    @cached_property
    def table_numbers(self) -> dict[str, int]:
        return {tid: n for n, tid in enumerate(placed_ids(self.sections, "table"), start=1)}

    @cached_property
    def reference_by_id(self) -> dict[str, Reference]:
        return {r.id: r for r in self.references}
