"""Which two toolkits `invoke changes` and the paper's annex compare: two editions of one sources folder,
the edition before a toolkit's own, or the sources at a git revision against the working tree.

The comparison itself is changes.compare; this module only finds and loads what it compares.
"""
from __future__ import annotations

from pathlib import Path

from .changes import Changes, compare
from .model import Toolkit


def since_previous(tk: Toolkit) -> Changes | None:
    """What changed since the edition before `tk`'s (None for the first edition): the paper's annex."""
    from .editions import read_editions
    from .load import load

    if not tk.loaded_from or not tk.edition:
        return None
    sources, workbook = tk.loaded_from
    editions = read_editions(Path(sources))
    if tk.edition not in editions.ids:
        return None
    previous = editions.previous(editions.get(tk.edition))
    if previous is None:
        return None
    before = load(sources, workbook or None, edition=previous.id)
    return compare(before, tk, previous.title, editions.get(tk.edition).title)


def load_pair(sources: Path, from_edition: str | None, to_edition: str | None,
              from_git: str | None = None) -> tuple[Toolkit, Toolkit, str, str]:
    """The two toolkits to compare: editions of one sources folder, or a git revision vs the working tree."""
    from .editions import read_editions
    from .load import load

    sources = Path(sources)
    editions = read_editions(sources)
    if from_git:
        old_sources = git_sources(sources, from_git)
        b = load(sources, edition=to_edition)
        a = load(old_sources, edition=from_edition or None)
        return a, b, f"{from_git} ({a.edition})", f"working tree ({b.edition})"
    to = editions.get(to_edition)
    previous = editions.previous(to)
    from_id = from_edition or (previous.id if previous else to.id)
    a, b = load(sources, edition=from_id), load(sources, edition=to.id)
    return a, b, editions.get(from_id).title, to.title


def git_sources(sources: Path, ref: str) -> Path:
    """The sources folder as it was at a git revision, extracted into a temporary folder."""
    import subprocess
    import tarfile
    import tempfile
    import io

    from .errors import PipelineError

    sources = Path(sources).resolve()
    try:
        top = subprocess.run(["git", "-C", str(sources), "rev-parse", "--show-toplevel"], check=True,
                             capture_output=True, text=True).stdout.strip()
        rel = sources.relative_to(Path(top).resolve()).as_posix()
        data = subprocess.run(["git", "-C", top, "archive", "--format=tar", ref, rel], check=True,
                              capture_output=True).stdout
    except (subprocess.CalledProcessError, FileNotFoundError, ValueError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        detail = detail.decode(errors="replace").strip().splitlines()[-1:] if detail else [str(exc)]
        raise PipelineError(f"--from-git {ref}: cannot read {sources} at that revision ({detail[0]})") from None
    target = Path(tempfile.mkdtemp(prefix="toolkit-git-"))
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(target, filter="data")
    return target / rel
