"""What changed, shown: output/changes/changes.html and changes.pdf, and the paper's annex.

Both views come from the same data (pipeline/changes.py) and the same Jinja macros
(templates/changes/redline.html.j2): a summary table, then each change with its word-level redline,
its place and its source file:row.
"""
from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from ..changes import Changes, redline
from ..paths import TEMPLATES
from .common import font_face_css, jinja_env

OUT_DIR = Path("changes")


def _groups(changes: Changes, limit: int | None = None) -> list[tuple[str, list[dict], int]]:
    """(category, its first `limit` changes with their redlines, how many more) in the summary's order."""
    grouped: dict[str, list] = {}
    for c in changes.items:
        grouped.setdefault(c.category, []).append(c)
    order = [label for label, _ in changes.summary()]
    out = []
    for category, items in sorted(grouped.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99):
        shown = items if limit is None else items[:limit]
        out.append((category, [{**c.__dict__, "segments": redline(c.before, c.after)} for c in shown],
                    len(items) - len(shown)))
    return out


def changes_html(changes: Changes, *, title: str, pdf: bool = False) -> str:
    """The report as one HTML page: for a browser, or (`pdf`) for WeasyPrint, with the bundled fonts."""
    return _changes_pages(changes, title=title, pdf=pdf)[-1]


def _changes_pages(changes: Changes, *, title: str, pdf: bool = True) -> list[str]:
    """The report as HTML for browsers, then (with `pdf`) for WeasyPrint: the same page, plus the bundled
    fonts (file URLs that only make sense on this machine, hence not in the HTML file)."""
    template = jinja_env("changes").get_template("changes.html.j2")
    context = dict(changes=changes, summary=changes.summary(), groups=_groups(changes), total=len(changes.items),
                   title=title, css=Markup((TEMPLATES / "changes" / "changes.css").read_text(encoding="utf-8")))
    return [template.render(**context, fonts=Markup(font_face_css() if with_fonts else ""))
            for with_fonts in ((False, True) if pdf else (False,))]


# The paper's annex lists at most this many changes of one kind. A toolkit grown by 2,500 examples would
# otherwise print ~5,600 added examples and citations (200 pages, 1.4 GB and minutes of WeasyPrint) that
# the tables of the same edition already show, marked; the changes report (`invoke changes`) lists all.
ANNEX_GROUP_LIMIT = 40


def annex_html(changes: Changes) -> Markup:
    """The paper's annex "Changes since the previous edition" (an HTML fragment)."""
    env = jinja_env("changes")
    return Markup(env.get_template("annex.html.j2").render(changes=changes, summary=changes.summary(),
                                                           groups=_groups(changes, ANNEX_GROUP_LIMIT)))


def write_changes(changes: Changes, out: Path, *, title: str, epoch: int, pdf_process=None) -> tuple[Path, Path]:
    """output/changes/changes.html and changes.pdf, each written atomically. `pdf_process`: a PdfProcess
    already importing WeasyPrint (changes_command starts it before loading the editions)."""
    from ..outputs import atomic_write_bytes, atomic_write_text
    from .common import render_pdf

    folder = Path(out) / OUT_DIR
    html_path, pdf_path = folder / "changes.html", folder / "changes.pdf"
    html, pdf_html = _changes_pages(changes, title=title)
    render = pdf_process.render if pdf_process else render_pdf
    pdf = render(pdf_html, TEMPLATES / "changes", epoch, source="the changes report")
    atomic_write_text(html_path, html)
    atomic_write_bytes(pdf_path, pdf)
    return html_path, pdf_path


def changes_command(sources: Path, *, from_edition: str | None = None, to_edition: str | None = None,
                    from_git: str | None = None, out: Path = Path("output")) -> int:
    """`invoke changes`: compare two editions (or a git revision with the working tree), write the report."""
    from ..changes import compare
    from ..edition_pair import load_pair
    from .pdf_process import PdfProcess

    with PdfProcess() as pdf_process:  # WeasyPrint's import, on the other core, while the editions load
        a, b, from_label, to_label = load_pair(Path(sources), from_edition, to_edition, from_git)
        changes = compare(a, b, from_label, to_label)
        html_path, pdf_path = write_changes(changes, out, title=b.document.title,
                                            epoch=b.document.source_date_epoch, pdf_process=pdf_process)
    for label, count in changes.summary():
        print(f"  {label}: {count}")
    print(f"{len(changes.items)} changes from {from_label} to {to_label}; wrote {html_path} and {pdf_path}")
    return 0


def bench_changes(examples: int = 2500) -> dict:
    """Seconds of `invoke changes` between two editions of a made-up toolkit of `examples` examples.

    Both editions hold the made-up examples (synth's `since` cleared); the second withdraws one in 25,
    renames one in 40 (a new id and a longer name, so it is matched by similarity) and adds 100; the
    accepted errata of the shipped sources come along. `seconds` and `cpu_s` are the whole command as a
    user runs it (`invoke changes` in a new process: start-up, both editions loaded, compared, HTML and PDF
    written; CPU time is user + system of that process and its PDF process, which on 2 cores overlap);
    `load` is the 1-minute load average before the run (other work sharing the cores inflates the wall
    figure first). The phases are timed apart, in this process, because the PDF of hundreds of changes is
    WeasyPrint's work, not ours.
    """
    import os
    import resource
    import shutil
    import subprocess
    import sys
    import tempfile
    import time

    from ..changes import compare
    from ..edition_pair import load_pair
    from ..paths import PROJECT
    from ..synth import synthesise

    work, cwd = Path(tempfile.mkdtemp(prefix="bench-changes-")), os.getcwd()
    try:
        sources = work / "sources"
        synthesise(examples, sources)
        _second_edition(sources)
        load, before = os.getloadavg()[0], resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        # run where the sources are, as an editor does: the report names files as "sources/examples.csv"
        subprocess.run([sys.executable, "-m", "invoke", "--search-root", str(PROJECT), "changes", "--sources",
                        "sources", "--from", "2021", "--to", "2021-corrected", "--out", "out"], cwd=work,
                       check=True, capture_output=True)
        seconds, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        figures = {"seconds": round(seconds, 2), "cpu_s": round(cpu, 2), "load": round(load, 2),
                   "examples": examples}
        os.chdir(work)
        phases, t = {}, time.process_time()
        a, b, from_label, to_label = load_pair(Path("sources"), "2021", "2021-corrected", None)
        phases["load_both_cpu_s"], t = time.process_time() - t, time.process_time()
        changes = compare(a, b, from_label, to_label)
        phases["compare_cpu_s"], t = time.process_time() - t, time.process_time()
        html, pdf_html = _changes_pages(changes, title=b.document.title)
        phases["html_cpu_s"], t = time.process_time() - t, time.process_time()
        import weasyprint  # noqa: F401 -- timed apart: the command imports it in its PDF process

        phases["import_weasyprint_cpu_s"], t = time.process_time() - t, time.process_time()
        from .common import render_pdf

        pdf = render_pdf(pdf_html, TEMPLATES / "changes", b.document.source_date_epoch, source="bench")
        phases["pdf_cpu_s"] = time.process_time() - t
        import io

        import pikepdf

        with pikepdf.open(io.BytesIO(pdf)) as document:
            pages = len(document.pages)
        figures.update({k: round(v, 2) for k, v in phases.items()}, changes=len(changes.items), pdf_pages=pages)
        return figures
    finally:
        os.chdir(cwd)
        shutil.rmtree(work, ignore_errors=True)


def _second_edition(sources: Path) -> None:
    """Make the synth folder's made-up rows part of both editions, then edit the second (see above)."""
    import csv

    from ..synth import NOTE

    def rewrite(name: str, edit) -> None:
        path = sources / f"{name}.csv"
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        header = list(rows[0]) + [c for c in ("since", "withdrawn") if c not in rows[0]]
        out = edit([{**row, "since": "" if row.get("note") == NOTE else row.get("since", ""),
                     "withdrawn": row.get("withdrawn", "")} for row in rows])
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, header)
            writer.writeheader()
            writer.writerows(out)

    def examples(rows: list[dict]) -> list[dict]:
        out, made_up = [], 0
        for row in rows:
            if row.get("note") == NOTE:
                made_up += 1
                if made_up % 25 == 0:
                    row["withdrawn"] = "2021-corrected"
                elif made_up % 40 == 0:
                    out.append({**row, "withdrawn": "2021-corrected"})
                    row = {**row, "id": row["id"] + "-network", "name": row["name"] + " Network",
                           "since": "2021-corrected"}
            out.append(row)
        return out + [{**rows[-1], "id": f"added-example-{i}", "name": f"Added example number {i}",
                       "since": "2021-corrected", "withdrawn": ""} for i in range(100)]

    rewrite("examples", examples)
    for table in ("cell_examples", "table5_examples"):
        rewrite(table, lambda rows: rows)
