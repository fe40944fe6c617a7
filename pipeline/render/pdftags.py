"""What WeasyPrint's PDF/UA tags leave out, added to the structure tree with pikepdf (one pass per PDF).

WeasyPrint (pdf_variant='pdf/ua-1') writes a tagged PDF, but:
- a table header cell (<th scope="col">) becomes a /TH without /Scope, so a screen reader cannot tell
  which data cells a header labels (PDF/UA-1 7.5; `pdfua` rule UA-15-003);
- an inline SVG (our QR codes) becomes a /Figure without /Alt (PDF/UA-1 7.3; UA-13-004).

`complete_tags` fixes both after the PDF is written: every /TH gets /Scope (Column in a header row,
Row when it opens a body row), and the /Figure elements get the alternative texts the builder passes, in
reading order, to those that have neither /Alt nor /ActualText yet. The number of texts must equal the
number of such figures; a mismatch is a build error rather than a figure with the wrong description.
Bytes stay reproducible: the new /ID is a hash of the content, the dates are WeasyPrint's.
"""
from __future__ import annotations

import io
from typing import Sequence

from ..errors import PipelineError


def complete_tags(pdf: bytes, figure_alts: Sequence[str] | None = None, *, source: str = "PDF") -> bytes:
    """The PDF with /Scope on every /TH and `figure_alts` as /Alt on the /Figure elements, in order."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        root = document.Root.get("/StructTreeRoot")
        if root is None:
            return pdf
        elements = list(_walk(root))
        for element, parent in elements:
            if element.get("/S") == "/TH":
                _set_attribute(element, pikepdf, "/Scope", pikepdf.Name("/" + _scope(element, parent)))
        figures = [e for e, _ in elements if e.get("/S") == "/Figure" and "/Alt" not in e and "/ActualText" not in e]
        alts = list(figure_alts or ())
        if figure_alts is not None and len(alts) != len(figures):
            raise PipelineError(f"{source}: {len(figures)} figures in the PDF but {len(alts)} alternative texts; "
                                "every figure needs exactly one")
        for element, alt in zip(figures, alts):
            element.Alt = pikepdf.String(alt)
        out = io.BytesIO()
        # keep the /ID WeasyPrint derived from the content: same sources, same bytes
        document.save(out, deterministic_id=True, compress_streams=True,
                      object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        return out.getvalue()


def _walk(root):
    """(element, parent) for every structure element, depth first: the reading order."""
    import pikepdf

    stack = [(root, None)]
    while stack:
        node, parent = stack.pop()
        if node is not root:
            yield node, parent
        kids = node.get("/K")
        if kids is None:
            continue
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        children = [k for k in kids if isinstance(k, pikepdf.Dictionary) and "/S" in k]
        stack.extend((k, node) for k in reversed(children))


def _scope(th, row) -> str:
    """Column for a header row's cells (and a TH in THead); Row for a TH that opens a body row."""
    import pikepdf

    if row is None or row.get("/S") != "/TR":
        return "Column"
    section = row.get("/P")
    if section is not None and section.get("/S") == "/THead":
        return "Column"
    kids = row.get("/K")
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    cells = [k for k in kids if isinstance(k, pikepdf.Dictionary) and "/S" in k]
    if all(c.get("/S") == "/TH" for c in cells):
        return "Column"  # a header row outside THead
    return "Row" if cells and cells[0].objgen == th.objgen else "Column"


def _set_attribute(element, pikepdf, key: str, value) -> None:
    """Add {/O /Table, key: value} to the element's attributes, keeping the ones it has (its /BBox)."""
    attributes = element.get("/A")
    table = None
    if isinstance(attributes, pikepdf.Dictionary):
        attributes = [attributes]
    elif isinstance(attributes, pikepdf.Array):
        attributes = list(attributes)
    else:
        attributes = []
    for a in attributes:
        if isinstance(a, pikepdf.Dictionary) and a.get("/O") == "/Table":
            table = a
    if table is None:
        table = pikepdf.Dictionary(O=pikepdf.Name("/Table"))
        attributes.append(table)
    table[key] = value
    element.A = pikepdf.Array(attributes) if len(attributes) > 1 else attributes[0]
