"""Rendering tasks start here: load the sources and refuse to render while the check finds errors."""
from __future__ import annotations

from pathlib import Path

from .load import load
from .model import Toolkit


def load_checked(sources: Path | str = "sources", *, force: bool = False, workbook=None,
                 out: Path | str = "output", edition: str | None = None, final: bool = False) -> Toolkit:
    """The toolkit, after the consistency check passed (or `force` said to render anyway).

    Raises PipelineError (exit 2) naming the number of errors and the report to read. `final`: a final
    edition; it refuses (Refused, exit 1, even with `force`) while any item is unverified.
    """
    from .stages import stage

    with stage(f"reading {sources}"):
        toolkit = load(sources, workbook, edition)
    if final:
        refuse_unverified(toolkit)
    from .checks.run import refuse_on_errors  # the checker decides; see pipeline/checks/

    refuse_on_errors(toolkit, Path(sources), force=force, out=Path(out))
    return toolkit


def load_checking(sources: Path | str = "sources", *, force: bool = False, workbook=None,
                  out: Path | str = "output", edition: str | None = None, final: bool = False):
    """(the toolkit, its check running aside): the build plans its targets while the rules run, then
    takes `check.verdict()` (what load_checked does after loading) before it renders anything, and
    `check.close()` in any case."""
    from .checks.aside import CheckAside
    from .stages import stage

    with stage(f"reading {sources}"):
        toolkit = load(sources, workbook, edition)
    if final:
        refuse_unverified(toolkit)
    return toolkit, CheckAside(toolkit, Path(sources), force=force, out=Path(out))


def refuse_unverified(toolkit: Toolkit) -> None:
    """Mark the toolkit final, or refuse with one line per unverified item (its file:row first)."""
    from .checks.provenance import RULE
    from .errors import Refused
    from .provenance import refusal_lines, unverified

    found = unverified(toolkit)
    if found:
        lines = "\n".join(f"error: {RULE}: {line}" for line in refusal_lines(found))
        raise Refused(f"a final edition refuses {len(found)} unverified item{'s' * (len(found) != 1)} "
                      f"(verify each one, see README 'Everyday work', or build a proof without --final):\n{lines}")
    toolkit.final = True
