"""The country view's map is projected once per machine (site_map._shapes, paths.user_cache): the kept
shapes are the projected ones, are used instead of projecting again, a torn entry is projected again, and
only the current entry stays."""
from __future__ import annotations

import pytest

from pipeline.render import site_map

pytestmark = pytest.mark.skipif(not site_map.ATLAS.is_file(), reason="needs the npm package world-atlas")


@pytest.fixture(scope="module")
def projected() -> dict[str, str]:
    return site_map._project_shapes(site_map.ATLAS.read_bytes())


def shapes() -> dict[str, str]:
    site_map._shapes.cache_clear()  # a new build's process
    return site_map._shapes(str(site_map.ATLAS), site_map.ATLAS.stat().st_mtime)


def test_kept_shapes_are_the_projected_ones_and_are_not_projected_again(tmp_path, monkeypatch, projected):
    monkeypatch.setenv("TOOLKIT_CACHE", str(tmp_path))
    stale = tmp_path / site_map.CACHE / f"{'0' * 64}.json"  # another atlas's or code's entry
    stale.parent.mkdir()
    stale.write_text("{}")
    assert shapes() == projected and len(projected) > 40
    kept = list(stale.parent.iterdir())
    assert len(kept) == 1 and kept[0] != stale

    def no_projection(atlas):
        raise AssertionError("projected again")

    monkeypatch.setattr(site_map, "_project_shapes", no_projection)
    assert shapes() == projected


def test_a_torn_entry_is_projected_again(tmp_path, monkeypatch, projected):
    monkeypatch.setenv("TOOLKIT_CACHE", str(tmp_path))
    shapes()
    (kept,) = (tmp_path / site_map.CACHE).iterdir()
    kept.write_text(kept.read_text()[:5000])
    assert shapes() == projected
    text = kept.read_text().replace('"M', '"M1', 1)  # whole JSON, other shapes: the checksum says no
    kept.write_text(text)
    assert shapes() == projected
    site_map._shapes.cache_clear()


def test_no_cache_when_turned_off(monkeypatch, projected):
    monkeypatch.setenv("TOOLKIT_CACHE", "")
    assert shapes() == projected
    site_map._shapes.cache_clear()
