"""What a builder promises the build system: its targets, each with exactly what it is built from.

Every output format is a builder module under `pipeline/render/` (Sphinx's shape) with two functions:

    targets(toolkit, options: dict) -> list[Target]
    build_target(toolkit, target: Target) -> dict[str, bytes]   # output path (relative to output/) -> bytes

`Target.deps` is the model data the output shows (dataclasses, lists, dicts, strings), and
`Target.templates` the template files and assets it reads. The build system hashes both, with the pipeline
version, to decide whether the output is up to date: editing one example rebuilds only the outputs whose
deps contain it. `build_target` must be a pure function of the toolkit and the target.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import orjson  # a C extension: ~2 ms to import

from .paths import TEMPLATES

# records, sets, dates and paths go to `_dumps`'s default; keys sorted (one fingerprint whatever a dict's
# order); int keys written as strings, as json.dumps writes them
_ORJSON_OPTIONS = (orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
                   | orjson.OPT_SORT_KEYS)


@dataclass(frozen=True)
class Target:
    builder: str  # module name under pipeline.render, e.g. "paper"
    name: str  # unique within the builder, e.g. "toolkit" or "green-skills"
    outputs: tuple[str, ...]  # paths relative to output/, all written by build_target
    deps: object  # JSON-able model data shown by the outputs (origins are ignored)
    templates: tuple[str, ...] = ()  # files or folders under templates/ that the outputs read
    params: dict = field(default_factory=dict)  # anything else build_target needs (picklable)
    after: tuple[str, ...] = ()  # ids of targets whose outputs build_target reads (pipeline/waiting.py)

    @property
    def id(self) -> str:
        return f"{self.builder}:{self.name}"


def _plain(value):
    """Model data as JSON-able values; provenance is left out (moving a row is not a content change)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.name not in ("origin", "lines")}  # where things are is not what they are
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_plain(v) for v in value]
        return sorted(items, key=json.dumps) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, (dt.date, Path)):
        return str(value)
    return value


def template_files(templates: tuple[str, ...]) -> list[Path]:
    files: list[Path] = []
    for name in templates:
        path = TEMPLATES / name
        files.extend(sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path])
    return files


def fingerprint(target: Target, version: str, memo: dict | None = None) -> str:
    """The hash of everything the target's outputs are made from.

    `memo` (id -> (record, digest)), shared by the targets of one build, hashes each model record once:
    2,500 example pages and the paper show the same records, and walking them again for every target
    cost seconds (issue 17). The memo keeps each record alive, so an id is never reused while it holds it.
    """
    digest = hashlib.sha256()
    digest.update(version.encode())
    shown = [target.builder, target.name, target.outputs, target.deps, target.params]
    try:
        text = _dumps(shown, {} if memo is None else memo)
    except (TypeError, ValueError):  # keys json cannot sort or write (tuples, mixed types): the slow walk
        text = json.dumps([_plain(v) for v in shown], sort_keys=True, ensure_ascii=False).encode()
    digest.update(text)
    digest.update(_templates_digest(target.templates))
    return digest.hexdigest()


def _dumps(value, memo: dict) -> bytes:
    """JSON of `value` (orjson: a third of the json module's time for the 2,690 targets of 2,500 examples,
    ~0.3 s of every build's planning); a dataclass record becomes the digest of its fields."""
    def record(obj):
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            known = memo.get(id(obj))
            if known is None:
                fields = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)
                          if f.name not in ("origin", "lines")}  # where things are is not what they are
                known = memo[id(obj)] = (obj, hashlib.sha256(_dumps(fields, memo)).hexdigest())
            return {"record": type(obj).__name__, "digest": known[1]}
        if isinstance(obj, (set, frozenset)):
            return sorted(_dumps(v, memo).decode() for v in obj)
        if isinstance(obj, (dt.date, Path)):
            return str(obj)
        raise TypeError(f"not JSON-able: {type(obj).__name__}")

    # orjson.JSONEncodeError is a TypeError: fingerprint falls back to the slow walk as with json
    return orjson.dumps(value, default=record, option=_ORJSON_OPTIONS)


_TEMPLATE_DIGESTS: dict[tuple, bytes] = {}  # templates -> digest, within one build (see forget_templates)


def forget_templates() -> None:
    """A new build starts: templates may have changed since the last one (`invoke watch` runs many)."""
    _TEMPLATE_DIGESTS.clear()


def templates_digest(templates: tuple[str, ...]) -> bytes:
    """The hash of template files or folders (with their paths), once per build (see forget_templates)."""
    return _templates_digest(templates)


def _templates_digest(templates: tuple[str, ...]) -> bytes:
    if templates not in _TEMPLATE_DIGESTS:
        digest = hashlib.sha256()
        for path in template_files(templates):
            digest.update(str(path.relative_to(TEMPLATES)).encode())
            digest.update(path.read_bytes() if path.exists() else b"<missing>")
        _TEMPLATE_DIGESTS[templates] = digest.digest()
    return _TEMPLATE_DIGESTS[templates]
