"""The example cards' lean user-agent stylesheet (pipeline/render/lean_ua.py): only the bare pseudo-element
rules are left out, and the cards' PDFs are byte for byte what the full stylesheet makes."""
from __future__ import annotations

import pytest

from pipeline.render import lean_ua

BARE_PSEUDO = {"::marker", "::footnote-call", "::footnote-marker", "::note-call", "::note-marker",
               "::note-callback"}


def test_only_the_bare_pseudo_element_rules_are_left_out_of_weasyprints_stylesheet():
    from weasyprint.html import UA

    lean, removed = lean_ua.lean_ua_text(UA)
    assert {rule.split("{")[0].strip() for rule in removed} == BARE_PSEUDO
    kept = [line for line in UA.splitlines() if not line.startswith("::")]
    assert lean.splitlines() == kept  # nothing else touched, not even a blank line
    assert "li::marker" not in "".join(removed)  # a selector naming its element stays


def test_a_rule_for_one_element_or_a_class_stays():
    text = "::marker { a: b }\nli::marker { c: d }\n.x::before { e: f }\n::note-call { g: h }\np { i: j }\n"
    lean, removed = lean_ua.lean_ua_text(text)
    assert lean == "li::marker { c: d }\n.x::before { e: f }\np { i: j }\n"
    assert removed == ["::marker { a: b }", "::note-call { g: h }"]


def test_the_lean_class_keeps_the_form_stylesheets():
    import weasyprint

    cls = lean_ua.lean_html_class()
    assert issubclass(cls, weasyprint.HTML) and cls is not weasyprint.HTML
    page = cls(string="<p>x</p>")
    assert len(page._ua_stylesheets()) == 1
    assert page._ua_stylesheets(forms=True) == weasyprint.HTML(string="<p>x</p>")._ua_stylesheets(forms=True)


@pytest.mark.slow
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_cards_are_the_same_bytes_with_the_lean_stylesheet(shipped, paper):
    from pipeline.paths import TEMPLATES
    from pipeline.render import handouts
    from pipeline.render.common import render_pdf
    from pipeline.render.handout_fit import TEMPLATE_FOLDER, _html

    target = next(t for t in handouts.targets(shipped, {"paper": paper}) if t.params["kind"] == "example-cards")
    context = handouts.render_context(shipped, target.params)
    html = _html(handouts.KINDS["example-cards"], context, 9.5, None, alts=[])
    epoch = shipped.document.source_date_epoch
    full = render_pdf(html, TEMPLATES / TEMPLATE_FOLDER, epoch, source="test")
    lean = render_pdf(html, TEMPLATES / TEMPLATE_FOLDER, epoch, source="test", lean_ua=True)
    assert lean == full
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(lean)) as pdf:  # still tagged: the bytes compared are a tagged PDF
        assert "/StructTreeRoot" in pdf.Root and len(pdf.pages) == -(-len(context["sheets"]) // 1)


@pytest.mark.slow  # the merge queue's fast suite runs `not slow`, huge included
@pytest.mark.huge
def test_a_card_part_at_2500_examples_is_the_same_bytes_with_the_lean_stylesheet(tmp_path):
    from pipeline.load import load
    from pipeline.paths import TEMPLATES
    from pipeline.render import handouts
    from pipeline.render.common import render_pdf
    from pipeline.render.handout_fit import TEMPLATE_FOLDER, _html
    from pipeline.synth import synthesise

    synthesise(2444, tmp_path / "sources", seed=2021)  # the bench's 2,500
    toolkit = load(tmp_path / "sources")
    parts = [t for t in handouts.targets(toolkit, {}) if "part" in t.params]
    assert len(parts) == -(-len(handouts.card_records(toolkit)) // handouts.PART_CARDS) > 2
    for target in (parts[0], parts[-1]):  # the first part and the short last one
        context = handouts.render_context(toolkit, target.params)
        html = _html(handouts.KINDS["example-cards"], context, 9.5, None, alts=[])
        epoch = toolkit.document.source_date_epoch
        full = render_pdf(html, TEMPLATES / TEMPLATE_FOLDER, epoch, source="test")
        assert render_pdf(html, TEMPLATES / TEMPLATE_FOLDER, epoch, source="test", lean_ua=True) == full
