"""What one roadmap is for: the territory's choices, validated, from options or a regions CSV.

A RoadmapSpec holds ids checked against the taxonomy and the country as its ISO name; its slug names the
.docx. Bad choices are a PipelineError naming the option, or a SourceError with the CSV's file:row.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import PipelineError, SourceError
from ..model import Toolkit

PLACEHOLDER_REGION = "Your region"  # the default set is for any territory
REGION_COLUMNS = ("region", "country", "priorities", "challenges")  # required; "contact", "functions" optional
SLUG_MAX = 80

# Letters NFKD does not take apart: 'Łódź' must fold to 'lodz', not 'odz'.
_FOLD_EXTRA = str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Ð": "D",
                             "ð": "d",
                             "Þ": "Th", "þ": "th", "ß": "ss", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe",
                             "ı": "i", "Ħ": "H", "ħ": "h"})


@dataclass(frozen=True)
class RoadmapSpec:
    """What one roadmap is for: validated ids, the country as its ISO name."""

    region: str
    country: str
    priorities: tuple[str, ...]
    challenges: tuple[str, ...]
    functions: tuple[str, ...]
    contact: str = ""


# -- validating the choices ------------------------------------------------------------------------

def ascii_fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_FOLD_EXTRA))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).encode("ascii", "ignore").decode()


def slugify(*parts: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_fold(" ".join(parts)).lower()).strip("-")
    return slug[:SLUG_MAX].rstrip("-") or "roadmap"


def parse_ids(value: str, allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    """'green; digital' -> ('green', 'digital') in toolkit order; ValueError naming the allowed ids."""
    given = [v for v in re.split(r"[\s;,]+", (value or "").strip().lower()) if v]
    if not given:
        raise ValueError(f"no {what} given (allowed: {', '.join(allowed)})")
    unknown = [v for v in given if v not in allowed]
    if unknown:
        raise ValueError(f"unknown {what} '{unknown[0]}' (allowed: {', '.join(allowed)})")
    return tuple(a for a in allowed if a in given)


def country_name(value: str) -> str:
    """An ISO 3166 country from its name or code ('FR', 'FRA', 'France'); ValueError otherwise."""
    import pycountry

    value = (value or "").strip()
    if not value:
        raise ValueError("no country given (an ISO 3166 name or code, e.g. 'FR' or 'France')")
    try:
        country = pycountry.countries.lookup(value)
    except LookupError:
        raise ValueError(f"'{value}' is not a country (give an ISO 3166 name or code, e.g. 'FR' or 'France')") \
            from None
    return getattr(country, "common_name", None) or country.name


def allowed_ids(toolkit: Toolkit) -> dict[str, tuple[str, ...]]:
    tx = toolkit.taxonomy
    return {"priorities": tuple(t.id for t in tx.priorities), "challenges": tuple(t.id for t in tx.challenges),
            "functions": tuple(t.id for t in tx.functions)}


def make_spec(toolkit: Toolkit, *, region: str, country: str, priorities: str, challenges: str,
              functions: str | None = None, contact: str = "") -> RoadmapSpec:
    """A validated spec from option strings; PipelineError names the option at fault and what is allowed."""
    allowed = allowed_ids(toolkit)
    region = (region or "").strip()
    if not region:
        raise PipelineError("--region: no region given")
    values = {}
    for option, dimension, what, value in (("--priority", "priorities", "priority", priorities),
                                           ("--challenge", "challenges", "challenge", challenges),
                                           ("--function", "functions", "function", functions)):
        if dimension == "functions" and not (value or "").strip():
            values[dimension] = allowed["functions"]  # no function chosen: all three
            continue
        try:
            values[dimension] = parse_ids(value, allowed[dimension], what)
        except ValueError as exc:
            raise PipelineError(f"{option}: {exc}") from None
    try:
        country = country_name(country)
    except ValueError as exc:
        raise PipelineError(f"--country: {exc}") from None
    return RoadmapSpec(region, country, values["priorities"], values["challenges"], values["functions"],
                       (contact or "").strip())


def spec_slug(toolkit: Toolkit, spec: RoadmapSpec) -> str:
    """<region>-<priorities>-<challenges>[-<functions> when not all three], ASCII only."""
    parts = [spec.region, *spec.priorities, *spec.challenges]
    if spec.functions != allowed_ids(toolkit)["functions"]:
        parts += spec.functions
    return slugify(*parts)


def read_regions(path: Path, toolkit: Toolkit) -> list[tuple[RoadmapSpec, str]]:
    """(spec, slug) per row of a regions CSV; SourceError with file:row and column on a bad value."""
    from ..sources.tables import read_csv

    table = read_csv(Path(path))
    missing = [c for c in REGION_COLUMNS if c not in table.columns]
    if missing:
        raise SourceError(table.origin.at(row=1), f"missing column '{missing[0]}' "
                          f"(the columns are: {', '.join(REGION_COLUMNS)}, contact; optional: functions)")
    if not table.rows:
        raise SourceError(table.origin, "no regions: the file has a header row only")
    allowed = allowed_ids(toolkit)
    out: list[tuple[RoadmapSpec, str]] = []
    seen: dict[str, int | None] = {}
    for row in table.rows:
        if not row["region"]:
            raise SourceError(row.where("region"), "the region is empty")
        values = {}
        for column, what in (("priorities", "priority"), ("challenges", "challenge"), ("functions", "function")):
            if column == "functions" and not row[column]:
                values[column] = allowed["functions"]
                continue
            try:
                values[column] = parse_ids(row[column], allowed[column], what)
            except ValueError as exc:
                raise SourceError(row.where(column), str(exc)) from None
        try:
            country = country_name(row["country"])
        except ValueError as exc:
            raise SourceError(row.where("country"), str(exc)) from None
        spec = RoadmapSpec(row["region"], country, values["priorities"], values["challenges"],
                           values["functions"], row["contact"])
        slug = spec_slug(toolkit, spec)
        if slug in seen:
            raise SourceError(row.where("region"), f"the same roadmap as row {seen[slug]} "
                              f"(both would be roadmaps/{slug}.docx); change the region or the choices")
        seen[slug] = row.origin.row
        out.append((spec, slug))
    return out


def default_specs(toolkit: Toolkit) -> list[tuple[RoadmapSpec, str]]:
    """The set `invoke build` makes: one per priority x challenge, all functions, for any region."""
    functions = allowed_ids(toolkit)["functions"]
    return [(RoadmapSpec(PLACEHOLDER_REGION, "", (p.id,), (c.id,), functions), f"{p.id}-{c.id}")
            for p in toolkit.taxonomy.priorities for c in toolkit.taxonomy.challenges]
