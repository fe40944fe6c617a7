"""Parts joined into one tagged PDF, each part's segment kept across builds (pdfsplice.py): an edited card
part is spliced again, the other 39 are laid end to end as the last build wrote them.

A segment is kept in `<out>/.build/splice/<name>/<key>.seg` under the hash of the part's bytes and what
the segment is made from (pikepdf, zlib and the pipeline's code); it says which position and strides it
was made for, and carries a checksum of all it holds. A missing, unreadable, damaged or misplaced segment
is made again from its part: like a hint (pipeline/hints.py), a kept segment only saves time, and the
joined bytes are those of a join without any. After a join the folder keeps only the segments it used.
Outside a build (tests, the benchmark's bare renders) nothing is kept.
"""
from __future__ import annotations

import hashlib
import io
import json
from functools import lru_cache
from pathlib import Path

from .. import hints
from . import pdfsplice

FOLDER = "splice"
STRIDES = "strides.json"  # the last join's, for the next build's parts (keep_part)
_BYTES = ("body", "pages", "kids", "nums")


def join_parts(paths: list[Path], name: str, finish=None) -> bytes:
    """The parts (in order) as one tagged PDF; raises pdfsplice.Unsupported for parts it cannot splice.
    `finish`: what the joined file adds to the parts (pdfsplice.assemble's, the paper's: paper_splice.py)."""
    import pikepdf

    folder = hints.state_folder(FOLDER)
    folder = folder / name if folder is not None else None
    datas = [Path(p).read_bytes() for p in paths]
    keys = [_key(data) for data in datas]
    segments = [_read(folder, key) for key in keys]
    opened: dict[int, object] = {}
    try:
        facts = []
        for i, (segment, data) in enumerate(zip(segments, datas)):
            if segment is None:
                opened[i] = pikepdf.open(io.BytesIO(data))
                facts.append(pdfsplice.facts_of(opened[i]))
            else:
                facts.append((segment.size, segment.next_key))
        stride, key_stride = pdfsplice.strides(facts)
        for i, segment in enumerate(segments):
            if segment is None or not segment.fits(i + 1, stride, key_stride):
                pdf = opened.get(i) or opened.setdefault(i, pikepdf.open(io.BytesIO(datas[i])))
                segments[i] = pdfsplice.make_segment(pdf, str(pdf.pdf_version), i + 1, stride, key_stride)
                _write(folder, keys[i], segments[i])
    finally:
        for pdf in opened.values():
            pdf.close()
    joined = pdfsplice.assemble(segments, finish)
    _prune(folder, set(keys))
    _write_strides(folder, stride, key_stride)
    return joined


def join_tagged_parts(paths: list[Path], name: str, finish=None, pikepdf_finish=None) -> bytes:
    """The parts as one tagged PDF: spliced (join_parts, `finish` its additions), or, for parts the splicer
    does not handle (pdfsplice.Unsupported), copied into one pikepdf document by pdfjoin.join_tagged
    (`pikepdf_finish` its additions): the example cards' and the paper's joins."""
    try:
        return join_parts(paths, name, finish=finish)
    except pdfsplice.Unsupported:
        from .pdfjoin import join_tagged

        joined = io.BytesIO()
        join_tagged(paths, joined, finish=pikepdf_finish)
        return joined.getvalue()


def keep_part(data: bytes, index: int, name: str) -> None:
    """Make and keep the segment of part `index` as soon as it is rendered, in its own worker: a fresh
    build's join (79 parts at 2,500 examples, ~2.9 s of CPU at the end of the build) then finds every
    segment made beside the other parts. Made at the strides a part of this size needs, or the last join's
    if larger (an edited part then fits the parts kept beside it); the join makes it again if another part
    needs others."""
    folder = hints.state_folder(FOLDER)
    if folder is None:
        return
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            facts = [pdfsplice.facts_of(pdf), *_read_strides(folder / name)]
            stride, key_stride = pdfsplice.strides(facts)
            segment = pdfsplice.make_segment(pdf, str(pdf.pdf_version), index, stride, key_stride)
    except Exception:  # noqa: BLE001 - only a saving: the join makes it (or joins otherwise) and says why
        return
    _write(folder / name, _key(data), segment)


def _write_strides(folder: Path | None, stride: int, key_stride: int) -> None:
    if folder is not None:
        from ..outputs import keep_bytes

        keep_bytes(folder / STRIDES, json.dumps([stride, key_stride]).encode())


def _read_strides(folder: Path) -> list[tuple[int, int]]:
    """The last join's strides as (size, next key) facts a part would need them for; [] if none kept."""
    try:
        stride, key_stride = json.loads((folder / STRIDES).read_bytes())
        return [(int(stride) - 1, int(key_stride))]
    except (OSError, ValueError, TypeError):
        return []


@lru_cache(maxsize=1)
def _inputs() -> bytes:
    import pikepdf

    return hints.made_by(pikepdf.__version__).encode()


def _key(data: bytes) -> str:
    return hashlib.sha256(_inputs() + b"\0" + data).hexdigest()


def _check(key: str, header: bytes, body: bytes) -> str:
    return hashlib.sha256(key.encode() + b"\0" + header + b"\0" + body).hexdigest()


def _write(folder: Path | None, key: str, segment: pdfsplice.Segment) -> None:
    if folder is None:
        return
    from ..outputs import keep_bytes

    fields = {"size": segment.size, "next_key": segment.next_key, "index": segment.index,
              "stride": segment.stride, "key_stride": segment.key_stride, "version": segment.version,
              "streams": segment.streams, "body": len(segment.body),
              "outline": {k: v.decode("latin-1") if isinstance(v, bytes) else v for k, v in segment.outline.items()},
              "head": _head(segment.head), **{k: getattr(segment, k).decode("latin-1") for k in _BYTES[1:]}}
    header = json.dumps(fields, sort_keys=True).encode()
    blobs = segment.body + segment.table
    record = json.dumps({"check": _check(key, header, blobs), "header": len(header)}).encode()
    keep_bytes(folder / f"{key}.seg", record + b"\n" + header + blobs)  # if lost: made again next time


def _read(folder: Path | None, key: str) -> pdfsplice.Segment | None:
    if folder is None:
        return None
    try:
        data = (folder / f"{key}.seg").read_bytes()
        first, rest = data.split(b"\n", 1)
        record = json.loads(first)
        header, blobs = rest[:record["header"]], rest[record["header"]:]
        if record["check"] != _check(key, header, blobs):
            return None
        fields = json.loads(header)
        body, table = blobs[:fields["body"]], blobs[fields.pop("body"):]
        outline = {k: v.encode("latin-1") if isinstance(v, str) else v for k, v in fields.pop("outline").items()}
        head = _head(fields.pop("head"), back=True)
        texts = {k: fields.pop(k).encode("latin-1") for k in _BYTES[1:]}
        return pdfsplice.Segment(**fields, body=body, table=table, outline=outline, head=head, **texts)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _head(head: dict, back: bool = False) -> dict:
    """The first part's pieces (bytes, or a (dictionary, data) pair) to JSON and `back`."""
    def one(value):
        if value is None:
            return None
        if isinstance(value, (tuple, list)):
            return tuple(one(v) for v in value) if back else [one(v) for v in value]
        return value.encode("latin-1") if back else value.decode("latin-1")

    return {k: one(v) for k, v in head.items()}


def _prune(folder: Path | None, used: set[str]) -> None:
    """Only the segments of this join stay (an edited part's old segment would never be read again)."""
    if folder is None:
        return
    from ..outputs import keep_only

    keep_only(folder, ".seg", used)
