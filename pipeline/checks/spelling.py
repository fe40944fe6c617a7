"""Spelling: every word of the prose, actions, captions and recommendation titles is English (en-GB).

A real spell checker (Enchant over Hunspell's en-GB dictionary, installed by setup.sh) decides; the
project's own word list (`sources/words.txt`: EU terms, acronyms, words the dictionary lacks) and the
names the sources already hold (examples, authors, references, taxonomy labels) are accepted too, so
the rule stays quiet on proper names. Acronyms (all capitals, plural "SMEs" too) are never checked.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..errors import PipelineError
from ..model import Toolkit
from ..report import WARNING
from . import finding, rule
from .prose import printed_texts

LANGUAGE = "en_GB"
WORDS_FILE = "words.txt"
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
MAX_SUGGESTIONS = 3


@lru_cache(maxsize=1)
def dictionary():
    """The en-GB dictionary, or a one-line error saying how to install it."""
    try:
        import enchant
    except ImportError:
        raise PipelineError("the spell checker is not installed (pyenchant): run ./setup.sh") from None
    try:
        return enchant.Dict(LANGUAGE)
    except Exception:  # enchant.errors.DictNotFoundError, or no Enchant C library
        raise PipelineError(f"no {LANGUAGE} dictionary for the spell checker (Debian: hunspell-en-gb): "
                            "run ./setup.sh") from None


def read_words(path: Path) -> set[str]:
    """The project word list: one word per line, '#' starts a comment; matched without case."""
    if not path.exists():
        return set()
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.add(word.casefold())
    return words


def texts(toolkit: Toolkit):
    """(subject prefix, origin, text) of everything the rule reads: prose, actions, captions, titles.
    Example names are proper names (never spell-checked); Table 5 actions keep their own subject prefix."""
    for prefix, origin, text in printed_texts(toolkit):
        if prefix.startswith("example:"):
            continue
        if prefix.startswith("table5:"):
            prefix = "table5-action:" + prefix[len("table5:"):]
        yield prefix, origin, text


def known_names(toolkit: Toolkit) -> set[str]:
    """Words of the names the sources already hold: the rule never questions a proper name twice."""
    names = [e.name for e in toolkit.examples] + [a.name for a in toolkit.document.authors]
    names += [f"{r.author} {r.title} {r.publisher}" for r in toolkit.references]
    names += [t.label for dim in ("priorities", "challenges", "functions", "areas")
              for t in getattr(toolkit.taxonomy, dim)]
    return {w.casefold() for name in names for w in WORD.findall(name)}


def is_acronym(word: str) -> bool:
    stem = word[:-1] if word.endswith("s") else word
    return len(stem) >= 2 and stem.isupper()


def misspelled(toolkit: Toolkit, accepted: set[str]):
    """{word: (suggestions, [(prefix, origin)])} for every word the dictionary and the lists reject."""
    check = dictionary().check
    seen: dict[str, bool] = {}
    out: dict[str, tuple[list[str], list]] = {}
    for prefix, origin, text in texts(toolkit):
        for word in WORD.findall(text):
            word = word.replace("’", "'")
            if len(word) < 2 or is_acronym(word):
                continue
            ok = seen.get(word)
            if ok is None:
                folded = word.casefold()
                ok = folded in accepted or check(word) or (word[0].isupper() and check(word.lower()))
                if not ok and "'" in word:  # possessives of names: "Europe's", "SMEs'"
                    ok = word.split("'")[0].casefold() in accepted or check(word.split("'")[0])
                seen[word] = ok
            if not ok:
                out.setdefault(word, ([], []))[1].append((prefix, origin))
    for word, (suggestions, _) in out.items():
        suggestions.extend(suggest(word))
    return out


LETTERS = "abcdefghijklmnopqrstuvwxyz"  # no hyphen: Hunspell accepts any two words joined by one


def one_edit(word: str) -> list[str]:
    """The dictionary words one keystroke away (a letter dropped, doubled, swapped, replaced or added).

    Much faster than Hunspell's own suggestions (about 10 ms against 100 ms a word), and what a typo
    usually is; a word that is one edit from exactly one dictionary word has a certain correction.
    """
    check = dictionary().check
    lower = word.lower()
    splits = [(lower[:i], lower[i:]) for i in range(len(lower) + 1)]
    candidates = ([a + b[1:] for a, b in splits if b] +
                  [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1] +
                  [a + c + b[1:] for a, b in splits if b for c in LETTERS if c != b[0]] +
                  [a + c + b for a, b in splits for c in LETTERS])
    out = []
    for cand in dict.fromkeys(candidates):
        if cand and cand != lower and check(cand):
            out.append(cand[0].upper() + cand[1:] if word[0].isupper() else cand)
    return out


def suggest(word: str) -> list[str]:
    """Corrections, closest first: the one-edit words, else the spell checker's own suggestions."""
    return one_edit(word)[:MAX_SUGGESTIONS] or dictionary().suggest(word)[:MAX_SUGGESTIONS]


def words_file(toolkit: Toolkit) -> Path | None:
    """sources/words.txt: next to the tables, or one folder above the prose (sources/text/*.md)."""
    files = [*toolkit.source_files, *(s.origin.file for s in toolkit.sections)]
    for folder in dict.fromkeys(p for f in files for p in (Path(f).parent, Path(f).parent.parent)):
        if (folder / WORDS_FILE).exists():
            return folder / WORDS_FILE
    return None


@rule("prose.spelling", WARNING, "every word is English (en-GB), a name the sources hold, or in sources/words.txt")
def spelling(toolkit: Toolkit):
    path = words_file(toolkit)
    accepted = known_names(toolkit) | (read_words(path) if path else set())
    for word, (suggestions, places) in sorted(misspelled(toolkit, accepted).items()):
        prefixes = sorted({p for p, _ in places})
        for prefix in prefixes:
            origins = [o for p, o in places if p == prefix]
            hint = (f"did you mean {' or '.join(repr(s) for s in suggestions)}?" if suggestions else
                    "no suggestion")
            yield finding(f"{prefix}:{word}", f"'{word}' is not in the {LANGUAGE} dictionary", origins,
                          f"{hint} (a name or term: add it to sources/{WORDS_FILE})")
