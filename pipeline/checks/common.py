"""Small helpers the rule families share: folding text, closest matches, where a table lives."""
from __future__ import annotations

import difflib
import re
from typing import Sequence

from ..errors import Origin
from ..model import Citation, Table5Example, Toolkit
from ..wording import fold  # noqa: F401 (rules import fold from here)


class Closest:
    """The choice most like a query (rapidfuzz ratio on case- and accent-folded text).

    Built once per list of choices, so a rule that asks many times folds the choices once.
    """

    def __init__(self, choices: Sequence[str]):
        self.folded = [fold(c) for c in choices]

    def __call__(self, query: str, cutoff: float = 75.0) -> int | None:
        from rapidfuzz import fuzz, process

        if not self.folded:
            return None
        hit = process.extractOne(fold(query), self.folded, scorer=fuzz.ratio, score_cutoff=cutoff)
        return hit[2] if hit else None


def closest(query: str, choices: Sequence[str], cutoff: float = 75.0) -> int | None:
    """Index of the choice most like `query`, or None below `cutoff` (0-100)."""
    return Closest(choices)(query, cutoff)


def table_origin(toolkit: Toolkit, name: str) -> Origin:
    """The file a table came from (e.g. 'actions'), for findings about something missing from it."""
    for file in toolkit.source_files:
        stem = file.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        if stem == name:
            return Origin(file)
    books = [f for f in toolkit.source_files if f.endswith((".xlsx", ".ods"))]
    return Origin(books[0], sheet=name) if books else Origin(f"{name}.csv")


def cell_key(citation: Citation) -> str:
    """Where a citation sits, as a stable subject: 'green/skills/networking' or 'table5:r7/networking'."""
    if isinstance(citation, Table5Example):
        return f"table5:{citation.recommendation}/{citation.function}"
    return "/".join(citation.cell)  # type: ignore[attr-defined]


def all_citations(toolkit: Toolkit) -> list[Citation]:
    return [*toolkit.cell_examples, *toolkit.table5_examples]


def word_diff(printed: str, expected: str) -> str:
    """The words that differ, e.g. "'clusters' where the other prints 'cluster organisations'"."""
    a, b = printed.split(), expected.split()
    changes = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        mine, theirs = " ".join(a[i1:i2]), " ".join(b[j1:j2])
        if op == "delete":
            changes.append(f"adds '{mine}'")
        elif op == "insert":
            changes.append(f"omits '{theirs}'")
        else:
            changes.append(f"'{mine}' for '{theirs}'")
    return "; ".join(changes[:4]) + ("; ..." if len(changes) > 4 else "")


def slug_words(text: str, words: int = 8) -> str:
    """A short, stable handle for a text: its first words, lower-case, hyphenated."""
    tokens = re.findall(r"[a-z0-9]+", fold(text))
    return "-".join(tokens[:words])


def quote(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return f"'{text}'" if len(text) <= limit else f"'{text[:limit - 1]}…'"


def body_lines(section):
    """(origin of the line, text) for each line of a section's Markdown body."""
    first = section.origin.line or 1
    for offset, text in enumerate(section.body.split("\n")):
        yield section.origin.at(line=first + offset), text


def placements(toolkit: Toolkit, kind: str):
    """(origin, id) of every `{kind:id}` paragraph, in reading order."""
    prefix = "{" + kind + ":"
    for section in toolkit.sections:
        for origin, text in body_lines(section):
            text = text.strip()
            if text.startswith(prefix) and text.endswith("}"):
                yield origin, text[len(prefix):-1].strip()
