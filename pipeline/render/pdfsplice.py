"""Join tagged PDF parts by splicing their objects: the example cards' one file to print, at the cost of
the parts that changed (issue 17).

pdfjoin.join_tagged copies every part's ~3,000 objects into one pikepdf document and saves it: at 2,500
examples (40 parts, 625 pages) ~1.9 s of CPU after every edit, for one changed part. Here each part
becomes a *segment*: its objects written as they will stand in the joined file, under numbers that do
not depend on the other parts (part i owns the numbers `RESERVED + (i-1) * stride` onward, the same
stride for all: a sparse cross-reference stream lists the ranges used). A segment is a pure function
of the part's bytes, its position and the strides, so it is kept across builds (splice_cache.py): an
edit writes one segment again and lays the others end to end.

What a segment changes in its part's objects, so that the joined file means what join_tagged's did:
- references to the part's page tree, structure tree root, /Document element and outline root point at
  the joined file's (RESERVED numbers, written last with every part's pages, elements and bookmarks);
- its pages' /StructParents and its annotations' /StructParent move to the part's range of parent-tree
  keys (`(i-1) * key_stride` onward), and its parent-tree entries with them;
- its first and last top-level bookmarks are written with the joined file's end, where the neighbours'
  /Prev and /Next are known.
The first part gives the joined file its catalog (language, viewer preferences), metadata and /Info.
A part with anything else at its top (named destinations, forms, an ID tree, nested page trees) is not
spliced: the caller joins the parts with join_tagged instead (`Unsupported`).
"""
from __future__ import annotations

import hashlib
import re
import struct
import zlib
from dataclasses import dataclass, field
from typing import Callable

# the joined file's own objects: catalog, page tree, structure root, /Document, parent tree, outlines,
# /Info, metadata, cross-reference stream
CATALOG, PAGES, STRUCT, DOCUMENT, PARENT_TREE, OUTLINES, INFO, METADATA, XREF = range(1, 10)
RESERVED = 16
_ROW = 7  # bytes of a cross-reference row: type, offset or object stream (4), generation or index (2)
MIN_STRIDE, MIN_KEY_STRIDE = 4096, 1024
CATALOG_KEYS = {"/Type", "/Pages", "/StructTreeRoot", "/Outlines", "/Metadata", "/Lang", "/MarkInfo",
                "/ViewerPreferences"}
# a literal string (qpdf escapes its parentheses), a hex string, or a reference "N G R"
_TOKEN = re.compile(rb"\((?:[^\\()]|\\.)*\)|<[0-9A-Fa-f\s]*>|(?<![\w.#/+-])(\d+) (\d+) R(?![\w#])", re.S)


class Unsupported(Exception):
    """A part this splicer does not handle (the caller joins with pdfjoin.join_tagged)."""


@dataclass
class Segment:
    """One part as it stands in the joined file (all PDF text as bytes, numbers already final)."""

    size: int  # the part's /Size: its object numbers are 1 .. size-1
    next_key: int  # its first unused parent-tree key
    index: int = 0  # its position (1-based) and the strides it was written for
    stride: int = 0
    key_stride: int = 0
    body: bytes = b""  # "N 0 obj ... endobj" of its streams and its object stream
    table: bytes = b""  # its cross-reference rows (W [1 4 2]) for the numbers base+1 .. base+stride-1
    streams: list = field(default_factory=list)  # [row, offset in body]: rows the join adds its start to
    pages: bytes = b""  # its pages' references, in order
    kids: bytes = b""  # its /Document element's children
    nums: bytes = b""  # its parent-tree entries "key value ..."
    outline: dict = field(default_factory=dict)  # first/last top-level bookmark: number, dict, count
    head: dict = field(default_factory=dict)  # the first part's catalog, /Info and metadata pieces
    version: str = "1.7"

    def fits(self, index: int, stride: int, key_stride: int) -> bool:
        return (self.index, self.stride, self.key_stride) == (index, stride, key_stride)


def strides(facts: list[tuple[int, int]]) -> tuple[int, int]:
    """The object and key strides for parts of these (size, next_key): powers of two with room for all."""
    stride, key_stride = MIN_STRIDE, MIN_KEY_STRIDE
    while any(size + 1 > stride for size, _ in facts):  # +1: the segment's object stream
        stride *= 2
    while any(key > key_stride for _, key in facts):
        key_stride *= 2
    if stride > 65536:  # an object stream's index is written in two bytes
        raise Unsupported(f"a part of {max(s for s, _ in facts)} objects")
    return stride, key_stride


def facts_of(pdf) -> tuple[int, int]:
    """(size, next parent-tree key) of an opened part."""
    tree = _struct_root(pdf)
    keys = [int(k) for k in list(_nums(tree))[::2]]
    if "/ParentTreeNextKey" in tree:
        keys.append(int(tree.ParentTreeNextKey) - 1)
    return int(pdf.trailer.Size), max(keys, default=-1) + 1


def make_segment(pdf, version: str, index: int, stride: int, key_stride: int) -> Segment:
    """The opened part `pdf` (changed in memory, never saved) as the segment at `index`."""
    import pikepdf

    size, next_key = facts_of(pdf)
    base, key_base = RESERVED + (index - 1) * stride, (index - 1) * key_stride
    root, tree = pdf.Root, _struct_root(pdf)
    if set(root.keys()) - CATALOG_KEYS or set(tree.keys()) - {"/Type", "/K", "/ParentTree", "/ParentTreeNextKey"}:
        raise Unsupported("a catalog or structure root with more than pages, tags and bookmarks")
    if "/Kids" in tree.ParentTree or any(o.objgen[1] for o in pdf.objects):
        raise Unsupported("a nested parent tree or an object of generation > 0")
    document = _document(tree)
    outlines = root.get("/Outlines")
    fixed = {root.objgen[0]: CATALOG, root.Pages.objgen[0]: PAGES, tree.objgen[0]: STRUCT,
             document.objgen[0]: DOCUMENT, tree.ParentTree.objgen[0]: PARENT_TREE}
    if outlines is not None and outlines.is_indirect:
        fixed[outlines.objgen[0]] = OUTLINES
    if "/Metadata" in root:
        fixed[root.Metadata.objgen[0]] = METADATA
    info = pdf.trailer.get("/Info")
    if info is not None and info.is_indirect:
        fixed[info.objgen[0]] = INFO
    fixed.pop(0, None)  # a direct dictionary has no number

    def number(n: int) -> int:
        return fixed.get(n, n + base)

    def renumbered(raw: bytes) -> bytes:
        return _TOKEN.sub(lambda m: m.group(0) if m.group(1) is None else b"%d 0 R" % number(int(m.group(1))), raw)

    def value(obj) -> bytes:  # as a value: an indirect object is a reference
        return b"%d 0 R" % number(obj.objgen[0]) if obj.is_indirect else renumbered(obj.unparse())

    def content(obj) -> bytes:  # an indirect object's own text
        return renumbered(obj.unparse(resolved=True))

    pages = list(pdf.pages)
    if len(root.Pages.Kids) != len(pages) or set(root.Pages.keys()) - {"/Type", "/Count", "/Kids"}:
        raise Unsupported("a nested page tree or inherited page attributes")
    shifted = set()  # their keys into the parent tree move to this part's range
    for page in pages:
        for holder in [page.obj, *(a for a in page.obj.get("/Annots", []) if isinstance(a, pikepdf.Dictionary))]:
            if holder.is_indirect and holder.objgen in shifted:
                continue
            shifted.add(holder.objgen if holder.is_indirect else None)
            for name in ("/StructParents", "/StructParent"):
                if name in holder:
                    holder[name] = int(holder[name]) + key_base
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.objgen not in shifted and obj.objgen[0] not in fixed:
            if "/StructParents" in obj or "/StructParent" in obj:
                raise Unsupported("a parent-tree key outside pages and annotations")

    segment = Segment(size, next_key, index, stride, key_stride, version=version)
    first = last = None
    if outlines is not None and "/First" in outlines:
        first, last = outlines.First, outlines.Last
        segment.outline = {"count": int(outlines.get("/Count", 0)), "first": number(first.objgen[0]),
                           "last": number(last.objgen[0]), "first_dict": _dict_without(content(first), b"/Prev"),
                           "last_dict": _dict_without(content(last), b"/Next")}
    skip = set(fixed) | {o.objgen[0] for o in (first, last) if o is not None}  # (free rows until then)
    body, packed, offsets = bytearray(), bytearray(), []
    table = bytearray(_ROW * (stride - 1))
    objstm = base + stride - 1
    for obj in pdf.objects:
        n = obj.objgen[0]
        if n in skip:
            continue  # the joined file's own objects, or bookmarks written with its end
        if isinstance(obj, pikepdf.Stream):
            if obj.stream_dict.get("/Type") in ("/ObjStm", "/XRef"):
                continue  # the part's own packing: the segment packs its objects itself
            raw = obj.read_raw_bytes()
            obj.stream_dict.Length = len(raw)
            segment.streams.append([n - 1, len(body)])
            body += b"%d 0 obj\n%s\nstream\n" % (number(n), renumbered(obj.stream_dict.unparse())) + raw + b"\nendstream\nendobj\n"
        else:
            struct.pack_into(">BIH", table, (n - 1) * _ROW, 2, objstm, len(offsets))
            offsets.append((number(n), len(packed)))
            packed += content(obj) + b"\n"
    header = b" ".join(b"%d %d" % pair for pair in offsets) + b"\n"
    data = zlib.compress(header + bytes(packed))
    segment.streams.append([stride - 2, len(body)])
    body += (b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
             % (objstm, len(offsets), len(header), len(data))) + data + b"\nendstream\nendobj\n"
    segment.body, segment.table = bytes(body), bytes(table)
    segment.pages = b" ".join(b"%d 0 R" % number(p.obj.objgen[0]) for p in pages)
    segment.kids = b" ".join(value(k) for k in _kids(document))
    entries = list(_nums(tree))
    segment.nums = b" ".join(b"%d %s" % (int(k) + key_base, value(v)) for k, v in zip(entries[::2], entries[1::2]))
    segment.head = {
        "catalog": b" ".join(b"%s %s" % (k.encode(), value(root[k])) for k in sorted(root.keys())
                             if k not in ("/Type", "/Pages", "/StructTreeRoot", "/Outlines", "/Metadata")),
        "document": b" ".join(b"%s %s" % (k.encode(), value(document[k])) for k in sorted(document.keys())
                              if k not in ("/K", "/P")),
        "info": content(info) if info is not None and info.is_indirect else b"",
        "metadata": _metadata(root.get("/Metadata"), renumbered),
    }
    return segment


def assemble(segments: list[Segment], finish: Callable | None = None) -> bytes:
    """The joined PDF from its segments, in order (each made for its position with the same strides).

    `finish(pages, first)`, if given, writes what the joined file adds to its parts' own (the paper's
    named destinations and outline, paper_splice.py): given the joined pages' references (b"N 0 R", in
    order) and the first free object number, it returns the catalog's added entries (bytes) and the new
    objects [(number, text)] numbered from `first` on; they are packed in one object stream after the
    segments. The parts must then have no outline of their own (the caller's replaces it)."""
    version, stride = max(s.version for s in segments), segments[0].stride
    assert all(s.fits(i, stride, segments[0].key_stride) for i, s in enumerate(segments, start=1))
    added, extra, first_free = b"", [], RESERVED + len(segments) * stride + 1
    if finish is not None:
        if any(s.outline for s in segments):
            raise Unsupported("a part with an outline of its own, and an outline to write for the joined file")
        pages = re.findall(rb"\d+ 0 R", b" ".join(s.pages for s in segments))
        added, extra = finish(pages, first_free)
        assert [n for n, _ in extra] == list(range(first_free, first_free + len(extra)))
    out = bytearray(b"%%PDF-%s\n%%\xbf\xf7\xa2\xfe\n" % version.encode())
    tables, own = [], bytearray(_ROW * XREF)  # the segments' rows; those of the joined file's own objects
    for s in segments:
        start, table = len(out), bytearray(s.table)
        out += s.body
        for row, offset in s.streams:
            struct.pack_into(">BI", table, row * _ROW, 1, start + offset)
        tables.append(table)
    head, tail = segments[0].head, len(out)
    bookmarks = [s.outline for s in segments if s.outline]
    last_key = max(((i * segments[0].key_stride + s.next_key) for i, s in enumerate(segments) if s.next_key),
                   default=0)

    def row(n: int) -> None:  # object n starts here
        if n <= XREF:
            struct.pack_into(">BIH", own, (n - 1) * _ROW, 1, len(out), 0)
        else:
            part = (n - RESERVED - 1) // stride
            struct.pack_into(">BIH", tables[part], (n - RESERVED - part * stride - 1) * _ROW, 1, len(out), 0)

    def put(n: int, body: bytes) -> None:
        row(n)
        out.extend(b"%d 0 obj\n%s\nendobj\n" % (n, body))

    put(CATALOG, b"<< /Type /Catalog /Pages %d 0 R /StructTreeRoot %d 0 R%s%s %s%s >>" % (
        PAGES, STRUCT, b" /Outlines %d 0 R" % OUTLINES if bookmarks else b"",
        b" /Metadata %d 0 R" % METADATA if head["metadata"] else b"", head["catalog"], added))
    pages = b" ".join(s.pages for s in segments if s.pages)
    put(PAGES, b"<< /Type /Pages /Count %d /Kids [ %s ] >>" % (pages.count(b" R"), pages))
    put(STRUCT, b"<< /Type /StructTreeRoot /K [ %d 0 R ] /ParentTree %d 0 R /ParentTreeNextKey %d >>"
        % (DOCUMENT, PARENT_TREE, last_key))
    put(DOCUMENT, b"<< /K [ %s ] /P %d 0 R %s >>" % (b" ".join(s.kids for s in segments if s.kids), STRUCT,
                                                     head["document"]))
    put(PARENT_TREE, b"<< /Nums [ %s ] >>" % b" ".join(s.nums for s in segments if s.nums))
    if bookmarks:
        put(OUTLINES, b"<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>"
            % (bookmarks[0]["first"], bookmarks[-1]["last"], sum(b["count"] for b in bookmarks)))
        for i, b in enumerate(bookmarks):
            before = b" /Prev %d 0 R" % bookmarks[i - 1]["last"] if i else b""
            after = b" /Next %d 0 R" % bookmarks[i + 1]["first"] if i + 1 < len(bookmarks) else b""
            if b["first"] == b["last"]:
                put(b["first"], b["first_dict"][:-2] + before + after + b" >>")
                continue
            put(b["first"], b["first_dict"][:-2] + before + b" >>")
            put(b["last"], b["last_dict"][:-2] + after + b" >>")
    if head["info"]:
        put(INFO, head["info"])
    if head["metadata"]:
        meta, data = head["metadata"]
        row(METADATA)
        out += b"%d 0 obj\n%s\nstream\n" % (METADATA, meta) + data + b"\nendstream\nendobj\n"
    extra_rows = _packed(out, extra, first_free)
    digest = hashlib.sha256(b"".join(hashlib.sha256(s.body).digest() for s in segments) + bytes(out[tail:]))
    file_id = digest.hexdigest()[:32].encode()
    xref_at = len(out)
    row(XREF)
    index = [(1, XREF)] + [(RESERVED + i * stride + 1, stride - 1) for i in range(len(segments))]
    if extra:
        index.append((first_free, len(extra) + 1))
    data = zlib.compress(bytes(own) + b"".join(tables) + extra_rows, 1)  # 2.3 MB of rows, mostly free: level 6 took 68 ms
    out += (b"%d 0 obj\n<< /Type /XRef /Size %d /Index [ %s ] /W [ 1 4 2 ] /Root %d 0 R%s /ID [ <%s> <%s> ]"
            b" /Filter /FlateDecode /Length %d >>\nstream\n"
            % (XREF, first_free + len(extra) + 1 if extra else first_free - 1,
               b" ".join(b"%d %d" % pair for pair in index), CATALOG,
               b" /Info %d 0 R" % INFO if head["info"] else b"", file_id, file_id, len(data)))
    out += data + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def _packed(out: bytearray, objects: list[tuple[int, bytes]], first: int) -> bytes:
    """`objects` (numbered first, first+1, ...) written to `out` as one object stream numbered after them;
    their cross-reference rows, the stream's last."""
    if not objects:
        return b""
    rows, packed, offsets = bytearray(_ROW * (len(objects) + 1)), bytearray(), []
    objstm = first + len(objects)
    for i, (n, text) in enumerate(objects):
        struct.pack_into(">BIH", rows, i * _ROW, 2, objstm, i)
        offsets.append(b"%d %d" % (n, len(packed)))
        packed += text + b"\n"
    header = b" ".join(offsets) + b"\n"
    data = zlib.compress(header + bytes(packed))
    struct.pack_into(">BIH", rows, len(objects) * _ROW, 1, len(out), 0)
    out += (b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
            % (objstm, len(objects), len(header), len(data))) + data + b"\nendstream\nendobj\n"
    return bytes(rows)


def _struct_root(pdf):
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None or "/ParentTree" not in tree:
        raise Unsupported("an untagged part")
    return tree


def _nums(tree):
    return tree.ParentTree.get("/Nums", [])


def _document(tree):
    import pikepdf

    kids = tree.K
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    if len(kids) != 1 or kids[0].get("/S") != "/Document" or not kids[0].is_indirect:
        raise Unsupported("a structure tree without one /Document element at its top")
    return kids[0]


def _kids(element) -> list:
    import pikepdf

    kids = element.get("/K")
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
    if any(not (isinstance(k, pikepdf.Dictionary) and k.is_indirect) for k in kids):
        raise Unsupported("marked content directly under /Document")
    return kids


def _dict_without(text: bytes, key: bytes) -> bytes:
    """A bookmark's dictionary (one level: its values are numbers, names, strings, references or a /Dest
    array) without `key`, which the joined file's end writes."""
    if key + b" " in text:
        raise Unsupported(f"a first or last bookmark with {key.decode()}")
    return text



def _metadata(stream, renumbered) -> tuple[bytes, bytes] | None:
    """The first part's XMP stream (dictionary, raw data), which the joined file's catalog points at."""
    if stream is None:
        return None
    raw = stream.read_raw_bytes()
    stream.stream_dict.Length = len(raw)
    return renumbered(stream.stream_dict.unparse()), raw
