"""`invoke fix`: the slips the check can correct with certainty become proposed errata, nothing else."""
from __future__ import annotations

import subprocess
import sys

from pipeline.load import load
from tests.conftest import PROJECT

CERTAIN = ("citation:fi-media@resilience/value-chains/business-services",
           "citation:tandem-inter-cluster-mentoring@table5:r11/business-services",
           "citation:logistics-resilience-task-force@table5:r9/networking",
           "printed: strenghten", "printed: adpopted", "printed: highighted",
           "table5-action:r8/networking/digital-value-chains-networking-1",
           "table5-action:r9/networking/digital-value-chains-networking-1",
           "printed: operationalise the operationalise the", "printed: gaps.")
UNCERTAIN = ("house-of-digitalisation", "connected-mobility", "circular-flanders", "Turkey", "Türkiye",
             "cluster-excellence-denmark", "estonian-cluster-website", "digital-innovation-hub-ost")


def invoke(*args):
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=PROJECT, capture_output=True, text=True)


def test_fix_on_the_2021_sources_proposes_exactly_the_certain_corrections(sources):
    (sources / "errata.yaml").unlink()  # the 2021 sources, before any erratum
    shown = invoke("fix", "--sources", str(sources))
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.count("\n+- target:") == 10 and "10 errata proposed" in shown.stdout
    for expected in CERTAIN:
        assert expected in shown.stdout, expected
    for uncertain in UNCERTAIN:
        assert uncertain not in shown.stdout, uncertain
    assert "printed: reenforce\n+  corrected: reinforce" in shown.stdout
    assert not (sources / "errata.yaml").exists()  # a diff only, until --apply

    applied = invoke("fix", "--sources", str(sources), "--apply", "--edition", "2021-corrected")
    assert applied.returncode == 0 and "wrote 10 proposed errata" in applied.stdout
    tk = load(sources)
    assert tk.errata == [] and tk.stale_errata == []  # proposed: reviewed, not printed yet
    assert invoke("fix", "--sources", str(sources)).stdout.startswith("nothing to fix")  # idempotent

    text = (sources / "errata.yaml").read_text(encoding="utf-8")
    (sources / "errata.yaml").write_text(text.replace("status: proposed", "status: accepted"), encoding="utf-8")
    tk = load(sources)
    assert len(tk.errata) == 10 and tk.stale_errata == []
    assert all(c.label != "Example: Example:" for c in [*tk.cell_examples, *tk.table5_examples])
    check = invoke("check", "--sources", str(sources), "--out", str(sources.parent / "out"))
    # 33 warnings: provenance.unverified, the reconstructions that still await an editor (issue 12)
    assert check.returncode == 0 and "0 errors, 33 warnings" in check.stdout, check.stdout


def test_fix_refuses_a_published_edition(sources):
    result = invoke("fix", "--sources", str(sources), "--edition", "2021")
    assert result.returncode == 2 and "published" in result.stderr and "Traceback" not in result.stderr
