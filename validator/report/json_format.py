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


def members(report: PackageReport) -> list[dict[str, Any]]:
    """``--show-packages``: the reconstructed tree as data, one entry per file (what the text tree draws)."""
    out = []
    for path, pfile in sorted(report.package.files.items()):
        origin = pfile.origin
        out.append({"path": path, "kind": pfile.kind.value, "source": pfile.source,
                    "origin": {"path": origin.path, "line": origin.line} if origin else None})
    return out


def pip_installs(report: PackageReport) -> list[dict[str, Any]]:
    return [{"prefix": pip.prefix, "requirements": list(pip.requirements),
             "requirement_files": list(pip.requirement_files),
             "origin": {"path": pip.span.path, "line": pip.span.line}} for pip in report.package.pip_installs]


def render_json(result: AnalysisResult, show_packages: bool = False) -> str:
    packages = []
    for report in result.packages:
        entry = package_dict(report)
        if show_packages:
            entry["members"] = members(report)
            entry["pip_installs"] = pip_installs(report)
        packages.append(entry)
    doc = {
        "version": 1,
        "findings": [finding_dict(f) for f in result.findings],
        "packages": packages,
        # archives deployed as functions in another language: named, not checked
        "out_of_scope": list(result.out_of_scope),
        "summary": {"errors": result.errors, "warnings": result.warnings, "packages": len(result.packages)},
    }
    return json.dumps(doc, indent=2) + "\n"
