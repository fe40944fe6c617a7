"""Feeding the build's pool (pipeline/pool_feeder.py): a builder's after-build step, and a target that waited
for others' outputs (the card parts' join, the paper's join), run in a worker as soon as what they read is
done, before what is still queued, including what the pool was given but has not started."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from pipeline.pool_feeder import Feeder


def test_a_step_put_first_runs_before_what_is_still_queued():
    started: list[str] = []
    gate = threading.Event()

    def work(name: str) -> str:
        if name == "t0":
            gate.wait(5)  # the first item ends only once everything is queued
        started.append(name)
        return name

    ended: list[str] = []
    with ThreadPoolExecutor(max_workers=1) as pool:
        feeder = Feeder(pool, 1)
        feeder.add((f"t{i}", work, f"t{i}") for i in range(20))

        def on_end(item, future):
            assert future.result() == item
            ended.append(item)
            if item == "t0":
                feeder.first("after", work, "after")

        gate.set()
        feeder.run(on_end)
    assert sorted(ended) == sorted([f"t{i}" for i in range(20)] + ["after"])
    # what was submitted but not started comes back behind it: only the worker's item ran before the step
    assert started.index("after") == 1 and started[2:5] == ["t1", "t2", "t3"]
    assert len(started) == 21  # nothing taken back was lost or run twice


def test_calls_put_first_together_keep_their_order_at_the_head_of_the_queue():
    started: list[str] = []
    with ThreadPoolExecutor(max_workers=1) as pool:
        feeder = Feeder(pool, 1)
        feeder.add((f"t{i}", started.append, f"t{i}") for i in range(3))
        feeder.first_all((name, started.append, name) for name in ("long", "middle", "short"))
        feeder.run(lambda item, future: None)
    assert started == ["long", "middle", "short", "t0", "t1", "t2"]


def _started(name: str, seconds: float) -> tuple[str, float]:
    import time

    began = time.monotonic()  # system-wide: comparable across the pool's processes
    time.sleep(seconds)
    return name, began


def test_a_released_target_waits_behind_short_calls_only_in_a_process_pool():
    """ProcessPoolExecutor moves calls into its call queue, where they cannot be taken back: while a target
    others wait for runs, only short calls may be given to it beyond one long call per worker."""
    from concurrent.futures import ProcessPoolExecutor

    long_ones = {"part", "cards", *(f"long{i}" for i in range(4))}
    began: dict[str, float] = {}
    with ProcessPoolExecutor(max_workers=2) as pool:
        feeder = Feeder(pool, 2, awaited=lambda item: item == "part",
                        short=lambda item: item not in long_ones and item != "join")
        feeder.add([("part", _started, "part", 0.3), ("cards", _started, "cards", 0.8),
                    *((f"long{i}", _started, f"long{i}", 0.15) for i in range(4)),
                    *((f"page{i}", _started, f"page{i}", 0.0) for i in range(12))])

        def on_end(item, future):
            name, at = future.result()
            began[name] = at
            if name == "part":
                feeder.first("join", _started, "join", 0.0)

        feeder.run(on_end)
    assert len(began) == 19
    assert all(began["join"] < began[f"long{i}"] for i in range(4))  # not behind the long ones
    assert [n for n in sorted(began, key=began.get) if n.startswith("long")] == [f"long{i}" for i in range(4)]


@pytest.mark.slow
def test_the_card_parts_are_joined_in_a_worker_and_a_failing_step_is_reported(shipped, tmp_path, monkeypatch):
    from pipeline import build
    from pipeline.errors import PipelineError
    from pipeline.render import handout_cards, handouts

    monkeypatch.setattr(handout_cards, "PART_CARDS", 16)  # the workers fork after this: 4 parts
    parts = [t for t in handouts.targets(shipped, {}) if t.name.startswith("example-cards")]
    assert len(parts) == 5  # 4 parts and the joined file, a target that waits for them (waiting.py)
    summary = build.run_targets(shipped, parts, out=tmp_path, jobs=2, progress=False, after={"handouts": {}})
    assert summary.failed == {} and summary.after_done == {"handouts": None}
    assert summary.built[-1] == "handouts:example-cards-a4"
    joined = tmp_path / "handouts" / "example-cards-a4.pdf"
    files = sorted((tmp_path / handouts.CARD_PARTS).glob("*.pdf"))
    assert len(files) == 4
    again = handout_cards.join_card_parts(tmp_path, [str(f.relative_to(tmp_path)) for f in files])
    assert joined.read_bytes() == again  # the same join, in this process

    def broken(out, toolkit, options):
        raise PipelineError("handouts: joining failed on purpose")

    monkeypatch.setattr(handouts, "after_build", broken)
    small = [t for t in handouts.targets(shipped, {}) if t.params["kind"] in ("four-phases", "feedback-form")]
    summary = build.run_targets(shipped, small, out=tmp_path / "b", jobs=2, progress=False, after={"handouts": {}})
    assert summary.failed == {}
    error = summary.after_done["handouts"]
    assert isinstance(error, PipelineError) and str(error) == "handouts: joining failed on purpose"
