"""WeasyPrint made ready once, in the build's process, before its pool forks (issue 17, the floor at 56).

Every worker used to pay WeasyPrint's start on its first PDF: the import (~0.36 s of CPU, most of it cffi
parsing Pango's and HarfBuzz's C declarations with pycparser, then the user-agent stylesheets and
fontTools), then the first render (fontconfig, the bundled fonts, pikepdf for the tags, the handouts'
stylesheet parsed, the templates compiled): ~0.55-0.6 s of CPU per worker, measured by forking a
process with and without this and timing its first handout. Done here once, the forked workers inherit
it copy-on-write (and share its pages: less memory for the build as a whole). The bare WeasyPrint floor
the bench compares with pays it once too.

Nothing here changes an output: a worker already renders its targets one after the other in whatever
order the queue gives, so no render may depend on what rendered before it in the same process (the
builds' outputs are compared byte for byte across schedules); this is one more render before them,
through the same code, whose PDF is thrown away.
"""
from __future__ import annotations

import os
from typing import Iterable

from ..paths import TEMPLATES

# the builders whose targets lay out PDFs with WeasyPrint in the pool's workers
WEASYPRINT_BUILDERS = frozenset({"paper", "handouts"})

_WARM_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>warm</title>
<style>{faces} body {{ font-family: 'Open Sans'; }}</style>
<link rel="stylesheet" href="handouts.css"></head>
<body><h1>Warm</h1><p>A <b>bold</b>, <i>italic</i> and <b><i>both</i></b> line.</p>
<table><caption>t</caption><tr><th scope="col">h</th></tr><tr><td>d</td></tr></table></body></html>
"""

_done: set[str] = set()


def before_fork(targets: Iterable, workers: int = 2) -> set[str]:
    """Make ready in this process what the pool's workers would each make ready on their first PDF of
    these targets' builders; returns the builders warmed now (none twice in one process: `invoke watch`).

    Only when at least as many of the targets write a PDF as there are workers: the warm-up is serial
    here, so it saves wall time only if every worker would otherwise have paid it (with one PDF to make,
    its worker's start and the warm-up cost the same, and the warm-up would delay the other worker's web
    pages). The paper's web page and the joins of its parts write no PDF of their own: not counted."""
    targets = list(targets)
    pdfs = [t for t in targets if t.builder in WEASYPRINT_BUILDERS and any(o.endswith(".pdf") for o in t.outputs)]
    if len(pdfs) < workers:
        return set()
    builders = [t.builder for t in targets]
    wanted = (set(builders) & WEASYPRINT_BUILDERS) - _done
    if not wanted:
        return set()
    try:
        if not _done & WEASYPRINT_BUILDERS:
            _weasyprint()
        if "handouts" in wanted:
            from .handout_fit import _environment

            _compile(_environment(), "handouts")
        if "paper" in wanted:
            from .paper import _environment as paper_environment

            _compile(paper_environment(), "paper")
    except Exception:  # noqa: BLE001 (only a saving: the worker meets the same problem and reports it)
        return set()
    _done.update(wanted)
    return wanted


def _compile(env, folder: str) -> None:
    """Every template of templates/<folder> compiled into the renderer's one environment (~0.08 s a
    folder), which keeps them: a template's globals are read when it renders, not when it is compiled."""
    for path in sorted((TEMPLATES / folder).glob("*.j2")):
        env.get_template(path.name)


def _weasyprint() -> None:
    """One small PDF/UA render through the handouts' path: imports, fonts, tags, the shared stylesheet."""
    from .common import font_face_css, render_pdf

    epoch = os.environ.get("SOURCE_DATE_EPOCH")  # render_pdf sets it; each target sets its own again
    try:
        render_pdf(_WARM_PAGE.format(faces=font_face_css()), TEMPLATES / "handouts", 0,
                   source="the build's warm-up page", shared_css=True)
    finally:
        if epoch is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = epoch
