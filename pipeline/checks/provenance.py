"""Provenance: every item that is not the 2021 paper's wording and not yet verified by an editor.

A warning in a proof (the item is printed with its mark); an error in a final edition, which refuses
to build while any is left (`--final`, pipeline/gate.py).
"""
from __future__ import annotations

from .. import provenance
from ..model import Toolkit
from ..report import WARNING
from . import finding, rule

RULE = "provenance.unverified"


@rule(RULE, WARNING, "every reconstructed or contributed item is verified by an editor before a final edition")
def unverified(toolkit: Toolkit):
    for item in provenance.unverified(toolkit):
        subject = f"{item.key[0]}{' ' + item.key[1] if item.key[1] else ''}"
        yield finding(subject, f"{item.kind}, {item.place}: “{item.what}” is {item.provenance.status} "
                               f"({item.provenance.reason or item.provenance.explanation()})",
                      [item.origin], "verify it against a source and set status: verified with verified_by, "
                                     "verified_on and verified_source (README: Everyday work)")


def summary(toolkit: Toolkit) -> str:
    """'33 unverified items: 11 recommendation titles, ...' for the check's output ('' when none)."""
    found = provenance.unverified(toolkit)
    if not found:
        return ""
    kinds = ", ".join(f"{n} {kind}" for kind, n in provenance.counts_by_kind(found).items())
    return f"provenance: {len(found)} unverified item{'s' * (len(found) != 1)} by kind: {kinds}"
