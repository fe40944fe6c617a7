"""Provenance as data: where each printed word came from, and the one helper that marks it in outputs.

Every record (a table row, a YAML item, a Markdown section) has a status:

- `printed`       as in the 2021 paper (the default);
- `reconstructed` the 2021 text is lost or damaged and the editors rebuilt it (`status_reason` required);
- `verified`      an editor confirmed it against a named source (`verified_by`, `verified_on`,
                  `verified_source` required);
- `editorial`     new wording written for a later edition, presented as the editors' own;
- `contributed`   proposed by a reader through a roadmap, the feedback form or the web tool, and accepted
                  by an editor (`contributed_by`, `contributed_via`; issue 14).

`reconstructed` and `contributed` items are *unverified*: every output marks them while it is a proof,
and a final edition refuses to build while any is left (pipeline/gate.py). YAML items may also give one
field its own status with `<field>_status`, `<field>_status_reason`, ... (an Annex entry whose link alone
was added by the editors).

Renderers never decide about provenance themselves: they ask a `Marks` (one per rendered document)
for the mark of a record, so the paper, handouts, roadmaps and web tool all mark the same items with
the same numbers, and a final edition marks nothing.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

from .errors import Origin, SourceError
# the inventory of non-printed items lives in provenance_items.py (which never imports this module);
# its names stay importable from here for the checks, the gate and the tests
from .provenance_items import Item, counts_by_kind, items, key_of, refusal_lines, unverified  # noqa: F401

PRINTED, RECONSTRUCTED, VERIFIED, EDITORIAL, CONTRIBUTED = (
    "printed", "reconstructed", "verified", "editorial", "contributed")
STATUSES = (PRINTED, RECONSTRUCTED, VERIFIED, EDITORIAL, CONTRIBUTED)
UNVERIFIED = (RECONSTRUCTED, CONTRIBUTED)
CHANNELS = ("roadmap", "feedback-form", "web")
COLUMNS = ("status", "status_reason", "verified_by", "verified_on", "verified_source",
           "contributed_by", "contributed_via", "contributed_on", "contributed_from")
DAGGER = "†"
SHORT = {RECONSTRUCTED: "reconstructed by the editors, not the 2021 wording", CONTRIBUTED: "contributed, not yet verified"}
LEGEND = ("Marked {what} is not the wording of the 2021 paper: the editors reconstructed it where the 2021 "
          "text is lost, or a reader contributed it, and it awaits verification (the paper's Editorial notes "
          "give each reason).")


@dataclass(frozen=True)
class Provenance:
    status: str = PRINTED
    reason: str = ""
    verified_by: str = ""
    verified_on: str = ""
    verified_source: str = ""
    contributed_by: str = ""
    contributed_via: str = ""
    contributed_on: str = ""
    contributed_from: str = ""
    origin: Origin | None = None  # where the status is written (its row, or its YAML key's line)

    @property
    def unverified(self) -> bool:
        return self.status in UNVERIFIED

    @property
    def printed(self) -> bool:
        return self.status == PRINTED

    def explanation(self) -> str:
        """One sentence for a reader: what this text is, if it is not the 2021 paper's."""
        if self.status == RECONSTRUCTED:
            return "Reconstructed by the editors: not the wording of the 2021 paper. " + self.reason
        if self.status == CONTRIBUTED:
            return f"Contributed by {self.contributed_by or 'a reader'}; not yet verified by an editor."
        if self.status == VERIFIED:
            return f"Verified by {self.verified_by} on {self.verified_on} against {self.verified_source}."
        if self.status == EDITORIAL:
            return "Written by the editors for this edition." + (f" {self.reason}" if self.reason else "")
        return ""


PRINTED_AS = Provenance()


@functools.lru_cache(maxsize=None)
def _prefixed(prefix: str) -> tuple[str, ...]:
    return tuple(prefix + key for key in COLUMNS)


def parse(values: Mapping[str, object], where: Callable[[str], Origin], prefix: str = "") -> Provenance:
    """The provenance given by `values` (a CSV row or a YAML mapping), or SourceError naming the column.

    `prefix` reads a field's own status (`url_status`, `url_status_reason`, ...); `where(column)` gives the
    origin of a column for the error message.
    """
    if type(values) is not dict and not isinstance(values, Mapping):
        values = {}
    # most rows say nothing about provenance: printed as in 2021 (one look per column, no parsing)
    if not any(map(values.get, _prefixed(prefix))):
        return PRINTED_AS

    def get(key: str) -> str:
        value = values.get(prefix + key, "")
        return "" if value is None else str(value).strip()

    status = get("status") or PRINTED
    if status not in STATUSES:
        raise SourceError(where(prefix + "status"),
                          f"unknown status '{status}' (expected one of: {', '.join(STATUSES)})")
    p = Provenance(status, get("status_reason"), get("verified_by"), get("verified_on"),
                   get("verified_source"), get("contributed_by"), get("contributed_via"),
                   get("contributed_on"), get("contributed_from"),
                   where(prefix + "status") if status != PRINTED else None)
    if status == RECONSTRUCTED and not p.reason:
        raise SourceError(where(prefix + "status_reason"), f"'{prefix}status_reason' is empty, but a reconstructed "
                          "item needs a reason (what was lost, and how the editors rebuilt it)")
    if status == VERIFIED:
        for key in ("verified_source", "verified_by", "verified_on"):
            if not getattr(p, key):
                raise SourceError(where(prefix + key), f"'{prefix}{key}' is empty, but a verified item needs its "
                                  "source, who verified it and when (verified_source, verified_by, verified_on)")
    elif p.verified_by or p.verified_source or p.verified_on:
        raise SourceError(where(prefix + "status"), f"status is '{status}' but verified_* is filled in: "
                          "set the status to 'verified' (or clear the verified_* fields)")
    for key in ("verified_on", "contributed_on"):
        if getattr(p, key):
            try:
                dt.date.fromisoformat(getattr(p, key))
            except ValueError:
                raise SourceError(where(prefix + key), f"'{getattr(p, key)}' is not a date (YYYY-MM-DD)") from None
    if status == CONTRIBUTED:
        if not p.contributed_by:
            raise SourceError(where(prefix + "contributed_by"), "empty, but a contributed item needs its contributor")
        if p.contributed_via and p.contributed_via not in CHANNELS:
            raise SourceError(where(prefix + "contributed_via"), f"unknown channel '{p.contributed_via}' "
                              f"(expected one of: {', '.join(CHANNELS)})")
    return p


def field_statuses(values: Mapping, where: Callable[[str], Origin], fields: Iterable[str]) -> dict[str, Provenance]:
    """The fields of a YAML mapping that carry their own status (`url_status: reconstructed`)."""
    out = {}
    for name in fields:
        if isinstance(values, Mapping) and values.get(f"{name}_status"):
            out[name] = parse(values, where, prefix=f"{name}_")
    return out


def strip_keys(values: Mapping) -> dict:
    """A YAML mapping without its provenance keys (whole-item and per-field)."""
    return {k: v for k, v in values.items()
            if k not in COLUMNS and not any(str(k).endswith("_" + c) for c in COLUMNS)}


# -- the one marking helper ------------------------------------------------------------------------

@dataclass
class Marks:
    """The marks of one rendered document. Renderers call it; they never look at statuses themselves.

    In a proof every unverified item gets a dagger and its note number (the same number in every
    output); in a final edition (`final=True`) nothing is marked.
    """

    items: list[Item]
    final: bool = False
    numbers: dict[tuple[str, str], int] = field(default_factory=dict)
    _anchored: set = field(default_factory=set)
    _by_key: dict = field(default_factory=dict)

    @classmethod
    def of(cls, tk, final: bool | None = None) -> "Marks":
        final = getattr(tk, "final", False) if final is None else final
        marks = cls(items(tk), final)
        marks.numbers = {i.key: n for n, i in enumerate((i for i in marks.items if i.provenance.unverified),
                                                        start=1)}
        return marks

    # what is marked
    def item(self, record, field_name: str = "") -> Item | None:
        if record is None or self.final:
            return None
        key = key_of(record, field_name)
        if key not in self.numbers:
            return None
        if len(self._by_key) != len(self.items):  # a dict, not a scan: pages ask once per record
            self._by_key.update((i.key, i) for i in self.items)
        return self._by_key[key]

    def number(self, record, field_name: str = "") -> int | None:
        return None if self.final or record is None else self.numbers.get(key_of(record, field_name))

    @property
    def marked(self) -> list[Item]:
        """The items this document marks, in note order (empty in a final edition)."""
        return [] if self.final else [i for i in self.items if i.key in self.numbers]

    @property
    def notes(self) -> list[tuple[int | None, Item]]:
        """The Editorial notes: marked items with their numbers, then verified and editorial ones."""
        marked = [(self.numbers[i.key], i) for i in self.marked]
        settled = [(None, i) for i in self.items if i.provenance.status in (VERIFIED, EDITORIAL)]
        return marked + settled

    # how it looks: HTML (paper, handouts, site) and plain text (Word, PDF metadata)
    def label(self, record, field_name: str = "") -> str:
        """The visible mark as text ('†4'), or ''."""
        n = self.number(record, field_name)
        return f"{DAGGER}{n}" if n else ""

    def text(self, record, text: str, field_name: str = "") -> str:
        """`text` with its mark appended, for plain-text outputs ('Title †4')."""
        label = self.label(record, field_name)
        return f"{text} {label}" if label else text

    def plain(self, record, text: str, field_name: str = "") -> str:
        """`text` with its mark and a short explanation, for outputs without styling (Word tables)."""
        item = self.item(record, field_name)
        if item is None:
            return text
        return f"{text} {self.label(record, field_name)} [{SHORT[item.provenance.status]}]"

    def legend(self, what: str = "text") -> object:
        """One sentence that explains the marks, for an output that prints any (else empty Markup)."""
        from markupsafe import Markup, escape

        if not self.marked:
            return Markup("")
        return Markup(f'<p class="prov-legend" role="note"><span class="prov-mark">{DAGGER}</span> '
                      f'{escape(LEGEND.format(what=what))}</p>')

    def mark(self, record, field_name: str = "", href: str | None = "#editorial-notes"):
        """Only the mark: a dagger with its number and an explanation for screen readers.

        In the paper (`href` given) it links to its Editorial note; elsewhere (`href=None`) it is an
        <abbr> whose title explains it.
        """
        from markupsafe import Markup, escape

        item = self.item(record, field_name)
        if item is None:
            return Markup("")
        n = self.numbers[item.key]
        if href is None:
            return Markup(f'<abbr class="prov-mark prov-{item.provenance.status}" '
                          f'title="{escape(item.provenance.explanation())} (Editorial note {n} in the paper)">'
                          f'{DAGGER}{n}</abbr>')
        anchor = ""
        if n not in self._anchored:  # the first mark of a note is where its page number points
            self._anchored.add(n)
            anchor = f' id="prov-mark-{n}"'
        target = f"#editorial-note-{n}" if href == "#editorial-notes" else href
        status = item.provenance.status
        return Markup(f'<a class="prov-mark prov-{status}"{anchor} href="{escape(target)}" '
                      f'title="{escape(item.provenance.explanation())}" '
                      f'aria-label="{escape(status.capitalize())} text, editorial note {n}">{DAGGER}{n}</a>')

    def wrap(self, record, text: str, field_name: str = "", href: str | None = "#editorial-notes"):
        """`text`, escaped; when unverified, in a tinted span followed by its mark."""
        from markupsafe import Markup, escape

        item = self.item(record, field_name)
        if item is None:
            return escape(text)
        return Markup(f'<span class="prov prov-{item.provenance.status}">{escape(text)}</span>'
                      f'{self.mark(record, field_name, href)}')

    def css_class(self, record, field_name: str = "") -> str:
        item = self.item(record, field_name)
        return f"prov prov-{item.provenance.status}" if item else ""


# -- for renderers that build plain data first (site pages, roadmap contexts) ---------------------

def marks_of(tk) -> Marks:
    """The toolkit's Marks, made once per toolkit and edition (proof or final)."""
    cache = tk.__dict__.setdefault("_provenance_marks", {})
    final = bool(getattr(tk, "final", False))
    if final not in cache:
        cache[final] = Marks.of(tk, final)
    return cache[final]


def html(tk, record, text: str, field_name: str = ""):
    """`text` for a web page or a handout: tinted with its mark when unverified, else just escaped."""
    return marks_of(tk).wrap(record, text, field_name, href=None)


def example_name(tk, printed):
    """A printed example's name for HTML (a matrix cell of a handout or of the web tool): marked by the
    status of that place's line when it has its own (a reconstructed citation), else by the example's."""
    marks = marks_of(tk)
    record = next((r for r in (printed.citation, printed.example) if r is not None and marks.item(r)), None)
    return marks.wrap(record, printed.name, href=None) if record is not None else html(tk, None, printed.name)


def plain(tk, record, text: str, field_name: str = "") -> str:
    """`text` for Word and other plain outputs: with its mark and a few words saying what it is."""
    return marks_of(tk).plain(record, text, field_name)


def legend(tk, what: str = "text"):
    """The sentence that explains the marks, where an output prints any."""
    return marks_of(tk).legend(what)


def legend_if_marked(tk, records=(), printed_examples=(), what: str = "wording"):
    """The legend for a page that shows these records and printed examples, if it marks one (else nothing)."""
    from markupsafe import Markup

    marks = marks_of(tk)
    found = any(marks.item(r) for r in records) or any(
        marks.item(r) for p in printed_examples for r in (p.citation, p.example) if r is not None)
    return marks.legend(what) if found else Markup("")
