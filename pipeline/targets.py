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

from .paths import TEMPLATES


@dataclass(frozen=True)
class Target:
    builder: str  # module name under pipeline.render, e.g. "paper"
    name: str  # unique within the builder, e.g. "toolkit" or "green-skills"
    outputs: tuple[str, ...]  # paths relative to output/, all written by build_target
    deps: object  # JSON-able model data shown by the outputs (origins are ignored)
    templates: tuple[str, ...] = ()  # files or folders under templates/ that the outputs read
    params: dict = field(default_factory=dict)  # anything else build_target needs (picklable)

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


def fingerprint(target: Target, version: str) -> str:
    """The hash of everything the target's outputs are made from."""
    digest = hashlib.sha256()
    digest.update(version.encode())
    digest.update(json.dumps([target.builder, target.name, target.outputs, _plain(target.deps),
                              _plain(target.params)], sort_keys=True, ensure_ascii=False).encode())
    digest.update(_templates_digest(target.templates))
    return digest.hexdigest()


_TEMPLATE_DIGESTS: dict[tuple, bytes] = {}  # templates -> digest, within one build (see forget_templates)


def forget_templates() -> None:
    """A new build starts: templates may have changed since the last one (`invoke watch` runs many)."""
    _TEMPLATE_DIGESTS.clear()


def _templates_digest(templates: tuple[str, ...]) -> bytes:
    if templates not in _TEMPLATE_DIGESTS:
        digest = hashlib.sha256()
        for path in template_files(templates):
            digest.update(str(path.relative_to(TEMPLATES)).encode())
            digest.update(path.read_bytes() if path.exists() else b"<missing>")
        _TEMPLATE_DIGESTS[templates] = digest.digest()
    return _TEMPLATE_DIGESTS[templates]
