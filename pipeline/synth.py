"""Made-up toolkits for tests and benchmarks: the shipped sources plus N invented examples.

`invoke synth --examples N --out DIR` writes a complete source folder that `invoke check` and
`invoke build` accept: the shipped files copied as they are, then N examples appended to
examples.csv with realistic names (a place, a sector, a kind of organisation), countries from the
60-odd the online toolkit covers, web addresses, the cells they illustrate (unevenly spread, as real
submissions are) and, for one in ten, a citation in Table 5. Some are `featured`, all carry the date
they were `added`, so the "featured first, then newest" order of crowded cells has something to sort.

Never shipped as content: the generator refuses to write into `sources/`, marks every invented row in
its `note` column, and gives the folder a made-up public web address (`event.yaml: web_address`).
The same N and seed give the same bytes.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import random
import shutil
from pathlib import Path

from .errors import PipelineError
from .paths import PROJECT

MARKER = ".synthetic"  # a folder holding this file was written by synth and may be rewritten by it
NOTE = "made up by invoke synth (test data, not toolkit content)"
WEB_ADDRESS = "https://toolkit.example.eu/"  # a reserved-style domain: never a real toolkit

# (country as ISO 3166 names it, its top-level domain, places with their own spelling)
PLACES = (
    ("Austria", "at", ("Upper Austria", "Styria", "Vorarlberg", "Graz", "Linz")),
    ("Belgium", "be", ("Flanders", "Wallonia", "Liège", "Ghent", "Antwerp")),
    ("Bulgaria", "bg", ("Plovdiv", "Sofia", "Varna")),
    ("Croatia", "hr", ("Zagreb", "Rijeka", "Split")),
    ("Cyprus", "cy", ("Limassol", "Nicosia")),
    ("Czechia", "cz", ("Moravia", "Brno", "Ostrava", "Plzeň")),
    ("Denmark", "dk", ("Aarhus", "Odense", "Aalborg", "Zealand")),
    ("Estonia", "ee", ("Tartu", "Tallinn")),
    ("Finland", "fi", ("Oulu", "Tampere", "Turku", "Lapland")),
    ("France", "fr", ("Auvergne-Rhône-Alpes", "Occitanie", "Grand Est", "Brittany", "Lyon", "Nantes", "Lille")),
    ("Germany", "de", ("Bavaria", "Saxony", "Baden-Württemberg", "Hamburg", "Thuringia", "Ruhr", "Düsseldorf")),
    ("Greece", "gr", ("Thessaloniki", "Attica", "Crete", "Patras")),
    ("Hungary", "hu", ("Debrecen", "Győr", "Szeged", "Pécs")),
    ("Ireland", "ie", ("Cork", "Galway", "Limerick")),
    ("Italy", "it", ("Lombardy", "Emilia-Romagna", "Piedmont", "Apulia", "Veneto", "Torino", "Bologna")),
    ("Latvia", "lv", ("Riga", "Liepāja")),
    ("Lithuania", "lt", ("Kaunas", "Vilnius", "Klaipėda")),
    ("Luxembourg", "lu", ("Esch-sur-Alzette", "Luxembourg")),
    ("Malta", "mt", ("Valletta", "Gozo")),
    ("Netherlands", "nl", ("Brainport Eindhoven", "Twente", "Groningen", "Rotterdam", "Limburg")),
    ("Poland", "pl", ("Łódź", "Silesia", "Wrocław", "Pomerania", "Kraków", "Podkarpackie")),
    ("Portugal", "pt", ("Porto", "Aveiro", "Braga", "Algarve")),
    ("Romania", "ro", ("Cluj", "Timișoara", "Iași", "Brașov")),
    ("Slovakia", "sk", ("Košice", "Žilina", "Bratislava")),
    ("Slovenia", "si", ("Ljubljana", "Maribor", "Celje")),
    ("Spain", "es", ("Basque Country", "Catalonia", "Andalusia", "Valencia", "Galicia", "Navarre", "Murcia")),
    ("Sweden", "se", ("Skåne", "Västerbotten", "Gothenburg", "Norrköping", "Skellefteå")),
    ("Norway", "no", ("Trøndelag", "Stavanger", "Bergen")),
    ("Iceland", "is", ("Akureyri", "Reykjavík")),
    ("Switzerland", "ch", ("Basel", "Zürich", "Ticino")),
    ("Serbia", "rs", ("Novi Sad", "Niš", "Kragujevac")),
    ("North Macedonia", "mk", ("Skopje", "Bitola")),
    ("Montenegro", "me", ("Podgorica",)),
    ("Albania", "al", ("Tirana", "Durrës")),
    ("Bosnia and Herzegovina", "ba", ("Sarajevo", "Mostar", "Tuzla")),
    ("Türkiye", "tr", ("İzmir", "Bursa", "Kocaeli", "Gaziantep")),
    ("Ukraine", "ua", ("Kharkiv", "Lviv", "Dnipro")),
    ("Moldova, Republic of", "md", ("Chișinău", "Bălți")),
    ("Georgia", "ge", ("Tbilisi", "Kutaisi")),
    ("Armenia", "am", ("Yerevan", "Gyumri")),
    ("Israel", "il", ("Haifa", "Beersheba")),
    ("Tunisia", "tn", ("Sfax", "Sousse")),
    ("Morocco", "ma", ("Casablanca", "Tangier", "Agadir")),
    ("Egypt", "eg", ("Alexandria", "Giza")),
    ("United Kingdom", "uk", ("Wales", "Scotland", "Yorkshire", "Midlands")),
    ("Canada", "ca", ("Québec", "Ontario", "Alberta")),
    ("United States", "us", ("Ohio", "Michigan", "Texas", "Oregon")),
    ("Mexico", "mx", ("Querétaro", "Nuevo León", "Jalisco")),
    ("Brazil", "br", ("Santa Catarina", "Paraná", "Minas Gerais")),
    ("Chile", "cl", ("Valparaíso", "Biobío", "Antofagasta")),
    ("Colombia", "co", ("Antioquia", "Medellín", "Cali")),
    ("Argentina", "ar", ("Córdoba", "Mendoza", "Rosario")),
    ("South Africa", "za", ("Gauteng", "Western Cape", "Durban")),
    ("Kenya", "ke", ("Nairobi", "Mombasa")),
    ("India", "in", ("Pune", "Bengaluru", "Gujarat", "Tamil Nadu")),
    ("Japan", "jp", ("Kyushu", "Osaka", "Aichi", "Tohoku")),
    ("Korea, Republic of", "kr", ("Gyeonggi", "Daegu", "Ulsan")),
    ("Singapore", "sg", ("Jurong", "Singapore")),
    ("Australia", "au", ("Victoria", "Queensland", "Tasmania")),
    ("New Zealand", "nz", ("Canterbury", "Waikato", "Otago")),
    ("Viet Nam", "vn", ("Da Nang", "Hai Phong")),
)
SECTORS = ("Hydrogen", "Circular Textiles", "Battery", "Agri-Food", "Wood Construction", "Photonics",
           "Smart Mobility", "Maritime", "Aerospace", "Medical Technology", "Offshore Wind", "Bioeconomy",
           "Plastics Recycling", "Industry 4.0", "Cybersecurity", "Artificial Intelligence", "Microelectronics",
           "Water Technology", "Creative Industries", "Tourism", "Logistics", "Solar Energy", "Packaging",
           "Automotive", "Rail", "Space Data", "Biotech", "Furniture", "Metalworking", "Ceramics",
           "Green Chemistry", "Dairy", "Wine", "Fashion", "Digital Health", "Robotics", "Geothermal",
           "Sustainable Building", "Blue Economy", "Quantum Technologies", "Semiconductors", "Aquaculture",
           "Precision Farming", "Pharmaceuticals", "Forestry", "Glass", "Steel", "Cosmetics", "Video Games",
           "Film", "Music", "Sports Technology", "Drones", "Fintech", "Printing", "Nuclear Decommissioning",
           "Textile Machinery", "Cold Chain", "Mining Technology", "Paper and Pulp")
KINDS = ("Cluster", "Alliance", "Network", "Valley", "Platform", "Hub", "Innovation Centre",
         "Competence Centre", "Skills Academy", "Partnership", "Programme", "Initiative")
PATTERNS = ("{place} {sector} {kind}", "{sector} {kind} {place}", "{kind} for {sector} in {place}")
# Cells are not equally popular: weights make a few crowded ones (the case "and N more" exists for).
CELL_WEIGHT_CHOICES = (1, 1, 1, 2, 2, 3, 5)
FIRST_ADDED = dt.date(2022, 1, 1)
TABLE5_EVERY = 10  # one example in ten is also cited by a recommendation
FEATURED_EVERY = 37  # about 3 % featured by the editors


ASCII_LETTERS = str.maketrans({"ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "ı": "i", "đ": "d", "þ": "th"})


def slug(text: str) -> str:
    from .wording import fold

    folded = fold(text).translate(ASCII_LETTERS)
    out = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in folded)
    return "-".join(part for part in out.split("-") if part)


def _write_out_folder(out: Path) -> None:
    """Refuse sources/ and any folder synth did not write; empty a folder it did."""
    out = out.resolve()
    shipped = (PROJECT / "sources").resolve()
    if out == shipped or out.is_relative_to(shipped) or shipped.is_relative_to(out):
        raise PipelineError(f"synth: refusing to write into {out}: made-up examples never go into sources/")
    if out.exists():
        if not out.is_dir():
            raise PipelineError(f"synth: {out} exists and is not a folder")
        if any(out.iterdir()) and not (out / MARKER).exists():
            raise PipelineError(f"synth: {out} is not empty and was not written by synth; choose another --out")
        shutil.rmtree(out)


def _read_csv(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write_csv(path: Path, header: list[str], rows: list[dict]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _close(a: str, b: str) -> bool:
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(slug(a), slug(b)) <= 4


def made_up_examples(n: int, taken_names: set[str], rng: random.Random) -> list[dict]:
    """N distinct examples: id, name, country, link, featured, added (newest last)."""
    out, names, ids = [], {n.casefold() for n in taken_names}, set()
    used: dict[tuple, list[str]] = {}
    combos = [(c, tld, p, s, k) for c, tld, places in PLACES for p in places for s in SECTORS for k in KINDS]
    rng.shuffle(combos)
    days = (dt.date(2026, 10, 31) - FIRST_ADDED).days
    for country, tld, place, sector, kind in combos:
        if len(out) == n:
            break
        pattern = rng.choice(PATTERNS)
        name = pattern.format(place=place, sector=sector, kind=kind)
        # one example per (place, sector): names that differ only in their last word are near-duplicates;
        # and places that differ by a letter or two (Giza, İzmir) never share the rest of a name
        key = (place, sector)
        siblings = used.setdefault((pattern, sector, kind), [])
        if name.casefold() in names or key in ids or any(_close(place, other) for other in siblings):
            continue
        siblings.append(place)
        names.add(name.casefold())
        ids.add(key)
        example_id = slug(f"{place} {sector} {kind}")
        out.append({"id": example_id, "name": name, "country": country,
                    "link": f"https://www.{slug(place)}-{slug(sector)}.{tld}/",
                    "featured": "yes" if len(out) % FEATURED_EVERY == 5 else "",
                    "added": (FIRST_ADDED + dt.timedelta(days=days * len(out) // max(n, 1))).isoformat()})
    if len(out) < n:
        raise PipelineError(f"synth: can make at most {len(out)} distinct examples, not {n}")
    return out


def _edition_in_preparation(folder: Path) -> str:
    """The last edition of editions.yaml (the one in preparation), or "" without editions."""
    import yaml

    path = folder / "editions.yaml"
    editions = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    return str(editions[-1]["id"]) if isinstance(editions, list) and editions else ""


def synthesise(n: int, out: Path, seed: int = 2021, sources: Path | None = None,
               citations: int | None = None) -> dict:
    """Write the shipped sources plus `n` made-up examples to `out`; return counts for the caller.

    `citations`: how many cell citations the made-up examples get in all (spread evenly, each example in
    distinct cells, at most 36 each); default: one cell each, a few in two (as real submissions are)."""
    import yaml

    if n < 0:
        raise PipelineError("synth: --examples must be 0 or more")
    if citations is not None and not 0 <= citations <= 36 * n:
        raise PipelineError(f"synth: --citations must be between 0 and {36 * n} (36 cells per example)")
    sources = Path(sources or PROJECT / "sources")
    out = Path(out)
    _write_out_folder(out)
    shutil.copytree(sources, out, ignore=shutil.ignore_patterns("*.xlsx", "*.ods", ".*"))
    (out / MARKER).write_text(f"written by invoke synth --examples {n} (seed {seed}); safe to delete\n",
                              encoding="utf-8")
    rng = random.Random(seed)
    edition = _edition_in_preparation(out)  # a published edition is frozen: new rows belong to the next

    taxonomy = yaml.safe_load((out / "taxonomy.yaml").read_text(encoding="utf-8"))
    cells = [(p["id"], c["id"], f["id"]) for p in taxonomy["priorities"] for c in taxonomy["challenges"]
             for f in taxonomy["functions"]]
    weights = [rng.choice(CELL_WEIGHT_CHOICES) for _ in cells]

    header, rows = _read_csv(out / "examples.csv")
    header += [c for c in ("featured", "added", "since") if c not in header]
    invented = made_up_examples(n, {r["name"] for r in rows}, rng)
    rows += [{**e, "note": NOTE, "since": edition} for e in invented]
    _write_csv(out / "examples.csv", header, rows)

    header, rows = _read_csv(out / "cell_examples.csv")
    header += [c for c in ("since",) if c not in header]
    cited = []
    for i, e in enumerate(invented):  # one cell each, a few in two (or `citations` spread evenly)
        if citations is None:
            chosen = dict.fromkeys(rng.choices(cells, weights, k=1 if rng.random() < 0.85 else 2))
        else:
            chosen = rng.sample(cells, citations // n + (i < citations % n)) if n else []
        for cell in chosen:
            rows.append({"priority": cell[0], "challenge": cell[1], "function": cell[2], "example": e["id"],
                         "note": NOTE, "since": edition})
            cited.append((e["id"], cell))
    _write_csv(out / "cell_examples.csv", header, rows)

    _, recs = _read_csv(out / "recommendations.csv")
    areas = {a["id"] for a in taxonomy.get("recommendation_areas", [])}
    by_area = {}
    for r in recs:
        by_area.setdefault(r["area"], []).append(r["id"])
    header, rows = _read_csv(out / "table5_examples.csv")
    header += [c for c in ("since",) if c not in header]
    table5 = 0
    for i, (example_id, cell) in enumerate(cited):
        if i % TABLE5_EVERY:
            continue
        area = cell[0] if cell[0] in areas and cell[0] in by_area else rng.choice(sorted(by_area))
        rec = rng.choice(by_area[area])  # a recommendation of the example's own area, same function
        rows.append({"recommendation": rec, "function": cell[2], "example": example_id, "note": NOTE,
                     "since": edition})
        table5 += 1
    _write_csv(out / "table5_examples.csv", header, rows)

    event_path = out / "event.yaml"
    kept = [line for line in event_path.read_text(encoding="utf-8").splitlines()
            if not line.startswith("web_address:")]
    event_path.write_text("\n".join(kept)
                          + f"\n# made up by invoke synth: where this test toolkit's web tool would live\n"
                          f"web_address: \"{WEB_ADDRESS}\"\n", encoding="utf-8")
    return {"examples": n, "cell_citations": len(cited), "table5_citations": table5, "out": str(out)}
