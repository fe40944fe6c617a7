"""A read-only folder, a full disk: one line naming the path and what to do; outputs untouched.

The read-only and full-disk cases use a real small file system (a tmpfs mount) when the tests may mount
(root in a container), else a folder made read-only with chmod; the fault-injecting writer needs neither.
"""
from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import PROJECT, SHIPPED

ENV = {**os.environ, "CI": "1"}


def invoke(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=PROJECT, capture_output=True, text=True,
                          env=ENV, timeout=600)


def mount_tmpfs(path: Path, options: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
                          capture_output=True).returncode == 0


@pytest.fixture
def mounts():
    mounted: list[Path] = []
    yield mounted
    for path in reversed(mounted):
        subprocess.run(["umount", str(path)], capture_output=True)


def read_only(path: Path, mounts: list[Path]) -> None:
    """Make `path` a read-only folder: a read-only mount for root (chmod does not stop root), else chmod."""
    if mount_tmpfs(path, "ro,size=64k"):
        mounts.append(path)
    elif os.geteuid() == 0:
        pytest.skip("running as root without the right to mount: a read-only folder cannot be made")
    else:
        path.chmod(0o555)


def one_error_line(stderr: str) -> list[str]:
    assert "Traceback" not in stderr and "(a bug" not in stderr, stderr
    return [line for line in stderr.splitlines() if line.startswith("error: ")]


@pytest.mark.slow
def test_read_only_output_folder_is_one_line_exit_2(tmp_path, mounts):
    out = tmp_path / "out"
    read_only(out, mounts)
    run = invoke("build", "--out", str(out / "nested"), "--only", "roadmaps")
    assert run.returncode == 2
    errors = one_error_line(run.stderr)
    assert len(errors) == 1 and str(out) in errors[0]
    assert "read-only" in errors[0] or "permission denied" in errors[0]


@pytest.mark.slow
def test_read_only_subfolder_fails_its_targets_and_keeps_the_rest(tmp_path, mounts):
    out = tmp_path / "out"
    first = invoke("build", "--out", str(out), "--only", "roadmaps,paper")
    assert first.returncode == 0, first.stderr
    before = (out / "paper" / "toolkit.pdf").read_bytes()
    read_only(out / "roadmaps", mounts)
    run = invoke("build", "--out", str(out), "--only", "roadmaps,paper", "--force")
    assert run.returncode == 1
    errors = one_error_line(run.stderr)
    assert errors and all(str(out / "roadmaps") in e and ("read-only" in e or "permission denied" in e)
                          for e in errors)
    assert (out / "paper" / "toolkit.pdf").read_bytes() == before  # same sources, same bytes, still whole


@pytest.mark.slow
def test_full_disk_fails_in_one_line_per_target_and_leaves_no_half_file(tmp_path, mounts):
    out = tmp_path / "small"
    if not mount_tmpfs(out, "size=160k"):
        pytest.skip("cannot mount a small file system here (the fault-injecting writer test covers ENOSPC)")
    mounts.append(out)
    run = invoke("build", "--out", str(out), "--only", "roadmaps", "--jobs", "1")
    assert run.returncode in (1, 2)
    errors = one_error_line(run.stderr)
    assert errors and all("no space left" in e and str(out) in e for e in errors)
    assert not list(out.rglob(".*.tmp"))
    for docx in out.rglob("*.docx"):  # what was written is whole
        with zipfile.ZipFile(docx) as package:
            assert package.testzip() is None


def test_fault_injecting_writer_gives_one_line_and_keeps_the_previous_output(tmp_path, monkeypatch, shipped):
    from pipeline import build, outputs
    from pipeline.errors import PipelineError

    target = next(t for t in build.collect_targets(shipped, ["roadmaps"]) if t.outputs)
    previous = tmp_path / target.outputs[0]
    previous.parent.mkdir(parents=True)
    previous.write_bytes(b"the previous roadmap")
    (tmp_path / ".build").mkdir()

    real_fdopen = os.fdopen

    class FullDisk:
        """Takes the first 1,000 bytes, then the disk is full."""

        def __init__(self, fd, mode):
            self.handle = real_fdopen(fd, mode)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            self.handle.write(data[:1000])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(outputs.os, "fdopen", FullDisk)
    build._TOOLKIT = shipped
    try:
        with pytest.raises(PipelineError) as raised:
            build.build_one(target, str(tmp_path))
    finally:
        build._TOOLKIT = None
    message = str(raised.value)
    assert "\n" not in message and "no space left" in message and "(a bug" not in message
    assert str(previous) in message
    assert previous.read_bytes() == b"the previous roadmap"
    assert not list(tmp_path.rglob(".*.tmp"))


def test_a_target_that_failed_on_a_full_disk_is_retried_by_the_next_plain_build(tmp_path, monkeypatch, shipped):
    """A full disk is not the inputs' fault: once space is freed, a plain build builds the target."""
    from pipeline import build

    target = next(t for t in build.collect_targets(shipped, ["roadmaps"]) if t.outputs)

    def full(path, data):  # the outputs hit a full disk (the build's own small state files still fit)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    with monkeypatch.context() as patch:
        patch.setattr(build, "atomic_write_bytes", full)
        first = build.run_targets(shipped, [target], out=tmp_path, jobs=1, progress=False)
    assert list(first.failed) == [target.id] and "no space left" in first.failed[target.id]
    second = build.run_targets(shipped, [target], out=tmp_path, jobs=1, progress=False)  # space freed
    assert second.built == [target.id] and not second.failed
    assert (tmp_path / target.outputs[0]).stat().st_size > 0
