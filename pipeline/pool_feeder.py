"""Feeding the build's pool from our own queue, so that a step can jump the queue (build.py run_targets).

The handouts' after-build step (joining the 40 card parts of 2,500 examples into the file to print, ~2 s
of CPU) ran in the parent after the pool had finished, with the other core idle. Submitting every target
up front leaves nothing to put before the ones still queued. So the pool gets the targets (longest first,
schedule.py) from a queue of ours, a few items ahead of its workers, and a builder's after-build step goes
to the head of that queue the moment its builder's last target is done: it runs in a worker while the
other workers still build.

A target that others wait for (a paper part, whose join reads it) releases them when it ends, and they go
to the head of our queue, but whatever the pool already holds runs first: ProcessPoolExecutor moves up to
workers + 1 calls into its call queue, where they can no longer be taken back. After one edited example at
2,500 the paper's join (~1 s, the build's last target) so waited behind the paper's HTML, a roadmap and a
matrix (~0.8 s). So while a target that others wait for runs, the calls given to the pool beyond one long
call a worker are short ones (a web page), taken from the queue's tail: a released target then waits
behind milliseconds, and the long ones keep their longest-first order.
"""
from __future__ import annotations

from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, wait
from typing import Callable, Iterable

AHEAD = 4  # items queued per worker beyond the one it builds: the parent's latency never starves a worker


def _never(item) -> bool:
    return False


class Feeder:
    """Submits queued calls to a pool, at most `workers * (1 + AHEAD)` at a time, and reports each as it
    ends. `first()` puts a call at the head of the queue: the next a worker takes."""

    def __init__(self, pool, workers: int, *, awaited: Callable[[object], bool] = _never,
                 short: Callable[[object], bool] = _never):
        """`awaited(item)`: others wait for it; `short(item)`: it is expected to take milliseconds."""
        self.pool = pool
        self.workers = workers
        self.window = workers * (1 + AHEAD)
        self.awaited, self.short = awaited, short
        self.queue: deque = deque()
        self.released: set[int] = set()  # ids of calls put first: they go to the pool whatever runs
        self.running: dict[Future, tuple] = {}  # submitted: (item, function, *args)

    def add(self, calls: Iterable[tuple]) -> None:
        """Calls as (item, function, *args), in the order they should start."""
        self.queue.extend(calls)

    def first(self, item, function, *args) -> None:
        self._take_back()
        call = (item, function, *args)
        self.released.add(id(call))
        self.queue.appendleft(call)

    def first_all(self, calls: Iterable[tuple]) -> None:
        """Calls as (item, function, *args) at the head of the queue, in the order given (the first is
        the next a worker takes)."""
        calls = list(calls)
        if calls:
            self._take_back()
        self.released.update(id(call) for call in calls)
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
            if id(self.queue[0]) in self.released or not self._holding():
                call = self.queue.popleft()
            elif self.short(self.queue[-1][0]):
                call = self.queue.pop()
            else:  # a long call now would run before the targets about to be released
                break
            self.released.discard(id(call))
            self.running[self.pool.submit(*call[1:])] = call

    def _holding(self) -> bool:
        """A target others wait for runs, and each worker has a long call: only short ones go ahead."""
        calls = self.running.values()
        return (sum(not self.short(call[0]) for call in calls) >= self.workers
                and any(self.awaited(call[0]) for call in calls))
