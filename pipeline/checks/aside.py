"""The build's check beside its planning: the rules run in a forked child while the parent makes every
target's context and fingerprint, and the verdict is taken before anything is rendered.

At 2,500 examples the rules cost ~0.4 s of CPU and planning the 2,600 targets ~0.9 s; one after the other
they were the wall time of every build that is not a no-op (one edited example) before the first worker
started (issue 17). The verdict is the same as before, in the same words and order (run.refuse_on_errors
with the child's findings): a check error still stops the build before any output is touched, and it
is the error the user hears about even when planning failed too. Without fork or with one core, the
rules run in the parent when the verdict is asked for.
"""
from __future__ import annotations

import os
import pickle
import signal
from pathlib import Path

from ..model import Toolkit
from . import run_rules
from .split import fork_child, two_cores


class CheckAside:
    """run_rules(toolkit) in a forked child from construction; `verdict()` is refuse_on_errors on them."""

    def __init__(self, toolkit: Toolkit, sources: Path, *, force: bool, out: Path):
        self.toolkit, self.sources, self.force, self.out = toolkit, Path(sources), force, Path(out)
        self.pid, self.pipe = 0, None
        if two_cores():
            self._fork()

    def _fork(self) -> None:
        def findings():  # the rule's exception crosses too: the verdict raises it in the parent
            try:
                return ("findings", run_rules(self.toolkit))
            except Exception as exc:
                return ("raised", exc)

        self.pid, self.pipe = fork_child(findings)

    def _findings(self):
        """The child's findings, or None (no child, or it could not answer: run them here)."""
        if not self.pid:
            return None
        try:
            data = self.pipe.read()
            _, status = os.waitpid(self.pid, 0)
            self.pid = 0
        finally:
            self.close()
        if not data or status != 0:
            return None
        kind, value = pickle.loads(data)
        if kind == "raised":
            raise value
        return value

    def verdict(self):
        """The check's report, printed and written as the build always did (PipelineError on errors)."""
        from .run import refuse_on_errors

        return refuse_on_errors(self.toolkit, self.sources, force=self.force, out=self.out,
                                findings=self._findings())

    def close(self) -> None:
        """Stop and reap the child if the verdict was never taken (an error while planning, Ctrl-C)."""
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
