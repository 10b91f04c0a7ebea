"""# LPK-002 handler-not-found

## What it does
Reports a configured handler string (Terraform `handler`, SAM `Handler`, serverless
`handler`, `aws lambda create-function --handler`, or `[tool.validate-imports]`) that
does not resolve inside the package: there is no module file at that dotted path, the
module has no such function, or the string is malformed (no dot). It also reports a
module of the handler's import closure that the function's Python cannot compile (a
syntax error, or syntax newer than the runtime: `match` on python3.9, `except A, B:` before
3.14): importing the handler then raises `Runtime.UserCodeSyntaxError`. A file that only
a newer Python than the one running the tool could judge is left as LPK-000.

## Why is this bad?
The runtime splits the handler at its last dot, imports the module from the ZIP root
and looks the function up. A missing module gives `Runtime.ImportModuleError`, a
missing function `Runtime.HandlerNotFound`; both on every invocation.

## Example
```hcl
resource "aws_lambda_function" "ingestion" {
  handler = "src.lambdas.ingestion.handler.lambda_handler"
}
```
while the workflow copies `src/lambdas/ingestion/*` to the ZIP root, or zips the build
folder from its parent (`zip -r x.zip build` stores `build/handler.py`).

## Use instead
Copy the handler to the path the handler string names
(`src/lambdas/ingestion/handler.py`), or zip from inside the build folder
(`cd build && zip -r ../x.zip .`), or change the handler string to match the ZIP.

## Fix safety
When a copy put the handler's file at another path, the fix moves the copy's
destination; it is safe when the handler comes from configuration.

## Exceptions
A handler inferred from the package tree (no configuration in the repository) is
never reported: the tool only says which handler it assumed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

from validator.model import CopyRecord, Finding, PackageFile, PackageReport, Related, Severity, Span
from validator.model.context import RuleContext
from validator.model.explain import (
    failed_copies_for,
    find_handler_elsewhere,
    flat_copies,
    handler_module_path,
    image_build_fails,
    zip_prefix,
)

if TYPE_CHECKING:
    from validator.fixes.outcome import Outcome

CODE = "LPK-002"
NAME = "handler-not-found"
SEVERITY = "error"
SUMMARY = "The configured handler string does not resolve inside the package"
FIX = "sometimes"


def _flat_copy_spans(report: PackageReport) -> set[Span]:
    """The copies LPK-003 reports for this package."""
    return set(flat_copies(report))


def syntax_errors(ctx: RuleContext, report: PackageReport) -> Iterator[Finding]:
    """Modules of the closure the function's Python cannot compile."""
    closure, pkg, link = report.closure, report.package, report.link
    if closure is None or link is None:
        return
    for err in closure.syntax_errors:
        via = f" (imported through {' -> '.join(err.chain)})" if len(err.chain) > 1 else ""
        if err.cold:
            text = (f"importing handler {link.handler} fails at cold start with Runtime.UserCodeSyntaxError: "
                    f"{err.path}:{err.line}: {err.message}{via}")
        else:
            text = (f"handler {link.handler} imports {err.chain[-1]} when it runs, and that import raises "
                    f"SyntaxError: {err.path}:{err.line}: {err.message}{via}")
        yield Finding(CODE, f"package {pkg.name}: {text}",
                      pkg.span, Severity.ERROR, package=pkg.name,
                      related=[Related(err.path, err.line, f"SyntaxError: {err.message}")],
                      hint="fix the syntax, or deploy to a runtime whose Python accepts it")


def check(ctx: RuleContext) -> Iterator[Finding]:
    for report in ctx.packages:
        if report.link is not None and not report.package.opaque:
            yield from syntax_errors(ctx, report)
        pkg, link, closure = report.package, report.link, report.closure
        if link is None or link.inferred or closure is None or pkg.opaque or pkg.incomplete:
            continue  # an incomplete tree (LPK-000 says why) cannot show that the handler is absent
        if failed_copies_for(pkg, ctx.copies) or image_build_fails(pkg):
            continue
        related = []
        if link.config is not None:
            related.append(Related(link.config.span.path, link.config.span.line, f"handler = {link.handler}"))
        wanted = handler_module_path(link.handler)
        if wanted is None:
            span = link.config.span if link.config else pkg.span
            yield Finding(CODE, f"package {pkg.name}: malformed handler {link.handler!r}: it needs "
                          "module.function (Runtime.MalformedHandlerName)", span, Severity.ERROR,
                          package=pkg.name, related=related)
            continue
        if closure.handler_file is None:
            elsewhere = find_handler_elsewhere(pkg, link.handler)
            prefix = zip_prefix(pkg, elsewhere.path, wanted) if elsewhere is not None else None
            if prefix is None and elsewhere is not None and elsewhere.origin in _flat_copy_spans(report):
                continue  # LPK-003 reports this copy and names the handler too (a zip's wrong root is ours)
            span = elsewhere.origin if elsewhere is not None and elsewhere.origin is not None else pkg.span
            if prefix is not None:
                what = ctx.quote(pkg.span) or "the zip"
                message = (f"package {pkg.name}: handler {link.handler} needs {wanted} at the ZIP root, but "
                           f"`{what}` stores every file under {prefix}")
                hint = f"zip from inside the folder: cd {prefix.rstrip('/')} && zip -r <archive> ."
                span = pkg.span
            elif elsewhere is not None:
                what = ctx.quote(span) or "this command"
                message = (f"package {pkg.name}: handler {link.handler} needs {wanted} at the ZIP root's "
                           f"relative path, but `{what}` puts it at {elsewhere.path}")
                hint = f"store the handler module as {wanted} inside the package, or change the handler to match"
            else:
                message = f"package {pkg.name}: handler {link.handler} needs {wanted}, which is not in the package"
                hint = "copy the handler module into the package at that path, or correct the handler string"
            message += f" (handler {link.explanation})" if link.explanation else ""
            finding = Finding(CODE, message, span, Severity.ERROR, package=pkg.name, related=related, hint=hint)
            if elsewhere is not None:
                from validator.fixes.outcome import guarded

                guarded(fix_handler_elsewhere, ctx, report, elsewhere).attach(finding)
            yield finding
        elif closure.handler_function_found is False:
            fn = link.handler.rpartition(".")[2]
            span = link.config.span if link.config else pkg.span
            source = pkg.files[closure.handler_file].source if closure.handler_file in pkg.files else None
            related.insert(0, Related(source or closure.handler_file, 1, f"module without {fn}"))
            yield Finding(CODE, f"package {pkg.name}: {closure.handler_file} defines no function {fn!r} "
                          "(Runtime.HandlerNotFound)", span, Severity.ERROR, package=pkg.name, related=related,
                          hint=f"define {fn} in the handler module, or correct the handler string")


# --------------------------------------------------------------------------- fix


def fix_handler_elsewhere(ctx: RuleContext, report: PackageReport, elsewhere: PackageFile) -> Outcome:
    """Move the copy that put the handler's module at another path than the handler names."""
    from validator.fixes import placement
    from validator.fixes.loops import check_runs
    from validator.fixes.outcome import Declined, relocate, site_of

    pkg, link = report.package, report.link
    wanted = handler_module_path(link.handler) if link else None
    copy = next((c for c in pkg.copies if elsewhere.origin is not None and c.span == elsewhere.origin), None)
    if copy is None or wanted is None:
        raise Declined("the handler's module was not put there by a copy")
    wf, site = site_of(ctx, copy)
    if len(site.sources) != 1:
        raise Declined("the copy has several sources")
    loc = placement.locate(site, copy, pkg)
    dest = next((v for s, v in copy.placed.items() if s == elsewhere.source), None)
    rel = dest[len(copy.target.rstrip("/")) + 1:] if dest else None
    if not rel or not (wanted == rel or wanted.endswith("/" + rel)):
        raise Declined(f"the copy cannot put the module at {wanted} by changing its target")
    arch = wanted[: -len(rel)].rstrip("/")
    if arch == loc.target_arch:
        raise Declined("the copy already targets that folder; the archive's paths come from how it is zipped")
    folder, literal = placement.folder_word(loc, arch)
    handler_rel = rel

    def arch_for(other: CopyRecord, other_report: PackageReport) -> str | None:
        other_wanted = handler_module_path(other_report.link.handler) if other_report.link else None
        if not other_wanted or not other_wanted.endswith(handler_rel):
            return None
        return other_wanted[: -len(handler_rel)].rstrip("/")

    # the handler's own bare imports (``from templates import x``) still need the files at the root
    add = bool(elsewhere.source) and _imports_siblings(ctx, str(elsewhere.source), loc.container_repo)
    if add and site.command.words[0].text == "mv":
        raise Declined("the handler also imports its neighbours from the ZIP root; `mv` cannot leave them there")
    check_runs(ctx, copy, target_arch=loc.target_arch, folder=folder, literal=literal, arch_for=arch_for,
               move=not add)
    return relocate(wf, site, report, loc, folder, add,
                     f"put {elsewhere.source} at {wanted} for the handler {link.handler if link else ''}")


def _imports_siblings(ctx: RuleContext, source: str, folder: str) -> bool:
    """Whether a module imports, by a bare top-level name, a module of the folder it is copied from."""
    try:
        tree = ast.parse((ctx.root / source).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
        return True  # unknown: keep the root copy, it cannot hurt
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    base = (ctx.root / folder) if folder else ctx.root
    return any((base / f"{n}.py").is_file() or (base / n).is_dir() for n in names)
