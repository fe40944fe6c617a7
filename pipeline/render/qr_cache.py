"""The example cards' QR codes kept across builds: an edited card part pays only for the links that changed.

A card's code depends on its link alone, yet each rebuilt part of 64 cards drew all 64 again: segno's
choice of a mask (it scores all eight: ~3.7 ms a code) and the bitmap (~0.6 ms). Each code the cards
drew is kept in `<out>/.build/qr/<key>.json` (one file per link, written whole by the worker that drew it:
parts rendering at once never write the same temporary file): the error level, version and mask segno
chose, and the PNG. The next build makes the same code from them (segno.make with that mask: the same
matrix, measured on 2,744 links, without scoring the others) and reuses the PNG.

Like a hint (pipeline/hints.py), an entry only saves time: its key is the link with everything its bytes
are made from (segno, Pillow and zlib versions, the pipeline's code), and it carries a checksum of its
fields; an entry that is missing, unreadable, from other code or whose checksum fails is no entry, and
the code is made again (and kept again). Outside a build (tests, the benchmark's bare renders) there is none.

After a build the folder keeps only the entries of the links the cards print now (`prune`, called by the
handouts' after-build step): a code change re-keys every entry, and an edited link leaves its old one,
so without it the folder grew by a file per card (~2,500 at 2,500 examples) at every code version.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from .. import hints

FOLDER = "qr"


@dataclass(frozen=True)
class Kept:
    """What a build kept of one link's code: segno's choices and the PNG (bytes)."""

    error: str
    version: int
    mask: int
    png: bytes


@lru_cache(maxsize=1)
def _inputs() -> str:
    """What an entry is made from besides its link (once per process)."""
    import PIL
    import segno

    return hints.made_by(segno.__version__, PIL.__version__)


def _key(link: str) -> str:
    return hashlib.sha256(f"{_inputs()}\0{link}".encode()).hexdigest()


def _check(key: str, error: str, version: int, mask: int, png: str) -> str:
    return hashlib.sha256(json.dumps([key, error, version, mask, png]).encode()).hexdigest()


def read(link: str) -> Kept | None:
    """The code the last build drew for `link`, if it is whole and made by what this build would use."""
    folder = hints.state_folder(FOLDER)
    if folder is None:
        return None
    import base64
    import binascii

    key = _key(link)
    try:
        entry = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
        fields = (entry["error"], entry["version"], entry["mask"], entry["png"])
        if not isinstance(entry, dict) or entry["check"] != _check(key, *fields):
            return None
        return Kept(str(fields[0]), int(fields[1]), int(fields[2]), base64.b64decode(fields[3], validate=True))
    except (OSError, ValueError, KeyError, TypeError, binascii.Error):
        return None


def keep(link: str, kept: Kept) -> None:
    """Keep `link`'s code for the next build (lost if it cannot be written: it only saves time)."""
    folder = hints.state_folder(FOLDER)
    if folder is None:
        return
    import base64

    from ..outputs import keep_bytes

    key = _key(link)
    png = base64.b64encode(kept.png).decode("ascii")
    entry = {"error": kept.error, "version": kept.version, "mask": kept.mask, "png": png,
             "check": _check(key, kept.error, kept.version, kept.mask, png)}
    keep_bytes(folder / f"{key}.json", json.dumps(entry, sort_keys=True).encode("utf-8"))


def prune(out: Path | str, links: Iterable[str]) -> int:
    """Keep in `<out>/.build/qr/` only the entries of `links` (the codes the cards print now: the next
    build reads no other); returns how many were removed. Anything else in the folder (a file another
    build is writing: `.<name>.tmp`) is left alone."""
    from ..buildstate import STATE_DIR
    from ..outputs import keep_only

    folder = Path(out) / STATE_DIR / FOLDER
    if not folder.is_dir():
        return 0
    return keep_only(folder, ".json", {_key(link) for link in links})
