"""Errata: corrections applied over the printed text when an edition is loaded, never by editing its rows.

`sources/errata.yaml` lists them. Each names its target (a record and field, or a prose file and the
exact passage), the text as printed, the corrected text, its kind, the reason, the edition it applies
from, and its status: `proposed` (written by `invoke fix`, not applied) or `accepted` (applied). An
erratum whose "as printed" text no longer matches its target is stale: the check reports it as an error
with the erratum's file:line, as it does a stale waiver.

Targets:
    example:<id>               name, country, link          (examples.csv)
    action:<id>                text                         (actions.csv)
    recommendation:<id>        title                        (recommendations.csv)
    citation:<example>@<place> label, name, country, link   (cell_examples.csv / table5_examples.csv;
                               <place> as the checker names it: green/skills/networking, table5:r7/networking)
    table5-action:<r>/<function>/<action id or first words>  text   (table5_actions.csv)
    figure:<id>                caption, alt                 (figures.yaml)
    text:<file under sources/> (no field: `printed` is the exact passage, which must occur once)

`printed` is either the field's whole value or a passage of it that occurs exactly once ("reenforce").
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from .editions import Edition, Editions
from .errors import Origin, SourceError
from .model import DEFAULT_LABEL, Citation, Toolkit
from .sources.texts import list_entries, read_yaml

ERRATA_FILE = "errata.yaml"
KINDS = ("typo", "repeated label", "repeated word", "name variant", "link", "country", "punctuation",
         "wording")
PROPOSED, ACCEPTED = "proposed", "accepted"
STATUSES = (PROPOSED, ACCEPTED)
REQUIRED = ("target", "printed", "corrected", "kind", "reason", "edition", "status")
KEYS = (*REQUIRED, "field")
FIELDS = {"example": ("name", "country", "link"), "action": ("text",), "recommendation": ("title",),
          "citation": ("label", "name", "country", "link"), "table5-action": ("text",),
          "figure": ("caption", "alt"), "text": ()}


@dataclass(frozen=True)
class Erratum:
    target: str  # "<kind>:<key>", see the module docstring
    field: str  # "" for a prose passage
    printed: str
    corrected: str
    kind: str
    reason: str
    edition: str
    status: str
    origin: Origin  # errata.yaml and the line of the entry

    @property
    def target_kind(self) -> str:
        return self.target.split(":", 1)[0]

    @property
    def key(self) -> str:
        return self.target.split(":", 1)[1]

    @property
    def subject(self) -> str:
        return f"{self.target}" + (f".{self.field}" if self.field else "")


@dataclass(frozen=True)
class Applied:
    """An erratum as applied to one edition: what it changed and where that text lives."""

    erratum: Erratum
    where: Origin  # the source row (or file:line) of the corrected text


def read_errata(sources: Path, editions: Editions) -> list[Erratum]:
    """The errata file (none if it is missing); a malformed entry is a SourceError with its line."""
    path = Path(sources) / ERRATA_FILE
    if not path.exists():
        return []
    doc = read_yaml(path)
    if doc.data is None:
        return []
    out: list[Erratum] = []
    seen: dict[tuple[str, str, str], Origin] = {}
    for i, where, item in list_entries(
            doc, KEYS, "errata (target, field, printed, corrected, kind, reason, edition, status)",
            "target, printed, corrected, kind, reason, edition, status"):
        values = {}
        for key in KEYS:
            value = item.get(key)
            value = "" if value is None else str(value) if isinstance(value, (int, float)) else value
            if not isinstance(value, str) or (key in REQUIRED and key != "corrected" and not value.strip()):
                raise SourceError(doc.at(f"[{i}].{key}") if key in item else where,
                                  f"'{key}' is missing or empty")
            values[key] = value if key in ("printed", "corrected") else value.strip()
        kind, _, key = values["target"].partition(":")
        if kind not in FIELDS or not key:
            raise SourceError(doc.at(f"[{i}].target"), f"target '{values['target']}' is not <kind>:<key> "
                              f"(kinds: {', '.join(FIELDS)})")
        allowed = FIELDS[kind]
        if (values["field"] or "") not in (allowed or ("",)):
            expected = ", ".join(allowed) if allowed else "no field (the printed passage is the target)"
            raise SourceError(doc.at(f"[{i}].field") if "field" in item else where,
                              f"field '{values['field']}' of a {kind} target (expected: {expected})")
        if values["kind"] not in KINDS:
            raise SourceError(doc.at(f"[{i}].kind"), f"unknown kind '{values['kind']}' (expected: {', '.join(KINDS)})")
        if values["status"] not in STATUSES:
            raise SourceError(doc.at(f"[{i}].status"), f"unknown status '{values['status']}' "
                              f"(expected: {' or '.join(STATUSES)})")
        if values["edition"] not in editions.ids:
            raise SourceError(doc.at(f"[{i}].edition"), f"unknown edition '{values['edition']}' "
                              f"(editions: {', '.join(editions.ids)})")
        if editions.get(values["edition"]).order == 0:
            raise SourceError(doc.at(f"[{i}].edition"), f"the first edition '{values['edition']}' is what the "
                              "rows say; an erratum applies from a later edition")
        if values["printed"] == values["corrected"]:
            raise SourceError(doc.at(f"[{i}].corrected"), "'corrected' is the same as 'printed'")
        erratum = Erratum(values["target"], values["field"], values["printed"], values["corrected"],
                          values["kind"], values["reason"], values["edition"], values["status"], where)
        ident = (erratum.target, erratum.field, erratum.edition if erratum.field else erratum.printed)
        if ident in seen:
            raise SourceError(where, f"a second erratum for {erratum.subject} in edition {erratum.edition} "
                              f"(first at {seen[ident]})")
        seen[ident] = where
        out.append(erratum)
    return out


# -- applying errata to a loaded edition ----------------------------------------------------------

class Stale(Exception):
    """The erratum's target is gone or no longer prints what the erratum says was printed."""


def _place(citation: Citation) -> str:
    from .checks.common import cell_key

    return f"{citation.example}@{cell_key(citation)}"


def _table5_key(tk: Toolkit, row) -> str:
    from .checks.common import slug_words

    return f"{row.recommendation}/{row.function}/{row.action or slug_words(tk.table5_action_text(row))}"


def _swap(items: list, index: int, new) -> list:
    return items[:index] + [new] + items[index + 1:]


def _find(items, match, what: str) -> int:
    """The index of the first item that matches (the scan stops there: errata target early rows)."""
    hit = next((i for i, item in enumerate(items) if match(item)), None)
    if hit is None:
        raise Stale(f"no {what} in this edition")
    return hit


def _patch(current: str, erratum: Erratum) -> str:
    """The corrected value: `printed` is the whole value, or a passage of it that occurs exactly once."""
    if current == erratum.printed:
        return erratum.corrected
    count = current.count(erratum.printed) if erratum.printed else 0
    if count == 1:
        return current.replace(erratum.printed, erratum.corrected, 1)
    if count > 1:
        raise Stale(f"'{erratum.printed}' occurs {count} times in it; quote enough to be unique")
    shown = current if len(current) <= 80 else current[:79] + "…"
    raise Stale(f"now reads '{shown}', which does not contain '{erratum.printed}'")


# The target kinds that name a record by its id, and the Toolkit attribute holding those records.
RECORD_TABLES = {"example": "examples", "action": "actions", "recommendation": "recommendations",
                 "figure": "figures"}


def apply_one(tk: Toolkit, e: Erratum) -> Origin:
    """Apply one erratum to the toolkit in place; return the origin of the corrected value."""
    kind, key, f = e.target_kind, e.key, e.field
    if kind in RECORD_TABLES:  # a field of a record found by its id
        table = RECORD_TABLES[kind]
        rows = getattr(tk, table)
        i = _find(rows, lambda x: x.id == key, f"{kind} '{key}'")
        setattr(tk, table, _swap(rows, i, replace(rows[i], **{f: _patch(getattr(rows[i], f), e)})))
        origin = rows[i].origin
        return origin.at(key=f"{origin.key}.{f}") if kind == "figure" else origin.at(column=f)
    if kind == "citation":
        table = "table5_examples" if "@table5:" in key else "cell_examples"
        rows = getattr(tk, table)
        i = _find(rows, lambda c: _place(c) == key, f"citation '{key}'")
        c = rows[i]
        record = next((x for x in tk.examples if x.id == c.example), None)
        value = _patch(getattr(c.printed(record), f), e)
        default = DEFAULT_LABEL if f == "label" else (getattr(record, f) if record else None)
        value = "" if value == default else value  # "as the record" / the usual label
        setattr(tk, table, _swap(rows, i, replace(c, **{f: value})))
        return c.origin.at(column=f)
    if kind == "table5-action":
        i = _find(tk.table5_actions, lambda r: _table5_key(tk, r) == key, f"Table 5 action '{key}'")
        row = tk.table5_actions[i]
        value = _patch(tk.table5_action_text(row), e)
        tk.table5_actions = _swap(tk.table5_actions, i, replace(row, text=value))
        return row.origin.at(column="text")
    # a prose passage
    i = _find(tk.sections, lambda s: s.origin.file == key or s.origin.file.endswith("/" + key),
              f"prose file '{key}'")
    section = tk.sections[i]
    count = section.body.count(e.printed)
    if count != 1:
        raise Stale(f"the passage occurs {count} times in {section.origin.file}; quote enough to be unique"
                    if count else f"the passage is no longer in {section.origin.file}")
    before = section.body.split(e.printed, 1)[0]
    tk.sections = _swap(tk.sections, i, replace(section, body=section.body.replace(e.printed, e.corrected, 1)))
    return section.origin.at(line=(section.origin.line or 1) + before.count("\n"))


def apply_errata(tk: Toolkit, errata: list[Erratum], editions: Editions, edition: Edition) -> Toolkit:
    """The accepted errata of `edition` and the editions before it, applied in edition then file order.

    Proposed errata of those editions are checked against their target too (a stale proposal is as
    wrong as a stale acceptance) but change nothing.
    """
    due = sorted((e for e in errata if editions.get(e.edition).order <= edition.order),
                 key=lambda e: editions.get(e.edition).order)
    for e in due:
        if e.status != ACCEPTED:
            continue
        try:
            where = apply_one(tk, e)
        except Stale as why:
            tk.stale_errata.append((e, str(why)))
        else:
            tk.errata.append(Applied(e, where))
    for e in due:
        if e.status == PROPOSED:
            probe = _copy(tk)
            try:
                apply_one(probe, e)
            except Stale as why:
                tk.stale_errata.append((e, str(why)))
    return tk


def _copy(tk: Toolkit) -> Toolkit:
    """A shallow copy whose lists can be swapped without touching `tk` (records are immutable)."""
    fresh = replace(tk)
    for name in ("example_by_id", "action_by_id", "_actions_by_cell", "_examples_by_cell", "reference_by_id",
                 "figure_numbers", "table_numbers"):
        fresh.__dict__.pop(name, None)
    return fresh


def apply_edition(tk: Toolkit, sources: Path, editions: Editions, edition: Edition, workbook=None) -> Toolkit:
    """The last step of loading: stamp the edition on the toolkit and its document, apply its errata."""
    tk.edition = edition.id
    tk.loaded_from = (str(sources), str(workbook) if workbook else "")
    if len(editions.items) > 1 or (Path(sources) / "editions.yaml").exists():
        tk.document = replace(tk.document, edition_id=edition.id, edition_date=edition.date,
                              edition_title=edition.title)
    return apply_errata(tk, read_errata(sources, editions), editions, edition)
