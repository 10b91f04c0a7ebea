"""``--format sarif``: SARIF 2.1.0 in the shape GitHub code scanning ingests.

URIs are repository-relative with ``uriBaseId`` ``%SRCROOT%`` (code scanning resolves
them against the checkout; absolute ``file://`` URIs do not map to the repository).
Every rule is listed, so that a rule that stops firing closes its alerts instead of
leaving them orphaned.  ``partialFingerprints`` hash the rule, file, package and the
command text, never line numbers, so an alert survives unrelated edits above it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from validator.model import AnalysisResult, Finding, Severity
from validator.report.ruledocs import help_uri

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_VERSION = "2.1.0"
TOOL_NAME = "validate-imports"
INFORMATION_URI = "https://pypi.org/project/validate-imports/"
FINGERPRINT_KEY = "validateImports/v1"

TextSource = Callable[[str], "str | None"]

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning"}


def _tool_version() -> str:
    from validator import __version__

    return __version__


def _section(doc: str, title: str) -> str:
    """The plain text of a ``## title`` section of a rule page (empty when absent)."""
    m = re.search(rf"^##\s+{re.escape(title)}\s*$(.*?)(?=^#{{1,2}}\s|\Z)", doc, re.M | re.S)
    return " ".join(m.group(1).split()) if m else ""


def rule_descriptor(rule: Any) -> dict[str, Any]:
    """A ``reportingDescriptor`` for one rule (duck-typed: code, name, severity, summary, doc)."""
    doc: str = getattr(rule, "doc", "") or ""
    severity = Severity(getattr(rule, "severity", Severity.ERROR))
    summary = getattr(rule, "summary", "") or rule.name
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": _section(doc, "What it does") or summary},
        "helpUri": help_uri(rule.code),
        "help": {"text": doc or summary, "markdown": doc or summary},
        "defaultConfiguration": {"level": _LEVEL[severity]},
        "properties": {
            "tags": ["aws-lambda", "packaging", "github-actions"],
            "precision": "high",
            "fix": getattr(rule, "fix", "never"),
        },
    }


def _file_reader(root: str) -> TextSource:
    cache: dict[str, str | None] = {}

    def read(rel: str) -> str | None:
        if rel not in cache:
            try:
                cache[rel] = (Path(root) / rel).read_text(encoding="utf-8-sig", errors="replace")
            except (OSError, ValueError):
                cache[rel] = None
        return cache[rel]

    return read


def command_text(finding: Finding, read: TextSource) -> str:
    """The text the finding's span covers, normalised: continuations joined, whitespace collapsed."""
    text = read(finding.span.path)
    span = finding.span
    lines = text.splitlines() if text is not None else []
    if not 0 < span.line <= len(lines):
        # No source: the message without positions is the next most stable thing.
        return " ".join(re.sub(r":\d+(?::\d+)?\b", "", finding.message).split())
    end_line = min(max(span.end_line, span.line), len(lines))
    chunk = lines[span.line - 1 : end_line]
    if len(chunk) == 1:
        chunk[0] = chunk[0][span.column - 1 : span.end_column - 1]
    else:
        chunk[0] = chunk[0][span.column - 1 :]
        chunk[-1] = chunk[-1][: span.end_column - 1]
    joined = "\n".join(chunk)
    joined = re.sub(r"\\\n", " ", joined)
    return " ".join(joined.split())


def fingerprint(finding: Finding, read: TextSource) -> str:
    """Line-independent identity of a finding: code, file, package and command text."""
    parts = [finding.code, finding.span.path, finding.package or "", command_text(finding, read)]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]


def _uri(path: str) -> str:
    return quote(path.replace("\\", "/"), safe="/")


def _result(finding: Finding, rule_index: int, print_: str) -> dict[str, Any]:
    span = finding.span
    region = {
        "startLine": span.line,
        "startColumn": span.column,
        "endLine": max(span.end_line, span.line),
        "endColumn": span.end_column,
    }
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(span.path), "uriBaseId": "%SRCROOT%"},
                    "region": region,
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: print_},
    }
    if finding.related:
        result["relatedLocations"] = [
            {
                "id": i,
                "message": {"text": rel.message},
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(rel.path), "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": max(rel.line, 1), "startColumn": max(rel.column, 1)},
                },
            }
            for i, rel in enumerate(finding.related, start=1)
        ]
    properties: dict[str, Any] = {}
    if finding.package:
        properties["package"] = finding.package
    if finding.hint:
        properties["hint"] = finding.hint
    if properties:
        result["properties"] = properties
    if finding.fix is not None and finding.fix.edits:
        by_path: dict[str, list[dict[str, Any]]] = {}
        for edit in finding.fix.edits:
            by_path.setdefault(edit.path, []).append(
                {
                    "deletedRegion": {"charOffset": edit.start, "charLength": edit.end - edit.start},
                    "insertedContent": {"text": edit.content},
                }
            )
        result["fixes"] = [
            {
                "description": {"text": finding.fix.title},
                "artifactChanges": [
                    {"artifactLocation": {"uri": _uri(path), "uriBaseId": "%SRCROOT%"}, "replacements": reps}
                    for path, reps in by_path.items()
                ],
            }
        ]
    return result


def sarif_document(
    result: AnalysisResult, rules: Sequence[Any], *, read: TextSource | None = None
) -> dict[str, Any]:
    """The SARIF log as a dict (``render_sarif`` serialises it)."""
    read = read or _file_reader(result.root)
    descriptors = [rule_descriptor(r) for r in rules]
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    results = []
    seen: dict[str, int] = {}
    for finding in sorted(result.findings, key=Finding.sort_key):
        if finding.code not in index:
            # A finding from a rule the caller did not list still needs a valid ruleIndex.
            index[finding.code] = len(descriptors)
            descriptors.append(
                {
                    "id": finding.code,
                    "name": finding.code,
                    "shortDescription": {"text": finding.code},
                    "defaultConfiguration": {"level": _LEVEL[finding.severity]},
                }
            )
        print_ = fingerprint(finding, read)
        seen[print_] = seen.get(print_, 0) + 1
        results.append(_result(finding, index[finding.code], f"{print_}:{seen[print_]}"))
    root_uri = Path(result.root).resolve().as_uri().rstrip("/") + "/" if result.root else None
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": _tool_version(),
                "semanticVersion": _tool_version(),
                "informationUri": INFORMATION_URI,
                "rules": descriptors,
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if root_uri:
        run["originalUriBaseIds"] = {"%SRCROOT%": {"uri": root_uri}}
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render_sarif(result: AnalysisResult, rules: Sequence[Any], *, read: TextSource | None = None) -> str:
    """The SARIF 2.1.0 log for ``result``, listing every rule in ``rules``."""
    return json.dumps(sarif_document(result, rules, read=read), indent=2, ensure_ascii=False) + "\n"
