"""The command line: every task is listed, and the fast tasks do not pay for the heavy libraries."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import PROJECT

HEAVY = ("weasyprint", "pandas", "docxtpl", "docx", "playwright")


def imported_modules(*args: str) -> set[str]:
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "invoke", *args], cwd=PROJECT,
                         capture_output=True, text=True)
    assert run.returncode in (0, 1), run.stderr[-2000:]
    # importtime lines: "import time: self | cumulative | package.module"
    return {line.rsplit("|", 1)[1].strip().split(".")[0] for line in run.stderr.splitlines()
            if line.startswith("import time:") and "|" in line}


@pytest.mark.parametrize("args", [("--list",), ("check", "--out", "{tmp}")])
def test_fast_tasks_do_not_import_heavy_libraries(args, tmp_path):
    modules = imported_modules(*[a.format(tmp=tmp_path) for a in args])
    assert "invoke" in modules
    assert sorted(m for m in HEAVY if m in modules) == []


def test_every_task_is_listed_and_documented():
    run = subprocess.run([sys.executable, "-m", "invoke", "--list"], cwd=PROJECT, capture_output=True, text=True)
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    tasks = [line.split()[0] for line in run.stdout.splitlines()[1:] if line.startswith("  ") and line[2] != " "]
    expected = {"accept", "bench", "build", "changes", "check", "clean", "fix", "freeze", "handouts", "harvest", "paper", "roadmap", "roadmaps",
                "site", "synth", "test", "watch", "workbook"}
    assert set(tasks) == expected
    assert [t for t in tasks if f"`invoke {t}" not in readme] == []


def test_unknown_builder_is_a_one_line_usage_error(tmp_path):
    run = subprocess.run([sys.executable, "-m", "invoke", "build", "--only", "papr", "--out", str(tmp_path)],
                         cwd=PROJECT, capture_output=True, text=True)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.strip() == "error: --only: unknown output 'papr' (expected: paper, handouts, roadmaps, site)"
