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
    env = jinja_env("changes")
    css = (TEMPLATES / "changes" / "changes.css").read_text(encoding="utf-8")
    return env.get_template("changes.html.j2").render(
        changes=changes, summary=changes.summary(), groups=_groups(changes), total=len(changes.items),
        title=title, css=Markup(css), fonts=Markup(font_face_css() if pdf else ""))


# The paper's annex lists at most this many changes of one kind. A toolkit grown by 2,500 examples would
# otherwise print ~5,600 added examples and citations (200 pages, 1.4 GB and minutes of WeasyPrint) that
# the tables of the same edition already show, marked; the changes report (`invoke changes`) lists all.
ANNEX_GROUP_LIMIT = 40


def annex_html(changes: Changes) -> Markup:
    """The paper's annex "Changes since the previous edition" (an HTML fragment)."""
    env = jinja_env("changes")
    return Markup(env.get_template("annex.html.j2").render(changes=changes, summary=changes.summary(),
                                                           groups=_groups(changes, ANNEX_GROUP_LIMIT)))


def write_changes(changes: Changes, out: Path, *, title: str, epoch: int) -> tuple[Path, Path]:
    """output/changes/changes.html and changes.pdf, each written atomically."""
    from ..outputs import atomic_write_bytes, atomic_write_text
    from .common import render_pdf

    folder = Path(out) / OUT_DIR
    html_path, pdf_path = folder / "changes.html", folder / "changes.pdf"
    pdf = render_pdf(changes_html(changes, title=title, pdf=True), TEMPLATES / "changes", epoch,
                     source="the changes report")
    atomic_write_text(html_path, changes_html(changes, title=title))
    atomic_write_bytes(pdf_path, pdf)
    return html_path, pdf_path


def changes_command(sources: Path, *, from_edition: str | None = None, to_edition: str | None = None,
                    from_git: str | None = None, out: Path = Path("output")) -> int:
    """`invoke changes`: compare two editions (or a git revision with the working tree), write the report."""
    from ..changes import compare, load_pair

    a, b, from_label, to_label = load_pair(Path(sources), from_edition, to_edition, from_git)
    changes = compare(a, b, from_label, to_label)
    html_path, pdf_path = write_changes(changes, out, title=b.document.title,
                                        epoch=b.document.source_date_epoch)
    for label, count in changes.summary():
        print(f"  {label}: {count}")
    print(f"{len(changes.items)} changes from {from_label} to {to_label}; wrote {html_path} and {pdf_path}")
    return 0


def bench_changes(examples: int = 2500) -> dict:
    """Seconds of `invoke changes` between two editions of a made-up toolkit of `examples` examples.

    Both editions hold the made-up examples (synth's `since` cleared); the second withdraws one in 25,
    renames one in 40 (a new id and a longer name, so it is matched by similarity) and adds 100; the
    accepted errata of the shipped sources come along. `seconds` is the whole command (both editions
    loaded, compared, HTML and PDF written); the phases are timed apart as well, because the PDF of
    hundreds of changes is WeasyPrint's work, not ours.
    """
    import contextlib
    import io
    import shutil
    import tempfile
    import time

    from ..changes import compare, load_pair
    from ..synth import synthesise

    work = Path(tempfile.mkdtemp(prefix="bench-changes-"))
    try:
        sources = work / "sources"
        synthesise(examples, sources)
        _second_edition(sources)
        started, cpu = time.perf_counter(), time.process_time()
        with contextlib.redirect_stdout(io.StringIO()):
            changes_command(sources, from_edition="2021", to_edition="2021-corrected", out=work / "out")
        # wall time, and this process's CPU time (the same on an idle machine; the wall figure grows
        # when other work shares the cores)
        figures = {"seconds": round(time.perf_counter() - started, 2),
                   "cpu_s": round(time.process_time() - cpu, 2), "examples": examples}
        phases, t = {}, time.process_time()
        a, b, from_label, to_label = load_pair(sources, "2021", "2021-corrected", None)
        phases["load_both_cpu_s"], t = time.process_time() - t, time.process_time()
        changes = compare(a, b, from_label, to_label)
        phases["compare_cpu_s"], t = time.process_time() - t, time.process_time()
        changes_html(changes, title=b.document.title)
        phases["html_cpu_s"], t = time.process_time() - t, time.process_time()
        from .common import render_pdf

        render_pdf(changes_html(changes, title=b.document.title, pdf=True), TEMPLATES / "changes",
                   b.document.source_date_epoch, source="bench")
        phases["pdf_cpu_s"] = time.process_time() - t
        figures.update({k: round(v, 2) for k, v in phases.items()}, changes=len(changes.items))
        return figures
    finally:
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
