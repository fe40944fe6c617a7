"""`invoke synth`: made-up toolkits for tests and benchmarks, never written into sources/."""
from __future__ import annotations

import csv

import pytest

from pipeline.checks.run import check_toolkit
from pipeline.errors import PipelineError
from pipeline.load import load
from pipeline.render.overflow import first_examples
from pipeline.synth import NOTE, WEB_ADDRESS, synthesise
from tests.conftest import PROJECT


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth") / "sources"
    synthesise(300, out)
    return out


def test_adds_n_examples_to_the_shipped_ones_and_cites_each(made):
    shipped, toolkit = load(PROJECT / "sources"), load(made)
    assert len(toolkit.examples) == len(shipped.examples) + 300
    invented = {e.id for e in toolkit.examples} - {e.id for e in shipped.examples}
    cited = {c.example for c in toolkit.cell_examples}
    assert invented <= cited  # every made-up example illustrates at least one cell
    assert {c.example for c in toolkit.table5_examples} & invented  # some are cited by a recommendation
    assert len({e.country for e in toolkit.examples}) > 40  # the online toolkit spans 60+ countries
    assert toolkit.event.web_address == WEB_ADDRESS
    with (made / "examples.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["id"] in invented]
    assert all(r["note"] == NOTE for r in rows)  # marked as test data in the file itself
    assert any(r["featured"] == "yes" for r in rows) and all(r["added"] for r in rows)


def test_the_check_finds_no_error(made):
    report = check_toolkit(load(made), made)
    assert report.counts["errors"] == 0 and report.counts["stale_waivers"] == 0


def test_same_seed_same_files(made, tmp_path):
    again = tmp_path / "again"
    synthesise(300, again)
    assert (again / "examples.csv").read_bytes() == (made / "examples.csv").read_bytes()
    assert (again / "cell_examples.csv").read_bytes() == (made / "cell_examples.csv").read_bytes()


def test_refuses_sources_and_folders_it_did_not_write(tmp_path):
    with pytest.raises(PipelineError, match="never go into sources"):
        synthesise(5, PROJECT / "sources")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    with pytest.raises(PipelineError, match="not written by synth"):
        synthesise(5, mine)
    assert (mine / "notes.txt").read_text() == "keep me"


def test_crowded_cells_show_featured_then_newest(made):
    toolkit = load(made)
    cell = max(toolkit.cells(), key=lambda c: len(c.examples))
    shown = first_examples(toolkit, cell.examples, 4)
    assert shown.more == len(cell.examples) - 4
    records = [toolkit.example_by_id[e.example_id] for e in shown.examples]
    featured = [r.featured for r in records]
    assert featured == sorted(featured, reverse=True)  # featured ones first
    plain = [r.added for r in records if not r.featured]
    assert plain == sorted(plain, reverse=True)  # then the newest
    assert first_examples(toolkit, cell.examples, None).examples == cell.examples  # room for all: as printed
