"""The growth table of `invoke bench`: the same figures at 56, 250 and 2,500 examples (issue 17).

For each size, on a folder written by `invoke synth` (56 = the shipped sources): a full build, a no-op
build, one edited example (seconds and how many targets it rebuilt), the peak memory of the whole build
(the build's process and its pool workers together, sampled from /proc: proportional set size, so pages
the forked workers share with the parent are counted once), the web tool's home page gzipped, search
latency in Chromium, and the bare WeasyPrint floor of the same pages divided by the cores the build uses.
The machine's load average is recorded beside the figures: the cores are shared.
"""
from __future__ import annotations

import gzip
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from .paths import PROJECT

SHIPPED_EXAMPLES = 56


class TreeMemory:
    """Peak memory of a process and all its descendants, sampled every `interval` seconds."""

    def __init__(self, pid: int, interval: float = 0.1):
        self.pid, self.interval = pid, interval
        self.peak_pss_kb = self.peak_rss_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _tree(self) -> list[int]:
        parents: dict[int, list[int]] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as handle:
                    fields = handle.read().rsplit(b")", 1)[1].split()
                parents.setdefault(int(fields[1]), []).append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
        tree, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo += parents.get(pid, [])
        return tree

    @staticmethod
    def _kb(pid: int) -> tuple[int, int]:
        pss = rss = 0
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        pss = int(line.split()[1])
                    elif line.startswith("Rss:"):
                        rss = int(line.split()[1])
        except OSError:
            pass
        return pss, rss

    def _run(self) -> None:
        while not self._stop.is_set():
            sizes = [self._kb(pid) for pid in self._tree()]
            self.peak_pss_kb = max(self.peak_pss_kb, sum(s[0] for s in sizes))
            self.peak_rss_kb = max(self.peak_rss_kb, sum(s[1] for s in sizes))
            self._stop.wait(self.interval)


def build_once(sources: Path, out: Path, *extra: str) -> dict:
    """One `invoke build` in a child process: seconds, targets built/failed, peak memory of its tree."""
    import resource

    argv = [sys.executable, "-m", "invoke", "build", "--sources", str(sources), "--out", str(out), *extra]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)  # the build and the workers it waited for
    started = time.perf_counter()
    child = subprocess.Popen(argv, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "CI": "1"})
    with TreeMemory(child.pid) as memory:
        stdout, stderr = child.communicate()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    import re

    counts = re.search(r"built (\d+), skipped (\d+) \(up to date\), failed (\d+)", stdout)
    return {"s": round(seconds, 2), "cpu_s": round(cpu, 1), "built": int(counts.group(1)) if counts else -1,
            "failed": int(counts.group(3)) if counts else -1,
            "peak_pss_mb": round(memory.peak_pss_kb / 1024, 1), "peak_rss_sum_mb": round(memory.peak_rss_kb / 1024, 1),
            "error": "" if child.returncode == 0 else (stderr.strip().splitlines() or ["?"])[-1][:300]}


def edit_one_example(sources: Path, i: int) -> None:
    """Rename the first example that a cell cites in the middle of the table order (not the first)."""
    import csv

    path = sources / "examples.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    row = rows[len(rows) // 2]
    row[1] = f"{row[1].rstrip(' 0123456789')} {i}"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def home_gzip_bytes(out: Path) -> int:
    return len(gzip.compress((out / "site" / "index.html").read_bytes(), compresslevel=9, mtime=0))


SEARCH_PROBE = """
async (query) => {
  const q = document.getElementById('q');
  const times = [];
  for (const text of [query, query.slice(0, 3), query + ' x', query]) {
    const t0 = performance.now();
    q.value = text;
    q.dispatchEvent(new Event('input', {bubbles: true}));
    document.body.offsetHeight;  // the layout the visitor waits for
    times.push(performance.now() - t0);
  }
  return times;
}
"""


def search_latency_ms(site: Path, query: str = "hydrogen", runs: int = 5) -> dict:
    """Milliseconds from a keystroke in the search box to the laid-out results, in headless Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium")
        page = browser.new_page()
        page.goto((site / "index.html").resolve().as_uri())
        page.focus("#q")  # the first use loads the search data
        page.wait_for_function("() => !!window.CPT_SEARCH_DATA", timeout=10_000)
        page.wait_for_timeout(100)
        times = []
        for _ in range(runs):
            times += page.evaluate(SEARCH_PROBE, query)
        browser.close()
    times.sort()
    return {"median_ms": round(statistics.median(times), 1), "max_ms": round(times[-1], 1)}


def floor_s(sources: Path) -> tuple[float, float]:
    """(seconds, CPU seconds) of the bare WeasyPrint floor of the same pages (pipeline.bench) in a fresh
    process."""
    code = f"from pipeline.bench import bench_floor_times; print(*bench_floor_times({str(sources)!r}))"
    run = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True)
    if run.returncode:
        raise RuntimeError(run.stderr.strip().splitlines()[-1:])
    wall, cpu = map(float, run.stdout.strip().splitlines()[-1].split())
    return wall, cpu


def growth(sizes=(SHIPPED_EXAMPLES, 250, 2500), runs: int = 1, work: Path | None = None,
           search: bool = True) -> dict:
    """The growth table: {size: figures}. `runs` repeats each timing; medians are kept."""
    import tempfile

    from .synth import synthesise

    work = Path(work or tempfile.mkdtemp(prefix="bench-growth-"))
    table: dict = {"cores": os.cpu_count(), "load_average_at_start": os.getloadavg()[0], "sizes": {}}
    try:
        for size in sizes:
            sources = work / f"sources-{size}"
            if size == SHIPPED_EXAMPLES:
                shutil.copytree(PROJECT / "sources", sources)
                # its examples are all in the frozen 2021 edition, and the edit below renames one: the
                # bench measures what the edit rebuilds, not the editions.frozen rule (tested on its own)
                (sources / "locks" / "2021.json").unlink(missing_ok=True)
            else:
                synthesise(size - SHIPPED_EXAMPLES, sources)
            row: dict = {"load_average": round(os.getloadavg()[0], 1), "runs": runs}
            full, noop, edit, floors = [], [], [], []
            floor_error = ""
            for i in range(runs):
                out = work / f"out-{size}-{i}"
                full.append(build_once(sources, out))
                # the floor right after each full build, and the ratio of each pair: this machine's speed
                # moves +-20-30 % within minutes, so a floor measured once is compared with builds made at
                # other speeds (one build against one floor said 1.41x and 1.71x at 250 an hour apart)
                try:
                    floors.append(floor_s(sources))
                except RuntimeError as exc:  # say so in the table rather than lose the sizes measured so far
                    floor_error = f"floor: {exc}"[:300]
                noop.append(build_once(sources, out))
                edit_one_example(sources, i)
                edit.append(build_once(sources, out))
            pick = lambda rows, key: statistics.median(r[key] for r in rows)  # noqa: E731
            row.update({
                "full_build_s": pick(full, "s"), "noop_build_s": pick(noop, "s"), "one_edit_s": pick(edit, "s"),
                "full_build_cpu_s": pick(full, "cpu_s"), "noop_build_cpu_s": pick(noop, "cpu_s"),
                "one_edit_cpu_s": pick(edit, "cpu_s"), "one_edit_errors": sorted({r["error"] for r in edit if r["error"]}),
                "one_edit_targets_rebuilt": edit[0]["built"], "targets": full[0]["built"],
                "failed_targets": full[0]["failed"], "errors": sorted({r["error"] for r in full if r["error"]}),
                "peak_memory_mb": max(r["peak_pss_mb"] for r in full),
                "peak_rss_sum_mb": max(r["peak_rss_sum_mb"] for r in full),
                "site_home_gzip_bytes": home_gzip_bytes(work / f"out-{size}-0"),
            })
            cores = os.cpu_count() or 1
            if floor_error or not floors:
                row["weasyprint_floor_s"] = row["weasyprint_floor_per_core_s"] = row["full_over_floor_per_core"] = None
                row["weasyprint_floor_cpu_s"] = row["full_cpu_over_floor_cpu"] = None
                row["errors"].append(floor_error or "floor: not measured")
            else:
                row["weasyprint_floor_s"] = round(statistics.median(w for w, _ in floors), 2)
                row["weasyprint_floor_per_core_s"] = round(row["weasyprint_floor_s"] / cores, 2)
                row["full_over_floor_per_core"] = round(statistics.median(
                    f["s"] / (w / cores) for f, (w, _) in zip(full, floors)), 2)
                # on a shared machine the wall times say how busy it was; CPU seconds say what the work cost
                row["weasyprint_floor_cpu_s"] = round(statistics.median(c for _, c in floors), 1)
                row["full_cpu_over_floor_cpu"] = round(statistics.median(
                    f["cpu_s"] / c for f, (_, c) in zip(full, floors)), 2)
                row["ratios_each_run"] = [round(f["s"] / (w / cores), 2) for f, (w, _) in zip(full, floors)]
            if search:
                try:
                    row["search_latency"] = search_latency_ms(work / f"out-{size}-0" / "site")
                except Exception as exc:  # no Chromium: say so in the table rather than fail the bench
                    row["search_latency"] = f"unavailable: {type(exc).__name__}: {exc}"[:200]
            row["load_average_after"] = round(os.getloadavg()[0], 1)
            table["sizes"][str(size)] = row
            print(f"bench: {size} examples: {row}", file=sys.stderr, flush=True)  # minutes per size: show each
            for i in range(runs):
                shutil.rmtree(work / f"out-{size}-{i}", ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return table


def markdown(table: dict) -> str:
    """The growth table as the README shows it."""
    lines = ["| examples | full build (CPU) | WeasyPrint floor / cores (CPU) | ratio wall (CPU) | no-op (CPU) | "
             "one edit (targets, CPU) | peak memory | home page gzipped | search | load avg |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for size, r in table["sizes"].items():
        search = r.get("search_latency")
        search = f"{search['median_ms']} ms" if isinstance(search, dict) else "n/a"
        lines.append(f"| {int(size):,} | {r['full_build_s']} s ({r.get('full_build_cpu_s')} s) | "
                     f"{r['weasyprint_floor_per_core_s']} s ({r.get('weasyprint_floor_cpu_s')} s) | "
                     f"{r['full_over_floor_per_core']}× ({r.get('full_cpu_over_floor_cpu')}×)"
                     f"{_each(r.get('ratios_each_run'))} | "
                     f"{r['noop_build_s']} s ({r.get('noop_build_cpu_s')} s) | {r['one_edit_s']} s "
                     f"({r['one_edit_targets_rebuilt']}, {r.get('one_edit_cpu_s')} s) | {r['peak_memory_mb']} MB | "
                     f"{r['site_home_gzip_bytes'] / 1024:.1f} KB | {search} | {r['load_average']} |")
    return "\n".join(lines)


def _each(ratios) -> str:
    """Each run's ratio beside the median, when there were several runs."""
    return f" [{', '.join(f'{x}×' for x in ratios)}]" if ratios and len(ratios) > 1 else ""
