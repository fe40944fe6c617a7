"""One proposal, whichever channel it came by: the shape every reader returns and the review sheet shows."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

KINDS = ("example", "action")


@dataclass
class Proposal:
    channel: str  # roadmap | feedback-form | web (the `contributed_via` of an accepted record)
    file: str  # as the user would type it
    place: str  # where in the file: "table row 3", "proposal 2", ...
    kind: str  # example | action ("" when it could not be told)
    name: str  # the example's name, or the action's text
    country: str = ""
    link: str = ""
    priority: str = ""  # ids, space-separated when several
    challenge: str = ""
    function: str = ""
    note: str = ""  # what the contributor wrote beside it
    contributor: str = ""
    email: str = ""  # to ask the contributor about it; never written into the sources
    organisation: str = ""  # or the region of a roadmap
    date: str = ""  # YYYY-MM-DD: when the contributor saved the file
    flags: list[str] = field(default_factory=list)  # "had tracked changes"
    problems: list[str] = field(default_factory=list)
    match_id: str = ""
    match_name: str = ""
    score: int | None = None
    match_reason: str = ""

    @property
    def key(self) -> str:
        """Stable over harvests of the same file: what carries an editor's decision from one harvest to the next."""
        raw = "\x1f".join((self.channel, self.file, self.place, self.kind, self.name, self.link,
                           self.priority, self.challenge, self.function))
        return "p-" + hashlib.sha1(raw.encode("utf-8")).hexdigest()[:10]

    @property
    def cells(self) -> list[tuple[str, str, str]]:
        """Every cell the proposal names (several priorities x challenges x functions multiply)."""
        return [(p, c, f) for p in self.priority.split() for c in self.challenge.split()
                for f in self.function.split()]


@dataclass
class FileResult:
    """What one file gave: for the "files" sheet, so a file with content but no proposal is seen."""

    file: str
    channel: str
    proposals: int = 0
    plan_rows: int = 0
    answers: int = 0
    note: str = ""  # "refused: ...", "filled in but no proposal", "had tracked changes"


@dataclass
class PlanRow:
    """One filled row of a roadmap's section 4 (stakeholders, governance, resources, actions, monitoring)."""

    file: str
    region: str
    table: str  # the section heading, e.g. "4.1 Stakeholder engagement"
    row: int  # counting the header as 1
    values: dict[str, str]


@dataclass
class Answer:
    """One answer typed into the feedback form (respondent type or a question)."""

    file: str
    contributor: str
    respondent: str
    question: str
    answer: str
