"""The build: which targets are out of date, building them in a process pool, atomically, under a lock.

Each target's fingerprint (pipeline/targets.py) is stored in output/.build/manifest.json after it is
built. A target is rebuilt when its fingerprint changed, when one of its outputs is missing, or when
`force` is set. Outputs are written by the workers with atomic renames, so an interrupted build leaves
every previous output whole; the manifest is only updated for targets that finished.
"""
from __future__ import annotations

import dataclasses
import gc
import hashlib
import os
import sys
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import hints
from .errors import PipelineError
from .model import Toolkit
from .outputs import atomic_write_bytes
from .buildstate import BuildLock, fold_journal, journal, read_manifest, replay, worker_started, write_manifest
from .oserrors import OSProblem
from .planning import builder_module, collect_targets, fingerprint_version  # noqa: F401 (collect_targets: tests)
from .pool_feeder import Feeder
from .schedule import is_short, longest_first
from .staleness import edited_outputs, failed_before, is_stale, remove_leftovers
from .progress import Progress
from .render.prewarm import before_fork
from .targets import Target, fingerprint, forget_templates
from .uptodate import BUILDERS, available_builders
from .waiting import Waiting, combined
from .worker_memory import collector_paused, give_back_memory
from .urlsafety import safe_html_bytes, unsafe_docx_links



# a builder's settle_build(out, toolkit, options) runs after the pool and may return targets to build
# again (the paper's parts, laid out with the final page map): at most this many rounds
SETTLE_ROUNDS = 4


@dataclass
class Summary:
    built: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    # builders whose after-build step ran in the pool (pool_feeder.py): name -> its error, or None
    after_done: dict[str, BaseException | None] = field(default_factory=dict)

    def line(self) -> str:
        return (f"built {len(self.built)}, skipped {len(self.skipped)} (up to date), "
                f"failed {len(self.failed)} in {self.seconds:.1f} s")


# -- the workers ---------------------------------------------------------------------------------

_TOOLKIT: Toolkit | None = None  # set in the parent before the pool forks: workers inherit it


def build_one(target: Target, out: str) -> tuple[str, dict[str, str], float, float]:
    """Build one target and write its outputs atomically. Runs in a worker (or in-process)."""
    return _one_line_errors(_build_one, target, out)


def after_build_step(builder: str, out: str, options: dict) -> None:
    """A builder's step over what its targets wrote (handouts: join the card parts), in a worker while the
    other workers still build (pool_feeder.py); build_command runs it in-process otherwise."""
    _one_line_errors(builder_module(builder).after_build, Path(out), _TOOLKIT, options)


def _one_line_errors(function, *args):
    """Whatever goes wrong comes back as a plain PipelineError carrying one line: an exception that does
    not survive pickling would otherwise break the whole pool, and the user needs the message, not
    a worker's traceback (TOOLKIT_DEBUG=1 prints it for developers).
    """
    try:
        return function(*args)
    except PipelineError as exc:
        raise PipelineError(str(exc)) from None
    except OSError as exc:  # a read-only folder, a full disk: one line that says what to do
        from .oserrors import OSProblem, describe

        raise OSProblem(describe(exc)) from None
    except Exception as exc:
        if os.environ.get("TOOLKIT_DEBUG"):
            import traceback

            traceback.print_exc()
        raise PipelineError(f"internal error {type(exc).__name__}: {exc} "
                            "(a bug: TOOLKIT_DEBUG=1 shows the traceback)") from None


def _build_one(target: Target, out: str) -> tuple[str, dict[str, str], float, float]:
    """Render, write what changed, and return each output's hash (to notice later hand edits), the
    seconds it took and the CPU seconds it cost (kept in the manifest: where a build's time goes, target
    by target; on shared cores the wall time says how busy the machine was, the CPU time what it cost)."""
    started, cpu = time.perf_counter(), time.process_time()
    hints.use(out)  # what this output folder's last build measured (hints.py: a saving, never a decision)
    try:
        builder = builder_module(target.builder)
        with collector_paused():  # worker_memory.py: a layout's young objects are not walked again and again
            if target.after:  # it reads what its inputs wrote under `out` (waiting.py)
                files = builder.build_after(_TOOLKIT, target, Path(out))
            else:
                files = builder.build_target(_TOOLKIT, target)
    finally:
        hints.use(None)
    if any(rel.endswith(".pdf") for rel in files):
        give_back_memory()  # a PDF's layout (boxes with parent links) is freed now, and its heap returned
    unexpected = set(files) - set(target.outputs)
    if unexpected:
        raise PipelineError(f"{target.id} produced undeclared outputs: {sorted(unexpected)[:3]}")
    files = {rel: link_safe(rel, data) for rel, data in files.items()}
    hashes = {rel: hashlib.sha256(data).hexdigest() for rel, data in sorted(files.items())}
    journal(out, {"target": target.id, "writing": hashes})  # before any rename: see buildstate.py
    for rel, data in files.items():
        path = Path(out) / rel
        if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
            continue  # same bytes (a font, a stylesheet): leave the file alone for rsync and watchers
        atomic_write_bytes(path, data)
    return target.id, hashes, round(time.perf_counter() - started, 3), round(time.process_time() - cpu, 3)


def link_safe(rel: str, data: bytes) -> bytes:
    """Whatever a renderer did, no output links outside the web or loads from outside the project."""
    if rel.endswith((".html", ".htm", ".svg")):
        return safe_html_bytes(data)
    if rel.endswith(".docx"):
        unsafe = unsafe_docx_links(data)
        if unsafe:
            raise PipelineError(f"output/{rel} would link to '{unsafe[0]}', which is not a web address; "
                                "refused (a renderer must pass links through pipeline.urlsafety.web_link)")
    return data


def run_targets(toolkit: Toolkit, targets: list[Target], *, out: Path | str = "output", force: bool = False,
                jobs: int | None = None, progress: bool = True, after: dict[str, dict] | None = None,
                gate=None) -> Summary:
    """Build the stale targets (all with `force`), in parallel when there is more than one.

    `after`: builder -> options of its after-build step; in parallel, the step of a builder with targets to
    build runs in the pool once they are done (Summary.after_done), the caller runs the others.
    `gate()`, if given, is called once what is stale is known and before anything is built: it may raise
    (the check's verdict, taken while the targets were fingerprinted).
    """
    global _TOOLKIT
    out = Path(out)
    started = time.perf_counter()
    summary = Summary()
    with BuildLock(out):
        remove_leftovers(out)
        manifest = read_manifest(out)
        fold_journal(out, manifest)  # what a killed build finished
        # the code's version, and proof or final: a proof and a final differ everywhere
        version = fingerprint_version(toolkit)
        forget_templates()
        memo: dict = {}  # each model record hashed once for all targets
        prints = combined(targets, {t.id: fingerprint(t, version, memo) for t in targets})
        del memo
        todo = [t for t in targets if force or is_stale(t, prints[t.id], manifest, out)]
        summary.skipped = [t.id for t in targets if t not in todo]
        if not force:
            for t in list(todo):
                error = failed_before(t, prints[t.id], manifest)
                if error is not None:
                    todo.remove(t)
                    summary.failed[t.id] = f"{error} (failed before, inputs unchanged: not retried; --force retries)"
        if not force:  # never overwrite what a person changed without being asked
            for t in list(todo):
                edited = edited_outputs(t, manifest, out)
                if edited:
                    todo.remove(t)
                    summary.failed[t.id] = (f"{out / edited[0]} was changed since it was built; move it away "
                                            "to keep it, or use --force to replace it")
        if gate is not None:
            gate()
        _TOOLKIT = toolkit
        jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
        bar = Progress(sorted(todo, key=lambda t: BUILDERS.index(t.builder) if t.builder in BUILDERS else 99),
                       progress)
        by_id = {t.id: t for t in todo}
        waiting = Waiting(todo, summary.failed)  # targets that read others' outputs start once those are written
        left: dict[str, int] = {}  # targets of each builder not finished yet
        for t in todo:
            left[t.builder] = left.get(t.builder, 0) + 1

        def finished(target_id: str, error: BaseException | None, result: tuple | None = None) -> list[Target]:
            """Record a finished target; returns the waiting targets it lets start."""
            _record(target_id, error, result)
            go, fail = waiting.release(target_id, error is not None)
            for waiter, why in fail.items():  # an input failed: so do they, untried
                go += finished(waiter, PipelineError(why))
            return go

        def _record(target_id: str, error: BaseException | None, result: tuple | None) -> None:
            if error is None:
                summary.built.append(target_id)
                event = {"target": target_id, "done": {"fingerprint": prints[target_id],
                                                       "outputs": list(by_id[target_id].outputs),
                                                       "hashes": result[1], "seconds": result[2],
                                                       "cpu_seconds": result[3]}}
            else:
                summary.failed[target_id] = str(error) or type(error).__name__
                event = {"target": target_id, "failed": summary.failed[target_id]}
                if isinstance(error, PipelineError) and not isinstance(error, OSProblem):
                    # its inputs' fault, not a killed worker's or a full disk's: remember them
                    event["fingerprint"] = prints[target_id]
            journal(out, event)  # on disk the moment it finishes: a kill after this loses nothing
            replay(manifest, event)
            left[by_id[target_id].builder] -= 1
            bar.advance(by_id[target_id], error is None)

        try:
            for waiter, why in waiting.failing().items():  # an input failed before: so do they, untried
                finished(waiter, PipelineError(why))  # (and whatever waits for them: nothing starts)
            if jobs == 1:
                queued = deque(waiting.ready(todo))
                while queued:
                    t = queued.popleft()
                    try:
                        result, error = build_one(t, str(out)), None
                    except Exception as exc:  # one bad target must not stop the others
                        result, error = None, exc
                    queued.extend(finished(t.id, error, result))
            else:
                # WeasyPrint's start paid once here, not once a worker (render/prewarm.py)
                before_fork(todo, jobs)
                # the toolkit the workers inherit is never freed: out of the collector's sight, its pages
                # stay shared with the parent instead of being copied into each worker by a collection
                gc.freeze()
                pool = ProcessPoolExecutor(max_workers=jobs, initializer=worker_started, initargs=(os.getpid(),))
                try:
                    _run_in_pool(pool, jobs, waiting, todo, manifest, str(out), after or {}, finished,
                                 summary, left)
                except BaseException:
                    _stop_now(pool)
                    raise
                pool.shutdown()
        finally:
            gc.unfreeze()  # `invoke watch` builds again in this process: the old toolkit may go
            bar.close()
            write_manifest(out, manifest)
            _TOOLKIT = None
    summary.seconds = time.perf_counter() - started
    return summary


def _run_in_pool(pool, jobs: int, waiting: Waiting, todo: list[Target], manifest: dict, out: str,
                 after: dict[str, dict], finished, summary: Summary, left: dict[str, int]) -> None:
    """Longest first (schedule.py); a target that waited for others' outputs (waiting.py) and each
    builder's after-build step as soon as what they read is done (pool_feeder.py): no core waits while
    there is work. `left`: targets of each builder not finished yet (`finished` counts them down)."""
    feeder = Feeder(pool, jobs, awaited=lambda item: isinstance(item, Target) and waiting.awaits(item.id),
                    short=lambda item: isinstance(item, Target) and is_short(item, manifest))
    # deps stay behind: a worker renders from the toolkit it inherited, and pickling what each page
    # shows (the whole toolkit for the paper) costs the parent seconds
    feeder.add((t, build_one, dataclasses.replace(t, deps=None), out)
               for t in longest_first(waiting.ready(todo), manifest))
    steps = set()

    def ended(item, future) -> None:
        error = future.exception()
        if isinstance(item, str):  # a builder's after-build step
            summary.after_done[item] = error  # a one-line PipelineError (or OSProblem), raised by build_command
            return
        # the targets it lets start, longest first (in the order they were listed on a tie: the paper's
        # parts released by its page map used to go to the queue's head one by one, so last part first)
        released = longest_first(finished(item.id, error, None if error else future.result()), manifest)
        feeder.first_all((t, build_one, dataclasses.replace(t, deps=None), out) for t in released)
        for name in [n for n, count in left.items() if not count and n in after and n not in steps]:
            steps.add(name)
            feeder.first(name, after_build_step, name, out, after[name])

    feeder.run(ended)


def _stop_now(pool: ProcessPoolExecutor) -> None:
    """Ctrl-C (or a bug in the parent): stop the workers now. Leaving the pool's `with` block would wait
    for every target still queued (10 s on an idle machine, over 30 s under load). What was finished is
    in the journal and every output is written whole (temp file, then rename), so nothing is torn."""
    workers = list((getattr(pool, "_processes", None) or {}).values())  # Python 3.14: terminate_workers()
    pool.shutdown(wait=False, cancel_futures=True)  # forgets its processes: taken above
    for process in workers:
        process.terminate()


def build_command(sources: Path, builders, options: dict | None = None, *, force: bool = False,
                  jobs: int | None = None, out: Path | str | None = "output", workbook=None,
                  edition: str | None = None, final: bool = False, stamp_key: str | None = None) -> int:
    """What `invoke build` and each render task do; returns the exit code.

    `force` means "do it anyway": render despite check errors, and rebuild what is up to date.
    `edition` builds that edition (default: the latest); with `out` None, an earlier edition is written
    to output/editions/<id>/ so that it never replaces the current edition's outputs.
    `stamp_key`: the inputs' key (pipeline/uptodate.py); a build that finishes cleanly stamps it, so the
    next build with the same inputs replays this one instead of loading anything.
    """
    from . import uptodate
    from .editions import edition_output
    from .gate import load_checking

    unknown = [b for b in builders if b not in available_builders()]
    if unknown:
        raise PipelineError(f"--only: unknown output '{unknown[0]}' (expected: {', '.join(available_builders())})")
    out = edition_output(Path(sources), edition, out)
    uptodate.forget(out)
    said = uptodate.Said()
    with said.stdout():
        toolkit, check = load_checking(sources, force=force, workbook=workbook, out=out, edition=edition,
                                       final=final)

    def checked() -> None:  # the check's verdict (its rules ran beside the planning), before rendering
        with said.stdout():  # the check's line, replayed by a no-op build
            check.verdict()
            if toolkit.edition:
                print(f"edition {toolkit.edition} -> {out}")

    from .stages import stage

    try:
        try:
            with stage(f"planning the outputs of {len(toolkit.examples):,} examples"):  # what each target shows
                targets = collect_targets(toolkit, builders, options)
        except Exception:
            checked()  # a check error is what the user hears about first, as when it ran before planning
            raise
        # a builder's step over what its targets wrote (handouts: drop card parts no longer made): in the
        # pool once its targets are done (run_targets), else here
        steps = {name: dict(options or {}) for name in builders if hasattr(builder_module(name), "after_build")}
        summary = run_targets(toolkit, targets, out=out, force=force, jobs=jobs, after=steps, gate=checked)
    finally:
        check.close()
    for name in steps:
        if name in summary.after_done:
            if summary.after_done[name] is not None:
                raise summary.after_done[name]
            continue
        builder_module(name).after_build(Path(out), toolkit, dict(options or {}))
    for name in builders:  # a builder's step that may want targets built again (the paper's parts)
        settle = getattr(builder_module(name), "settle_build", None)
        for _ in range(SETTLE_ROUNDS if settle is not None else 0):
            again = settle(Path(out), toolkit, dict(options or {}))
            if not again:
                break
            more = run_targets(toolkit, again, out=out, force=True, jobs=jobs, progress=False)
            print(f"{name}: built {len(more.built)} again ({', '.join(sorted(more.built))[:120]})")
            summary.built += [t for t in more.built if t not in summary.built]
            summary.skipped = [t for t in summary.skipped if t not in more.built]
            summary.failed.update(more.failed)
            summary.seconds += more.seconds
            if more.failed:
                break
        else:
            if settle is not None:
                summary.failed[f"{name}:settle"] = f"still not settled after {SETTLE_ROUNDS} rounds"
    if "site" in builders:  # the web tool offers the other outputs for download
        from .render.site_downloads import publish_downloads

        publish_downloads(Path(out), toolkit)
    for target_id, message in sorted(summary.failed.items()):
        print(f"error: {target_id}: {message}", file=sys.stderr)
    print(summary.line())
    code = 1 if summary.failed else 0
    if stamp_key is not None:
        remembered = read_manifest(out)
        if all((remembered.get(t) or {}).get("failed") for t in summary.failed):  # else: retried next time
            said.done(len(targets), {t: remembered[t]["failed"]["error"] for t in summary.failed}, code)
            uptodate.stamp(out, stamp_key, said.record)
    return code
