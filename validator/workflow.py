"""Workflow YAML -> ``Workflow`` (jobs per matrix combination, steps, run scripts with a
line map).  INTERFACE STUB: to be implemented."""

from __future__ import annotations

from pathlib import Path

from validator.models import JobRun, Step, Workflow
from validator.repo import Repo


class WorkflowError(Exception):
    """The workflow cannot be read at all (exit 2, one-line message)."""


def read_workflow(path: Path, repo: Repo) -> Workflow:
    raise NotImplementedError


def resolve_expression(expr: str, job: JobRun, step: Step | None) -> str | None:
    raise NotImplementedError


def discover_workflows(paths: list[Path], root: Path) -> list[Path]:
    raise NotImplementedError
