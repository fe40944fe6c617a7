"""Python's memory housekeeping around one target's render (build.py _build_one).

- No cyclic collection while a target renders: WeasyPrint's layout is millions of young objects that
  live until the PDF is written, and the collector walked them again and again for nothing. Measured with
  gc callbacks at 2,500 examples: the paper's PDF spent 16 % of its CPU in 2,215 collections, a priority
  matrix 18 %, the recommendations sheet 8 %, a card part ~5 %. What a render leaves (a layout's boxes
  link to their parents: cycles) is collected once after it, by the caller.
- The heap a PDF's layout freed goes back to the system (glibc keeps it otherwise: the paper's worker
  held ~345 MB after it, ~230 MB after malloc_trim), so that a worker's memory is what it uses now: the
  build's peak (parent and workers together) is what the 600 MB target of issue 17 measures.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager

_TRIM = None  # glibc's malloc_trim, False where there is none


@contextmanager
def collector_paused():
    """No cyclic collection inside; the collector as it was afterwards (a caller that paused it keeps it
    paused), whatever happened inside."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def give_back_memory() -> None:
    """Collect what a render left and return the freed heap to the system (glibc only)."""
    global _TRIM
    gc.collect()
    if _TRIM is None:
        import ctypes

        try:
            _TRIM = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):  # not glibc: the collection is all we can do
            _TRIM = False
    if _TRIM:
        _TRIM(0)
