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

    The second edition withdraws one made-up example in 25, renames one in 40 (a new id and a longer
    name, so it is matched by similarity) and adds 100; the accepted errata of the shipped sources come
    along. Load of both editions, comparison, HTML and PDF are all inside the figure.
    """
    import csv
    import shutil
    import tempfile
    import time

    from ..synth import NOTE, synthesise

    work = Path(tempfile.mkdtemp(prefix="bench-changes-"))
    try:
        sources = work / "sources"
        synthesise(examples, sources)
        path = sources / "examples.csv"
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        header = list(rows[0]) + ["since", "withdrawn"]
        out, made_up = [], 0
        for row in rows:
            row = {**row, "since": "", "withdrawn": ""}
            if row.get("note") == NOTE:
                made_up += 1
                if made_up % 25 == 0:
                    row["withdrawn"] = "2021-corrected"
                elif made_up % 40 == 0:
                    out.append({**row, "withdrawn": "2021-corrected"})
                    row = {**row, "id": row["id"] + "-network", "name": row["name"] + " Network",
                           "since": "2021-corrected"}
            out.append(row)
        for i in range(100):
            out.append({**rows[-1], "id": f"added-example-{i}", "name": f"Added example number {i}",
                        "since": "2021-corrected", "withdrawn": ""})
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, header)
            writer.writeheader()
            writer.writerows(out)
        import contextlib
        import io

        started, cpu = time.perf_counter(), time.process_time()
        with contextlib.redirect_stdout(io.StringIO()):
            changes_command(sources, from_edition="2021", to_edition="2021-corrected", out=work / "out")
        # wall time, and this process's CPU time (the same on an idle machine; the wall figure grows
        # when other work shares the cores)
        return {"seconds": round(time.perf_counter() - started, 2), "cpu_s": round(time.process_time() - cpu, 2),
                "examples": examples}
    finally:
        shutil.rmtree(work, ignore_errors=True)
