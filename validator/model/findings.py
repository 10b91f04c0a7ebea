"""What a rule reports: findings, their spans, related locations and fixes."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from validator.model.base import FrozenRecord, Record


class Severity(str, enum.Enum):
    """How bad a finding is; only errors make the exit status 1."""

    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, eq=False, repr=False)
class Span(FrozenRecord):
    """A range in a file of the repository (the file the user edits)."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, eq=False, repr=False)
class Related(FrozenRecord):
    """A second place that explains a finding (the import that needs a file, the handler setting)."""

    path: str
    line: int
    message: str
    column: int = 1


class Applicability(str, enum.Enum):
    """Whether a fix is applied by default (safe) or only with ``--unsafe-fixes``."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, eq=False, repr=False)
class Edit(FrozenRecord):
    """Replace ``text[start:end]`` of a file with ``content`` (offsets into the original text)."""

    path: str
    start: int
    end: int
    content: str


@dataclass(eq=False, repr=False)
class Fix(Record):
    """A proposed correction of the workflow: byte edits on the original file."""

    title: str
    edits: list[Edit]
    applicability: Applicability = Applicability.SAFE


@dataclass(eq=False, repr=False)
class Finding(Record):
    """One problem, reported at the workflow line that caused it."""

    code: str
    message: str
    span: Span
    severity: Severity
    package: str | None = None
    related: list[Related] = field(default_factory=list)
    hint: str | None = None
    fix: Fix | None = None
    #: a fix exists in principle but was declined; the reason is shown to the user
    fix_declined: str | None = None

    # The Python API contract (``.id``, ``.file``, ``.line``) that existing scripts call.
    @property
    def id(self) -> str:
        return self.code

    @property
    def file(self) -> str:
        return self.span.path

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def column(self) -> int:
        return self.span.column

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.span.path, self.span.line, self.span.column, self.code, self.package or "")
