"""What one run produced, for reporters and the Python API."""

from __future__ import annotations

from dataclasses import dataclass, field

from validator.model.base import Record
from validator.model.findings import Finding, Severity
from validator.model.handlers import HandlerLink
from validator.model.imports import ImportClosure, UnresolvedImport
from validator.model.layers import EnvSetting, LayerAttachment
from validator.model.packages import Package


@dataclass(eq=False, repr=False)
class PackageReport(Record):
    """One package with the handler it was checked against and its import closure."""

    package: Package
    link: HandlerLink | None = None
    closure: ImportClosure | None = None
    #: when the handler string misses its module but the module's file is in the package
    #: at another path: the closure computed from where it really is, so the imports that
    #: the same misplacement breaks are still seen
    fallback: ImportClosure | None = None
    #: the layers the function attaches, in order (empty when it attaches none, or for a layer)
    layers: list[LayerAttachment] = field(default_factory=list)
    #: a ``PYTHONPATH`` the function sets in its environment (literal values only)
    pythonpath: EnvSetting | None = None

    def unresolved(self) -> list[UnresolvedImport]:
        """Unresolved imports of the closure and of the fallback closure."""
        found = list(self.closure.unresolved) if self.closure else []
        if self.fallback is not None:
            known = {(u.module, u.site.path, u.site.module) for u in found}
            found += [u for u in self.fallback.unresolved if (u.module, u.site.path, u.site.module) not in known]
        return found


@dataclass(eq=False, repr=False)
class AnalysisResult(Record):
    """What one run of the analysis found: the contract every reporter reads."""

    root: str  # absolute repository root
    workflows: list[str] = field(default_factory=list)  # repository-relative
    findings: list[Finding] = field(default_factory=list)
    packages: list[PackageReport] = field(default_factory=list)
    #: archives deployed as functions in another language (Go, Node, .NET): out of scope
    out_of_scope: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)
