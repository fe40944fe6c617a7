"""Where things are. Every path the pipeline uses by default starts here."""
from __future__ import annotations

from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
TEMPLATES = PROJECT / "templates"
FONTS = TEMPLATES / "fonts"
SOURCES = Path("sources")  # relative: the user's working copy, as they name it
OUTPUT = Path("output")
