"""`invoke watch`: rebuild what changed whenever a source or template is saved (an editor's preview).

Polling the modification times of sources/ and templates/ twice a second is enough for a person saving
files, needs no extra library, and works the same on every file system.
"""
from __future__ import annotations

import time
from pathlib import Path

from .errors import PipelineError
from .paths import TEMPLATES


def snapshot(*folders: Path) -> dict[Path, float]:
    stamps = {}
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and not path.name.startswith((".", "~$")):
                stamps[path] = path.stat().st_mtime
    return stamps


def watch(sources: Path, rebuild, interval: float = 0.5, rounds: int | None = None) -> None:
    """Call `rebuild()` once, then after every change under sources/ or templates/.

    A rebuild that fails on bad input prints its one-line error and waits for the next save.
    `rounds` bounds the loop (tests); None watches until Ctrl-C.
    """
    def attempt():
        try:
            rebuild()
        except PipelineError as exc:
            print(f"error: {exc}")

    attempt()
    seen = snapshot(sources, TEMPLATES)
    print(f"watching {sources}/ and templates/ (Ctrl-C to stop)", flush=True)
    while rounds is None or rounds > 0:
        time.sleep(interval)
        now = snapshot(sources, TEMPLATES)
        if now != seen:
            changed = sorted(str(p) for p in set(now) ^ set(seen) | {p for p in now if seen.get(p) != now[p]})
            print("changed: " + ", ".join(changed[:5]) + (" ..." if len(changed) > 5 else ""), flush=True)
            seen = now
            attempt()
        if rounds is not None:
            rounds -= 1
