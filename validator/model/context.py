"""What every rule sees: the analysed repository, read once, as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from validator.model import (
    CopyRecord,
    Finding,
    HandlerConfig,
    PackageReport,
    SimulationResult,
    Span,
    Unmodelled,
    Workflow,
)
from validator.model.base import Record
from validator.model.extras import SymbolNeed, shipped
from validator.model.layers import Layer
from validator.model.repo import Repo
from validator.model.snippets import quote_lines, quote_span


@dataclass(eq=False, repr=False)
class RuleContext(Record):
    """The inputs of ``check(ctx)``; rules read it and never re-parse anything."""

    root: Path
    repo: Repo
    workflows: list[Workflow]
    simulations: list[SimulationResult]
    packages: list[PackageReport]
    handler_configs: list[HandlerConfig] = field(default_factory=list)
    #: the layers the repository declares or builds (attached or not)
    layers: list[Layer] = field(default_factory=list)
    #: archives deployed as functions in another language than Python (not checked)
    out_of_scope: list[str] = field(default_factory=list)
    #: problems met outside the workflows (an unparseable Terraform file …)
    config_problems: list[Unmodelled] = field(default_factory=list)
    #: findings of the normal phase, for rules that run after suppressions (``PHASE = "late"``)
    raw_findings: list[Finding] = field(default_factory=list)
    #: suppression comments that matched nothing, with the reason (set before the late phase)
    unused_suppressions: list[tuple[Any, str]] = field(default_factory=list)
    #: "using this symbol needs that distribution": the shipped table and the configured entries
    symbol_needs: list[SymbolNeed] = field(default_factory=lambda: list(shipped()))

    def is_workflow(self, path: str) -> bool:
        return any(wf.path == path for wf in self.workflows)

    def quote(self, span: Span) -> str:
        """The command a span covers, quoted from the text analysed (which ``--fix`` may
        have edited in memory), else from the file on disk."""
        for wf in self.workflows:
            if wf.path == span.path:
                return quote_lines(wf.text.splitlines(), span)
        return quote_span(self.root, span)

    @property
    def copies(self) -> list[CopyRecord]:
        return [c for sim in self.simulations for c in sim.copies]

    @property
    def unmodelled(self) -> list[Unmodelled]:
        found = [u for sim in self.simulations for u in sim.unmodelled]
        found += [p for wf in self.workflows for p in wf.problems]
        return found + self.config_problems
