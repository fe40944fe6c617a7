"""A target renders with Python's cyclic collector paused (pipeline/worker_memory.py, build.py _build_one):
WeasyPrint's layout is millions of young objects that live until the PDF is written, and the collector
walked them again and again (5-18 % of a PDF's CPU). What the render leaves is collected once after a
PDF, and the collector is on again afterwards, whatever happened."""
from __future__ import annotations

import gc
import types

import pytest

from pipeline import build
from pipeline.errors import PipelineError
from pipeline.targets import Target


@pytest.fixture
def tmp_path(tmp_path):
    (tmp_path / ".build").mkdir()  # the build's state folder, as run_targets makes it
    return tmp_path


def fake_builder(monkeypatch, render):
    module = types.SimpleNamespace(build_target=lambda toolkit, target: render(target))
    monkeypatch.setattr(build, "builder_module", lambda name: module)
    return Target("fake", "one", ("fake/one.pdf",), deps=None)


def test_a_target_renders_without_cyclic_collections_and_its_garbage_is_collected_after(monkeypatch, tmp_path):
    seen = {}

    def render(target):
        seen["enabled"] = gc.isenabled()
        before = gc.get_count()[0]
        for _ in range(5000):  # cyclic garbage, as a layout's boxes with parent links leave
            a, b = [], []
            a.append(b), b.append(a)
        seen["young"] = gc.get_count()[0] - before
        return {"fake/one.pdf": b"%PDF-1.7 stub"}

    target = fake_builder(monkeypatch, render)
    assert gc.isenabled()
    build.build_one(target, str(tmp_path))
    assert seen["enabled"] is False
    assert seen["young"] >= 5000  # nothing collected them during the render (a collection empties it)
    assert gc.isenabled()
    assert gc.get_count()[0] < 1000  # collected once after the PDF
    assert (tmp_path / "fake" / "one.pdf").read_bytes() == b"%PDF-1.7 stub"


def test_the_collector_is_on_again_after_a_target_fails(monkeypatch, tmp_path):
    def render(target):
        raise PipelineError("fake: broken on purpose")

    target = fake_builder(monkeypatch, render)
    with pytest.raises(PipelineError, match="broken on purpose"):
        build.build_one(target, str(tmp_path))
    assert gc.isenabled()


def test_a_paused_collector_stays_paused(monkeypatch, tmp_path):
    # a caller that paused it (load.paused_gc) gets it back paused
    target = fake_builder(monkeypatch, lambda t: {"fake/one.pdf": b"%PDF stub"})
    gc.disable()
    try:
        build.build_one(target, str(tmp_path))
        assert not gc.isenabled()
    finally:
        gc.enable()
