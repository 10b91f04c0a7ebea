"""Each rule's documentation as a page of the repository (``docs/rules/LPK-003.md``),
generated from the rule module's docstring and linked from SARIF ``helpUri``.

    python -m validator.report.ruledocs          # rewrite docs/rules/ from the rule modules

A test checks that the pages in the repository are the ones this renders, so a rule's
documentation and its page never drift apart.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

#: where the pages are published (``OWNER`` stands for the repository's owner, as in the README)
DOCS_URL = "https://github.com/OWNER/validate-imports/blob/main/docs/rules/{code}.md"
DOCS_DIR = Path("docs/rules")


def help_uri(code: str) -> str:
    return DOCS_URL.format(code=code)


def render_page(rule: Any) -> str:
    """The page of one rule: its docstring, with the code, severity and fixability on top."""
    doc = rule.doc.strip()
    title, _, body = doc.partition("\n")
    fix = {"always": "always", "sometimes": "sometimes", "never": "no"}.get(rule.fix, rule.fix)
    facts = (f"*Severity:* {rule.severity.value} · *Fix:* {fix} · *Summary:* {rule.summary}\n")
    return f"{title}\n\n{facts}{body.rstrip()}\n"


def render_index(rules: list[Any]) -> str:
    lines = ["# Rules", "", "| code | name | severity | summary |", "| --- | --- | --- | --- |"]
    lines += [f"| [{r.code}]({r.code}.md) | {r.name} | {r.severity.value} | {r.summary} |" for r in rules]
    return "\n".join(lines) + "\n"


def pages(rules: list[Any]) -> dict[str, str]:
    """File name -> content of every page."""
    out = {f"{r.code}.md": render_page(r) for r in rules}
    out["README.md"] = render_index(rules)
    return out


def main(root: Path = Path(".")) -> int:
    from rules import all_rules

    folder = root / DOCS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in pages(list(all_rules())).items():
        (folder / name).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
