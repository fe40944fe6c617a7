"""Errata: every erratum still finds, in its target, the text it says was printed.

An erratum goes stale when someone edits its target row (or prose) after it was written: the correction
can no longer be trusted to mean what the editor accepted. Like a stale waiver, but an error: the
edition would otherwise silently print something nobody reviewed.
"""
from __future__ import annotations

from ..model import Toolkit
from ..report import ERROR
from . import finding, rule


@rule("errata.stale", ERROR, "every erratum finds in its target the text it says was printed")
def stale(toolkit: Toolkit):
    for erratum, why in toolkit.stale_errata:
        yield finding(erratum.subject, f"the erratum for {erratum.subject} ({erratum.status}, edition "
                      f"{erratum.edition}) no longer matches: {why}", [erratum.origin],
                      "correct 'printed' to what the source now says, or remove the erratum")


@rule("editions.frozen", ERROR, "a published edition with a lock (invoke freeze) prints exactly what it locked")
def frozen(toolkit: Toolkit):
    from ..freeze import frozen_findings

    for subject, message, origins in frozen_findings(toolkit):
        yield finding(subject, f"{message} — add an erratum or a new edition", origins,
                      "a published edition is never edited: put the correction in errata.yaml for a later "
                      "edition, or give the row since/withdrawn")
