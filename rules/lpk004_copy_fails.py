"""# LPK-004 copy-fails

## What it does
Reports a `cp`, `mv` or `rsync` that fails when CI runs it: its source does not exist
in the repository (a renamed handler file, a matrix value with no folder, a glob that
matches nothing), or its target folder was never created (`cp -r src/x/* build/x/`
without `mkdir -p build/x`), or several sources are copied onto something that is not
a folder — when that copy feeds a Lambda package (its target is inside the folder that is
zipped, or it runs in the step of the `zip`) and its failure stops the step.

It also reports a deploy that reads an archive no step creates
(`aws lambda update-function-code --zip-file fileb://src/app/app.zip` after `cd src && zip
-r app.zip app`), naming the archive the job built instead. This is reported only when it
is certain: a literal path, and every command and action before it modelled (no
download, no unknown tool, no cache restore).

A failure the script tolerates is not reported here: `cp … || true`, `if cp …; then`,
a copy in a non-final `&&`/`||` item, `find -exec cp … \\;`, or a script that runs
without `set -e` (`bash package.sh` where the script does not set it). The step then
goes on, and whatever the package lacks is reported by LPK-001/LPK-002 with the failing
copy named. A copy in a job or workflow that builds no Lambda package (release binaries,
docs) is never reported.

## Why is this bad?
GitHub runs `run:` steps with `bash -e`: the failing copy stops the step, so the
package is never built and the deploy breaks, and the message from `cp` is easy to miss
in a long log.

## Example
```yaml
- run: |
    cp -r src/lambdas/ingestion/* packages/ingestion-build/
    zip -r ingestion.zip packages/ingestion-build
```
`packages/ingestion-build/` is never created.

## Use instead
```yaml
- run: |
    mkdir -p packages/ingestion-build
    cp -r src/lambdas/ingestion/* packages/ingestion-build/
```
For a missing source, the message names the closest existing path.

A deploy of an archive that was never built fails with the AWS CLI's `Unable to load
paramfile fileb://…: [Errno 2] No such file or directory`.

## Fix safety
A missing target folder is fixed by inserting `mkdir -p <target>` before the copy; this
is safe. A missing source has no automatic fix: only you know which file was meant.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from validator.model import CopyRecord, Finding, Related, Severity
from validator.model.context import RuleContext
from validator.model.explain import failed_copies_for
from validator.model.paths import WORKSPACE, workspace_relative

if TYPE_CHECKING:
    from validator.fixes.outcome import Outcome

CODE = "LPK-004"
NAME = "copy-fails"
SEVERITY = "error"
SUMMARY = "A cp/mv in the packaging script fails in CI (missing source or target folder), or a deploy reads an archive never built"
FIX = "sometimes"

_REASONS = {
    "missing-source": "its source does not exist",
    "missing-target-dir": "its target folder does not exist",
    "not-a-directory": "several sources need a folder as target",
    "omitting-directory": "it copies a folder without -r",
    "missing-cwd": "it runs in a folder that does not exist",
}


def useful_suggestion(ctx: RuleContext, copy: CopyRecord) -> str | None:
    """The closest existing repository path to the missing source, unless it is the very
    path that failed."""
    if copy.missing is None or not copy.missing.startswith(WORKSPACE + "/"):
        return None
    suggestion = ctx.repo.closest(workspace_relative(copy.missing))
    if suggestion and f"{WORKSPACE}/{suggestion}" not in [*copy.sources, copy.target]:
        return suggestion
    return None


def message(ctx: RuleContext, copy: CopyRecord, package: str | None) -> str:
    cmd = ctx.quote(copy.span) or copy.command
    why = _REASONS.get(copy.failed or "", copy.failed or "it fails")
    detail = f" ({copy.failure_detail})" if copy.failure_detail else ""
    where = f" for package {package}" if package else ""
    text = f"`{cmd}` fails in CI{where}: {why}{detail}"
    suggestion = useful_suggestion(ctx, copy)
    if suggestion:
        text += f"; did you mean {suggestion}?"
    return text


def never_built(ctx: RuleContext) -> Iterator[Finding]:
    """Deploys of an archive that no step creates: the deploy command fails."""
    for report in ctx.packages:
        pkg = report.package
        if not pkg.never_built:
            continue
        cmd = ctx.quote(pkg.span) or "the deploy"
        yield Finding(CODE, f"`{cmd}` fails in CI for package {pkg.name}: {pkg.archive} does not exist "
                            f"({pkg.never_built}); the AWS CLI stops with 'Unable to load paramfile "
                            f"fileb://{pkg.archive}: [Errno 2] No such file or directory'",
                      pkg.span, Severity.ERROR, package=pkg.name,
                      hint="deploy the archive the job builds, or build it where the deploy reads it")


def check(ctx: RuleContext) -> Iterator[Finding]:
    yield from never_built(ctx)
    owners: dict[int, list[str]] = {}
    for report in ctx.packages:
        for copy in failed_copies_for(report.package, ctx.copies):
            owners.setdefault(id(copy), []).append(report.package.name)
    seen: set[tuple[object, ...]] = set()
    for copy in ctx.copies:
        if not copy.failed or id(copy) not in owners:
            continue  # a copy that feeds no Lambda package, or whose failure the step tolerates
        for package in sorted(set(owners[id(copy)])):
            key = (copy.span, package, copy.failed)
            if key in seen:
                continue
            seen.add(key)
            related = []
            suggestion = useful_suggestion(ctx, copy)
            if suggestion:
                real = re.split(r"[*?\[]", suggestion, maxsplit=1)[0].rstrip("/") or suggestion
                related.append(Related(real, 1, "closest existing path"))
            hint = None
            if copy.failed == "missing-target-dir":
                hint = f"create the folder first: mkdir -p {workspace_relative(copy.target).rstrip('/')}"
            finding = Finding(CODE, message(ctx, copy, package), copy.span, Severity.ERROR, package=package,
                              related=related, hint=hint)
            if copy.failed == "missing-target-dir":
                from validator.fixes.outcome import guarded

                guarded(fix_missing_target, ctx, copy).attach(finding)
            elif copy.failed == "missing-source":
                finding.fix_declined = "only you know which path was meant"
            yield finding


# --------------------------------------------------------------------------- fix


def fix_missing_target(ctx: RuleContext, copy: CopyRecord) -> Outcome:
    """``mkdir -p`` the copy's target folder before it runs."""
    from validator.fixes import words
    from validator.fixes.edits import insert_before, is_literal, to_file_edits
    from validator.fixes.outcome import Declined, Outcome, site_of
    from validator.model import Applicability, Fix

    wf, site = site_of(ctx, copy)
    target, slash = words.strip_trailing_slash(site.target.text)
    contents = any(words.GLOB.search(words.unquoted(s.text)) or words.unquoted(s.text).endswith("/.")
                   for s in site.sources)
    if slash or contents or len(site.sources) > 1:
        folder = target
    else:
        parent = words.container(target)
        if not parent:
            raise Declined("the target's parent folder cannot be written from the target word")
        folder = parent
    if not words.balanced(folder):
        raise Declined("the target word's quoting cannot be split")
    script = site.step.run or ""
    edit = insert_before(script, site.command.start, site.command.end, [f"mkdir -p {folder}"],
                         is_literal(site.step.run_style))
    return Outcome(Fix(f"Create the target folder first: mkdir -p {folder}",
                       to_file_edits(wf, site.step, [edit]), Applicability.SAFE))
