"""The web tool's "Propose an example / an action" form: what its template include needs.

The form works offline: propose.js turns it into a small JSON proposal file (the format that
pipeline/contributions/web.py reads back) and, when sources/event.yaml sets `proposals_email`, a
pre-filled e-mail. There is no server and nothing is sent anywhere by the page itself.
"""
from __future__ import annotations

from ..model import Toolkit

FORMAT = "cluster-policy-toolkit-proposal"  # the same as pipeline/contributions/web.py reads
VERSION = 1


def contribution_note(toolkit: Toolkit, record) -> dict:
    """What an example page says about a record that is not the 2021 paper's (a contribution not yet
    verified, a reconstruction): its mark and one sentence, both from pipeline/provenance.py's Marks."""
    from ..provenance import marks_of

    marks = marks_of(toolkit)  # made once per toolkit: Marks.of walks every record (2,500 pages call this)
    item = marks.item(record)
    if item is None:
        return {}
    return {"mark": marks.label(record), "text": item.provenance.explanation()}


def propose_context(toolkit: Toolkit, page: str, cell: tuple[str, str, str] | None = None,
                    about: str = "") -> dict:
    """`page`: the page's path under site/; `cell`: the cell the form starts on; `about`: the example shown."""
    tx = toolkit.taxonomy
    return {
        "format": FORMAT, "version": VERSION, "page": page, "about": about,
        "edition": toolkit.document.edition_id,
        "email": toolkit.event.proposals_email,
        "event": toolkit.event.name,
        "priorities": [{"id": t.id, "label": t.label} for t in tx.priorities],
        "challenges": [{"id": t.id, "label": t.label} for t in tx.challenges],
        "functions": [{"id": t.id, "label": t.label} for t in tx.functions],
        "cell": dict(zip(("priority", "challenge", "function"), cell)) if cell else {},
    }
