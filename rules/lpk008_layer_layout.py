"""# LPK-008 layer-layout

## What it does
Checks the layers the workflow or the infrastructure code builds and attaches to a Python
function (Terraform `aws_lambda_layer_version` and `layers = […]`, SAM
`AWS::Serverless::LayerVersion` and `Layers`, serverless `layers:`, `aws lambda
publish-layer-version` and `update-function-configuration --layers`). It reports:

- a module the function imports that its layer holds outside the folders the runtime
  searches: at the archive root, under `site-packages/` or `lib/`, under a folder the
  `zip` stored every file in, or in `python/lib/python3.11/site-packages/` for a
  `python3.12` function;
- a `PYTHONPATH` set in the function's environment that lists neither `/opt/python` nor
  `/opt/python/lib/python3.X/site-packages`, while the function imports a module only its
  layers provide;
- a layer whose Python modules all sit outside those folders (or in the site-packages of
  another Python version) even when no function imports them: nothing of it is importable.

## Why is this bad?
Lambda extracts each layer into `/opt`, and the Python runtime adds only
`/opt/python/lib/python3.X/site-packages` (X the function's own version) and
`/opt/python` to `sys.path`. A module at the root of the layer archive lands in `/opt`,
which nobody searches: the deploy succeeds and the function dies with
`Runtime.ImportModuleError: Unable to import module 'app': No module named 'requests'`.
When the function's environment sets `PYTHONPATH`, the runtime's bootstrap adds neither
layer folder (it checks only whether the variable is set), so every layer import fails
unless `PYTHONPATH` lists the folders itself.

## Example
```yaml
- run: |
    mkdir -p layer
    pip install -r requirements.txt -t layer/
    cd layer && zip -r ../layer.zip .
```
```hcl
resource "aws_lambda_function" "api" {
  layers = [aws_lambda_layer_version.deps.arn]
  environment {
    variables = { PYTHONPATH = "/var/task/src" }
  }
}
```

## Use instead
```yaml
- run: |
    mkdir -p layer
    pip install -r requirements.txt -t layer/python
    cd layer && zip -r ../layer.zip .
```
```hcl
    variables = { PYTHONPATH = "/var/task/src:/opt/python" }
```

## Fix safety
For a `pip install -t DIR` that fills the layer's root (or the site-packages of another
Python version), the fix installs into `DIR/python` (or the function's version) instead;
it is unsafe: other steps may rely on the old folder. A `PYTHONPATH` written literally in
the infrastructure code gets the layer folders the imported modules are in appended
(unsafe too: the order of `sys.path` changes what shadows what). Copies, a `zip` that
stores a folder prefix and other layouts get a hint.

## Exceptions
A module the function's own ZIP provides, or another attached layer provides in a searched
folder, is not reported. When the function also attaches a layer whose content is not
known (a public layer, an ARN in a variable), that layer may provide the module: a warning.
`PYTHONPATH` does not hide the runtime's own libraries (boto3): the bootstrap runs from
`/var/runtime`, whose folder stays on `sys.path`. A `PYTHONPATH` with a value the tool
cannot read (a variable) is taken to list the layer folders.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from validator.model import (
    Applicability,
    Edit,
    Finding,
    Fix,
    ImportSite,
    PackageReport,
    PipInstall,
    Related,
    Severity,
    Span,
)
from validator.model.context import RuleContext
from validator.model.dists import RUNTIME_MODULES, runtime_version
from validator.model.explain import (
    LayerCause,
    failed_copies_for,
    find_misplacement,
    image_build_fails,
    layer_cause,
    unknown_layers,
)
from validator.model.layers import (
    OPT,
    Layer,
    Placement,
    hidden_folders,
    roots_text,
    scan_layer,
    unknown_entries,
    visible_folders,
)
from validator.model.paths import workspace_relative

CODE = "LPK-008"
NAME = "layer-layout"
SEVERITY = "error"
SUMMARY = "A layer's modules are not under python/, or a PYTHONPATH setting hides the layers"
FIX = "sometimes"

_WRONG_SITE = re.compile(r"python/lib/python(3\.\d+)/site-packages/")


@dataclass
class _Need:
    """A module the closure needs and nothing on ``sys.path`` provides."""

    module: str
    site: ImportSite
    chain: list[str]
    third_party: bool


def check(ctx: RuleContext) -> Iterator[Finding]:
    reported: set[int] = set()  # layers already named by an import finding
    for report in ctx.packages:
        pkg = report.package
        if (not report.layers or report.closure is None or pkg.is_layer or pkg.incomplete or pkg.opaque
                or image_build_fails(pkg) or failed_copies_for(pkg, ctx.copies)):
            continue
        groups: dict[tuple[object, ...], list[tuple[_Need, LayerCause]]] = {}
        for need in _needs(report):
            cause = layer_cause(report, need.module, ctx.repo, need.third_party)
            if cause is None:
                continue
            if cause.kind == "misplaced":
                assert cause.placement is not None and cause.attachment is not None
                key: tuple[object, ...] = ("misplaced", id(cause.attachment.layer), cause.placement.origin,
                                           cause.placement.prefix)
            else:
                key = ("hidden", id(cause.attachment.layer) if cause.attachment is not None else None)
            groups.setdefault(key, []).append((need, cause))
        for items in groups.values():
            cause = items[0][1]
            if cause.kind == "misplaced":
                assert cause.attachment is not None and cause.attachment.layer is not None
                reported.add(id(cause.attachment.layer))
                yield _misplaced(ctx, report, items)
            else:
                yield _hidden(ctx, report, items)
    yield from _broken_layers(ctx, reported)


def _needs(report: PackageReport) -> list[_Need]:
    """Top-level modules the closure imports and finds nowhere (third-party leaves nothing
    provides, first-party modules the package lacks), one entry per module."""
    closure = report.closure
    assert closure is not None
    out: dict[str, _Need] = {}
    for leaf in closure.third_party:
        top = leaf.module.split(".")[0]
        if leaf.provided_by is None and not leaf.site.optional and top not in RUNTIME_MODULES:
            out.setdefault(top, _Need(top, leaf.site, leaf.chain, True))
    for item in report.unresolved():
        if item.reason not in ("", "missing") or "." in item.module or find_misplacement(report.package, item):
            continue
        out.setdefault(item.module, _Need(item.module, item.site, item.chain, False))
    return list(out.values())


def _python(report: PackageReport, layer: Layer | None = None) -> str | None:
    """The function's Python version; when its configuration does not say, the one Python
    the layer declares itself compatible with (the function must be running it)."""
    config = report.link.config if report.link is not None else None
    python = runtime_version(config.runtime) if config is not None else None
    if python is None and layer is not None and len(layer.python_runtimes) == 1:
        python = layer.python_runtimes[0]
    return python


def _when(needs: list[_Need]) -> str:
    return "when the function runs" if all(n.site.in_function for n in needs) else "at cold start"


def _related(needs: list[_Need]) -> list[Related]:
    return [Related(n.site.path, n.site.line, f"imports {n.site.module}"
                    + (f" (via {' -> '.join(n.chain)})" if len(n.chain) > 1 else "")) for n in needs]


def _names(modules: list[str]) -> str:
    return modules[0] if len(modules) == 1 else ", ".join(modules[:-1]) + " and " + modules[-1]


def _folder(prefix: str) -> str:
    return prefix if prefix else "the archive root"


# --------------------------------------------------------------------------- misplaced modules


def _misplaced(ctx: RuleContext, report: PackageReport, items: list[tuple[_Need, LayerCause]]) -> Finding:
    pkg = report.package
    cause = items[0][1]
    attachment, placement = cause.attachment, cause.placement
    assert attachment is not None and attachment.layer is not None and placement is not None
    layer = attachment.layer
    python = _python(report, layer)
    needs = [n for n, _ in items]
    modules = [n.module for n in needs]
    paths = _paths([c.placement for _, c in items if c.placement is not None])
    why = _version_note(placement, python)
    message = (f"package {pkg.name}: {layer.where} holds {_names(modules)} at {_folder(placement.prefix)}"
               f"{paths}{why}, but the runtime looks for a layer's modules only in {roots_text(python)}; "
               f"the import of {_names(modules)} fails {_when(needs)}")
    severity = Severity.ERROR
    if not cause.certain:
        severity = Severity.WARNING
        message += " — unless " + _doubts(report)
    related = [*_related(needs), Related(attachment.span.path, attachment.span.line,
                                         f"attaches {layer.where}" + (f": {attachment.how}" if attachment.how else ""))]
    span = placement.origin if placement.origin is not None else (
        layer.package.span if layer.package is not None else attachment.span)
    finding = Finding(CODE, message, span, severity, package=pkg.name, related=related,
                      hint=_hint(layer, placement, modules, [c.placement.path for _, c in items if c.placement]))
    _attach_fix(ctx, finding, layer, placement, python)
    return finding


def _version_note(placement: Placement, python: str | None, whose: str = "the function runs",
                  versions: list[str] | None = None) -> str:
    m = _WRONG_SITE.fullmatch(placement.prefix)
    if m is None or python is None or m.group(1) == python or m.group(1) in (versions or []):
        return ""
    return f", the site-packages of Python {m.group(1)} ({whose} Python {_names(versions or [python])})"


def _paths(placements: list[Placement]) -> str:
    """`` (shared/log.py)`` when a module's path says more than its folder and name do."""
    plain = all(p.path in (f"{p.prefix}{p.module}/", f"{p.prefix}{p.module}.py") for p in placements)
    return "" if plain else " (" + ", ".join(p.path for p in placements) + ")"


def _doubts(report: PackageReport) -> str:
    doubts = []
    unknown = [a.ref for a in unknown_layers(report)]
    if unknown:
        doubts.append(f"another of the function's layers ({', '.join(unknown)}) provides it")
    if report.pythonpath is not None:
        entries = unknown_entries(report.pythonpath)
        if entries:
            doubts.append(f"PYTHONPATH's {', '.join(entries)} provides it")
    return "; ".join(doubts) or "another layer provides it"


def _hint(layer: Layer, placement: Placement, modules: list[str], paths: list[str]) -> str:
    right = placement.right
    package = layer.package
    wrapper = package is not None and placement.prefix and all(p.startswith(placement.prefix.split("/")[0] + "/")
                                                               for p in package.files)
    folder = layer.config.code_uri.strip("/") if layer.config is not None and layer.config.code_uri else None
    if folder and package is not None and package.archive == folder + "/" and not placement.prefix:
        moved = [folder + "/" + p.rstrip("/") for p in paths]
        return f"move {_names(moved)} into {folder}/{right}, the folder the layer's modules must be in"
    root = workspace_relative(package.root_dir).rstrip("/") if package is not None and package.root_dir else None
    lands = f"so that {_names(modules)} land{'s' if len(modules) == 1 else ''} in /opt/{right.rstrip('/')}"
    if placement.install is not None:
        target = f"{root}/{right.rstrip('/')}" if root else f"<layer folder>/{right.rstrip('/')}"
        return f"install into the layer's {right} folder (pip install … -t {target}), {lands}"
    copy = next((c for c in package.copies if c.span == placement.origin), None) if package is not None else None
    if copy is not None and root and not placement.prefix:
        return f"copy into {root}/{right} instead (mkdir -p {root}/{right.rstrip('/')} first), {lands}"
    if wrapper and placement.prefix.startswith(placement.prefix.split("/")[0] + "/python"):
        top = placement.prefix.split("/")[0]
        return f"zip from inside {top}/ (cd {top} && zip -r ../<layer>.zip python), so the archive starts with python/"
    return f"put {_names(modules)} under {right} in the layer archive (/opt/{right.rstrip('/')} at run time)"


def _attach_fix(ctx: RuleContext, finding: Finding, layer: Layer, placement: Placement, python: str | None) -> None:
    """``pip install … -t layer/`` -> ``-t layer/python``; ``…/python3.11/site-packages`` ->
    the function's version.  Only a literal target on the command's own line."""
    pip = placement.install
    if pip is None:
        package = layer.package
        copied = package is not None and any(c.span == placement.origin for c in package.copies)
        finding.fix_declined = ("only a pip install into the layer is rewritten; move the copy by hand" if copied
                                else "only a pip install into the layer is rewritten; move the files by hand")
        return
    fix = _pip_target_fix(ctx, pip, placement, python)
    if isinstance(fix, str):
        finding.fix_declined = fix
    else:
        finding.fix = fix


_TARGET = re.compile(r"(?:^|\s)(?:-t|--target)(?:\s+|=)(?P<word>[A-Za-z0-9_./@+-]+)(?=\s|$|;|&|\|)")


def _pip_target_fix(ctx: RuleContext, pip: PipInstall, placement: Placement, python: str | None) -> Fix | str:
    wf = next((w for w in ctx.workflows if w.path == pip.span.path), None)
    if wf is None:
        return "the pip command is not in a workflow file"
    lines = wf.text.splitlines(keepends=True)
    span = pip.span
    if span.line < 1 or span.line > len(lines) or span.end_line != span.line:
        return "the pip command is not on one line"
    line = lines[span.line - 1]
    found = [m for m in _TARGET.finditer(line, max(span.column - 1, 0), span.end_column - 1)]
    if len(found) != 1:
        return "the pip command's target is not a literal -t DIR"
    word = found[0].group("word")
    if placement.prefix == "":
        new = word.rstrip("/") + "/python" + ("/" if word.endswith("/") else "") if word not in (".", "./") else "python"
        title = f"Install into {new}, the layer's python/ folder"
    elif (m := _WRONG_SITE.fullmatch(placement.prefix)) is not None and python is not None \
            and word.count(f"python{m.group(1)}") == 1:
        new = word.replace(f"python{m.group(1)}", f"python{python}")
        title = f"Install into {new}, the site-packages of the function's Python {python}"
    else:
        return f"the layer folder {placement.prefix} is not one the fix rewrites"
    offset = sum(len(x) for x in lines[: span.line - 1]) + found[0].start("word")
    return Fix(title, [Edit(wf.path, offset, offset + len(word), new)], Applicability.UNSAFE)


# --------------------------------------------------------------------------- PYTHONPATH


def _hidden(ctx: RuleContext, report: PackageReport, items: list[tuple[_Need, LayerCause]]) -> Finding:
    pkg = report.package
    pythonpath = report.pythonpath
    assert pythonpath is not None
    needs = [n for n, _ in items]
    modules = [n.module for n in needs]
    cause = items[0][1]
    python = _python(report, cause.attachment.layer if cause.attachment is not None else None)
    visible = visible_folders(pythonpath) or frozenset()
    hidden = hidden_folders(python, visible)
    prefix = (f"package {pkg.name}: the function sets PYTHONPATH={pythonpath.value}, so the runtime does not add "
              f"{' and '.join(hidden)} to sys.path")
    if cause.attachment is not None and cause.attachment.layer is not None:
        layer = cause.attachment.layer
        scan = cause.attachment.scan
        folders = sorted({f"{OPT}/{found[0]}".rstrip("/") for m in modules
                          if scan is not None and (found := scan.provider(m)) is not None})
        message = (f"{prefix}; {layer.where} holds {_names(modules)} in {' and '.join(folders)}, so the import "
                   f"fails {_when(needs)}")
        related_layer = [Related(cause.attachment.span.path, cause.attachment.span.line, f"attaches {layer.where}")]
    else:
        refs = ", ".join(a.ref for a in report.layers)
        message = (f"{prefix}, where its layers ({refs}) put their modules; {_names(modules)} "
                   f"{'is' if len(modules) == 1 else 'are'} not in the package and the import fails {_when(needs)}")
        related_layer = []
        folders = []
    severity = Severity.ERROR
    if not cause.certain:
        severity = Severity.WARNING
        message += " — unless " + _doubts(report)
    # the folders the needed modules are in (a layer built for another Python has its own)
    wanted = ":".join(folders if cause.attachment is not None and folders else hidden)
    hint = f"add {wanted} to PYTHONPATH ({pythonpath.value}:{wanted})"
    if set(wanted.split(":")) <= set(hidden):
        hint += ", or stop setting PYTHONPATH"
    finding = Finding(CODE, message, pythonpath.span, severity, package=pkg.name,
                      related=_related(needs) + related_layer, hint=hint)
    fix = _pythonpath_fix(ctx, pythonpath.span, pythonpath.value, wanted)
    if fix is not None:
        finding.fix = fix
    return finding


def _pythonpath_fix(ctx: RuleContext, span: Span, value: str, wanted: str) -> Fix | None:
    """Append the layer folders to a ``PYTHONPATH`` written literally at its span (the
    engine offers an edit outside the workflows as a hint)."""
    text = ctx.repo.read_text(span.path) if not ctx.is_workflow(span.path) else next(
        (w.text for w in ctx.workflows if w.path == span.path), None)
    if text is None or span.line != span.end_line:
        return None
    lines = text.splitlines(keepends=True)
    if span.line > len(lines):
        return None
    start = sum(len(x) for x in lines[: span.line - 1]) + span.column - 1
    end = start + span.end_column - span.column
    if text[start:end] != value:
        return None
    return Fix(f"Add {wanted} to PYTHONPATH", [Edit(span.path, start, end, f"{value}:{wanted}")],
               Applicability.UNSAFE)


# --------------------------------------------------------------------------- layers nobody can import from


def _broken_layers(ctx: RuleContext, reported: set[int]) -> Iterator[Finding]:
    """A layer whose Python modules all sit outside the searched folders, or in the
    site-packages of another Python version than its functions run (or than it is published
    for): a warning, since no function is shown to import them."""
    versions: dict[int, list[str | None]] = {}
    for report in ctx.packages:
        for attachment in report.layers:
            if attachment.layer is not None:
                versions.setdefault(id(attachment.layer), []).append(_python(report))
    for layer in ctx.layers:
        package = layer.package
        if package is None or id(layer) in reported or any(id(other) in reported for other in ctx.layers
                                                            if other.package is package):
            continue
        attached = [v for v in versions.get(id(layer), []) if v is not None]
        pythons: list[str] = list(dict.fromkeys(attached)) or list(layer.python_runtimes)
        whose = "the function runs" if attached else "the layer is published for"
        candidates: list[str | None] = [*pythons] or [None]
        for python in candidates:
            scan = scan_layer(package, python, ctx.repo)
            if scan.unknown or not scan.misplaced:
                continue
            wrong_version = {m: p for m, p in scan.misplaced.items() if _version_note(p, python)}
            if scan.provides and not wrong_version:
                continue  # stray files beside a python/ folder that works
            shown = wrong_version or scan.misplaced
            # the layer's own code first, then what pip installed; one folder per finding
            order = sorted(shown, key=lambda m: (shown[m].install is not None, m))
            first = shown[order[0]]
            modules = [m for m in order if shown[m].prefix == first.prefix]
            listed = modules[:5]
            more = f" and {len(modules) - len(listed)} more" if len(modules) > len(listed) else ""
            note = _version_note(first, python, whose, pythons)
            what = (f"holds {', '.join(listed)}{more} at {_folder(first.prefix)}"
                    f"{_paths([shown[m] for m in listed])}{note}")
            span = first.origin if first.origin is not None else package.span
            if len(pythons) > 1:  # for several Python versions: python/ serves them all
                first = Placement(first.module, first.path, first.prefix, "python/", first.origin, first.install)
            searched = roots_text(python if len(pythons) == 1 else None)
            yield Finding(CODE, f"{layer.where}: {what}, but the runtime looks for a layer's modules only in "
                                f"{searched}; no function can import them from this layer",
                          span, Severity.WARNING, package=package.name,
                          hint=_hint(layer, first, listed, [shown[m].path for m in listed]))
            reported.add(id(layer))
            break
