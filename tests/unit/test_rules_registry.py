"""The rule catalogue keeps its promises: unique codes, complete documentation, discoverable."""

from __future__ import annotations

import pytest

from rules import all_rules, get_rule
from validator.cli import main

REQUIRED_SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead")
CORE = ("LPK-000", "LPK-001", "LPK-002", "LPK-003", "LPK-004")


def test_core_rules_are_registered():
    codes = [r.code for r in all_rules()]
    for code in CORE:
        assert code in codes
    assert codes == sorted(codes)
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_rule_documentation_has_every_section(rule):
    assert rule.doc.startswith(f"# {rule.code} {rule.name}")
    for section in REQUIRED_SECTIONS:
        assert section in rule.doc, f"{rule.code} lacks {section}"
    if rule.fix != "never":
        assert "## Fix safety" in rule.doc, f"{rule.code} is fixable but does not document its fix safety"
    assert rule.summary and not rule.summary.endswith(".")


def test_rule_lookup_is_case_insensitive():
    assert get_rule("lpk-003").name == "flat-copy"
    assert get_rule("LPK-999") is None


def test_rule_command_prints_documentation(capsys):
    assert main(["rule", "LPK-003"]) == 0
    out = capsys.readouterr().out
    assert "# LPK-003 flat-copy" in out and "## Use instead" in out


def test_rule_command_lists_all(capsys):
    assert main(["rule", "--all"]) == 0
    out = capsys.readouterr().out
    for code in CORE:
        assert code in out


def test_unknown_rule_is_a_usage_error(capsys):
    assert main(["rule", "LPK-999"]) == 2
    assert "unknown rule" in capsys.readouterr().err
