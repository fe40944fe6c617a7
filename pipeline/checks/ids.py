"""Ids: every reference resolves, no id or citation is there twice, every example record is used."""
from __future__ import annotations

import re

from ..errors import Origin
from ..model import Toolkit
from ..wording import normalise_text
from ..report import ERROR, WARNING
from . import finding, rule
from .common import Closest, body_lines, placements, quote, slug_words

REF_LINK = re.compile(r"\]\(#ref-([^)\s]+)\)")
FIXED_TABLES = ("overview", "recommendations")  # Tables 1 and 5; Tables 2-4 are the priorities


def _references(toolkit: Toolkit):
    """(kind, id, origin, column, known ids) for every place that names another record by id; the origin
    is narrowed to the column only for a dangling id (50,000 citations resolve; few do not)."""
    examples = toolkit.example_by_id.keys()
    actions = toolkit.action_by_id.keys()
    recommendations = {r.id for r in toolkit.recommendations}
    for c in toolkit.cell_examples:  # 50,000 citations: only the unknown ids go on (dangling looks no further)
        if c.example not in examples:
            yield "example", c.example, c.origin, "example", examples
    for c in toolkit.table5_examples:
        if c.example not in examples:
            yield "example", c.example, c.origin, "example", examples
        if c.recommendation not in recommendations:
            yield "recommendation", c.recommendation, c.origin, "recommendation", recommendations
    for row in toolkit.table5_actions:
        if row.action:
            yield "action", row.action, row.origin, "action", actions
        yield "recommendation", row.recommendation, row.origin, "recommendation", recommendations
    references = toolkit.reference_by_id.keys()
    for section in toolkit.sections:
        for origin, text in body_lines(section):
            for m in REF_LINK.finditer(text):
                yield "reference", m.group(1), origin, None, references
    figures = {f.id for f in toolkit.figures}
    for origin, fig in placements(toolkit, "figure"):
        yield "figure", fig, origin, None, figures
    tables = {*FIXED_TABLES, *(p.id for p in toolkit.taxonomy.priorities)}
    for origin, table in placements(toolkit, "table"):
        yield "table", table, origin, None, tables


@rule("ids.dangling", ERROR, "every id a row or the prose names exists")
def dangling(toolkit: Toolkit):
    missing: dict[tuple[str, str], list[Origin]] = {}
    known_by_kind: dict[str, object] = {}
    for kind, ref, origin, column, known in _references(toolkit):
        if ref not in known:
            missing.setdefault((kind, ref), []).append(origin.at(column=column) if column else origin)
            known_by_kind[kind] = known
    matchers: dict[str, tuple[list[str], Closest]] = {}
    for (kind, ref), origins in sorted(missing.items()):
        if kind not in matchers:
            ids = sorted(known_by_kind[kind])
            matchers[kind] = (ids, Closest(ids))
        ids, closest = matchers[kind]
        hit = closest(ref, cutoff=70)
        yield finding(f"{kind}:{ref}", f"no {kind} has the id '{ref}' ({len(origins)} use"
                      f"{'s' * (len(origins) != 1)})", origins,
                      f"did you mean '{ids[hit]}'?" if hit is not None else "")


def _first_twice(items):
    """(key, [origins]) for every key that occurs more than once (counted first: lists only for those)."""
    items = list(items)
    once: set = set()
    twice: set = set()
    for key, _ in items:  # a set pass, not a Counter: 55,000 citation keys, nearly all once
        if key in once:
            twice.add(key)
        else:
            once.add(key)
    seen: dict[object, list[Origin]] = {}
    for key, origin in items:
        if key in twice:
            seen.setdefault(key, []).append(origin)
    return sorted(seen.items(), key=lambda kv: str(kv[0]))


@rule("ids.duplicate", ERROR, "no id, citation or placement is there twice")
def duplicate(toolkit: Toolkit):
    records = {"example": toolkit.examples, "action": toolkit.actions,
               "recommendation": toolkit.recommendations, "figure": toolkit.figures,
               "reference": toolkit.references, "section": toolkit.sections}
    for kind, items in records.items():
        for key, origins in _first_twice((r.id, r.origin) for r in items):
            yield finding(f"{kind}:{key}", f"two {kind}s have the id '{key}'", origins)
    cited = [((c.priority, c.challenge, c.function, c.example), c.origin) for c in toolkit.cell_examples]
    cited += [((c.recommendation, c.function, c.example), c.origin) for c in toolkit.table5_examples]
    for key, origins in _first_twice(cited):
        *cell, example = key
        table = "Table 5" if len(cell) == 2 else "Tables 2-4"
        yield finding(f"citation:{'/'.join(cell)}/{example}",
                      f"{table} cite the example '{example}' twice in the cell {'/'.join(cell)}", origins)
    repeated = [((r.recommendation, r.function, normalise_text(toolkit.table5_action_text(r))), r.origin)
                for r in toolkit.table5_actions]
    repeated += [((*a.cell, normalise_text(a.text)), a.origin) for a in toolkit.actions]
    for key, origins in _first_twice(repeated):
        *cell, text = key
        table = "Table 5" if len(cell) == 2 else "Tables 2-4"
        yield finding(f"action:{'/'.join(cell)}/{slug_words(text)}",
                      f"{table} list the same action twice in the cell {'/'.join(cell)}: {quote(text)}",
                      origins)
    for kind in ("figure", "table"):
        for key, origins in _first_twice((ref, origin) for origin, ref in placements(toolkit, kind)):
            yield finding(f"{kind}-placement:{key}", f"the {kind} '{key}' is placed twice", origins)


@rule("ids.unused", WARNING, "every example record is cited by a table, every figure is placed")
def unused(toolkit: Toolkit):
    cited = {c.example for c in toolkit.cell_examples} | {c.example for c in toolkit.table5_examples}
    for e in toolkit.examples:
        if e.id not in cited:
            yield finding(f"example:{e.id}", f"no table cites the example '{e.name}' ({e.id})", [e.origin],
                          "cite it in cell_examples or table5_examples, or remove the record")
    placed = {ref for _, ref in placements(toolkit, "figure")}
    for fig in toolkit.figures:
        if fig.id not in placed:
            yield finding(f"figure:{fig.id}", f"no section places the figure '{fig.id}' ({fig.caption})",
                          [fig.origin], f"add a paragraph {{figure:{fig.id}}} where it belongs")
