"""How big the sources may be: every reader refuses what is beyond these limits, in one line and fast.

The limits are far above any real toolkit (the 2021 paper has 56 examples) and low enough that a
hostile or broken file (a zip bomb, a YAML alias bomb, a million pasted rows) is refused in well under
two seconds instead of eating the machine. README "Limits" documents them; change them here only.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from .errors import Origin, SourceError

MAX_SOURCE_BYTES = 20_000_000  # one CSV, YAML or Markdown file
MAX_EXAMPLES = 20_000  # rows of examples.csv (the documented size limit of a toolkit)
MAX_ROWS = 100_000  # rows of any other table
MAX_YAML_DEPTH = 50  # nesting of lists and mappings
MAX_YAML_ALIASES = 100  # `*alias` references in one file
MAX_YAML_VALUES = 100_000  # values once aliases are expanded
MAX_WORKBOOK_BYTES = 50_000_000  # the .xlsx/.ods file itself
MAX_WORKBOOK_UNZIPPED = 200_000_000  # what it unpacks to
MAX_ZIP_RATIO = 100  # unpacked/packed size: real spreadsheets stay well under 30


def max_rows(table: str) -> int:
    return MAX_EXAMPLES if table == "examples" else MAX_ROWS


def too_many_rows(origin: Origin, table: str, row: int) -> SourceError:
    limit = max_rows(table)
    what = "examples" if table == "examples" else "rows"
    return SourceError(origin.at(row=row), f"more than {limit:,} {what} (the limit; see README 'Limits'): "
                                           "split the toolkit or remove pasted rows")


def check_size(path: Path, shown: str, limit: int = MAX_SOURCE_BYTES) -> None:
    try:
        size = path.stat().st_size
    except OSError:
        return  # the reader names what is wrong with it
    if size > limit:
        raise SourceError(Origin(shown), f"{size / 1e6:.1f} MB, more than the {limit / 1e6:.0f} MB a source file "
                                         "may have (see README 'Limits')")


def check_zip(path: Path, shown: str) -> None:
    """A workbook is a zip: refuse one that would unpack to far more than it weighs (a zip bomb)."""
    check_size(path, shown, MAX_WORKBOOK_BYTES)
    try:
        with zipfile.ZipFile(path) as package:
            entries = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip (an .ods may still be readable, or the engine reports it)
    unpacked = sum(e.file_size for e in entries)
    packed = sum(e.compress_size for e in entries) or 1
    if unpacked > MAX_WORKBOOK_UNZIPPED:
        raise SourceError(Origin(shown), f"unpacks to {unpacked / 1e6:.0f} MB, more than the "
                                         f"{MAX_WORKBOOK_UNZIPPED / 1e6:.0f} MB a workbook may hold (see README 'Limits')")
    worst = max((e.file_size / max(e.compress_size, 1) for e in entries if e.file_size > 1_000_000), default=0)
    if unpacked > 1_000_000 and max(unpacked / packed, worst) > MAX_ZIP_RATIO:
        raise SourceError(Origin(shown), f"unpacks to {max(unpacked / packed, worst):.0f} times its size (a zip bomb?); "
                                         f"a workbook may unpack to at most {MAX_ZIP_RATIO} times its size")
