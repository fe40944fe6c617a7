"""A published edition is frozen: its lock lists everything it prints, and any later change is an error.

`invoke freeze --edition ID` writes `sources/locks/<ID>.json`: every printed item (an action, an
example, a citation, a recommendation, a Table 5 action, a paragraph, a figure, a reference, the cover)
with its place (cell, row, column, order) and its normalised text. Like pip's hash-checking or
Cargo.lock, it makes "unchanged" checkable: the `editions.frozen` rule loads each locked edition and
reports every difference with the item and its source file:row. This catches the slips no consistency
rule can: a country changed to another valid country, an action moved to another cell, two rows
swapped, a recommendation dropped. A correction to a published edition belongs in an erratum of a
later edition (or in a new edition), never in its rows.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from .errors import Origin, PipelineError
from .model import Toolkit

LOCK_DIR = "locks"
FORMAT = 1


def norm(text) -> str:
    return re.sub(r"\s+", " ", str(text)).strip()


def lock_items(tk: Toolkit) -> dict[str, tuple[dict, Origin | None]]:
    """{item key: ({field: normalised text}, origin)} for everything the edition prints."""
    from .checks.common import cell_key

    items: dict[str, tuple[dict, Origin | None]] = {}
    for cell in tk.cells():
        place = "/".join((cell.priority.id, cell.challenge.id, cell.function.id))
        for n, a in enumerate(cell.actions, 1):
            items[f"action:{a.id}"] = ({"cell": place, "order": str(n), "text": norm(a.text)}, a.origin)
    for e in tk.examples:
        items[f"example:{e.id}"] = ({"name": norm(e.name), "country": norm(e.country), "link": norm(e.link)},
                                    e.origin)
    order: dict[str, int] = {}
    for c in [*tk.cell_examples, *tk.table5_examples]:
        place = cell_key(c)
        order[place] = order.get(place, 0) + 1
        shown = c.printed(tk.example_by_id.get(c.example))
        items[f"citation:{c.example}@{place}"] = ({"order": str(order[place]), "label": norm(shown.label),
                                                   "name": norm(shown.name), "country": norm(shown.country),
                                                   "link": norm(shown.link)}, c.origin)
    for r in tk.recommendations:
        items[f"recommendation:{r.id}"] = ({"number": str(r.number), "area": r.area, "title": norm(r.title)},
                                           r.origin)
    seen: dict[str, int] = {}
    for row in tk.table5_actions:
        place = f"{row.recommendation}/{row.function}"
        seen[place] = seen.get(place, 0) + 1
        items[f"table5-action:{place}#{seen[place]}"] = ({"text": norm(tk.table5_action_text(row))}, row.origin)
    for s_order, s in enumerate(tk.sections, 1):
        items[f"section:{s.id}"] = ({"order": str(s_order), "title": norm(s.title), "level": str(s.level)}, s.origin)
        paragraphs = [p for p in re.split(r"\n\s*\n", s.body) if p.strip()]
        for n, p in enumerate(paragraphs, 1):
            items[f"section:{s.id}#{n}"] = ({"text": norm(p)}, s.origin)
    for f in tk.figures:
        items[f"figure:{f.id}"] = ({"caption": norm(f.caption), "alt": norm(f.alt), "source": norm(f.source),
                                    "data": json.dumps(f.data, sort_keys=True, ensure_ascii=False, default=str)},
                                   f.origin)
    for r in tk.references:
        items[f"reference:{r.id}"] = ({"author": norm(r.author), "year": r.year, "title": norm(r.title),
                                       "publisher": norm(r.publisher), "url": r.url}, r.origin)
    d = tk.document
    items["document"] = ({"title": norm(d.title), "subtitle": norm(d.subtitle), "series": norm(d.series),
                          "authors": "; ".join(f"{a.name} ({a.affiliation})" for a in d.authors),
                          "copyright": norm(d.copyright), "disclaimer": norm(d.disclaimer)}, d.origin)
    return items


def lock_path(sources: Path, edition_id: str) -> Path:
    return Path(sources) / LOCK_DIR / f"{edition_id}.json"


def lock_data(tk: Toolkit) -> dict:
    return {"format": FORMAT, "edition": tk.edition,
            "items": {key: fields for key, (fields, _) in sorted(lock_items(tk).items())}}


def freeze_command(sources: Path, edition: str | None = None, force: bool = False) -> int:
    """`invoke freeze`: write the lock of a published edition (default: the latest published one)."""
    from .editions import read_editions
    from .load import load
    from .outputs import atomic_write_text

    editions = read_editions(Path(sources))
    published = [e for e in editions.items if e.published]
    chosen = editions.get(edition) if edition else (published[-1] if published else editions.latest)
    if not chosen.published:
        raise PipelineError(f"edition '{chosen.id}' is {chosen.status}: publish it first "
                            f"(status: published in {editions.origin.file}), then freeze it")
    path = lock_path(sources, chosen.id)
    tk = load(sources, edition=chosen.id)
    text = json.dumps(lock_data(tk), indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    if path.exists() and path.read_text(encoding="utf-8") != text and not force:
        raise PipelineError(f"{path} exists and differs from what edition '{chosen.id}' prints now; "
                            "`invoke check` lists the differences; --force rewrites the lock")
    atomic_write_text(path, text)
    print(f"wrote {path}: {len(lock_data(tk)['items'])} items of edition {chosen.id}")
    return 0


# -- checking a frozen edition --------------------------------------------------------------------

FIELD_WORDS = {"cell": "the cell", "order": "the place in its cell", "text": "the text", "name": "the name",
               "country": "the country", "link": "the link", "label": "the label", "title": "the title",
               "number": "the number", "area": "the area", "caption": "the caption", "alt": "the alt text",
               "data": "the data", "level": "the level"}


def differences(locked: dict, tk: Toolkit) -> list[tuple[str, str, list[Origin]]]:
    """(subject, message, origins) for every way the edition now differs from its lock."""
    from .checks.common import quote, table_origin

    now = lock_items(tk)
    out = []
    for key, fields in locked.get("items", {}).items():
        if key not in now:
            table = key.split(":", 1)[0].replace("-", "_")
            where = {"action": "actions", "example": "examples", "recommendation": "recommendations",
                     "table5_action": "table5_actions"}.get(table, "")
            origin = table_origin(tk, where) if where else Origin(f"sources/{LOCK_DIR}/{tk.edition}.json")
            out.append((key, f"the {tk.edition} edition changed: {key} is no longer printed "
                        f"(it printed {quote(next(iter(fields.values()), ''), 60)})", [origin]))
            continue
        current, origin = now[key]
        label = f"'{fields['name']}' ({key})" if fields.get("name") else key
        for name, was in fields.items():
            value = current.get(name, "")
            if value != was:
                what = FIELD_WORDS.get(name, name)
                out.append((f"{key}.{name}", f"the {tk.edition} edition changed: {what} of {label} is now "
                            f"{quote(value, 70)}, was {quote(was, 70)}", [origin] if origin else []))
    for key, (fields, origin) in now.items():
        if key not in locked.get("items", {}):
            out.append((key, f"the {tk.edition} edition changed: {key} is printed now but was not "
                        f"({quote(next(iter(fields.values()), ''), 60)})", [origin] if origin else []))
    return out


def frozen_findings(tk: Toolkit):
    """Differences of every locked published edition, loaded from the same sources as `tk`."""
    from .editions import read_editions
    from .load import load

    if not tk.loaded_from:
        return
    sources, workbook = tk.loaded_from
    editions = read_editions(Path(sources))
    for edition in editions.items:
        path = lock_path(Path(sources), edition.id)
        if not edition.published or not path.exists():
            continue
        try:
            locked = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise PipelineError(f"{path}:{exc.lineno}: not a valid lock ({exc.msg}); `invoke freeze "
                                f"--edition {edition.id} --force` rewrites it") from None
        loaded = tk if tk.edition == edition.id else load(sources, workbook or None, edition=edition.id)
        yield from differences(locked, loaded)
