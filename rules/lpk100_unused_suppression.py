"""# LPK-100 unused-suppression

## What it does
Reports a `# validate-imports: ignore[…]` comment that does not silence anything:
no finding with a listed code covers the line it applies to, or the comment cannot
work at all (`ignore[*]`, `ignore[]`, a misspelt directive). A code that is not a rule
(`ignore[LPK-030]` for `LPK-003`) stops the run instead, with exit status 2.

A comment alone on its line applies to the next line that is not blank or a comment;
a comment at the end of a line applies to that line. Both YAML comments and shell
comments inside a `run:` script count.

## Why is this bad?
A suppression outlives the problem it hid: once the workflow is fixed, the comment
stays and will silently hide the next real problem on that line. A misspelt code
hides nothing while looking as if it did, so the finding you meant to accept still
fails the build, or, worse, you believe a different rule was reviewed. A blanket
`ignore[*]` is refused on purpose: it would hide every future rule too.

## Example
```yaml
- run: |
    mkdir -p build
    # validate-imports: ignore[LPK-003] handler imports nothing by package path
    cp -r src/lambdas/report/* build/
```
after `src/lambdas/report/handler.py` has started using `from src.lambdas.report …`
and the copy was fixed, or with a typo such as `ignore[LPK-03]`.

## Use instead
Delete the comment, or correct the code:
```yaml
- run: |
    mkdir -p build/src/lambdas/report
    cp -r src/lambdas/report/* build/src/lambdas/report/
```
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from validator.model import Finding, Severity

CODE = "LPK-100"
NAME = "unused-suppression"
SEVERITY = "warning"
SUMMARY = "A `# validate-imports: ignore[…]` comment silences nothing"
FIX = "never"
#: runs after suppressions were applied; the engine sets ``ctx.unused_suppressions`` first
PHASE = "late"


def check(ctx: Any) -> Iterator[Finding]:
    for suppression, reason in getattr(ctx, "unused_suppressions", None) or []:
        codes = ", ".join(suppression.codes)
        what = f"ignore[{codes}]" if codes else "suppression"
        yield Finding(
            CODE,
            f"unused {what}: {reason}",
            suppression.span,
            Severity.WARNING,
            hint="delete the comment, or correct the code it names",
        )
