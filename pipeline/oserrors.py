"""Operating-system errors as one line the user can act on: the path, what went wrong, what to do.

A read-only folder, a full disk or a missing folder is not a bug in the pipeline: it gets the same
treatment as bad input (one line, no traceback), never "internal error ... (a bug)".
"""
from __future__ import annotations

import errno

from .errors import PipelineError

_ADVICE = {
    errno.EACCES: "permission denied; make the folder writable for you, or pick another with --out",
    errno.EPERM: "operation not permitted; make the folder writable for you, or pick another with --out",
    errno.EROFS: "the file system is read-only; pick a writable folder with --out",
    errno.ENOSPC: "no space left on the disk; free some space and build again (finished outputs are kept)",
    errno.EDQUOT: "disk quota exceeded; free some space and build again (finished outputs are kept)",
    errno.EFBIG: "file too large for this file system or user limit; free space or raise the limit",
    errno.ENOENT: "no such file or folder; check the path (create the folder if it should exist)",
    errno.ENOTDIR: "a part of the path is a file, not a folder; move it away or pick another path",
    errno.EISDIR: "is a folder where a file was expected; move it away or pick another path",
    errno.EMFILE: "too many open files; close other programs or raise the limit (ulimit -n)",
    errno.EIO: "input/output error from the disk; check the disk and try again",
}


def describe(exc: OSError, path=None) -> str:
    """`<path>: <what happened>` for any OSError; `path` when the exception does not carry one."""
    where = exc.filename or path
    if where and str(where).endswith(".tmp") and "/." in str(where):  # our temporary file: name its folder
        where = str(where).rsplit("/", 1)[0]
    what = _ADVICE.get(exc.errno) or f"{exc.strerror or type(exc).__name__}; check the path and try again"
    if exc.filename2:
        where = f"{where} -> {exc.filename2}"
    return f"{where}: {what}" if where else what


class OSProblem(PipelineError):
    """An output could not be written for a reason outside the sources (disk full, read-only folder):
    the build retries the target next time even if its inputs did not change."""
