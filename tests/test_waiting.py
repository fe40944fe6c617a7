"""Targets that read other targets' outputs (Target.after, pipeline/waiting.py): the joined example cards.

A made-up builder (`pipeline.render.fake_join`, put in sys.modules) whose parts write their text and whose
join concatenates the parts' files as it finds them on disk: it shows when the join ran and what it read.
"""
from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from pipeline.build import run_targets
from pipeline.errors import PipelineError
from pipeline.targets import Target
from pipeline.waiting import Waiting, combined

BUILDER = "fake_join"
CALLS: list[str] = []


def _part(name: str, text: str) -> Target:
    return Target(BUILDER, name, (f"parts/{name}.txt",), deps={"text": text}, params={"text": text})


def _join(parts: list[Target]) -> Target:
    return Target(BUILDER, "joined", ("joined.txt",), deps={}, params={"parts": [p.outputs[0] for p in parts]},
                  after=tuple(p.id for p in parts))


def build_target(toolkit, target: Target) -> dict[str, bytes]:
    CALLS.append(target.name)
    if target.params["text"] == "bad":
        raise PipelineError(f"{target.name}: bad text")
    return {target.outputs[0]: target.params["text"].encode()}


def build_after(toolkit, target: Target, out: Path) -> dict[str, bytes]:
    CALLS.append(target.name)
    return {target.outputs[0]: b"+".join((out / rel).read_bytes() for rel in target.params["parts"])}


@pytest.fixture(autouse=True)
def fake_builder(monkeypatch):
    module = types.ModuleType(f"pipeline.render.{BUILDER}")
    module.build_target, module.build_after = build_target, build_after
    monkeypatch.setitem(sys.modules, module.__name__, module)
    CALLS.clear()


def build(out: Path, texts: list[str], **kwargs):
    parts = [_part(f"p{i}", text) for i, text in enumerate(texts)]
    return run_targets(types.SimpleNamespace(final=False), [_join(parts), *parts], out=out, jobs=1, progress=False,
                       **kwargs)


def test_a_join_runs_after_its_parts_and_reads_what_they_wrote(tmp_path):
    summary = build(tmp_path, ["a", "b", "c"])
    assert not summary.failed and CALLS == ["p0", "p1", "p2", "joined"]  # listed first, built last
    assert (tmp_path / "joined.txt").read_text() == "a+b+c"


def test_one_changed_part_rebuilds_that_part_and_the_join_only(tmp_path):
    build(tmp_path, ["a", "b", "c"])
    CALLS.clear()
    assert build(tmp_path, ["a", "b", "c"]).built == []  # nothing changed: the join is up to date too
    summary = build(tmp_path, ["a", "B", "c"])
    assert CALLS == ["p1", "joined"] and summary.built == ["fake_join:p1", "fake_join:joined"]
    assert (tmp_path / "joined.txt").read_text() == "a+B+c"


def test_a_deleted_join_is_made_again_from_the_parts_on_disk(tmp_path):
    build(tmp_path, ["a", "b"])
    (tmp_path / "joined.txt").unlink()
    CALLS.clear()
    build(tmp_path, ["a", "b"])
    assert CALLS == ["joined"] and (tmp_path / "joined.txt").read_text() == "a+b"


def test_a_failed_part_fails_the_join_untried_until_the_part_changes(tmp_path):
    build(tmp_path, ["a", "b"])
    CALLS.clear()
    summary = build(tmp_path, ["a", "bad"])
    assert CALLS == ["p1"]  # the join never ran on a stale part
    assert summary.failed["fake_join:joined"] == "not built: fake_join:p1 failed (see its error)"
    assert (tmp_path / "joined.txt").read_text() == "a+b"  # the last good file stays
    CALLS.clear()
    again = build(tmp_path, ["a", "bad"])  # the same inputs: neither is retried, both errors are said
    assert CALLS == [] and set(again.failed) == {"fake_join:p1", "fake_join:joined"}
    assert "failed before" in again.failed["fake_join:joined"]
    fixed = build(tmp_path, ["a", "b2"])
    assert CALLS == ["p1", "joined"] and not fixed.failed and (tmp_path / "joined.txt").read_text() == "a+b2"


def test_force_rebuilds_the_join_after_its_parts(tmp_path):
    build(tmp_path, ["a", "b"])
    CALLS.clear()
    build(tmp_path, ["a", "b"], force=True)
    assert CALLS == ["p0", "p1", "joined"]


def test_the_fingerprint_of_a_join_follows_its_parts_and_an_unknown_input_is_refused():
    parts = [_part("p0", "a"), _part("p1", "b")]
    join = _join(parts)
    prints = {"fake_join:p0": "x", "fake_join:p1": "y", "fake_join:joined": "z"}
    first = combined([join, *parts], prints)["fake_join:joined"]
    assert first != "z" and combined([join, *parts], {**prints, "fake_join:p1": "y2"})["fake_join:joined"] != first
    assert combined([join, *parts], dict(prints))["fake_join:joined"] == first
    with pytest.raises(PipelineError, match="reads the outputs of fake_join:p1, which this build does not make"):
        combined([join, parts[0]], prints)


def test_waiting_releases_a_join_when_its_last_building_part_is_done():
    parts = [_part(f"p{i}", "x") for i in range(3)]
    join = _join(parts)
    waiting = Waiting([parts[0], parts[2], join], failed={})  # p1 is up to date: not waited for
    assert waiting.ready([parts[0], parts[2], join]) == [parts[0], parts[2]]
    assert waiting.release("fake_join:p2", False) == ([], {})
    assert waiting.release("fake_join:p0", False) == ([join], {})
    failing = Waiting([parts[0], join], failed={"fake_join:p1": "it broke"})
    assert failing.ready([parts[0], join]) == [parts[0]] and failing.failing() == {}
    assert failing.release("fake_join:p0", False) == ([], {"fake_join:joined":
                                                           "not built: fake_join:p1 failed (see its error)"})


def test_in_the_pool_the_join_starts_once_its_parts_are_written(tmp_path):
    parts = [_part(f"p{i}", text) for i, text in enumerate("abcdef")]
    summary = run_targets(types.SimpleNamespace(final=False), [_join(parts), *parts], out=tmp_path, jobs=2,
                          progress=False)
    assert not summary.failed and summary.built[-1] == "fake_join:joined" and len(summary.built) == 7
    assert (tmp_path / "joined.txt").read_text() == "a+b+c+d+e+f"
    parts[3] = _part("p3", "bad")
    summary = run_targets(types.SimpleNamespace(final=False), [_join(parts), *parts], out=tmp_path, jobs=2,
                          progress=False)
    assert set(summary.failed) == {"fake_join:p3", "fake_join:joined"} and summary.built == []
