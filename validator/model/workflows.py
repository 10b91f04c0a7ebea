"""Workflows as the reader hands them to the simulation: jobs runs, steps, script maps."""

from __future__ import annotations

from dataclasses import dataclass, field

from validator.model.base import Record
from validator.model.findings import Span
from validator.model.packages import Unmodelled


@dataclass(eq=False, repr=False)
class ScriptMap(Record):
    """Maps offsets in a ``run:`` script to positions in the workflow file.

    ``anchors`` is a sorted list of ``(script_offset, file_offset, line, column)``:
    the script character at ``script_offset`` sits at ``file_offset`` (character
    offset into the workflow text), ``line``/``column`` (1-based); the characters that
    follow it, up to the next anchor, follow it on the same line one by one.  A block
    scalar has one anchor per line; a quoted scalar one per escape and line break.
    """

    path: str
    anchors: list[tuple[int, int, int, int]]

    def _anchor(self, offset: int) -> tuple[int, int, int, int]:
        import bisect

        if not self.anchors:
            return (0, 0, 1, 1)
        i = bisect.bisect_right(self.anchors, (offset, float("inf"), 0, 0)) - 1
        return self.anchors[max(i, 0)]

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column) in the workflow file of the script character at ``offset``."""
        s_off, _f_off, line, col = self._anchor(offset)
        return line, col + max(offset - s_off, 0)

    def file_offset(self, offset: int) -> int:
        """Character offset into the workflow text of the script character at ``offset``."""
        s_off, f_off, _line, _col = self._anchor(offset)
        return f_off + max(offset - s_off, 0)

    def span(self, start: int, end: int) -> Span:
        """The workflow span of script characters ``start``..``end`` (end exclusive)."""
        line, col = self.position(start)
        end_line, end_col = self.position(max(end - 1, start))
        return Span(self.path, line, col, end_line, end_col + (1 if end > start else 0))


@dataclass(eq=False, repr=False)
class Step(Record):
    """One step of a job, as written (``${{ }}`` left in place)."""

    index: int  # 0-based position in the job's ``steps``
    line: int  # line of the step's first key
    name: str | None = None
    run: str | None = None  # the script, as YAML loads it
    script_map: ScriptMap | None = None
    run_style: str = ""  # "|", "|-", "|+", ">", ">-", "plain", "single", "double"
    run_line: int = 0  # line of the ``run:`` key
    uses: str | None = None
    with_: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)  # workflow + job + step env, merged
    working_directory: str | None = None  # step's, else job's, else workflow's default
    shell: str | None = None
    condition: str | None = None  # the step's ``if:``
    step_id: str | None = None  # the step's ``id:`` (``steps.<id>.outputs.*``)
    #: in a local composite action: its ``inputs`` as the calling step sets them (known
    #: values only) and the action's folder (``github.action_path``, a runner path)
    inputs: dict[str, str] = field(default_factory=dict)
    action_path: str | None = None


@dataclass(eq=False, repr=False)
class JobRun(Record):
    """A job under one matrix combination (a job without a matrix yields one)."""

    workflow: str  # repository-relative workflow path
    job_id: str
    line: int
    steps: list[Step] = field(default_factory=list)
    matrix: dict[str, str] = field(default_factory=dict)
    needs: list[str] = field(default_factory=list)
    runs_on: str | None = None
    env: dict[str, str] = field(default_factory=dict)  # workflow + job env

    @property
    def key(self) -> str:
        combo = ",".join(f"{k}={v}" for k, v in sorted(self.matrix.items()))
        return f"{self.job_id}[{combo}]" if combo else self.job_id


@dataclass(eq=False, repr=False)
class Workflow(Record):
    """A workflow file, read: every job run with its steps, and what could not be read."""

    path: str  # repository-relative
    text: str  # the file's text exactly as read (newlines kept)
    jobs: list[JobRun] = field(default_factory=list)
    problems: list[Unmodelled] = field(default_factory=list)
    #: local reusable workflows its jobs call (their jobs are among ``jobs``)
    calls: list[str] = field(default_factory=list)
    #: triggered only by ``workflow_call``: it runs when another workflow calls it
    reusable_only: bool = False
