"""Figures 1-7 drawn as SVG from figures.yaml: well-formed, labelled, escaped, and every label fitted."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from pipeline.errors import SourceError
from pipeline.paths import TEMPLATES
from pipeline.render.figures import DRAWINGS, render_svg
from pipeline.render.text_metrics import fit, text_width, wrap
from tests.conftest import edit

SVG = "{http://www.w3.org/2000/svg}"
CSS = (TEMPLATES / "paper" / "figures.css").read_text(encoding="utf-8")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def labels_of(data) -> list[str]:
    """Every text a figure's data holds (the labels the drawing must show), ids and numbers aside."""
    out = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("id", "n"):
                continue
            out += labels_of(value)
    elif isinstance(data, list):
        for value in data:
            out += labels_of(value)
    elif isinstance(data, str):
        out.append(data)
    return out


def drawn_text(root) -> str:
    return squash("".join("".join(t.itertext()) for t in root.iter(f"{SVG}text")))


@pytest.fixture(scope="module")
def drawings(shipped):
    return {f.id: (f, render_svg(f, CSS)) for f in shipped.figures}


def test_every_shipped_figure_is_drawn_with_all_its_labels(drawings):
    assert len(drawings) == 7
    for fig_id, (figure, svg) in drawings.items():
        root = ET.fromstring(svg)  # well-formed XML: usable as a standalone .svg too
        assert root.tag == f"{SVG}svg"
        text = drawn_text(root)
        for label in labels_of(figure.data):
            # roadmap items are joined with " · " on one line: each item is still there
            assert squash(label) in text, (fig_id, label)


def test_svg_carries_its_alt_text_and_role(drawings):
    for figure, svg in drawings.values():
        root = ET.fromstring(svg)
        assert root.get("role") == "img"
        title = root.find(f"{SVG}title")
        assert title is not None and title.text == figure.alt
        assert root.get("aria-labelledby") == title.get("id")


def test_drawing_size_follows_its_content(drawings):
    for figure, svg in drawings.values():
        root = ET.fromstring(svg)
        w, h = float(root.get("width")), float(root.get("height"))
        assert root.get("viewBox") == f"0 0 {w:g} {h:g}"
        assert 150 <= h <= 700, figure.id
        # nothing is placed outside the canvas
        for rect in root.iter(f"{SVG}rect"):
            x, y = float(rect.get("x")), float(rect.get("y"))
            assert -0.5 <= x and x + float(rect.get("width")) <= w + 0.5, figure.id
            assert -0.5 <= y and y + float(rect.get("height")) <= h + 0.5, figure.id


def test_stylesheet_is_embedded_as_text(drawings):
    """The CSS mentions "<svg>" in a comment: escaped, it cannot open an element inside the drawing."""
    assert "<svg>" in CSS
    for _, svg in drawings.values():
        assert svg.count("<svg") == 1
        style = ET.fromstring(svg).find(f"{SVG}style")
        assert ".figure-drawing .fig-box" in style.text


def test_labels_are_escaped(shipped):
    figure = next(f for f in shipped.figures if f.kind == "triad")
    data = dict(figure.data, centre='R&D <b>"x"</b>')
    svg = render_svg(replace(figure, data=data, alt="a < b & c"), CSS)
    root = ET.fromstring(svg)
    assert 'R&D<b>"x"</b>' in drawn_text(root)
    assert root.find(f"{SVG}title").text == "a < b & c"
    assert "<b>" not in svg


def test_fit_shrinks_then_refuses():
    fitted = fit("Accelerating the shift to sustainable and smart mobility", 150, 40, size=14, min_size=8)
    assert fitted.size < 14 and fitted.height <= 40
    assert all(text_width(line, fitted.size) <= 150 for line in fitted.lines)
    assert wrap("one two three", 1000, 12) == ["one two three"]
    from pipeline.render.figures import DoesNotFit

    with pytest.raises(DoesNotFit):
        fit("Supercalifragilisticexpialidocious", 20, 20, size=12, min_size=8)


def test_a_label_too_long_names_the_figure_and_key(sources):
    from pipeline.load import load

    edit(sources / "figures.yaml", "      label: Hold out\n",
         "      label: " + "Hold out for a very long time indeed " * 6 + "\n")
    tk = load(sources)
    figure = next(f for f in tk.figures if f.id == "shock-responses")
    with pytest.raises(SourceError) as caught:
        render_svg(figure, CSS)
    message = str(caught.value)
    assert "figures.yaml" in message and "shock-responses" in message and "responses[0].label" in message


def test_missing_data_and_unknown_kind_are_source_errors(shipped):
    figure = next(f for f in shipped.figures if f.kind == "pyramid")
    with pytest.raises(SourceError, match="levels"):
        render_svg(replace(figure, data={}), CSS)
    with pytest.raises(SourceError, match="unknown kind 'venn'"):
        render_svg(replace(figure, kind="venn"), CSS)
    with pytest.raises(SourceError, match="room for 2 to 6"):
        render_svg(replace(figure, data=dict(figure.data, levels=figure.data["levels"] * 2)), CSS)


def test_every_kind_in_the_sources_has_a_drawing(shipped):
    assert {f.kind for f in shipped.figures} <= set(DRAWINGS)
