"""The optional `summary` column of examples.csv: a one-line "what it is" that the example's card and web
page print when the sources have it. The 2021 paper prints none, so the shipped sources leave it empty
(never invented); an editor writes it."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from pipeline.errors import SourceError
from pipeline.load import load
from tests.test_marks_in_cells import set_columns

EXAMPLE = "innovation-clusters-saxony"
SUMMARY = "Saxony's state programme that funds joint R&D projects of cluster members"


def test_the_shipped_sources_invent_no_summary(shipped):
    assert all(e.summary == "" for e in shipped.examples)


@pytest.fixture
def summarised(sources):
    set_columns(sources / "examples.csv", EXAMPLE, {"summary": SUMMARY})
    return sources


def test_a_summary_is_read_with_its_example(summarised):
    tk = load(summarised)
    assert tk.example_by_id[EXAMPLE].summary == SUMMARY
    assert sum(bool(e.summary) for e in tk.examples) == 1


@pytest.mark.parametrize("bad", ["x" * 101, "first line\nsecond line"])
def test_a_summary_is_one_line_that_fits_a_card(sources, bad):
    set_columns(sources / "examples.csv", EXAMPLE, {"summary": bad})
    with pytest.raises(SourceError) as err:
        load(sources)
    assert "examples.csv:17" in str(err.value) and "summary" in str(err.value) and "\n" not in str(err.value)


def test_the_examples_web_page_prints_its_summary(summarised):
    from pipeline.render import site

    tk = load(summarised)
    page = BeautifulSoup(site.render("example.html.j2", site.example_context(tk, EXAMPLE), root="../"), "html.parser")
    assert page.find(id="example-summary").text == SUMMARY
    other = BeautifulSoup(site.render("example.html.j2", site.example_context(tk, tk.examples[0].id), root="../"),
                          "html.parser")
    assert other.find(id="example-summary") is None


@pytest.mark.slow
def test_cards_print_the_summary_and_stay_clear_of_their_qr_codes(sources, tmp_path):
    """Every example with a summary of the longest allowed length (the worst case): each card prints its
    line under the name, and no text runs into the card's QR code."""
    import csv
    import re

    from pipeline.render import handouts as mod
    from tests.test_handouts import text, words_in_qr_codes

    with open(sources / "examples.csv", newline="", encoding="utf-8") as f:
        ids = [row["id"] for row in csv.DictReader(f)]
    long = "A regional programme that funds joint innovation projects of cluster members and finds them partners"
    assert len(long) == 100
    for example_id in ids:
        set_columns(sources / "examples.csv", example_id, {"summary": long if example_id != EXAMPLE else SUMMARY})
    tk = load(sources)
    cards = mod.card_records(tk)
    for paper in ("a4", "letter"):  # Letter cards are 9 mm shorter
        target = next(t for t in mod.targets(tk, {"paper": paper}) if t.name == f"example-cards-{paper}")
        pdf = tmp_path / f"cards-{paper}.pdf"
        pdf.write_bytes(mod.build_target(tk, target)[target.outputs[0]])
        n = next(i for i, c in enumerate(cards) if c["example"].id == EXAMPLE)
        assert SUMMARY in re.sub(r"\s+", " ", text(pdf, n // 4 + 1))
        assert words_in_qr_codes(pdf, paper, cards) == [], paper
