"""The paper's named destinations and outline written for a spliced join (pdfsplice.assemble's `finish`):
what paper_join.finish_join adds to the pikepdf join, as PDF text.

The same content as finish_join: every named destination [page, /XYZ, x, y, 0] in one flat /Names array
sorted by name, the outline built by WeasyPrint's rule (paper_join.bookmark_tree) with its counts (closed
items negative). Strings and numbers are written by pikepdf's own unparse of the values finish_join gives
it (pikepdf.String of the text, Decimal of the info's number), so a title reads the same in both files.
"""
from __future__ import annotations

from decimal import Decimal

from .paper_join import bookmark_tree


def splice_finish(infos: list[dict], firsts: list[int]):
    """`finish(pages, first)` for pdfsplice.assemble: part k's info `infos[k]` (its `dests` and `bookmarks`,
    pages counted from its first page `firsts[k]`)."""
    def finish(pages: list[bytes], first: int) -> tuple[bytes, list[tuple[int, bytes]]]:
        import pikepdf

        def where(page: int, x: str, y: str) -> bytes:
            xy = pikepdf.Array([Decimal(x), Decimal(y)]).unparse()[1:-1].strip()
            return b"[ %s /XYZ %s 0 ]" % (pages[page], xy)

        objects: list[tuple[int, bytes]] = []
        added = b""
        dests = sorted((name, firsts[k] + page, x, y) for k, info in enumerate(infos)
                       for name, page, x, y in info["dests"])
        if dests:
            flat = b" ".join(b"%s %s" % (pikepdf.String(name).unparse(), where(page, x, y))
                             for name, page, x, y in dests)
            objects.append((first, b"<< /Names [ %s ] >>" % flat))
            added += b" /Names << /Dests %d 0 R >>" % first
        marks = [(level, label, state, firsts[k] + page, x, y) for k, info in enumerate(infos)
                 for level, label, state, page, x, y in info["bookmarks"]]
        tree = bookmark_tree(marks)
        if tree:
            root = first + len(objects)
            objects += _outline(tree, root, where, pikepdf.String)
            added += b" /Outlines %d 0 R" % root
        return added, objects

    return finish


def _outline(tree: list, root: int, where, string) -> list[tuple[int, bytes]]:
    """The outline's objects, its root numbered `root` and its items after it depth first, as
    paper_join._write_outline (WeasyPrint's pdf/anchors.add_outlines) makes them."""
    numbers: dict[int, int] = {}  # id of an item's tuple -> its object number
    order: list = []

    def number(items) -> None:
        for item in items:
            numbers[id(item)] = root + 1 + len(order)
            order.append(item)
            number(item[2])

    number(tree)
    texts: dict[int, bytes] = {}

    def add(items, parent: int) -> int:
        count = len(items)
        for i, item in enumerate(items):
            label, (page, x, y), children, state = item
            kid_count = add(children, numbers[id(item)])
            count += 0 if state == "closed" else kid_count
            links = [b"/Count %d" % (-kid_count if state == "closed" else kid_count), b"/Dest %s" % where(page, x, y)]
            if children:
                links.append(b"/First %d 0 R /Last %d 0 R" % (numbers[id(children[0])], numbers[id(children[-1])]))
            if i + 1 < len(items):
                links.append(b"/Next %d 0 R" % numbers[id(items[i + 1])])
            links.append(b"/Parent %d 0 R" % parent)
            if i:
                links.append(b"/Prev %d 0 R" % numbers[id(items[i - 1])])
            links.append(b"/Title %s" % string(label).unparse())
            texts[numbers[id(item)]] = b"<< %s >>" % b" ".join(links)
        return count

    count = add(tree, root)
    head = b"<< /Count %d /First %d 0 R /Last %d 0 R >>" % (count, numbers[id(tree[0])], numbers[id(tree[-1])])
    return [(root, head), *((n, texts[n]) for n in sorted(texts))]
