"""Progress for stages that may be long (loading and checking thousands of examples).

A stage says nothing when it is quick; after a second (five when stderr is a log) it announces itself, and when it
ends it says how long it took, so a big toolkit never leaves the terminal silent (issue 16).
"""
from __future__ import annotations

import sys
import threading
import time
from contextlib import contextmanager

ANNOUNCE_AFTER = 1.0  # seconds, on a terminal
ANNOUNCE_AFTER_IN_LOGS = 5.0  # when stderr is a file or a pipe (CI, scripts): only the really long stages


@contextmanager
def stage(what: str):
    started = time.perf_counter()
    announced = threading.Event()

    def announce() -> None:
        announced.set()
        print(f"{what}...", file=sys.stderr, flush=True)

    timer = threading.Timer(ANNOUNCE_AFTER if sys.stderr.isatty() else ANNOUNCE_AFTER_IN_LOGS, announce)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        if announced.is_set() and sys.exc_info()[0] is None:  # on an error, the error line says it
            print(f"{what}: done in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
