"""Text as people compare it: case and accents folded, spacing and line-end hyphenation ignored.

Shared by the model (which recommendations serve an action), the checks, contributions and the changes
report, so that "the same words" means one thing everywhere."""
from __future__ import annotations


def fold(text: str) -> str:
    """Text for matching by a person's eye: case and accents ignored ('Türkiye ' -> 'turkiye')."""
    if text.isascii():  # nothing to decompose (most names; ten thousand examples are folded per check)
        return text.casefold().strip()
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().strip()


def normalise_spacing(text: str) -> str:
    """Wording exactly, but for whitespace and line-end hyphenation ("start -up", "inter- regional")."""
    import re

    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r" ?- ?", "-", text)


def normalise_text(text: str) -> str:
    """Wording for matching one action to another: spacing, hyphenation and a final full stop ignored."""
    return normalise_spacing(text).rstrip(".").strip()
