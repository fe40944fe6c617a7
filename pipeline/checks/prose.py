"""Prose: cross-references resolve, footnotes pair up, no editorial slips (repeated words, odd labels).

Work is line by line on each section's Markdown body, so every finding names file:line.
"""
from __future__ import annotations

import functools
import re

from ..errors import Origin
from ..model import DEFAULT_LABEL, Toolkit
from ..report import ERROR, WARNING
from . import finding, rule
from .common import all_citations, body_lines, cell_key, fold, quote

XREF = re.compile(r"\b(Tables?|Figures?)\s+(\d+(?:\s*(?:[-–—]|,|&|\band\b|\bto\b)\s*\d+)*)")
LINK_TARGET = re.compile(r"\]\([^)]*\)|<?https?://\S+")
FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\](?!:)")
FOOTNOTE_DEF = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:")
REPEAT = re.compile(r"(?<!\w)(\w+(?:\s+\w+){0,5})\s+\1(?!\w)", re.IGNORECASE)
WORD_TOKEN = re.compile(r"\w+")
# English repeats a few words on purpose ("that that", "had had")
DELIBERATE_REPEATS = {"that", "had"}


def _prose_lines(toolkit: Toolkit):
    """(section, origin, text without link targets) for every body line, placements skipped."""
    for section in toolkit.sections:
        for origin, text in body_lines(section):
            stripped = text.strip()
            if stripped.startswith("{") and stripped.endswith("}"):
                continue
            yield section, origin, LINK_TARGET.sub(" ", text)


def _xrefs(toolkit: Toolkit, kind: str, count: int):
    bad: dict[tuple[str, int], list[Origin]] = {}
    for section, origin, text in _prose_lines(toolkit):
        for m in XREF.finditer(text):
            if not m.group(1).startswith(kind):
                continue
            for number in map(int, re.findall(r"\d+", m.group(2))):
                if not 1 <= number <= count:
                    bad.setdefault((m.group(0), number), []).append(origin)
    word = kind.lower()
    for (text, number), origins in sorted(bad.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        have = f"{kind}s 1-{count}" if count > 1 else (f"{kind} 1" if count else f"no {word}s")
        yield finding(f"{kind} {number}", f"'{text}' refers to {kind} {number}, but the prose places {have}",
                      origins, f"the numbers come from the {{{word}:id}} paragraphs, in reading order")


@rule("prose.table-ref", ERROR, "every 'Table N' in the prose names a table the paper places")
def table_ref(toolkit: Toolkit):
    yield from _xrefs(toolkit, "Table", len(toolkit.table_numbers))


@rule("prose.figure-ref", ERROR, "every 'Figure N' in the prose names a figure the paper places")
def figure_ref(toolkit: Toolkit):
    yield from _xrefs(toolkit, "Figure", len(toolkit.figure_numbers))


def _footnotes(toolkit: Toolkit):
    """Per section: ({mark: [origins of refs]}, {mark: origin of definition})."""
    for section in toolkit.sections:
        refs: dict[str, list[Origin]] = {}
        defs: dict[str, Origin] = {}
        for origin, text in body_lines(section):
            d = FOOTNOTE_DEF.match(text)
            if d:
                defs.setdefault(d.group(1), origin)
            for m in FOOTNOTE_REF.finditer(text[d.end():] if d else text):
                refs.setdefault(m.group(1), []).append(origin)
        yield section, refs, defs


@rule("prose.footnote-undefined", ERROR, "every footnote mark [^n] has its definition in the same file")
def footnote_undefined(toolkit: Toolkit):
    for section, refs, defs in _footnotes(toolkit):
        for mark in sorted(set(refs) - set(defs)):
            yield finding(f"{section.id}:[^{mark}]", f"the footnote mark [^{mark}] has no definition "
                          f"('[^{mark}]: text' at the end of the section)", refs[mark])


@rule("prose.footnote-unused", WARNING, "every footnote definition is marked somewhere in its file")
def footnote_unused(toolkit: Toolkit):
    for section, refs, defs in _footnotes(toolkit):
        for mark in sorted(set(defs) - set(refs)):
            yield finding(f"{section.id}:[^{mark}]", f"the footnote [^{mark}] is defined but never marked",
                          [defs[mark]])


def printed_texts(toolkit: Toolkit):
    """(subject prefix, origin, text) for every printed text an editor types."""
    for section, origin, text in _prose_lines(toolkit):
        yield f"section:{section.id}", origin, text
    for a in toolkit.actions:
        yield f"action:{a.id}", a.origin.at(column="text"), a.text
    for row in toolkit.table5_actions:
        if row.text:
            yield f"table5:{row.recommendation}/{row.function}", row.origin.at(column="text"), row.text
    for e in toolkit.examples:
        yield f"example:{e.id}", e.origin.at(column="name"), e.name
    for r in toolkit.recommendations:
        yield f"recommendation:{r.id}", r.origin.at(column="title"), r.title
    for f in toolkit.figures:
        yield f"figure:{f.id}", f.origin.at(key=f"{f.origin.key}.caption"), f.caption


@rule("prose.repeated-word", ERROR, "no word or phrase is accidentally repeated ('the the')")
def repeated_word(toolkit: Toolkit):
    found: dict[str, tuple[str, list[Origin]]] = {}
    for prefix, origin, text in printed_texts(toolkit):
        if not text or not _repeats_a_word(text):
            continue
        for m in REPEAT.finditer(text):
            phrase = m.group(1)
            if not any(ch.isalpha() for ch in phrase) or fold(phrase) in DELIBERATE_REPEATS:
                continue
            subject = f"{prefix}:{fold(' '.join(phrase.split()))}"
            found.setdefault(subject, (m.group(0), []))[1].append(origin)
    for subject, (text, origins) in sorted(found.items()):
        phrase = subject.rsplit(":", 1)[1]
        yield finding(subject, f"'{' '.join(text.split())}' repeats '{phrase}'", origins,
                      f"did you mean '{phrase}' once?")


def _repeats_a_word(text: str) -> bool:
    """Whether some whole word occurs twice (ignoring case, as REPEAT's back-reference does): REPEAT can
    only match then, and most texts (10,000 example names) have no word twice, so its costly search is
    skipped for them."""
    words = WORD_TOKEN.findall(text)
    return len({w.lower() for w in words}) < len(words)


@functools.lru_cache(maxsize=1024)
def _label_words(label: str) -> tuple[str, ...]:  # 50,000 citations, a handful of labels
    if not label or label == DEFAULT_LABEL:
        return (label,)
    return tuple(re.findall(r"\w+", fold(label)))


@rule("prose.doubled-label", ERROR, "a citation's label is not printed twice ('Example: Example:')")
def doubled_label(toolkit: Toolkit):
    for c in all_citations(toolkit):
        if not c.label:  # most citations: the default label
            continue
        words = _label_words(c.label)
        if len(words) != len(set(words)):
            yield finding(f"{c.example}@{cell_key(c)}", f"the label {quote(c.label)} before '{c.example}' "
                          "repeats itself", [c.origin.at(column="label")], f"did you mean '{DEFAULT_LABEL}'?")


@rule("prose.odd-label", ERROR, f"every citation is labelled '{DEFAULT_LABEL}' like the others")
def odd_label(toolkit: Toolkit):
    for c in all_citations(toolkit):
        if not c.label:
            continue
        words = _label_words(c.label)
        if c.label and c.label != DEFAULT_LABEL and len(words) == len(set(words)):
            yield finding(f"{c.example}@{cell_key(c)}", f"the citation of '{c.example}' is labelled "
                          f"{quote(c.label)}, where the tables print '{DEFAULT_LABEL}'",
                          [c.origin.at(column="label")], f"did you mean '{DEFAULT_LABEL}'?")
