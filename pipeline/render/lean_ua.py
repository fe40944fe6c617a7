"""WeasyPrint's user-agent stylesheet without the pseudo-element rules that match every element.

WeasyPrint's own stylesheet (weasyprint/css/html5_ua.css) has six rules whose selector is a bare
pseudo-element: `::marker`, `::footnote-call`, `::footnote-marker`, `::note-call`, `::note-marker`,
`::note-callback`. They match every element, so each element of a document gets six pseudo-element
styles computed besides its own: on a part of 64 example cards (~1,200 elements) that was most of
WeasyPrint's style step, ~5 % of the part's CPU. A document with no list markers (`list-style: none`),
no footnotes and no notes never shows those pseudo-elements, and its PDF is byte for byte the same
without them (tests/test_lean_ua.py); the example cards are such a document.

WeasyPrint takes its user-agent stylesheets from `HTML._ua_stylesheets()` (its own tests replace them
the same way); where a WeasyPrint version lacks that method or its stylesheet text, the full stylesheet
is used, never a guess.
"""
from __future__ import annotations

import re
from functools import lru_cache

# a rule whose selector is one bare pseudo-element, at the start of a line of html5_ua.css
UNIVERSAL_PSEUDO_RULE = re.compile(r"^::[a-z-]+\s*\{[^}]*\}[ \t]*\n?", re.MULTILINE)


def lean_ua_text(full: str) -> tuple[str, list[str]]:
    """The stylesheet text without its bare pseudo-element rules, and the rules taken out."""
    removed = [m.group(0).strip() for m in UNIVERSAL_PSEUDO_RULE.finditer(full)]
    return UNIVERSAL_PSEUDO_RULE.sub("", full), removed


@lru_cache(maxsize=1)
def lean_html_class():
    """A weasyprint.HTML whose user-agent stylesheet is the lean one (weasyprint.HTML if that is not
    possible with the installed WeasyPrint). Parsed once per process."""
    import weasyprint

    try:
        from weasyprint.html import UA, UA_COUNTER_STYLE
    except ImportError:
        return weasyprint.HTML
    if not callable(getattr(weasyprint.HTML, "_ua_stylesheets", None)):
        return weasyprint.HTML
    text, removed = lean_ua_text(UA)
    if not removed:
        return weasyprint.HTML
    sheet = weasyprint.CSS(string=text, counter_style=UA_COUNTER_STYLE)

    class LeanHTML(weasyprint.HTML):
        def _ua_stylesheets(self, forms=False):
            return [sheet] if not forms else super()._ua_stylesheets(forms)

    return LeanHTML
