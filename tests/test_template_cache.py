"""Compiled templates kept across builds (pipeline/render/template_cache.py): a new environment takes the
kept code instead of compiling, an edited template is compiled afresh, and a cache that cannot be written
or read is no cache, never an error."""
from __future__ import annotations

import jinja2
import pytest

from pipeline.render.common import jinja_env
from pipeline.render.template_cache import bytecode_cache

SETTINGS = dict(autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def _env(folder, cache):
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), bytecode_cache=cache, **SETTINGS)


@pytest.fixture
def no_compiling(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise AssertionError("compiled again")

    return lambda: monkeypatch.setattr(jinja2.Environment, "compile", refuse)


def test_the_shipped_templates_are_compiled_once_per_machine(monkeypatch, tmp_path, no_compiling):
    monkeypatch.setenv("TOOLKIT_CACHE", str(tmp_path))
    first = jinja_env("handouts").get_template("base.html.j2")
    kept = list(tmp_path.glob("templates-*/*.cache"))
    assert kept
    no_compiling()
    again = jinja_env("handouts").get_template("base.html.j2")  # a new environment, as in the next build
    assert again is not first and again.name == first.name


def test_an_edited_template_is_compiled_afresh(monkeypatch, tmp_path):
    monkeypatch.setenv("TOOLKIT_CACHE", str(tmp_path / "cache"))
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "t.j2").write_text("old {{ x }}\n", encoding="utf-8")
    assert _env(templates, bytecode_cache(SETTINGS)).get_template("t.j2").render(x="<b>") == "old &lt;b&gt;\n"
    (templates / "t.j2").write_text("new {{ x }}\n", encoding="utf-8")
    assert _env(templates, bytecode_cache(SETTINGS)).get_template("t.j2").render(x="a") == "new a\n"
    # other settings compile other code: they never share kept code
    assert bytecode_cache(dict(SETTINGS, autoescape=False)).directory != bytecode_cache(SETTINGS).directory


def test_a_cache_that_cannot_be_written_or_read_is_no_cache(monkeypatch, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "t.j2").write_text("{{ x }}", encoding="utf-8")
    monkeypatch.setenv("TOOLKIT_CACHE", "")
    assert bytecode_cache(SETTINGS) is None
    monkeypatch.setenv("TOOLKIT_CACHE", str(tmp_path / "cache"))
    cache = bytecode_cache(SETTINGS)
    _env(templates, cache).get_template("t.j2")
    for entry in (tmp_path / "cache").glob("templates-*/*.cache"):
        entry.write_bytes(entry.read_bytes()[:12])  # torn
    assert _env(templates, cache).get_template("t.j2").render(x=1) == "1"
    folder = next((tmp_path / "cache").glob("templates-*"))
    for entry in folder.iterdir():
        entry.unlink()
    folder.rmdir()
    folder.write_text("not a folder")  # nothing can be written there, even by root
    assert _env(templates, cache).get_template("t.j2").render(x=2) == "2"
