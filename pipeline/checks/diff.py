"""A word-level difference of two texts, for messages: the changed words in full, a little context around.

Two 200-character names that differ in one word would look the same when both are cut at 90 characters;
`word_diff` shows `… Saxony [-and-] {+&+} Thuringia …` however long the texts are.
"""
from __future__ import annotations

from difflib import SequenceMatcher

CONTEXT = 3  # unchanged words kept on each side of a change


def word_diff(old: str, new: str) -> str:
    a, b = old.split(), new.split()
    parts: list[str] = []
    opcodes = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            words = a[i1:i2]
            first, last = index == 0, index == len(opcodes) - 1
            if len(words) > 2 * CONTEXT + (0 if first or last else 1):
                head = [] if first else words[:CONTEXT]
                tail = [] if last else words[-CONTEXT:]
                words = head + ["…"] + tail
            parts.extend(words)
            continue
        if i2 > i1:
            parts.append("[-" + " ".join(a[i1:i2]) + "-]")
        if j2 > j1:
            parts.append("{+" + " ".join(b[j1:j2]) + "+}")
    if old != new and not any(p.startswith(("[-", "{+")) for p in parts):
        return "the same words, spaced differently"
    return " ".join(parts)
