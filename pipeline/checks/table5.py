"""Table 5 repeats Tables 2-4: its examples must appear there, its action texts must be theirs."""
from __future__ import annotations

from ..model import Table5Action, Toolkit
from ..wording import normalise_spacing, normalise_text
from ..report import ERROR
from . import finding, rule
from .common import Closest, quote, slug_words, word_diff


def _action_subject(row: Table5Action, toolkit: Toolkit) -> str:
    text = row.text or (toolkit.action_by_id[row.action].text if row.action in toolkit.action_by_id else "")
    return f"{row.recommendation}/{row.function}/{row.action or slug_words(text)}"


@rule("table5.example-not-in-tables", ERROR, "every example Table 5 cites appears in Tables 2-4")
def example_not_in_tables(toolkit: Toolkit):
    in_tables = {c.example for c in toolkit.cell_examples}
    missing: dict[str, list] = {}
    for citation in toolkit.table5_examples:
        # an id with no record at all is ids.dangling's finding, not this one
        if citation.example not in in_tables and citation.example in toolkit.example_by_id:
            missing.setdefault(citation.example, []).append(citation)
    if not missing:
        return
    shown = sorted(in_tables & toolkit.example_by_id.keys())
    closest = Closest([toolkit.example_by_id[e].name for e in shown])
    for example_id, citations in sorted(missing.items()):
        record = toolkit.example_by_id[example_id]
        name = citations[0].printed(record).name
        cells = ", ".join(f"{c.recommendation}/{c.function}" for c in citations)
        hit = closest(name, cutoff=80)
        suggestion = ""
        if hit is not None:
            other = toolkit.example_by_id[shown[hit]]
            suggestion = f"did you mean {quote(other.name)} ({other.origin}), which Tables 2-4 show?"
        yield finding(example_id,
                      f"Table 5 cites {quote(name)} ({cells}) but no cell of Tables 2-4 shows this example",
                      [record.origin] + [c.origin.at(column="example") for c in citations], suggestion)


@rule("table5.action-wording", ERROR,
      "a Table 5 action that names a Tables 2-4 action prints that action's wording")
def action_wording(toolkit: Toolkit):
    for row in toolkit.table5_actions:
        action = toolkit.action_by_id.get(row.action) if row.action else None
        # the same wording: only whitespace and hyphenation may differ (a full stop is a difference)
        if not action or not row.text or normalise_spacing(row.text) == normalise_spacing(action.text):
            continue
        diff = word_diff(normalise_spacing(row.text), normalise_spacing(action.text))
        yield finding(_action_subject(row, toolkit),
                      f"Table 5 ({row.recommendation}/{row.function}) words action {action.id} differently "
                      f"from Tables 2-4: {diff}",
                      [row.origin.at(column="text"), action.origin.at(column="text")],
                      f"Tables 2-4 print: {quote(action.text, 200)}")


@rule("table5.action-not-in-tables", ERROR, "every action text of Table 5 is an action of Tables 2-4")
def action_not_in_tables(toolkit: Toolkit):
    wordings = {normalise_text(a.text) for a in toolkit.actions}
    texts = [normalise_text(a.text) for a in toolkit.actions]
    closest = None
    for row in toolkit.table5_actions:
        if row.action or normalise_text(row.text) in wordings:
            continue
        closest = closest or Closest(texts)
        hit = closest(normalise_text(row.text), cutoff=60)
        suggestion, locations = "", [row.origin.at(column="text")]
        if hit is not None:
            action = toolkit.actions[hit]
            diff = word_diff(normalise_text(row.text), texts[hit])
            suggestion = f"closest: {action.id} ({action.origin}): {diff}"
            locations.append(action.origin.at(column="text"))
        yield finding(_action_subject(row, toolkit),
                      f"Table 5 ({row.recommendation}/{row.function}) prints {quote(row.text)}, "
                      "which is not the wording of any action of Tables 2-4", locations, suggestion)


def _matched_actions(toolkit: Toolkit):
    """(row, the Tables 2-4 actions it repeats) for every Table 5 action row: by id, else by wording."""
    by_wording: dict[str, list] = {}
    for a in toolkit.actions:
        by_wording.setdefault(normalise_text(a.text), []).append(a)
    for row in toolkit.table5_actions:
        if row.action:
            yield row, [toolkit.action_by_id[row.action]] if row.action in toolkit.action_by_id else []
        else:
            yield row, by_wording.get(normalise_text(row.text), [])


@rule("table5.action-function", ERROR,
      "a Table 5 action sits under the same cluster function as in Tables 2-4")
def action_function(toolkit: Toolkit):
    for row, matches in _matched_actions(toolkit):
        if not matches or any(a.function == row.function for a in matches):
            continue
        functions = sorted({a.function for a in matches})
        yield finding(_action_subject(row, toolkit),
                      f"Table 5 lists this action under '{row.function}' (for {row.recommendation}); "
                      f"Tables 2-4 list it under {', '.join(repr(f) for f in functions)}",
                      [row.origin.at(column="function")] + [a.origin.at(column="function") for a in matches])


@rule("table5.action-area", ERROR,
      "a Table 5 action comes from the table of its recommendation's area (green actions for green recommendations)")
def action_area(toolkit: Toolkit):
    priorities = {p.id: p for p in toolkit.taxonomy.priorities}
    area_of = {r.id: r.area for r in toolkit.recommendations}
    for row, matches in _matched_actions(toolkit):
        area = area_of.get(row.recommendation)
        if area not in priorities:  # an area that is not also a priority has no table of its own
            continue
        if not matches or any(a.priority == area for a in matches):
            continue
        tables = sorted({priorities[a.priority].label for a in matches if a.priority in priorities})
        yield finding(_action_subject(row, toolkit),
                      f"Table 5 maps this action to {row.recommendation} ({priorities[area].label} area); "
                      f"Tables 2-4 print it only under {', '.join(tables)}",
                      [row.origin.at(column="recommendation")] + [a.origin.at(column="priority") for a in matches])
