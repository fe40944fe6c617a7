"""The checker against realistic editorial slips: each slip is made in its own copy of the shipped sources,
and the check (run in-process, as `invoke check` does) must report it as an error (or the loader refuse
it, exit 2) at the right file:row or file:line. README "Reliability" reports the recall.

A slip is (id, file, old text, new text); the place it must be reported at is the line where `old` starts
(CSV rows are file lines here), unless `at` says otherwise. Slips the checker does not catch yet are
marked `xfail(strict=True)`, so the suite says so when one starts to be caught.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.checks.run import check_toolkit
from pipeline.errors import SourceError
from pipeline.load import load
from tests.conftest import SHIPPED

SAXONY = "innovation-clusters-saxony,Innovation clusters Saxony,Germany,https://www.wirtschaft.sachsen.de/13344.html,"
WALLONIA = "digital-wallonia,Digital Wallonia,Belgium,https://www.digitalwallonia.be/en,"
GREENEVO = "greenevo-green-technology-accelerator,GreenEvo - Green Technology Accelerator,Poland,"
DENMARK = "cluster-excellence-denmark,Cluster Excellence Denmark,Denmark,"
CELL_SAXONY = "innovation-clusters-saxony,,,,,"
T5_R1 = "r1,networking,green-innovation-networking-1,"
T5_R7 = "r7,networking,digital-innovation-networking-1,"
INTRO = "text/01-introduction.md"
GREEN_KEY = "text/04-green-transition-key.md"


@dataclass(frozen=True)
class Slip:
    id: str
    file: str
    old: str
    new: str
    at: str | None = None  # "file:line" when not the line of `old`
    missed: str = ""  # why the checker does not catch it yet (xfail)


SLIPS = [
    # examples.csv: the records
    Slip("country-misspelled", "examples.csv", SAXONY, SAXONY.replace(",Germany,", ",Germnay,")),
    Slip("country-letters-swapped", "examples.csv", GREENEVO, GREENEVO.replace(",Poland,", ",Polnad,")),
    Slip("country-untied-kingdom", "examples.csv", DENMARK, DENMARK.replace(",Denmark,", ",Untied Kingdom,")),
    Slip("country-lower-case-typo", "examples.csv", DENMARK, DENMARK.replace(",Denmark,", ",denmakr,")),
    Slip("link-pasted-from-another-example", "examples.csv", SAXONY,
         SAXONY.replace("https://www.wirtschaft.sachsen.de/13344.html", "https://www.digitalwallonia.be/en")),
    Slip("name-pasted-from-another-example", "examples.csv", SAXONY,
         SAXONY.replace("Innovation clusters Saxony", "Digital Wallonia")),
    Slip("link-scheme-typo", "examples.csv", SAXONY, SAXONY.replace("https://", "htps://")),
    Slip("link-with-a-space", "examples.csv", SAXONY, SAXONY.replace("13344.html", "13344 .html")),
    Slip("link-with-trailing-words", "examples.csv", SAXONY, SAXONY.replace("13344.html", "13344.html see page 3")),
    Slip("link-host-only-scheme", "examples.csv", SAXONY, SAXONY.replace("https://www.wirtschaft.sachsen.de/13344.html",
                                                                         "http://")),
    Slip("name-emptied", "examples.csv", SAXONY, SAXONY.replace("Innovation clusters Saxony", "")),
    Slip("id-duplicated", "examples.csv", WALLONIA, WALLONIA.replace("digital-wallonia,", "innovation-clusters-saxony,")),
    Slip("id-with-capitals", "examples.csv", WALLONIA, WALLONIA.replace("digital-wallonia,", "Digital-Wallonia,")),
    # cell_examples.csv: citations in Tables 2-4
    Slip("citation-id-typo", "cell_examples.csv", CELL_SAXONY, "innovation-cluster-saxony,,,,,"),
    Slip("citation-label-misspelled", "cell_examples.csv", CELL_SAXONY, "innovation-clusters-saxony,Exmple:,,,,"),
    Slip("citation-label-doubled", "cell_examples.csv", CELL_SAXONY, "innovation-clusters-saxony,Example: Example:,,,,"),
    Slip("citation-name-retyped", "cell_examples.csv", CELL_SAXONY,
         "innovation-clusters-saxony,,Innovation clusters Saxonia,,,"),
    Slip("citation-country-other", "cell_examples.csv", CELL_SAXONY, "innovation-clusters-saxony,,,Austria,,"),
    Slip("citation-link-pasted", "cell_examples.csv", CELL_SAXONY,
         "innovation-clusters-saxony,,,,https://www.digitalwallonia.be/en,"),
    Slip("citation-priority-typo", "cell_examples.csv", "green,innovation,networking,flanders-industry",
         "gren,innovation,networking,flanders-industry"),
    Slip("citation-repeated-in-cell", "cell_examples.csv", "green,innovation,networking,greenpact-collaborative-platform,",
         "green,innovation,networking,greenpact-collaborative-platform\n"
         "green,innovation,networking,greenpact-collaborative-platform,"),
    # actions.csv
    Slip("action-function-typo", "actions.csv", "green-innovation-networking-1,green,innovation,networking,",
         "green-innovation-networking-1,green,innovation,netwroking,"),
    Slip("action-repeated-word", "actions.csv", "Mobilise clusters to bring together the different",
         "Mobilise clusters to bring together the the different"),
    Slip("action-id-duplicated", "actions.csv", "green-innovation-networking-1,green,innovation,networking,",
         "green-innovation-intelligence-1,green,innovation,networking,"),
    # Table 5
    Slip("table5-action-wrong-column", "table5_actions.csv", T5_R1, T5_R1.replace(",networking,", ",intelligence,")),
    Slip("table5-action-other-area", "table5_actions.csv", T5_R1, T5_R1.replace("r1,", "r7,", 1)),
    Slip("table5-digital-action-under-green", "table5_actions.csv", T5_R7, T5_R7.replace("r7,", "r2,", 1)),
    Slip("table5-action-id-typo", "table5_actions.csv", T5_R1, T5_R1.replace("networking-1,", "networking-7,")),
    Slip("table5-action-reworded", "table5_actions.csv", T5_R1 + "Mobilise clusters to bring together",
         T5_R1 + "Mobilise clusters to gather"),
    Slip("table5-recommendation-typo", "table5_actions.csv", T5_R1, T5_R1.replace("r1,", "r16,", 1)),
    Slip("table5-example-id-typo", "table5_examples.csv", "r1,business-services,innovation-clusters-saxony,",
         "r1,business-services,innovation-clusters-saxon,"),
    Slip("table5-example-country-misspelled", "table5_examples.csv", "r1,business-services,innovation-clusters-saxony,,,,,",
         "r1,business-services,innovation-clusters-saxony,,,Germnay,,"),
    Slip("table5-example-new-citation-of-waived", "table5_examples.csv", "r1,business-services,innovation-clusters-saxony,",
         "r1,business-services,agrohub,,,,,\nr1,business-services,innovation-clusters-saxony,",
         at="table5_examples.csv:3"),
    # recommendations.csv
    Slip("recommendation-area-typo", "recommendations.csv", "r3,green,", "r3,gren,"),
    Slip("recommendation-repeated-word", "recommendations.csv", "Use clusters to develop and implement circular",
         "Use clusters to develop and and implement circular"),
    # prose
    Slip("prose-repeated-word", GREEN_KEY, "establishes a strong focus", "establishes a a strong focus"),
    Slip("prose-figure-number-wrong", GREEN_KEY, "can be reached quickly (Figure 1)", "can be reached quickly (Figure 9)"),
    Slip("prose-table-number-wrong", "text/13-the-four-phases.md", "Using the three dimensions in Table 1",
         "Using the three dimensions in Table 8"),
    Slip("prose-footnote-undefined", GREEN_KEY, "establishes a strong focus", "establishes[^77] a strong focus"),
    Slip("prose-figure-placeholder-escaping", GREEN_KEY, "establishes a strong focus",
         "establishes a strong focus\n\n{figure:../../x}\n\n", at=GREEN_KEY + ":11"),
    Slip("prose-unknown-table-placeholder", GREEN_KEY, "establishes a strong focus",
         "establishes a strong focus\n\n{table:table-9}\n\n", at=GREEN_KEY + ":11"),
    # figures.yaml
    Slip("figure-areas-a-number", "figures.yaml", "  areas:\n    - Increasing", "  areas: 5\n  old_areas:\n    - Increasing",
         missed=""),
    Slip("figure-centre-a-list", "figures.yaml", "  centre: The European Green Deal", "  centre: [The European Green Deal]"),
    Slip("figure-kind-unknown", "figures.yaml", "  kind: pyramid", "  kind: pie-chart"),
    Slip("figure-label-too-long", "figures.yaml", "    - label: New services",
         "    - label: " + "New services for every small and medium-sized enterprise in every region of Europe " * 6),
    # YAML metadata
    Slip("document-date-impossible", "document.yaml", "  date: 2021-11-22", "  date: 2021-13-45"),
    Slip("reference-url-javascript", "references.yaml",
         "url: https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:52019DC0640", 'url: "javascript:alert(1)"',
         at="references.yaml:9"),  # the reference's first line; the message names the key (url)
]


def line_of(path: Path, text: str) -> int:
    content = path.read_text(encoding="utf-8")
    assert content.count(text) >= 1, f"{text!r} not in {path}"
    return content[: content.index(text)].count("\n") + 1


def errors_at(sources: Path) -> tuple[list[str], str]:
    """Where the check reports errors (file:row as printed, sources/ prefix dropped), or the load error."""
    try:
        toolkit = load(sources)
    except SourceError as exc:
        return [str(exc.origin.at(column=None))], str(exc)
    report = check_toolkit(toolkit, sources)
    places = [str(o) for f in report.open if f.severity == "error" for o in f.locations]
    messages = "\n".join(f"{f.rule} {f.severity}: {f.message}" for f in report.open)
    return places, messages


def _param(slip: Slip):
    marks = [pytest.mark.xfail(reason=slip.missed, strict=True)] if slip.missed else []
    return pytest.param(slip, id=slip.id, marks=marks)


@pytest.mark.parametrize("slip", [_param(s) for s in SLIPS])
def test_every_slip_is_an_error_at_its_place(slip, tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(SHIPPED, sources)
    # Without the 2021 lock: its rule (editions.frozen) flags any edit of a published row at that row, so
    # it would catch every slip here; the consistency rules must catch them, as they do in the rows of an
    # edition in preparation, which no lock guards.
    shutil.rmtree(sources / "locks")
    path = sources / slip.file
    expected = slip.at or f"{slip.file}:{line_of(path, slip.old)}"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(slip.old, slip.new, 1), encoding="utf-8")
    places, messages = errors_at(sources)
    wanted = str(sources / expected.split(":")[0]) + ":" + expected.split(":", 1)[1]
    assert any(p == wanted or p.startswith(wanted + " ") or p.startswith(wanted + ":") for p in places), \
        f"expected an error at {expected}; errors at: {places}\n{messages}"


def test_the_suite_is_big_enough_and_every_slip_applies():
    assert len(SLIPS) >= 40 and len({s.id for s in SLIPS}) == len(SLIPS)
    for slip in SLIPS:
        assert slip.old in (SHIPPED / slip.file).read_text(encoding="utf-8"), slip.id
