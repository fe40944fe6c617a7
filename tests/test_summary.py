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


@pytest.mark.parametrize("bad", ["x" * 161, "first line\nsecond line"])
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
