"""Compiled templates kept across builds (Jinja's bytecode cache; issue 17, the build's serial part).

Every build compiled its templates again: ~0.15 s of CPU in the build's own process at 2,500 examples
before any target started (the paper's templates while planning, the handouts' in the warm-up before the
pool forks), and again in each worker for the templates only it renders. Jinja keeps a template's compiled
code keyed by its name and file and checked against a hash of its source, so an edited template is
compiled afresh. The code also depends on the environment's settings and Jinja's version, not in that key:
they name the folder. A cache is only a saving: a folder that cannot be written is no cache.
"""
from __future__ import annotations

import hashlib
import pickle
import sys

from ..paths import user_cache


def bytecode_cache(settings: dict):
    """A bytecode cache for environments made with these `settings`, or None (TOOLKIT_CACHE="")."""
    import jinja2
    from jinja2.bccache import FileSystemBytecodeCache

    made_by = repr((jinja2.__version__, sys.version_info[:2], sorted(settings.items(), key=str)))
    folder = user_cache(f"templates-{hashlib.sha256(made_by.encode()).hexdigest()[:16]}")
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None

    class KeptWhereWritable(FileSystemBytecodeCache):
        def dump_bytecode(self, bucket) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError:  # a full disk, a folder made read-only meanwhile: compiled again next time
                pass

        def load_bytecode(self, bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):  # a damaged entry: compiled from source
                bucket.reset()

    return KeptWhereWritable(str(folder))
