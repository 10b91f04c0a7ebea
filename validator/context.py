"""What every rule sees: the analysed repository, read once, as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from validator.models import (
    CopyRecord,
    Finding,
    HandlerConfig,
    PackageReport,
    SimulationResult,
    Unmodelled,
    Workflow,
)
from validator.repo import Repo


@dataclass
class RuleContext:
    """The inputs of ``check(ctx)``; rules read it and never re-parse anything."""

    root: Path
    repo: Repo
    workflows: list[Workflow]
    simulations: list[SimulationResult]
    packages: list[PackageReport]
    handler_configs: list[HandlerConfig] = field(default_factory=list)
    #: problems met outside the workflows (an unparseable Terraform file …)
    config_problems: list[Unmodelled] = field(default_factory=list)
    #: findings of the normal phase, for rules that run after suppressions (``PHASE = "late"``)
    raw_findings: list[Finding] = field(default_factory=list)
    #: suppression comments that matched nothing, with the reason (set before the late phase)
    unused_suppressions: list[tuple[Any, str]] = field(default_factory=list)

    @property
    def copies(self) -> list[CopyRecord]:
        return [c for sim in self.simulations for c in sim.copies]

    @property
    def unmodelled(self) -> list[Unmodelled]:
        found = [u for sim in self.simulations for u in sim.unmodelled]
        found += [p for wf in self.workflows for p in wf.problems]
        return found + self.config_problems
