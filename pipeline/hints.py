"""Layout hints: what a renderer measured in the last build, kept so the next build can skip work.

A hint never decides an output. The renderer checks it against the layout it makes anyway and takes the
long way when the hint no longer holds, so the same sources give the same bytes with a hint, without one
(a fresh clone, a new output folder) or with a stale one: a hint only saves time. Hints live in
`<out>/.build/hints/<name>.json`, each written whole (temp file, then rename) by the worker that measured
it; a missing, unreadable or malformed hint is no hint.

The build (build.py) says where the current output folder's hints are before it renders a target; a
renderer called outside a build (the benchmark's bare renders, tests) reads and writes none.
"""
from __future__ import annotations

import json
from pathlib import Path

from .buildstate import STATE_DIR

HINTS = "hints"
_FOLDER: list[Path] = []  # the current build's hint folder (empty: no hints)


def use(out: Path | str | None) -> None:
    """Read and write hints under this output folder from now on (None: none at all)."""
    _FOLDER[:] = [Path(out) / STATE_DIR / HINTS] if out is not None else []


def output_path(rel: str) -> Path | None:
    """The current build's output file `rel` (relative to its output folder); None outside a build."""
    return _FOLDER[0].parent.parent / rel if _FOLDER else None


def state_folder(name: str) -> Path | None:
    """The current build's folder `name` beside the hints (`<out>/.build/<name>`); None outside a build."""
    return _FOLDER[0].parent / name if _FOLDER else None


def read(name: str):
    """The hint `name` as the last build left it, or None."""
    if not _FOLDER:
        return None
    try:
        return json.loads((_FOLDER[0] / f"{name}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write(name: str, value) -> None:
    """Keep `value` (JSON-able) as the hint `name` for the next build; a hint that cannot be written is lost."""
    if not _FOLDER:
        return
    from .outputs import keep_bytes

    keep_bytes(_FOLDER[0] / f"{name}.json", json.dumps(value, sort_keys=True).encode("utf-8"))


def made_by(*versions: str) -> str:
    """What a kept entry's bytes are made from besides its own input, for its key: `versions` (of the
    libraries and templates it uses), zlib's and the pipeline's code. An entry kept under another key is
    not found, so a new library or code never reads what the old one kept."""
    import zlib

    from .uptodate import code_version

    return json.dumps([*versions, zlib.ZLIB_RUNTIME_VERSION, code_version()])


def digest(data: bytes) -> str:
    """The SHA-256 a hint records of an output's bytes."""
    import hashlib

    return hashlib.sha256(data).hexdigest()


def kept_output(path: Path | None, recorded) -> bytes | None:
    """`path`'s bytes if they are exactly those the last build recorded (`recorded`: their `digest`), else
    None: an output the build may keep instead of making it again (missing, edited or unrecorded: made)."""
    if path is None or not isinstance(recorded, str):
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data if digest(data) == recorded else None
