"""What changed between editions: typed changes as data, the HTML/PDF report, the paper's annex."""
from __future__ import annotations

import csv
import os
import re
import subprocess
import sys

import pytest

from pipeline.changes import compare
from pipeline.edition_pair import load_pair
from pipeline.errata import read_errata
from pipeline.editions import read_editions
from pipeline.load import load
from tests.conftest import PROJECT, SHIPPED


def invoke(*args):
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=PROJECT, capture_output=True, text=True)


def set_editions(path, marks: dict[str, tuple[str, str]], new_rows: list[dict] = ()) -> None:
    """Give a table `since`/`withdrawn` columns: marks maps a row's first value to (since, withdrawn)."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    columns = list(rows[0]) + ["since", "withdrawn"]
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, columns)
        writer.writeheader()
        for row in rows:
            key = next(iter(row.values()))
            since, withdrawn = marks.get(key, ("", ""))
            writer.writerow({**row, "since": since, "withdrawn": withdrawn})
        for row in new_rows:
            writer.writerow({c: row.get(c, "") for c in columns})


def mark_citations(path, example: str, replacement: str) -> None:
    """Withdraw the citations of `example` in the second edition and cite `replacement` there instead."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    columns = list(rows[0]) + ["since", "withdrawn"]
    out = []
    for row in rows:
        if row["example"] == example:
            out.append({**row, "since": "", "withdrawn": "2021-corrected"})
            out.append({**row, "example": replacement, "since": "2021-corrected", "withdrawn": ""})
        else:
            out.append({**row, "since": "", "withdrawn": ""})
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, columns)
        writer.writeheader()
        writer.writerows(out)


def test_the_shipped_editions_differ_by_exactly_the_accepted_errata():
    a, b, _, _ = load_pair(SHIPPED, "2021", "2021-corrected")
    changes = compare(a, b)
    accepted = [e for e in read_errata(SHIPPED, read_editions(SHIPPED)) if e.status == "accepted"]
    assert len(changes.items) == len(accepted) == 10
    named = [c.erratum.split(" ", 1)[0] for c in changes.items]
    assert sorted(named) == sorted(str(e.origin.at(key=None)) for e in accepted)  # each erratum once
    assert dict(changes.summary())["Errata applied"] == 10
    (r8,) = [c for c in changes.items if c.where.endswith("table5_actions.csv:17")]
    assert ("del", "reenforce") in _ops(r8) and ("ins", "reinforce") in _ops(r8)
    assert r8.place == "Table 5 · R8 · Networking"


def _ops(change):
    from pipeline.changes import redline

    return redline(change.before, change.after)


def test_a_renamed_example_is_matched_by_name_not_withdrawn_and_added(sources):
    set_editions(sources / "examples.csv", {"flanders-industry-innovation-moonshot": ("", "2021-corrected")},
                 [{"id": "flanders-innovation-moonshot", "name": "Flanders Innovation Moonshot",
                   "country": "Belgium", "link": "https://moonshotflanders.be/", "since": "2021-corrected"}])
    for table in ("cell_examples.csv", "table5_examples.csv"):
        mark_citations(sources / table, "flanders-industry-innovation-moonshot", "flanders-innovation-moonshot")
    changes = compare(load(sources, edition="2021"), load(sources))
    examples = [c for c in changes.items if c.what in ("example", "citation") and "Moonshot" in c.subject]
    assert [(c.what, c.kind) for c in examples] == [("example", "renamed")]
    (renamed,) = examples
    assert "Flanders Industry Innovation Moonshot" in renamed.subject and "Flanders Innovation Moonshot" in renamed.subject
    assert "flanders-industry-innovation-moonshot → flanders-innovation-moonshot" in renamed.subject
    assert renamed.where.endswith("examples.csv:58")


def test_an_added_a_withdrawn_and_a_reworded_action_each_show_once(sources):
    set_editions(sources / "actions.csv", {"green-skills-networking-1": ("", "2021-corrected")},
                 [{"id": "green-skills-networking-2", "priority": "green", "challenge": "skills",
                   "function": "networking", "text": "Pair every cluster with a vocational school for "
                   "apprenticeships in heat-pump installation", "since": "2021-corrected"}])
    with open(sources / "errata.yaml", "a", encoding="utf-8") as f:
        f.write("- target: action:green-skills-intelligence-1\n  field: text\n  printed: collect training needs\n"
                "  corrected: gather training needs\n  kind: wording\n  reason: plainer\n"
                "  edition: 2021-corrected\n  status: accepted\n")
    changes = compare(load(sources, edition="2021"), load(sources))
    actions = sorted((c.kind, c.subject) for c in changes.items if c.what == "action")
    assert actions == [("added", "green-skills-networking-2"), ("reworded", "green-skills-intelligence-1"),
                       ("withdrawn", "green-skills-networking-1")]
    (reworded,) = [c for c in changes.items if c.kind == "reworded" and c.what == "action"]
    assert ("del", "collect") in _ops(reworded) and ("ins", "gather") in _ops(reworded)
    assert reworded.erratum.startswith(str(sources / "errata.yaml").replace(str(PROJECT) + "/", "")) or \
        "errata.yaml:" in reworded.erratum
    assert reworded.place == "Table 2 · Skills · Intelligence"


def test_from_git_compares_a_revision_with_the_working_tree(sources, tmp_path):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    repo = sources.parent
    for args in (["init", "-q"], ["add", "sources"], ["commit", "-qm", "sources"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, capture_output=True)
    text = (sources / "examples.csv").read_text(encoding="utf-8")
    (sources / "examples.csv").write_text(text.replace("https://moonshotflanders.be/", "https://moonshot.example.org/"),
                                          encoding="utf-8")
    a, b, from_label, _ = load_pair(sources, None, None, from_git="HEAD")
    changes = compare(a, b)
    assert [(c.what, c.kind, c.after) for c in changes.items] == [("example", "relinked", "https://moonshot.example.org/")]
    assert from_label.startswith("HEAD")
    bad = invoke("changes", "--sources", str(sources), "--from-git", "no-such-ref", "--out", str(tmp_path))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "no-such-ref" in bad.stderr


@pytest.mark.slow
def test_the_report_as_html_and_pdf(tmp_path):
    from bs4 import BeautifulSoup

    result = invoke("changes", "--from", "2021", "--to", "2021-corrected", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    soup = BeautifulSoup((tmp_path / "changes" / "changes.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.html["lang"] == "en" and "2021 corrected" in soup.h1.text
    summary = {th.text: int(td.text) for th, td in ((r.th, r.td) for r in soup.select("table.summary tbody tr"))}
    assert summary == {"Citations printed differently (label, name, country, link)": 3,
                       "Table 5 actions reworded": 3, "Prose reworded": 4, "Errata applied": 10}
    assert len(soup.select("li.change")) == 10
    deleted = [d.text for d in soup.select("li.change del")]
    assert any("reenforce" in d for d in deleted) and any("strenghten" in d for d in deleted)
    pdf = subprocess.run(["pdftotext", str(tmp_path / "changes" / "changes.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout
    assert "What changed" in pdf and "reinforce" in pdf and "sources/errata.yaml:" in pdf
    assert re.search(r"Page 1 of \d", pdf)
    from tests.pdfua_check import pdfua_problems

    assert pdfua_problems(tmp_path / "changes" / "changes.pdf") == []  # tagged for screen readers too


@pytest.mark.slow
def test_the_pdf_process_gives_back_the_childs_errors_and_ends_when_its_pdf_is_not_needed(tmp_path):
    """`invoke changes` renders its PDF in a forked process (render/pdf_process.py): an error there is the
    same one-line error as in this process, and a failure here before the PDF ends the child too."""
    from pipeline.errors import SourceError
    from pipeline.render.common import AssetError
    from pipeline.render.pdf_process import PdfProcess

    page = '<html lang="en"><head><title>t</title></head><body><img src="https://example.org/x.png" alt="x"></body></html>'
    with PdfProcess() as pdf:
        with pytest.raises(AssetError, match="a test asks for 'https://example.org/x.png'"):
            pdf.render(page, tmp_path, 0, source="a test")
    process = PdfProcess()
    with pytest.raises(SourceError):
        with process:
            raise SourceError("sources/examples.csv:2", "a bad row")
    assert process._process.exitcode is not None  # stopped, not left behind
    with PdfProcess() as unused:
        pass
    assert unused._process.exitcode == 0  # read end-of-file instead of HTML, and left


@pytest.mark.slow
@pytest.mark.huge
def test_the_report_of_two_2500_example_editions_lists_every_change(tmp_path):
    """The compact report at 2,500 examples (the benchmark's editions) still lists every change with its
    source file:row, in the HTML and in the PDF, and a rename's redline marks the inserted word."""
    from bs4 import BeautifulSoup

    from pipeline.render.changes import _second_edition
    from pipeline.synth import synthesise

    sources = tmp_path / "sources"
    synthesise(2500, sources)
    _second_edition(sources)
    result = subprocess.run([sys.executable, "-m", "invoke", "--search-root", str(PROJECT), "changes", "--sources",
                             "sources", "--from", "2021", "--to", "2021-corrected", "--out", "out"], cwd=tmp_path,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    cwd = os.getcwd()
    os.chdir(tmp_path)  # the report names files relative to where it was run
    try:
        changes = compare(*load_pair(sources.relative_to(tmp_path), "2021", "2021-corrected")[:2])
    finally:
        os.chdir(cwd)
    assert len(changes.items) == 400
    soup = BeautifulSoup((tmp_path / "out" / "changes" / "changes.html").read_text(encoding="utf-8"), "html.parser")
    items = soup.select("li.change")
    assert len(items) == 400
    assert sorted(li.get_text(" ", strip=True).split(" · ")[-1] for li in items if not li.br) \
        == sorted(c.where for c in changes.items if not (c.before and c.after) and (c.after or c.before) == c.subject)
    pdf = subprocess.run(["pdftotext", "-raw", str(tmp_path / "out" / "changes" / "changes.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", pdf)
    assert all(re.sub(r"\s+", "", c.where) in flat for c in changes.items)
    renamed = [li for li in items if "change-renamed" in li["class"]]
    assert len(renamed) == 50 and all(li.ins and "Network" in li.ins.text for li in renamed)
