"""The build's progress: a live bar per stage (builder) on a terminal, plain lines in CI or a log."""
from __future__ import annotations

import os
import sys

from .targets import Target


class Progress:
    """A live bar per stage (builder) on a terminal; plain lines in CI or when output is not a terminal."""

    def __init__(self, targets: list[Target], enabled: bool = True):
        self.total, self.done = len(targets), 0
        self.live = enabled and sys.stdout.isatty() and not os.environ.get("CI")
        self.enabled = enabled
        if self.live and self.total:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TimeElapsedColumn

            self.bar = Bar("[bold]{task.description:<9}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
            self.bar.start()
            stages: dict[str, int] = {}
            for t in targets:
                stages[t.builder] = stages.get(t.builder, 0) + 1
            self.tasks = {name: self.bar.add_task(name, total=count) for name, count in stages.items()}

    def advance(self, target: Target, ok: bool = True) -> None:
        self.done += 1
        what = target.outputs[0] if target.outputs else target.id
        if self.live:
            self.bar.advance(self.tasks[target.builder])
            if not ok:
                self.bar.console.print(f"[red]failed[/red] {what}")
        elif self.enabled:
            print(f"[{self.done}/{self.total}] {'built' if ok else 'FAILED'} {what}", flush=True)

    def close(self) -> None:
        if self.live and self.total:
            self.bar.stop()
