"""The consistency checker: every rule fires on a small slip and stays silent on a corrected edition.

`corrected` is the shipped 2021 toolkit with the paper's known slips fixed at the model level: on it no
rule may fire (no false positives). Each rule test then introduces one slip and expects that rule, with
the right subject and locations. The command-level tests run `invoke check` on copies of the sources.
"""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import pytest

from pipeline.checks import all_rules, run_rules
from pipeline.checks.identity import name_keys
from pipeline.checks.links import link_problem
from pipeline.model import Action, Recommendation, Section, Table5Action
from tests.conftest import PROJECT, edit, verify_all

TABLE5_ONLY = {"agrohub", "ai-for-the-netherlands", "bedigital", "cleantech-estonia", "made-different",
               "skelleftea-digital-alliance", "swelife", "technopole-programme",
               "the-industry-of-the-future-platform-foundation",
               "the-roadmap-for-transformation-towards-circular-economy"}


def corrected_toolkit(shipped):
    """The 2021 toolkit as a careful editor would have printed it."""
    tk = replace(shipped)
    for name in ("example_by_id", "action_by_id", "_actions_by_cell", "_examples_by_cell", "reference_by_id"):
        tk.__dict__.pop(name, None)  # cached lookups of the shipped object must not leak in
    tk.table5_examples = [replace(c, name="", country="", link="", label="") for c in shipped.table5_examples
                          if c.example not in TABLE5_ONLY]
    tk.cell_examples = [replace(c, name="", country="", link="", label="") for c in shipped.cell_examples]
    tk.examples = [e for e in shipped.examples if e.id not in TABLE5_ONLY]
    tk.examples = [replace(e, country="Türkiye") if e.country == "Turkey" else
                   replace(e, link="https://www.vlaanderen-circulair.be/en") if e.id == "circular-flanders" else e
                   for e in tk.examples]
    rows = []
    area_of = {r.id: r.area for r in shipped.recommendations}
    for row in shipped.table5_actions:
        if row.action:
            action = shipped.action_by_id[row.action]
            if action.priority != area_of[row.recommendation]:
                continue
            row = replace(row, text="", function=action.function)
        elif row.recommendation == "r13" and row.function == "business-services":
            continue
        rows.append(row)
    first = shipped.actions[0]
    rows.append(Table5Action("r5", first.function, first.id, "", shipped.table5_actions[0].origin))
    tk.table5_actions = _dedupe(rows)
    tk.sections = [replace(s, body=s.body.replace("operationalise the operationalise the", "operationalise the"))
                   for s in shipped.sections]
    return verify_all(tk)  # and an editor verified every reconstruction


def _dedupe(rows):
    seen, out = set(), []
    for r in rows:
        key = (r.recommendation, r.function, r.action, r.text)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


@pytest.fixture(scope="module")
def clean(shipped):
    return corrected_toolkit(shipped)


def fired(toolkit, rule_id):
    return [f for f in run_rules(toolkit, [rule_id])]


def test_the_corrected_edition_has_no_findings(clean):
    assert [(f.rule, f.subject) for f in run_rules(clean)] == []


def test_every_rule_has_a_test_below():
    source = (PROJECT / "tests" / "test_checks.py").read_text(encoding="utf-8")
    untested = [r for r in all_rules() if f'"{r}"' not in source]
    assert untested == []


# -- table5 -------------------------------------------------------------------------------------

def test_table5_example_not_in_tables(clean):
    assert fired(clean, "table5.example-not-in-tables") == []
    dropped = clean.table5_examples[0].example
    tk = replace(clean, cell_examples=[c for c in clean.cell_examples if c.example != dropped])
    findings = fired(tk, "table5.example-not-in-tables")
    assert [f.subject for f in findings] == [dropped]
    assert any("table5_examples.csv" in str(o) for o in findings[0].locations)


def test_table5_action_wording(clean):
    assert fired(clean, "table5.action-wording") == []
    row = next(r for r in clean.table5_actions if r.action)
    action = clean.action_by_id[row.action]
    slipped = replace(row, text=action.text.replace(" to ", " too ", 1))
    tk = replace(clean, table5_actions=[slipped if r is row else r for r in clean.table5_actions])
    (finding,) = fired(tk, "table5.action-wording")
    assert "'too' for 'to'" in finding.message
    # whitespace and line-end hyphenation are not wording
    spaced = replace(row, text=action.text.replace(" ", "  ").replace("-", "- ", 1))
    tk = replace(clean, table5_actions=[spaced if r is row else r for r in clean.table5_actions])
    assert fired(tk, "table5.action-wording") == []


def test_table5_action_not_in_tables(clean):
    assert fired(clean, "table5.action-not-in-tables") == []
    origin = clean.table5_actions[0].origin
    extra = Table5Action("r1", "networking", "", "Build a moon base for clusters", origin)
    tk = replace(clean, table5_actions=[*clean.table5_actions, extra])
    (finding,) = fired(tk, "table5.action-not-in-tables")
    assert finding.subject.startswith("r1/networking/build-a-moon-base")


def test_table5_action_function(clean):
    assert fired(clean, "table5.action-function") == []
    row = next(r for r in clean.table5_actions if r.action and r.function == "networking")
    moved = replace(row, function="intelligence")
    tk = replace(clean, table5_actions=[moved if r is row else r for r in clean.table5_actions])
    (finding,) = fired(tk, "table5.action-function")
    assert "'intelligence'" in finding.message and "'networking'" in finding.message


def test_table5_action_area(clean):
    assert fired(clean, "table5.action-area") == []
    row = next(r for r in clean.table5_actions if r.recommendation == "r1" and r.action)
    moved = replace(row, recommendation="r11")  # a green action under a resilience recommendation
    tk = replace(clean, table5_actions=[moved if r is row else r for r in clean.table5_actions])
    (finding,) = fired(tk, "table5.action-area")
    assert finding.subject.startswith("r11/") and "Resilience" in finding.message


def test_table5_action_wording_counts_a_full_stop(clean):
    row = next(r for r in clean.table5_actions if r.action)
    dotted = replace(row, text=clean.action_by_id[row.action].text + ".")
    tk = replace(clean, table5_actions=[dotted if r is row else r for r in clean.table5_actions])
    (finding,) = fired(tk, "table5.action-wording")
    assert "." in finding.message


# -- identity -----------------------------------------------------------------------------------

@pytest.mark.parametrize("field, rule_id, value", [
    ("name", "identity.name-differs", "House of Digitalisation"),
    ("country", "identity.country-differs", "Malta"),
    ("link", "identity.link-differs", "https://other.example.eu/"),
])
def test_identity_printed_differently(clean, field, rule_id, value):
    assert fired(clean, rule_id) == []
    target = next(c for c in clean.table5_examples if c.example == "house-of-digitalisation")
    tk = replace(clean, table5_examples=[replace(c, **{field: value}) if c is target else c
                                         for c in clean.table5_examples])
    (finding,) = fired(tk, rule_id)
    assert finding.subject == "house-of-digitalisation"
    record = clean.example_by_id["house-of-digitalisation"]
    assert finding.suggestion.startswith(f"did you mean '{getattr(record, field)}' ({record.origin})?")
    files = {o.file.rsplit("/", 1)[-1] for o in finding.locations}
    assert files == {"examples.csv", "table5_examples.csv"}


@pytest.mark.parametrize("a, b", [
    ("Maritime Cluster Pact", "maritime cluster pact"),
    ("Blue Energy Hub (North)", "Blue Energy Hub North"),
    ("Textile Excellence Portugal", "Textile Excellence Portugal (TEP)"),
    ("Portuguese textile website", "Portuguese Textiles website"),
    ("Innovation clusters Lapland", "Lapland Innovation clusters"),
])
def test_identity_near_duplicate(clean, a, b):
    assert fired(clean, "identity.near-duplicate") == []
    first, second = clean.examples[0], clean.examples[1]
    tk = replace(clean, examples=[replace(first, name=a), replace(second, name=b), *clean.examples[2:]])
    (finding,) = fired(tk, "identity.near-duplicate")
    assert finding.subject == "+".join(sorted([first.id, second.id]))
    assert "probably the same example" in finding.message


@pytest.mark.parametrize("a, b", [("Cluster 4.0 Bavaria", "Cluster 5.0 Bavaria"), ("NRW", "BW"),
                                  ("Green Deal Alliance", "Green Steel Alliance")])
def test_identity_near_duplicate_keeps_different_names_apart(a, b):
    assert name_keys(a) != name_keys(b)


def test_identity_shared_link(clean):
    assert fired(clean, "identity.shared-link") == []
    first, second = clean.examples[0], clean.examples[1]
    tk = replace(clean, examples=[first, replace(second, link=first.link.replace("https://", "http://") + "/"),
                                  *clean.examples[2:]])
    (finding,) = fired(tk, "identity.shared-link")
    assert finding.subject == "+".join(sorted([first.id, second.id]))


def test_identity_similar_link(clean):
    assert fired(clean, "identity.similar-link") == []
    first, second = clean.examples[0], clean.examples[1]
    page = "https://www.gov.pl/web/rozwoj-technologia/rada-ministrow-przyjela-projekt-mapy-drogowej-goz"
    slip = page.replace("rozwoj-technologia", "rozwoj-praca-technologia")
    tk = replace(clean, examples=[replace(first, link=page), replace(second, link=slip), *clean.examples[2:]])
    (finding,) = fired(tk, "identity.similar-link")
    assert finding.subject == "+".join(sorted([first.id, second.id]))
    other = page.replace("mapy-drogowej-goz", "strategii-wodorowej-do-2030")  # another page on that site
    tk = replace(clean, examples=[replace(first, link=page), replace(second, link=other), *clean.examples[2:]])
    assert fired(tk, "identity.similar-link") == []


# -- matrix -------------------------------------------------------------------------------------

def test_matrix_cell_without_action(clean):
    assert fired(clean, "matrix.cell-without-action") == []
    tk = replace(clean, actions=[a for a in clean.actions if a.cell != ("green", "skills", "networking")])
    tk.__dict__.pop("action_by_id", None)
    (finding,) = fired(tk, "matrix.cell-without-action")
    assert finding.subject == "green/skills/networking"


def test_matrix_cell_without_example(clean):
    assert fired(clean, "matrix.cell-without-example") == []
    tk = replace(clean, cell_examples=[c for c in clean.cell_examples if c.cell != ("digital", "skills", "networking")])
    (finding,) = fired(tk, "matrix.cell-without-example")
    assert finding.subject == "digital/skills/networking"
    assert "cell_examples.csv" in str(finding.locations[0])


def test_matrix_recommendation_unused(clean):
    assert fired(clean, "matrix.recommendation-unused") == []
    tk = replace(clean, table5_actions=[r for r in clean.table5_actions if r.recommendation != "r12"])
    (finding,) = fired(tk, "matrix.recommendation-unused")
    assert finding.subject == "r12"


def test_matrix_area_without_recommendations(clean):
    assert fired(clean, "matrix.area-without-recommendations") == []
    tk = replace(clean, recommendations=[replace(r, area="green") if r.area == "resilience" else r
                                         for r in clean.recommendations])
    (finding,) = fired(tk, "matrix.area-without-recommendations")
    assert finding.subject == "resilience"


# -- ids ----------------------------------------------------------------------------------------

def test_ids_dangling(clean):
    assert fired(clean, "ids.dangling") == []
    cited = clean.cell_examples[0]
    tk = replace(clean, cell_examples=[replace(cited, example=cited.example + "x"), *clean.cell_examples[1:]])
    (finding,) = fired(tk, "ids.dangling")
    assert finding.subject == f"example:{cited.example}x"
    assert finding.suggestion == f"did you mean '{cited.example}'?"
    assert "cell_examples.csv:2" in str(finding.locations[0])


def test_ids_duplicate(clean):
    assert fired(clean, "ids.duplicate") == []
    tk = replace(clean, examples=[*clean.examples, clean.examples[0]])
    (finding,) = fired(tk, "ids.duplicate")
    assert finding.subject == f"example:{clean.examples[0].id}" and len(finding.locations) == 2


def test_ids_unused(clean):
    assert fired(clean, "ids.unused") == []
    orphan = replace(clean.examples[0], id="orphan", name="Orphan cluster", link="https://orphan.example.eu/")
    tk = replace(clean, examples=[*clean.examples, orphan])
    (finding,) = fired(tk, "ids.unused")
    assert finding.subject == "example:orphan"


# -- links and countries ------------------------------------------------------------------------

@pytest.mark.parametrize("url, problem", [
    ("https://exa mple.eu", "contains a space"),
    ("javascript:alert(1)", "unsafe 'javascript:'"),
    ("file:///etc/passwd", "unsafe 'file:'"),
    ("www.example.eu", "no http"),
    ("https://", "no host"),
    ("https://localhost_/x", "invalid host"),
])
def test_link_problems(url, problem):
    assert problem in link_problem(url)


@pytest.mark.parametrize("url", ["https://www.clustercollaboration.eu/", "http://example.eu/a?b=c#d",
                                 "https://xn--bcher-kva.example/", "https://übung.de/"])
def test_good_links_pass(url):
    assert link_problem(url) == ""


def test_links_malformed(clean):
    assert fired(clean, "links.malformed") == []
    tk = replace(clean, examples=[replace(clean.examples[0], link="javascript:alert(1)"), *clean.examples[1:]])
    (finding,) = fired(tk, "links.malformed")
    assert finding.subject == f"example:{clean.examples[0].id}" and "javascript" in finding.message


def test_countries_unknown_and_not_iso(clean):
    assert fired(clean, "countries.unknown") == [] and fired(clean, "countries.not-iso") == []
    tk = replace(clean, examples=[replace(clean.examples[0], country="Atlantis"),
                                  replace(clean.examples[1], country="Turkey"),
                                  replace(clean.examples[2], country="DE"),  # ISO codes are fine
                                  replace(clean.examples[3], country="Czechia"), *clean.examples[4:]])
    assert [f.subject for f in fired(tk, "countries.unknown")] == ["Atlantis"]
    (close,) = fired(tk, "countries.not-iso")
    assert close.subject == "Turkey" and close.suggestion == "did you mean 'Türkiye'?"


# -- prose --------------------------------------------------------------------------------------

def _with_paragraph(toolkit, text):
    first = toolkit.sections[0]
    return replace(toolkit, sections=[replace(first, body=first.body + "\n\n" + text + "\n"),
                                      *toolkit.sections[1:]])


def test_prose_table_ref(clean):
    assert fired(clean, "prose.table-ref") == []
    assert fired(_with_paragraph(clean, "As Tables 2-5 show."), "prose.table-ref") == []
    (finding,) = fired(_with_paragraph(clean, "As Table 7 shows."), "prose.table-ref")
    assert finding.subject == "Table 7" and finding.locations[0].line


def test_prose_figure_ref(clean):
    assert fired(clean, "prose.figure-ref") == []
    (finding,) = fired(_with_paragraph(clean, "See Figures 6 and 8."), "prose.figure-ref")
    assert finding.subject == "Figure 8"


def test_prose_footnotes(clean):
    assert fired(clean, "prose.footnote-undefined") == [] and fired(clean, "prose.footnote-unused") == []
    tk = _with_paragraph(clean, "A claim.[^99]\n\n[^98]: A note nobody marks.")
    assert [f.subject.rsplit(":", 1)[1] for f in fired(tk, "prose.footnote-undefined")] == ["[^99]"]
    assert [f.subject.rsplit(":", 1)[1] for f in fired(tk, "prose.footnote-unused")] == ["[^98]"]


def test_prose_repeated_word(clean):
    assert fired(clean, "prose.repeated-word") == []
    assert fired(_with_paragraph(clean, "He said that that was fine."), "prose.repeated-word") == []
    (finding,) = fired(_with_paragraph(clean, "Clusters support the the transition."), "prose.repeated-word")
    assert finding.subject.endswith(":the")


def test_prose_spelling(clean):
    from pipeline.load import load
    from tests.conftest import SHIPPED

    assert fired(clean, "prose.spelling") == []
    found = {f.subject.rsplit(":", 1)[1]: f for f in fired(load(SHIPPED, edition="2021"), "prose.spelling")}
    assert set(found) == {"strenghten", "adpopted", "highighted", "reenforce"}  # as printed in 2021
    assert "'strengthen'" in found["strenghten"].suggestion and "'reinforce'" in found["reenforce"].suggestion
    assert str(found["adpopted"].locations[0]) == "sources/text/17-operationalising.md:9"
    # proper names the sources hold (examples, authors, references), acronyms and words.txt pass
    quiet = _with_paragraph(clean, "GreenEvo, Covasna, Wallonia and Ucluster help SMEs' servitisation; "
                            "Porsch and Kamp (EISMEA) agree.")
    assert fired(quiet, "prose.spelling") == []
    (typo,) = fired(_with_paragraph(clean, "The Comission agrees."), "prose.spelling")
    assert typo.subject == "section:introduction:Comission" and "'Commission'" in typo.suggestion


def test_prose_labels(clean):
    assert fired(clean, "prose.doubled-label") == [] and fired(clean, "prose.odd-label") == []
    c0, c1 = clean.cell_examples[0], clean.cell_examples[1]
    tk = replace(clean, cell_examples=[replace(c0, label="Example: Example:"), replace(c1, label="Examples:"),
                                       *clean.cell_examples[2:]])
    assert len(fired(tk, "prose.doubled-label")) == 1
    assert len(fired(tk, "prose.odd-label")) == 1


# -- the command: waivers, exit codes, reports ------------------------------------------------------

def invoke(*args, cwd=PROJECT):
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=cwd, capture_output=True, text=True)


def test_shipped_sources_pass_with_waivers_and_fail_without(tmp_path):
    out = tmp_path / "out"
    ok = invoke("check", "--out", str(out), "--edition", "2021")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "0 errors, 33 warnings, 37 acknowledged, 0 stale waivers" in ok.stdout
    latest = invoke("check", "--out", str(out))  # 2021-corrected: its errata resolve 12 of the 37
    assert latest.returncode == 0 and "0 errors, 33 warnings, 25 acknowledged, 0 stale waivers" in latest.stdout
    failing = invoke("check", "--no-waivers", "--out", str(out), "--edition", "2021")
    # (33 warnings: provenance.unverified, the reconstructions awaiting an editor)
    assert failing.returncode == 1
    for expected in ("identity.name-differs", "House of Digitalisation", "sources/table5_examples.csv:13",
                     "table5.example-not-in-tables", "reenforce", "Example: Example:"):
        assert expected in failing.stdout
    report = json.loads((out / "check" / "report.json").read_text(encoding="utf-8"))
    # 32: slips a plain check must fail on are errors (repeated words, odd labels, Table 5 columns; issue 16)
    assert report["summary"]["errors"] == 32 and report["summary"]["exit_code"] == 1
    assert all(f["locations"] for f in report["findings"])


def test_stale_waiver_is_reported_and_strict_fails_on_it(sources, tmp_path):
    (sources / "locks" / "2021.json").unlink()  # (editing a 2021 row is also editions.frozen: test_freeze.py)
    edit(sources / "text" / "01-introduction.md", "operationalise the operationalise the", "operationalise the")
    result = invoke("check", "--sources", str(sources), "--out", str(tmp_path), "--edition", "2021")
    assert result.returncode == 0  # a stale waiver is a warning
    assert "waivers.stale" in result.stdout and "1 stale waiver" in result.stdout
    assert "waivers.yaml:" in result.stdout
    assert invoke("check", "--sources", str(sources), "--strict", "--out", str(tmp_path),
                  "--edition", "2021").returncode == 1


def test_new_error_fails_and_rendering_refuses(sources, tmp_path):
    (sources / "locks" / "2021.json").unlink()  # (editing a 2021 row is also editions.frozen: test_freeze.py)
    edit(sources / "examples.csv", ",Turkey,", ",Atlantis,")
    result = invoke("check", "--sources", str(sources), "--out", str(tmp_path))
    assert result.returncode == 1 and "countries.unknown" in result.stdout
    assert "sources/examples.csv:35" in result.stdout.replace(str(sources), "sources")
    render = invoke("build", "--sources", str(sources), "--out", str(tmp_path), "--only", "paper")
    assert render.returncode == 2 and "Traceback" not in render.stderr
    assert "the check found 1 error " in render.stderr and "--force" in render.stderr
    assert not (tmp_path / "paper" / "toolkit.pdf").exists()


def test_editions_frozen_rule_is_tested_in_test_freeze():
    """"editions.frozen" compares a published edition with its lock: tests/test_freeze.py edits rows."""
    assert "editions.frozen" in all_rules()


def test_stale_erratum_exits_1_with_its_file_and_line(sources, tmp_path):
    """Someone rewords a row an accepted erratum corrects: the erratum no longer says what was printed."""
    (sources / "locks" / "2021.json").unlink()  # (editing a 2021 row is also editions.frozen: test_freeze.py)
    edit(sources / "text" / "17-operationalising.md", "highighted", "singled out")
    result = invoke("check", "--sources", str(sources), "--out", str(tmp_path))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "errata.stale" in result.stdout and "text:text/17-operationalising.md" in result.stdout
    lines = (sources / "errata.yaml").read_text(encoding="utf-8").splitlines()
    at = next(n for n, text in enumerate(lines) if "highighted" in text)
    line = max(n for n in range(at) if lines[n].startswith("- target:")) + 1  # the entry's first line
    assert f"errata.yaml:{line}" in result.stdout.replace(str(sources), "sources")
    render = invoke("build", "--sources", str(sources), "--out", str(tmp_path), "--only", "paper")
    assert render.returncode == 2 and "errata.stale" in render.stderr


def test_bad_waivers_file_exits_2_with_its_line(sources, tmp_path):
    text = (sources / "waivers.yaml").read_text(encoding="utf-8")
    (sources / "waivers.yaml").write_text(text + "- rule: no.such-rule\n  subject: x\n  reason: y\n",
                                          encoding="utf-8")
    result = invoke("check", "--sources", str(sources), "--out", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.startswith("error: sources") or "waivers.yaml:" in result.stderr
    assert "unknown rule 'no.such-rule'" in result.stderr and "Traceback" not in result.stderr


def test_html_report_is_sortable_and_links_rows(tmp_path):
    from bs4 import BeautifulSoup

    invoke("check", "--no-waivers", "--out", str(tmp_path), "--edition", "2021")
    soup = BeautifulSoup((tmp_path / "check" / "report.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.html["lang"] == "en" and soup.title.string
    headers = soup.select("table#findings thead th")
    assert [th["scope"] for th in headers] == ["col"] * 6 and all(th.button for th in headers)
    rows = soup.select("table#findings tbody tr")
    assert len(rows) == 37 + 33  # the paper's slips and the 33 unverified reconstructions
    hrefs = [a["href"] for a in soup.select("td.where a")]
    assert hrefs and all(h.endswith((".csv", ".md", ".yaml")) for h in hrefs)
    assert all((tmp_path / "check" / h).resolve().exists() for h in hrefs)


def test_the_benchmark_toolkit_finds_exactly_its_planted_slips(shipped):
    from pipeline.checks.bench import synthetic_toolkit

    rules = sorted(f.rule for f in run_rules(synthetic_toolkit(shipped, 500)) if f.rule != "provenance.unverified")
    assert rules == ["countries.unknown", "identity.name-differs", "identity.near-duplicate", "links.malformed"]
    # (the shipped introduction's own "operationalise the" slip is corrected by an erratum in the latest edition)


# -- provenance ---------------------------------------------------------------------------------

def test_provenance_unverified(clean, shipped):
    assert fired(clean, "provenance.unverified") == []  # an editor verified every reconstruction
    findings = fired(shipped, "provenance.unverified")
    assert len(findings) == 33 and all(f.severity == "warning" for f in findings)
    r4 = next(f for f in findings if "recommendations.csv:5" in str(f.locations[0]))
    assert "recommendation title" in r4.message and "Develop capacity-building" in r4.message


# -- figures ------------------------------------------------------------------------------------

def test_figures_data(clean):
    """Bad figure data is bad input: the check draws every figure and reports, at file:line, what cannot be."""
    assert fired(clean, "figures.data") == []
    figure = next(f for f in clean.figures if f.kind == "pyramid")
    broken = replace(figure, kind="pie-chart")
    tk = replace(clean, figures=[broken if f is figure else f for f in clean.figures])
    findings = fired(tk, "figures.data")
    assert len(findings) == 1 and "unknown kind 'pie-chart'" in findings[0].message
    assert findings[0].severity == "error" and findings[0].locations[0].line == figure.lines[f"{figure.origin.key}.kind"]
