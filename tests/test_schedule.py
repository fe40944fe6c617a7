"""The build queues its targets longest first (pipeline/schedule.py): by what each cost in the last build of
the output folder, else by a prior of its kind."""
from __future__ import annotations

from pipeline.schedule import expected_seconds, longest_first
from pipeline.targets import Target


def target(builder: str, name: str) -> Target:
    return Target(builder, name, (f"{builder}/{name}",), None)


def test_a_fresh_build_starts_the_paper_and_the_fitted_handouts_and_ends_with_web_pages_and_roadmaps():
    todo = [target("site", "example-a"), target("roadmaps", "green-skills"), target("handouts", "example-cards-a4"),
            target("site", "assets"), target("handouts", "priority-green-a4"), target("paper", "html"),
            target("handouts", "recommendations-a4"), target("paper", "pdf"), target("site", "cell-x")]
    order = [t.id for t in longest_first(todo, {})]
    assert order == ["paper:pdf", "handouts:recommendations-a4", "handouts:priority-green-a4",
                     "handouts:example-cards-a4", "site:assets", "paper:html", "roadmaps:green-skills",
                     "site:example-a", "site:cell-x"]  # equal costs keep their order


def test_what_a_target_cost_in_the_last_build_comes_before_the_prior():
    cards, paper = target("handouts", "example-cards-a4-part-01"), target("paper", "pdf")
    manifest = {cards.id: {"cpu_seconds": 12.5}, paper.id: {"cpu_seconds": 3.0}, "x": {}}
    assert expected_seconds(cards, manifest) == 12.5
    assert [t.id for t in longest_first([paper, cards], manifest)] == [cards.id, paper.id]
    assert expected_seconds(paper, {paper.id: {"failed": {"error": "..."}}}) == expected_seconds(paper, {})
