"""Planning a build: every builder's targets, each with what it is made from (pipeline/targets.py).

(Planning the paper in a forked child beside the other builders was tried for one edited example at
2,500 and measured no faster at the load this machine runs at: see docs/scale.md, 1 December.)
"""
from __future__ import annotations

import importlib

from .errors import PipelineError
from .model import Toolkit
from .targets import Target
from .uptodate import code_version


def builder_module(name: str):
    return importlib.import_module(f"pipeline.render.{name}")


def fingerprint_version(toolkit: Toolkit) -> str:
    """The code's version, and proof or final: a proof and a final differ everywhere."""
    return code_version() + ("+final" if toolkit.final else "")


def collect_targets(toolkit: Toolkit, builders, options: dict | None = None) -> list[Target]:
    """Every target of these builders, in their order."""
    targets: list[Target] = []
    for name in builders:
        targets.extend(builder_module(name).targets(toolkit, dict(options or {})))
    seen: dict[str, str] = {}
    for t in targets:  # two targets writing one file would race in the pool
        for out in t.outputs:
            if out in seen:
                raise PipelineError(f"both {seen[out]} and {t.id} would write output/{out}")
            seen[out] = t.id
    return targets
