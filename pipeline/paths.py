"""Where things are. Every path the pipeline uses by default starts here."""
from __future__ import annotations

from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
TEMPLATES = PROJECT / "templates"
FONTS = TEMPLATES / "fonts"
SOURCES = Path("sources")  # relative: the user's working copy, as they name it
OUTPUT = Path("output")


def user_cache(name: str) -> Path | None:
    """A folder of what a machine keeps across builds and output folders (the web fonts' cut, the map's
    projection: what depends on nothing in the sources): `$TOOLKIT_CACHE/<name>`, else the user's cache
    folder (XDG: `~/.cache/cluster-toolkit-press/<name>`); `TOOLKIT_CACHE=""` turns it off (None)."""
    import os

    root = os.environ.get("TOOLKIT_CACHE")
    if root is None:
        base = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache" if Path.home() != Path("/") else "")
        root = str(Path(base) / "cluster-toolkit-press") if base else ""
    return Path(root) / name if root else None
