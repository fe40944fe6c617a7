"""Example cards: one card per example any table cites, 4 to a page with crop marks and a QR code.

Past one part's worth the cards are built in parts (separate targets, see handouts.targets), joined
into the one file to print by a target that waits for them.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import provenance
from ..errors import PipelineError
from ..model import Toolkit
from .handout_page import Paper, common_context, output_name
from .handout_qr import QR_SIZE_MM, qr_target
from .site_data import LINK_RULES, example_notices

_CARDS: list = []  # (toolkit, cards) of the last toolkit asked: every part's target asks again


def card_records(toolkit: Toolkit) -> list[dict]:
    """One card per example that any table cites, in the order the tables first show them.

    Examples cited only in Table 5 get a card too: they are examples of the toolkit like any other.
    """
    return [dict(card) for card in _cards_of(toolkit)]


def _cards_of(toolkit: Toolkit) -> list[dict]:
    """card_records without copies (read-only: each part copies only its own 32 cards, where copying all
    2,500 for each of 79 parts cost ~0.1 s of every build's planning)."""
    if not (_CARDS and _CARDS[0][0] is toolkit):
        _CARDS[:] = [(toolkit, _card_records(toolkit))]
    return _CARDS[0][1]


def _card_records(toolkit: Toolkit) -> list[dict]:
    tx = toolkit.taxonomy
    order: list[str] = []
    for cell in toolkit.cells():
        order += [e.example_id for e in cell.examples]
    order += [c.example for c in toolkit.table5_examples]
    recs = {r.id: r for r in toolkit.recommendations}
    notices = example_notices(toolkit, LINK_RULES)  # acknowledged slips in the link the card prints
    cards = []
    for example_id in dict.fromkeys(order):
        record = toolkit.example_by_id.get(example_id)
        if record is None:
            continue  # an unknown id is the checker's finding; a card without a record has nothing to show
        # grouped so a card stays short: one line per priority, one per recommendation
        cells: dict[str, dict] = {}
        for c in toolkit.cells_of_example(example_id):
            group = cells.setdefault(c.priority, {
                "priority": tx.term("priorities", c.priority), "pairs": [],
                "table_number": toolkit.table_numbers.get(c.priority)})
            pair = {"challenge": tx.term("challenges", c.challenge), "function": tx.term("functions", c.function)}
            if pair not in group["pairs"]:
                group["pairs"].append(pair)
        table5: dict[str, dict] = {}
        for c in toolkit.table5_of_example(example_id):
            if c.recommendation in recs:
                rec = recs[c.recommendation]
                group = table5.setdefault(c.recommendation, {"recommendation": rec, "functions": [],
                                                             "title_html": provenance.html(toolkit, rec, rec.title)})
                function = tx.term("functions", c.function)
                if function not in group["functions"]:
                    group["functions"].append(function)
        cards.append({"example": record, "cells": list(cells.values()), "table5": list(table5.values()),
                      "qr": qr_target(toolkit, record), "notices": notices.get(example_id, [])})
    return cards


def card_qr_links(toolkit: Toolkit) -> set[str]:
    """The links the cards draw as QR codes (the template draws one for each card with a web address)."""
    from ..urlsafety import web_link

    return {card["qr"] for card in _cards_of(toolkit) if card["qr"] and web_link(card["qr"])}


MARK_MM = 0.2  # the crop marks' line width


@dataclass(frozen=True)
class CardSheet:
    """Where the 2 x 2 cards sit on a page, in mm from the top-left corner, with their crop marks."""

    margin_mm: float = 16.0  # outer edge of the card grid; crop marks live in 11-14 mm, clear of 10 mm
    gutter_mm: float = 12.0  # between cards: crop marks from both neighbours without touching
    mark_offset_mm: float = 2.0  # gap between a card corner and its mark
    mark_length_mm: float = 3.0

    def cards(self, width: float, height: float) -> list[dict]:
        card_w = (width - 2 * self.margin_mm - self.gutter_mm) / 2
        card_h = (height - 2 * self.margin_mm - self.gutter_mm) / 2
        return [{"x": round(self.margin_mm + col * (card_w + self.gutter_mm), 3),
                 "y": round(self.margin_mm + row * (card_h + self.gutter_mm), 3),
                 "w": round(card_w, 3), "h": round(card_h, 3)}
                for row in (0, 1) for col in (0, 1)]

    def marks(self, width: float, height: float) -> list[dict]:
        """Short lines pointing at each card edge, outside the card: the cutting guides."""
        off, length, lines = self.mark_offset_mm, self.mark_length_mm, []
        for c in self.cards(width, height):
            for x in (c["x"], c["x"] + c["w"]):  # vertical marks above and below the card
                lines.append((x, c["y"] - off - length, x, c["y"] - off))
                lines.append((x, c["y"] + c["h"] + off, x, c["y"] + c["h"] + off + length))
            for y in (c["y"], c["y"] + c["h"]):  # horizontal marks left and right of the card
                lines.append((c["x"] - off - length, y, c["x"] - off, y))
                lines.append((c["x"] + c["w"] + off, y, c["x"] + c["w"] + off + length, y))
        return [dict(zip(("x1", "y1", "x2", "y2"), (round(v, 3) for v in line))) for line in lines]

    def marks_svg(self, width: float, height: float) -> str:
        """The crop marks of a sheet as one SVG drawing (a data: URL), in mm: each mark a 0.2 mm black bar
        starting at its line's top or left end, as the hairline borders it replaces were drawn."""
        import base64

        bars = []
        for m in self.marks(width, height):
            x, y = min(m["x1"], m["x2"]), min(m["y1"], m["y2"])
            if m["x1"] == m["x2"]:
                w, h = MARK_MM, round(abs(m["y2"] - m["y1"]), 3)
            else:
                w, h = round(abs(m["x2"] - m["x1"]), 3), MARK_MM
            bars.append(f"M{x} {y}h{w}v{h}h-{w}z")
        svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}mm" height="{height}mm" '
               f'viewBox="0 0 {width} {height}"><path fill="#000" d="{"".join(bars)}"/></svg>')
        return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("ascii")).decode("ascii")


CARDS_PER_PAGE = 4
CARD_SHEET = CardSheet()
_marks_svg = lru_cache(maxsize=8)(CardSheet.marks_svg)  # the same drawing for every part of one paper size

# Past two parts' worth, the cards are built as parts of PART_CARDS cards (8 pages): separate targets, so
# an edit re-renders one part and the parts render in parallel; a target that waits for them joins them
# into the one file to print. WeasyPrint's cost grows faster than its page count: 625 pages took 130 s;
# a part of 64 cards ~1.45 s of CPU, of 32 ~0.78 s (idle, 2,500 examples). Since the join splices only
# the parts that changed (pdfsplice.py), smaller parts make an edit cheaper at no cost to a full build.
PART_CARDS = 32
CARD_PARTS = "handouts/cards"  # where the parts go (the site's downloads offer only the joined file)


def card_parts(toolkit: Toolkit) -> int:
    """How many parts the cards are built in (1: one file of up to two parts' worth, as for the 2021
    paper's 59 cards: a few pages render in one go faster than as parts and their join)."""
    count = len(_cards_of(toolkit))
    return 1 if count <= 2 * PART_CARDS else -(-count // PART_CARDS)


def cards_context(toolkit: Toolkit, paper: Paper, part: int | None = None) -> dict:
    """The cards of one part (1-based; None: all), numbered across all parts."""
    common = common_context(toolkit, "example-cards", paper)
    width, height = common["paper"]["width_mm"], common["paper"]["height_mm"]
    cards = _cards_of(toolkit)
    total = len(cards)
    first = 0 if part is None else (part - 1) * PART_CARDS
    cards = cards[first:] if part is None else cards[first: first + PART_CARDS]
    cards = [{**card, "number": n} for n, card in enumerate(cards, start=first + 1)]  # numbered across parts
    return {
        **common,
        "total": total,
        "sheets": [cards[i:i + CARDS_PER_PAGE] for i in range(0, len(cards), CARDS_PER_PAGE)],
        "slots": CARD_SHEET.cards(width, height),
        "marks_svg": _marks_svg(CARD_SHEET, width, height),
        "qr_size_mm": QR_SIZE_MM,
    }


def card_part_name(paper: Paper, part: int) -> str:
    return f"example-cards-{paper.key}-part-{part:02d}"


def join_card_parts(out: Path, parts: list[str]) -> bytes:
    """The card parts (paths under `out`, in order) joined into the one file to print.

    The joined file is the one people print and download, so it stays tagged like the parts (one structure
    tree, language, title and bookmarks; the same bytes for the same parts). It is a target of its own that
    reads its parts' outputs (handouts.targets, pipeline/waiting.py): it runs in a worker once they are
    written, beside the rest of the build. The parts are spliced (pdfsplice.py), each part's segment kept
    for the next build (splice_cache.py): after an edit only the changed part is read again; parts the
    splicer does not handle are joined by pdfjoin.py instead.
    """
    from .splice_cache import join_tagged_parts

    paths = [Path(out) / rel for rel in parts]
    try:
        return join_tagged_parts(paths, joined_name(parts[0]))
    except OSError:
        raise  # a part gone missing, an unreadable folder: the build's one line names the path
    except Exception as exc:  # a part pikepdf cannot read
        raise PipelineError(f"handouts: joining the card parts ({parts[0]}, ...) failed: {exc}") from None


def joined_name(part: str) -> str:
    """The joined file's name (its parts' kept segments' folder) from a part's output path."""
    return Path(part).stem.rsplit("-part-", 1)[0]


def part_rendered(rel: str, part: int, pdf: bytes) -> None:
    """A card part's PDF is made: its segment of the joined file too, in the same worker (splice_cache.py)."""
    from .splice_cache import keep_part

    keep_part(pdf, part, joined_name(rel))


def remove_old_parts(out: Path, toolkit: Toolkit, paper: Paper) -> list[Path]:
    """Drop the parts no longer made (the toolkit shrank): the folder holds what the joined file holds."""
    parts = card_parts(toolkit)
    folder = Path(out) / CARD_PARTS
    wanted = {folder / f"{card_part_name(paper, p)}.pdf" for p in range(1, parts + 1)} if parts > 1 else set()
    removed = [p for p in sorted(folder.glob(f"example-cards-{paper.key}-part-*.pdf")) if p not in wanted]
    for stale in removed:
        stale.unlink()
    return removed
