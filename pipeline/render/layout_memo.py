"""What a handout's layouts said in the last build of this output folder, keyed by everything they are made
from: a layout of exactly the same HTML is not made again (issue 17).

A crowded priority matrix at 2,500 examples is rebuilt whenever an example of its cells changes, but its
cells print only their first examples: most edits (an example past the first ones) leave every HTML the
fitting tries, and the final one, byte for byte as they were, and the matrix's PDF with them. Its two
layouts (~2.5 s of CPU) then only said again what the last build's said. So each handout keeps, as a
hint (pipeline/hints.py), what its layouts gave, each under the hash of all they are made from:

- a trial of the fitting (`trial`): fits or not, and how full its pages are;
- the crowded matrix's probes (`probed`): the examples per cell cell_fill chose from them;
- the PDF written (`written`): its SHA-256, so that the output folder's file, if it still has exactly
  those bytes, is the PDF (`reuse`).

The key is the HTML with WeasyPrint's version, the pipeline's code, the handouts' templates, styles and
fonts (which the HTML loads by URL) and whatever else the step reads (the page limit, the PDF's date and
alternative texts). WeasyPrint is deterministic on those (the build's byte-identity tests rely on it),
so an answer under the same key is the answer a layout would give: the same bytes with the memo, without
it, or with a stale one (whose keys no longer match, so it is not used). Only what this build used is kept.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from .. import hints
from .weasyprint_import import import_weasyprint


@lru_cache(maxsize=1)
def _inputs() -> bytes:
    """What every handout layout is made from besides its HTML (once per process)."""
    weasyprint = import_weasyprint()  # may be this process's first import (weasyprint_import.py)

    from ..targets import templates_digest
    from .handout_page import TEMPLATE_FOLDER

    made_by = hints.made_by(weasyprint.__version__, templates_digest((TEMPLATE_FOLDER, "fonts")).hex())
    return hashlib.sha256(made_by.encode()).digest()


def key(*parts) -> str:
    """The hash of one layout's inputs: the HTML (and what else it reads, as JSON-able values)."""
    digest = hashlib.sha256(_inputs())
    for part in parts:
        digest.update(b"\0" + (part if isinstance(part, str) else json.dumps(part, sort_keys=True)).encode())
    return digest.hexdigest()


class Memo:
    """One handout's memo for one build: read from the last build's hint, written with what was used."""

    def __init__(self, target: str):
        self.name = f"handout-layouts-{target}"
        last = hints.read(self.name)
        self.last = last if isinstance(last, dict) else {}
        self.used: dict[str, object] = {}

    def get(self, key: str):
        """What the last build recorded under `key` (None: nothing)."""
        value = self.last.get(key)
        if value is not None:
            self.used[key] = value
        return value

    def put(self, key: str, value) -> None:
        self.used[key] = value

    def save(self) -> None:
        if self.used != self.last:
            hints.write(self.name, self.used)

    def reuse(self, key: str, rel: str) -> bytes | None:
        """The output folder's `rel` if the PDF recorded under `key` is exactly what it holds, else None."""
        return hints.kept_output(hints.output_path(rel), self.get(key))

    def written(self, key: str, pdf: bytes) -> bytes:
        self.put(key, hints.digest(pdf))
        return pdf
