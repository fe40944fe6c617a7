"""Shared fixtures: a private copy of the shipped sources that a test may edit freely."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
SHIPPED = PROJECT / "sources"


@pytest.fixture(scope="session")
def shipped():
    """The toolkit loaded from the shipped sources (read-only: do not mutate)."""
    from pipeline.load import load

    return load(SHIPPED)


@pytest.fixture
def sources(tmp_path) -> Path:
    """A copy of the shipped sources in a temporary folder."""
    target = tmp_path / "sources"
    shutil.copytree(SHIPPED, target)
    return target


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a source file, failing loudly if the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
