"""The consistency checker's registry: every rule, its id, severity and title.

A rule is a function `toolkit -> iterable of Finding`; it never prints and never reads files. One
module per family of rules (table5, identity, matrix, ids, links, countries, prose) registers its
rules with the `@rule` decorator. `run_rules` runs them all and stamps each finding with the id and
severity of the rule that produced it.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Iterable

from ..errors import Origin
from ..model import Toolkit
from ..report import ERROR, SEVERITIES, STALE_RULE, WARNING, Finding

FAMILIES = ("table5", "identity", "matrix", "ids", "links", "countries", "prose", "errata", "provenance", "figures")


@dataclass(frozen=True)
class Rule:
    id: str  # "<family>.<name>", e.g. "table5.example-not-in-tables"
    severity: str  # "error" or "warning"
    title: str  # one line: what the rule wants to be true
    function: Callable[[Toolkit], Iterable[Finding]]


_RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: str, title: str):
    """Register a rule function under `rule_id`."""
    assert severity in SEVERITIES and rule_id not in _RULES, rule_id

    def register(function):
        _RULES[rule_id] = Rule(rule_id, severity, title, function)
        return function

    return register


def finding(subject: str, message: str, locations: Iterable[Origin], suggestion: str = "") -> Finding:
    """A finding as a rule reports it; `run_rules` fills in the rule id and severity."""
    return Finding("", "", message, tuple(locations), subject, suggestion)


def all_rules() -> dict[str, Rule]:
    """Every registered rule by id (importing the rule modules registers them)."""
    from . import countries, errata, figures, identity, ids, links, matrix, prose, provenance, spelling, table5  # noqa: F401

    return dict(sorted(_RULES.items()))


def rule_titles() -> dict[str, str]:
    titles = {r.id: r.title for r in all_rules().values()}
    titles[STALE_RULE] = "every waiver still matches a finding"
    return titles


def run_rules(toolkit: Toolkit, only: Iterable[str] | None = None) -> list[Finding]:
    """Run every rule (or the named ones) and return the findings, sorted."""
    rules = all_rules()
    selected = [rules[r] for r in only] if only else list(rules.values())
    out: list[Finding] = []
    for r in selected:
        out.extend(replace(f, rule=r.id, severity=r.severity) for f in r.function(toolkit))
    return sorted(out, key=lambda f: f.sort_key)


__all__ = ["ERROR", "WARNING", "Rule", "rule", "finding", "all_rules", "run_rules", "rule_titles"]
