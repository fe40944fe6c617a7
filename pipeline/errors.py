"""The one way bad input is reported: a SourceError names the file, the place and the field.

Everything that reads user files raises SourceError; tasks turn it into one line on stderr and exit 2.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    """Where a record (or a value) came from, as the user would look for it.

    `row` counts like a spreadsheet does (the header is row 1), `line` is a 1-based text line,
    `key` a YAML key path such as ``authors[0].name``.
    """

    file: str
    row: int | None = None
    column: str | None = None
    key: str | None = None
    line: int | None = None
    sheet: str | None = None

    def __str__(self) -> str:
        where = self.file + (f"[{self.sheet}]" if self.sheet else "")
        if self.row is not None:
            where += f":{self.row}"
        elif self.line is not None:
            where += f":{self.line}"
        if self.key:
            where += f" ({self.key})" if self.line is not None else f":{self.key}"
        return where

    def at(self, **changes) -> "Origin":
        """The same place, narrowed (e.g. to a column or a key).

        Filled in without the frozen dataclass's __init__ (one object.__setattr__ per field): every row
        of a 50,000-row table gets its Origin here, and that __init__ was a tenth of `invoke check`."""
        if not changes.keys() <= _FIELDS:
            raise TypeError(f"Origin has no field {sorted(changes.keys() - _FIELDS)[0]!r}")
        narrowed = object.__new__(Origin)
        narrowed.__dict__.update(self.__dict__, **changes)
        return narrowed

    def to_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


_FIELDS = frozenset(("file", "row", "column", "key", "line", "sheet"))


class PipelineError(Exception):
    """Anything the user can fix; printed as one line, exit code 2."""

    exit_code = 2


class Refused(PipelineError):
    """The sources are readable but may not be published as asked (a final edition with unverified
    items): one line per reason, exit code 1."""

    exit_code = 1


class SourceError(PipelineError):
    """A source file cannot be read or does not fit the source format."""

    def __init__(self, origin: Origin | str, message: str, field: str | None = None):
        self.origin = origin if isinstance(origin, Origin) else Origin(str(origin))
        self.field = field or self.origin.column
        self.message = message
        super().__init__(str(self))

    def __reduce__(self):  # picklable, so it can cross from a worker process
        return (type(self), (self.origin, self.message, self.field))

    def __str__(self) -> str:
        place = str(self.origin.at(column=None))
        field = f" column '{self.field}':" if self.field else ""
        return f"{place}:{field} {self.message}"
