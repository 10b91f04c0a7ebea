r"""# LPK-000 analysis-incomplete

## What it does
Reports a part of a workflow that the tool could not read or model, when that part may
change what ends up in a Lambda package: a shell statement the parser cannot read, a
command that writes into a build folder with effects the tool does not know, a path
that depends on a value only known at run time, a ZIP that is deployed but built by a
step the tool does not model (`python3 create_zip.py`, `make`), a Terraform/SAM file
that does not parse, or a Serverless service whose archive a plugin may rewrite
(`serverless-wsgi` adds its own handler module) or whose `package.patterns` hold a
variable.

## Why is this bad?
A package the tool cannot rebuild is a package it cannot check. Rather than pass it
silently (or guess an error), the tool says which line it could not follow and why, so
you know which package went unchecked.

## Example
```yaml
- run: |
    python3 scripts/create_zip.py dist/ingestion.zip
    aws lambda update-function-code --function-name ingestion \
      --zip-file fileb://dist/ingestion.zip
```

## Use instead
Build the archive with commands the tool models (`mkdir`, `cp`, `rsync`, `pip install -t`,
`zip`), or declare the package explicitly in `[tool.validate-imports]`. If the step is
correct and cannot change, suppress the finding with
`# validate-imports: ignore[LPK-000] built by create_zip.py`.

## Exceptions
Statements that cannot touch a package (`echo`, `terraform plan`, a `case` that only
prints) are skipped without a finding, readable or not, and so is everything in a job
that neither builds nor deploys a Lambda package (a frontend build, a release of
binaries, a migration): what the tool cannot follow there cannot hide a package.
"""

from __future__ import annotations

from collections.abc import Iterator

from validator.model import Finding, PackageReport, Severity, Span
from validator.model.context import RuleContext
from validator.model.deploytools import ORIGINS, TOOLS, tool_name

CODE = "LPK-000"
NAME = "analysis-incomplete"
SEVERITY = "warning"
SUMMARY = "Part of the workflow could not be read or modelled, so a package may be unchecked"
FIX = "never"


def check(ctx: RuleContext) -> Iterator[Finding]:
    found = list(_findings(ctx))
    yield from found
    if not found and not ctx.packages:
        yield from _silent_deploys(ctx)


#: actions that deploy Lambda code with packaging of their own (matched in the ``uses:`` name)
_DEPLOY_ACTIONS = ("serverless/github-action", "aws-lambda-deploy", "lambda-action", "aws-sam", "cdk-deploy",
                   "aws-cloudformation-github-deploy", "action-lambda-python-zip", "lambda-python-zip",
                   "deploy-lambda", "lambda-deploy")


def _silent_deploys(ctx: RuleContext) -> Iterator[Finding]:
    """Never a silent "All checks passed (0 packages)" while the workflows deploy Lambda code:
    one warning at the first deployment, saying how many were found and why none was checked."""
    places: list[tuple[Span, str]] = []
    for sim in ctx.simulations:
        for d in sim.deploys:
            if d.image_uri:
                places.append((d.span, f"the image {d.image_uri} (no image build the tool reads is linked to it)"))
            elif d.kind not in ("configuration", "s3") and d.archive not in ctx.out_of_scope:
                places.append((d.span, f"{d.archive or 'an archive'} (built by a step the tool does not follow)"))
    for wf in ctx.workflows:
        for job in wf.jobs:
            for step in job.steps:
                uses = (step.uses or "").lower()
                if any(a in uses for a in _DEPLOY_ACTIONS):
                    places.append((Span(wf.path, step.line, 1, step.line, 1),
                                   f"`uses: {step.uses}` (it packages the code itself)"))
    if places:
        span, why = places[0]
        more = f" and {len(places) - 1} more" if len(places) > 1 else ""
        yield Finding(CODE, f"the workflows deploy Lambda code ({len(places)} deployment{'s' if len(places) > 1 else ''}"
                            f" found) but no package could be checked: {why}{more}", span, Severity.WARNING,
                      hint="build the package with commands the tool follows, check the built archive with "
                           "`validate-imports --zip`, or map it in [tool.validate-imports] packages")


def _findings(ctx: RuleContext) -> Iterator[Finding]:
    seen: set[tuple[object, ...]] = set()

    def once(finding: Finding) -> Iterator[Finding]:
        key = (finding.span, finding.message, finding.package)
        if key not in seen:
            seen.add(key)
            yield finding

    for finding in deploy_tool_findings(ctx):
        yield from once(finding)
    for finding in _serverless_incomplete(ctx):
        yield from once(finding)
    shipping = packaging_jobs(ctx)
    for item in ctx.unmodelled:
        if item.could_touch_package and (not item.job or item.job in shipping):
            yield from once(Finding(CODE, item.reason, item.span, Severity.WARNING))
    for report in ctx.packages:
        pkg = report.package
        if pkg.opaque and pkg.never_built:
            pass  # LPK-004: the deploy fails, nothing is unchecked
        elif pkg.opaque:
            reason = pkg.opaque_reason or "it is built by a step the tool does not model"
            yield from once(Finding(
                CODE, f"cannot verify package {pkg.name} ({pkg.archive}): {reason}", pkg.span,
                Severity.WARNING, package=pkg.name,
                hint="build the archive with cp/mkdir/zip in the workflow, or map the package in [tool.validate-imports]",
            ))
        elif report.link is None and not pkg.is_layer:
            yield from once(Finding(
                CODE, f"no handler found for package {pkg.name} ({pkg.archive}); its imports are not checked",
                pkg.span, Severity.WARNING, package=pkg.name,
                hint="set the handler in Terraform/SAM/serverless, or in [tool.validate-imports] packages",
            ))
        if report.closure is not None:
            for problem in report.closure.problems:
                yield from once(Finding(CODE, f"package {pkg.name}: {problem}", pkg.span, Severity.WARNING,
                                        package=pkg.name))


def _serverless_incomplete(ctx: RuleContext) -> Iterator[Finding]:
    """One warning per reason a serverless archive cannot be rebuilt exactly (a plugin that
    may rewrite it, a pattern with a variable), naming every function it leaves unjudged."""
    groups: dict[tuple[str, str], list[PackageReport]] = {}
    for report in ctx.packages:
        config = report.link.config if report.link is not None else None
        if config is not None and config.serverless is not None and report.package.incomplete:
            groups.setdefault((config.span.path.rsplit("/", 1)[0], report.package.incomplete), []).append(report)
    for (_service, reason), reports in groups.items():
        names = [r.package.name for r in reports]
        first = reports[0].package
        which = f"package {names[0]} ({first.archive})" if len(names) == 1 else (
            f"{len(names)} packages ({', '.join(names)})")
        yield Finding(CODE, f"cannot fully verify {which}: {reason}; modules absent from the reconstructed "
                            "archive are not reported", first.incomplete_span or first.span, Severity.WARNING,
                      package=names[0] if len(names) == 1 else None,
                      hint="if the plugin adds no Python code, suppress this warning; otherwise check the built "
                           "archive with `validate-imports --zip`")


def packaging_jobs(ctx: RuleContext) -> set[str]:
    """The jobs (``workflow:job``) that build or deploy a Lambda package: what the tool could
    not model elsewhere (a frontend build, a release of binaries) cannot hide a package."""
    jobs = {report.package.job_ref for report in ctx.packages}
    jobs.update(d.job for sim in ctx.simulations for d in sim.deploys if d.job)
    return jobs


def deploy_tool_findings(ctx: RuleContext) -> Iterator[Finding]:
    """A deploy tool whose packaging the analysis does not rebuild (CDK, Pulumi, Chalice,
    Zappa), or one it does (SAM, Serverless, Terraform) when no package came from its
    configuration: the code it ships goes unchecked, so say so at the command."""
    checked = {id(c) for r in ctx.packages if r.link for c in (r.link.config, r.link.function, *r.link.also)
               if c is not None}
    #: a modelled tool is only worth a note when some function of its configuration went unchecked
    #: (an image function too: its image was not built by a step the tool reads)
    unchecked = {c.origin for c in ctx.handler_configs if id(c) not in checked}
    images = {c.origin for c in ctx.handler_configs if id(c) not in checked and c.package_type.lower() == "image"}
    seen: set[str] = set()
    for wf in ctx.workflows:
        for job in wf.jobs:
            for step in job.steps:
                if not step.run or step.script_map is None:
                    continue
                for m in TOOLS.finditer(step.run):
                    tool = tool_name(m)
                    origin = ORIGINS.get(tool.split()[0])
                    if origin and origin not in unchecked:
                        continue
                    if tool in seen:
                        continue
                    seen.add(tool)
                    what = ("the packages it builds are not rebuilt by this tool" if origin is None else
                            f"some {origin} functions have no local code or package the tool can check"
                            + (" (image functions whose image no step the tool reads builds as a Lambda image)"
                               if origin in images else ""))
                    yield Finding(CODE, f"`{tool}` packages Lambda code itself: {what}",
                                  step.script_map.span(m.start(1), m.end(1)), Severity.WARNING,
                                  hint="check those functions' handlers and imports by other means, or map them in "
                                       "[tool.validate-imports] packages")
