"""# LPK-001 unresolved-import

## What it does
Reports a first-party module in the handler's import closure that is not inside the
package at the path its import names, when no copy explains it: `src/lambdas/shared`
or `src/lib` never copied, a relative import (`from .utils import x`) in a handler at
the ZIP root, an import inside a function that only fails when the function runs, or a
Serverless `package.patterns` entry (`!common/pdf/**`, `!**/*` with no later pattern for
the module) that leaves the module out of the function's `.serverless/<function>.zip`;
then the finding points at that pattern.

## Why is this bad?
The Lambda runtime imports the handler with the ZIP root on `sys.path`. A module that
is not in the ZIP makes the cold start fail with `Runtime.ImportModuleError: Unable to
import module 'handler': No module named 'src.lib'`; an import inside a function fails
later, on the request that calls it.

## Example
```yaml
- run: |
    mkdir -p build/src/lambdas/ingestion
    cp -r src/lambdas/ingestion/* build/src/lambdas/ingestion/
    cd build && zip -r ../ingestion.zip .
```
while `src/lambdas/ingestion/handler.py` says `from src.lib.retry import backoff`.

## Use instead
```yaml
- run: |
    mkdir -p build/src/lambdas/ingestion build/src/lib
    cp -r src/lambdas/ingestion/* build/src/lambdas/ingestion/
    cp -r src/lib/* build/src/lib/
    cd build && zip -r ../ingestion.zip .
```

## Fix safety
When the missing module is a first-party folder of the repository, the fix adds the
copy to the path the import names; it is unsafe when the package folder had to be
guessed.

## Exceptions
Imports inside `if TYPE_CHECKING:` never run and are ignored. A `try:`/`except
ImportError:` chain fails only when no branch resolves; an `except` branch that imports
nothing makes the import optional.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import TYPE_CHECKING

from validator.model import (
    CopyRecord,
    Exclusion,
    Finding,
    Package,
    PackageReport,
    Related,
    Severity,
    UnresolvedImport,
)
from validator.model.context import RuleContext
from validator.model.dists import RUNTIME_MODULES, providers, runtime_version
from validator.model.explain import (
    failed_copies_for,
    find_misplacement,
    hidden_by_root,
    image_build_fails,
    image_dropped,
    layer_cause,
    layer_files_provide,
    layers_may_provide,
    repository_module,
    unknown_layers,
)

if TYPE_CHECKING:
    from validator.fixes.outcome import Outcome

CODE = "LPK-001"
NAME = "unresolved-import"
SEVERITY = "error"
SUMMARY = "A first-party module the handler imports is not in the package at its import path"
FIX = "sometimes"


def _message(package: str, module: str, items: list[UnresolvedImport], left_out: Exclusion | None = None) -> str:
    first = items[0]
    if first.reason == "relative-import-in-top-level-module":
        return (f"package {package}: `{first.site.text}` in {first.site.path}:{first.site.line} is a relative "
                "import in a top-level module of the ZIP (attempted relative import with no known parent package)")
    where = f" ({first.repo_path} in the repository)" if first.repo_path else ""
    late = " when the function runs" if all(i.site.in_function for i in items) else " at cold start"
    why = f"; {left_out.rule} leaves it out and no later pattern brings it back" if left_out is not None else ""
    return f"package {package}: {module}{where} is imported but not in the package{why}; the import fails{late}"


def left_out_by(pkg: Package, repo_path: str | None) -> Exclusion | None:
    """The packaging rule (serverless ``package.patterns``) that left ``repo_path`` (a file,
    or a folder: its first file) out of the package, if one did."""
    if not repo_path or not pkg.left_out:
        return None
    found = pkg.left_out.get(repo_path)
    if found is None:
        folder = repo_path.rstrip("/") + "/"
        found = next((e for src, e in sorted(pkg.left_out.items()) if src.startswith(folder)), None)
    return found


def check(ctx: RuleContext) -> Iterator[Finding]:
    for report in ctx.packages:
        pkg, closure = report.package, report.closure
        if closure is None or pkg.incomplete or failed_copies_for(pkg, ctx.copies) or image_build_fails(pkg):
            continue  # an incomplete tree (LPK-000 says why) cannot show that a module is absent
        groups: dict[tuple[str, str], list[UnresolvedImport]] = {}
        config = report.link.config if report.link is not None else None
        python = runtime_version(config.runtime) if config is not None else None
        for item in report.unresolved():
            if item.reason in ("", "missing") and find_misplacement(pkg, item):
                continue  # LPK-003 (or LPK-002) names the copy that put it elsewhere
            if image_dropped(pkg, item.module) is not None:
                continue  # LPK-007 names the .dockerignore pattern that left it out
            if "." not in item.module and layer_cause(report, item.module, ctx.repo, third_party=False):
                continue  # LPK-008: a layer holds it outside python/, or PYTHONPATH hides the layer
            if item.reason in ("", "missing") and hidden_by_root(report, ctx.repo, item.module, python) is not None:
                continue  # LPK-009 names the module at the ZIP root that hides it
            groups.setdefault((item.module, item.reason), []).append(item)
        for (module, _reason), items in sorted(groups.items()):
            items.sort(key=lambda i: (i.site.path, i.site.line))
            related = [Related(i.site.path, i.site.line, f"imports {i.site.module}"
                               + (f" (via {' -> '.join(i.chain)})" if len(i.chain) > 1 else ""))
                       for i in items]
            hint = None
            left_out = left_out_by(pkg, items[0].repo_path) if items[0].reason in ("", "missing") else None
            if left_out is not None:
                hint = (f"add a pattern that matches {items[0].repo_path} (relative to the service folder) to "
                        "package.patterns after the one that leaves it out: the last matching pattern wins")
            elif items[0].repo_path and items[0].reason in ("", "missing"):
                target = module.replace(".", "/")
                hint = f"copy {items[0].repo_path} into the package as {target}"
            elif items[0].reason == "relative-import-in-top-level-module":
                hint = "use an absolute import, or make the handler a module inside a package"
            span = left_out.span if left_out is not None and left_out.span is not None else pkg.span
            finding = Finding(CODE, _message(pkg.name, module, items, left_out), span, Severity.ERROR,
                              package=pkg.name, related=related, hint=hint)
            if items[0].repo_path and items[0].reason in ("", "missing"):
                from validator.fixes.outcome import guarded

                guarded(fix_missing_module, ctx, report, items).attach(finding)
            yield finding
        yield from _left_out_repository_modules(ctx, report, {module for module, _ in groups})


def _left_out_repository_modules(ctx: RuleContext, report: PackageReport, reported: set[str]) -> Iterator[Finding]:
    """``import environment`` where no distribution is named so and the repository has one
    ``shared/environment.py``: the build left that code out.  A warning when a layer that is
    not built here, or a configuration outside the repository, may still provide it."""
    pkg, closure = report.package, report.closure
    assert closure is not None
    seen: set[str] = set()
    for leaf in closure.third_party:
        top = leaf.module.split(".")[0]
        if leaf.provided_by is not None or leaf.site.optional or top in seen or top in reported:
            continue
        seen.add(top)
        if top in RUNTIME_MODULES or any(providers(leaf.module)):
            continue
        local = repository_module(ctx.repo, top)
        if local is None or (layers_may_provide(report) and layer_files_provide(ctx.packages, top)):
            continue
        if _may_come_another_way(ctx, report, local) or layer_cause(report, top, ctx.repo, third_party=True):
            continue
        when = "when the function runs" if leaf.site.in_function else "at cold start"
        message = (f"package {pkg.name}: {top} ({local} in the repository) is imported but not in the package; "
                   f"the import fails {when}")
        severity = Severity.ERROR
        unknown = [a.ref for a in unknown_layers(report)]
        if layers_may_provide(report):
            severity = Severity.WARNING
            message += (f" — unless the function's layers ({', '.join(unknown)}) provide it" if unknown else
                        " — unless the function's configuration, not in the repository, attaches a layer that "
                        "provides it")
        related = [Related(leaf.site.path, leaf.site.line, f"imports {leaf.module}"
                           + (f" (via {' -> '.join(leaf.chain)})" if len(leaf.chain) > 1 else "")),
                   Related(local, 1, f"the module {top}")]
        yield Finding(CODE, message, pkg.span, severity, package=pkg.name, related=related,
                      hint=f"copy {local} into the package root, next to the handler")


def _may_come_another_way(ctx: RuleContext, report: PackageReport, local: str) -> bool:
    """The package may still hold that module: its file is in the package at another path
    (a search path the handler adds), an install of unknown content may bring it (a private
    index's distribution), or the code changes ``sys.path`` in a way not evaluated."""
    pkg = report.package
    folder = local[: -len("/__init__.py")] if local.endswith("/__init__.py") else local
    if any(f.source and (f.source == local or f.source.startswith(folder + "/")) for f in pkg.files.values()):
        return True
    from validator.model.dists import marker_environments
    from validator.model.provision import resolve

    envs = marker_environments(None)
    if any(resolve(pip, envs, ctx.repo).unknown for pip in pkg.pip_installs):
        return True
    closure = report.closure
    sources = [pkg.files[p].source for p in (closure.modules.values() if closure else ()) if p in pkg.files]
    return any("sys.path" in (ctx.repo.read_text(s) or "") for s in sources if s)


# --------------------------------------------------------------------------- fix


def fix_missing_module(ctx: RuleContext, report: PackageReport, items: list[UnresolvedImport]) -> Outcome:
    """Copy a first-party folder the package lacks to the path its imports name."""
    from validator.fixes import placement, words
    from validator.fixes.edits import insert_after, is_literal, to_file_edits
    from validator.fixes.loops import check_runs
    from validator.fixes.outcome import Declined, Outcome, site_of
    from validator.model import Applicability, Fix

    first = items[0]
    if first.reason not in ("", "missing") or not first.repo_path:
        raise Declined("only a module that exists in the repository can be copied in")
    config = report.link.config if report.link is not None else None
    if config is not None and config.serverless is not None:
        raise Declined("Serverless builds this package from serverless.yml's package settings, "
                       "which --fix does not edit")
    strip = placement.import_root(first)
    if strip is None:
        raise Declined("the import path does not match the module's place in the repository")
    repo_dir = posixpath.dirname(first.repo_path)
    arch_dir = placement.expected_arch(repo_dir, strip)
    if arch_dir is None or arch_dir.count("/") < 1:
        raise Declined("the module sits in a top-level package; copying all of it is a choice left to you")
    pkg = report.package
    anchors = [c for c in pkg.copies if not c.failed and c.step_key == (pkg.step_key or c.step_key) and c.command == "cp"
               and placement.archive_path(pkg, c.target) is not None]
    if not anchors:
        raise Declined("no copy into the package in the zip's step to place the new copy after")
    anchor = max(anchors, key=lambda c: c.statement)
    wf, site = site_of(ctx, anchor)
    loc = placement.locate(site, anchor, pkg)
    if loc.source_container is None or not words.matches(loc.source_container, loc.container_repo):
        raise Declined("the copies in this step do not run from the repository root")
    folder = words.shell_quote(arch_dir)
    source = words.shell_quote(repo_dir)
    new_dir = words.join(loc.root_word, folder, slash=False)
    statements = [f"mkdir -p {new_dir}", f"cp -r {source}/* {words.join(loc.root_word, folder, slash=True)}"]

    def arch_for(_other: CopyRecord, _report: PackageReport) -> str | None:
        return arch_dir

    check_runs(ctx, anchor, target_arch=loc.target_arch, folder=folder, literal=True, arch_for=arch_for,
               move=False)
    script = site.step.run or ""
    edit = insert_after(script, site.command.start, site.command.end, statements, is_literal(site.step.run_style))
    return Outcome(Fix(f"Copy {repo_dir} to {arch_dir} inside the package", to_file_edits(wf, site.step, [edit]),
                       Applicability.SAFE))
