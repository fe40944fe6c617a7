"""invoke tasks: parse options, call pipeline code, map results to exit codes. No logic lives here.

Exit codes: 0 done; 1 the check found unwaived errors (or warnings with --strict); 2 bad input or usage.
Heavy libraries (WeasyPrint, pandas, docxtpl) are imported inside the tasks that need them, so
`invoke --list` and `invoke check` start fast.
"""
from pathlib import Path

from invoke import task

from pipeline.cli import run_command, user_errors

SOURCES = "sources"


@task(help={"sources": "folder with the source files (default: sources)",
            "workbook": "read the tables from this .xlsx/.ods workbook instead of CSV files",
            "no_waivers": "report every finding as if there were no waivers file",
            "strict": "also fail (exit 1) on warnings",
            "out": "output folder for check/report.json and report.html (default: output)",
            "edition": "the edition to check (an id of sources/editions.yaml; default: the latest)",
            "final": "check for a final edition: unverified items are errors, not warnings"})
def check(c, sources=SOURCES, workbook=None, no_waivers=False, strict=False, out="output", edition=None, final=False):
    """Check the sources for consistency; write output/check/report.{json,html}. Exit 1 on errors."""
    from pipeline.checks.run import check_command

    run_command(check_command, Path(sources), workbook=workbook, use_waivers=not no_waivers, strict=strict,
                out=Path(out), edition=edition, final=final)


@task(help={"sources": "folder with the source files (default: sources)",
            "edition": "the edition the errata apply from (default: the latest, which must be in preparation)",
            "apply": "append the proposed errata to sources/errata.yaml (status: proposed)"})
def fix(c, sources=SOURCES, edition=None, apply=False):
    """Propose errata for the slips the check can correct with certainty, as a diff of sources/errata.yaml."""
    from pipeline.fixes import fix_command

    run_command(fix_command, Path(sources), edition=edition, apply=apply)


@task(name="changes", help={"sources": "folder with the source files (default: sources)",
                             "from": "the earlier edition (default: the one before --to)",
                             "to": "the later edition (default: the latest)",
                             "from_git": "compare the sources at this git revision with the working tree instead",
                             "out": "output folder (default: output)"})
def changes_(c, sources=SOURCES, from_=None, to=None, from_git=None, out="output"):
    """What changed between two editions: output/changes/changes.html and .pdf (summary and word-level redlines)."""
    from pipeline.render.changes import changes_command

    run_command(changes_command, Path(sources), from_edition=from_, to_edition=to, from_git=from_git, out=Path(out))


@task(help={"sources": "folder with the source files (default: sources)",
            "edition": "the published edition to freeze (default: the latest published one)",
            "force": "rewrite an existing lock that differs (the edition changed on purpose)"})
def freeze(c, sources=SOURCES, edition=None, force=False):
    """Lock what a published edition prints (sources/locks/ID.json): any later change to it is a check error."""
    from pipeline.freeze import freeze_command

    run_command(freeze_command, Path(sources), edition, force=force)


@task(help={"sources": "folder with the source files (default: sources)",
            "out": "where to write the workbook (default: output/workbook/toolkit.xlsx)",
            "force": "replace an existing workbook outside output/ (it may hold edits)"})
def workbook(c, sources=SOURCES, out="output/workbook/toolkit.xlsx", force=False):
    """Write every tabular source into one .xlsx for editors (drop-downs on id columns, frozen headers)."""
    from pipeline.workbook import write_workbook

    with user_errors():
        path = write_workbook(Path(sources), Path(out), force=force)
    print(f"wrote {path}")


@task
def clean(c):
    """Remove output/ (everything generated)."""
    import shutil

    shutil.rmtree("output", ignore_errors=True)
    print("removed output/")


@task(help={"fast": "skip the slow tests (real PDFs, LibreOffice, Chromium)",
            "huge": "also run the tests at thousands of examples (minutes each)"})
def test(c, fast=False, huge=False):
    """Run the test suite (the README's test command runs this)."""
    import shlex
    import sys

    skipped = (["slow"] if fast else []) + ([] if huge else ["huge"])
    marker = f' -m "{" and ".join("not " + m for m in skipped)}"' if skipped else ""
    # this interpreter (the venv's), whatever `python` on PATH is
    # the slowest tests listed at the end: CI has a 15-minute budget, and this says where it goes
    c.run(f"{shlex.quote(sys.executable)} -m pytest -n auto -q --durations=25{marker}", pty=False)


# -- one output format at a time ------------------------------------------------------------------

def _render(builders, sources, options=None, force=False, jobs=None, out=None, edition=None, final=False):
    from pipeline.uptodate import build_or_replay

    run_command(build_or_replay, Path(sources), builders, options or {}, force=force,
                jobs=int(jobs) if jobs else None, out=out, edition=edition, final=final)


RENDER_HELP = {"sources": "folder with the source files (default: sources)",
               "force": "rebuild even if up to date, and render even if the check finds errors",
               "out": "output folder (default: output; output/editions/<id> for an earlier edition)",
               "edition": "the edition to build (an id of sources/editions.yaml; default: the latest)",
               "final": "a final edition: refuse (exit 1) while any item is unverified; no marks, no 'Proof'"}


@task(help=RENDER_HELP)
def paper(c, sources=SOURCES, force=False, out=None, edition=None, final=False):
    """The input paper: output/paper/toolkit.pdf (tagged PDF) and output/paper/index.html."""
    _render(["paper"], sources, force=force, out=out, edition=edition, final=final)


@task(help=dict(RENDER_HELP, paper="paper size: a4 (default) or letter"))
def handouts(c, sources=SOURCES, paper="a4", force=False, out=None, edition=None, final=False):
    """Event handouts: output/handouts/*.pdf (priority matrices, recommendations, feedback form, cards, phases)."""
    _render(["handouts"], sources, {"paper": paper}, force=force, out=out, edition=edition, final=final)


@task(help=dict(RENDER_HELP, region="the territory, e.g. 'Île-de-France'", country="its country (name or ISO code)",
                priority="thematic priority id(s), comma-separated (green, digital, resilience)",
                challenge="strategic challenge id(s), comma-separated",
                function="cluster function id(s), comma-separated (default: all three)",
                contact="who to contact about this roadmap (printed on the cover)"))
def roadmap(c, region, country, priority, challenge, function=None, contact="", sources=SOURCES, force=False,
            out="output", edition=None, final=False):
    """One Word roadmap for a territory: output/roadmaps/<slug>.docx, pre-filled with phases 1-3.

    --force also replaces a roadmap of the same name that was filled in since it was made.
    """
    from pipeline.gate import load_checked
    from pipeline.render.roadmaps import roadmap_command

    with user_errors():
        toolkit = load_checked(Path(sources), force=force, out=Path(out), edition=edition, final=final)
        path = roadmap_command(toolkit, region=region, country=country, priorities=priority,
                               challenges=challenge, functions=function, contact=contact, out=Path(out),
                               force=force)
    print(f"wrote {path}")


@task(help=dict(RENDER_HELP, regions="CSV of regions (region, country, priorities, challenges, contact)",
                jobs="worker processes (default: one per core)"))
def roadmaps(c, regions="sources/regions.csv", sources=SOURCES, jobs=None, force=False, out=None, edition=None, final=False):
    """One Word roadmap per row of a regions CSV, in parallel, with progress."""
    _render(["roadmaps"], sources, {"regions": regions}, force=force, jobs=jobs, out=out, edition=edition, final=final)


@task(positional=["paths"], help={
    "paths": "filled roadmaps (.docx), feedback forms (.pdf), proposal files (.json): files, folders or globs, "
             "comma-separated",
    "out": "output folder (default: output)", "sources": "folder with the source files"})
def harvest(c, paths, sources=SOURCES, out="output"):
    """Read contributions back (roadmaps, feedback forms, web proposals) into output/harvest/review.xlsx."""
    from pipeline.contributions.harvest import harvest_command

    run_command(harvest_command, [p.strip() for p in paths.split(",") if p.strip()],
                sources=Path(sources), out=Path(out))


@task(positional=["review"], help={
    "review": "the review sheet with decisions (default: output/harvest/review.xlsx)",
    "edition": "edition id written into `since` (default: the latest in sources/editions.yaml)",
    "dry_run": "print the diff and run the check, write nothing",
    "sources": "folder with the source files"})
def accept(c, review="output/harvest/review.xlsx", edition=None, dry_run=False, sources=SOURCES):
    """Apply the review sheet's decisions to the CSV sources (diff, check; exit 2 on a bad decision row)."""
    from pipeline.contributions.accept import accept_command

    run_command(accept_command, Path(review), sources=Path(sources), edition=edition, dry_run=dry_run)


@task(help=RENDER_HELP)
def site(c, sources=SOURCES, force=False, out=None, edition=None, final=False):
    """The web toolkit: output/site/ (static, searchable, works from file://)."""
    _render(["site"], sources, force=force, out=out, edition=edition, final=final)


# -- the whole build (issue 8) -------------------------------------------------------------------

@task(help={"sources": "folder with the source files (default: sources)",
            "force": "rebuild everything, and render even if the check finds errors",
            "jobs": "worker processes (default: one per core; 1 = no pool)",
            "only": "comma-separated builders to run (paper,handouts,roadmaps,site)",
            "out": "output folder (default: output; output/editions/<id> for an earlier edition)",
            "workbook": "read the tables from this .xlsx/.ods workbook instead of CSV files",
            "edition": "the edition to build (an id of sources/editions.yaml; default: the latest)",
            "final": "a final edition: refuse (exit 1) while any item is unverified; no marks, no 'Proof'"})
def build(c, sources=SOURCES, force=False, jobs=None, only=None, out=None, workbook=None, edition=None, final=False):
    """The main job: check, then the paper, the handouts, the default roadmaps and the web tool."""
    from pipeline.uptodate import available_builders, build_or_replay

    builders = [b.strip() for b in only.split(",")] if only else available_builders()
    run_command(build_or_replay, Path(sources), builders, {}, force=force, jobs=int(jobs) if jobs else None,
                out=out, workbook=workbook, edition=edition, final=final)


@task(help={"sources": "folder with the source files (default: sources)",
            "only": "comma-separated builders to run (default: all)",
            "out": "output folder (default: output)"})
def watch(c, sources=SOURCES, only=None, out="output"):
    """Rebuild what changed whenever a source or template is saved (Ctrl-C to stop)."""
    from pipeline.build import build_command
    from pipeline.uptodate import available_builders
    from pipeline.watch import watch as watch_loop

    builders = [b.strip() for b in only.split(",")] if only else available_builders()
    with user_errors():
        watch_loop(Path(sources), lambda: build_command(Path(sources), builders, {}, out=Path(out)))


@task(help={"examples": "how many made-up examples to add to the shipped ones",
            "out": "the folder to write (refused: sources/ or a folder synth did not write)",
            "seed": "random seed (the same seed gives the same files)",
            "citations": "cell citations of the made-up examples in all (default: about 1.1 per example)"})
def synth(c, examples=250, out="output/synth", seed=2021, citations=None):
    """A source folder for tests and benchmarks: the shipped sources plus N made-up examples."""
    from pipeline.synth import synthesise

    with user_errors():
        made = synthesise(int(examples), Path(out), seed=int(seed),
                          citations=int(citations) if citations is not None else None)
    print(f"wrote {made['out']}: {made['examples']} made-up examples, {made['cell_citations']} cell citations, "
          f"{made['table5_citations']} in Table 5")


@task(help={"runs": "runs per figure; medians are reported (default 3)",
            "sizes": "example counts of the growth table, comma-separated (default 56,250,2500; '' skips it)",
            "growth_only": "only the growth table"})
def bench(c, runs=3, sizes="56,250,2500", growth_only=False):
    """Measure full/no-op/one-edit builds, check (shipped and 10,000 examples), 1,000 roadmaps, memory."""
    import json

    from pipeline.bench import run_bench
    from pipeline.bench_scale import markdown

    with user_errors():
        results = run_bench(int(runs), sizes=tuple(int(s) for s in sizes.split(",") if s.strip()),
                            growth_only=growth_only)
    print(json.dumps(results, indent=2, sort_keys=True))
    if "growth" in results:
        print(markdown(results["growth"]))
    print("wrote output/bench.json")
