"""WeasyPrint imported without its library search spawning ~20 processes (issue 17: the build's serial part).

WeasyPrint finds Pango, HarfBuzz and fontconfig by trying several names for each (`libpango-1.0-0`,
`pango-1.0-0`, `pango-1.0`, ...) through cffi, which asks `ctypes.util.find_library` for every name that
is not a file. On Linux each miss runs `ldconfig -p`, then gcc, then ld: 17 misses (harfbuzz-vector,
optional, misses all six) cost ~0.2 s of the import's ~0.5 s wall, measured with the calls timed one by one.
Here the names are looked up in one `ldconfig -p` listing, with the standard library's own pattern; a name
not in it is a miss without asking gcc or ld. Where that is not enough to import (libraries only the linker
finds: Nix, a custom LD_LIBRARY_PATH), the import is done again with the standard search, quietly: the
same modules in the end, only slower.
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys


def import_weasyprint():
    """`import weasyprint`, the first time in this process with the one-listing library search."""
    if "weasyprint" in sys.modules:
        return sys.modules["weasyprint"]
    import ctypes.util

    standard = ctypes.util.find_library
    if sys.platform != "linux" or not hasattr(ctypes.util, "_findSoname_ldconfig"):
        import weasyprint

        return weasyprint
    ctypes.util.find_library = _listed_finder()
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # WeasyPrint prints its advice before it raises
            import weasyprint
    except OSError:  # a library the listing does not know: the standard search (below) decides
        _forget_partial_import()
    else:
        return weasyprint
    finally:
        ctypes.util.find_library = standard
    import weasyprint

    return weasyprint


def _listed_finder():
    """find_library answering from one `ldconfig -p` listing, as the standard library's first step does."""
    import struct

    machine = os.uname().machine + ("-32" if struct.calcsize("l") == 4 else "-64")
    abi = {"x86_64-64": "libc6,x86-64", "ppc64-64": "libc6,64bit", "sparc64-64": "libc6,64bit",
           "s390x-64": "libc6,64bit", "ia64-64": "libc6,IA-64"}.get(machine, "libc6")
    listing: list[bytes] = []

    def find_library(name: str) -> str | None:
        if not listing:
            try:
                listing.append(subprocess.run(["/sbin/ldconfig", "-p"], stdin=subprocess.DEVNULL,
                                              stderr=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                              env={"LC_ALL": "C", "LANG": "C"}).stdout)
            except OSError:
                listing.append(b"")
        found = re.search(os.fsencode(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({abi}"), listing[0])
        return os.fsdecode(found.group(1)) if found else None

    return find_library


def _forget_partial_import() -> None:
    for name in [n for n in sys.modules if n == "weasyprint" or n.startswith("weasyprint.")]:
        del sys.modules[name]
