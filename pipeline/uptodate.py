"""The no-op build's fast path: nothing it is made from changed, so nothing is loaded, checked or hashed.

A full build of 2,500 examples knows what is up to date only after loading the sources, checking them,
making every target's context and fingerprinting it (seconds). But a build is a pure function of the
sources, the code, the templates and the options: when none of them changed since a build that finished
(and no output it wrote was touched since), its result stands. This module decides that from the bytes of
the inputs and the sizes and times of the outputs, importing nothing but the standard library, and
replays what that build said (the check line, the failures it remembers, the summary): issue 17's
"no-op under 1.5 s".

The stamp (`output/.build/uptodate.json`) is written only after a build whose every failure the manifest
remembers (pipeline/build.py: a failure on the same inputs is not retried); anything else (an output
edited by hand, a full disk, a build in progress) leaves no stamp, and the next build takes the long way.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import sys
import time
from functools import lru_cache
from pathlib import Path

from . import __version__
from .paths import PROJECT, TEMPLATES

BUILDERS = ("paper", "handouts", "roadmaps", "site")  # the order `invoke build` runs them in
STAMP = ".build/uptodate.json"
OWNED = ("paper", "handouts", "roadmaps", "site", "check")  # the folders a build writes in output/
LOCKFILE = PROJECT / "package-lock.json"  # npm data the site reads (world-atlas)
STARTED = time.perf_counter()  # ~ when the task started: a replay says how long it took


def available_builders() -> list[str]:
    """The builders of BUILDERS whose module exists (the web tool may not be there yet)."""
    here = Path(__file__).parent / "render"
    return [b for b in BUILDERS if (here / f"{b}.py").exists()]


@lru_cache(maxsize=1)
def code_version() -> str:
    """The pipeline's version and a hash of its code: a fixed renderer (or a fixed bug) rebuilds, and
    retries what failed. Once per process (the fast path's key and the build's fingerprints share it):
    a running process runs the code it imported, whatever is on disk now."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _tree_digest(digest, root: Path) -> None:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__pycache__")))
        for name in sorted(files):
            path = Path(folder) / name
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")


def inputs_key(sources: Path, options: dict) -> str:
    """The hash of everything a build is made from: sources, workbook, code, templates, options."""
    digest = hashlib.sha256(json.dumps(options, sort_keys=True, default=str).encode())
    digest.update(code_version().encode())
    _tree_digest(digest, Path(sources))
    _tree_digest(digest, TEMPLATES)
    for extra in (options.get("workbook"), LOCKFILE):
        if extra and Path(extra).is_file():
            digest.update(Path(extra).read_bytes())
    return digest.hexdigest()


def _owned_files(out: Path) -> dict[str, list[int]]:
    """Every file the build owns under `out`, with its size and modification time."""
    files: dict[str, list[int]] = {}
    for top in OWNED:
        root = os.fspath(out / top)
        for folder, dirs, names in os.walk(root):
            dirs.sort()
            below = top + folder[len(root):]  # as os.path.relpath(folder, out) says it, without its cost
            for name in names:  # (relpath normalises both paths for each of 5,000 files: 0.08 s at 2,500)
                if name.startswith("."):
                    continue  # a temporary file of ours
                st = os.stat(os.path.join(folder, name))
                files[os.path.join(below, name)] = [st.st_size, st.st_mtime_ns]
    return files


class Said:
    """What a build said that a replay repeats: the check's line, the failures, the summary's counts."""

    def __init__(self):
        self.record: dict = {"stdout": [], "stderr": [], "code": 0, "targets": 0, "failed": 0}

    @contextlib.contextmanager
    def stdout(self):
        lines = self.record["stdout"]

        class Tee(io.TextIOBase):
            def write(self, text: str) -> int:
                lines.extend(line for line in text.splitlines() if line)
                return real.write(text)

            def flush(self) -> None:
                real.flush()

        real = sys.stdout
        with contextlib.redirect_stdout(Tee()):
            yield

    def done(self, targets: int, failures: dict[str, str], code: int) -> None:
        self.record.update(code=code, targets=targets, failed=len(failures), stderr=[
            f"error: {t}: {error} (failed before, inputs unchanged: not retried; --force retries)"
            for t, error in sorted(failures.items())])


def _stamp_path(out: Path) -> Path:
    return Path(out) / STAMP


def forget(out: Path) -> None:
    """A build starts: what the last one stamped no longer holds until this one finishes."""
    _stamp_path(out).unlink(missing_ok=True)


def stamp(out: Path, key: str, said: dict) -> None:
    """After a finished build: its inputs' key, what it said, and what its outputs look like now."""
    from .outputs import atomic_write_text

    record = {"key": key, "said": said, "files": _owned_files(Path(out))}
    atomic_write_text(_stamp_path(out), json.dumps(record, sort_keys=True, separators=(",", ":")))


def replay(out: Path, key: str) -> int | None:
    """The exit code of the last build if it still holds (after printing what it said), else None."""
    try:
        record = json.loads(_stamp_path(out).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("key") != key:
        return None
    try:
        if _owned_files(Path(out)) != record.get("files"):
            return None  # an output was deleted, replaced or edited: the long way decides what to do
    except OSError:
        return None
    said = record.get("said") or {}
    for line in said.get("stdout", []):
        print(line)
    for line in said.get("stderr", []):
        print(line, file=sys.stderr)
    failed = int(said.get("failed", 0))
    print(f"built 0, skipped {int(said.get('targets', 0)) - failed} (up to date), failed {failed} "
          f"in {time.perf_counter() - STARTED:.1f} s (nothing changed since the last build)")
    return int(said.get("code", 0))


def build_or_replay(sources: Path, builders: list[str], options: dict | None = None, **kwargs) -> int:
    """What `invoke build` does: replay the last build when nothing changed, else build (pipeline/build.py)."""
    out = kwargs.get("out")
    key = None
    if not kwargs.get("force") and (out is not None or kwargs.get("edition") is None):
        out = Path("output" if out is None else out)
        key = inputs_key(Path(sources), {"builders": list(builders), "options": options or {},
                                         **{k: v for k, v in kwargs.items() if k not in ("jobs", "out")},
                                         "out": str(out)})
        code = replay(out, key)
        if code is not None:
            return code
    from .build import build_command

    return build_command(Path(sources), builders, options, stamp_key=key, **kwargs)
