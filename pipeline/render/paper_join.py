"""The paper's parts made one PDF (pipeline/render/paper_parts.py): each part's PDF trimmed to its own
pages, then, on the joined parts (pdfjoin.join_tagged), every named destination and the outline, each from
the part that owns its page.

WeasyPrint builds the structure tree page by page (every element's /Pg is the page it is on, each page's
elements are children of /Document), so keeping the elements of a part's own pages keeps exactly what one
layout of the whole paper has on those pages; the outline is rebuilt by WeasyPrint's own rule from the
bookmarks' levels, so its shape is the one a layout of the whole paper makes.
"""
from __future__ import annotations

import io
from decimal import Decimal


def trim(pdf: bytes, own: range, prefix: str = "") -> tuple[bytes, list, list]:
    """The PDF with only the pages `own`, their structure elements and parent tree entries; and (named
    destinations on them [name, page, x, y], the outline's destinations [page, x, y] in order), pages
    counted from the part's first page, coordinates as the PDF writes them. `prefix` goes before every
    structure element's /ID and the table cells' /Headers that name them: WeasyPrint makes them from
    object numbers, unique in one PDF, not over the parts."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        index = {page.objgen: i for i, page in enumerate(doc.pages)}
        mine = {gen for gen, i in index.items() if i in own}
        dests = []
        names = doc.Root.get("/Names", {}).get("/Dests")
        flat = list(names.Names) if names is not None and "/Names" in names else []
        for name, dest in zip(flat[::2], flat[1::2]):
            if dest[0].objgen in mine:
                dests.append([str(name), index[dest[0].objgen] - own.start, str(dest[2]), str(dest[3])])
        marks = []
        item = doc.Root.Outlines.get("/First") if "/Outlines" in doc.Root else None
        stack = []
        while item is not None:  # depth first: the order WeasyPrint laid the bookmarks out in
            dest = item.Dest
            marks.append([index[dest[0].objgen] - own.start, str(dest[2]), str(dest[3])])
            if "/Next" in item:
                stack.append(item.Next)
            item = item.First if "/First" in item else (stack.pop() if stack else None)
        tree = doc.Root.StructTreeRoot
        document = tree.K[0] if isinstance(tree.K, pikepdf.Array) else tree.K
        document.K = pikepdf.Array([e for e in document.K if e.Pg.objgen in mine])
        _prefix_ids(document, prefix)
        # parent tree keys renumbered: the pages' from 0, then their annotations' (WeasyPrint counts both
        # over the whole document, so the part's bytes would depend on how many pages the others have)
        nums = list(tree.ParentTree.Nums)
        values = {int(key): value for key, value in zip(nums[::2], nums[1::2])}
        pages = [doc.pages[i].obj for i in own]
        holders = [(page, "/StructParents") for page in pages if "/StructParents" in page]
        holders += [(a, "/StructParent") for page in pages for a in page.get("/Annots", []) if "/StructParent" in a]
        kept = pikepdf.Array()
        for new, (holder, key) in enumerate(holders):
            kept.extend([new, values[int(holder[key])]])
            holder[key] = new
        tree.ParentTree.Nums = kept
        tree.ParentTreeNextKey = len(holders)
        for key in ("/Names", "/Outlines"):
            if key in doc.Root:
                del doc.Root[key]
        for i in reversed(range(len(doc.pages))):
            if i not in own:
                del doc.pages[i]
        out = io.BytesIO()
        doc.save(out, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue(), dests, marks


def _prefix_ids(element, prefix: str) -> None:
    """WeasyPrint names a table's header cells '<the table's object number>-<row>-<column>': the number is
    replaced by the table's place in the part (object numbers depend on the other parts' pages) and the
    part's prefix goes before it (unique over the joined parts)."""
    import pikepdf

    tables: dict[str, int] = {}

    def renamed(name) -> pikepdf.String:
        number, _, rest = str(name).partition("-")
        return pikepdf.String(f"{prefix}{tables.setdefault(number, len(tables))}-{rest}")

    stack = [element]
    while stack:
        node = stack.pop()
        if "/ID" in node:
            node.ID = renamed(node.ID)
        attributes = node.get("/A")
        for a in (attributes if isinstance(attributes, pikepdf.Array) else [attributes]):
            if isinstance(a, pikepdf.Dictionary) and "/Headers" in a:
                a.Headers = pikepdf.Array([renamed(h) for h in a.Headers])
        kids = node.get("/K")
        for kid in reversed(list(kids) if isinstance(kids, pikepdf.Array) else [kids]):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                stack.append(kid)


# -- the join ---------------------------------------------------------------------------------------

def finish_join(infos: list[dict], firsts: list[int]):
    """What the join adds to the joined parts (pdfjoin.join_tagged's `finish`): every named destination
    and the outline, each from the part that owns its page (part k's info, its first page firsts[k]), on
    the joined pages."""
    def finish(out) -> None:
        import pikepdf

        pages = [p.obj for p in out.pages]
        dests = sorted((name, firsts[k] + page, x, y) for k, info in enumerate(infos)
                       for name, page, x, y in info["dests"])
        names = pikepdf.Array()
        for name, page, x, y in dests:
            names.append(pikepdf.String(name))
            names.append(pikepdf.Array([pages[page], pikepdf.Name.XYZ, Decimal(x), Decimal(y), 0]))
        if dests:
            out.Root.Names = pikepdf.Dictionary(Dests=pikepdf.Dictionary(Names=names))
        marks = [(level, label, state, firsts[k] + page, x, y) for k, info in enumerate(infos)
                 for level, label, state, page, x, y in info["bookmarks"]]
        _write_outline(out, pages, bookmark_tree(marks))

    return finish


def bookmark_tree(marks) -> list:
    """Bookmarks (level, label, state, page, x, y) in page order as a tree [(label, (page, x, y), children,
    state)]: WeasyPrint's own rule (anchors.make_page_bookmark_tree), so the outline is the one a layout
    of the whole paper makes."""
    root: list = []
    skipped: list[int] = []
    last_by_depth = [root]
    previous = 0
    for level, label, state, page, x, y in marks:
        if level > previous:
            skipped.append(level - previous - 1)
        else:
            temp = level
            while temp < previous:
                temp += 1 + skipped.pop()
            if temp > previous:
                skipped.append(temp - previous - 1)
        previous = level
        depth = level - sum(skipped)
        children: list = []
        last_by_depth[depth - 1].append((label, (page, x, y), children, state))
        del last_by_depth[depth:]
        last_by_depth.append(children)
    return root


def _write_outline(out, pages, tree) -> None:
    """The outline as WeasyPrint writes it (pdf/anchors.add_outlines): counts, closed items negative."""
    import pikepdf

    def add(items, parent) -> tuple[list, int]:
        count, made = len(items), []
        for label, (page, x, y), children, state in items:
            item = out.make_indirect(pikepdf.Dictionary(
                Title=pikepdf.String(label),
                Dest=pikepdf.Array([pages[page], pikepdf.Name.XYZ, Decimal(x), Decimal(y), 0])))
            kids, kid_count = add(children, item)
            item.Count = -kid_count if state == "closed" else kid_count
            count += 0 if state == "closed" else kid_count
            if made:
                item.Prev = made[-1]
                made[-1].Next = item
            if kids:
                item.First, item.Last = kids[0], kids[-1]
            item.Parent = parent
            made.append(item)
        return made, count

    if not tree:
        return
    root = out.make_indirect(pikepdf.Dictionary())
    made, count = add(tree, root)
    root.Count, root.First, root.Last = count, made[0], made[-1]
    out.Root.Outlines = root
