"""Targets that read other targets' outputs (`Target.after`): when they may start, and what they are made from.

The joined file of the example cards is made from its 40 parts' PDFs. Joining them in the build's parent
after the pool had finished put ~2 s of CPU at the end of every build that changed a part (one edited
example at 2,500): as a target of its own it runs in a worker as soon as its parts are written, beside
whatever the pool still has to do (issue 17).

Such a target is out of date when what its inputs are made from changed: its fingerprint includes theirs
(`combined`). It waits for those of its inputs the build is making (`Waiting`); if one fails, it fails too
without being tried, and is retried once the failed input's fingerprint changes.
"""
from __future__ import annotations

import hashlib

from .errors import PipelineError
from .targets import Target


def combined(targets: list[Target], prints: dict[str, str]) -> dict[str, str]:
    """Each target's fingerprint, those with `after` made to include their inputs' (in their order)."""
    by_id = {t.id: t for t in targets}
    out = dict(prints)
    depths: dict[str, int] = {}
    for t in sorted((t for t in targets if t.after), key=lambda t: _depth(t, by_id, depths)):
        missing = [a for a in t.after if a not in by_id]
        if missing:
            raise PipelineError(f"{t.id} reads the outputs of {missing[0]}, which this build does not make "
                                "(build its builder too)")
        digest = hashlib.sha256(out[t.id].encode())
        for a in t.after:
            digest.update(out[a].encode())
        out[t.id] = digest.hexdigest()
    return out


def _depth(target: Target, by_id: dict[str, Target], depths: dict[str, int], seen: tuple[str, ...] = ()) -> int:
    """How many targets stand between `target` and one that reads nothing built (1 for a join of parts).
    `depths` keeps each target's once found (the 2,689 targets of 2,500 examples were indexed again for
    each step of each chain: 0.1 s of every build's planning)."""
    if target.id in seen:
        raise PipelineError(f"{target.id} reads its own outputs through {' -> '.join(seen)}")
    if target.id not in depths:
        depths[target.id] = max((1 + _depth(by_id[a], by_id, depths, (*seen, target.id))
                                 for a in target.after if a in by_id), default=0)
    return depths[target.id]


class Waiting:
    """The targets to build that must wait for others of the same build; `release` says which may go."""

    def __init__(self, todo: list[Target], failed: dict[str, str]):
        """`failed`: the targets this build will not make (failed before, edited by hand)."""
        building = {t.id for t in todo}
        self.failed_input = {t.id: next(a for a in t.after if a in failed)
                             for t in todo if any(a in failed for a in t.after)}
        self.inputs = {t.id: [a for a in t.after if a in building] for t in todo if t.after}
        self.inputs = {tid: ids for tid, ids in self.inputs.items() if ids or tid in self.failed_input}
        self.targets = {t.id: t for t in todo if t.id in self.inputs}

    def ready(self, todo: list[Target]) -> list[Target]:
        """What may start now, in `todo`'s order."""
        return [t for t in todo if t.id not in self.inputs]

    def awaits(self, target_id: str) -> bool:
        """Whether a target of this build still waits for `target_id`."""
        return any(target_id in ids for ids in self.inputs.values())

    def failing(self) -> dict[str, str]:
        """{target: why} for those whose input this build will not make, and that wait for nothing else."""
        fail = {tid: self._why(tid) for tid, ids in self.inputs.items() if not ids}
        for tid in fail:
            del self.inputs[tid]
        return fail

    def _why(self, tid: str) -> str:
        return f"not built: {self.failed_input[tid]} failed (see its error)"

    def release(self, finished: str, failed: bool) -> tuple[list[Target], dict[str, str]]:
        """`finished` is done: (the targets that may start now, {target: why it is not built})."""
        go, fail = [], {}
        for tid, ids in list(self.inputs.items()):
            if finished not in ids:
                continue
            ids.remove(finished)
            if failed:
                self.failed_input.setdefault(tid, finished)
            if not ids:
                del self.inputs[tid]
                if tid in self.failed_input:
                    fail[tid] = self._why(tid)
                else:
                    go.append(self.targets[tid])
        return go, fail
