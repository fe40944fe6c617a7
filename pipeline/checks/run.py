"""The check as a command: load, run the rules, apply the waivers, write the report, pick the exit code.

`invoke check` calls `check_command`; every rendering task calls `refuse_on_errors` first (through
pipeline/gate.py), so no output is built from sources that contradict themselves unless the user
says `--force`.
"""
from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from ..errors import PipelineError
from ..model import Toolkit
from ..outputs import atomic_write_text
from ..report import Report, load_waivers
from . import all_rules, rule_titles, run_rules

WAIVERS_FILE = "waivers.yaml"
REPORT_DIR = Path("check")  # under the output folder


def check_toolkit(toolkit: Toolkit, sources: Path, *, use_waivers: bool = True, final: bool = False,
                  two_processes: bool = False, findings: list | None = None) -> Report:
    """Every finding on `toolkit`, matched against `sources/waivers.yaml` (unless told not to).

    `final`: for a final edition, an unverified item is an error, not a warning.
    `two_processes`: the costliest rules in a forked child (split.py), for the `invoke check` command.
    `findings`: run_rules(toolkit) already made (by the build's child, aside.py).
    """
    from .provenance import RULE as UNVERIFIED

    waivers = load_waivers(Path(sources) / WAIVERS_FILE, set(all_rules())) if use_waivers else None
    if waivers:
        from ..editions import waivers_of_edition

        waivers = waivers_of_edition(waivers, Path(sources), toolkit.edition)
    if findings is not None:
        pass
    elif two_processes:
        from .split import run_rules_split

        findings = run_rules_split(toolkit)
    else:
        findings = run_rules(toolkit)
    if final or toolkit.final:
        findings = [replace(f, severity="error") if f.rule == UNVERIFIED else f for f in findings]
    return Report.build(findings, waivers, rule_titles())


def write_report(report: Report, out: Path, strict: bool = False) -> tuple[Path, Path]:
    """output/check/report.json and report.html, each written atomically."""
    folder = Path(out) / REPORT_DIR
    json_path, html_path = folder / "report.json", folder / "report.html"
    atomic_write_text(json_path, report.to_json(strict))
    atomic_write_text(html_path, report.html(folder, strict))
    return json_path, html_path


def check_command(sources: Path, *, workbook=None, use_waivers: bool = True, strict: bool = False,
                  out: Path = Path("output"), edition: str | None = None, final: bool = False) -> int:
    """`invoke check`: print the findings grouped by rule, write the report files, return the exit code."""
    import gc

    from ..load import paused_gc

    with paused_gc():  # one short process: each cyclic collection would walk all 65,000 records again
        try:
            return _check_command(sources, workbook, use_waivers, strict, out, edition, final)
        finally:
            # What is left (the tables read, kept for a second edition's load; garbage the paused collector
            # did not free) is never collected again: the one collection at the process's exit walked every
            # row of it, a sixth of the command's CPU at 10,000 examples.
            gc.freeze()


def _check_command(sources: Path, workbook, use_waivers: bool, strict: bool, out: Path, edition: str | None,
                   final: bool) -> int:
    from ..load import load
    from ..stages import stage
    from .provenance import summary

    with stage(f"reading {sources}"):
        toolkit = load(sources, workbook, edition)
    if toolkit.edition:
        print(f"edition {toolkit.edition}")
    with stage(f"checking {len(toolkit.examples):,} examples"):
        report = check_toolkit(toolkit, sources, use_waivers=use_waivers, final=final, two_processes=True)
    with stage("writing the report"):
        json_path, html_path = write_report(report, out, strict)
    sys.stdout.write(report.text())
    unverified = summary(toolkit)
    if unverified:
        print(unverified)
    print(f"report: {json_path} and {html_path}")
    return report.exit_code(strict)


def refuse_on_errors(toolkit: Toolkit, sources: Path, *, force: bool = False, out: Path = Path("output"),
                     findings: list | None = None) -> Report:
    """Before rendering: stop (PipelineError, exit 2) if the check finds unwaived errors, unless `force`.
    `findings`: the rules' findings if already made (the build's check beside its planning, aside.py)."""
    from ..stages import stage

    with stage(f"checking {len(toolkit.examples):,} examples"):
        report = check_toolkit(toolkit, sources, findings=findings)
        _, html_path = write_report(report, out)
    print(f"check: {report.summary_line()}")
    errors = report.counts["errors"]
    if not errors:
        return report
    first = next(f for f in report.open if f.severity == "error")
    where = f" at {first.locations[0]}" if first.locations else ""
    if force:
        print(f"warning: rendering despite {errors} check error{'s' * (errors != 1)} (--force); "
              f"see {html_path}", file=sys.stderr)
        return report
    raise PipelineError(f"the check found {errors} error{'s' * (errors != 1)} (first: {first.rule}{where}: "
                        f"{first.message}); run `invoke check` or open {html_path}; "
                        "`--force` renders anyway")
