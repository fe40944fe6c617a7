"""The web channel: proposal files saved by the web tool's "Propose an example / an action" form.

The form works offline (no server): it saves a small JSON file the contributor e-mails or hands in.

    {"format": "cluster-policy-toolkit-proposal", "version": 1,
     "saved_at": "2026-11-30T10:12:00Z", "page": "examples/covasna-business-incubator.html",
     "toolkit_edition": "2021",
     "contributor": {"name": "Ana Pop", "organisation": "Cluster Romania", "email": "ana@example.org"},
     "proposals": [{"kind": "example", "name": "...", "country": "...", "link": "https://...",
                    "priority": "green", "challenge": "skills", "function": "networking", "note": "..."},
                   {"kind": "action", "text": "...", "priority": "...", ...}]}

Every value is text; anything else, an unknown format, or more than MAX_PROPOSALS is refused in one line.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from .files import Refused
from .proposal import FileResult, Proposal

CHANNEL = "web"
FORMAT = "cluster-policy-toolkit-proposal"
VERSION = 1
MAX_PROPOSALS = 50
MAX_TEXT = 4000
FIELDS = ("kind", "name", "text", "country", "link", "priority", "challenge", "function", "note")


def _text(value, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Refused(f"{where} must be text, not {type(value).__name__}")
    if len(value) > MAX_TEXT:
        raise Refused(f"{where} is longer than {MAX_TEXT} characters")
    return value.strip()


def read_web(path: Path, shown: str) -> tuple[list[tuple[Proposal, str]], FileResult]:
    """Proposals (each with its raw kind) and the file's summary; Refused if it is not a proposal file."""
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise Refused("not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise Refused(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise Refused(f"not a proposal file of the web tool (no \"format\": \"{FORMAT}\")")
    if data.get("version") != VERSION:
        raise Refused(f"proposal file version {data.get('version')!r}; this harvest reads version {VERSION}")
    contributor = data.get("contributor") or {}
    if not isinstance(contributor, dict):
        raise Refused("\"contributor\" must be an object with name, organisation, email")
    person = _text(contributor.get("name"), "contributor.name")
    email = _text(contributor.get("email"), "contributor.email")
    organisation = _text(contributor.get("organisation"), "contributor.organisation")
    saved = _text(data.get("saved_at"), "saved_at")[:10]
    if not re.match(r"^\d{4}-\d{2}-\d{2}$", saved):  # a hand-edited file: the file's own date instead
        saved = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc).date().isoformat()
    items = data.get("proposals")
    if not isinstance(items, list):
        raise Refused("\"proposals\" must be a list")
    if len(items) > MAX_PROPOSALS:
        raise Refused(f"{len(items)} proposals in one file (limit {MAX_PROPOSALS})")
    out = []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise Refused(f"proposals[{n - 1}] must be an object")
        v = {k: _text(item.get(k), f"proposals[{n - 1}].{k}") for k in FIELDS}
        proposal = Proposal(CHANNEL, shown, f"proposal {n}", kind="", name=v["name"] or v["text"],
                            country=v["country"], link=v["link"], priority=v["priority"],
                            challenge=v["challenge"], function=v["function"], note=v["note"],
                            contributor=person, email=email, organisation=organisation,
                            date=saved)
        out.append((proposal, v["kind"]))
    result = FileResult(shown, CHANNEL, proposals=len(out), note="" if out else "no proposal in the file")
    return out, result
