"""After the pool, the paper's parts settled and joined (paper_parts.py holds how a part is laid out).

A part records the page map it was laid out with; the parts are settled once each saw the map the parts
themselves now make. `settle` (the build's process, after the pool) lays out again, through the build,
the parts that saw another map, and joins them once none did; `join_in_worker` (the `pdf-join` target)
joins settled parts in a worker beside the pool's other targets, so that an edit does not wait for the
join after the pool. Both join only when the parts changed since the last join (`_join_if_changed`), so
the joined PDF is the same bytes whichever of them made it.
"""
from __future__ import annotations

import hashlib
import json

from .paper_parts import PAGE_MAP_HINT, SPLICE_NAME, Split, anchor_pages, seen

# how the joined file is made, in its record: a file joined otherwise (by pikepdf, before the parts were
# spliced) is joined again, so that the same parts give the same bytes whatever the folder held
JOINED_BY = b"spliced (pdfsplice.py), else pikepdf\0"


def settle(out, parts: Split, targets, joined_rel: str) -> list:
    """After the build: the parts laid out with another page map than the one they make now (to lay out
    again: the build does, then calls this again), or [] once every part saw the final map and the parts
    are joined into `joined_rel`. Nothing is joined while a part failed (its error is reported)."""
    from pathlib import Path

    from .. import hints
    from ..buildstate import read_manifest

    out = Path(out)
    manifest = read_manifest(out)
    for target in targets:
        entry = manifest.get(target.id) or {}
        if "failed" in entry or "fingerprint" not in entry:
            return []
    infos = _part_infos(out, parts, targets)
    if not isinstance(infos, list):
        return [infos]
    page_map = [info["pages"] for info in infos]
    hints.use(out)
    try:
        hints.write(PAGE_MAP_HINT, page_map)
        stale = _seen_another_map(parts, targets, infos)
        if stale:
            return stale
        _join_if_changed(out, [out / t.outputs[0] for t in targets], infos, out / joined_rel)
    finally:
        hints.use(None)
    return []


def join_in_worker(out, parts: Split, targets, joined_rel: str) -> None:
    """The join target's work (paper.py `pdf-join`, after every part): join the parts now, in a worker
    beside the pool's other targets, if they are settled (every part saw the page map they make); else
    nothing, and `settle` lays out again and joins in the build's process as before. `settle` always
    checks the joined file against the parts it is made from (`_join_if_changed`), so this only saves the
    join at the build's tail (~1 s of CPU at 2,500 examples after an edit), never decides its bytes."""
    from pathlib import Path

    out = Path(out)
    infos = _part_infos(out, parts, targets)
    if isinstance(infos, list) and not _seen_another_map(parts, targets, infos):
        _join_if_changed(out, [out / t.outputs[0] for t in targets], infos, out / joined_rel)


def _part_infos(out, parts: Split, targets):
    """Each part's page info as written beside its PDF, or the first part whose info is missing, unreadable
    or made from other HTML (to lay out again)."""
    infos = []
    for k, target in enumerate(targets):
        try:
            info = json.loads((out / target.outputs[1]).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return target
        if info.get("key") != parts.key(k):
            return target
        infos.append(info)
    return infos


def _seen_another_map(parts: Split, targets, infos) -> list:
    """The parts laid out with another page map than the one the parts make now."""
    firsts, where = anchor_pages([info["pages"] for info in infos])
    return [t for k, t in enumerate(targets) if infos[k]["seen"] != seen(firsts[k], parts.references(k), where)]


def _join_if_changed(out, pdfs, infos, joined) -> None:
    from .. import hints
    from ..errors import PipelineError
    from ..outputs import AtomicFile
    from .paper_join import finish_join
    from .paper_splice import splice_finish
    from .splice_cache import join_tagged_parts

    digest = hashlib.sha256(JOINED_BY)
    for path, info in zip(pdfs, infos):
        digest.update(hashlib.sha256(path.read_bytes()).digest() + json.dumps(info, sort_keys=True).encode())
    record = hints.read("paper-joined") or {}
    if record.get("parts") == digest.hexdigest() and hints.kept_output(joined, record.get("joined")) is not None:
        return
    firsts = anchor_pages([i["pages"] for i in infos])[0]
    with AtomicFile(joined) as tmp:
        try:  # spliced (pdfsplice.py): only the parts that changed are read again
            tmp.write_bytes(join_tagged_parts(pdfs, SPLICE_NAME, finish=splice_finish(infos, firsts),
                                              pikepdf_finish=finish_join(infos, firsts)))
        except OSError:
            raise
        except Exception as exc:  # a part pikepdf cannot read
            raise PipelineError(f"paper: joining the parts into {joined} failed: {exc}") from None
    hints.write("paper-joined", {"parts": digest.hexdigest(),
                                 "joined": hints.digest(joined.read_bytes())})
