"""WeasyPrint made ready in the build's process before its pool forks (pipeline/render/prewarm.py): only
for builders that lay out PDFs, when every worker would lay one out, once per process, and what it made
ready is what the workers would use."""
from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import PROJECT

PROBE = """
import json, sys
from pipeline.render import prewarm, shared_css
from pipeline.render.handout_fit import _environment
from pipeline.targets import Target
def t(builder, *outputs):
    return Target(builder, "x", outputs, deps={})
page, html = t("site", "site/index.html"), t("paper", "paper/index.html", "paper/paper.css")
matrix, cards = t("handouts", "handouts/priority-green-a4.pdf"), t("handouts", "handouts/example-cards-a4.pdf")
seen = {"none": sorted(prewarm.before_fork([page, t("roadmaps", "roadmaps/x.docx")])),
        "one": sorted(prewarm.before_fork([page, matrix, html, t("paper", "paper/parts/page-map.json")], workers=2)),
        "weasyprint_before": "weasyprint" in sys.modules}
seen["warmed"] = sorted(prewarm.before_fork([page, matrix, cards], workers=2))
seen["weasyprint_after"] = "weasyprint" in sys.modules
seen["sheets"] = [key[0].rsplit("/", 1)[-1] for key in shared_css._PARSED]
seen["templates"] = sorted(key[1] for key in _environment().cache.keys())  # compiled, kept
seen["again"] = sorted(prewarm.before_fork([matrix, cards]))
print(json.dumps(seen))
"""


def test_weasyprint_is_made_ready_once_and_only_for_pdf_builders():
    run = subprocess.run([sys.executable, "-c", PROBE], cwd=PROJECT, capture_output=True, text=True, check=True)
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["none"] == [] and not seen["weasyprint_before"]  # the web tool and roadmaps need none of it
    assert seen["one"] == []  # one PDF for two workers: its own worker's start costs the same, in parallel
    assert seen["warmed"] == ["handouts"] and seen["weasyprint_after"]
    assert seen["sheets"] == ["handouts.css"]  # parsed once, shared with every handout layout (shared_css.py)
    assert {"base.html.j2", "macros.html.j2", "priority.html.j2", "cards.html.j2"} <= set(seen["templates"])
    assert seen["again"] == []  # `invoke watch` builds again in the same process: nothing twice
