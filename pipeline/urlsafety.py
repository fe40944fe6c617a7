"""URL safety that does not depend on the check: no output links anywhere but the web, or loads anything
from outside the project, whatever the sources say and even with --force.

- `web_link(url)`: the URL if it is an http(s) address with a host, else "" (callers print the name
  without a link). Renderers call it for every link they make from data (docx hyperlinks, QR codes).
- `safe_html(text)`: the last pass over every HTML page the build writes and every page WeasyPrint
  renders: an `href` that is not a web address, a same-page `#anchor`, a relative path or `mailto:` is
  removed (the text stays, unlinked); a `src` (img, script, iframe...) or `srcset` that is not a relative
  path inside the output or inline `data:image/` is removed, so a browser never fetches from elsewhere.
- `unsafe_docx_links(data)`: the external relationships of a .docx that are not web addresses; the build
  refuses to write such a file (a renderer forgot `web_link`).
"""
from __future__ import annotations

import html
import io
import re
import zipfile
from urllib.parse import urlsplit

_CONTROL = re.compile(r"[\x00-\x20\x7f]")
_ATTRIBUTE = re.compile(r"""(\s)(href|xlink:href|src|srcset|action|formaction|poster|background|data|ping)"""
                        r"""(\s*=\s*)("[^"]*"|'[^']*')""", re.IGNORECASE)
_TAG = re.compile(r"""<[a-zA-Z](?:[^<>"']|"[^"]*"|'[^']*')*>""")


def web_link(url: str | None) -> str:
    """`url` if it is an http(s) address with a host and nothing hidden in it; "" otherwise."""
    url = (url or "").strip()
    if not url or _CONTROL.search(url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme.lower() in ("http", "https") and parts.hostname else ""


def _relative_inside(url: str) -> bool:
    """A relative path such as `assets/site.css` or `../examples/x.html`: no scheme, no host, no root."""
    if not url or _CONTROL.search(url) or url.startswith(("/", "\\")):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return not parts.scheme and not parts.netloc


def safe_href(url: str) -> bool:
    return (url.startswith("#") and not _CONTROL.search(url)) or _relative_inside(url) or bool(web_link(url)) \
        or (url.lower().startswith("mailto:") and not _CONTROL.search(url) and "@" in url)


def safe_src(url: str) -> bool:
    return _relative_inside(url) or (url.lower().startswith("data:image/") and not _CONTROL.search(url[:200]))


def _clean_tag(tag: re.Match, links_only: bool = False) -> str:
    def attribute(match: re.Match) -> str:
        name, quoted = match.group(2).lower(), match.group(4)
        if links_only and name not in ("href", "xlink:href"):
            return match.group(0)
        value = html.unescape(quoted[1:-1]).strip()
        if name in ("href", "xlink:href"):
            ok = safe_href(value)
        elif name == "srcset":
            ok = all(safe_src(part.strip().split(" ")[0]) for part in value.split(",") if part.strip())
        elif name == "ping":
            ok = False
        else:
            ok = safe_src(value)
        return match.group(0) if ok else match.group(1) + "data-unsafe-link-removed=\"\""

    return _ATTRIBUTE.sub(attribute, tag.group(0))


def safe_html(text: str, links_only: bool = False) -> str:
    """`text` with every unsafe link or source attribute removed (see the module docstring).

    `links_only` leaves `src` to WeasyPrint's fetcher, which refuses (loudly) anything outside the project.
    """
    return _TAG.sub(lambda tag: _clean_tag(tag, links_only), text)


def safe_html_bytes(data: bytes) -> bytes:
    text = data.decode("utf-8")
    cleaned = safe_html(text)
    return data if cleaned == text else cleaned.encode("utf-8")


_TARGET = re.compile(r'<Relationship\b[^>]*\bTargetMode="External"[^>]*>')


def unsafe_docx_links(data: bytes) -> list[str]:
    """External link targets in a .docx package that are not web or mailto addresses."""
    bad: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if not name.endswith(".rels"):
                continue
            for rel in _TARGET.findall(package.read(name).decode("utf-8", "replace")):
                target = re.search(r'\bTarget="([^"]*)"', rel)
                url = html.unescape(target.group(1)) if target else ""
                if not (web_link(url) or (url.lower().startswith("mailto:") and "@" in url)):
                    bad.append(url)
    return bad
