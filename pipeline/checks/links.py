"""Links: every printed link is a well-formed http(s) URL (no spaces, no script or file schemes)."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..errors import Origin
from ..model import NONE_PRINTED, Toolkit
from ..report import ERROR
from . import finding, rule
from .common import body_lines, cell_key

MD_LINK = re.compile(r"\]\(([^)]*)\)")
UNSAFE_SCHEMES = {"javascript", "vbscript", "file", "data"}
HOST = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$|^xn--", re.I)
BAD_CHARS = re.compile(r"[\s<>\"`{}|\\^\x00-\x1f\x7f]")


# The shape of nearly every link (an http(s) scheme, an ASCII host name, a path without BAD_CHARS): such a
# link passes every test below, so it is answered by one match instead of urlsplit and the IDNA codec.
PLAIN = re.compile(r"(https?)://((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})"
                   r"(?:[/?#][^\s<>\"`{}|\\^\x00-\x1f\x7f]*)?", re.I)


def link_problem(url: str, schemes: tuple[str, ...] = ("http", "https")) -> str:
    """Why `url` is not a usable link, or "" if it is."""
    plain = PLAIN.fullmatch(url)
    if plain and plain.group(1).lower() in schemes and len(plain.group(2)) <= 253:
        return ""
    if BAD_CHARS.search(url):
        bad = BAD_CHARS.search(url).group()
        return "contains a space" if bad.isspace() else f"contains the character {bad!r}"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises on a malformed port
    except ValueError as exc:
        return f"is not a well-formed URL ({exc})"
    scheme = parts.scheme.lower()
    if scheme in UNSAFE_SCHEMES:
        return f"uses the unsafe '{scheme}:' scheme"
    if scheme not in schemes:
        return f"is not an {'/'.join(schemes)} URL" if scheme else "has no http:// or https:// in front"
    if scheme == "mailto":
        return "" if "@" in parts.path else "is not an e-mail address"
    host = parts.hostname or ""
    if not host:
        return "has no host name"
    try:
        host.encode("idna")
    except UnicodeError:
        return f"has an invalid host name '{host}'"
    if not HOST.match(host.encode("idna").decode("ascii")):
        return f"has an invalid host name '{host}'"
    return ""


def _links(toolkit: Toolkit):
    """(subject, url, origin, allowed schemes) for every link the outputs print that is not a usable one."""
    web = ("http", "https")
    for e in toolkit.examples:  # subject and origin made only for a bad link (10,000 examples)
        if e.link and link_problem(e.link, web):
            yield f"example:{e.id}", e.link, e.origin.at(column="link"), web
    for c in [*toolkit.cell_examples, *toolkit.table5_examples]:
        if c.link and c.link != NONE_PRINTED and link_problem(c.link, web):
            yield f"example:{c.example}@{cell_key(c)}", c.link, c.origin.at(column="link"), web
    for r in toolkit.references:
        if r.url:
            yield f"reference:{r.id}", r.url, r.origin.at(key=f"{r.origin.key}.url"), web
    for section in toolkit.sections:
        for origin, text in body_lines(section):
            for m in MD_LINK.finditer(text):
                target = m.group(1).strip()
                if target and not target.startswith("#"):
                    yield f"section:{section.id}:{target}", target, origin, (*web, "mailto")


@rule("links.malformed", ERROR, "every link is a well-formed http(s) URL")
def malformed(toolkit: Toolkit):
    bad: dict[str, tuple[str, str, list[Origin]]] = {}
    for subject, url, origin, schemes in _links(toolkit):
        problem = link_problem(url, schemes)
        if problem:
            bad.setdefault(subject, (url, problem, []))[2].append(origin)
    for subject, (url, problem, origins) in sorted(bad.items()):
        fixed = url.strip().replace(" ", "%20")
        suggestion = ""
        if problem == "contains a space" and not link_problem(fixed):
            suggestion = f"did you mean '{fixed}'?"
        elif problem.startswith("has no http") and not link_problem("https://" + url):
            suggestion = f"did you mean 'https://{url}'?"
        yield finding(subject, f"the link '{url}' {problem}", origins, suggestion)
