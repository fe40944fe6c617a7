"""How a link is printed for a person (pipeline/render/printed.py): decoded, unless decoding would show
whitespace other than a blank (then as written, so that what is printed can be typed back)."""
from __future__ import annotations

from pipeline.render.printed import printed_url


def test_a_link_is_printed_decoded_unless_it_would_show_whitespace_other_than_a_blank():
    assert printed_url("https://x.eu/Programi%20drzavnih") == "https://x.eu/Programi drzavnih"
    for escaped in ("%0A", "%09", "%C2%A0", "%E2%80%83", "%E3%80%80"):  # newline, tab, no-break, em, ideographic
        assert printed_url(f"https://x.eu/a{escaped}b") == f"https://x.eu/a{escaped}b"
    assert printed_url("https://x.eu/%FF") == "https://x.eu/%FF"  # not UTF-8: as written
