"""The consistency report: typed findings, waivers, and the text / JSON / HTML views of them.

A Finding says which rule fired, how bad it is, what it is about (`subject`, a stable string that a
waiver can name), and every place the editor has to look at. Rules produce findings; this module
only sorts, matches against waivers, counts and formats them.
"""
from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Origin, SourceError

ERROR, WARNING = "error", "warning"
SEVERITIES = (ERROR, WARNING)
STALE_RULE = "waivers.stale"  # a waiver that matches no finding is itself a finding


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    locations: tuple[Origin, ...]
    subject: str
    suggestion: str = ""

    @property
    def sort_key(self) -> tuple:
        return (self.rule, self.subject, self.message,
                tuple((o.file, o.row or 0, o.line or 0, o.key or "") for o in self.locations))

    def to_dict(self) -> dict:
        return {"rule": self.rule, "severity": self.severity, "subject": self.subject,
                "message": self.message, "suggestion": self.suggestion,
                "locations": [dict(o.to_dict(), text=str(o)) for o in self.locations]}


@dataclass(frozen=True)
class Waiver:
    """One acknowledged finding: `rule` and `subject` must match a finding exactly."""

    rule: str
    subject: str
    reason: str
    origin: Origin
    until: str = ""  # the last edition it applies to (a slip an erratum corrects later); "" = every edition
    at: tuple[str, ...] = ()  # the finding's locations as the report prints them ("table5_examples.csv:14")

    @property
    def key(self) -> tuple[str, str]:
        return (self.rule, self.subject)

    def matches(self, finding: "Finding") -> bool:
        """Rule, subject and, when the waiver names them, exactly the finding's locations: a new citation of
        a waived example (one more location) is a new finding, not covered by the old waiver."""
        if (finding.rule, finding.subject) != self.key:
            return False
        if not self.at:
            return True
        places = [str(o) for o in finding.locations]
        return len(places) == len(self.at) and all(
            any(p == a or p.endswith("/" + a) for p in places) for a in self.at)


WAIVER_KEYS = ("rule", "subject", "reason")
OPTIONAL_WAIVER_KEYS = ("until", "at")


def load_waivers(path: Path, known_rules: set[str]) -> list[Waiver]:
    """The waivers file as a list of Waiver; a missing file means none. Bad entries -> SourceError."""
    from .sources.texts import list_entries, read_yaml

    if not path.exists():
        return []
    doc = read_yaml(path)
    if doc.data is None:
        return []
    out: list[Waiver] = []
    seen: dict[tuple, Origin] = {}
    for i, where, item in list_entries(doc, WAIVER_KEYS + OPTIONAL_WAIVER_KEYS, "{rule, subject, reason} entries",
                                       "rule, subject and reason"):
        values = {}
        for key in WAIVER_KEYS:
            value = item.get(key)
            if not isinstance(value, str) or not value.strip():
                raise SourceError(doc.at(f"[{i}].{key}") if key in item else where,
                                  f"'{key}' is missing or empty (each waiver needs rule, subject and reason)")
            values[key] = value.strip()
        if "\n" in values["reason"]:
            raise SourceError(doc.at(f"[{i}].reason"), "'reason' must be one line")
        if values["rule"] not in known_rules:
            raise SourceError(doc.at(f"[{i}].rule"), f"unknown rule '{values['rule']}' "
                              "(`invoke check --no-waivers` lists the rules that fire)")
        at = item.get("at") or ()
        at = (at,) if isinstance(at, str) else at
        if not isinstance(at, (list, tuple)) or not all(isinstance(a, str) and a.strip() for a in at):
            raise SourceError(doc.at(f"[{i}].at"), "'at' must be a location or a list of locations as the report "
                                                   "prints them (e.g. table5_examples.csv:14)")
        waiver = Waiver(values["rule"], values["subject"], values["reason"], where,
                        str(item.get("until") or "").strip(), tuple(a.strip() for a in at))
        if (waiver.key, waiver.at) in seen:
            raise SourceError(where, f"duplicate waiver for {waiver.rule} '{waiver.subject}' "
                                     f"(also at {seen[(waiver.key, waiver.at)]})")
        seen[(waiver.key, waiver.at)] = where
        out.append(waiver)
    return out


@dataclass
class Report:
    """Findings split into open ones and acknowledged ones, plus the stale waivers."""

    open: list[Finding]
    waived: list[tuple[Finding, Waiver]]
    stale: list[Waiver]
    titles: dict[str, str] = field(default_factory=dict)  # rule id -> title
    waivers_used: bool = True

    @classmethod
    def build(cls, findings: list[Finding], waivers: list[Waiver] | None, titles: dict[str, str]) -> "Report":
        by_key: dict[tuple[str, str], list[Waiver]] = {}
        for w in waivers or ():
            by_key.setdefault(w.key, []).append(w)
        matched: set[int] = set()
        open_, waived = [], []
        for f in sorted(set(findings), key=lambda f: f.sort_key):
            waiver = next((w for w in by_key.get((f.rule, f.subject), ()) if w.matches(f) and id(w) not in matched),
                          None)
            if waiver:
                matched.add(id(waiver))  # one waiver, one finding
                waived.append((f, waiver))
            else:
                open_.append(f)
        stale = [w for w in waivers or () if id(w) not in matched]
        for w in stale:
            open_.append(Finding(STALE_RULE, WARNING,
                                 f"the waiver for {w.rule} '{w.subject}'"
                                 + (f" at {', '.join(w.at)}" if w.at else "")
                                 + " matches no finding any more; remove it (or fix its rule/subject/at)", (w.origin,), f"{w.rule} {w.subject}"))
        open_.sort(key=lambda f: f.sort_key)
        return cls(open_, waived, stale, titles, waivers is not None)

    # -- counts and outcome ----------------------------------------------------------------
    @property
    def counts(self) -> dict[str, int]:
        c = Counter(f.severity for f in self.open)
        return {"errors": c[ERROR], "warnings": c[WARNING], "acknowledged": len(self.waived),
                "stale_waivers": len(self.stale)}

    def exit_code(self, strict: bool = False) -> int:
        counts = self.counts
        return 1 if counts["errors"] or (strict and counts["warnings"]) else 0

    def rows(self) -> list[dict]:
        """Every finding (open first, then acknowledged) with a deterministic id."""
        out, used = [], Counter()
        items = [(f, None) for f in self.open] + list(self.waived)
        for f, waiver in items:
            base = f"{f.rule}:{f.subject}"
            used[base] += 1
            row = {"id": base if used[base] == 1 else f"{base}~{used[base]}", **f.to_dict(),
                   "status": "acknowledged" if waiver else "open"}
            if waiver:
                row["reason"] = waiver.reason
                row["waiver"] = str(waiver.origin)
            out.append(row)
        return out

    # -- views -------------------------------------------------------------------------------
    def summary_line(self) -> str:
        c = self.counts
        parts = [f"{c['errors']} error{'s' * (c['errors'] != 1)}",
                 f"{c['warnings']} warning{'s' * (c['warnings'] != 1)}"]
        if self.waivers_used:
            parts.append(f"{c['acknowledged']} acknowledged")
            parts.append(f"{c['stale_waivers']} stale waiver{'s' * (c['stale_waivers'] != 1)}")
        else:
            parts.append("waivers not applied")
        return ", ".join(parts)

    def text(self) -> str:
        """Open findings grouped by rule, then the acknowledged ones, then a summary line."""
        lines: list[str] = []
        for rule, group in _grouped(self.open):
            title = self.titles.get(rule, "")
            lines.append(f"{rule} ({group[0].severity}, {len(group)}){': ' + title if title else ''}")
            for f in group:
                lines.append(f"  - [{f.subject}] {f.message}")
                for origin in f.locations:
                    lines.append(f"      at {origin}")
                if f.suggestion:
                    lines.append(f"      {f.suggestion}")
            lines.append("")
        if self.waived:
            lines.append(f"Acknowledged ({len(self.waived)}; listed in the waivers file, not failures):")
            for f, waiver in self.waived:
                where = ", ".join(str(o) for o in f.locations[:2]) + (", ..." if len(f.locations) > 2 else "")
                lines.append(f"  - {f.rule} [{f.subject}] {waiver.reason} ({where})")
            lines.append("")
        lines.append(self.summary_line())
        return "\n".join(lines) + "\n"

    def to_json(self, strict: bool = False) -> str:
        data = {
            "summary": {**self.counts, "waivers_applied": self.waivers_used, "strict": strict,
                        "exit_code": self.exit_code(strict)},
            "rules": [{"id": r, "title": t} for r, t in sorted(self.titles.items())],
            "findings": self.rows(),
            "stale_waivers": [{"rule": w.rule, "subject": w.subject, "reason": w.reason,
                               "location": str(w.origin)} for w in self.stale],
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    def html(self, out_dir: Path, strict: bool = False) -> str:
        """A standalone page: summary, then one sortable table of every finding."""
        from .render.common import jinja_env

        out_dir = Path(out_dir).resolve()
        rows = self.rows()
        for row in rows:
            row["links"] = [(loc["text"], _relative_link(loc["file"], out_dir)) for loc in row["locations"]]
        env = jinja_env("check")
        return env.get_template("report.html.j2").render(
            rows=rows, counts=self.counts, summary=self.summary_line(), waivers_used=self.waivers_used,
            strict=strict, exit_code=self.exit_code(strict), titles=self.titles)


def _grouped(findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.rule, []).append(f)
    # errors first, then by rule id: what blocks a build is read first
    return sorted(groups.items(), key=lambda kv: (kv[1][0].severity != ERROR, kv[0]))


def _relative_link(file: str, out_dir: Path) -> str:
    """A link from the report's folder to a source file, so an editor can open the row's file."""
    target = Path(file).resolve()
    return Path(os.path.relpath(target, out_dir)).as_posix()
