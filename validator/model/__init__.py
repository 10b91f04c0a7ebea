"""Plain data passed between the stages of the analysis.

Every stage (workflow reader, shell front end, simulator, handler linkage, import
closure, rules, reporters) takes and returns these dataclasses, so a stage can be
tested alone and no rule ever re-parses anything.

Paths are POSIX strings relative to the repository root unless a field says
otherwise; lines and columns are 1-based; an ``end_column`` is exclusive.
"""

from __future__ import annotations

from validator.model.archives import InstalledDist, NativeModule, SourceReader
from validator.model.findings import Applicability, Edit, Finding, Fix, Related, Severity, Span
from validator.model.handlers import (
    PYTHON_REQUIREMENTS,
    HandlerConfig,
    HandlerLink,
    LayerConfig,
    ServerlessPackaging,
    SlsPattern,
)
from validator.model.imports import ImportClosure, ImportSite, SymbolUse, ThirdPartyLeaf, UnresolvedImport
from validator.model.packages import (
    CopyRecord,
    DeployRef,
    Exclusion,
    FileKind,
    Package,
    PackageFile,
    PipInstall,
    SimulationResult,
    Unmodelled,
)
from validator.model.results import AnalysisResult, PackageReport
from validator.model.workflows import JobRun, ScriptMap, Step, Workflow

__all__ = ["PYTHON_REQUIREMENTS", "AnalysisResult", "Applicability", "CopyRecord", "DeployRef", "Edit", "Exclusion", "FileKind", "Finding", "Fix", "HandlerConfig", "HandlerLink", "ImportClosure", "ImportSite", "InstalledDist", "JobRun", "LayerConfig", "NativeModule", "Package", "PackageFile", "PackageReport", "PipInstall", "Related", "ScriptMap", "ServerlessPackaging", "Severity", "SimulationResult", "SlsPattern", "SourceReader", "Span", "Step", "SymbolUse", "ThirdPartyLeaf", "Unmodelled", "UnresolvedImport", "Workflow"]
