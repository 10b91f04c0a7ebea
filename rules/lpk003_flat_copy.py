"""# LPK-003 flat-copy

## What it does
Reports a copy that puts a source folder's files at another path inside the package
than the one the code's absolute imports use: typically
`cp -r src/lambdas/ingestion/* build/` while the code says
`from src.lambdas.ingestion.alerting import send_alert`. It also catches the
double nesting of `cp -r src/x build/src/x` into an existing folder
(`build/src/x/x/…`), and shared code copied to `build/shared/` while imported as
`src.lambdas.shared`.

## Why is this bad?
At cold start the ZIP root is on `sys.path`, so `src.lambdas.ingestion.alerting` is
looked up at `src/lambdas/ingestion/alerting.py` inside the ZIP. A flat copy leaves
`alerting.py` at the root: the deploy succeeds and the function dies with
`Runtime.ImportModuleError: No module named 'src'`.

## Example
```yaml
- run: |
    mkdir -p packages/ingestion-build
    cp -r src/lambdas/ingestion/* packages/ingestion-build/
```

## Use instead
```yaml
- run: |
    mkdir -p packages/ingestion-build/src/lambdas/ingestion
    cp -r src/lambdas/ingestion/* packages/ingestion-build/src/lambdas/ingestion/
```
When the handler setting names a module at the ZIP root (`handler.lambda_handler`),
keep the flat copy for the handler and add the nested one: the package then has the
files twice, which is what both the handler and the imports need.

## Fix safety
The fix follows the linked handler setting: with a root handler it adds the nested
copy and keeps the flat one; with a nested handler it moves the copy. It is safe when
the handler link comes from configuration, unsafe when the handler was inferred.

## Exceptions
A flat copy of a folder that no absolute import names is fine (a Lambda with no
`src.*` imports may keep its files at the root) and is not reported.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import TYPE_CHECKING

from validator.model import CopyRecord, Finding, PackageReport, Related, Severity, UnresolvedImport
from validator.model.context import RuleContext
from validator.model.explain import (
    Misplacement,
    failed_copies_for,
    find_handler_elsewhere,
    flat_copies,
    handler_module_path,
    imported_module,
    zip_prefix,
)

if TYPE_CHECKING:
    from validator.fixes.outcome import Outcome

CODE = "LPK-003"
NAME = "flat-copy"
SEVERITY = "error"
SUMMARY = "A folder is copied so its files land at another path than the one its absolute imports use"
FIX = "sometimes"


def _zip_explains_handler(report: PackageReport) -> bool:
    link, closure = report.link, report.closure
    if link is None or link.inferred or closure is None or closure.handler_file is not None:
        return False
    elsewhere = find_handler_elsewhere(report.package, link.handler)
    wanted = handler_module_path(link.handler)
    return bool(elsewhere and wanted and zip_prefix(report.package, elsewhere.path, wanted))


def _describe(items: list[tuple[UnresolvedImport, Misplacement]], root: str = "the ZIP root") -> str:
    """``src/lambdas/x/ lands at the ZIP root, imported as src.lambdas.x`` for each folder
    (``root`` names the package's root: the task root of an image)."""
    places: dict[tuple[str, str], set[str]] = {}
    for _item, where in items:
        is_file = where.repo_path.endswith(".py")
        source = posixpath.dirname(where.repo_path) if is_file else where.repo_path
        actual = posixpath.dirname(where.actual) if is_file else where.actual
        wanted = posixpath.dirname(where.expected) if is_file else where.expected
        places.setdefault((source, actual), set()).add(wanted)
    parts = []
    for (source, actual), wanted_dirs in sorted(places.items()):
        where_to = root if actual in ("", ".") else f"{actual}/"
        needs = ", ".join(sorted(f"{e}/" if e else root for e in wanted_dirs))
        parts.append(f"{source}/ lands at {where_to} but its imports need it at {needs}")
    return "; ".join(parts)


def check(ctx: RuleContext) -> Iterator[Finding]:
    for report in ctx.packages:
        pkg = report.package
        if report.closure is None or failed_copies_for(pkg, ctx.copies):
            continue
        for span, items in flat_copies(report).items():
            if span == pkg.span and _zip_explains_handler(report):
                continue  # LPK-002 reports the zip's wrong root, which explains these too
            cmd = ctx.quote(span) if ctx.is_workflow(span.path) else ""
            modules = sorted({imported_module(item) for item, _ in items})
            expected = sorted({posixpath.dirname(w.expected) if w.repo_path.endswith(".py") else w.expected
                               for _, w in items})
            config = report.link.config if report.link is not None else None
            built = (f"`{cmd}`" if cmd else
                     f"{pkg.archive} keeps the paths of the service folder (Serverless packages it as it is)"
                     if config is not None and config.serverless is not None
                     else f"the package is built from {pkg.archive}")
            root = "the task root" if pkg.image is not None else "the ZIP root"
            message = f"package {pkg.name}: {built}: {_describe(items, root)} (the code imports {', '.join(modules)})"
            handler = report.link.handler if report.link else None
            wanted = handler_module_path(handler) if handler else None
            if handler and report.closure.handler_file is None and wanted:
                elsewhere = find_handler_elsewhere(pkg, handler)
                if elsewhere is not None and elsewhere.origin == span:
                    message += f"; the handler {handler} is not found either ({wanted} is at {elsewhere.path})"
            related = [
                Related(item.site.path, item.site.line, f"imports {item.site.module}")
                for item, _ in sorted(items, key=lambda i: (i[0].site.path, i[0].site.line))
            ]
            if report.link and report.link.config is not None:
                cfg = report.link.config
                related.append(Related(cfg.span.path, cfg.span.line, f"handler = {cfg.handler}"))
            root_handler = bool(wanted) and "/" not in (wanted or "")
            places = [f"{', '.join(f'{e}/' for e in expected if e)} inside the package"] if any(expected) else []
            where = " and ".join(places + (["the ZIP root"] if "" in expected else []))
            hint = (
                f"keep this copy for the root handler and also copy the files to {where}"
                if root_handler else f"copy the files to {where} instead"
            )
            finding = Finding(CODE, message, span, Severity.ERROR, package=pkg.name, related=related, hint=hint)

            from validator.fixes.outcome import guarded

            yield guarded(fix_flat_copy, ctx, report, items).attach(finding)


# --------------------------------------------------------------------------- fix


def fix_flat_copy(ctx: RuleContext, report: PackageReport, items: list[tuple[UnresolvedImport, Misplacement]]) -> Outcome:
    """The fix for a flat copy: add the nested copy (root handler) or move the copy."""
    from validator.fixes import placement
    from validator.fixes.loops import carries_root_handler, check_runs
    from validator.fixes.outcome import Declined, relocate, site_of

    copies = {id(w.copy): w.copy for _, w in items if w.copy is not None}
    if len(copies) != 1:
        raise Declined("the misplaced files do not come from one copy command")
    copy = next(iter(copies.values()))
    wf, site = site_of(ctx, copy)
    if len(site.sources) != 1:
        raise Declined("the copy has several sources; only some of them belong under the import path")
    loc = placement.locate(site, copy, report.package)
    strips = {placement.import_root(item) for item, _ in items}
    if len(strips) != 1 or None in strips:
        raise Declined("the import paths do not map to one repository folder")
    strip = strips.pop() or ""
    arch = placement.expected_arch(loc.container_repo, strip)
    if arch is None or arch == loc.target_arch:
        raise Declined("the folder the imports name could not be told apart from where the copy puts it")
    folder, literal = placement.folder_word(loc, arch, strip)
    add = carries_root_handler(report, copy) or report.link is None
    if add and site.command.words[0].text == "mv":
        raise Declined("`mv` leaves no files for a second copy; copy with `cp` instead")

    def arch_for(other: CopyRecord, _report: PackageReport) -> str | None:
        repo_dir = placement.container_repo(other)
        return placement.expected_arch(repo_dir, strip) if repo_dir is not None else None

    check_runs(ctx, copy, target_arch=loc.target_arch, folder=folder, literal=literal, arch_for=arch_for,
               move=not add)
    return relocate(wf, site, report, loc, folder, add, f"copy {loc.container_repo} to {arch} inside the package")
