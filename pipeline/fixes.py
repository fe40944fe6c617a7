"""Fixes the checker can offer: findings whose correction is mechanical become proposed errata.

`invoke fix` runs the rules on an edition and, for each finding a fixer knows how to correct with
certainty *from the paper itself*, proposes an erratum (status `proposed`); it prints them as a diff
of `sources/errata.yaml`, and `--apply` appends them for an editor to set `accepted`. A finding whose
right value is not certain (which of two printed names is right, which link, which country) gets no
fixer: it stays a waiver until an editor decides.

Fixers, by rule:
    prose.doubled-label, prose.odd-label  the label printed everywhere else, "Example:"
    prose.repeated-word                   the phrase once
    prose.spelling                        the one dictionary word a single keystroke away, if there is one
    table5.action-wording                 the wording Tables 2-4 print for the same action, when the
                                          two differ by one short passage (a slip, not a rewording)
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errata import ERRATA_FILE, PROPOSED, read_errata
from .errors import Origin, PipelineError
from .model import DEFAULT_LABEL, Toolkit
from .report import Finding


@dataclass(frozen=True)
class Proposal:
    target: str
    field: str
    printed: str
    corrected: str
    kind: str
    reason: str
    rule: str
    where: Origin

    def entry(self, edition: str) -> dict:
        data = {"target": self.target}
        if self.field:
            data["field"] = self.field
        data.update(printed=self.printed, corrected=self.corrected, kind=self.kind, reason=self.reason,
                    edition=edition, status=PROPOSED)
        return data


# -- where a finding's text lives -----------------------------------------------------------------

def _texts_by_prefix(tk: Toolkit) -> dict[str, list[tuple[str, str, str, Origin]]]:
    """{finding prefix: [(target, field, text, origin)]} for every text a prose rule reads."""
    out: dict[str, list] = {}
    for s in tk.sections:
        rel = "/".join(Path(s.origin.file).parts[-2:])  # text/01-introduction.md
        out.setdefault(f"section:{s.id}", []).append((f"text:{rel}", "", s.body, s.origin))
    for a in tk.actions:
        out.setdefault(f"action:{a.id}", []).append((f"action:{a.id}", "text", a.text, a.origin))
    from .checks.common import slug_words

    for r in tk.table5_actions:
        if r.text:
            key = f"{r.recommendation}/{r.function}/{r.action or slug_words(r.text)}"
            for prefix in (f"table5:{r.recommendation}/{r.function}", f"table5-action:{r.recommendation}/{r.function}"):
                out.setdefault(prefix, []).append((f"table5-action:{key}", "text", r.text, r.origin))
    for r in tk.recommendations:
        out.setdefault(f"recommendation:{r.id}", []).append((f"recommendation:{r.id}", "title", r.title, r.origin))
    for f in tk.figures:
        out.setdefault(f"figure:{f.id}", []).append((f"figure:{f.id}", "caption", f.caption, f.origin))
    return out


def unique_passage(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen text[start:end] word by word until it occurs once in `text` (an erratum must be unambiguous)."""
    while text.count(text[start:end]) > 1:
        left = text.rfind(" ", 0, max(start - 1, 0))
        right = text.find(" ", end + 1)
        start = 0 if left < 0 else left + 1
        end = len(text) if right < 0 else right
        if start == 0 and end == len(text):
            break
    return start, end


def _at(origin: Origin, text: str, start: int) -> Origin:
    """The line of a passage of a prose body (a record's origin is its row, whatever the offset)."""
    if origin.line is None:
        return origin
    return origin.at(line=origin.line + text.count("\n", 0, start))


def _passage_fix(places, pattern: re.Pattern, replace_with, rule: str, kind: str, reason: str):
    for target, field, text, origin in places:
        m = pattern.search(text)
        if not m:
            continue
        start, end = unique_passage(text, m.start(), m.end())
        printed = text[start:end]
        corrected = printed[:m.start() - start] + replace_with(m) + printed[m.end() - start:]
        return Proposal(target, field, printed, corrected, kind, reason, rule, _at(origin, text, m.start()))
    return None


# -- the fixers -----------------------------------------------------------------------------------

def fix_label(tk: Toolkit, f: Finding) -> Proposal | None:
    from .checks.common import all_citations, cell_key

    citation = next((c for c in all_citations(tk) if f"{c.example}@{cell_key(c)}" == f.subject), None)
    if citation is None:
        return None
    doubled = f.rule == "prose.doubled-label"
    return Proposal(f"citation:{f.subject}", "label", citation.label, DEFAULT_LABEL,
                    "repeated label" if doubled else "typo",
                    f"the label is printed {'twice' if doubled else 'as ' + repr(citation.label)}; every other "
                    f"citation reads '{DEFAULT_LABEL}'", f.rule, citation.origin)


def fix_repeated_word(tk: Toolkit, f: Finding) -> Proposal | None:
    from .checks.prose import REPEAT
    from .wording import fold

    prefix, phrase = f.subject.rsplit(":", 1)
    places = _texts_by_prefix(tk).get(prefix, [])
    for target, field, text, origin in places:
        for m in REPEAT.finditer(text):
            if fold(" ".join(m.group(1).split())) == phrase:
                start, end = unique_passage(text, m.start(), m.end())
                printed = text[start:end]
                corrected = printed[:m.start() - start] + m.group(1) + printed[m.end() - start:]
                return Proposal(target, field, printed, corrected, "repeated word",
                                f"the words '{m.group(1)}' are printed twice in a row", f.rule,
                                _at(origin, text, m.start()))
    return None


def fix_spelling(tk: Toolkit, f: Finding) -> Proposal | None:
    from .checks.spelling import one_edit

    prefix, word = f.subject.rsplit(":", 1)
    candidates = one_edit(word)
    if len(candidates) != 1:  # none, or several equally close words: not certain
        return None
    right = candidates[0]
    pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)")
    return _passage_fix(_texts_by_prefix(tk).get(prefix, []), pattern, lambda m: right, f.rule, "typo",
                        f"misspelling of '{right}' (the only dictionary word one keystroke away)")


def fix_action_wording(tk: Toolkit, f: Finding) -> Proposal | None:
    from .checks.common import slug_words

    rec, function, key = f.subject.split("/", 2)
    row = next((r for r in tk.table5_actions if r.recommendation == rec and r.function == function
                and (r.action or slug_words(r.text)) == key and r.text), None)
    action = tk.action_by_id.get(row.action) if row else None
    if not row or not action:
        return None
    printed_words, right_words = row.text.split(), action.text.split()
    ops = [op for op in difflib.SequenceMatcher(a=printed_words, b=right_words, autojunk=False).get_opcodes()
           if op[0] != "equal"]
    if len(ops) != 1 or max(ops[0][2] - ops[0][1], ops[0][4] - ops[0][3]) > 3:
        return None  # a rewording, not a slip: an editor decides
    _, i1, i2, j1, j2 = ops[0]
    lo, hi = i1, i2
    while lo > 0 or hi < len(printed_words):  # the shortest passage that is unique in the text
        printed = " ".join(printed_words[lo:hi])
        if printed and row.text.count(printed) == 1:
            break
        lo, hi = max(lo - 1, 0), min(hi + 1, len(printed_words))
    printed = " ".join(printed_words[lo:hi])
    corrected = " ".join(printed_words[lo:i1] + right_words[j1:j2] + printed_words[i2:hi])
    if not printed or row.text.count(printed) != 1:
        return None
    kind = "punctuation" if re.sub(r"\W", "", printed) == re.sub(r"\W", "", corrected) else "typo"
    return Proposal(f"table5-action:{f.subject}", "text", printed, corrected, kind,
                    f"Tables 2-4 print this action ({action.id}) as '{corrected}'", f.rule, row.origin)


FIXERS = {"prose.doubled-label": fix_label, "prose.odd-label": fix_label,
          "prose.repeated-word": fix_repeated_word, "prose.spelling": fix_spelling,
          "table5.action-wording": fix_action_wording}


def propose(tk: Toolkit, sources: Path) -> list[Proposal]:
    """The certain fixes of every finding on `tk`, less those errata.yaml already holds (any status)."""
    from .checks import run_rules
    from .editions import read_editions

    taken = [(e.target, e.field, e.printed) for e in read_errata(sources, read_editions(sources))]
    out = []
    for f in run_rules(tk, list(FIXERS)):
        p = FIXERS[f.rule](tk, f)
        if p is None:
            continue
        # one correction per passage: an erratum (of any status) or an earlier proposal may already hold it
        if any(t == p.target and fl == p.field and (pr in p.printed or p.printed in pr) for t, fl, pr in taken):
            continue
        taken.append((p.target, p.field, p.printed))
        out.append(p)
    return out


# -- the command ----------------------------------------------------------------------------------

def render_entries(proposals: list[Proposal], edition: str) -> str:
    blocks = []
    for p in proposals:
        body = yaml.safe_dump([p.entry(edition)], sort_keys=False, allow_unicode=True, width=1000)
        blocks.append(f"# proposed by `invoke fix` ({p.rule}, {p.where.at(column=None)})\n{body}")
    return "".join(blocks)


def fix_command(sources: Path, *, edition: str | None = None, apply: bool = False) -> int:
    """`invoke fix`: print the errata it would add as a diff of errata.yaml; `apply` writes them."""
    from .editions import read_editions
    from .load import load
    from .outputs import atomic_write_text

    sources = Path(sources)
    editions = read_editions(sources)
    target = editions.get(edition)
    if target.published:
        raise PipelineError(f"edition '{target.id}' is published, so frozen: errata apply from an edition in "
                            f"preparation (add one to {sources / 'editions.yaml'})")
    tk = load(sources, edition=target.id)
    proposals = propose(tk, sources)
    path = sources / ERRATA_FILE
    before = path.read_text(encoding="utf-8") if path.exists() else ""
    if not proposals:
        print(f"nothing to fix with certainty in edition {target.id}")
        return 0
    after = before + ("" if not before or before.endswith("\n") else "\n") + \
        ("\n" if before.strip() else "") + render_entries(proposals, target.id)
    diff = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                fromfile=f"a/{path}", tofile=f"b/{path}")
    print("".join(diff), end="")
    if apply:
        atomic_write_text(path, after)
        print(f"wrote {len(proposals)} proposed errata to {path}: review them, set `status: accepted` "
              "for the ones to print")
    else:
        print(f"{len(proposals)} errata proposed for edition {target.id}; `invoke fix --apply` writes them")
    return 0
