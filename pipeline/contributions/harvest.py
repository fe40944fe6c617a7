"""`invoke harvest PATHS`: every channel in one run, into one review queue (output/harvest/review.xlsx).

Each file is read by its channel (roadmap .docx, feedback-form .pdf, web-tool .json); a file that cannot
be read is refused with one line and the others are still harvested. Decisions and notes an editor typed
in an earlier review sheet are carried over by each proposal's key, and rows left undecided or "later"
stay queued even when their file is not harvested again (the earlier sheet is kept as review-previous.xlsx).
Exit code: 0 every file read, 1 some refused (the rest still written), 2 nothing to read.
"""
from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Toolkit
from .files import Refused, channel_of, display, expand
from .matching import Matcher
from .proposal import Answer, FileResult, PlanRow
from .review import COLUMNS, EDITOR_COLUMNS, previous_decisions, proposal_row, write_csv, write_review

QUEUED = ("", "later")


@dataclass
class Harvest:
    rows: list[dict] = field(default_factory=list)
    plans: list[PlanRow] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    files: list[FileResult] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)


def read_file(path: Path, shown: str, harvest: Harvest) -> list:
    """One file's (proposal, raw kind) pairs; its plan rows, answers and summary go into `harvest`."""
    from .feedback import read_feedback
    from .roadmap import read_roadmap
    from .web import read_web

    channel = channel_of(path)
    if channel == "roadmap":
        proposals, plans, result = read_roadmap(path, shown)
        harvest.plans += plans
    elif channel == "feedback-form":
        proposals, answers, result = read_feedback(path, shown)
        harvest.answers += answers
    else:
        proposals, result = read_web(path, shown)
    harvest.files.append(result)
    return proposals


def harvest(files: list[Path], toolkit: Toolkit) -> Harvest:
    result = Harvest()
    matcher = Matcher(toolkit)
    for path in files:
        shown = display(path)
        try:
            proposals = read_file(path, shown, result)
        except Refused as exc:
            result.refused[shown] = str(exc)
            result.files.append(FileResult(shown, "", note=f"refused: {exc}"))
            continue
        result.rows += [proposal_row(matcher.complete(p, raw_kind)) for p, raw_kind in proposals]
    return result


def carry_over(rows: list[dict], previous: dict[str, dict[str, str]]) -> tuple[list[dict], int]:
    """The editor's decisions and notes kept by key; earlier rows still queued appended. (rows, kept)."""
    seen = set()
    for row in rows:
        seen.add(row["key"])
        for column in EDITOR_COLUMNS:
            row[column] = previous.get(row["key"], {}).get(column, "")
    kept = [{c: old.get(c, "") for c in COLUMNS} for key, old in previous.items()
            if key not in seen and old.get("decision", "").strip().lower() in QUEUED]
    return rows + kept, len(kept)


def harvest_command(paths: list[str], sources: Path = Path("sources"), out: Path = Path("output")) -> int:
    """`invoke harvest`: 0 every file read, 1 some refused (the rest still written), 2 nothing to read."""
    from ..load import load

    files = expand(paths)
    if not any(f.exists() for f in files):  # a typo in the only path given is not a harvest of nothing
        print(f"error: nothing to read: no roadmaps, feedback forms or proposal files in "
              f"{', '.join(paths) or '(no paths given)'}", file=sys.stderr)
        return 2
    toolkit = load(sources)
    result = harvest(files, toolkit)
    for shown, reason in result.refused.items():
        print(f"refused: {shown}: {reason}", file=sys.stderr)
    for f in result.files:
        if not f.proposals and f.channel and f.note:
            print(f"no proposal: {f.file}: {f.note}", file=sys.stderr)
    folder = Path(out) / "harvest"
    sheet = folder / "review.xlsx"
    previous = previous_decisions(sheet)
    rows, kept = carry_over(result.rows, previous)
    if sheet.exists():  # what the editor typed there is never lost
        shutil.copyfile(sheet, folder / "review-previous.xlsx")
    write_review(sheet, rows, result.plans, result.answers, result.files)
    write_csv(rows, folder / "review.csv")
    new = sum(1 for r in result.rows if not r["probably_the_same_as"])
    read = len(result.files) - len(result.refused)
    by_channel = {}
    for r in result.rows:
        by_channel[r["channel"]] = by_channel.get(r["channel"], 0) + 1
    channels = ", ".join(f"{n} {c}" for c, n in sorted(by_channel.items()))
    print(f"harvested {len(result.rows)} proposals ({new} new{'; ' + channels if channels else ''}) from {read} "
          f"files, refused {len(result.refused)}; {len(result.plans)} plan rows, {len(result.answers)} answers"
          + (f"; kept {kept} queued from the previous sheet" if kept else "")
          + f"; wrote {display(sheet)}")
    return 1 if result.refused else 0
