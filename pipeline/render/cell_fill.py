"""How many examples each cell of a crowded priority matrix shows: as many as its row, and then the page,
have room for, read off one real WeasyPrint layout (the probe) and checked on a second (handout_fit.py).

The probe lays the matrix out on a page as tall as it needs, every crowded cell showing its first
PROBE_CAP examples (in the sources' order, overflow.rank_key), its "and N more" line and its QR code.
A cell's first k examples sit exactly where the probe put them in any layout where the cell shows k of
them: what comes before them (the actions, the code floated at the top right) is the same, and the
"and N more" line that follows them clears the code (`td > .more { clear: right }`): always the full
width, so its height does not depend on k either (beside the code it wrapped on Letter paper). The
probe thus gives the height of every cell for every k up to PROBE_CAP, hence of every row
and of the table: the choice below is arithmetic on measured boxes, not an estimate of text widths.

The choice: every cell shows its first example (where even that is too much for the page, the cells
that make the tallest rows show none, only "and N more"); each cell then fills the height its row takes
anyway (the tallest cell sets it); then the page's spare height goes, one step at a time, to the row
whose next example costs the least height. A cell showing all its examples prints no code and no
"and N more": its probe height (beside a code) is an upper bound, so the choice stays on the safe side.
"""
from __future__ import annotations

from dataclasses import dataclass

from .overflow import Shown, rank_key

PROBE_CAP = 30  # examples a cell may show at most: 30 one-line names fill a landscape A4 table's height
# The first probe lists only this many examples of a cell holding more than PROBE_CAP: at 2,500 examples
# (~75 a cell) the matrix shows 1-3 a cell, and 36 cells of 30 made the probe ~1.1 s of CPU where a cap of
# 8 makes it ~0.3 s. Where the choice reaches the cap (capped()), the probe is made again with PROBE_CAP.
SHORT_CAP = 8
PROBE_HEIGHT_MM = 3000.0  # the probe's page: every row on it, none split by a page break
PX_PER_MM = 96 / 25.4  # WeasyPrint's layout unit is the CSS px
SAFETY_PX = 1.0  # rounding between the probe and the page
OVERFLOW_MARGIN = 0.05  # all_overflow: the whole table taller than the page by more than this share


def probe_shown(examples, cap: int = PROBE_CAP) -> Shown:
    """What a cell shows in the probe: its first PROBE_CAP examples, and the code and "and N more" line of
    a crowded cell wherever it holds more than one (for a cell of 2 to PROBE_CAP examples, "and 1 more").
    `cap`: a cell of more than PROBE_CAP examples lists only its first `cap` (SHORT_CAP), its "and N more"
    line the same as with PROBE_CAP (so the same height): its first `cap` boxes are where they would be."""
    examples = tuple(examples)
    if len(examples) <= 1:
        return Shown(examples, 0)
    first = tuple(sorted(examples, key=rank_key())[:PROBE_CAP])  # ranked, as any cell that leaves some out
    listed = first if len(examples) <= PROBE_CAP else first[:cap]
    return Shown(listed, max(len(examples) - len(first), 1))


def probe_paper(paper: dict) -> dict:
    return {**paper, "height_mm": PROBE_HEIGHT_MM}


@dataclass
class CellBoxes:
    """One cell as the probe laid it out; heights in px, measured from the top of the cell's content."""

    key: str  # "<challenge> <function>" (the td's data-cell)
    count: int  # examples the cell holds
    overhead: float  # padding and borders around the content
    ends: tuple[float, ...]  # bottom of what the cell prints before "and N more": its actions, then
    # its example list with the first 1, 2, ... examples (ends[k] for k examples)
    code_bottom: float  # bottom of the floated QR code (0: none)
    more_gap: float  # the "and N more" line's top margin
    more_height: float
    whole: float | None = None  # its content's height showing all, without code (the second probe)

    def height(self, k: int) -> float:
        """The cell's outer height when it shows its first k examples."""
        if k == self.count and self.whole is not None:
            return self.overhead + self.whole
        if k == self.count or not self.more_height:  # all shown: no code, no "and N more"
            return self.overhead + self.ends[k]
        return self.overhead + max(self.code_bottom, self.ends[k] + self.more_gap) + self.more_height

    @property
    def most(self) -> int:
        return len(self.ends) - 1


@dataclass
class Probe:
    rows: list[list[CellBoxes]]  # the crowded cells (holding one example or more) of each row
    fixed: list[float]  # each row's height without them: its header, its cells without examples
    table_extra: float  # the table's height beyond its rows (header row, borders)
    spare: float  # the page's height below the table's top, px


def _bottom(box) -> float:
    return box.position_y + box.margin_height()


def block_boxes(box, tag: str, cls: str | None = None):
    """The block-level boxes of `tag` (and class `cls`) under `box`, each once (a block's lines and
    inline boxes carry its tag too)."""
    from weasyprint.formatting_structure.boxes import BlockLevelBox

    seen = set()
    for child in box.descendants():
        if (isinstance(child, BlockLevelBox) and child.element_tag.rpartition("}")[2] == tag
                and id(child) not in seen
                and (cls is None or cls in (child.element.get("class") or "").split())):
            seen.add(id(child))
            yield child


def _overhead(cell) -> float:
    """Padding and borders of a table cell as its style sets them (the layout stretches a cell's padding
    to its row's height)."""
    return (cell.style["padding_top"].value + cell.style["padding_bottom"].value
            + cell.border_top_width + cell.border_bottom_width)


def whole_counts(counts: dict[str, int]) -> dict[str, int] | None:
    """The second probe's examples per cell: all, in the cells that may show all of them (2 to PROBE_CAP
    examples; in the first probe their code narrows the lines), none elsewhere; None: no such cell."""
    if not any(2 <= n <= PROBE_CAP for n in counts.values()):
        return None
    return {key: n if 2 <= n <= PROBE_CAP else 0 for key, n in counts.items()}


def _table(document):
    """The matrix's wrapper box (its borders and rows) and its rows' boxes."""
    table = next(block_boxes(document.pages[0]._page_box, "table"))
    grid = next(box for box in table.children if box.element_tag == "table")  # the grid in its wrapper
    return table, [row for group in grid.children if group.element_tag == "tbody" for row in group.children]


def _whole_heights(document, counts: dict[str, int]) -> dict[str, float]:
    out = {}
    for row in _table(document)[1]:
        for cell in row.children:
            key = cell.element.get("data-cell")
            if key is not None and 2 <= counts[key] <= PROBE_CAP:
                out[key] = _content_height(cell)
    return out


def measure(document, counts: dict[str, int], content_bottom_mm: float, whole=None) -> Probe:
    """Read a laid-out probe (`weasyprint.Document`); `counts`: each cell's number of examples;
    `content_bottom_mm`: where the body of the real page ends, from the page's top edge; `whole`: the
    second probe, laid out with whole_counts."""
    table, table_rows = _table(document)
    wholes = _whole_heights(whole, counts) if whole is not None else {}
    rows, fixed, row_heights = [], [], []
    for row in table_rows:
        cells, others = [], [0.0]
        for cell in row.children:
            key = cell.element.get("data-cell")
            items = list(block_boxes(cell, "li", "example"))
            if key is None or not items:
                others.append(_overhead(cell) + _content_height(cell))
                continue
            top = cell.content_box_y()
            lists = list(block_boxes(cell, "ul", "examples"))
            tail = _bottom(lists[0]) - _bottom(items[-1])
            actions = [_bottom(action) for action in block_boxes(cell, "p", "action")]
            codes = list(block_boxes(cell, "svg"))
            more = next(block_boxes(cell, "p", "more"), None)
            cells.append(CellBoxes(
                key=key, count=counts[key], overhead=_overhead(cell),
                ends=(max(actions, default=top) - top, *(_bottom(li) + tail - top for li in items)),
                code_bottom=_bottom(codes[0]) - top if codes else 0.0,
                more_gap=more.margin_top if more else 0.0,
                more_height=more.border_height() if more else 0.0, whole=wholes.get(key)))
        rows.append(cells)
        fixed.append(max(others))
        row_heights.append(row.height)
    table_top, table_bottom = table.position_y, _bottom(table)
    return Probe(rows, fixed, table_bottom - table_top - sum(row_heights),
                 content_bottom_mm * PX_PER_MM - table_top - SAFETY_PX)


def _content_height(cell) -> float:
    """A cell's natural content height (a table cell's own height is stretched to its row's)."""
    bottoms = [_bottom(child) for child in cell.children]
    return max(bottoms, default=cell.content_box_y()) - cell.content_box_y()


def all_overflow(probe: Probe, margin: float = OVERFLOW_MARGIN) -> bool:
    """True when the matrix showing every example of every cell certainly runs past its page: the probes
    give each such cell's exact height (a cell of one example has no code in the probe; the second probe
    lays out the cells of 2 to PROBE_CAP examples whole, without code; the table's columns are fixed, so
    a cell's height does not depend on the others), and the table alone, every row as tall as its
    tallest cell, is taller than the page below its top by more than `margin`. False when it may fit, or
    when a cell holds more than PROBE_CAP examples (its whole height was not measured): lay it out."""
    rows = []
    for i, row in enumerate(probe.rows):
        if any(c.count > c.most or (c.count > 1 and c.whole is None) for c in row):
            return False
        rows.append(max([probe.fixed[i]] + [c.height(c.count) for c in row]))
    return probe.table_extra + sum(rows) > probe.spare * (1 + margin)


def capped(probe: Probe, shown: dict[str, int] | None) -> bool:
    """Whether a choice made on a probe with SHORT_CAP may differ from the one PROBE_CAP's probe makes: a
    cell listed short (more than PROBE_CAP examples, fewer measured) shows all it was measured with.

    Otherwise the choices are the same: such a cell's height grows with each example shown (all of them
    are never shown: it holds more than PROBE_CAP), so wherever the longer probe's choice shows more than
    the short one measured, the short one's choice shows all it measured; every other cell, and every
    height the choice compares, is the same in both probes."""
    return shown is not None and any(c.most < min(c.count, PROBE_CAP) and shown[c.key] >= c.most
                                     for row in probe.rows for c in row)


def choose(probe: Probe) -> dict[str, int] | None:
    """Examples shown per cell (data-cell key -> k), or None if the page cannot even hold the actions."""
    shown = {c.key: 1 for row in probe.rows for c in row}

    def row_height(i: int) -> float:
        return max([probe.fixed[i]] + [c.height(shown[c.key]) for c in probe.rows[i]])

    # first example of every cell too much for the page: the cells that make the tallest rows show none
    # (only "and N more"), the row that saves most first, until the table fits
    while probe.table_extra + sum(map(row_height, range(len(probe.rows)))) > probe.spare:
        savings = []
        for i, row in enumerate(probe.rows):
            tallest = [c for c in row if shown[c.key] and c.height(shown[c.key]) == row_height(i)]
            lower = max([probe.fixed[i]] + [c.height(0 if c in tallest else shown[c.key]) for c in row])
            savings.append((row_height(i) - lower, i, tallest))
        saving, i, tallest = max(savings, key=lambda s: s[:2])
        if saving <= 0:
            return None
        for c in tallest:
            shown[c.key] = 0

    def fill(i: int, height: float) -> None:
        for c in probe.rows[i]:
            # not monotonic: showing all can take less room than all but one (no code, no "and N more")
            fitting = [k for k in range(shown[c.key] + 1, c.most + 1) if c.height(k) <= height]
            if fitting:
                shown[c.key] = max(fitting)

    heights = [row_height(i) for i in range(len(probe.rows))]
    spare = probe.spare - probe.table_extra - sum(heights)
    for i, height in enumerate(heights):
        fill(i, height)
    while True:  # the page's spare height: to the row whose next example costs the least
        steps = [(min(c.height(shown[c.key] + 1) for c in row if shown[c.key] < c.most) - heights[i], i)
                 for i, row in enumerate(probe.rows) if any(shown[c.key] < c.most for c in row)]
        steps = [(max(cost, 0.0), i) for cost, i in steps if cost <= spare]
        if not steps:
            return shown
        cost, i = min(steps)
        spare -= cost
        heights[i] += cost
        fill(i, heights[i])
