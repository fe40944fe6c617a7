"""The site's downloads: which built files the pages offer, and copying them into site/downloads/.

The paper, handouts and roadmaps are built by their own builders; after a build that includes the site,
build.py calls publish_downloads so the site folder can be copied to a static host as it is.
"""
from __future__ import annotations

from pathlib import Path

from ..model import Toolkit


def downloads(toolkit: Toolkit) -> dict:
    """The files `publish_downloads` copies into site/downloads/, as the pages link them.

    Only the paper size `invoke build` makes (A4): a Letter link would point at a file that a plain build
    never writes (`invoke handouts --paper letter` makes that set for printing locally).
    """
    from .handouts import DEFAULT_PAPER, KINDS, PAPERS, output_name

    tx = toolkit.taxonomy
    names = [(f"priority-{p.id}", f"{KINDS['priority'].title}: {p.label}") for p in tx.priorities]
    names += [(kind, KINDS[kind].title) for kind in ("recommendations", "four-phases", "example-cards",
                                                      "feedback-form")]
    return {
        "paper": "downloads/toolkit.pdf",
        "handouts": [{"title": title, "files": [{"paper": paper.name, "href": "downloads/" + output_name(name, paper)}
                                                for paper in (PAPERS[DEFAULT_PAPER],)]}
                     for name, title in names],
        "roadmap_pattern": "downloads/roadmaps/{priority}-{challenge}.docx",
    }


def publish_downloads(out: Path | str = "output", toolkit: Toolkit | None = None) -> list[Path]:
    """Copy the already-built paper, handouts and roadmaps into site/downloads/ (atomically, skip missing).

    The pages link these files; the build calls this after a build that included the site, so the site
    folder can be copied to a static host as it is.
    """
    from ..outputs import atomic_write_bytes

    out = Path(out)
    wanted = [(out / "paper" / "toolkit.pdf", Path("toolkit.pdf"))]
    wanted += [(p, Path("handouts") / p.name) for p in sorted((out / "handouts").glob("*.pdf"))]
    roadmaps = sorted((out / "roadmaps").glob("*.docx"))
    if toolkit is not None:  # only the default set: a consultant's own region roadmap is not for the web
        tx = toolkit.taxonomy
        default = {f"{p.id}-{c.id}.docx" for p in tx.priorities for c in tx.challenges}
        roadmaps = [r for r in roadmaps if r.name in default]
    wanted += [(p, Path("roadmaps") / p.name) for p in roadmaps]
    written = []
    for source, rel in wanted:
        target = out / "site" / "downloads" / rel
        if not source.is_file():
            continue
        data = source.read_bytes()
        if target.is_file() and target.read_bytes() == data:
            continue  # unchanged: a no-op build touches nothing
        written.append(atomic_write_bytes(target, data))
    return written
