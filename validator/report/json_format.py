"""``--format json``: one object on stdout, in the shape DESIGN.md fixes (``version`` 1)."""

from __future__ import annotations

import json
from typing import Any

from validator.model import AnalysisResult, Finding, PackageReport


def finding_dict(f: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": f.code,
        "severity": f.severity.value,
        "message": f.message,
        "path": f.span.path,
        "line": f.span.line,
        "column": f.span.column,
        "end_line": f.span.end_line,
        "end_column": f.span.end_column,
        "package": f.package,
        "fixable": f.fix is not None,
        "related": [{"path": r.path, "line": r.line, "message": r.message} for r in f.related],
    }
    if f.fix is not None:
        out["fix"] = {"title": f.fix.title, "applicability": f.fix.applicability.value}
    elif f.fix_declined:
        out["fix"] = None
        out["fix_declined"] = f.fix_declined
    if f.hint:
        out["hint"] = f.hint
    return out


def package_dict(report: PackageReport) -> dict[str, Any]:
    pkg, link = report.package, report.link
    return {
        "name": pkg.name,
        "archive": pkg.archive,
        "path": pkg.span.path,
        "line": pkg.span.line,
        "handler": link.handler if link else None,
        "handler_source": (f"{link.config.span.path}:{link.config.span.line}" if link and link.config
                           else (link.how if link else None)),
        "handler_link": link.how if link else None,
        "files": len(pkg.files),
    }


def render_json(result: AnalysisResult) -> str:
    doc = {
        "version": 1,
        "findings": [finding_dict(f) for f in result.findings],
        "packages": [package_dict(p) for p in result.packages],
        # archives deployed as functions in another language: named, not checked
        "out_of_scope": list(result.out_of_scope),
        "summary": {"errors": result.errors, "warnings": result.warnings, "packages": len(result.packages)},
    }
    return json.dumps(doc, indent=2) + "\n"
