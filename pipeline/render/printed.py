"""How a value reads when printed for a person, shared by the handouts and the web tool.

- a link is printed with its percent-escapes decoded ("Programi%20drzavnih" -> "Programi drzavnih"):
  the reader types what they see; the QR code and the hyperlink keep the exact address;
- an example's label is printed once and agrees in number with what follows it: the 2021 paper's slips
  "Example: Example:" and "Examples:" before a single example stay recorded in the sources (and in the
  paper, which reprints them as printed), but event material does not repeat them.
"""
from __future__ import annotations

import re
from urllib.parse import unquote

LABEL_WORD = re.compile(r"(?i)\b(examples?)\s*:")
# whitespace but the blank (str.isspace, as \s is for str patterns): a decoded link showing one is not
# printed decoded (the web tool plans ~5,800 links at 2,500 examples: a regex, not a loop per character)
_SPACE_NOT_BLANK = re.compile(r"[^\S ]")


def printed_url(link: str) -> str:
    """The link as a person reads it; unchanged if its escapes do not decode to UTF-8 text."""
    try:
        text = unquote(link or "", errors="strict")
    except UnicodeDecodeError:
        return link
    return link if _SPACE_NOT_BLANK.search(text) else text


def label_once(label: str, count: int = 1) -> str:
    """'Example: Example:' -> 'Example:'; 'Examples:' before one example -> 'Example:'."""
    words = LABEL_WORD.findall(label or "")
    if not words:
        return label
    word = words[-1]
    if count == 1 and word.lower() == "examples":
        word = word[:-1]
    return f"{word}:"
