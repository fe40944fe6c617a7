"""How fast the checker is on a toolkit far bigger than the paper (ECCP's web tool grows to thousands).

`bench_check()` builds synthetic toolkits in memory (the shipped taxonomy, prose and metadata; N made-up
examples spread over the 36 cells and Table 5, with realistic names, countries and links, a few
deliberate slips) and times `run_rules` on each. `invoke bench` runs it in a child process.
"""
from __future__ import annotations

import random
import time
from dataclasses import replace
from pathlib import Path

from ..errors import Origin
from ..model import Action, CellExample, Example, Table5Action, Table5Example, Toolkit

WORDS = ("Cluster", "Green", "Digital", "Hub", "Alliance", "Network", "Valley", "Platform", "Circular",
         "Energy", "Smart", "Industry", "Innovation", "Agri", "Health", "Mobility", "Maritime", "Textile",
         "Future", "Transition", "Skills", "Academy", "Forum", "Bio", "Data", "Robotics", "Wood", "Food")
COUNTRIES = ("Germany", "France", "Italy", "Spain", "Poland", "Sweden", "Finland", "Denmark", "Austria",
             "Belgium", "Netherlands", "Portugal", "Czechia", "Estonia", "Lithuania", "SI", "IE", "GR", "NO")


def synthetic_toolkit(base: Toolkit, n_examples: int, n_links: int | None = None, seed: int = 2021) -> Toolkit:
    """`base` with `n_examples` made-up examples cited `n_links` times in the 36 cells (default 5 each),
    30 actions per cell, and Table 5 citing every tenth example."""
    rng = random.Random(seed)
    tx = base.taxonomy
    cells = [(p.id, c.id, f.id) for p in tx.priorities for c in tx.challenges for f in tx.functions]
    recs = [r.id for r in base.recommendations]
    n_links = 5 * n_examples if n_links is None else n_links
    examples, cell_examples, actions, t5_actions, t5_examples = [], [], [], [], []
    for i in range(n_examples):
        name = " ".join(rng.sample(WORDS, 3)) + f" {i}"
        examples.append(Example(f"ex-{i}", name, rng.choice(COUNTRIES), f"https://example-{i}.eu/",
                                Origin("synthetic/examples.csv", row=i + 2)))
    for j in range(n_links):  # example j % n cited in a different cell each time
        cell = cells[(j // n_examples * 7 + j) % len(cells)]
        cell_examples.append(CellExample(f"ex-{j % n_examples}", Origin("synthetic/cell_examples.csv", row=j + 2),
                                         priority=cell[0], challenge=cell[1], function=cell[2]))
    for k in range(30 * len(cells)):
        cell = cells[k % len(cells)]
        text = f"Support clusters to {' '.join(rng.sample(WORDS, 5)).lower()} action {k}"
        actions.append(Action(f"act-{k}", *cell, text, Origin("synthetic/actions.csv", row=k + 2)))
    recs_of = {p.id: [r.id for r in base.recommendations if r.area == p.id] or recs for p in tx.priorities}
    for i in range(0, n_examples, 10):
        a = actions[(i // 10) % len(actions)]
        in_area = recs_of[a.priority]  # Table 5 maps an action to a recommendation of its own area
        rec, row = in_area[(i // 10) % len(in_area)], i // 10 + 2
        t5_actions.append(Table5Action(rec, a.function, a.id, "", Origin("synthetic/table5_actions.csv", row=row)))
        t5_examples.append(Table5Example(f"ex-{i}", Origin("synthetic/table5_examples.csv", row=row),
                                         recommendation=rec, function=a.function))
    # the slips the checker exists for: a renamed citation, a near-duplicate, a bad link and country
    cell_examples[1] = replace(cell_examples[1], name=examples[1].name.upper())
    twin = examples[2].name
    initials = "".join(w[0] for w in twin.split() if w.isalpha()).upper()
    examples[3] = replace(examples[3], name=f"{twin} ({initials})", link="https://exa mple.eu")
    examples[4] = replace(examples[4], country="Atlantis")
    return Toolkit(tx, actions, examples, cell_examples, list(base.recommendations), t5_actions, t5_examples,
                   base.sections, base.figures, base.references, base.document, base.event,
                   ["synthetic/examples.csv"])


def time_check(toolkit: Toolkit) -> tuple[float, int]:
    from . import run_rules

    started = time.perf_counter()
    findings = run_rules(toolkit)
    return time.perf_counter() - started, len(findings)


def bench_check(sources: Path | str = "sources", sizes: tuple[int, ...] = (10_000,)) -> dict:
    """Seconds to check synthetic toolkits of each size, 5 cell citations per example (50,000 links
    for 10,000 examples), and how many findings each gave."""
    from ..load import load

    base = load(sources)
    out = {}
    for n in sizes:
        seconds, findings = time_check(synthetic_toolkit(base, n))
        out[f"examples_{n}_s"] = round(seconds, 3)
        out[f"examples_{n}_findings"] = findings
    return out


def bench_check_command(examples: int = 10_000, citations: int = 50_000, runs: int = 5) -> dict:
    """`invoke check` as a user runs it (a fresh process: start-up, reading, rules, report) on a synth
    source folder of `examples` made-up examples cited `citations` times: the median and lowest wall and
    CPU seconds of `runs` runs (CPU is what the work costs; wall says how busy the shared machine was, as
    does the load average beside it, taken before the first and after the last run), and the in-process
    shares of reading and of the rules in CPU seconds.

    One run before the timed ones is not counted: it writes Python's bytecode cache, as a user's first
    run does (the child runs with the cache on even where PYTHONDONTWRITEBYTECODE is set), and warms the
    file cache."""
    import os
    import resource
    import shutil
    import subprocess
    import sys
    import tempfile
    from statistics import median

    from ..load import load, paused_gc
    from ..paths import PROJECT
    from ..synth import synthesise
    from . import run_rules

    work = Path(tempfile.mkdtemp(prefix="bench-check-"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    try:
        sources = work / "sources"
        synthesise(examples, sources, citations=citations)
        command = [sys.executable, "-m", "invoke", "check", "--sources", str(sources), "--out", str(work / "out")]
        subprocess.run(command, capture_output=True, cwd=PROJECT, env=env)  # the warm-up run
        load_before = os.getloadavg()[0]
        walls, cpus, codes = [], [], set()
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            run = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT, env=env)
            walls.append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
            codes.add(run.returncode)
        load_after = os.getloadavg()[0]
        with paused_gc():  # as check_command runs them
            t = time.process_time()
            toolkit = load(sources)
            read = time.process_time() - t
            t = time.process_time()
            findings = len(run_rules(toolkit))
            rules = time.process_time() - t
        return {"seconds": round(median(walls), 2), "seconds_min": round(min(walls), 2),
                "cpu_s": round(median(cpus), 2), "cpu_s_min": round(min(cpus), 2), "runs": runs,
                "load_1min": round(load_before, 1), "load_1min_after": round(load_after, 1),
                "exit_code": max(codes), "read_cpu_s": round(read, 2),
                "rules_cpu_s": round(rules, 2), "findings": findings, "examples": examples,
                "citations": citations}
    finally:
        shutil.rmtree(work, ignore_errors=True)
