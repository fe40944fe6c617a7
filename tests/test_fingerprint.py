"""A target's fingerprint (pipeline/targets.py) says whether its output is up to date: it must change with
what the output shows and with nothing else."""
import dataclasses
import datetime as dt
from pathlib import Path

from pipeline.errors import Origin
from pipeline.targets import Target, fingerprint


@dataclasses.dataclass(frozen=True)
class Row:
    name: str
    since: dt.date
    tags: frozenset
    origin: Origin


def _print(deps, memo=None) -> str:
    return fingerprint(Target("site", "page", ("site/page.html",), deps), "v1", memo)


def test_what_the_output_shows_changes_the_fingerprint_and_where_it_sits_does_not():
    row = Row("R&D <network>", dt.date(2021, 5, 1), frozenset({"green", "digital"}), Origin("examples.csv", 3))
    base = _print({"example": row, "count": 1})
    assert _print({"count": 1, "example": row}) == base  # a dict's order is not content
    assert _print({"example": dataclasses.replace(row, origin=Origin("examples.csv", 9)), "count": 1}) == base
    assert _print({"example": dataclasses.replace(row, tags=frozenset({"digital", "green"})), "count": 1}) == base
    for changed in (dataclasses.replace(row, name="R&D network"), dataclasses.replace(row, since=dt.date(2021, 5, 2)),
                    dataclasses.replace(row, tags=frozenset({"green"}))):
        assert _print({"example": changed, "count": 1}) != base
    assert _print({"example": row, "count": 2}) != base
    assert _print({"example": row, "count": "1"}) != base  # a number is not its text
    assert fingerprint(Target("site", "page", ("site/page.html",), {"example": row, "count": 1}), "v2") != base


def test_a_record_shown_by_many_targets_is_hashed_once_and_the_same_way():
    row = Row("Cluster", dt.date(2021, 1, 1), frozenset(), Origin("examples.csv", 2))
    memo: dict = {}
    first = _print([row, {"again": row}], memo)
    assert len(memo) == 1
    assert _print([row, {"again": row}]) == first  # with or without the build's shared memo


def test_values_orjson_cannot_write_take_the_slow_walk_and_still_fingerprint():
    big = 2 ** 70  # beyond 64 bits
    assert _print({"n": big}) != _print({"n": big + 1})
    assert _print({"path": Path("a/b")}) != _print({"path": Path("a/c")})
    # keys no JSON writer takes (a tuple) go through the slow walk, which writes them as text
    assert _print({(1, 2): "tuple key"}) != _print({(1, 3): "tuple key"})
