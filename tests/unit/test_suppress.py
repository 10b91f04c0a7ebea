"""Inline suppression comments: parsing, matching, and reporting the unused ones."""

from __future__ import annotations

from types import SimpleNamespace

from rules import lpk100_unused_suppression as lpk100
from rules import rule_from_module
from validator.model import Finding, Severity, Span
from validator.report.suppress import Suppression, apply_suppressions, matches, parse_suppressions

KNOWN = ["LPK-000", "LPK-001", "LPK-003", "LPK-100"]
WF = ".github/workflows/deploy.yml"

WORKFLOW = """\
jobs:
  build:
    steps:
      - run: |
          mkdir -p build
          # validate-imports: ignore[LPK-003] handler has no package imports
          cp -r src/lambdas/report/* build/
          cp -r src/lambdas/billing/* build/  # validate-imports: ignore[LPK-001, lpk003]

          # validate-imports: ignore[LPK-003]

          zip -r x.zip build
      # validate-imports: ignore[LPK-004] yaml comment above a step
      - run: cp a b  # validate-imports: ignore[*]
      - run: echo "#validate-imports: not a comment"  # validate-imports: ignore[]
      - run: echo done # validate-imports: ignore LPK-003
"""


def finding(code: str, line: int, end_line: int | None = None, path: str = WF) -> Finding:
    return Finding(code, f"{code} at {line}", Span(path, line, 11, end_line or line, 40), Severity.ERROR)


def by_line(supps: list[Suppression]) -> dict[int, Suppression]:
    return {s.span.line: s for s in supps}


def test_parse_targets_and_codes() -> None:
    supps = by_line(parse_suppressions(WF, WORKFLOW))
    assert sorted(supps) == [6, 8, 10, 13, 14, 15, 16]

    own_line = supps[6]
    assert (own_line.line, own_line.codes, own_line.reason) == (7, ("LPK-003",), "handler has no package imports")
    assert own_line.span == Span(WF, 6, 11, 6, len(WORKFLOW.splitlines()[5]) + 1)

    trailing = supps[8]
    assert (trailing.line, trailing.codes, trailing.reason) == (8, ("LPK-001", "LPK-003"), "")

    skips_blank_lines = supps[10]
    assert skips_blank_lines.line == 12

    yaml_comment = supps[13]
    assert (yaml_comment.line, yaml_comment.codes) == (14, ("LPK-004",))


def test_parse_rejects_blanket_empty_and_malformed() -> None:
    supps = by_line(parse_suppressions(WF, WORKFLOW))
    assert supps[14].problem is not None and "ignore[*]" in supps[14].problem
    assert supps[15].problem == "ignore[] names no code"
    assert supps[15].line == 15  # the quoted '#validate-imports' is not a comment (no space before #)
    assert supps[16].problem is not None and "malformed" in supps[16].problem


def test_parse_handles_crlf_and_comment_at_end_of_file() -> None:
    supps = parse_suppressions(WF, "run: |\r\n  # validate-imports: ignore[LPK-003]\r\n  cp a b\r\n# validate-imports: ignore[LPK-001]\n")
    assert [(s.span.line, s.line) for s in supps] == [(2, 3), (4, 4)]
    assert supps[0].span.end_column == len("  # validate-imports: ignore[LPK-003]") + 1


def test_matches_needs_same_file_covering_span_and_listed_code() -> None:
    supp = Suppression(WF, 7, ("LPK-003",), "", Span(WF, 6, 11, 6, 50))
    assert matches(finding("LPK-003", 7), supp)
    assert matches(finding("LPK-003", 5, end_line=8), supp)  # a multi-line command
    assert not matches(finding("LPK-001", 7), supp)
    assert not matches(finding("LPK-003", 8), supp)
    assert not matches(finding("LPK-003", 7, path="other.yml"), supp)


def test_apply_keeps_unsuppressed_and_reports_unused_and_unknown() -> None:
    text = (
        "steps:\n"
        "  - run: |\n"
        "      # validate-imports: ignore[LPK-003] intended\n"
        "      cp -r src/a/* build/\n"
        "      cp -r src/b/* build/  # validate-imports: ignore[LPK-003,LPK-001]\n"
        "      cp -r src/c/* build/  # validate-imports: ignore[LPK-042,LPK-003]\n"
        "      cp -r src/d/* build/  # validate-imports: ignore[*]\n"
    )
    supps = parse_suppressions(WF, text)
    findings = [finding("LPK-003", 4), finding("LPK-003", 5), finding("LPK-003", 6), finding("LPK-003", 7),
                finding("LPK-001", 9)]
    kept, unused = apply_suppressions(findings, supps, known=KNOWN)
    assert [(f.code, f.span.line) for f in kept] == [("LPK-003", 7), ("LPK-001", 9)]
    reasons = {s.span.line: reason for s, reason in unused}
    assert reasons == {
        5: "no LPK-001 finding on line 5",
        6: "unknown rule code LPK-042",
        7: "ignore[*] is not supported; name the codes to ignore",
    }


def test_apply_without_suppressions_keeps_everything() -> None:
    findings = [finding("LPK-003", 4)]
    assert apply_suppressions(findings, [], known=KNOWN) == (findings, [])


def test_lpk100_rule_reports_each_unused_suppression() -> None:
    rule = rule_from_module(lpk100)
    assert (rule.code, rule.name, rule.severity, rule.fix) == ("LPK-100", "unused-suppression", Severity.WARNING,
                                                              "never")
    assert lpk100.PHASE == "late"
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert section in rule.doc
    supp = parse_suppressions(WF, "x: 1  # validate-imports: ignore[LPK-042] old\n")[0]
    ctx = SimpleNamespace(unused_suppressions=[(supp, "unknown rule code LPK-042")])
    [out] = list(rule.check(ctx))
    assert out.code == "LPK-100"
    assert out.severity is Severity.WARNING
    assert out.span == supp.span
    assert out.message == "unused ignore[LPK-042]: unknown rule code LPK-042"
    assert list(rule.check(SimpleNamespace())) == []
