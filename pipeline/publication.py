"""The publication around the matrix: its text (sections, figures, references), what it says about
itself (the document: title, edition, authors, imprint) and the event it is printed for.

Records of the typed model (model.py holds the Toolkit that carries them and the matrix's records);
each keeps its Origin. Nothing here reads a file.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .errors import Origin
from .provenance import PRINTED_AS, Provenance


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    level: int
    body: str  # Markdown
    origin: Origin  # the file, line = first line of the body
    toc: bool = True
    provenance: Provenance = PRINTED_AS


@dataclass(frozen=True)
class Figure:
    id: str
    kind: str
    caption: str
    source: str
    alt: str
    data: dict
    origin: Origin
    provenance: Provenance = PRINTED_AS
    field_provenance: dict = field(default_factory=dict)  # field name -> Provenance of that field alone
    lines: dict = field(default_factory=dict, compare=False, repr=False)  # key path -> line, for errors


@dataclass(frozen=True)
class Reference:
    id: str
    author: str
    year: str
    title: str
    origin: Origin
    publisher: str = ""
    identifier: str = ""
    url: str = ""
    provenance: Provenance = PRINTED_AS
    field_provenance: dict = field(default_factory=dict)  # field name -> Provenance of that field alone


@dataclass(frozen=True)
class Author:
    name: str
    affiliation: str


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    series: str
    running_header: str
    language: str
    edition_id: str
    edition_date: dt.date
    authors: tuple[Author, ...]
    initiative: str
    disclaimer: str
    copyright: str
    subject: str
    keywords: tuple[str, ...]
    origin: Origin
    edition_title: str = ""  # from sources/editions.yaml (pipeline/editions.py), e.g. "2021 corrected"
    cover_lines: tuple[str, ...] = ()  # the cover's event lines exactly as printed (empty: built from event)
    authors_heading: str = "Authors"  # the imprint's heading as printed (the 2021 paper: "Authors :")
    provenance: Provenance = PRINTED_AS
    field_provenance: dict = field(default_factory=dict)  # field name -> Provenance of that field alone

    @property
    def source_date_epoch(self) -> int:
        """Seconds since 1970 at midnight UTC of the edition date: the timestamp of every output."""
        midnight = dt.datetime.combine(self.edition_date, dt.time(), tzinfo=dt.timezone.utc)
        return int(midnight.timestamp())


@dataclass(frozen=True)
class Event:
    name: str
    organisers: tuple[str, ...]
    venue: str
    city: str
    country: str
    start_date: dt.date
    end_date: dt.date
    feedback_intro: str
    feedback_questions: tuple[str, ...]
    respondent_types: tuple[str, ...]
    origin: Origin
    web_address: str = ""  # public address of the web tool, ending in "/"; "" while unknown
    proposals_email: str = ""  # where the web tool's "Propose" form offers to e-mail a proposal
    provenance: Provenance = PRINTED_AS
    field_provenance: dict = field(default_factory=dict)  # field name -> Provenance of that field alone


def placed_ids(sections: list[Section], kind: str) -> list[str]:
    """Ids of the figures or tables placed by `{kind:id}` paragraphs, in reading order."""
    out = []
    prefix = "{" + kind + ":"
    for section in sections:
        for line in section.body.splitlines():
            line = line.strip()
            if line.startswith(prefix) and line.endswith("}"):
                out.append(line[len(prefix):-1].strip())
    return out
