"""Writing outputs safely: a temporary file in the same folder, then an atomic rename.

A failed or interrupted build therefore never leaves a half-written file where a good one was.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        if exc.filename:
            raise
        raise OSError(exc.errno, exc.strerror, str(path)) from None  # a full disk names the file it hit
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: Path, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


def keep_bytes(path: Path, data: bytes) -> bool:
    """Write a file that only saves time (a hint, a kept QR code or PDF segment, a cached font) whole, or
    not at all: one that cannot be written is lost (the build's own outputs fail on a full disk with a
    clear message instead). True if it was written."""
    try:
        atomic_write_bytes(path, data)
    except OSError:
        return False
    return True


def keep_only(folder: Path, suffix: str, stems) -> int:
    """In a folder of kept entries (files that only save time, `<stem><suffix>`), remove those whose stem is
    not in `stems` (the ones the next build can read); returns how many went. Other files (one being
    written: `.<name>.tmp`) are left alone."""
    removed = 0
    for path in folder.glob(f"*{suffix}"):
        if path.stem not in stems:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


class AtomicFile:
    """`with AtomicFile(path) as tmp:` write to `tmp` (a Path) by any means; renamed into place on success."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def __enter__(self) -> Path:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=self.path.suffix + ".tmp",
                                   dir=self.path.parent)
        os.close(fd)
        self.tmp = Path(tmp)
        return self.tmp

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            os.chmod(self.tmp, 0o644)
            os.replace(self.tmp, self.path)
        else:
            self.tmp.unlink(missing_ok=True)
