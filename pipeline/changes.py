"""What changed between two editions: model A vs model B -> typed changes, as data.

Records are matched by id; an example or action whose id changed is matched to its old self by name
(or wording) similarity, so it shows as renamed or reworded, not as withdrawn + added. Prose is
compared paragraph by paragraph and reported hunk by hunk, so each erratum is one change. Every change
names its place (cell or table) and the source file:row it comes from, and the erratum that made it,
if one did. render/changes.py shows them (HTML and PDF); the paper's annex reuses them. Which two
toolkits are compared (editions, a git revision) is edition_pair.py's job.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from .model import Toolkit
from .wording import fold

SIMILAR = 80.0  # rapidfuzz ratio (0-100) above which an unmatched pair is one record with a new id

# Summary rows, in the order an editor reads them: (what, kind) -> label
CATEGORIES = (
    (("example", "added"), "Examples added"), (("example", "withdrawn"), "Examples withdrawn"),
    (("example", "renamed"), "Examples renamed"), (("example", "relinked"), "Examples relinked"),
    (("example", "country"), "Examples with another country"),
    (("citation", "added"), "Examples cited in another cell"), (("citation", "withdrawn"), "Citations withdrawn"),
    (("citation", "changed"), "Citations printed differently (label, name, country, link)"),
    (("action", "added"), "Actions added"), (("action", "withdrawn"), "Actions withdrawn"),
    (("action", "reworded"), "Actions reworded"), (("action", "moved"), "Actions moved to another cell"),
    (("table5", "added"), "Table 5 actions added"), (("table5", "withdrawn"), "Table 5 actions withdrawn"),
    (("table5", "reworded"), "Table 5 actions reworded"),
    (("recommendation", "added"), "Recommendations added"),
    (("recommendation", "withdrawn"), "Recommendations withdrawn"),
    (("recommendation", "changed"), "Recommendations changed"),
    (("prose", "reworded"), "Prose reworded"), (("prose", "added"), "Sections added"),
    (("prose", "withdrawn"), "Sections withdrawn"), (("figure", "changed"), "Figures changed"),
)


@dataclass(frozen=True)
class Change:
    what: str  # example, citation, action, table5, recommendation, prose, figure
    kind: str  # added, withdrawn, renamed, relinked, country, changed, reworded, moved
    subject: str  # what an editor calls it: the example's name, the action's id, the section's title
    place: str  # where it is printed: "Table 2 · Skills · Networking", "Section: Introduction"
    before: str
    after: str
    where: str  # source file:row of the new text (of the old one for a withdrawal)
    erratum: str = ""  # "sources/errata.yaml:12 (typo): reason", when an erratum made the change
    target: str = ""  # the record as an erratum names it ("citation:fi-media@...", "text:text/01-...md")

    @property
    def category(self) -> str:
        return dict(CATEGORIES).get((self.what, self.kind), f"{self.what} {self.kind}")


@dataclass
class Changes:
    from_label: str
    to_label: str
    items: list[Change] = field(default_factory=list)
    errata: list[str] = field(default_factory=list)  # the errata applied in B and not in A

    def summary(self) -> list[tuple[str, int]]:
        counts: dict[str, int] = {}
        for c in self.items:
            counts[c.category] = counts.get(c.category, 0) + 1
        order = [label for _, label in CATEGORIES]
        rows = sorted(counts.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
        return rows + [("Errata applied", len(self.errata))]


# -- word-level redline ---------------------------------------------------------------------------

def redline(before: str, after: str) -> list[tuple[str, str]]:
    """[(op, text)] with op in 'same', 'del', 'ins': the words deleted and inserted, in reading order."""
    a, b = before.split(), after.split()
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("same", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("del", " ".join(a[i1:i2])))
        if j2 > j1:
            out.append(("ins", " ".join(b[j1:j2])))
    return out


# -- places ---------------------------------------------------------------------------------------

def _cell_place(tk: Toolkit, cell: tuple[str, str, str]) -> str:
    p, c, f = cell
    tx = tk.taxonomy
    try:
        number = tk.table_numbers.get(p)
        table = f"Table {number}" if number else tx.term("priorities", p).label
        return f"{table} · {tx.term('challenges', c).label} · {tx.term('functions', f).label}"
    except StopIteration:
        return "/".join(cell)


def _table5_place(tk: Toolkit, rec: str, function: str) -> str:
    number = tk.table_numbers.get("recommendations")
    try:
        label = tk.taxonomy.term("functions", function).label
    except StopIteration:
        label = function
    return f"Table {number or 5} · {rec.upper()} · {label}"


def _where(origin) -> str:
    return str(origin.at(column=None)) if origin else ""


# -- matching -------------------------------------------------------------------------------------

def _pair_by_similarity(old: dict, new: dict, text) -> list[tuple[str, str]]:
    """(old id, new id) pairs among unmatched records whose texts are alike (best first, each used once)."""
    from rapidfuzz import fuzz, process

    if not old or not new:
        return []
    new_ids = list(new)
    new_texts = [fold(text(new[i])) for i in new_ids]
    scored = []
    for old_id, record in old.items():
        for _, score, j in process.extract(fold(text(record)), new_texts, scorer=fuzz.ratio,
                                           score_cutoff=SIMILAR, limit=3):
            scored.append((score, old_id, new_ids[j]))
    pairs, used_old, used_new = [], set(), set()
    for _, old_id, new_id in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
        if old_id not in used_old and new_id not in used_new:
            used_old.add(old_id)
            used_new.add(new_id)
            pairs.append((old_id, new_id))
    return pairs


def _match(old: dict, new: dict, text) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """(pairs of the same record, ids only in old, ids only in new)."""
    pairs = [(i, i) for i in old if i in new]
    gone = {i: old[i] for i in old if i not in new}
    came = {i: new[i] for i in new if i not in old}
    similar = _pair_by_similarity(gone, came, text)
    pairs += similar
    matched_old, matched_new = {p[0] for p in similar}, {p[1] for p in similar}
    return pairs, [i for i in gone if i not in matched_old], [i for i in came if i not in matched_new]


# -- the comparison -------------------------------------------------------------------------------

def compare(a: Toolkit, b: Toolkit, from_label: str = "", to_label: str = "") -> Changes:
    """Every difference between what edition A and edition B print."""
    out = Changes(from_label or a.edition, to_label or b.edition)
    errata_in_a = {_erratum_id(x.erratum) for x in a.errata}
    applied = [x for x in b.errata if _erratum_id(x.erratum) not in errata_in_a]
    out.errata = [_erratum_label(x.erratum) for x in applied]
    add = out.items.append

    # examples
    ea, eb = a.example_by_id, b.example_by_id
    pairs, gone, came = _match(ea, eb, lambda e: e.name)
    renamed = {}
    for old_id, new_id in pairs:
        x, y = ea[old_id], eb[new_id]
        if old_id != new_id or x.name != y.name:
            renamed[old_id] = new_id
            if old_id != new_id or x.name != y.name:
                subject = f"{x.name} → {y.name}" + (f" (id {old_id} → {new_id})" if old_id != new_id else "")
                add(Change("example", "renamed", subject, "Examples", x.name, y.name, _where(y.origin),
                           target=f"example:{old_id}"))
        if x.link != y.link:
            add(Change("example", "relinked", y.name, "Examples", x.link, y.link, _where(y.origin),
                       target=f"example:{old_id}"))
        if x.country != y.country:
            add(Change("example", "country", y.name, "Examples", x.country, y.country, _where(y.origin),
                       target=f"example:{old_id}"))
    for i in gone:
        add(Change("example", "withdrawn", ea[i].name, "Examples", ea[i].name, "", _where(ea[i].origin)))
    for i in came:
        add(Change("example", "added", eb[i].name, "Examples", "", eb[i].name, _where(eb[i].origin)))
    id_map = {i: i for i in ea} | {o: n for o, n in pairs}

    _compare_citations(a, b, id_map, add)
    _compare_actions(a, b, add)
    _compare_table5(a, b, add)
    _compare_recommendations(a, b, add)
    _compare_prose(a, b, add)
    _compare_figures(a, b, add)
    _attribute(out, applied)
    return out


def _citation_key(tk: Toolkit, c, id_map=None) -> tuple:
    from .checks.common import cell_key

    return ((id_map or {}).get(c.example, c.example), cell_key(c))


def _citation_place(tk: Toolkit, c) -> str:
    if hasattr(c, "recommendation") and c.recommendation:
        return _table5_place(tk, c.recommendation, c.function)
    return _cell_place(tk, c.cell)


def _compare_citations(a, b, id_map, add):
    old = {_citation_key(a, c, id_map): c for c in [*a.cell_examples, *a.table5_examples]}
    new = {_citation_key(b, c): c for c in [*b.cell_examples, *b.table5_examples]}
    for key, c in new.items():
        record = b.example_by_id.get(c.example)
        name = record.name if record else c.example
        if key not in old:
            add(Change("citation", "added", name, _citation_place(b, c), "", name, _where(c.origin)))
            continue
        before = old[key].printed(a.example_by_id.get(old[key].example))
        after = c.printed(record)
        for f in ("label", "name", "country", "link"):
            x, y = getattr(before, f), getattr(after, f)
            # a renamed record already reports its new name/link/country; report what this place prints
            if x != y and getattr(c, f) != getattr(old[key], f):
                add(Change("citation", "changed", f"{name}: {f}", _citation_place(b, c), x, y, _where(c.origin),
                           target=f"citation:{old[key].example}@{key[1]}"))
    for key, c in old.items():
        if key not in new:
            record = a.example_by_id.get(c.example)
            name = record.name if record else c.example
            add(Change("citation", "withdrawn", name, _citation_place(a, c), name, "", _where(c.origin)))


def _compare_actions(a, b, add):
    pairs, gone, came = _match(a.action_by_id, b.action_by_id, lambda x: x.text)
    for old_id, new_id in pairs:
        x, y = a.action_by_id[old_id], b.action_by_id[new_id]
        if x.text != y.text:
            add(Change("action", "reworded", new_id, _cell_place(b, y.cell), x.text, y.text, _where(y.origin),
                       target=f"action:{old_id}"))
        if x.cell != y.cell:
            add(Change("action", "moved", new_id, _cell_place(b, y.cell), _cell_place(a, x.cell),
                       _cell_place(b, y.cell), _where(y.origin)))
    for i in gone:
        x = a.action_by_id[i]
        add(Change("action", "withdrawn", i, _cell_place(a, x.cell), x.text, "", _where(x.origin)))
    for i in came:
        y = b.action_by_id[i]
        add(Change("action", "added", i, _cell_place(b, y.cell), "", y.text, _where(y.origin)))


def _compare_table5(a, b, add):
    def rows(tk):
        out: dict[tuple, list] = {}
        for r in tk.table5_actions:
            out.setdefault((r.recommendation, r.function), []).append(r)
        return out

    ra, rb = rows(a), rows(b)
    for key in sorted(set(ra) | set(rb)):
        olds = {i: a.table5_action_text(r) for i, r in enumerate(ra.get(key, []))}
        news = {i: b.table5_action_text(r) for i, r in enumerate(rb.get(key, []))}
        pairs, gone, came = _match(olds, news, lambda t: t)
        place = _table5_place(b, *key)
        for i, j in pairs:
            if olds[i] != news[j]:
                from .checks.common import slug_words

                row = ra[key][i]
                add(Change("table5", "reworded", f"{key[0].upper()} {rb[key][j].action or ''}".strip(), place,
                           olds[i], news[j], _where(rb[key][j].origin),
                           target=f"table5-action:{key[0]}/{key[1]}/{row.action or slug_words(olds[i])}"))
        for i in gone:
            add(Change("table5", "withdrawn", key[0].upper(), place, olds[i], "", _where(ra[key][i].origin)))
        for j in came:
            add(Change("table5", "added", key[0].upper(), place, "", news[j], _where(rb[key][j].origin)))


def _compare_recommendations(a, b, add):
    ra, rb = {r.id: r for r in a.recommendations}, {r.id: r for r in b.recommendations}
    number = b.table_numbers.get("recommendations") or 5
    for i in rb:
        if i not in ra:
            add(Change("recommendation", "added", i.upper(), f"Table {number}", "", rb[i].title, _where(rb[i].origin)))
        elif (ra[i].title, ra[i].area) != (rb[i].title, rb[i].area):
            add(Change("recommendation", "changed", i.upper(), f"Table {number}", ra[i].title, rb[i].title,
                       _where(rb[i].origin), target=f"recommendation:{i}"))
    for i in ra:
        if i not in rb:
            add(Change("recommendation", "withdrawn", i.upper(), f"Table {number}", ra[i].title, "",
                       _where(ra[i].origin)))


def _paragraphs(body: str) -> list[tuple[int, str]]:
    """(line offset, paragraph with its line breaks joined) of a Markdown body."""
    out, start, lines = [], None, []
    for n, line in enumerate(body.split("\n") + [""]):
        if line.strip():
            if start is None:
                start = n
            lines.append(line.strip())
        elif lines:
            out.append((start, " ".join(lines)))
            start, lines = None, []
    return out


def _compare_prose(a, b, add):
    sa, sb = {s.id: s for s in a.sections}, {s.id: s for s in b.sections}
    for sid, y in sb.items():
        if sid not in sa:
            add(Change("prose", "added", y.title, f"Section: {y.title}", "", y.title, _where(y.origin)))
            continue
        x = sa[sid]
        pa, pb = _paragraphs(x.body), _paragraphs(y.body)
        ta, tb = [p for _, p in pa], [p for _, p in pb]
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=ta, b=tb, autojunk=False).get_opcodes():
            if op == "equal":
                continue
            before, after = " ".join(ta[i1:i2]), " ".join(tb[j1:j2])
            line = (y.origin.line or 1) + (pb[j1][0] if j1 < len(pb) else 0)
            where = str(y.origin.at(line=line))
            rel = "/".join(Path(y.origin.file).parts[-2:])
            for old, new in _hunks(before, after):
                add(Change("prose", "reworded", y.title, "Section", old, new, where, target=f"text:{rel}"))
    for sid, x in sa.items():
        if sid not in sb:
            add(Change("prose", "withdrawn", x.title, f"Section: {x.title}", x.title, "", _where(x.origin)))


def _hunks(before: str, after: str, context: int = 6) -> list[tuple[str, str]]:
    """A reworded paragraph as one (before, after) excerpt per separate edit, with a few words around it."""
    a, b = before.split(), after.split()
    ops = [op for op in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes() if op[0] != "equal"]
    out = []
    for _, i1, i2, j1, j2 in ops:
        lo_a, lo_b = max(i1 - context, 0), max(j1 - context, 0)
        out.append((" ".join(a[lo_a:i2 + context]), " ".join(b[lo_b:j2 + context])))
    return out


def _compare_figures(a, b, add):
    fa, fb = {f.id: f for f in a.figures}, {f.id: f for f in b.figures}
    for i, y in fb.items():
        x = fa.get(i)
        if x and (x.caption, x.alt, x.data) != (y.caption, y.alt, y.data):
            add(Change("figure", "changed", i, f"Figure {b.figure_numbers.get(i, '')}".strip(), x.caption,
                       y.caption, _where(y.origin), target=f"figure:{i}"))


# -- errata ---------------------------------------------------------------------------------------

def _erratum_id(e) -> tuple:
    return (e.target, e.field, e.printed, e.corrected, e.edition)


def _erratum_label(e) -> str:
    return f"{e.origin.at(key=None)} ({e.kind}): {e.reason}"


def _attribute(out: Changes, applied) -> None:
    """Name, on each change, the erratum that made it: same target, and (when a target has several
    errata, like two slips in one paragraph) the words it deletes and inserts."""
    pending = list(applied)
    for n, c in enumerate(out.items):
        mine = [x for x in pending if x.erratum.target == c.target]
        if len(mine) > 1:
            mine = [x for x in mine if _same_edit(c, x.erratum)] or mine[:1]
        if mine:
            out.items[n] = Change(**{**c.__dict__, "erratum": _erratum_label(mine[0].erratum)})
            pending.remove(mine[0])


def _same_edit(change: Change, e) -> bool:
    def edit(before: str, after: str) -> tuple[str, str]:
        ops = redline(before, after)
        return (" ".join(t for op, t in ops if op == "del"), " ".join(t for op, t in ops if op == "ins"))

    return edit(change.before, change.after) == edit(e.printed, e.corrected)
