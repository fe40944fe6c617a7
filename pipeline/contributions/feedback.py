"""The feedback-form channel: the event's feedback form (`invoke handouts`) filled in as a PDF form.

The form's fields have fixed names (templates/handouts/feedback.html.j2 writes them):

    respondent_<n>                     check boxes, one per respondent type; the label is the field's tooltip
    answer_<n>                         the answer to question n; the question is the field's tooltip
    proposal_<n>_<field>               one proposed example or action per row: kind, name, country, link,
                                       priority, challenge, function
    contributor_name, contributor_organisation, contributor_email

A PDF without these fields (printed and scanned, or someone else's form) is refused in one line.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from .files import Refused
from .proposal import Answer, FileResult, Proposal

CHANNEL = "feedback-form"
PROPOSAL_FIELD = re.compile(r"^proposal_(\d+)_([a-z]+)$")
PROPOSAL_FIELDS = ("kind", "name", "country", "link", "priority", "challenge", "function")
UNCHECKED = ("", "/Off", "Off", None)


def _value(field) -> str:
    value = field.get("/V")
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value).strip()


def read_fields(path: Path) -> tuple[dict[str, dict], str]:
    """Field name -> pypdf field, and the date the PDF was saved (YYYY-MM-DD)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            raise Refused("an encrypted PDF; save it without a password")
        fields = reader.get_fields() or {}
        info = reader.metadata or {}
        stamp = info.get("/ModDate") or ""
    except Refused:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise Refused(f"corrupt PDF ({type(exc).__name__})") from None
    match = re.match(r"D:(\d{4})(\d{2})(\d{2})", str(stamp))
    if match:
        day = "-".join(match.groups())
    else:
        day = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc).date().isoformat()
    return fields, day


def read_feedback(path: Path, shown: str) -> tuple[list[tuple[Proposal, str]], list[Answer], FileResult]:
    """Proposals (each with its raw kind), answers and the file's summary; Refused if not our form."""
    fields, day = read_fields(path)
    if "contributor_name" not in fields or not any(PROPOSAL_FIELD.match(name) for name in fields):
        raise Refused("not the toolkit's feedback form as a PDF form (no contributor and proposal fields): "
                      "use the feedback form made by `invoke handouts`, or type a paper form in by hand")
    person = _value(fields["contributor_name"])
    email = _value(fields.get("contributor_email", {}))
    organisation = _value(fields.get("contributor_organisation", {}))
    respondent = "; ".join(
        str(field.get("/TU") or name) for name, field in sorted(fields.items())
        if name.startswith("respondent_") and field.get("/V") not in UNCHECKED)
    answers = []
    for name, field in sorted(fields.items(), key=lambda item: _number(item[0])):
        if name.startswith("answer_") and _value(field):
            answers.append(Answer(shown, person, respondent, str(field.get("/TU") or name), _value(field)))
    rows: dict[int, dict[str, str]] = {}
    for name, field in fields.items():
        match = PROPOSAL_FIELD.match(name)
        if match and match.group(2) in PROPOSAL_FIELDS:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = _value(field)
    out = []
    for n in sorted(rows):
        v = rows[n]
        if not any(v.values()):
            continue
        proposal = Proposal(CHANNEL, shown, f"proposal row {n}", kind="", name=v.get("name", ""),
                            country=v.get("country", ""), link=v.get("link", ""), priority=v.get("priority", ""),
                            challenge=v.get("challenge", ""), function=v.get("function", ""),
                            note=f"respondent: {respondent}" if respondent else "",
                            contributor=person, email=email, organisation=organisation, date=day)
        out.append((proposal, v.get("kind", "")))
    result = FileResult(shown, CHANNEL, proposals=len(out), answers=len(answers))
    if not out:
        result.note = "answers but no proposal" if (answers or respondent or person) else "nothing filled in"
    return out, answers, result


def _number(name: str) -> int:
    digits = re.findall(r"\d+", name)
    return int(digits[0]) if digits else 0
