"""invoke tasks: parse options, call pipeline code, map results to exit codes. No logic lives here.

Exit codes: 0 done; 1 the check found unwaived errors (or warnings with --strict); 2 bad input or usage.
Heavy libraries (WeasyPrint, pandas, docxtpl) are imported inside the tasks that need them, so
`invoke --list` and `invoke check` start fast.
"""
from pathlib import Path

from invoke import Exit, task

from pipeline.cli import user_errors

SOURCES = "sources"


@task(help={"sources": "folder with the source files (default: sources)",
            "workbook": "read the tables from this .xlsx/.ods workbook instead of CSV files",
            "no_waivers": "report every finding as if there were no waivers file",
            "strict": "also fail (exit 1) on warnings"})
def check(c, sources=SOURCES, workbook=None, no_waivers=False, strict=False):
    """Check the sources for consistency; write output/check/report.{json,html}. Exit 1 on errors."""
    from pipeline.checks.run import check_command

    with user_errors():
        code = check_command(Path(sources), workbook=workbook, use_waivers=not no_waivers, strict=strict)
    if code:
        raise Exit(code=code)


@task(help={"sources": "folder with the source files (default: sources)",
            "out": "where to write the workbook (default: output/workbook/toolkit.xlsx)"})
def workbook(c, sources=SOURCES, out="output/workbook/toolkit.xlsx"):
    """Write every tabular source into one .xlsx for editors (drop-downs on id columns, frozen headers)."""
    from pipeline.workbook import write_workbook

    with user_errors():
        path = write_workbook(Path(sources), Path(out))
    print(f"wrote {path}")


@task
def clean(c):
    """Remove output/ (everything generated)."""
    import shutil

    shutil.rmtree("output", ignore_errors=True)
    print("removed output/")


@task(help={"fast": "skip the slow tests (real PDFs, LibreOffice, Chromium)"})
def test(c, fast=False):
    """Run the test suite (the README's test command runs this)."""
    marker = ' -m "not slow"' if fast else ""
    c.run(f"python -m pytest -n auto -q{marker}", pty=False)


# -- the whole build (issue 8) -------------------------------------------------------------------

@task(help={"sources": "folder with the source files (default: sources)",
            "force": "rebuild everything, and render even if the check finds errors",
            "jobs": "worker processes (default: one per core; 1 = no pool)",
            "only": "comma-separated builders to run (paper,handouts,roadmaps,site)",
            "out": "output folder (default: output)"})
def build(c, sources=SOURCES, force=False, jobs=None, only=None, out="output"):
    """The main job: check, then the paper, the handouts, the default roadmaps and the web tool."""
    from pipeline.build import available_builders, build_command

    builders = [b.strip() for b in only.split(",")] if only else available_builders()
    with user_errors():
        code = build_command(Path(sources), builders, {}, force=force, jobs=int(jobs) if jobs else None,
                             out=Path(out))
    if code:
        raise Exit(code=code)


@task(help={"sources": "folder with the source files (default: sources)"})
def watch(c, sources=SOURCES):
    """Rebuild what changed whenever a source or template is saved (Ctrl-C to stop)."""
    from pipeline.build import available_builders, build_command
    from pipeline.watch import watch as watch_loop

    with user_errors():
        watch_loop(Path(sources), lambda: build_command(Path(sources), available_builders(), {}))


@task(help={"runs": "runs per figure; medians are reported (default 3)"})
def bench(c, runs=3):
    """Measure full/no-op/one-edit builds, check (shipped and 10,000 examples), 1,000 roadmaps, memory."""
    import json

    from pipeline.bench import run_bench

    with user_errors():
        results = run_bench(int(runs))
    print(json.dumps(results, indent=2, sort_keys=True))
    print("wrote output/bench.json")
