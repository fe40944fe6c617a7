"""Matrix completeness: every cell of Tables 2-4 filled, every recommendation used in Table 5."""
from __future__ import annotations

from ..model import Toolkit
from ..report import ERROR
from . import finding, rule
from .common import table_origin


def _cell_gaps(toolkit: Toolkit, filled: set[tuple], table: str, what: str):
    tx = toolkit.taxonomy
    for p in tx.priorities:
        for c in tx.challenges:
            for f in tx.functions:
                if (p.id, c.id, f.id) not in filled:
                    yield finding(f"{p.id}/{c.id}/{f.id}",
                                  f"the cell {p.label} / {c.label} / {f.label} has no {what}",
                                  [table_origin(toolkit, table)],
                                  f"add a row with priority={p.id}, challenge={c.id}, function={f.id}")


@rule("matrix.cell-without-action", ERROR, "every cell of Tables 2-4 has at least one action")
def cell_without_action(toolkit: Toolkit):
    yield from _cell_gaps(toolkit, {a.cell for a in toolkit.actions}, "actions", "action")


@rule("matrix.cell-without-example", ERROR, "every cell of Tables 2-4 has at least one example")
def cell_without_example(toolkit: Toolkit):
    yield from _cell_gaps(toolkit, {(c.priority, c.challenge, c.function) for c in toolkit.cell_examples}, "cell_examples", "example")


@rule("matrix.recommendation-unused", ERROR, "every recommendation has at least one action in Table 5")
def recommendation_unused(toolkit: Toolkit):
    used = {r.recommendation for r in toolkit.table5_actions}
    for rec in toolkit.recommendations:
        if rec.id not in used:
            yield finding(rec.id, f"recommendation {rec.id} ({rec.title}) has no action in Table 5",
                          [rec.origin, table_origin(toolkit, "table5_actions")])


@rule("matrix.area-without-recommendations", ERROR, "every recommendation area has its recommendations")
def area_without_recommendations(toolkit: Toolkit):
    used = {r.area for r in toolkit.recommendations}
    for area in toolkit.taxonomy.areas:
        if area.id not in used:
            yield finding(area.id, f"the area '{area.label}' has no recommendation",
                          [area.origin, table_origin(toolkit, "recommendations")])
