"""# LPK-007 outside-build-context

## What it does
Reports a `COPY`/`ADD` in the Dockerfile of a Lambda image the workflow builds whose
source is not in the build context the builder is sent: a path outside the context
(`COPY ../shared/ …`, which the builder reads as `shared/` inside the context), a path
the context does not hold, or files `.dockerignore` excludes. A source with nothing left
fails `docker build`; a folder that loses some files to `.dockerignore` builds fine and
is reported only when the handler's import closure needs one of the lost modules. Only
images a function runs are checked (an image no function uses, or a web app's, is not).

## Why is this bad?
The builder only sees the context folder. `docker build -f svc/Dockerfile svc` cannot
copy `svc/../shared`: the build stops with "not found", or, when the source is excluded
by a pattern, the module silently never reaches `/var/task` and the function dies with
`Runtime.ImportModuleError: No module named 'shared'`.

## Example
```dockerfile
# built with: docker build -t orders services/orders
COPY ../shared/ ${LAMBDA_TASK_ROOT}/shared/
```

## Use instead
Build from a context that holds both folders and name the sources from there:
```dockerfile
# built with: docker build -t orders -f services/orders/Dockerfile services
COPY shared/ ${LAMBDA_TASK_ROOT}/shared/
```

## Fix safety
For a source outside the context, the fix (unsafe) widens the context of the `docker
build` command to the folder that holds every source (adding `-f` when the Dockerfile was
the context's default) and rewrites each `COPY`/`ADD` source of the Dockerfile relative to
it. It is unsafe because the wider context sends more files to the builder. It is
declined when a `.dockerignore` would change meaning, when the context is set by
`docker/build-push-action` or a variable, or when a `COPY` is quoted, uses variables or
heredocs, or spans lines.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import TYPE_CHECKING

from validator.model import Finding, Related, Severity
from validator.model.context import RuleContext
from validator.model.explain import image_dropped
from validator.model.images import ContextMiss, ImageBuild

if TYPE_CHECKING:
    from validator.fixes.outcome import Outcome

CODE = "LPK-007"
NAME = "outside-build-context"
SEVERITY = "error"
SUMMARY = "A Dockerfile COPY source is outside the image's build context or excluded by .dockerignore"
FIX = "sometimes"


def _common(a: str, b: str) -> str:
    parts = posixpath.commonpath(["/" + a.strip("./"), "/" + b.strip("./")]).strip("/")
    return parts or "."


def check(ctx: RuleContext) -> Iterator[Finding]:
    for report in ctx.packages:
        pkg, link, closure = report.package, report.link, report.closure
        image = pkg.image
        if image is None or link is None:
            continue
        context_where = Related(image.context_span.path, image.context_span.line,
                                f"the build context is {image.context}")
        outside = [m for m in image.misses if m.fails and m.kind == "outside"]
        wider = image.context
        for miss in outside:
            wider = _common(wider, miss.repo_path)
        fixed = False
        for failing in image.misses:
            if not failing.fails:
                continue
            finding = _failing(pkg.name, image.context, failing, context_where)
            need = _needing_import(report, failing)
            if need is not None:
                finding.related.append(need)
            if failing.kind == "outside" and not fixed:
                from validator.fixes.outcome import guarded

                guarded(fix_widen_context, ctx, image, wider).attach(finding)
                fixed = True
            yield finding
        if closure is None:
            continue
        seen: set[int] = set()
        for item in closure.unresolved:
            dropped = image_dropped(pkg, item.module)
            if dropped is None or dropped.fails or id(dropped) in seen:
                continue
            miss = dropped
            seen.add(id(miss))
            related = [context_where, Related(item.site.path, item.site.line, f"imports {item.site.module}")]
            if miss.pattern_span is not None:
                related.insert(0, Related(miss.pattern_span.path, miss.pattern_span.line,
                                          f"excludes {miss.pattern}"))
            yield Finding(CODE, f"package {pkg.name}: `COPY {miss.source}` leaves out module {item.module}: "
                          f"{_ignore_name(image.dockerignore)} excludes it with {miss.pattern!r}, and "
                          f"{item.site.path}:{item.site.line} imports it (Runtime.ImportModuleError at cold start)", miss.span,
                          Severity.ERROR, package=pkg.name, related=related,
                          hint=f"remove {miss.pattern!r} from the ignore file, or add an exception (`!PATH`) for "
                               "the module's file after it")


def _needing_import(report: object, miss: ContextMiss) -> Related | None:
    """The first import of the handler's closure that a file of the missing source would serve."""
    closure = getattr(report, "closure", None)
    pkg = getattr(report, "package", None)
    if closure is None or pkg is None or pkg.image is None:
        return None
    root = pkg.image.task_root.rstrip("/") + "/"
    supplies = set(miss.would_supply)
    for item in closure.unresolved:
        base = root + item.module.replace(".", "/")
        if {base + ".py", base + "/__init__.py"} & supplies or any(p.startswith(base + "/") for p in supplies):
            return Related(item.site.path, item.site.line, f"imports {item.site.module}")
    return None


def _ignore_name(path: str | None) -> str:
    return path or ".dockerignore"


def _failing(name: str, context: str, miss: ContextMiss, context_where: Related) -> Finding:
    related = [context_where]
    if miss.kind == "outside":
        wider = _common(context, miss.repo_path)
        why = (f"{miss.repo_path} is outside the build context {context}; the builder reads it as a path inside "
               "the context, which does not exist, so `docker build` fails (not found)")
        hint = (f"build from a context that holds it (e.g. `{wider}`, with `-f` naming the Dockerfile) and write the "
                f"source relative to that context: {posixpath.relpath(miss.repo_path, wider)}")
    elif miss.kind == "ignored":
        if miss.pattern_span is not None:
            related.insert(0, Related(miss.pattern_span.path, miss.pattern_span.line, f"excludes {miss.pattern}"))
        why = f"every file of {miss.repo_path} is excluded by the ignore pattern {miss.pattern!r}, so `docker build` fails"
        hint = "add an exception (`!path`) to the ignore file, or remove the pattern"
    else:
        why = f"{miss.repo_path} does not exist in the build context {context}, so `docker build` fails (not found)"
        hint = "copy a path that exists in the context, or build from the folder that holds it"
    supplies = [p for p in miss.would_supply if p.endswith(".py")]
    if supplies:
        why += f"; the image would lack {supplies[0]}" + (f" and {len(supplies) - 1} more" if len(supplies) > 1 else "")
    return Finding(CODE, f"package {name}: `COPY {miss.source}`: {why}", miss.span, Severity.ERROR, package=name,
                   related=related, hint=hint)


# --------------------------------------------------------------------------- fix


def fix_widen_context(ctx: RuleContext, image: ImageBuild, wider: str) -> Outcome:
    """Build from ``wider`` and name every ``COPY`` source from there."""
    from validator.fixes import buildcontext
    from validator.fixes.outcome import Declined, Outcome
    from validator.model import Applicability, Fix

    problem = buildcontext.ignore_problem(ctx, image, wider)
    if problem:
        raise Declined(problem)
    edits = [*buildcontext.context_edits(ctx, image, wider), *buildcontext.dockerfile_edits(ctx, image, wider)]
    return Outcome(Fix(f"Build from {wider} and name the COPY sources from there", edits, Applicability.UNSAFE))
