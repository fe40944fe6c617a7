"""Finding the files to harvest and refusing the ones that must not be read, one line each.

Files are untrusted: each is refused with a one-line reason (and the others still read) when it is of a
kind we do not read, too large, a corrupt or over-packed zip (a zip bomb), or not one of ours.
"""
from __future__ import annotations

import glob
import zipfile
from pathlib import Path

CHANNELS = {".docx": "roadmap", ".pdf": "feedback-form", ".json": "web"}
MAX_FILE_MB = 20  # a filled roadmap or form is well under 1 MB; pictures pasted in stay far below this
MAX_JSON_KB = 256  # a proposal file is a few hundred bytes
MAX_UNPACKED_MB = 100  # what all members of a .docx may unpack to together
MAX_RATIO = 100  # unpacked / packed; Word's XML packs about 5-15 times
MAX_MEMBERS = 2000


class Refused(Exception):
    """A file that is not read, with the one-line reason shown to the user."""


def display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def expand(paths: list[str]) -> list[Path]:
    """Files named, the harvestable files in folders named, and glob matches; stable order, once each."""
    out: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in CHANNELS)
        elif any(ch in given for ch in "*?[") and not path.exists():
            found = sorted(Path(p) for p in glob.glob(given, recursive=True) if Path(p).is_file())
        else:
            found = [path]
        out.extend(p for p in found if not p.name.startswith(("~$", ".~lock")))  # lock files of open documents
    return list(dict.fromkeys(out))


def channel_of(path: Path) -> str:
    """'roadmap', 'feedback-form' or 'web'; Refused for any other kind of file."""
    if not path.exists():
        raise Refused("no such file")
    channel = CHANNELS.get(path.suffix.lower())
    if channel is None:
        raise Refused(f"not a file harvest reads ({path.suffix or 'no extension'}): a roadmap (.docx), "
                      "a feedback form (.pdf) or a proposal file from the web tool (.json)")
    size = path.stat().st_size
    limit = MAX_JSON_KB / 1024 if channel == "web" else MAX_FILE_MB
    if size > limit * 1024 * 1024:
        shown = f"{size / 1024:.0f} kB" if channel == "web" else f"{size / 1048576:.1f} MB"
        limit_shown = f"{MAX_JSON_KB} kB" if channel == "web" else f"{MAX_FILE_MB} MB"
        raise Refused(f"too large ({shown}; the limit is {limit_shown})")
    return channel


def vet_archive(path: Path) -> None:
    """Refuse a .docx before any XML is parsed: wrong kind, too large, corrupt, or a zip bomb."""
    if path.suffix.lower() != ".docx":
        raise Refused(f"not a .docx file ({path.suffix or 'no extension'}); save the roadmap as Word .docx")
    size = path.stat().st_size
    if size > MAX_FILE_MB * 1024 * 1024:
        raise Refused(f"too large ({size / 1048576:.1f} MB; the limit is {MAX_FILE_MB} MB)")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            unpacked = sum(m.file_size for m in members)
            packed = sum(m.compress_size for m in members)
            if len(members) > MAX_MEMBERS:
                raise Refused(f"{len(members)} parts in the archive (limit {MAX_MEMBERS}): not a normal .docx")
            if unpacked > MAX_UNPACKED_MB * 1024 * 1024:
                raise Refused(f"would unpack to {unpacked / 1048576:.0f} MB (limit {MAX_UNPACKED_MB} MB): "
                              "refused as a possible zip bomb")
            if unpacked > MAX_RATIO * max(packed, 1) and unpacked > 1024 * 1024:
                raise Refused(f"packed {unpacked // max(packed, 1)} times (limit {MAX_RATIO}): "
                              "refused as a possible zip bomb")
            names = {m.filename for m in members}
            if "word/document.xml" not in names or "[Content_Types].xml" not in names:
                raise Refused("a zip archive but not a Word document")
            damaged = archive.testzip()  # sizes are bounded now, so reading every member is safe
            if damaged:
                raise Refused(f"corrupt .docx (part {damaged} is damaged)")
    except zipfile.BadZipFile:
        raise Refused("corrupt .docx (not a readable zip archive); open it in Word and save it again") from None
    except (zipfile.LargeZipFile, NotImplementedError, OSError, EOFError) as exc:
        raise Refused(f"corrupt .docx ({type(exc).__name__})") from None
