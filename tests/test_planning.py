"""The paper planned in a forked child beside the other builders (pipeline/planning.py): the build's process
gets the same targets and the same fingerprints as when it plans everything itself, at the shipped size
(the paper in one piece) and laid out for scale (its parts); a child that fails changes nothing but who
does the work."""
from __future__ import annotations

import pytest

from pipeline.checks.split import two_cores
from pipeline.planning import collect_targets, fingerprint_version
from pipeline.render import paper
from pipeline.targets import fingerprint, forget_templates
from pipeline.uptodate import available_builders


@pytest.fixture(scope="module")
def at_scale(tmp_path_factory):
    from pipeline.load import load
    from pipeline.synth import synthesise

    folder = tmp_path_factory.mktemp("planning") / "sources"
    synthesise(250, folder)  # past paper.SCALE_EXAMPLES in some cells: the paper in parts
    return load(folder)


def planned_both_ways(toolkit):
    """(targets planned here, targets planned with the paper aside, the fingerprints the child made)."""
    paper._PARTS.clear(), paper._ANNEX.clear()
    here = collect_targets(toolkit, available_builders(), {})
    paper._PARTS.clear(), paper._ANNEX.clear()
    prints: dict[str, str] = {}
    aside = collect_targets(toolkit, available_builders(), {}, prints=prints)
    return here, aside, prints


@pytest.fixture(scope="module")
def plans(shipped, at_scale):
    return {"shipped": (shipped, *planned_both_ways(shipped)), "at_scale": (at_scale, *planned_both_ways(at_scale))}


@pytest.mark.parametrize("size", ["shipped", "at_scale"])
def test_the_paper_planned_aside_gives_the_same_targets_and_fingerprints(size, plans):
    toolkit, here, aside, prints = plans[size]
    assert [t.id for t in aside] == [t.id for t in here]
    paper_ids = {t.id for t in here if t.builder == "paper"}
    if size == "at_scale":
        assert any(i.startswith("paper:pdf-part-") for i in paper_ids)
    if two_cores():  # the child answered for the paper's targets, the build's process made the others
        assert set(prints) == {t.id for t in here} and paper_ids
    forget_templates()
    version = fingerprint_version(toolkit)
    for mine, theirs in zip(here, aside):
        assert fingerprint(theirs, version) == fingerprint(mine, version)
        if mine.id in prints:
            assert prints[mine.id] == fingerprint(mine, version)


def test_a_planning_child_that_fails_leaves_the_work_to_the_build(at_scale, plans, monkeypatch):
    def broken(toolkit, options):
        raise RuntimeError("the child fails")

    here = plans["at_scale"][1]
    monkeypatch.setattr(paper, "plan_aside", broken)
    paper._PARTS.clear(), paper._ANNEX.clear()
    prints: dict[str, str] = {}
    aside = collect_targets(at_scale, available_builders(), {}, prints=prints)
    assert [t.id for t in aside] == [t.id for t in here]
    assert not any(i.startswith("paper:") for i in prints)  # the build makes the paper's fingerprints itself


def test_a_link_is_printed_decoded_unless_it_would_show_whitespace_other_than_a_blank():
    from pipeline.render.printed import printed_url

    assert printed_url("https://x.eu/Programi%20drzavnih") == "https://x.eu/Programi drzavnih"
    for escaped in ("%0A", "%09", "%C2%A0", "%E2%80%83", "%E3%80%80"):  # newline, tab, no-break, em, ideographic
        assert printed_url(f"https://x.eu/a{escaped}b") == f"https://x.eu/a{escaped}b"
    assert printed_url("https://x.eu/%FF") == "https://x.eu/%FF"  # not UTF-8: as written
