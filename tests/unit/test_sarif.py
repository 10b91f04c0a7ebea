"""SARIF output: the structure GitHub code scanning requires, checked property by property.

No PyPI package ships the SARIF 2.1.0 JSON schema (sarif-om, sarif-tools and
jschema-to-python carry only code), so the required properties are asserted by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rules import Rule
from validator.model import AnalysisResult, Applicability, Edit, Finding, Fix, Related, Severity, Span
from validator.report.sarif import FINGERPRINT_KEY, render_sarif

DOC = """# LPK-003 flat-copy

## What it does
Reports a directory copied flat.

## Why is this bad?
Imports fail at cold start.
"""

RULES = [
    Rule("LPK-001", "unresolved-import", Severity.ERROR, "An import is missing", "never", "# x\n", lambda c: [], "m1"),
    Rule("LPK-003", "flat-copy", Severity.ERROR, "A source directory is copied flat", "always", DOC, lambda c: [],
         "m3"),
    Rule("LPK-100", "unused-suppression", Severity.WARNING, "Unused suppression", "never", "# y\n", lambda c: [],
         "m100"),
]

WORKFLOW = """\
jobs:
  build:
    steps:
      - run: |
          mkdir -p build
          cp -r src/lambdas/ingestion/*   build/
"""


def flat_copy(line: int = 6, package: str = "ingestion") -> Finding:
    return Finding(
        "LPK-003",
        "src/lambdas/ingestion is copied flat into the package root",
        Span(".github/workflows/deploy.yml", line, 11, line, 49),
        Severity.ERROR,
        package=package,
        related=[Related("src/lambdas/ingestion/handler.py", 63, "imports src.lambdas.ingestion.alerting")],
        fix=Fix("copy to src/lambdas/ingestion", [Edit(".github/workflows/deploy.yml", 100, 110, "new")],
                Applicability.SAFE),
    )


def render(findings: list[Finding], root: Path, text: str = WORKFLOW) -> dict[str, Any]:
    wf = root / ".github/workflows/deploy.yml"
    wf.parent.mkdir(parents=True, exist_ok=True)
    wf.write_text(text, encoding="utf-8")
    result = AnalysisResult(root=str(root), workflows=[".github/workflows/deploy.yml"], findings=findings)
    out = render_sarif(result, RULES)
    assert out.endswith("\n")
    doc: dict[str, Any] = json.loads(out)
    return doc


def test_log_and_driver(tmp_path: Path) -> None:
    doc = render([flat_copy()], tmp_path)
    assert doc["version"] == "2.1.0"
    assert doc["$schema"].endswith("sarif-schema-2.1.0.json")
    [run] = doc["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "validate-imports"
    assert driver["version"] and driver["informationUri"].startswith("https://")
    assert [r["id"] for r in driver["rules"]] == ["LPK-001", "LPK-003", "LPK-100"]  # every rule, not only fired
    rule = driver["rules"][1]
    assert rule["name"] == "flat-copy"
    assert rule["shortDescription"]["text"] == "A source directory is copied flat"
    assert rule["fullDescription"]["text"] == "Reports a directory copied flat."
    assert rule["help"]["text"] == DOC and rule["help"]["markdown"] == DOC
    assert rule["defaultConfiguration"]["level"] == "error"
    assert driver["rules"][2]["defaultConfiguration"]["level"] == "warning"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].startswith("file://")
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")


def test_result_shape(tmp_path: Path) -> None:
    doc = render([flat_copy()], tmp_path)
    run = doc["runs"][0]
    [result] = run["results"]
    assert result["ruleId"] == "LPK-003"
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "LPK-003"
    assert result["level"] == "error"
    assert result["message"]["text"] == "src/lambdas/ingestion is copied flat into the package root"
    [loc] = result["locations"]
    assert loc["physicalLocation"]["artifactLocation"] == {"uri": ".github/workflows/deploy.yml",
                                                            "uriBaseId": "%SRCROOT%"}
    assert loc["physicalLocation"]["region"] == {"startLine": 6, "startColumn": 11, "endLine": 6, "endColumn": 49}
    [related] = result["relatedLocations"]
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "src/lambdas/ingestion/handler.py"
    assert related["physicalLocation"]["region"]["startLine"] == 63
    assert related["message"]["text"] == "imports src.lambdas.ingestion.alerting"
    assert result["properties"]["package"] == "ingestion"
    [fix] = result["fixes"]
    [change] = fix["artifactChanges"]
    assert change["replacements"] == [{"deletedRegion": {"charOffset": 100, "charLength": 10},
                                       "insertedContent": {"text": "new"}}]


def test_fingerprint_survives_unrelated_edits_but_not_command_changes(tmp_path: Path) -> None:
    def print_of(text: str, line: int, package: str = "ingestion") -> str:
        doc = render([flat_copy(line, package)], tmp_path, text)
        value: str = doc["runs"][0]["results"][0]["partialFingerprints"][FINGERPRINT_KEY]
        return value

    base = print_of(WORKFLOW, 6)
    shifted = "name: deploy\non: push\n" + WORKFLOW.replace("cp -r src/lambdas/ingestion/*   build/",
                                                            "cp -r   src/lambdas/ingestion/* build/")
    assert print_of(shifted, 8) == base  # moved two lines down, whitespace changed
    changed = WORKFLOW.replace("ingestion/*   build/", "ingestion/*   out/")
    assert print_of(changed, 6) != base
    assert print_of(WORKFLOW, 6, package="billing") != base


def test_identical_findings_get_distinct_fingerprints(tmp_path: Path) -> None:
    text = WORKFLOW + "          cp -r src/lambdas/ingestion/*   build/\n"
    doc = render([flat_copy(6), flat_copy(7)], tmp_path, text)
    prints = [r["partialFingerprints"][FINGERPRINT_KEY] for r in doc["runs"][0]["results"]]
    assert prints[0].endswith(":1") and prints[1].endswith(":2")
    assert prints[0].split(":")[0] == prints[1].split(":")[0]


def test_unlisted_rule_and_unreadable_file_and_special_paths(tmp_path: Path) -> None:
    odd = Finding("LPK-009", "shadowed at x.py:3", Span("dir with space/#w.yml", 2, 1, 2, 5), Severity.WARNING)
    result = AnalysisResult(root=str(tmp_path), findings=[odd])
    doc = json.loads(render_sarif(result, RULES))
    driver, [res] = doc["runs"][0]["tool"]["driver"], doc["runs"][0]["results"]
    assert driver["rules"][res["ruleIndex"]]["id"] == "LPK-009"
    assert res["level"] == "warning"
    assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "dir%20with%20space/%23w.yml"
    assert res["partialFingerprints"][FINGERPRINT_KEY]
    assert "relatedLocations" not in res


def test_no_findings_still_lists_rules(tmp_path: Path) -> None:
    doc = render([], tmp_path)
    assert doc["runs"][0]["results"] == []
    assert len(doc["runs"][0]["tool"]["driver"]["rules"]) == 3
