"""Crash safety: a build killed at any moment is finished by the next plain build, which exits 0.

SIGKILL at 5 random moments (seeded, so a failure can be replayed), to the build's main process alone
and to its whole process group, each time after a source edit so that there is real work in flight.
"""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.conftest import PROJECT, SHIPPED, edit

pytestmark = pytest.mark.slow
ENV = {**os.environ, "CI": "1"}


def invoke(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=PROJECT, capture_output=True, text=True,
                          env=ENV, **kwargs)


def live_processes(session: int) -> list[str]:
    """Processes of a session that are still running (zombies waiting for init to reap them are dead)."""
    ps = subprocess.run(["ps", "-o", "pid=,stat=", "-s", str(session)], capture_output=True, text=True).stdout
    return [line for line in ps.splitlines() if line.split()[1:] and not line.split()[1].startswith("Z")]


def whole(path: Path) -> bool:
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        return len(PdfReader(path).pages) > 0
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as package:
            return package.testzip() is None and "word/document.xml" in package.namelist()
    if path.suffix == ".html":
        return path.read_text(encoding="utf-8").rstrip().endswith("</html>")
    return path.stat().st_size > 0


def test_kill_at_five_random_moments_then_a_plain_build_recovers(tmp_path):
    sources, out = tmp_path / "sources", tmp_path / "out"
    shutil.copytree(SHIPPED, sources)
    (sources / "locks" / "2021.json").unlink(missing_ok=True)  # edits a 2021 row; editions.frozen is tested on its own
    only = ("--only", "paper,roadmaps")
    first = invoke("build", "--sources", str(sources), "--out", str(out), *only)
    assert first.returncode == 0, first.stderr
    rng = random.Random(16)
    names = ["Innovation clusters Saxony", "Innovation clusters of Saxony"]
    for round_ in range(5):
        edit(sources / "examples.csv", names[round_ % 2], names[(round_ + 1) % 2])
        proc = subprocess.Popen([sys.executable, "-m", "invoke", "build", "--sources", str(sources), "--out",
                                 str(out), *only], cwd=PROJECT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True, env=ENV)
        time.sleep(rng.uniform(0.5, 4.0))
        if round_ % 2:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            os.kill(proc.pid, signal.SIGKILL)  # the main process alone: its workers must follow it
        proc.wait()
        deadline = time.monotonic() + 5
        while live_processes(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert live_processes(proc.pid) == [], f"round {round_}: workers outlived their build"

        again = invoke("build", "--sources", str(sources), "--out", str(out), *only, timeout=300)
        assert again.returncode == 0, f"round {round_}: {again.stderr}"
        assert "changed since it was built" not in again.stderr and "Traceback" not in again.stderr
        assert "waiting for another build" not in again.stderr
        assert not list(out.rglob(".*.tmp"))
        broken = [str(p) for p in out.rglob("*") if p.is_file() and ".build" not in p.parts and not whole(p)]
        assert broken == [], f"round {round_}"
    final = invoke("build", "--sources", str(sources), "--out", str(out), *only)
    assert final.returncode == 0 and "built 0," in final.stdout
    # the last edit (round 4) reached the outputs that show it
    assert "Innovation clusters of Saxony" in (out / "paper" / "index.html").read_text(encoding="utf-8")


def test_lock_of_a_killed_build_is_taken_over_with_a_message(tmp_path):
    """A lock file naming a build that no longer runs: the next build says so and goes on."""
    sources, out = tmp_path / "sources", tmp_path / "out"
    shutil.copytree(SHIPPED, sources)
    dead = subprocess.Popen(["true"])
    dead.wait()
    (out / ".build").mkdir(parents=True)
    (out / ".build" / "lock").write_text(f'{{"pid": {dead.pid}, "started": 0}}')
    run = invoke("build", "--sources", str(sources), "--out", str(out), "--only", "paper")
    assert run.returncode == 0, run.stderr
    assert f"previous build (pid {dead.pid}) was interrupted" in run.stderr


def test_lock_held_by_leftovers_of_a_dead_build_is_taken_over(tmp_path):
    """An orphan holding the flock of a build that is gone (a worker of an older version): stopped, lock taken."""
    out = tmp_path / "out"
    (out / ".build").mkdir(parents=True)
    lock = out / ".build" / "lock"
    holder = subprocess.Popen([sys.executable, "-c", "import fcntl, json, sys, time\n"
                               f"f = open({str(lock)!r}, 'w'); fcntl.flock(f, fcntl.LOCK_EX)\n"
                               "f.write(json.dumps({'pid': 1999999})); f.flush(); print('held', flush=True)\n"
                               "time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    code = ("from pathlib import Path; from pipeline.buildstate import BuildLock\n"
            f"with BuildLock(Path({str(out)!r})): print('got it')")
    run = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, timeout=30)
    assert run.stdout.strip() == "got it", run.stderr
    assert "pid 1999999) is gone" in run.stderr and "stopping its 1 leftover" in run.stderr
    assert holder.wait(timeout=5) == -signal.SIGKILL
