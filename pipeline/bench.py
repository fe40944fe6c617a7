"""`invoke bench`: the figures we quote, measured on this machine, medians over several runs.

Whole-command figures run `invoke` in a child process, as a user would, and read the child's peak
memory (ru_maxrss, which includes the pool workers it waited for) from os.wait4.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .outputs import atomic_write_text
from .paths import PROJECT


def timed(argv: list[str], cwd: Path = PROJECT) -> tuple[float, str]:
    """(seconds, stdout) of one child process; raises if it fails."""
    started = time.perf_counter()
    run = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env={**os.environ, "CI": "1"})
    seconds = time.perf_counter() - started
    if run.returncode:
        raise RuntimeError(f"{' '.join(argv)} failed: {run.stderr.strip().splitlines()[-1:]}")
    return seconds, run.stdout


def children_peak_mb() -> float:
    """The largest resident set of any child so far (and of the pool workers each child waited for)."""
    import resource

    return round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)


def invoke(*args: str) -> list[str]:
    return [sys.executable, "-m", "invoke", *args]


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def built_count(stdout: str) -> int:
    match = re.search(r"built (\d+), skipped (\d+)", stdout)
    return int(match.group(1)) if match else -1


def run_bench(runs: int = 3, out: Path = Path("output/bench.json"), sizes: tuple[int, ...] = (56, 250, 2500),
              growth_only: bool = False) -> dict:
    from .bench_scale import growth
    from .uptodate import available_builders

    results: dict = {"runs": runs, "cores": os.cpu_count(), "builders": available_builders()}
    if sizes:  # the growth table (issue 17): `runs` builds of each size, medians (~1.5 min a run at 2,500)
        results["growth"] = growth(sizes, runs=runs)
        atomic_write_text(out, json.dumps(results, indent=2, sort_keys=True))
    if growth_only:
        return results
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        sources = work / "sources"
        shutil.copytree(PROJECT / "sources", sources)
        full, noop, edit, edited_built = [], [], [], []
        for i in range(runs):
            target = work / f"out{i}"
            full.append(timed(invoke("build", "--sources", str(sources), "--out", str(target)))[0])
            noop.append(timed(invoke("build", "--sources", str(sources), "--out", str(target)))[0])
            # Edit one example's name: only the outputs that show it may be rebuilt.
            examples = sources / "examples.csv"
            text = examples.read_text(encoding="utf-8")
            examples.write_text(text.replace("Innovation clusters Saxony", f"Innovation clusters Saxony {i}", 1),
                                encoding="utf-8")
            seconds, stdout = timed(invoke("build", "--sources", str(sources), "--out", str(target)))
            edit.append(seconds), edited_built.append(built_count(stdout))
            examples.write_text(text, encoding="utf-8")
        results["full_build_s"] = median(full)
        results["noop_build_s"] = median(noop)
        results["one_example_edit_build_s"] = median(edit)
        results["one_example_edit_targets_rebuilt"] = edited_built[0]
        results["build_peak_memory_mb"] = children_peak_mb()
        _, listing = timed(invoke("build", "--sources", str(sources), "--out", str(work / "out0"),
                                     "--force"))
        results["targets_total"] = built_count(listing)

        checks = []
        for _ in range(runs):
            checks.append(timed(invoke("check", "--sources", str(sources), "--out", str(work / "out0")))[0])
        results["check_shipped_s"] = median(checks)

        # 1,000 roadmaps from a generated regions file, through the pool, as `invoke roadmaps` runs them.
        regions = work / "regions-1000.csv"
        write_regions(regions, 1000)
        seconds, stdout = timed(invoke("roadmaps", "--regions", str(regions), "--sources", str(sources),
                                       "--out", str(work / "roadmaps1000")))
        results["roadmaps_1000_pool_s"] = round(seconds, 2)
        results["roadmaps_1000_pool_docs_per_s"] = round(1000 / seconds, 1)
        results["roadmaps_1000_built"] = built_count(stdout)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    results.update(_in_process_figures(runs))
    results["peak_memory_mb"] = children_peak_mb()
    atomic_write_text(out, json.dumps(results, indent=2, sort_keys=True))
    return results


def _in_process_figures(runs: int) -> dict:
    """Figures measured by the builders' own bench functions (each in a fresh child process)."""
    figures: dict = {}
    probes = {
        "check_synthetic_10k_examples_50k_links": "pipeline.checks.bench:bench_check",  # rules only, in memory
        "check_command_10k_examples_50k_citations": "pipeline.checks.bench:bench_check_command",  # invoke check
        "weasyprint_floor_s": "pipeline.bench:bench_floor",
        "weasyprint_floor_by_kind": "pipeline.bench:bench_floor_kinds",  # {kind: pages, CPU s}, shipped
        "paper_bare_render_s": "pipeline.render.paper:bench_paper",
        "handouts_in_process_s": "pipeline.render.handouts:bench_handouts",
        "roadmaps_1000_in_process_s": "pipeline.render.roadmaps:bench_roadmaps",
        "docxtpl_bare_loop_docs_per_s": "pipeline.render.roadmaps:bench_docxtpl_floor",
        "changes_2500_examples": "pipeline.render.changes:bench_changes",  # invoke changes, 2 editions
    }
    for name, entry in probes.items():
        module, function = entry.split(":")
        code = f"import json; from {module} import {function} as f; print(json.dumps(f()))"
        values = []
        once = ("roadmaps", "docxtpl", "changes", "check_command", "weasyprint_floor_by")
        for _ in range(1 if name.startswith(once) else runs):
            try:
                _, stdout = timed([sys.executable, "-c", code])
                values.append(json.loads(stdout.strip().splitlines()[-1]))
            except Exception as exc:  # a builder without a bench function is reported, not fatal
                figures[name] = f"unavailable: {exc}"
                break
        else:
            figures[name] = values[0] if len(values) == 1 else _median_of(values)
    return figures


def _median_of(values: list):
    first = values[0]
    if isinstance(first, (int, float)):
        return median(values)
    if isinstance(first, (list, tuple)):
        return [median([v[i] for v in values]) for i in range(len(first))]
    if isinstance(first, dict):
        return {k: _median_of([v[k] for v in values]) for k in first}
    return first


def write_regions(path: Path, count: int) -> None:
    """A regions CSV of `count` made-up territories, each a priority x challenge of the toolkit."""
    import csv

    priorities, challenges = ("green", "digital", "resilience"), ("innovation", "skills", "internationalisation",
                                                                  "value-chains")
    countries = ("FR", "DE", "PL", "SE", "IT", "ES", "AT", "EE")
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["region", "country", "priorities", "challenges", "contact"])
        for i in range(count):
            writer.writerow([f"Region {i}", countries[i % len(countries)], priorities[i % 3],
                             challenges[(i // 3) % 4], f"office{i}@example.eu"])


def bench_floor(sources: str = "sources") -> float:
    """Seconds of the floor (see bench_floor_times)."""
    return bench_floor_times(sources)[0]


def bench_floor_times(sources: str = "sources") -> tuple[float, float]:
    """The floor a full build competes with: WeasyPrint rendering the final paper and handout HTML, one
    after the other in one process (HTML made and handout fonts fitted beforehand, outside the clock)."""
    from .load import load
    from .paths import TEMPLATES
    from .render import handouts, paper
    from .render.common import render_pdf

    from .edition_pair import since_previous

    toolkit = load(sources)
    epoch = toolkit.document.source_date_epoch
    # the same pages as the build: the annex of a later edition included
    paper_html = paper.paper_html(toolkit, pdf=True, annex=since_previous(toolkit), scale=paper.at_scale(toolkit))
    pages = []
    for target in handouts.targets(toolkit, {}):
        if target.after:  # the card parts joined: no page of its own to lay out
            continue
        context = handouts.render_context(toolkit, target.params)
        kind = handouts.KINDS[context["kind"]]
        pages.append(handouts._html(kind, context, *handouts.fit_layout(kind, context, target.name)))
    started, cpu = time.perf_counter(), time.process_time()
    paper.render_paper_pdf(toolkit, paper_html)
    for html in pages:
        render_pdf(html, TEMPLATES / handouts.TEMPLATE_FOLDER, epoch, source="bench")
    # (seconds, CPU seconds): one process, one thread, so its CPU time is what the pages cost whatever
    # else the machine is doing, and the wall time is not
    return time.perf_counter() - started, time.process_time() - cpu


def bench_floor_kinds(sources: str = "sources") -> dict:
    """The floor by page kind: {kind: {"pages", "cpu_s"}} of WeasyPrint rendering each kind's final HTML
    (handouts fitted beforehand, outside the clock; the paper as one bare layout, as in the floor), in
    one process, so CPU seconds say what each kind costs whatever the machine's load. A kind is a handout
    name without its paper size, priority and card part (all card parts: "example-cards")."""
    import io
    import re as re_

    import weasyprint  # noqa: F401 (imported before the clock: its import is no page's cost)
    from pypdf import PdfReader

    from .edition_pair import since_previous
    from .load import load
    from .paths import TEMPLATES
    from .render import handouts, paper
    from .render.common import render_pdf

    toolkit = load(sources)
    epoch = toolkit.document.source_date_epoch
    kinds: dict = {}

    def timed(kind: str, render) -> None:
        cpu = time.process_time()
        pdf = render()
        row = kinds.setdefault(kind, {"pages": 0, "cpu_s": 0.0})
        row["cpu_s"] = round(row["cpu_s"] + time.process_time() - cpu, 2)
        row["pages"] += len(PdfReader(io.BytesIO(pdf)).pages)

    html = paper.paper_html(toolkit, pdf=True, annex=since_previous(toolkit), scale=paper.at_scale(toolkit))
    timed("paper", lambda: paper.render_paper_pdf(toolkit, html))
    for target in handouts.targets(toolkit, {}):
        if target.after:  # the card parts joined: no page of its own to lay out
            continue
        context = handouts.render_context(toolkit, target.params)
        kind = handouts.KINDS[context["kind"]]
        alts: list[str] = []
        page = handouts._html(kind, context, *handouts.fit_layout(kind, context, target.name), alts=alts)
        name = re_.sub(r"^priority-.*", "priority", re_.sub(r"-(a4|letter).*", "", target.name))
        timed(name, lambda: render_pdf(page, TEMPLATES / handouts.TEMPLATE_FOLDER, epoch, source=target.name,
                                       forms=context["kind"] == "feedback-form", figure_alts=tuple(alts)))
    return kinds
