"""Is a proposal probably something the toolkit already has? Fuzzy matching of names, links and texts.

rapidfuzz's token_sort_ratio on folded names ('Covasna Business Incubator' ~ 'Covasna Incubator'); a link
that is the same page (scheme, 'www.', case of the host and a trailing slash aside) is a match whatever
the name. Labels typed for the taxonomy ("Green transition", "Business services") are turned into ids.
"""
from __future__ import annotations

import re

from ..model import Toolkit
from ..wording import fold, normalise_text
from .proposal import Proposal

NAME_CUTOFF = 85
ACTION_CUTOFF = 85
DIMENSIONS = (("priority", "priorities"), ("challenge", "challenges"), ("function", "functions"))


def terms(toolkit: Toolkit, dimension: str) -> dict[str, str]:
    """Folded id and label -> id."""
    out = {}
    for t in getattr(toolkit.taxonomy, dimension):
        out[fold(t.id)] = t.id
        out[fold(t.label)] = t.id
    return out


def normalise_ids(value: str, known: dict[str, str], what: str, problems: list[str]) -> str:
    """'Green transition; digital' -> 'green digital'; unknown words kept as typed, with a problem."""
    if not value.strip():
        return ""
    ids = []
    for part in (p.strip() for p in re.split(r"[;,/\n]+", value) if p.strip()):
        hit = known.get(fold(part)) or known.get(fold(part).replace(" ", "-"))
        if not hit:
            problems.append(f"unknown {what} '{part}'")
        ids.append(hit or part)
    return " ".join(dict.fromkeys(ids))


def normalise_kind(raw: str, proposal: Proposal) -> str:
    folded = fold(raw)
    if folded.startswith("ex"):
        return "example"
    if folded.startswith("ac"):
        return "action"
    if not folded:
        kind = "example" if (proposal.link or proposal.country) else "action"
        proposal.problems.append(f"kind missing: read as {kind}")
        return kind
    proposal.problems.append(f"kind '{raw}' should be 'example' or 'action'")
    return raw


def normalise_link(link: str) -> str:
    """For comparison only: scheme, 'www.', case of the host and a trailing slash do not matter."""
    link = link.strip().lower()
    link = re.sub(r"^[a-z]+://", "", link)
    link = re.sub(r"^www\.", "", link)
    return link.rstrip("/")


class Matcher:
    """Finds the existing example or action a proposal is probably the same as; fills in its ids."""

    def __init__(self, toolkit: Toolkit):
        self.toolkit = toolkit
        self.terms = {dim: terms(toolkit, plural) for dim, plural in DIMENSIONS}
        self.examples = toolkit.examples
        self.example_names = [fold(e.name) for e in self.examples]
        self.example_links = [normalise_link(e.link) for e in self.examples]
        self.actions = toolkit.actions
        self.action_texts = [fold(normalise_text(a.text)) for a in self.actions]

    def example(self, name: str, link: str) -> tuple[str, str, int | None, str]:
        """(id, name, score, reason) of the closest existing example, or ('', '', None, '')."""
        from rapidfuzz import fuzz, process

        wanted = normalise_link(link)
        same_link = [i for i, known in enumerate(self.example_links) if wanted and known == wanted]
        if same_link:  # several examples can share a page: the one whose name is closest
            best = max(same_link, key=lambda i: fuzz.token_sort_ratio(fold(name), self.example_names[i]))
            return self.examples[best].id, self.examples[best].name, 100, "same link"
        if name:
            hit = process.extractOne(fold(name), self.example_names, scorer=fuzz.token_sort_ratio,
                                     score_cutoff=NAME_CUTOFF)
            if hit:
                e = self.examples[hit[2]]
                return e.id, e.name, round(hit[1]), f"similar name ({hit[1]:.0f}%)"
        return "", "", None, ""

    def action(self, text: str) -> tuple[str, str, int | None, str]:
        from rapidfuzz import fuzz, process

        if not text:
            return "", "", None, ""
        hit = process.extractOne(fold(normalise_text(text)), self.action_texts, scorer=fuzz.token_sort_ratio,
                                 score_cutoff=ACTION_CUTOFF)
        if hit:
            a = self.actions[hit[2]]
            return a.id, a.text, round(hit[1]), f"similar text ({hit[1]:.0f}%)"
        return "", "", None, ""

    def complete(self, proposal: Proposal, raw_kind: str) -> Proposal:
        """Kind and ids normalised, problems noted, the closest existing record found."""
        proposal.kind = normalise_kind(raw_kind, proposal)
        for dim, _ in DIMENSIONS:
            setattr(proposal, dim, normalise_ids(getattr(proposal, dim), self.terms[dim], dim, proposal.problems))
        if not proposal.name:
            proposal.problems.append("no name or text")
        if proposal.kind == "action":
            found = self.action(proposal.name)
        else:
            found = self.example(proposal.name, proposal.link)
        proposal.match_id, proposal.match_name, proposal.score, proposal.match_reason = found
        return proposal
