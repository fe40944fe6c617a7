"""The rules on two cores: `invoke check` runs the costliest rules in a forked child while the parent
runs the rest, then merges the findings exactly as `run_rules` orders them.

At 10,000 examples the rules take about 0.55 s of CPU, half of it in four rules (near-duplicate names,
spelling, shared and similar links); on the 2-core machine this project targets, the child takes those
and the command's wall time drops by about a quarter of a second. The child inherits the loaded
toolkit by fork (nothing is pickled but the findings), so where fork is missing, or one core is all
there is, the rules simply run one after another. A rule that raises does so in the parent, and the
first rule in rule order that raised is the one the user hears about, as when they run one by one.
"""
from __future__ import annotations

import os
import pickle
import signal
from dataclasses import replace
from typing import BinaryIO, Callable

from ..model import Toolkit
from ..report import Finding
from . import all_rules, run_rules

# about half the rules' CPU at 10,000 examples (measured with pipeline/checks/bench.py's command bench)
CHILD_RULES = frozenset(("identity.near-duplicate", "prose.spelling", "identity.shared-link",
                         "identity.similar-link"))


def two_cores() -> bool:
    if not hasattr(os, "fork"):
        return False
    try:
        return len(os.sched_getaffinity(0)) >= 2
    except AttributeError:  # no affinity on this platform
        return (os.cpu_count() or 1) >= 2


def fork_child(work: Callable[[], object]) -> tuple[int, BinaryIO]:
    """`work()` in a forked child that sends its result back pickled: (the child's pid, the pipe to read
    it from). The child never returns; it sends nothing (b"") if `work` raises or its result cannot be
    pickled, so the parent, finding no answer, does the work itself."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:
        status = 0
        try:
            os.close(reader)
            try:
                data = pickle.dumps(work())
            except Exception:  # cannot cross (or failed): the parent does it itself
                data = b""
            with os.fdopen(writer, "wb") as pipe:
                pipe.write(data)
        except BaseException:
            status = 1
        finally:
            os._exit(status)  # no atexit, no flushing of the parent's buffers, no collection
    os.close(writer)
    return pid, os.fdopen(reader, "rb")


def run_rules_split(toolkit: Toolkit) -> list[Finding]:
    """`run_rules(toolkit)`, the CHILD_RULES in a forked process when two cores are there."""
    rules = list(all_rules().values())
    if not two_cores():
        return run_rules(toolkit)
    child_ids = [r.id for r in rules if r.id in CHILD_RULES]
    pid, pipe = fork_child(lambda: _run_each(toolkit, [r for r in rules if r.id in CHILD_RULES]))
    try:
        outcome = _run_each(toolkit, [r for r in rules if r.id not in CHILD_RULES])
        data = pipe.read()
        _, status = os.waitpid(pid, 0)
        pid = 0
    finally:
        pipe.close()
        if pid:  # interrupted (Ctrl-C) or failed before the child was reaped
            try:
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            except OSError:
                pass
    child = pickle.loads(data) if data and status == 0 else None
    if child is None or set(child) != set(child_ids):  # the child could not answer: run them here
        child = _run_each(toolkit, [r for r in rules if r.id in CHILD_RULES])
    outcome.update(child)
    out: list[Finding] = []
    for r in rules:  # the order run_rules extends in, so that the stable sort below breaks ties alike
        result = outcome[r.id]
        if isinstance(result, BaseException):
            raise result
        out.extend(replace(f, rule=r.id, severity=r.severity) for f in result)
    return sorted(out, key=lambda f: f.sort_key)


def _run_each(toolkit: Toolkit, rules) -> dict:
    """rule id -> its findings, or the exception it raised (rules after it still run: the caller raises
    the first in rule order, as running them one by one would)."""
    outcome: dict = {}
    for r in rules:
        try:
            outcome[r.id] = list(r.function(toolkit))
        except Exception as exc:
            outcome[r.id] = exc
    return outcome

