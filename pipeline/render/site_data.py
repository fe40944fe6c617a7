"""What the web tool's filters, search and country view need to know about each example.

Kept apart from site.py (which renders pages) so the rules of "which filter reaches which example" live in
one place that tests and other renderers can read:

- an example is reached by the priority / challenge / function filters through the cells of Tables 2-4
  that cite it, and also through Table 5: a recommendation's area is a thematic priority (same id) and its
  column a cluster function, so an example only Table 5 cites still answers "green" or "networking";
  Table 5 places no example under a strategic challenge, so a challenge filter reaches it only via a cell;
- search matches a country by every name people use for it (pycountry: current ISO short name, official
  and common names, alpha-2 and alpha-3 codes), so "Türkiye", "United States" and "USA" all find the
  examples whose source says "Turkey" or "USA";
- a notice per example repeats the checker's acknowledged findings (sources/waivers.yaml) about what the
  2021 paper printed for it, so the site never silently repeats a known slip.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from ..model import Toolkit

# findings about what the paper printed *for an example* (not about labels or prose around it)
NOTICE_RULES = ("identity.", "links.", "countries.")
# ... and those about the link itself: what a printed card with a QR code repeats
LINK_RULES = ("identity.shared-link", "identity.similar-link", "identity.link-differs", "links.")
WAIVERS_FILE = "waivers.yaml"


@lru_cache(maxsize=512)
def country_aliases(country: str) -> tuple[str, ...]:
    """Other names and the codes of a country as the sources spell it; () if pycountry does not know it."""
    import pycountry

    from ..checks.countries import resolve

    if not country:
        return ()
    found, name = resolve(country)
    if found == "unknown" or not name:
        return ()
    try:
        record = pycountry.countries.lookup(name)
    except LookupError:
        return ()
    names = [getattr(record, a, None) for a in ("name", "common_name", "official_name", "alpha_2", "alpha_3")]
    return tuple(dict.fromkeys(n for n in names if n and n != country))


def example_reach(toolkit: Toolkit, example_id: str) -> dict:
    """Where the filters find one example: its cells, its Table 5 (area, function) pairs, its recommendations."""
    recs = {r.id: r for r in toolkit.recommendations}
    priorities = {p.id for p in toolkit.taxonomy.priorities}
    cells = sorted({"/".join(c.cell) for c in toolkit.cells_of_example(example_id)})
    table5, rec_ids = set(), []
    for c in toolkit.table5_of_example(example_id):
        rec = recs.get(c.recommendation)
        if rec is None:
            continue
        if rec.area in priorities:
            table5.add(f"{rec.area}/{c.function}")
        if rec.id not in rec_ids:
            rec_ids.append(rec.id)
    rec_ids.sort(key=lambda r: recs[r].number)
    return {"cells": cells, "table5": sorted(table5), "recommendations": rec_ids, "table5_only": not cells}


def example_notices(toolkit: Toolkit, rules: tuple[str, ...] = NOTICE_RULES) -> dict[str, list[str]]:
    """Example id -> the reasons of the waived findings (of `rules`) about what the 2021 paper printed for it."""
    cache = toolkit.__dict__.setdefault("_site_notices", {})  # one read of waivers.yaml per toolkit and rules
    if rules not in cache:
        cache[rules] = _read_notices(toolkit, rules)
    return cache[rules]


def _read_notices(toolkit: Toolkit, rules: tuple[str, ...]) -> dict[str, list[str]]:
    from ..report import load_waivers

    sources = Path(toolkit.document.origin.file).parent
    path = sources / WAIVERS_FILE
    if not path.is_file():
        return {}
    ids = set(toolkit.example_by_id)
    country_of: dict[str, list[str]] = {}
    for e in toolkit.examples:
        country_of.setdefault(e.country, []).append(e.id)
    out: dict[str, list[str]] = {}
    for waiver in load_waivers(path, known_rules=_known_rules()):
        if not waiver.rule.startswith(rules):
            continue
        subject = waiver.subject.split("@")[0]
        targets = [s for s in subject.split("+") if s in ids] or country_of.get(subject, [])
        for example_id in targets:
            reasons = out.setdefault(example_id, [])
            if waiver.reason not in reasons:
                reasons.append(waiver.reason)
    return out


def _known_rules() -> set[str]:
    from ..checks import all_rules

    return set(all_rules())


def countries(toolkit: Toolkit) -> list[dict]:
    """Every country with its examples (sorted by name), for the country view and the map."""
    by_country: dict[str, list] = {}
    for e in toolkit.examples:
        if e.country:
            by_country.setdefault(e.country, []).append(e)
    out = []
    for name in sorted(by_country, key=str.casefold):
        aliases = country_aliases(name)
        code = next((a for a in aliases if len(a) == 2 and a.isupper()), "")
        iso = aliases[0] if aliases and len(aliases[0]) > 3 and _is_short_name(name, aliases[0]) else ""
        out.append({"name": name, "code": code, "slug": _slug(name), "aliases": list(aliases), "iso_name": iso,
                    "examples": [{"id": e.id, "name": e.name} for e in sorted(by_country[name],
                                                                               key=lambda e: e.name.casefold())]})
    return out


def _is_short_name(name: str, alias: str) -> bool:
    """Whether `alias` is pycountry's current short name for a country the sources spell otherwise."""
    import pycountry

    try:
        return pycountry.countries.lookup(alias).name == alias != name
    except LookupError:
        return False


def _slug(name: str) -> str:
    import re

    from ..wording import fold

    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-") or "country"
