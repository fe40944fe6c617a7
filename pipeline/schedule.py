"""The order in which a build hands its targets to the pool: the longest first.

A pool of two workers finishes when its last target does. Started last, a long target (the example cards,
a fitted handout) keeps one core busy while the other has nothing left to do; started first, the many
short ones (web pages, roadmaps) fill in around it. So targets are queued by what they are expected to
cost: the CPU seconds the same target took in the last build of this output folder (the manifest keeps
them), else a rough prior by kind (measured on the shipped sources and at 2,500 examples: the paper's PDF
is always the longest, a fitted handout lays itself out two to four times, the card sheets are pages of
images, a web page or a roadmap costs milliseconds). Only the order changes, never what is built.
"""
from __future__ import annotations

from .targets import Target

# (builder, the start of the target's name) -> expected CPU seconds when no earlier build says; first match
PRIORS: tuple[tuple[str, str, float], ...] = (
    ("paper", "pdf", 8.0),
    ("handouts", "recommendations", 4.0),
    ("handouts", "priority", 3.0),
    ("handouts", "example-cards", 2.5),
    ("handouts", "feedback", 1.0),
    ("handouts", "", 0.5),
    ("site", "assets", 0.6),
    ("site", "index", 0.3),
    ("site", "countries", 0.3),
    ("site", "search-data", 0.3),
    ("paper", "html", 0.2),
    ("roadmaps", "", 0.05),
)
DEFAULT_S = 0.02  # a web page of one example, cell or country
SHORT_S = 0.05  # at most this: may run ahead of a target about to be released (pool_feeder.py)


def expected_seconds(target: Target, manifest: dict) -> float:
    """What the target is expected to cost: the last build's CPU seconds for it, else the prior."""
    last = (manifest.get(target.id) or {}).get("cpu_seconds")
    if isinstance(last, (int, float)) and last >= 0:
        return float(last)
    return next((cost for builder, start, cost in PRIORS
                 if target.builder == builder and target.name.startswith(start)), DEFAULT_S)


def longest_first(targets: list[Target], manifest: dict) -> list[Target]:
    """The targets, the most expensive first (ties keep their order)."""
    return sorted(targets, key=lambda t: -expected_seconds(t, manifest))


def is_short(target: Target, manifest: dict) -> bool:
    return expected_seconds(target, manifest) <= SHORT_S
