"""One edited example at scale (issue 17): what the build remakes, and that it is what a fresh build makes.

250 made-up examples: the cards come in parts, joined by a target that waits for them (pipeline/waiting.py),
the short pages of the web tool in groups. One renamed example rebuilds its card part, the joined file and
one group of short pages, and every output of that build is byte for byte what a fresh build of the edited
sources makes.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.bench_scale import edit_one_example
from tests.conftest import PROJECT

pytestmark = pytest.mark.slow


def invoke(*args: str) -> subprocess.CompletedProcess:
    run = subprocess.run([sys.executable, "-m", "invoke", *args], cwd=PROJECT, capture_output=True, text=True,
                         env={"CI": "1", "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    return run


def contents(out: Path) -> dict[str, bytes]:
    """Every built file, the build's own state and the check's report (it names its folder) aside."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.relative_to(out).parts[0] not in (".build", "check")}


def manifest(out: Path) -> dict:
    return json.loads((out / ".build" / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def edited(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("scale-edit")
    sources, out, fresh = root / "sources", root / "out", root / "fresh"
    invoke("synth", "--examples", "250", "--out", str(sources))
    invoke("build", "--sources", str(sources), "--out", str(out))
    before, before_prints = contents(out), {k: v.get("fingerprint") for k, v in manifest(out).items()}
    edit_one_example(sources, 0)
    stdout = invoke("build", "--sources", str(sources), "--out", str(out)).stdout
    invoke("build", "--sources", str(sources), "--out", str(fresh))
    rebuilt = {k for k, v in manifest(out).items() if v.get("fingerprint") != before_prints.get(k)}
    return {"out": out, "fresh": fresh, "before": before, "rebuilt": rebuilt, "stdout": stdout}


def test_one_edit_rebuilds_its_card_part_the_joined_cards_and_one_group_of_short_pages(edited):
    rebuilt = edited["rebuilt"]
    parts = {t for t in rebuilt if t.startswith("handouts:example-cards-a4-part-")}
    assert len(parts) == 1 and "handouts:example-cards-a4" in rebuilt
    assert len({t for t in rebuilt if t.startswith("site:aliases-")}) == 1
    assert "built 1" in edited["stdout"] and len(rebuilt) < 20, sorted(rebuilt)
    # the joined file is a target like any other: the manifest knows its bytes and what it cost
    entry = manifest(edited["out"])["handouts:example-cards-a4"]
    assert entry["outputs"] == ["handouts/example-cards-a4.pdf"] and entry["cpu_seconds"] > 0


def test_every_output_after_one_edit_is_what_a_fresh_build_of_the_edited_sources_makes(edited):
    after, fresh = contents(edited["out"]), contents(edited["fresh"])
    assert after.keys() == fresh.keys()
    assert [rel for rel in after if after[rel] != fresh[rel]] == []
    changed = {rel for rel in after if edited["before"].get(rel) != after[rel]}
    assert "handouts/example-cards-a4.pdf" in changed and any(rel.startswith("site/e/") for rel in changed)


def test_the_joined_cards_of_the_edited_build_are_its_parts_in_order(edited):
    from tests.pdfua_check import pdfua_problems

    out = edited["out"]
    whole = out / "handouts" / "example-cards-a4.pdf"
    parts = sorted((out / "handouts" / "cards").glob("*.pdf"))
    texts = [subprocess.run(["pdftotext", str(p), "-"], capture_output=True, text=True, check=True).stdout
             for p in (whole, *parts)]
    assert texts[0] == "".join(texts[1:]) and pdfua_problems(whole) == []
