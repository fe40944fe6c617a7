"""Layout hints (pipeline/hints.py): the paper's Table 5 bands are laid out once when the last build's chain
of passes still holds, and the PDF is the same bytes with a hint, without one, and with a stale one."""
from __future__ import annotations

import json
import shutil

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning")]

LAYOUTS: list[int] = []  # one entry per WeasyPrint layout (each pass of the bands is one)


@pytest.fixture(scope="module", autouse=True)
def count_layouts():
    from weasyprint import HTML

    render = HTML.render
    HTML.render = lambda self, *a, **k: LAYOUTS.append(1) or render(self, *a, **k)
    yield
    HTML.render = render


def paper_pdf(toolkit, out) -> tuple[bytes, int]:
    """The paper's PDF built with the hints of `out` (None: none), and how many layouts it took."""
    from pipeline import hints
    from pipeline.render import paper

    target = next(t for t in paper.targets(toolkit, {}) if t.name == "pdf")
    del LAYOUTS[:]
    hints.use(out)
    try:
        return paper.build_target(toolkit, target)[paper.PDF_OUT], len(LAYOUTS)
    finally:
        hints.use(None)


@pytest.fixture(scope="module")
def plain(shipped):
    """(bytes, layouts) of the shipped paper without any hint."""
    pdf, passes = paper_pdf(shipped, None)
    assert passes >= 2  # the shipped Table 5 breaks inside an area: its bands need a second layout
    return pdf, passes


@pytest.fixture(scope="module")
def hinted(shipped, plain, tmp_path_factory):
    """An output folder whose last build kept the hint (the first build with hints: the long way)."""
    out = tmp_path_factory.mktemp("hinted")
    assert paper_pdf(shipped, out) == plain
    return out


def hint_file(out):
    from pipeline.render import paper

    return out / ".build" / "hints" / f"{paper.BANDS_HINT}.json"


def test_the_bands_are_laid_out_once_with_the_last_builds_hint_and_the_bytes_do_not_change(shipped, plain, hinted):
    chain = json.loads(hint_file(hinted).read_text(encoding="utf-8"))
    assert len(chain) == plain[1] and chain[-1][1]  # one step per pass; the bands the last pass kept
    assert paper_pdf(shipped, hinted) == (plain[0], 1)  # only the layout that is written


@pytest.mark.parametrize("stale", ['[["not a key of this paper", ["recommendation-r1"]]]', "{torn"])
def test_a_stale_or_broken_hint_costs_the_long_way_and_changes_nothing(shipped, plain, tmp_path, stale):
    hint_file(tmp_path).parent.mkdir(parents=True)
    hint_file(tmp_path).write_text(stale, encoding="utf-8")
    assert paper_pdf(shipped, tmp_path) == plain
    assert len(json.loads(hint_file(tmp_path).read_text(encoding="utf-8"))) == plain[1]  # this build's chain


def test_an_edited_paper_is_laid_out_again_and_the_bytes_do_not_change(shipped, hinted, tmp_path):
    # the hint kept for other text does not hold: every pass is made, the same bytes as without a hint
    import dataclasses

    shutil.copytree(hinted, tmp_path, dirs_exist_ok=True)
    first = dataclasses.replace(shipped.sections[0], body=shipped.sections[0].body + "\n\nOne more paragraph.")
    edited = dataclasses.replace(shipped, sections=[first, *shipped.sections[1:]])
    without = paper_pdf(edited, None)
    assert without[1] >= 2
    assert paper_pdf(edited, tmp_path) == without
