"""Feeding the build's pool from our own queue, so that a step can jump the queue (build.py run_targets).

The handouts' after-build step (joining the 40 card parts of 2,500 examples into the file to print, ~2 s
of CPU) ran in the parent after the pool had finished, with the other core idle. Submitting every target
up front leaves nothing to put before the ones still queued. So the pool gets the targets (longest first,
schedule.py) from a queue of ours, a few items ahead of its workers, and a builder's after-build step goes
to the head of that queue the moment its builder's last target is done: it runs in a worker while the
other workers still build.
"""
from __future__ import annotations

from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, wait
from typing import Callable, Iterable

AHEAD = 4  # items queued per worker beyond the one it builds: the parent's latency never starves a worker


class Feeder:
    """Submits queued calls to a pool, at most `workers * (1 + AHEAD)` at a time, and reports each as it
    ends. `first()` puts a call at the head of the queue: the next a worker takes."""

    def __init__(self, pool, workers: int):
        self.pool = pool
        self.window = workers * (1 + AHEAD)
        self.queue: deque = deque()
        self.running: dict[Future, tuple] = {}  # submitted: (item, function, *args)

    def add(self, calls: Iterable[tuple]) -> None:
        """Calls as (item, function, *args), in the order they should start."""
        self.queue.extend(calls)

    def first(self, item, function, *args) -> None:
        self._take_back()
        self.queue.appendleft((item, function, *args))

    def first_all(self, calls: Iterable[tuple]) -> None:
        """Calls as (item, function, *args) at the head of the queue, in the order given (the first is
        the next a worker takes)."""
        calls = list(calls)
        if calls:
            self._take_back()
        self.queue.extendleft(reversed(calls))

    def _take_back(self) -> None:
        """Calls submitted but not started yet come back to the head of our queue, in their order, so that
        what is put first now starts before them. Else a released target waited behind the whole window
        the pool already held: after one edited example at 2,500 the paper's join, released by its part,
        ran after the 11 other targets instead of beside them. The pool has taken at most one call more
        than it has workers (ProcessPoolExecutor's call queue): those start first as before."""
        back = [call for future, call in self.running.items() if future.cancel()]
        if back:
            self.running = {future: call for future, call in self.running.items() if not future.cancelled()}
            self.queue.extendleft(reversed(back))

    def run(self, ended: Callable[[object, Future], None]) -> None:
        """Until everything queued has ended; `ended(item, future)` may queue more."""
        self._top_up()
        while self.running:
            done, _ = wait(self.running, return_when=FIRST_COMPLETED)  # a handful of waiters, not thousands
            for future in sorted(done, key=list(self.running).index):  # in the order they were submitted
                ended(self.running.pop(future)[0], future)
            self._top_up()

    def _top_up(self) -> None:
        while self.queue and len(self.running) < self.window:
            call = self.queue.popleft()
            self.running[self.pool.submit(*call[1:])] = call
