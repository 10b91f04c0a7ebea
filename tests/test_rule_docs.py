"""The rule pages in docs/rules/ are the ones the rule modules render (regenerate with
``python -m validator.report.ruledocs`` after changing a rule's documentation)."""

from __future__ import annotations

from pathlib import Path

from rules import all_rules
from validator.report.ruledocs import DOCS_DIR, help_uri, pages

ROOT = Path(__file__).resolve().parents[1]


def test_every_rule_page_is_current() -> None:
    expected = pages(list(all_rules()))
    folder = ROOT / DOCS_DIR
    stale = [name for name, text in expected.items()
             if not (folder / name).is_file() or (folder / name).read_text(encoding="utf-8") != text]
    extra = sorted(p.name for p in folder.glob("*.md") if p.name not in expected)
    assert (stale, extra) == ([], []), "run: python -m validator.report.ruledocs"


def test_sarif_links_each_rule_to_its_page() -> None:
    from validator.report.sarif import rule_descriptor

    rule = next(r for r in all_rules() if r.code == "LPK-003")
    assert rule_descriptor(rule)["helpUri"] == help_uri("LPK-003")
    assert help_uri("LPK-003").endswith("docs/rules/LPK-003.md")
