"""The Python API existing scripts call::

    from validator import DockerImportValidator
    result = DockerImportValidator().validate(Path("."))
    for finding in result.findings:
        print(finding.id, finding.file, finding.line, finding.message, finding.severity)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from validator.model import Finding, PackageReport, Severity
from validator.model.base import Record


@dataclass(eq=False, repr=False)
class ValidationResult(Record):
    """Findings (``.id``, ``.file``, ``.line``, ``.message``, ``.severity``) and packages."""

    findings: list[Finding] = field(default_factory=list)
    packages: list[PackageReport] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors


class DockerImportValidator:
    """Checks a repository's workflows; ``select``/``ignore`` take rule codes or prefixes."""

    def __init__(self, select: list[str] | None = None, ignore: list[str] | None = None,
                 config: Path | None = None) -> None:
        self.select = select
        self.ignore = ignore or []
        self.config = config

    def validate(self, repo: Path | str, workflows: list[Path] | None = None) -> ValidationResult:
        from validator.engine import Selection, analyze

        root = Path(repo)
        result = analyze(workflows, root=root, selection=Selection(select=self.select, ignore=self.ignore),
                         config_path=self.config)
        return ValidationResult(findings=result.findings, packages=result.packages)
