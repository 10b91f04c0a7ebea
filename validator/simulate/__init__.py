"""Packaging simulation: ``simulate(workflow, repo) -> SimulationResult``.  INTERFACE STUB."""

from __future__ import annotations

from validator.models import SimulationResult, Workflow
from validator.repo import Repo


def simulate(workflow: Workflow, repo: Repo) -> SimulationResult:
    raise NotImplementedError
