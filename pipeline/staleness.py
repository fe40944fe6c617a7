"""What a build has to make: a target is stale when its fingerprint changed or an output is missing; one
that failed on the same inputs is not retried; one whose output a person edited is not overwritten.

The manifest (pipeline/buildstate.py keeps it crash-safe) holds, per target, the fingerprint it was built
from, the hash of each output and the error it failed with; pipeline/build.py asks these questions of it.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from .buildstate import our_hashes
from .targets import Target


def is_stale(target: Target, print_: str, manifest: dict, out: Path) -> bool:
    entry = manifest.get(target.id)
    if not entry or entry.get("fingerprint") != print_:
        return True
    return any(not (out / o).exists() for o in target.outputs)


def failed_before(target: Target, print_: str, manifest: dict) -> str | None:
    """The error a target failed with last time, if nothing it is made from changed since (else None).

    Retrying it would only fail again at full cost: a no-op build stays a no-op (issue 17).
    """
    failed = (manifest.get(target.id) or {}).get("failed") or {}
    return failed.get("error") if failed.get("fingerprint") == print_ else None


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def edited_outputs(target: Target, manifest: dict, out: Path) -> list[str]:
    """Outputs changed by hand since the build wrote them (a roadmap filled in place, say).

    A file whose bytes a build of ours wrote, or was about to write when it was killed, is not an edit.
    """
    edited = []
    for rel in target.outputs:
        known = our_hashes(manifest, target.id, rel)
        if known and (out / rel).is_file() and file_hash(out / rel) not in known:
            edited.append(rel)
    return edited


def remove_leftovers(out: Path) -> None:
    """Temporary files of a build that was killed before it could rename them (we hold the lock)."""
    for tmp in out.rglob(".*.tmp"):
        tmp.unlink(missing_ok=True)
