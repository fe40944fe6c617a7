"""Planning a build: every builder's targets (`collect_targets`), the paper's planned beside the others: its
HTML, its parts and their fingerprints are made in a forked child while the build's process plans and
fingerprints the handouts, roadmaps and web pages.

At 2,500 examples one edited example spent ~1.4 s of the build's process on planning and fingerprinting
all 2,700 targets before the first worker started, one core busy and the other free but for the check's
rules (checks/aside.py). The paper's share (~0.65 s of CPU: its HTML made and split into parts, the annex of
changes since the previous edition, and its targets' fingerprints, which hash every record of the toolkit)
does not depend on the other builders' planning, so it runs on the other core. What crosses back is
small and made of plain values: the builder's own plan (`plan_aside`: the split HTML and the annex, which
the workers inherit as they did) and the fingerprints of its targets, computed by the same function, the
same code version and the same forked toolkit as the build's process would: the same strings. Nothing
here decides an output. A child that fails or cannot answer costs nothing but the wait: the build's
process plans and fingerprints the paper itself, and raises whatever error the planning raises, as before.
Without fork or with one core the planning runs in the build's process, as before.

A builder takes part by offering `plan_aside(toolkit, options)` (a picklable plan, made in the child) and
`adopt_plan(toolkit, plan)` (remembered in the build's process, so that `targets()` finds it made).
"""
from __future__ import annotations

import importlib
import os
import pickle
import signal

from .checks.split import fork_child, two_cores
from .errors import PipelineError
from .model import Toolkit
from .targets import Target, fingerprint, forget_templates
from .uptodate import code_version


def builder_module(name: str):
    return importlib.import_module(f"pipeline.render.{name}")


def fingerprint_version(toolkit: Toolkit) -> str:
    """The code's version, and proof or final: a proof and a final differ everywhere."""
    return code_version() + ("+final" if toolkit.final else "")


def collect_targets(toolkit: Toolkit, builders, options: dict | None = None, *,
                    prints: dict[str, str] | None = None) -> list[Target]:
    """Every target of these builders, in their order. Given a dict `prints`, the builders that can be
    planned beside the others are planned (and their targets fingerprinted) in a forked child meanwhile
    (`PlanAside`), and the others' targets fingerprinted here before its answer is awaited: `prints` gets
    the fingerprints made (any it lacks, the build makes as always)."""
    options = dict(options or {})
    modules = {name: builder_module(name) for name in builders}
    version = fingerprint_version(toolkit)
    aside = PlanAside(toolkit, modules, options, version) if prints is not None else None
    try:
        skip = aside.aside if aside else set()
        planned = {name: m.targets(toolkit, dict(options)) for name, m in modules.items() if name not in skip}
        if skip:  # fingerprinted here while the child still works, rather than after its answer
            forget_templates()
            memo: dict = {}
            prints.update({t.id: fingerprint(t, version, memo) for targets in planned.values() for t in targets})
            del memo
            prints.update(aside.adopt())
        for name in skip:  # their plans adopted: their targets are quick to list
            planned[name] = modules[name].targets(toolkit, dict(options))
    finally:
        if aside:
            aside.close()
    targets = [t for name in builders for t in planned[name]]
    seen: dict[str, str] = {}
    for t in targets:  # two targets writing one file would race in the pool
        for out in t.outputs:
            if out in seen:
                raise PipelineError(f"both {seen[out]} and {t.id} would write output/{out}")
            seen[out] = t.id
    return targets


class PlanAside:
    """Forks at construction (two cores): the builders that offer `plan_aside` are planned and fingerprinted
    in the child; `adopt()` takes what it made into this process."""

    def __init__(self, toolkit: Toolkit, modules: dict, options: dict, version: str):
        """`modules`: builder name -> its module; `version`: the code version the build fingerprints with."""
        self.toolkit = toolkit
        self.modules = {name: m for name, m in modules.items() if hasattr(m, "plan_aside")}
        self.pid, self.pipe = 0, None
        if self.modules and two_cores():
            self.pid, self.pipe = fork_child(lambda: _plan(toolkit, self.modules, options, version))

    @property
    def aside(self) -> set[str]:
        """The builders planned in the child (the others are the caller's to plan first)."""
        return set(self.modules) if self.pid else set()

    def adopt(self) -> dict[str, str]:
        """The fingerprints the child made ({} if it made none: then the caller makes them), its builders'
        plans adopted. Waits for the child."""
        if not self.pid:
            return {}
        try:
            data = self.pipe.read()
            _, status = os.waitpid(self.pid, 0)
            self.pid = 0
        finally:
            self.close()
        if not data or status != 0:
            return {}
        plans, prints = pickle.loads(data)
        for name, plan in plans.items():
            self.modules[name].adopt_plan(self.toolkit, plan)
        return prints

    def close(self) -> None:
        """Stop and reap the child if nobody took its answer (an error while planning, Ctrl-C)."""
        if self.pipe is not None:
            self.pipe.close()
            self.pipe = None
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGTERM)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
            self.pid = 0


def _plan(toolkit: Toolkit, modules: dict, options: dict, version: str) -> tuple[dict, dict[str, str]]:
    """In the child: each builder's plan, and its targets' fingerprints (each record hashed once)."""
    forget_templates()  # as the build's process does before it fingerprints (`invoke watch` builds again)
    plans, prints, memo = {}, {}, {}
    for name, module in modules.items():
        plans[name] = module.plan_aside(toolkit, dict(options))
        module.adopt_plan(toolkit, plans[name])
        for target in module.targets(toolkit, dict(options)):
            prints[target.id] = fingerprint(target, version, memo)
    return plans, prints
