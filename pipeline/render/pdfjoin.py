"""Join tagged PDFs (the parts of a long handout) into one tagged PDF, with pikepdf.

Joining the pages alone (`qpdf --empty --pages ...`) gives the printer what it needs but drops every
part's structure tree, language and title: the joined file, the one people download, was untagged (pdfua:
no /StructTreeRoot, no /Lang, no /MarkInfo). Here the first part's document is kept whole (catalog,
metadata, title, language) and each later part is grafted on:

- its pages are appended, their /StructParents (and their annotations' /StructParent) keys moved past the
  keys already used, so each page still finds its marked content in the parent tree;
- its structure elements become children of the first part's /Document element, in page order;
- its parent tree entries and its bookmarks are appended.

Objects are copied once per part (pikepdf shares one copy map per source file), so a structure element's
/Pg is the appended page, not a second copy of it. Same parts, same bytes (deterministic /ID).
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence


def join_tagged(parts: Sequence[Path], dest: Path, finish: Callable | None = None) -> None:
    """Write the parts, in order, as one tagged PDF at `dest`. `finish(joined)`, if given, completes the
    joined pikepdf document before it is saved (the paper's parts: its named destinations and outline)."""
    import pikepdf

    with pikepdf.open(parts[0]) as out:
        tree = out.Root.StructTreeRoot
        document = _document_element(tree)
        nums = tree.ParentTree.Nums
        next_key = _next_key(tree)
        for path in parts[1:]:
            with pikepdf.open(path) as part:
                first_new = len(out.pages)
                for page in part.pages:
                    out.pages.append(page)
                used = -1
                for page in out.pages[first_new:]:
                    if "/StructParents" in page.obj:
                        page.obj.StructParents = int(page.obj.StructParents) + next_key
                        used = max(used, int(page.obj.StructParents))
                    for annot in page.obj.get("/Annots", []):
                        if "/StructParent" in annot:
                            annot.StructParent = int(annot.StructParent) + next_key
                            used = max(used, int(annot.StructParent))
                part_tree = part.Root.StructTreeRoot
                entries = list(part_tree.ParentTree.Nums)
                for key, value in zip(entries[::2], entries[1::2]):
                    nums.append(int(key) + next_key)
                    nums.append(_copy(out, part, value))
                for element in _children(out.copy_foreign(_document_element(part_tree))):
                    element.P = document
                    document.K.append(element)
                _append_outline(out, part)
                next_key = max(used + 1, next_key + _next_key(part_tree))
        tree.ParentTreeNextKey = next_key
        if finish is not None:
            finish(out)
        out.save(dest, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)  # the structure tree packs well


def _copy(out, part, value):
    """A parent tree value into `out`: an array of structure elements (marked content of a page) is direct,
    its elements are indirect; an annotation's entry is one indirect element."""
    import pikepdf

    if isinstance(value, pikepdf.Array) and not value.is_indirect:
        # one copy of the whole array (made indirect in the part for it) instead of one per element: a card
        # page has ~170 elements, and a copy call each cost ~0.8 s of the 2,500-example join's ~2.7 s
        return pikepdf.Array(out.copy_foreign(part.make_indirect(value)))
    return out.copy_foreign(value)


def _document_element(tree):
    """The /Document element at the top of a structure tree (WeasyPrint writes exactly one)."""
    import pikepdf

    kids = tree.K
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    document = next(k for k in kids if k.get("/S") == "/Document")
    if not isinstance(document.get("/K"), pikepdf.Array):  # a single child: make room for more
        document.K = pikepdf.Array([document.K] if "/K" in document else [])
    return document


def _children(element) -> list:
    import pikepdf

    kids = element.get("/K")
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []


def _next_key(tree) -> int:
    if "/ParentTreeNextKey" in tree:
        return int(tree.ParentTreeNextKey)
    keys = list(tree.ParentTree.Nums)[::2]
    return max((int(k) for k in keys), default=-1) + 1


def _append_outline(out, part) -> None:
    """The part's bookmarks after the ones already there (their destinations are the appended pages)."""
    import pikepdf

    source = part.Root.get("/Outlines")
    if source is None or "/First" not in source:
        return
    copied = out.copy_foreign(source)
    if "/Outlines" not in out.Root:
        out.Root.Outlines = out.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines, Count=0))
    target = out.Root.Outlines
    item = copied.First
    while item is not None:
        item.Parent = target
        item = item.get("/Next")
    if "/Last" in target:
        target.Last.Next = copied.First
        copied.First.Prev = target.Last
    else:
        target.First = copied.First
    target.Last = copied.Last
    target.Count = int(target.get("/Count", 0)) + int(copied.get("/Count", 0))
