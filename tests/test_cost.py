"""A cost that follows the work: what failed is not retried by a no-op build, unless its inputs changed;
a no-op build loads nothing while nothing changed."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from tests.conftest import PROJECT, SHIPPED, edit

pytestmark = pytest.mark.slow


def build(sources, out, *args, only: str = "paper") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "invoke", "build", "--sources", str(sources), "--out", str(out),
                           "--only", only, *args], cwd=PROJECT, capture_output=True, text=True,
                          env={**os.environ, "CI": "1"})


def test_a_failed_target_is_not_retried_until_its_inputs_change(tmp_path):
    """A render-only failure: the check passes, but the PDF refuses to fetch an image from the web."""
    sources, out = tmp_path / "sources", tmp_path / "out"
    shutil.copytree(SHIPPED, sources)
    (sources / "locks" / "2021.json").unlink(missing_ok=True)  # edits 2021 text; editions.frozen is tested on its own
    page = sources / "text" / "02-questions-for-feedback.md"
    edit(page, "During the event,", "![logo](https://example.org/logo.png) During the event,")
    first = build(sources, out)
    assert first.returncode == 1 and "built 1" in first.stdout and "failed 1" in first.stdout, first.stderr
    assert "error: paper:pdf:" in first.stderr and "https://example.org/logo.png" in first.stderr and "not retried" not in first.stderr
    assert not (out / "paper" / "toolkit.pdf").exists() and (out / "paper" / "index.html").is_file()

    def not_retried(run):
        errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
        return (run.returncode == 1 and "Traceback" not in run.stderr and len(errors) == 1
                and "paper:pdf" in errors[0] and "example.org/logo.png" in errors[0] and "not retried" in errors[0]
                and "built 0, skipped 1 (up to date), failed 1" in run.stdout)

    again = build(sources, out)  # nothing changed: the same failure, reported, without rendering again
    assert not_retried(again), (again.stdout, again.stderr)
    assert "nothing changed since the last build" in again.stdout  # the fast path: nothing loaded

    (out / ".build" / "uptodate.json").unlink()  # the long way (load, check, fingerprints) agrees
    slow = build(sources, out)
    assert not_retried(slow) and "nothing changed" not in slow.stdout, (slow.stdout, slow.stderr)
    assert (out / ".build" / "uptodate.json").is_file()  # ... and stamps its result again

    forced = build(sources, out, "--force")  # --force retries
    assert forced.returncode == 1 and "not retried" not in forced.stderr and "example.org/logo.png" in forced.stderr

    edit(page, "![logo](https://example.org/logo.png) ", "")  # fixed: rebuilt at once
    fixed = build(sources, out)
    assert fixed.returncode == 0 and "built 2" in fixed.stdout and "failed 0" in fixed.stdout, fixed.stderr
    assert (out / "paper" / "toolkit.pdf").is_file()


def test_a_noop_build_replays_only_while_nothing_changed(tmp_path):
    """The fast path of pipeline/uptodate.py: a changed source, template-free option or output takes
    the long way; an unchanged one replays the last build's lines and exit code."""
    sources, out = tmp_path / "sources", tmp_path / "out"
    shutil.copytree(SHIPPED, sources)
    first = build(sources, out, only="roadmaps")
    assert first.returncode == 0 and "failed 0" in first.stdout, first.stderr
    built = int(re.search(r"^built (\d+), skipped 0", first.stdout, re.M).group(1))
    assert built > 0

    again = build(sources, out, only="roadmaps")
    assert again.returncode == 0 and f"built 0, skipped {built} (up to date)" in again.stdout
    assert "nothing changed since the last build" in again.stdout and "check: " in again.stdout

    docx = sorted((out / "roadmaps").glob("*.docx"))[0]
    docx.unlink()  # a deleted output: the long way rebuilds just that one
    rebuilt = build(sources, out, only="roadmaps")
    assert rebuilt.returncode == 0 and "built 1," in rebuilt.stdout and docx.is_file(), rebuilt.stdout

    edit(sources / "examples.csv", "\n", "\n", 1)  # same bytes: still nothing to do
    assert "nothing changed" in build(sources, out, only="roadmaps").stdout
    (sources / "words.txt").write_text((sources / "words.txt").read_text(encoding="utf-8") + "\nzzyzx\n",
                                       encoding="utf-8")  # any source byte: the long way, which finds no work
    touched = build(sources, out, only="roadmaps")
    assert touched.returncode == 0 and "nothing changed" not in touched.stdout and "built 0," in touched.stdout


def _text(path) -> str:
    """What a reader sees in an output, whitespace folded (a PDF line break inside a name is a space)."""
    if path.suffix == ".pdf":
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    elif path.suffix == ".docx":
        import docx

        document = docx.Document(str(path))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        text = "\n".join([p.text for p in document.paragraphs] + cells)
    else:
        import html

        text = html.unescape(path.read_text(encoding="utf-8"))
    return " ".join(text.split())


@pytest.mark.huge
def test_at_2500_examples_a_noop_loads_nothing_and_an_edit_rebuilds_what_shows_it(tmp_path):
    from pipeline.bench_scale import edit_one_example

    sources, out = tmp_path / "sources", tmp_path / "out"
    made = subprocess.run([sys.executable, "-m", "invoke", "synth", "--examples", "2500", "--out", str(sources)],
                          cwd=PROJECT, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    first = build(sources, out, only="paper,handouts,roadmaps,site")
    assert first.returncode == 0 and "failed 0" in first.stdout, first.stderr[-2000:]

    again = build(sources, out, only="paper,handouts,roadmaps,site")
    assert again.returncode == 0 and "nothing changed since the last build" in again.stdout
    assert re.search(r"^built 0, skipped \d{4} \(up to date\), failed 0", again.stdout, re.M)

    edit_one_example(sources, 7)  # a made-up example in the middle of examples.csv gets " 7" on its name
    import csv

    rows = list(csv.DictReader((sources / "examples.csv").open(encoding="utf-8")))
    name = next(r["name"] for r in rows if r["name"].endswith(" 7"))
    edited = build(sources, out, only="paper,handouts,roadmaps,site")
    assert edited.returncode == 0 and "failed 0" in edited.stdout, edited.stderr[-2000:]
    rebuilt = re.findall(r"\] built (\S+)", edited.stdout)
    assert 0 < len(rebuilt) < 20, rebuilt  # of ~2,660 targets
    # at 2,500 the paper is built in parts: the part that shows the example, then the join (a target that
    # names no output of its own, printed by its id)
    assert any(r.startswith("paper/parts/toolkit-part-") for r in rebuilt) and "paper:pdf-join" in rebuilt
    assert any(r.startswith("site/examples/") for r in rebuilt)
    # every rebuilt output shows the new name, but a crowded priority matrix: which examples fit its
    # page is decided by laying it out, so any edit to one of its cells lays it out again
    # (a target is named by its first output; one that writes many, like the short pages, shows it in any)
    manifest = json.loads((out / ".build" / "manifest.json").read_text(encoding="utf-8"))
    outputs = {e["outputs"][0]: e["outputs"] for e in manifest.values() if e.get("outputs")}
    shows = {rel: any(name in _text(out / o) for o in outputs.get(rel, [rel]) if o.endswith((".html", ".js", ".pdf", ".docx")))
             for rel in rebuilt if not rel.startswith("handouts/priority-") and ":" not in rel}
    assert all(shows.values()), [rel for rel, shown in shows.items() if not shown]
    assert name in _text(out / "handouts" / "example-cards-a4.pdf")  # the joined files follow their parts
    assert name in _text(out / "paper" / "toolkit.pdf")
