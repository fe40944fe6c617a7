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
"""
from __future__ import annotations

import base64
import hashlib

FOLDER = "e"  # site/e/<code>.html
CODE_LENGTH = 8  # 40 bits of the hash


def code(example_id: str) -> str:
    digest = hashlib.sha256(example_id.encode("utf-8")).digest()
    return base64.b32encode(digest).decode("ascii").lower()[:CODE_LENGTH]


def path(example_id: str) -> str:
    """The short page, relative to the site's root: `e/<code>.html`."""
    return f"{FOLDER}/{code(example_id)}.html"


def url(web_address: str, example_id: str) -> str:
    """The short address of an example on the web tool at `web_address` (which ends with '/')."""
    return f"{web_address.rstrip('/')}/{path(example_id)}"


def pages(example_ids) -> dict[str, list[str]]:
    """Every short page (`e/<code>.html`) with the example ids it leads to (one, save a collision)."""
    out: dict[str, list[str]] = {}
    for example_id in example_ids:
        out.setdefault(path(example_id), []).append(example_id)
    return dict(sorted(out.items()))
