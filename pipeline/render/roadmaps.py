"""Word roadmaps for consultants (phase 4 of the toolkit), rendered from templates/roadmap.docx with docxtpl.

One roadmap is one territory's choices of phases 1-3 (thematic priorities, strategic challenges, cluster
functions) and, pre-filled from the sources: every policy action of those cells with its examples (linked),
the Expert Group recommendations those actions serve, and blank tables for phase 4.

Targets:
    default (`invoke build`)             one per priority x challenge: roadmaps/<priority>-<challenge>.docx
    options {"regions": CSV}             one per row of the CSV: roadmaps/<slug>.docx
    `invoke roadmap --region ...`        roadmap_command(): one file, written straight away

The template is rendered with autoescape and StrictUndefined: "R&D", "<" and quotes reach Word as text,
and a misspelt tag stops the build instead of leaving a blank. The .docx is rewritten with fixed zip
timestamps and core properties from the edition date, so the same inputs give the same bytes.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from .. import provenance
from ..errors import PipelineError
from ..model import Toolkit
from ..outputs import atomic_write_bytes
from ..paths import TEMPLATES
from ..targets import Target
from ..urlsafety import web_link
from .roadmap_specs import (RoadmapSpec, allowed_ids, country_name, default_specs, make_spec, read_regions,
                            spec_slug)

BUILDER = "roadmaps"
TEMPLATE_NAME = "roadmap.docx"
NO_ACTION = "The toolkit proposes no action for this combination."

# -- what a roadmap shows (also its deps) ----------------------------------------------------------

def roadmap_context(toolkit: Toolkit, spec: RoadmapSpec) -> dict:
    """Everything the document shows, as plain data: the template's variables (listed in the README)."""
    tx = toolkit.taxonomy
    doc = toolkit.document

    def labels(dimension: str, ids: tuple[str, ...]) -> str:
        return ", ".join(tx.term(dimension, i).label for i in ids)

    groups, action_ids = [], set()
    for p in spec.priorities:
        for c in spec.challenges:
            rows = []
            for f in spec.functions:
                cell = toolkit.cell(p, c, f)
                if not cell.actions and not cell.examples:
                    continue
                action_ids.update(a.id for a in cell.actions)
                rows.append({
                    "function": cell.function.label,
                    "actions": [{"id": a.id, "text": a.text} for a in cell.actions],
                    "examples": [{"id": e.example_id, "name": e.name, "country": e.country, "link": e.link}
                                 for e in cell.examples],
                })
            priority = tx.term("priorities", p)
            groups.append({"priority": p, "challenge": c,
                           "title": f"{priority.label} × {tx.term('challenges', c).label}",
                           "table_number": toolkit.table_numbers.get(p, ""),
                           "table_title": priority.table_title, "rows": rows})
    areas = {a.id: provenance.plain(toolkit, a, a.label) for a in tx.areas}
    recommendations = [{"id": r.id, "number": r.number, "title": provenance.plain(toolkit, r, r.title),  # marked
                        "area": areas.get(r.area, r.area)}
                       for r in toolkit.recommendations_for_actions(action_ids)]
    return {
        "region": spec.region,
        "country": spec.country,
        "contact": spec.contact,
        "choices": {"priorities": labels("priorities", spec.priorities),
                    "challenges": labels("challenges", spec.challenges),
                    "functions": labels("functions", spec.functions)},
        "ids": {"priorities": list(spec.priorities), "challenges": list(spec.challenges),
                "functions": list(spec.functions)},
        "groups": groups,
        "recommendations": recommendations,
        "recommendations_table": toolkit.table_numbers.get("recommendations", ""),
        "allowed": {k: ", ".join(v) for k, v in allowed_ids(toolkit).items()},
        "source": {"series": doc.series, "title": doc.title, "short_title": doc.title.split(" – ")[0],
                   "edition": doc.edition_id, "date": doc.edition_date.isoformat(),
                   "copyright": doc.copyright.rstrip(".")},
    }


# -- rendering -------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not allowed in XML, or docxtpl markup (\a, \f)


def _xml_safe(value):
    """Every string of the context without control characters (a pasted vertical tab breaks the .docx)."""
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    if isinstance(value, dict):
        return {k: _xml_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_xml_safe(v) for v in value]
    return value


def _rich(tpl, context: dict) -> dict:
    """The context with each table cell's actions and examples as docxtpl RichText (links, paragraphs)."""
    from docxtpl import RichText

    def actions(items: list[dict]):
        rt = RichText()
        for i, a in enumerate(items):
            rt.add(("\a" if i else "") + a["text"])  # \a: docxtpl starts a new paragraph
        return rt if items else RichText(NO_ACTION, italic=True)

    def examples(items: list[dict]):
        rt = RichText()
        for i, e in enumerate(items):
            if i:
                rt.add("\a")  # in a run of its own: never inside a hyperlink
            if web_link(e["link"]):  # never a file: or javascript: hyperlink, even with --force
                rt.add(e["name"], url_id=tpl.build_url_id(web_link(e["link"])), style="Hyperlink")
            else:
                rt.add(e["name"])
            if e["country"]:
                rt.add(f" ({e['country']})")
        return rt if items else RichText("–")

    groups = []
    for g in context["groups"]:
        rows = [{**r, "actions": actions(r["actions"]), "examples": examples(r["examples"])} for r in g["rows"]]
        if not rows:
            rows = [{"function": "–", "actions": RichText(NO_ACTION, italic=True), "examples": RichText("–")}]
        groups.append({**g, "rows": rows})
    return {**context, "groups": groups}


_ENV = None
CACHE_LIMIT = 64
_PATCHED: dict[str, str] = {}  # docxtpl's tag clean-up of the template XML, same for every roadmap


def _jinja_env():
    """autoescape + StrictUndefined; compiled templates are cached by source, since docxtpl compiles the
    same template XML for every roadmap (most of a render's time otherwise)."""
    global _ENV
    if _ENV is None:
        import jinja2

        class CachingEnvironment(jinja2.Environment):
            def from_string(self, source, globals=None, template_class=None):
                key = source if isinstance(source, str) else None
                cache = self.__dict__.setdefault("_compiled", {})
                if key is None or globals or template_class:
                    return super().from_string(source, globals, template_class)
                if key not in cache:
                    if len(cache) > CACHE_LIMIT:  # a long `invoke watch` sees the template change
                        cache.clear()
                    cache[key] = super().from_string(source)
                return cache[key]

        _ENV = CachingEnvironment(undefined=jinja2.StrictUndefined, autoescape=True)
    return _ENV


def _template_class():
    from docxtpl import DocxTemplate

    class CachedDocxTemplate(DocxTemplate):
        def patch_xml(self, src_xml):
            if src_xml not in _PATCHED:
                if len(_PATCHED) > CACHE_LIMIT:
                    _PATCHED.clear()
                _PATCHED[src_xml] = super().patch_xml(src_xml)
            return _PATCHED[src_xml]

    return CachedDocxTemplate


def render_roadmap(toolkit: Toolkit, context: dict, template: bytes | None = None) -> bytes:
    """The .docx bytes of one roadmap."""
    import jinja2

    from .roadmap_template import CUSTOM_PROPERTIES_TYPE, MARKER_PROPERTY, MARKER_VALUE, custom_properties_xml

    if template is None:
        template = read_template()
    context = _xml_safe(context)
    tpl = _template_class()(io.BytesIO(template))
    try:
        tpl.render(_rich(tpl, context), _jinja_env(), autoescape=True)
    except jinja2.TemplateError as exc:  # a misspelt or broken tag someone typed in Word
        raise PipelineError(f"templates/{TEMPLATE_NAME}: {type(exc).__name__}: {exc.message or exc} "
                            "(the README's 'The template' section lists the tags)") from None
    edition = toolkit.document.edition_date
    stamp = dt.datetime.combine(edition, dt.time(), tzinfo=dt.timezone.utc)
    props = tpl.docx.core_properties
    props.title = f"Cluster policy roadmap – {context['region']}"
    props.created = props.modified = props.last_printed = stamp
    props.revision = 1
    for part in tpl.docx.part.package.iter_parts():
        if part.content_type == CUSTOM_PROPERTIES_TYPE:  # the harvest marker, with what this one is for
            part._blob = custom_properties_xml({
                MARKER_PROPERTY: MARKER_VALUE, "CPT_Region": context["region"], "CPT_Country": context["country"],
                "CPT_Priorities": " ".join(context["ids"]["priorities"]),
                "CPT_Challenges": " ".join(context["ids"]["challenges"]),
                "CPT_Functions": " ".join(context["ids"]["functions"]),
                "CPT_Edition": toolkit.document.edition_id})
    return package_bytes(tpl.docx.part.package, edition)


def read_template() -> bytes:
    path = TEMPLATES / TEMPLATE_NAME
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise PipelineError(f"templates/{TEMPLATE_NAME} is missing; regenerate it with "
                            "`python -m pipeline.render.roadmap_template`") from None


def package_bytes(package, date: dt.date) -> bytes:
    """A python-docx package as .docx bytes, reproducibly: what OpcPackage.save writes, but zipped once
    with fixed timestamps and a stable order (saving and re-zipping would compress everything twice)."""
    from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
    from docx.opc.pkgwriter import _ContentTypesItem

    parts = list(package.iter_parts())
    for part in parts:
        part.before_marshal()
    entries = {CONTENT_TYPES_URI.membername: _ContentTypesItem.from_parts(parts).blob,
               PACKAGE_URI.rels_uri.membername: package.rels.xml}
    for part in parts:
        entries[part.partname.membername] = part.blob
        if len(part.rels):
            entries[part.partname.rels_uri.membername] = part.rels.xml
    return zip_entries(entries, date)


def zip_entries(entries: dict[str, bytes], date: dt.date) -> bytes:
    """Fixed timestamps (the edition date), fixed attributes, [Content_Types].xml first then by name."""
    stamp = (date.year, date.month, date.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(entries, key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time=stamp)
            # the embedded fonts are stored: deflating 150 kB of font for every roadmap cost a third of its time
            info.compress_type = zipfile.ZIP_STORED if name.endswith(".odttf") else zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            dst.writestr(info, entries[name], compresslevel=6)
    return out.getvalue()


# -- the builder -----------------------------------------------------------------------------------

def targets(toolkit: Toolkit, options: dict) -> list[Target]:
    regions = options.get("regions")
    specs = read_regions(Path(regions), toolkit) if regions else default_specs(toolkit)
    return [Target(BUILDER, slug, (f"roadmaps/{slug}.docx",), deps=roadmap_context(toolkit, spec),
                   templates=(TEMPLATE_NAME,), params={"spec": dataclasses.asdict(spec)})
            for spec, slug in specs]


def _spec_from_params(params: dict) -> RoadmapSpec:
    data = dict(params["spec"])
    for key in ("priorities", "challenges", "functions"):
        data[key] = tuple(data[key])
    return RoadmapSpec(**data)


def build_target(toolkit: Toolkit, target: Target) -> dict[str, bytes]:
    spec = _spec_from_params(target.params)
    return {target.outputs[0]: render_roadmap(toolkit, roadmap_context(toolkit, spec))}


def roadmap_command(toolkit: Toolkit, *, region: str, country: str, priorities: str = "green",
                    challenges: str = "skills", functions: str | None = None, contact: str = "",
                    out: Path = Path("output"), force: bool = False) -> Path:
    """`invoke roadmap`: one roadmap, validated, written atomically; returns its path.

    A roadmap already there that someone saved in Word (or LibreOffice) is kept unless `force`.
    """
    spec = make_spec(toolkit, region=region, country=country, priorities=priorities, challenges=challenges,
                     functions=functions, contact=contact)
    path = Path(out) / "roadmaps" / f"{spec_slug(toolkit, spec)}.docx"
    if not force and path.exists() and saved_by_someone(path, toolkit):
        raise PipelineError(f"{path} was saved in a word processor since it was made (filled in?); "
                            "move it away to keep it, or use --force to replace it")
    return atomic_write_bytes(path, render_roadmap(toolkit, roadmap_context(toolkit, spec)))


def saved_by_someone(path: Path, toolkit: Toolkit) -> bool:
    """Whether a roadmap was saved after we wrote it: we stamp revision 1 and the edition date, and Word
    and LibreOffice change both on save. Unreadable files count as someone's too."""
    import docx

    try:
        props = docx.Document(str(path)).core_properties
    except Exception:  # not a .docx we can read: whatever it is, it is not ours to overwrite
        return True
    edition = toolkit.document.edition_date
    modified = props.modified.date() if props.modified else None
    return props.revision != 1 or modified != edition


# -- benchmark -------------------------------------------------------------------------------------

BENCH_REGIONS = ("Île-de-France", "Skellefteå", "Łódź", "Bavaria", "Flanders", "Lombardy", "Catalonia",
                 "Upper Austria", "Västra Götaland", "South Moravia")
BENCH_COUNTRIES = ("FR", "SE", "PL", "DE", "BE", "IT", "ES", "AT", "SE", "CZ")


def bench_specs(toolkit: Toolkit, count: int = 1000) -> list[RoadmapSpec]:
    """`count` distinct roadmaps: regions x numbered copies x priority/challenge pairs (some several)."""
    allowed = allowed_ids(toolkit)
    pairs = [((p,), (c,)) for p in allowed["priorities"] for c in allowed["challenges"]]
    pairs += [(allowed["priorities"][:2], allowed["challenges"][:2])]
    out = []
    for i in range(count):
        p, c = pairs[i % len(pairs)]
        n = i % len(BENCH_REGIONS)
        out.append(RoadmapSpec(f"{BENCH_REGIONS[n]} {i}", country_name(BENCH_COUNTRIES[n]), p, c,
                               allowed["functions"], f"contact{i}@example.org"))
    return out


def bench_roadmaps(sources: Path | str = "sources", count: int = 1000) -> float:
    """Seconds to render `count` roadmaps in this process (nothing written): the per-core floor."""
    import time

    from ..load import load

    toolkit = load(sources)
    specs = bench_specs(toolkit, count)
    template = read_template()
    started = time.perf_counter()
    for spec in specs:
        render_roadmap(toolkit, roadmap_context(toolkit, spec), template)
    return round(time.perf_counter() - started, 3)


def bench_docxtpl_floor(sources: Path | str = "sources", count: int = 100) -> float:
    """Docs per second of docxtpl's bare render loop (a fresh DocxTemplate, render, save) with the same
    template and contexts: what `bench_roadmaps` is compared with."""
    import time

    from docxtpl import DocxTemplate

    from ..load import load

    toolkit = load(sources)
    template = read_template()
    contexts = [_xml_safe(roadmap_context(toolkit, spec)) for spec in bench_specs(toolkit, count)]
    started = time.perf_counter()
    for context in contexts:
        tpl = DocxTemplate(io.BytesIO(template))
        tpl.render(_rich(tpl, context), _jinja_env(), autoescape=True)
        tpl.save(io.BytesIO())
    return round(count / (time.perf_counter() - started), 1)
