"""Which layouts a handout's fitting makes (pipeline/render/handout_fit.py), on a stand-in for WeasyPrint
whose pages follow a known rule: the answer is the one a search of every size and number would find, and
no layout is made whose answer the search already has (issue 17: the fitting's cost in a fresh build)."""
from __future__ import annotations

import re
import sys
from types import SimpleNamespace

import pytest

from pipeline.render import handout_fit, handouts

CAPACITY = 33.9  # examples the stand-in's two pages hold at 7.5 pt (the shipped sheet lists 34, or 32 at one a cell)


def load(html: str) -> tuple[float, float]:
    """(size, how full the two pages are) of a handout HTML under the stand-in's rule: fill grows with the
    examples listed and as size^1.3."""
    size = float(re.search(r"\.fit \{ font-size: ([0-9.]+)pt", html).group(1))
    return size, html.count("<li") / CAPACITY * (size / 7.5) ** 1.3


@pytest.fixture
def standin(monkeypatch) -> list[tuple[float, int]]:
    """Every layout made, as (size, examples listed); measuring layouts fail the test."""
    made: list[tuple[float, int]] = []

    def layout(html, source):
        assert " measuring" not in html, "a measuring layout was made"
        size, fill = load(html)
        made.append((size, html.count("<li")))
        return SimpleNamespace(pages=[None] * (1 if fill <= 1.0 else 3), fill=fill)

    monkeypatch.setattr(handout_fit, "_layout", layout)
    monkeypatch.setattr(handout_fit, "page_fill", lambda document, limit: document.fill)
    return made


def sheet(shipped):
    target = next(t for t in handouts.targets(shipped, {}) if t.name == "recommendations-a4")
    return handouts.KINDS["recommendations"], handouts.render_context(shipped, target.params)


def test_a_crowded_sheet_tries_one_example_a_cell_first_and_sizes_it_from_that_layout(shipped, standin, monkeypatch):
    kind, context = sheet(shipped)
    guessed = []  # the first attempt (everything) may guess its start; the crowded search has a layout to go on
    monkeypatch.setattr(handout_fit, "_guessed_start", lambda kind, context, source, limit, *a: guessed.append(limit))
    font, limit = handout_fit.fit_layout(kind, context, "recommendations-a4")

    def fits(size, n):
        return load(handout_fit._html(kind, context, size, n))[1] <= 1.0

    # what a search of every number (upwards, to the first that does not fit) and every size finds
    assert not fits(7.5, None)
    best = 0
    while best < 2 and fits(7.5, best + 1):
        best += 1
    assert (font, limit) == (max(s for s in handout_fit.FONT_STEPS_PT if fits(s, best)), best) == (7.75, 1)
    assert guessed == [None]  # no measure for the crowded sizes: the layout of one a cell at 7.5 pt says
    none = handout_fit._html(kind, context, 7.5, 0).count("<li")
    assert (7.5, none) not in standin  # nothing laid out without examples: one a cell fits
    # everything, one a cell, then 7.75 pt (fits) and 8 pt (does not); two a cell is everything (the
    # same HTML: its answer known)
    assert standin == [(7.5, 34), (7.5, 32), (7.75, 32), (8.0, 32)]


def test_where_one_example_a_cell_does_not_fit_the_sheet_without_examples_is_checked(shipped, standin, monkeypatch):
    kind, context = sheet(shipped)
    monkeypatch.setattr(handout_fit, "_guessed_start", lambda *a: None)
    monkeypatch.setattr(sys.modules[__name__], "CAPACITY", 20.0)  # 32 at one a cell: too many
    font, limit = handout_fit.fit_layout(kind, context, "recommendations-a4")
    none = handout_fit._html(kind, context, 7.5, 0).count("<li")
    assert limit == 0 and (7.5, none) in standin and font == max(
        s for s in handout_fit.FONT_STEPS_PT if load(handout_fit._html(kind, context, s, 0))[1] <= 1.0)
