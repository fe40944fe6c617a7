"""The whole build: incremental, parallel == serial, atomic when killed, one build at a time.

Everything here runs the real `invoke build` on a copy of the shipped sources. Which outputs a build
rewrote is read from the file system: every output is written to a temporary file and renamed, so a
rebuilt output has a new inode and an untouched one keeps its own.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import PROJECT, SHIPPED, edit

pytestmark = pytest.mark.slow


def build(sources: Path, out: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "invoke", "build", "--sources", str(sources), "--out", str(out),
                             *args], cwd=PROJECT, capture_output=True, text=True, env={**os.environ, "CI": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def outputs(out: Path) -> dict[str, Path]:
    """Every built file; the build's own state and the check report (rewritten by every check) aside."""
    files = {p.relative_to(out): p for p in sorted(out.rglob("*")) if p.is_file()}
    return {rel.as_posix(): p for rel, p in files.items() if rel.parts[0] not in (".build", "check")}


def inodes(out: Path) -> dict[str, int]:
    return {rel: p.stat().st_ino for rel, p in outputs(out).items()}


def contents(out: Path) -> dict[str, bytes]:
    return {rel: p.read_bytes() for rel, p in outputs(out).items()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A full build of a private copy of the sources: (sources, out, first build's stdout)."""
    root = tmp_path_factory.mktemp("build")
    sources = root / "sources"
    shutil.copytree(SHIPPED, sources)
    (sources / "locks" / "2021.json").unlink(missing_ok=True)  # edits a 2021 row; editions.frozen is tested on its own
    result = build(sources, root / "out")
    return sources, root / "out", result.stdout


def test_full_build_makes_every_output(built):
    _, out, stdout = built
    files = outputs(out)
    assert "paper/toolkit.pdf" in files and "paper/index.html" in files
    assert any(f.startswith("handouts/") and f.endswith(".pdf") for f in files)
    assert sum(f.startswith("roadmaps/") and f.endswith(".docx") for f in files) == 12
    assert "site/index.html" in files
    assert "check: 0 errors" in stdout and ", failed 0 " in stdout
    # each target's cost, wall and CPU seconds, is in the manifest (the CPU: what it cost on shared cores)
    manifest = json.loads((out / ".build" / "manifest.json").read_text(encoding="utf-8"))
    assert all(entry["seconds"] >= 0 and entry["cpu_seconds"] >= 0 for entry in manifest.values())
    assert manifest["paper:pdf"]["cpu_seconds"] > 0.1  # a layout of 25 pages, in the worker that made it


def test_second_build_skips_everything(built):
    sources, out, _ = built
    before = inodes(out)
    result = build(sources, out)
    assert "built 0," in result.stdout
    assert inodes(out) == before


def test_one_example_edit_rebuilds_exactly_the_outputs_that_show_it(built, tmp_path):
    sources, out, _ = built
    before_bytes, before_inodes = contents(out), inodes(out)
    # (an edit to a row of the frozen 2021 edition is an editions.frozen error: this test is about rebuilds)
    (sources / "locks" / "2021.json").unlink(missing_ok=True)
    edit(sources / "examples.csv", "Innovation clusters Saxony", "Innovation clusters Saxony & Thuringia")
    try:
        stdout = build(sources, out).stdout
        rewritten = {rel for rel, ino in inodes(out).items() if before_inodes.get(rel) != ino}
        # What a from-scratch build of the edited sources changes is what had to be rebuilt.
        fresh = tmp_path / "fresh"
        build(sources, fresh)
        changed = {rel for rel, data in contents(fresh).items() if before_bytes.get(rel) != data}
        assert changed, "the edit changed no output at all"
        assert rewritten == changed
        assert "paper/toolkit.pdf" in rewritten
        # ...and no target was rebuilt that shows nothing of the edit (its first output names it).
        manifest = json.loads((out / ".build" / "manifest.json").read_text(encoding="utf-8"))
        affected = {entry["outputs"][0] for entry in manifest.values() if changed & set(entry["outputs"])}
        built_now = set(re.findall(r"\] built (\S+)", stdout))
        assert built_now == affected
        assert len(built_now) < len(manifest) / 2  # not a rebuild of everything
    finally:
        edit(sources / "examples.csv", "Innovation clusters Saxony & Thuringia", "Innovation clusters Saxony")
        build(sources, out)


def test_parallel_build_equals_serial_build(built, tmp_path):
    sources, _, _ = built
    build(sources, tmp_path / "serial", "--jobs", "1")
    build(sources, tmp_path / "parallel", "--jobs", "2")
    serial, parallel = contents(tmp_path / "serial"), contents(tmp_path / "parallel")
    assert serial.keys() == parallel.keys()
    assert [k for k in serial if serial[k] != parallel[k]] == []


def readable(path: Path) -> bool:
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        return len(PdfReader(path).pages) > 0
    if path.suffix == ".docx":
        import docx

        return len(docx.Document(path).paragraphs) > 0
    return path.stat().st_size > 0


def test_killed_build_leaves_every_previous_output_readable(built):
    sources, out, _ = built
    before = contents(out)
    proc = subprocess.Popen([sys.executable, "-m", "invoke", "build", "--sources", str(sources), "--out", str(out),
                             "--force"], cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True, env={**os.environ, "CI": "1"})
    time.sleep(2.5)  # well into rendering: the paper and the first handouts are being written
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    after = outputs(out)
    assert after.keys() == before.keys()
    assert [rel for rel, p in after.items() if not readable(p)] == []
    # The same sources give the same bytes: whatever the killed build managed to finish is unchanged.
    assert [rel for rel, p in after.items() if p.read_bytes() != before[rel]] == []
    # The next build cleans the killed build's temporary files and finds nothing to do.
    result = build(sources, out)
    assert not list(out.rglob(".*.tmp"))
    assert "failed 0" in result.stdout


def test_two_builds_at_once_do_not_corrupt_each_other(built):
    sources, out, _ = built
    procs = [subprocess.Popen([sys.executable, "-m", "invoke", "build", "--sources", str(sources), "--out",
                               str(out), "--force", "--only", "handouts"], cwd=PROJECT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env={**os.environ, "CI": "1"}) for _ in range(2)]
    results = [p.communicate() + (p.returncode,) for p in procs]
    assert [code for _, _, code in results] == [0, 0]
    assert any("waiting for another build" in err for _, err, _ in results)
    assert all(readable(p) for rel, p in outputs(out).items() if rel.startswith("handouts/"))


def test_clean_removes_output(tmp_path):
    (tmp_path / "output" / "paper").mkdir(parents=True)
    (tmp_path / "output" / "paper" / "x.pdf").write_bytes(b"x")
    shutil.copy(PROJECT / "tasks.py", tmp_path / "tasks.py")
    shutil.copytree(PROJECT / "pipeline", tmp_path / "pipeline")
    result = subprocess.run([sys.executable, "-m", "invoke", "clean"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0 and not (tmp_path / "output").exists()


def ctrl_c_default() -> None:
    """In the child before it starts: Ctrl-C does what it does in a terminal, even when these tests run
    under nohup or in a non-interactive shell's background job, which hand Ctrl-C down as ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_stops_the_build_without_building_what_was_queued(tmp_path):
    """Ctrl-C reaches the build and its workers (one process group, as in a terminal). The build stops at
    once: the targets still queued are not built (leaving the pool used to wait for all of them)."""
    proc = subprocess.Popen([sys.executable, "-m", "invoke", "build", "--sources", str(SHIPPED), "--out",
                             str(tmp_path / "out"), "--only", "handouts,roadmaps"], cwd=PROJECT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True, preexec_fn=ctrl_c_default,
                            env={**os.environ, "CI": "1", "PYTHONUNBUFFERED": "1"})
    try:
        for line in proc.stdout:
            first = re.match(r"\[1/(\d+)\] built", line)
            if first:
                break
        os.killpg(proc.pid, signal.SIGINT)
        output = proc.communicate(timeout=120)[0]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert first and proc.returncode == 130 and "interrupted" in output, output
    written = [p for p in (tmp_path / "out").rglob("*") if p.suffix in (".pdf", ".docx")]  # reported or not
    assert len(written) < int(first[1]) / 2, f"{len(written)} files written for {first[1]} targets"


def test_watch_rebuilds_on_save_and_survives_bad_input(tmp_path):
    sources, out = tmp_path / "sources", tmp_path / "out"
    shutil.copytree(SHIPPED, sources)
    (sources / "locks" / "2021.json").unlink(missing_ok=True)  # edits a 2021 row; editions.frozen is tested on its own
    proc = subprocess.Popen([sys.executable, "-m", "invoke", "watch", "--sources", str(sources), "--out", str(out),
                             "--only", "site"], cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True, preexec_fn=ctrl_c_default,
                            env={**os.environ, "CI": "1", "PYTHONUNBUFFERED": "1"})
    lines: list[str] = []

    def wait_for(text: str, timeout: float = 60, unless: str = "\0") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if text in line and unless not in line:
                return
        raise AssertionError(f"no {text!r} in:\n{''.join(lines)}")

    try:
        wait_for("watching")
        page = out / "site" / "examples" / "innovation-clusters-saxony.html"
        assert "Innovation clusters Saxony" in page.read_text(encoding="utf-8")
        edit(sources / "actions.csv", "green,innovation,intelligence", "gren,innovation,intelligence")
        wait_for("error: ")
        assert "actions.csv:2: column 'priority': unknown value 'gren'" in lines[-1]
        edit(sources / "actions.csv", "gren,innovation,intelligence", "green,innovation,intelligence")
        edit(sources / "examples.csv", "Innovation clusters Saxony", "Innovation clusters of Saxony")
        wait_for(" (up to date)", unless="built 0,")  # the summary; the first save may rebuild nothing
        assert "Innovation clusters of Saxony" in page.read_text(encoding="utf-8"), "".join(lines)
        assert proc.poll() is None  # still watching
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=30)


def test_bad_figure_data_is_refused_by_the_check_before_rendering(tmp_path):
    """Bad figure data is bad input (issue 16): the check reports it at figures.yaml:line, nothing is rendered."""
    import pickle

    from pipeline.errors import Origin, SourceError

    error = SourceError(Origin("sources/figures.yaml", line=9, key="[0].centre"), "needs 'centre'")
    assert str(pickle.loads(pickle.dumps(error))) == str(error)  # it must cross from a worker

    sources = tmp_path / "sources"
    shutil.copytree(SHIPPED, sources)
    edit(sources / "figures.yaml", "  kind: pyramid\n", "  kind: pyramidd\n")
    run = subprocess.run([sys.executable, "-m", "invoke", "build", "--sources", str(sources), "--out",
                          str(tmp_path / "out"), "--only", "paper", "--jobs", "2"], cwd=PROJECT,
                         capture_output=True, text=True, env={**os.environ, "CI": "1"})
    assert run.returncode == 2 and "Traceback" not in run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "figures.data" in errors[0] and "figures.yaml:" in errors[0]
    assert "unknown kind 'pyramidd'" in errors[0]
    assert not (tmp_path / "out" / "paper" / "toolkit.pdf").exists()


def test_an_output_changed_by_hand_is_never_overwritten_without_force(tmp_path):
    sources, out = tmp_path / "sources", tmp_path / "out"
    shutil.copytree(SHIPPED, sources)
    (sources / "locks" / "2021.json").unlink(missing_ok=True)  # edits a 2021 row; editions.frozen is tested on its own
    build(sources, out, "--only", "roadmaps")
    filled = out / "roadmaps" / "green-value-chains.docx"
    import docx

    document = docx.Document(filled)
    document.add_paragraph("Our stakeholders met on 3 March.")
    document.save(filled)  # a consultant filled the roadmap in place
    mine = filled.read_bytes()
    edit(sources / "examples.csv", "Innovation clusters Saxony", "Innovation clusters of Saxony")
    run = subprocess.run([sys.executable, "-m", "invoke", "build", "--sources", str(sources), "--out", str(out),
                          "--only", "roadmaps"], cwd=PROJECT, capture_output=True, text=True,
                         env={**os.environ, "CI": "1"})
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "green-value-chains.docx was changed since it was built" in run.stderr and "--force" in run.stderr
    assert filled.read_bytes() == mine
    build(sources, out, "--only", "roadmaps", "--force")
    assert filled.read_bytes() != mine and "Our stakeholders" not in "\n".join(
        p.text for p in docx.Document(filled).paragraphs)
