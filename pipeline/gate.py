"""Rendering tasks start here: load the sources and refuse to render while the check finds errors."""
from __future__ import annotations

from pathlib import Path

from .load import load
from .model import Toolkit


def load_checked(sources: Path | str = "sources", *, force: bool = False, workbook=None,
                 out: Path | str = "output", edition: str | None = None) -> Toolkit:
    """The toolkit, after the consistency check passed (or `force` said to render anyway).

    Raises PipelineError (exit 2) naming the number of errors and the report to read.
    """
    from .stages import stage

    with stage(f"reading {sources}"):
        toolkit = load(sources, workbook, edition)
    from .checks.run import refuse_on_errors  # the checker decides; see pipeline/checks/

    refuse_on_errors(toolkit, Path(sources), force=force, out=Path(out))
    return toolkit
