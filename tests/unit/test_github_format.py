"""``--format github`` workflow commands and the job step summary."""

from __future__ import annotations

from pathlib import Path

from rules import Rule
from validator.model import (
    AnalysisResult,
    FileKind,
    Finding,
    HandlerConfig,
    HandlerLink,
    Package,
    PackageFile,
    PackageReport,
    Related,
    Severity,
    Span,
)
from validator.report.github import escape_data, escape_property, render_github, write_step_summary

RULES = [Rule("LPK-003", "flat-copy", Severity.ERROR, "s", "always", "# d\n", lambda c: [], "m")]


def result() -> AnalysisResult:
    wf = ".github/workflows/deploy.yml"
    findings = [
        Finding("LPK-100", "unused ignore[LPK-003]: no LPK-003 finding on line 9", Span(wf, 8, 7, 8, 40),
                Severity.WARNING),
        Finding("LPK-003", "100% flat: `cp -r src/lambdas/ingestion/* build/`\nsecond line", Span(wf, 157, 11, 157, 58),
                Severity.ERROR, package="ingestion",
                related=[Related("src/lambdas/ingestion/handler.py", 63, "imports src.lambdas.ingestion.alerting")],
                hint="copy to build/src/lambdas/ingestion/"),
    ]
    config = HandlerConfig("handler.lambda_handler", Span("infra/main.tf", 268, 3, 268, 40), "terraform", "ingestion")
    pkg = Package("ingestion", "packages/ingestion-${SHA}.zip", Span(wf, 161, 11, 161, 50),
                  files={f"f{i}.py": PackageFile(f"f{i}.py", FileKind.SOURCE) for i in range(3)})
    bare = Package("re|port", "report.zip", Span(wf, 170, 1, 170, 5))
    return AnalysisResult(
        root="/repo",
        findings=findings,
        packages=[PackageReport(pkg, HandlerLink("handler.lambda_handler", "s3-key", "s3_key …", config)),
                  PackageReport(bare)],
    )


def test_escaping_rules() -> None:
    assert escape_data("50% a\r\nb: c, d") == "50%25 a%0D%0Ab: c, d"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_annotations_and_summary_line() -> None:
    lines = render_github(result(), RULES).splitlines()
    assert lines[1] == (
        "::error file=.github/workflows/deploy.yml,line=157,col=11,endLine=157,endColumn=58,"
        "title=LPK-003 flat-copy::100%25 flat: `cp -r src/lambdas/ingestion/* build/`%0Asecond line"
        " [package ingestion]%0Asrc/lambdas/ingestion/handler.py:63: imports src.lambdas.ingestion.alerting"
        "%0Ahint: copy to build/src/lambdas/ingestion/"
    )
    # Sorted by position; a rule not in the list is titled by its code; warnings use ::warning.
    assert lines[0].startswith("::warning file=.github/workflows/deploy.yml,line=8,col=7,endLine=8,endColumn=40,"
                               "title=LPK-100::unused ignore[LPK-003]")
    assert lines[-1] == "validate-imports: 1 error, 1 warning in 2 packages"
    assert len(lines) == 3


def test_properties_are_escaped() -> None:
    odd = Finding("LPK-003", "m", Span("a,b:c.yml", 1, 1, 1, 2), Severity.ERROR)
    out = render_github(AnalysisResult(root="/r", findings=[odd]), RULES)
    assert out.startswith("::error file=a%2Cb%3Ac.yml,line=1,")
    assert out.splitlines()[-1] == "validate-imports: 1 error, 0 warnings in 0 packages"


def test_step_summary_appends_tables(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n", encoding="utf-8")
    write_step_summary(result(), summary)
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# earlier step\n## validate-imports\n")
    assert "| Severity | Rule | Location | Package | Message |" in text
    assert "| ❌ error | LPK-003 | `.github/workflows/deploy.yml:157` | ingestion | 100% flat: " in text
    assert "<br>second line |" in text
    assert "| Package | Archive | Handler | Files |" in text
    assert ("| ingestion | `packages/ingestion-${SHA}.zip` | `handler.lambda_handler` via s3-key "
            "(infra/main.tf:268) | 3 |") in text
    assert "| re\\|port | `report.zip` | — | 0 |" in text
    write_step_summary(AnalysisResult(root="/r"), summary)
    assert summary.read_text(encoding="utf-8").endswith("No findings.\n\n")
