"""The paper's parts as a fresh build's page map laid them out, kept for their own targets (issue 17).

In a new output folder the page map's target (paper_page_map.py) lays the parts out one after another,
each with the pages of the parts before it known, and so lays out each part's final pages on the way.
Each part it laid out is kept here under the hash of everything its bytes are made from: its HTML (the
placeholder pages of that page map included), the PDF's date, the paper's templates and fonts, WeasyPrint's
version and the pipeline's code. A part's target that then makes exactly that HTML takes the kept PDF and
page info instead of laying the part out again; any other HTML (another page map, an edit) is laid out as
before. WeasyPrint is deterministic on those inputs (the build's byte-identity tests rely on it), so a part
is the same bytes from here or from its own layout.

Entries live in `<out>/.build/paper-parts/`, written whole (temp file, then rename), each with the SHA-256 of
its PDF; an entry that is missing, torn or damaged is no entry. The page map's target empties the folder
before it lays out, and a part's target removes the entry it took, so the folder holds one build's parts at
most. Outside a build (tests, the benchmark's bare renders) nothing is kept.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from .. import hints
from .weasyprint_import import import_weasyprint

FOLDER = "paper-parts"


@lru_cache(maxsize=4)
def _inputs(templates: tuple[str, ...]) -> bytes:
    weasyprint = import_weasyprint()  # may be this process's first import (weasyprint_import.py)

    from ..targets import templates_digest

    made_by = hints.made_by(weasyprint.__version__, templates_digest(templates).hex())
    return hashlib.sha256(made_by.encode()).digest()


def key(templates: tuple[str, ...], name: str, html: str, epoch: int) -> str:
    """The entry of part `name` laid out from `html` (the paper's `templates`: its styles and fonts)."""
    digest = hashlib.sha256(_inputs(templates))
    digest.update(json.dumps([name, epoch]).encode() + b"\0" + html.encode())
    return digest.hexdigest()


def clear() -> None:
    """Drop whatever a last build left (the page map's target, before it lays the parts out)."""
    folder = hints.state_folder(FOLDER)
    if folder is None or not folder.is_dir():
        return
    for path in folder.iterdir():
        try:
            path.unlink()
        except OSError:
            pass


def keep(entry: str, pdf: bytes, info: dict) -> None:
    folder = hints.state_folder(FOLDER)
    if folder is None:
        return
    from ..outputs import keep_bytes

    record = {"info": info, "pdf": hashlib.sha256(pdf).hexdigest()}
    if keep_bytes(folder / f"{entry}.pdf", pdf):
        keep_bytes(folder / f"{entry}.json", json.dumps(record, sort_keys=True).encode())


def take(entry: str) -> tuple[bytes, dict] | None:
    """The part kept under `entry` (and the entry removed), or None."""
    folder = hints.state_folder(FOLDER)
    if folder is None:
        return None
    paths = (folder / f"{entry}.pdf", folder / f"{entry}.json")
    try:
        pdf = paths[0].read_bytes()
        record = json.loads(paths[1].read_text(encoding="utf-8"))
        info = record["info"]
        if hashlib.sha256(pdf).hexdigest() != record["pdf"] or not isinstance(info, dict):
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    for path in paths:
        try:
            path.unlink()
        except OSError:
            pass
    return pdf, info
