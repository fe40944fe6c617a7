"""The web tool's fonts are cut once per machine (site_assets.web_font): the kept cut is the same bytes as a
fresh one, is used instead of cutting again, and a torn or missing cache only costs the cut."""
from __future__ import annotations

import pytest

from pipeline.paths import TEMPLATES
from pipeline.render import site_assets

FONT = TEMPLATES / "fonts" / "OpenSans-Bold.ttf"


@pytest.fixture(scope="module")
def fresh_cut() -> bytes:
    return site_assets._cut(FONT)


def test_the_kept_cut_is_the_fresh_cut_and_is_not_cut_again(tmp_path, monkeypatch, fresh_cut):
    monkeypatch.setenv("TOOLKIT_CACHE", str(tmp_path))
    assert site_assets.web_font(FONT) == fresh_cut
    assert [p.read_bytes() for p in (tmp_path / "web-fonts").iterdir()] == [fresh_cut]

    def no_cut(path):
        raise AssertionError("cut again")

    monkeypatch.setattr(site_assets, "_cut", no_cut)
    assert site_assets.web_font(FONT) == fresh_cut


def test_a_torn_cut_is_cut_again_and_replaced(tmp_path, monkeypatch, fresh_cut):
    monkeypatch.setenv("TOOLKIT_CACHE", str(tmp_path))
    site_assets.web_font(FONT)
    (kept,) = (tmp_path / "web-fonts").iterdir()
    kept.write_bytes(fresh_cut[:1000])
    assert site_assets.web_font(FONT) == fresh_cut == kept.read_bytes()


def test_another_font_or_glyph_set_is_another_cut(tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_CACHE", str(tmp_path))
    key = site_assets._cut_key(FONT.read_bytes())
    monkeypatch.setattr(site_assets, "FONT_UNICODES", site_assets.FONT_UNICODES[:-1])
    assert site_assets._cut_key(FONT.read_bytes()) != key
    assert site_assets._cut_key(FONT.read_bytes()[:-1]) != site_assets._cut_key(FONT.read_bytes())


def test_no_cache_when_turned_off(monkeypatch, fresh_cut):
    monkeypatch.setenv("TOOLKIT_CACHE", "")
    assert site_assets.web_font_cache() is None
    assert site_assets.web_font(FONT) == fresh_cut
