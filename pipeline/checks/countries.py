"""Countries: every printed country is an ISO 3166 country, by name or code (pycountry's list).

pycountry accepts a current name, official name, common name or alpha-2/alpha-3/numeric code, and
ISO 3166-3 holds withdrawn names ("Czechoslovakia"). A value that is none of these but spelled close
to one (an older or unaccented name: "Turkey" for "Türkiye") is a warning with that suggestion;
anything else is an error.
"""
from __future__ import annotations

from functools import lru_cache

from ..errors import Origin
from ..model import NONE_PRINTED, Toolkit
from ..report import ERROR
from . import finding, rule
from .common import Closest, fold

CLOSE_SPELLING = 75  # rapidfuzz ratio on folded names: 'turkey' ~ 'turkiye' (77)


@lru_cache(maxsize=None)
def _names() -> tuple[list[str], Closest]:
    import pycountry

    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("common_name", "name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                names.setdefault(value, country.name)
    spellings = sorted(names)
    return [names[s] for s in spellings], Closest(spellings)


@lru_cache(maxsize=4096)
def resolve(value: str) -> tuple[str, str]:
    """('ok', ISO name) | ('close', suggested name) | ('unknown', suggestion or '')."""
    import pycountry

    for db in (pycountry.countries, pycountry.historic_countries):
        try:
            return "ok", db.lookup(value).name
        except LookupError:
            pass
    targets, closest = _names()
    folded = fold(value)
    for country in pycountry.countries:  # 'Turkiye', 'cote d'ivoire': only the accents differ
        if fold(country.name) == folded:
            return "close", country.name
    hit = closest(value, cutoff=CLOSE_SPELLING)
    if hit is not None:
        return "close", targets[hit]
    try:  # pycountry also matches regions: 'Bavaria' -> Germany
        return "unknown", pycountry.countries.search_fuzzy(value)[0].name
    except LookupError:
        return "unknown", ""


def _countries(toolkit: Toolkit) -> dict[str, list]:
    """Each country value with the records printing it (their origins are made only for a finding)."""
    out: dict[str, list] = {}
    for e in toolkit.examples:
        if e.country:
            out.setdefault(e.country, []).append(e)
    for c in [*toolkit.cell_examples, *toolkit.table5_examples]:
        if c.country and c.country != NONE_PRINTED:
            out.setdefault(c.country, []).append(c)
    if toolkit.event.country:
        out.setdefault(toolkit.event.country, []).append(toolkit.event)
    return out


def _origins(toolkit: Toolkit, records: list) -> list[Origin]:
    return [r.origin.at(key="country") if r is toolkit.event else r.origin.at(column="country") for r in records]


def _check(toolkit: Toolkit, status: str):
    for value, records in sorted(_countries(toolkit).items()):
        found, name = resolve(value)
        if found != status:
            continue
        origins = _origins(toolkit, records)
        if status == "close":
            yield finding(value, f"'{value}' is not an ISO 3166 country name or code "
                                 f"({len(origins)} place{'s' * (len(origins) != 1)})",
                          origins, f"did you mean '{name}'?")
        else:
            yield finding(value, f"'{value}' is not a country (ISO 3166 name or code) "
                                 f"({len(origins)} place{'s' * (len(origins) != 1)})",
                          origins, f"did you mean '{name}'?" if name else "")


@rule("countries.not-iso", ERROR, "every country is spelled as in ISO 3166 (pycountry)")
def not_iso(toolkit: Toolkit):
    yield from _check(toolkit, "close")


@rule("countries.unknown", ERROR, "every country is an ISO 3166 country name or code")
def unknown(toolkit: Toolkit):
    yield from _check(toolkit, "unknown")
