"""`invoke accept REVIEW.xlsx [--edition ID] [--dry-run]`: the editor's decisions applied to the sources.

    accept            a new example (id from its name, unique) with a cell citation per cell it names,
                      or a new action in each cell it names (id <priority>-<challenge>-<function>-<n>)
    merge into <id>   the proposal's cells (and its link, when the record has none) added to that record
    reject, later     nothing; "later" rows stay queued for the next harvest (harvest carries them over)

Every new row carries its provenance (status `contributed`, contributed_by, _via, _on, _from) and `since`
(the edition being prepared). Accept prints a unified diff of the CSV files it changes and runs the check
on the result before writing. It writes nothing when any decision row is invalid (one line per bad row
naming sheet:row, exit 2) or when the change would add check errors (exit 1). A proposal already applied
is recognised by its `contributed_from`, so running accept twice changes nothing the second time.
"""
from __future__ import annotations

import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import PipelineError
from ..model import Toolkit
from ..wording import normalise_text
from .review import ReviewRow, read_review
from .tables import CsvTable, read_tables

PROVENANCE = ("status", "contributed_by", "contributed_via", "contributed_on", "contributed_from", "since")
CELL = ("priority", "challenge", "function")
MERGE = re.compile(r"^merge\s+into\s+(\S+)$", re.IGNORECASE)


@dataclass
class Decision:
    row: ReviewRow
    verb: str  # accept | merge
    target: str = ""  # the id merged into


def default_edition(sources: Path) -> str:
    """The latest edition in sources/editions.yaml (pipeline/editions.py), or "" when there is none."""
    from ..editions import EDITIONS_FILE, read_editions

    if not (Path(sources) / EDITIONS_FILE).exists():
        return ""
    latest = read_editions(Path(sources)).latest
    if latest.published:
        print(f"warning: the latest edition, {latest.id}, is published; new records join it only once an "
              "edition in preparation follows it in editions.yaml (or give --edition)", file=sys.stderr)
    return latest.id


# -- validating the decisions ------------------------------------------------------------------------

def validate(rows: list[ReviewRow], toolkit: Toolkit) -> tuple[list[Decision], list[str]]:
    """(decisions to apply, one message per bad row)."""
    tx = toolkit.taxonomy
    allowed = {"priority": [t.id for t in tx.priorities], "challenge": [t.id for t in tx.challenges],
               "function": [t.id for t in tx.functions]}
    decisions, bad = [], []
    for row in rows:
        raw = " ".join(row["decision"].split())
        verb = raw.lower()
        if verb in ("", "later", "reject"):
            continue
        merge = MERGE.match(raw)
        if verb != "accept" and not merge:
            bad.append(f"{row.where}: decision '{raw}': expected accept, merge into <id>, reject or later")
            continue
        problems = []
        if row["kind"] not in ("example", "action"):
            problems.append(f"kind '{row['kind']}' must be example or action")
        if not row["name_or_text"]:
            problems.append("name_or_text is empty")
        for dim, ids in allowed.items():
            for value in row[dim].split():
                if value not in ids:
                    problems.append(f"{dim} '{value}' is not one of {', '.join(ids)}")
        target = merge.group(1) if merge else ""
        if merge:
            known = toolkit.example_by_id if row["kind"] == "example" else toolkit.action_by_id
            if target not in known:
                problems.append(f"merge into '{target}': no {row['kind'] or 'record'} has that id")
        elif not all(row[d] for d in CELL):
            problems.append("accept needs a priority, a challenge and a function (ids) for its cell")
        if row["link"] and not re.match(r"^https?://\S+$", row["link"]):
            problems.append(f"link '{row['link']}' is not an http(s) address")
        if not (row["contributor"] or row["organisation"]):
            problems.append("no contributor: type who proposed it in 'contributor' (or 'anonymous')")
        if row["date"] and not re.match(r"^\d{4}-\d{2}-\d{2}$", row["date"]):
            problems.append(f"date '{row['date']}' is not YYYY-MM-DD")
        if problems:
            bad.append(f"{row.where}: {'; '.join(problems)}")
        else:
            decisions.append(Decision(row, "merge" if merge else "accept", target))
    return decisions, bad


# -- applying them -----------------------------------------------------------------------------------

def _provenance(row: ReviewRow, edition: str) -> dict[str, str]:
    """What the sources record, and the outputs print: the name and organisation, never the e-mail address."""
    who = row["contributor"] or row["organisation"]
    if row["contributor"] and row["organisation"]:
        who += f" ({row['organisation']})"
    return {"status": "contributed", "contributed_by": who, "contributed_via": row["channel"],
            "contributed_on": row["date"], "contributed_from": f"{row['file']}, {row['place']}",
            "since": edition}


def _cells(row: ReviewRow) -> list[tuple[str, str, str]]:
    return [(p, c, f) for p in row["priority"].split() for c in row["challenge"].split()
            for f in row["function"].split()]


def _unique_id(name: str, taken: set[str]) -> str:
    from ..render.roadmap_specs import slugify

    base = slugify(name)[:60].rstrip("-") or "example"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _cite(tables: dict[str, CsvTable], example: str, cell: tuple, meta: dict) -> bool:
    cited = tables["cell_examples"].rows
    if any((r["priority"], r["challenge"], r["function"], r["example"]) == (*cell, example) for r in cited):
        return False
    tables["cell_examples"].append({**dict(zip(CELL, cell)), "example": example, **meta})
    return True


def apply(decisions: list[Decision], tables: dict[str, CsvTable], edition: str) -> list[str]:
    """Edit the tables in memory; one line per change made (nothing for what is already there)."""
    changes = []
    examples, actions = tables["examples"], tables["actions"]
    for d in decisions:
        row, meta = d.row, _provenance(d.row, edition)
        source = meta["contributed_from"]
        if row["kind"] == "example":
            if d.verb == "accept":
                known = next((r for r in examples.rows if r.get("contributed_from") == source
                              and r["name"] == row["name_or_text"]), None)
                example_id = known["id"] if known else _unique_id(row["name_or_text"], {r["id"] for r in examples.rows})
                if not known:
                    examples.append({"id": example_id, "name": row["name_or_text"], "country": row["country"],
                                     "link": row["link"], **meta})
                    changes.append(f"{row.where}: new example {example_id}")
            else:
                example_id = d.target
                record = next(r for r in examples.rows if r["id"] == example_id)
                if row["link"] and not record.get("link"):
                    record["link"], examples.changed = row["link"], True
                    changes.append(f"{row.where}: link of {example_id} set")
            for cell in _cells(row):
                if _cite(tables, example_id, cell, meta):
                    changes.append(f"{row.where}: {example_id} cited in {'/'.join(cell)}")
        elif d.verb == "accept":
            for cell in _cells(row):
                in_cell = [r for r in actions.rows if (r["priority"], r["challenge"], r["function"]) == cell]
                if any(normalise_text(r["text"]) == normalise_text(row["name_or_text"]) for r in in_cell):
                    continue
                numbers = [int(m.group(1)) for r in in_cell if (m := re.search(r"-(\d+)$", r["id"]))]
                action_id = f"{'-'.join(cell)}-{max(numbers, default=0) + 1}"
                actions.append({"id": action_id, **dict(zip(CELL, cell)), "text": row["name_or_text"], **meta})
                changes.append(f"{row.where}: new action {action_id}")
    for table in tables.values():
        if table.added or table.changed:
            table.ensure(PROVENANCE)
    return changes


def _check_errors(sources: Path) -> dict[tuple[str, str], str]:
    """(rule, subject) -> message of every open error the check finds on these sources."""
    from ..checks.run import check_toolkit
    from ..load import load

    report = check_toolkit(load(sources), sources)
    return {(f.rule, f.subject): f"{f.rule} [{f.subject}]: {f.message}" for f in report.open
            if f.severity == "error"}


def accept_command(review: Path, sources: Path = Path("sources"), edition: str | None = None,
                   dry_run: bool = False) -> int:
    """0 applied (or nothing to do), 1 the result would add check errors, 2 a bad decision row."""
    from ..load import load

    toolkit = load(sources)
    edition = edition if edition is not None else default_edition(sources)
    decisions, bad = validate(read_review(Path(review)), toolkit)
    if bad:
        for line in bad:
            print(f"error: {review} {line}", file=sys.stderr)
        print(f"nothing written: {len(bad)} invalid decision row{'s' * (len(bad) != 1)}", file=sys.stderr)
        return 2
    tables = read_tables(sources)
    changes = apply(decisions, tables, edition)
    if not changes:
        print(f"nothing to change: {len(decisions)} accepted proposal{'s' * (len(decisions) != 1)} "
              "already in the sources")
        return 0
    for line in changes:
        print(line)
    for table in tables.values():
        sys.stdout.write(table.diff())
    with tempfile.TemporaryDirectory() as tmp:  # the check runs on the result before anything is written
        candidate = Path(tmp) / "sources"
        shutil.copytree(sources, candidate)
        for table in tables.values():
            (candidate / table.path.name).write_text(table.text(), encoding="utf-8")
        try:
            before, after = _check_errors(sources), _check_errors(candidate)
        except PipelineError as exc:
            print(f"error: the accepted proposals would make the sources unreadable: {exc}", file=sys.stderr)
            return 2
    added = [message for key, message in after.items() if key not in before]
    for message in added:
        print(f"check: {message}", file=sys.stderr)
    if added:
        print(f"nothing written: the change would add {len(added)} check error{'s' * (len(added) != 1)}",
              file=sys.stderr)
        return 1
    print(f"check: no new errors ({len(after)} open before and after)")
    if dry_run:
        print("dry run: nothing written")
        return 0
    written = [f"sources/{t.path.name}" for t in tables.values() if t.write()]
    print(f"wrote {', '.join(written)}" + (f" (since {edition})" if edition else "")
          + "; `invoke build` shows the new records")
    return 0
