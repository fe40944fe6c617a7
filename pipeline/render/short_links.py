"""Short, stable addresses for what a printed QR code opens: `e/<code>.html` on the web tool.

A QR code's density follows the length of its text. An example page's address carries the example's id
(`examples/brussels-regional-programme-for-the-circular-economy.html`, 70 characters after the site's
address), so the longest ids made the densest codes. A printed code instead opens `e/<code>.html`, where
`<code>` is 8 letters and digits derived from the example id alone (base32 of its SHA-256): every code on
every card has the same short length, and the code of an example never changes while its id does not, so
a card printed for one event still opens the right page after the toolkit has grown.

The page at that address sends the reader on to the example's page (an HTML refresh, no script) and
shows the link too. Two ids sharing a code (one chance in about 50 million for a pair; at 20,000
examples about 1 in 5,000) make a page that lists both rather than a wrong redirect.

The "and N more" codes of crowded handouts (overflow.py) open a place rather than an example, a cell's page
or a recommendation's entry: `c/<code>.html`, the code derived from that page's address on the site
(`cells/green-innovation-intelligence.html`, `recommendations.html#r1`). With the 27 characters of a
typical site address that is 42 characters, a version-3 code (29 modules), which prints 22 mm wide with
modules of 0.6 mm (handout_qr.py) where the page's own address made a version-5 code of 45 modules.
"""
from __future__ import annotations

import base64
import hashlib

FOLDER = "e"  # site/e/<code>.html
PLACE_FOLDER = "c"  # site/c/<code>.html: a cell's page or a recommendation's entry
CODE_LENGTH = 8  # 40 bits of the hash


def code(key: str) -> str:
    """The short code of an example id (or of a place's page, see place_path)."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return base64.b32encode(digest).decode("ascii").lower()[:CODE_LENGTH]


def path(example_id: str) -> str:
    """The short page, relative to the site's root: `e/<code>.html`."""
    return f"{FOLDER}/{code(example_id)}.html"


def url(web_address: str, example_id: str) -> str:
    """The short address of an example on the web tool at `web_address` (which ends with '/')."""
    return f"{web_address.rstrip('/')}/{path(example_id)}"


def place_path(page: str) -> str:
    """The short page of a place on the site (`page` relative to the site's root): `c/<code>.html`."""
    return f"{PLACE_FOLDER}/{code(page)}.html"


def place_url(web_address: str, page: str) -> str:
    """The short address a printed "and N more" code opens for `page` of the web tool at `web_address`."""
    return f"{web_address.rstrip('/')}/{place_path(page)}"


def pages(keys, path_of=path) -> dict[str, list[str]]:
    """Every short page (`e/<code>.html`, or with path_of=place_path `c/<code>.html`) with the example ids
    (pages) it leads to: one, save a collision."""
    out: dict[str, list[str]] = {}
    for key in keys:
        out.setdefault(path_of(key), []).append(key)
    return dict(sorted(out.items()))
