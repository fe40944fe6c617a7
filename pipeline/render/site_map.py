"""The country view's map: Europe drawn as SVG paths from Natural Earth's shapes (npm `world-atlas`).

The shapes come from a maintained source, never drawn by hand: setup.sh installs `world-atlas` (TopoJSON
of Natural Earth 1:50m, exact version in package-lock.json) into node_modules/. Here the TopoJSON arcs are
decoded, projected with a Lambert azimuthal equal-area projection centred on Europe (the projection of
the EU's own statistical maps, ETRS89-LAEA) and rounded to whole units of a fixed viewBox, so the SVG is
small and the same bytes every build. Without the package the map is left out (the country list is the
content; the map is a way in), and `map["missing"]` says why.

Decoding and projecting the ~80,000 points costs ~0.2 s of CPU, in every build that writes the country
view (a fresh build, and every edit of an example: the view counts them), yet depends on nothing in the
sources: like the web fonts' cut, the shapes are kept once per machine (paths.user_cache, `map-shapes/`)
under a hash of the atlas, this module's code and pycountry's version, with a checksum; a missing,
torn or other entry is projected again.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

from ..paths import PROJECT, user_cache

ATLAS = PROJECT / "node_modules" / "world-atlas" / "countries-50m.json"
CACHE = "map-shapes"  # under paths.user_cache: the projected shapes, once per machine
WIDTH, HEIGHT = 600, 520
CENTRE_LON, CENTRE_LAT = 12.0, 52.0
SCALE = 1.05  # viewBox units per km / 1000: Lisbon to Helsinki and Crete to the North Cape fit
VIEW_KM = (2700.0, 2050.0)  # km from the centre to the left and top edge


def _project(lon: float, lat: float) -> tuple[float, float]:
    """Lambert azimuthal equal-area on a sphere (R = 6371 km), in viewBox units."""
    lam, phi = math.radians(lon - CENTRE_LON), math.radians(lat)
    phi0 = math.radians(CENTRE_LAT)
    k = math.sqrt(2 / (1 + math.sin(phi0) * math.sin(phi) + math.cos(phi0) * math.cos(phi) * math.cos(lam)))
    x = 6371 * k * math.cos(phi) * math.sin(lam)
    y = 6371 * k * (math.cos(phi0) * math.sin(phi) - math.sin(phi0) * math.cos(phi) * math.cos(lam))
    return (x + VIEW_KM[0]) * SCALE / 10, (VIEW_KM[1] - y) * SCALE / 10


@lru_cache(maxsize=2)
def _shapes(path: str, mtime: float) -> dict[str, str]:
    """ISO alpha-2 code -> SVG path data of the country's rings that reach into the view (kept per machine)."""
    import hashlib

    import pycountry

    atlas = Path(path).read_bytes()
    key = hashlib.sha256(b"\0".join([Path(__file__).read_bytes(), pycountry.__version__.encode(), atlas])).hexdigest()
    folder = user_cache(CACHE)
    kept = _read_kept(folder / f"{key}.json") if folder else None
    if kept is not None:
        return kept
    shapes = _project_shapes(atlas)
    if folder is not None:
        _keep(folder, key, shapes)
    return shapes


def _read_kept(path: Path) -> dict[str, str] | None:
    import hashlib

    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        shapes = entry["shapes"]
        if entry["check"] != hashlib.sha256(json.dumps(shapes, sort_keys=True).encode()).hexdigest():
            return None
        return {str(code): str(d) for code, d in shapes.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _keep(folder: Path, key: str, shapes: dict[str, str]) -> None:
    """Keep the shapes for the next build on this machine (lost if it cannot be written: only a saving);
    the entries of another atlas or code go: one stays."""
    import hashlib

    from ..outputs import keep_bytes, keep_only

    check = hashlib.sha256(json.dumps(shapes, sort_keys=True).encode()).hexdigest()
    keep_bytes(folder / f"{key}.json", json.dumps({"check": check, "shapes": shapes}, sort_keys=True).encode())
    keep_only(folder, ".json", {key})


def _project_shapes(atlas: bytes) -> dict[str, str]:
    import pycountry

    data = json.loads(atlas)
    (sx, sy), (tx, ty) = data["transform"]["scale"], data["transform"]["translate"]
    arcs = []
    for arc in data["arcs"]:  # quantized and delta-encoded
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append(_project(x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indexes) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for i in indexes:
            points = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(points[1:] if out else points)
        return out

    shapes: dict[str, str] = {}
    for geometry in data["objects"]["countries"]["geometries"]:
        country = pycountry.countries.get(numeric=str(geometry.get("id", "")).zfill(3))
        if country is None:
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry.get("arcs", [])]
        parts = []
        for polygon in polygons:
            for indexes in polygon:
                points = ring(indexes)
                if not any(-20 <= x <= WIDTH + 20 and -20 <= y <= HEIGHT + 20 for x, y in points):
                    continue  # a ring wholly outside the view (Russia's Pacific coast, French Guiana)
                parts.append(_path(points))
        if parts:
            shapes[country.alpha_2] = "".join(parts)
    return shapes


def _path(points) -> str:
    """Points as 'M x y L ...' in whole units, dropping points that round to the previous one."""
    out, last = [], None
    for x, y in points:
        p = (round(x), round(y))
        if p != last:
            out.append(p)
            last = p
    return "M" + "L".join(f"{x} {y}" for x, y in out) + "Z"


def europe_map(highlight: dict[str, dict]) -> dict:
    """{"width", "height", "shapes": [{"code", "d", "country"|None}], "outside": [...], "missing": str}.

    `highlight` maps alpha-2 codes to the country view's entries; the countries with examples that the
    view does not reach are listed in "outside" so the page can say so.
    """
    if not ATLAS.is_file():
        return {"width": WIDTH, "height": HEIGHT, "shapes": [], "outside": [],
                "missing": "the map needs the npm package world-atlas (run ./setup.sh)"}
    shapes = _shapes(str(ATLAS), ATLAS.stat().st_mtime)
    drawn = [{"code": code, "d": d, "country": highlight.get(code)} for code, d in sorted(shapes.items())]
    drawn.sort(key=lambda s: s["country"] is not None)  # highlighted last: their outlines stay on top
    outside = [c for code, c in sorted(highlight.items(), key=lambda kv: kv[1]["name"]) if code not in shapes]
    return {"width": WIDTH, "height": HEIGHT, "shapes": drawn, "outside": outside, "missing": ""}
