"""One example, one identity: one name, one country and one link wherever the paper shows it.

Two kinds of drift are reported. A citation that prints a different name, country or link from the
example's record (an override in cell_examples/table5_examples) is a definite inconsistency. Two
*different* records whose names differ only in case, punctuation, parentheses, word order or an
acronym (or by a letter or two), or that share one link, are probably one example entered twice.
"""
from __future__ import annotations

import functools
import re
from itertools import combinations

from ..errors import Origin
from ..model import NONE_PRINTED, Toolkit
from ..report import ERROR
from .diff import word_diff
from . import finding, rule
from .common import all_citations, cell_key, fold, quote

FIELD_WORDS = {"name": "name", "country": "country", "link": "link"}


def _printed_differently(toolkit: Toolkit, field: str):
    """Per example: the citations whose `field` differs from the record's."""
    out: dict[str, list] = {}
    example_by_id = toolkit.example_by_id
    for citation in all_citations(toolkit):
        value = getattr(citation, field)
        if not value:  # most citations print the record's own value
            continue
        record = example_by_id.get(citation.example)
        if record is None:
            continue
        own = getattr(record, field)
        if (value == NONE_PRINTED and not own) or value.strip() == own.strip():
            continue
        out.setdefault(citation.example, []).append(citation)
    for example_id in sorted(out):
        record = toolkit.example_by_id[example_id]
        citations = out[example_id]
        shown = []
        for c in citations:
            value = getattr(c, field)
            printed = f"without a {field}" if value == NONE_PRINTED else f"as {quote(value)}"
            if value != NONE_PRINTED and getattr(record, field):  # the difference in full, however long
                printed += f" (differs: {word_diff(getattr(record, field), value)})"
            shown.append(f"{printed} in {_place(c)}")
        own = getattr(record, field)
        has = f"has the {field} {quote(own)}" if own else f"has no {field}"
        mean = f"did you mean {quote(own)} ({record.origin})? " if own else ""
        yield finding(example_id,
                      f"{quote(record.name)} ({example_id}) {has} in its record but is printed "
                      + "; ".join(shown),
                      [record.origin.at(column=field)] + [c.origin.at(column=field) for c in citations],
                      f"{mean}One example, one {field}: correct the record or the citation, "
                      f"or cite a separate example if these are different")


def _place(citation) -> str:
    key = cell_key(citation)
    return f"Table 5 {key.split(':', 1)[1]}" if key.startswith("table5:") else f"Tables 2-4 {key}"


@rule("identity.name-differs", ERROR, "an example has one name wherever it is printed")
def name_differs(toolkit: Toolkit):
    yield from _printed_differently(toolkit, "name")


@rule("identity.country-differs", ERROR, "an example has one country wherever it is printed")
def country_differs(toolkit: Toolkit):
    yield from _printed_differently(toolkit, "country")


@rule("identity.link-differs", ERROR, "an example has one link wherever it is printed")
def link_differs(toolkit: Toolkit):
    yield from _printed_differently(toolkit, "link")


# -- near-duplicate names ---------------------------------------------------------------------

_TOKEN = re.compile(r"[^\W_]+")
FUZZY_SCORE = 94  # rapidfuzz ratio: "Cluster" vs "Clusters" in a long name, not "NRW" vs "BW"
FUZZY_MIN_LENGTH = 12  # short names differ meaningfully by one letter
WINDOW = 4  # sorted-neighbourhood comparisons per name and sort order


@functools.lru_cache(maxsize=1 << 16)
def _fold_word(word: str) -> str:
    """fold() of one word; thousands of names share their words (places, sectors, 'Cluster')."""
    return fold(word)


@functools.lru_cache(maxsize=1 << 16)
def _is_acronym(token: str) -> bool:
    if not 2 <= len(token) <= 10 or token.islower():
        return False  # most words: too long, or no capital at all
    letters = [c for c in token if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    return 2 <= len(token) <= 10 and upper >= 2 and 2 * upper >= len(letters)


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def name_keys(name: str) -> tuple[str, str, str]:
    """(compact, sorted, without-acronym) keys: equal keys mean 'the same name' at that tolerance.

    compact: case, accents, punctuation, parentheses and spacing ignored ("start-up" = "Startup");
    sorted: the same words in any order;
    bare: also without an acronym that abbreviates the other words ("House of Digitalisation (HoD)").
    """
    tokens = _TOKEN.findall(name)
    folded = list(map(_fold_word, tokens))
    compact = "".join(folded)
    ordered = " ".join(sorted(folded))
    if not any(map(_is_acronym, tokens)):  # most names: nothing to drop, bare is ordered
        return compact, ordered, ordered
    words = [f for t, f in zip(tokens, folded) if not _is_acronym(t)]
    initials = "".join(w[0] for w in words)
    kept = [f for t, f in zip(tokens, folded)
            if not (_is_acronym(t) and len(words) >= 2 and f[0] == initials[0] and _is_subsequence(f, initials))]
    bare = " ".join(sorted(kept))
    return compact, ordered, bare


def _names(toolkit: Toolkit) -> list[tuple[str, str, object]]:
    """(example id, name as printed, record or citation printing it) for every record and name override."""
    out = [(e.id, e.name, e) for e in toolkit.examples if e.name]
    out += [(c.example, c.name, c) for c in all_citations(toolkit) if c.name and c.name != NONE_PRINTED]
    return out


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


REASONS = {
    0: "differ only in case, punctuation, spacing or parentheses",
    1: "have the same words in another order",
    2: "differ only by an acronym added or dropped",
    3: "differ by a letter or two",
}


def near_duplicate_pairs(names: list[tuple]) -> dict[tuple[str, str], tuple[int, tuple, tuple]]:
    """Pairs of different example ids with near-identical names -> (reason, entry a, entry b).

    Exact key collisions are found by grouping; small spelling differences by comparing each
    compact key with its neighbours in sorted order, forwards and reversed (sorted neighbourhood),
    so the cost grows with n log n, not n squared.
    """
    from rapidfuzz import fuzz

    keyed = [(entry, name_keys(entry[1])) for entry in names]
    pairs: dict[tuple[str, str], tuple[int, tuple, tuple]] = {}

    def add(reason: int, a: tuple, b: tuple) -> None:
        if a[0] == b[0]:
            return
        if a[0] > b[0]:
            a, b = b, a
        key = (a[0], b[0])
        if key not in pairs or reason < pairs[key][0]:
            pairs[key] = (reason, a, b)

    for level in range(3):
        groups: dict[str, list[tuple]] = {}
        for entry, keys in keyed:
            if keys[level]:
                groups.setdefault(keys[level], []).append(entry)
        for members in groups.values():
            ids = {m[0] for m in members}
            if len(ids) < 2:
                continue
            firsts = {}
            for m in members:  # one representative per example keeps a big group linear-ish
                firsts.setdefault(m[0], m)
            for a, b in combinations(sorted(firsts.values(), key=lambda m: m[0]), 2):
                add(level, a, b)

    compact = sorted({(keys[0], entry[0]): entry for entry, keys in keyed if keys[0]}.items())
    # "Cluster 4.0" and "Cluster 5.0" differ; a key of letters only has no digits (most keys)
    digits = {key: "" if key.isalpha() else _digits(key) for (key, _), _ in compact}
    for order in (lambda item: item[0][0], lambda item: item[0][0][::-1]):
        ranked = sorted(compact, key=order)
        for i, ((key_a, id_a), entry_a) in enumerate(ranked):
            if len(key_a) < FUZZY_MIN_LENGTH:  # short names differ meaningfully by one letter
                continue
            for (key_b, id_b), entry_b in ranked[i + 1:i + 1 + WINDOW]:
                if len(key_b) < FUZZY_MIN_LENGTH or id_a == id_b or key_a == key_b or digits[key_a] != digits[key_b]:
                    continue
                if (id_a, id_b) in pairs or (id_b, id_a) in pairs:
                    continue
                if fuzz.ratio(key_a, key_b) >= FUZZY_SCORE:
                    add(3, entry_a, entry_b)
    return pairs


@rule("identity.near-duplicate", ERROR, "two different examples do not have (nearly) the same name")
def near_duplicate(toolkit: Toolkit):
    for (id_a, id_b), (reason, a, b) in sorted(near_duplicate_pairs(_names(toolkit)).items()):
        rec_a, rec_b = toolkit.example_by_id.get(id_a), toolkit.example_by_id.get(id_b)
        countries = ""
        if rec_a and rec_b and rec_a.country and rec_b.country and fold(rec_a.country) != fold(rec_b.country):
            countries = f" (though their countries differ: {rec_a.country}, {rec_b.country})"
        yield finding(f"{id_a}+{id_b}",
                      f"probably the same example: {quote(a[1])} ({id_a}) and {quote(b[1])} ({id_b}) "
                      f"{REASONS[reason]}{countries}",
                      [a[2].origin.at(column="name"), b[2].origin.at(column="name")],
                      "if they are one example, keep one record and cite it by its id everywhere")


# -- shared links -----------------------------------------------------------------------------

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)


@functools.lru_cache(maxsize=1 << 15)  # shared-link and similar-link both ask, for every example
def link_key(url: str) -> str:
    """A link as compared: scheme, 'www.', case of the host, a trailing slash and a fragment ignored."""
    url = url.strip().split("#", 1)[0]
    url = _SCHEME.sub("", url)
    host, _, rest = url.partition("/")
    host = host.lower().removeprefix("www.")
    return (host + "/" + rest).rstrip("/")


@rule("identity.shared-link", ERROR, "two different examples do not share one link")
def shared_link(toolkit: Toolkit):
    places: dict[str, dict[str, list]] = {}  # link -> example id -> the records printing it
    for e in toolkit.examples:
        if e.link:
            places.setdefault(link_key(e.link), {}).setdefault(e.id, []).append(e)
    for c in all_citations(toolkit):
        if c.link and c.link != NONE_PRINTED:
            places.setdefault(link_key(c.link), {}).setdefault(c.example, []).append(c)
    for key in sorted(places):
        by_example = places[key]
        if len(by_example) < 2:
            continue
        ids = sorted(by_example)
        names = ", ".join(f"{quote(toolkit.example_by_id[i].name)} ({i})" if i in toolkit.example_by_id
                          else i for i in ids)
        yield finding("+".join(ids), f"{len(ids)} different examples share the link '{key}': {names}",
                      [r.origin.at(column="link") for i in ids for r in by_example[i]],
                      "give each example its own page, or merge them if they are one example")


SIMILAR_PATH = 90  # rapidfuzz ratio of two paths on one host: one page's address retyped, not two pages
SIMILAR_MIN_LENGTH = 20  # short paths ("/en", "/about") differ meaningfully by a letter


@rule("identity.similar-link", ERROR, "two different examples do not link (nearly) the same page")
def similar_link(toolkit: Toolkit):
    from rapidfuzz import fuzz

    by_host: dict[str, dict[str, tuple[str, object]]] = {}  # host -> path -> (example id, its record)
    for e in toolkit.examples:
        if e.link:
            host, _, path = link_key(e.link).partition("/")
            by_host.setdefault(host, {}).setdefault(path, (e.id, e))
    for host in sorted(by_host):
        paths = sorted(p for p in by_host[host] if len(p) >= SIMILAR_MIN_LENGTH)
        for i, a in enumerate(paths):  # sorted neighbourhood: near-identical paths sort close together
            for b in paths[i + 1:i + 1 + WINDOW]:
                (id_a, record_a), (id_b, record_b) = by_host[host][a], by_host[host][b]
                if id_a != id_b and fuzz.ratio(a, b) >= SIMILAR_PATH:
                    first, second = sorted([id_a, id_b])
                    yield finding(f"{first}+{second}",
                                  f"'{id_a}' and '{id_b}' link nearly the same page on {host}: '/{a}' and '/{b}'",
                                  [record_a.origin.at(column="link"), record_b.origin.at(column="link")],
                                  "if one address is a slip, correct it; if they are one "
                                  "example, keep one record")
