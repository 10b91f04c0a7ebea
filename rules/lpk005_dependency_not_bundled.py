"""# LPK-005 dependency-not-bundled

## What it does
Reports a third-party module the handler's import closure reaches that nothing puts into
the package or a layer of the function: no `pip install -t` into the archive root
installs a distribution that provides it (directly or through `Requires-Dist`), it is not
in the standard library of the function's Python version (`imp`, `distutils` and
`asynchat` are gone in 3.12) and the Lambda runtime does not provide it (boto3, botocore,
s3transfer, jmespath, python-dateutil, urllib3 and six are provided; `requests` is not).
It also reports a `pip install -r` whose requirements file does not exist or does not
parse: pip stops, and nothing of that install lands in the package.

Which modules a distribution provides and what it requires comes from data shipped with
the tool (generated from real wheels by `scripts/build_distributions.py`), then from the
metadata installed where the tool runs. When an install names a distribution neither
knows, a URL or a VCS link, the finding says so and is a warning: no error rests on a
guess.

## Why is this bad?
The cold start fails with `Runtime.ImportModuleError: Unable to import module 'handler':
No module named 'httpx'`: a shared adapter imports a library that this Lambda's install
list lacks, `requests` is assumed to be provided, or `--no-deps` left out a dependency.

## Example
```yaml
- run: |
    pip install aws-lambda-powertools -t build/
    cp -r src/* build/
    cd build && zip -r ../ingest.zip .
```
while `src/shared/adapters/tiingo.py` says `import httpx`.

## Use instead
```yaml
- run: |
    pip install aws-lambda-powertools httpx -t build/
```

## Fix safety
The fix adds the distribution to the literal `pip install` command line or to the end of
the requirements file it installs; it is unsafe: the version to pin is yours to choose.

## Exceptions
Imports in `try`/`except ImportError` with a fallback, under `if TYPE_CHECKING:`, and
modules outside the handler's closure (tests, scripts) are not checked. A function whose
layers are not built in the repository, or whose configuration is not in the repository,
gets a warning instead of an error.
"""

from __future__ import annotations

from collections.abc import Iterator

from validator.model import (
    Applicability,
    Edit,
    Finding,
    Fix,
    PackageReport,
    PipInstall,
    Related,
    Severity,
    ThirdPartyLeaf,
)
from validator.model.context import RuleContext
from validator.model.dists import (
    RUNTIME_MODULES,
    lookup,
    marker_environments,
    normalise,
    providers,
    removed_in,
    runtime_version,
    stdlib,
)
from validator.model.explain import (
    image_build_fails,
    layer_cause,
    layer_files_provide,
    layers_may_provide,
    repository_module,
    unknown_layers,
)
from validator.model.provision import Provision, resolve

CODE = "LPK-005"
NAME = "dependency-not-bundled"
SEVERITY = "error"
SUMMARY = "A third-party module the handler imports is not installed into the package"
FIX = "sometimes"

#: problems that leave an install's content unknown (not a failure)
_UNKNOWN_PROBLEMS = ("unknown-value", "unknown-content")


def _is_root(pip: PipInstall) -> bool:
    return pip.prefix.strip("/") in ("", ".")


def _layer_prefix(pip: PipInstall) -> bool:
    p = pip.prefix.strip("/")
    return p == "python" or (p.startswith("python/lib/python3") and p.endswith("/site-packages"))


def check(ctx: RuleContext) -> Iterator[Finding]:
    layer_provisions = _layer_provisions(ctx)
    for report in ctx.packages:
        pkg, closure = report.package, report.closure
        if closure is None or pkg.is_layer or pkg.incomplete or pkg.opaque or image_build_fails(pkg):
            continue
        config = report.link.config if report.link is not None else None
        python = runtime_version(config.runtime) if config is not None else None
        envs = marker_environments(python, config.architectures if config is not None else None)
        provisions = [resolve(p, envs, ctx.repo) for p in pkg.pip_installs if _is_root(p)]
        failed = False
        for prov in provisions:
            for finding in _install_failures(pkg.name, prov):
                failed = True
                yield finding
        if failed:
            continue  # the failing install is the root cause of whatever it would have provided
        seen: set[str] = set()
        doubtful: list[tuple[str, Finding]] = []
        for leaf in closure.third_party:
            if leaf.provided_by is not None or leaf.site.optional:
                continue
            top = leaf.module.split(".")[0]
            if top in seen:
                continue
            seen.add(top)
            found = _leaf_finding(ctx, report, leaf, python, provisions, layer_provisions)
            if found is None:
                continue
            if found.severity is Severity.WARNING:
                doubtful.append((leaf.module, found))
            else:
                yield found
        if doubtful:
            yield doubtful[0][1] if len(doubtful) == 1 else _one_warning(pkg.name, doubtful)


def _one_warning(package: str, doubtful: list[tuple[str, Finding]]) -> Finding:
    """Modules that may be missing for reasons the tool cannot settle (an unknown layer, an
    install of unknown content): one warning for the package, naming them all."""
    doubts: list[str] = []
    for _module, finding in doubtful:
        for doubt in finding.message.partition(" — unless ")[2].split("; "):
            doubt = doubt.replace("provide it", "provide them").replace("provides it", "provide them")
            if doubt and doubt not in doubts:
                doubts.append(doubt)
    modules = ", ".join(module for module, _ in doubtful)
    first = doubtful[0][1]
    return Finding(CODE, f"package {package}: {len(doubtful)} third-party modules ({modules}) are imported but no "
                         f"install into the package provides them, so the imports fail — unless {'; '.join(doubts)}",
                   first.span, Severity.WARNING, package=package,
                   related=[r for _, f in doubtful for r in f.related],
                   hint="install them into the package (pip install -t), or attach the layer that provides them")


def _layer_provisions(ctx: RuleContext) -> list[Provision]:
    """What the layers built in the repository install (``pip install -t python/``)."""
    out = []
    for report in ctx.packages:
        if report.package.is_layer:
            out += [resolve(p, marker_environments(None), ctx.repo) for p in report.package.pip_installs
                    if _layer_prefix(p) or _is_root(p)]
    return out


def _install_failures(package: str, prov: Provision) -> Iterator[Finding]:
    pip = prov.install
    for problem in prov.problems:
        if not problem.fatal:
            continue
        related = [Related(problem.file, problem.line, problem.text)] if problem.file else []
        if problem.kind == "missing-file":
            message = (f"package {package}: pip install fails: requirements file {problem.text} does not exist "
                       f"(ERROR: Could not open requirements file: No such file or directory: '{problem.text}'); "
                       "nothing it lists is installed")
            hint = f"create {problem.text} or fix the path in the pip command"
        else:
            message = (f"package {package}: pip install fails: {problem.message}"
                       + (f" in {problem.file}:{problem.line}" if problem.file else ""))
            hint = "write one requirement per line (PEP 508), or remove the line"
        yield Finding(CODE, message, pip.span, Severity.ERROR, package=package, related=related, hint=hint)




def _name(key: str) -> str:
    dist = lookup(key)
    return dist.name if dist is not None else key


def _unknowns(provisions: list[Provision]) -> list[str]:
    out: list[str] = []
    for prov in provisions:
        out += [f"{name} ({why})" for name, _line, why in prov.unknown]
        out += [p.message for p in prov.problems if p.kind in _UNKNOWN_PROBLEMS]
    return list(dict.fromkeys(out))


def _chain_text(leaf: ThirdPartyLeaf) -> str:
    steps = leaf.trail or [f"{leaf.site.path}:{leaf.site.line}"]
    return " → ".join([*steps, leaf.module])


def _leaf_finding(ctx: RuleContext, report: PackageReport, leaf: ThirdPartyLeaf, python: str | None,
                  provisions: list[Provision], layers: list[Provision]) -> Finding | None:
    pkg = report.package
    config = report.link.config if report.link is not None else None
    top = leaf.module.split(".")[0]
    if top in RUNTIME_MODULES:
        return None
    when = "when the function runs" if leaf.site.in_function else "at cold start"
    related = [Related(leaf.site.path, leaf.site.line, f"imports {leaf.module}"
                       + (f" (via {' -> '.join(leaf.chain)})" if len(leaf.chain) > 1 else ""))]
    if python is not None and top in stdlib(None) and top not in stdlib(python) \
            and not any(prov.provides(leaf.module) or prov.unknown for prov in provisions):
        # (``standard-imghdr``, ``audioop-lts`` re-distribute removed modules)
        gone = removed_in(top, python) or python
        return Finding(CODE, f"package {pkg.name}: {top} is not in the standard library of Python {python} "
                             f"(removed in {gone}); {_chain_text(leaf)} fails {when}",
                       config.span if config is not None else pkg.span, Severity.ERROR, package=pkg.name,
                       related=related, hint=f"replace {top} (its successor in the standard library, or a "
                                             "PyPI re-distribution installed into the package)")
    candidates = list(providers(leaf.module))
    if not candidates and repository_module(ctx.repo, top) is not None:
        return None  # code of the repository, not a distribution: LPK-001 reports it
    if layers_may_provide(report) and (any(p.provides(leaf.module) for p in layers)
                                       or layer_files_provide(ctx.packages, leaf.module)):
        return None  # a layer of unknown content may be the one built here that provides it
    if layer_cause(report, leaf.module, ctx.repo, third_party=True) is not None:
        return None  # LPK-008: a layer holds it outside python/, or PYTHONPATH hides the layers
    doubts: list[str] = []
    unknown = _unknowns(provisions)
    if unknown:
        doubts.append("what " + "; ".join(unknown) + " installs is not known, it may provide it")
    unknown_refs = [a.ref for a in unknown_layers(report)]
    if config is None and not pkg.built and not report.layers:
        # (a built archive checked with --zip: its layers are the --layer archives given)
        doubts.append("the function's configuration is not in the repository (a layer may provide it)")
    elif unknown_refs:
        doubts.append(f"the function's layers ({', '.join(unknown_refs)}) are not built here and may provide it")
    skipped = [(d, prov) for prov in provisions for d in candidates if d in prov.skipped]
    install = _install_to_edit(pkg.pip_installs)
    dist = _choose(leaf.module, candidates)
    what = f"{leaf.module} (distribution {_name(dist)})" if dist else leaf.module
    if skipped:
        d, prov = skipped[0]
        parent = prov.skipped[d][0]
        message = (f"package {pkg.name}: {what} is required by {_name(parent)} "
                   f"but pip install --no-deps does not install it; {_chain_text(leaf)} fails {when}")
        span = prov.install.span
    elif install is None and pkg.built:
        message = (f"package {pkg.name}: third-party module {what} is imported but not in the archive "
                   f"(nor in a --layer given); {_chain_text(leaf)} fails {when}")
        span = pkg.span
    elif install is None:
        message = (f"package {pkg.name}: third-party module {what} is imported but no pip install -t puts it "
                   f"into the package; {_chain_text(leaf)} fails {when}")
        span = pkg.span
    else:
        listed = " ".join(install.requirements + [f"-r {f}" for f in install.requirement_files]) or "nothing"
        message = (f"package {pkg.name}: third-party module {what} is imported but the install into the package "
                   f"({listed}) does not provide it; {_chain_text(leaf)} fails {when}")
        span = install.span
    if not dist:
        doubts.append("no distribution in the shipped data provides it")
    severity = Severity.ERROR
    if doubts and not skipped:
        severity = Severity.WARNING
        message += " — unless " + "; ".join(doubts)
    if install is not None:
        related += [Related(f, 1, "the requirements file this install reads") for f in install.requirement_files]
    hint = (f"add {_name(dist)} to the install that builds the package"
            if dist else f"install the distribution that provides {top} into the package")
    finding = Finding(CODE, message, span, severity, package=pkg.name, related=related, hint=hint)
    if dist and install is not None:
        fix = _fix(ctx, install, _name(dist))
        if isinstance(fix, str):
            finding.fix_declined = fix
        else:
            finding.fix = fix
    return finding


def _choose(module: str, candidates: list[str]) -> str | None:
    """The distribution to add: the only one, or the one named like the module."""
    if len(candidates) == 1:
        return candidates[0]
    top = normalise(module.split(".")[0])
    for c in candidates:
        if c == top:
            return c
    return None


def _install_to_edit(installs: list[PipInstall]) -> PipInstall | None:
    roots = [p for p in installs if _is_root(p)]
    with_files = [p for p in roots if p.requirement_files]
    chosen = with_files or roots
    return chosen[-1] if chosen else None


def _fix(ctx: RuleContext, install: PipInstall, dist: str) -> Fix | str:
    """Add ``dist`` to the requirements file the install reads, else to its command line."""
    if install.requirement_files:
        path = install.requirement_files[0]
        text = ctx.repo.read_text(path)
        if text is None:
            return f"{path} is not in the repository"
        newline = "\r\n" if "\r\n" in text else "\n"
        content = ("" if not text or text.endswith("\n") else newline) + dist + newline
        return Fix(f"Add {dist} to {path}", [Edit(path, len(text), len(text), content)], Applicability.UNSAFE)
    wf = next((w for w in ctx.workflows if w.path == install.span.path), None)
    if wf is None:
        return "the pip command is not in a workflow file"
    lines = wf.text.splitlines(keepends=True)
    span = install.span
    if span.line < 1 or span.line > len(lines):
        return "the pip command could not be located"
    line = lines[span.line - 1]
    at = line.find(" install ", max(span.column - 1, 0))
    if at < 0 or "pip" not in line[:at] or line.count(" install ") > 1:
        return "the pip command is not literal on one line"
    offset = sum(len(x) for x in lines[: span.line - 1]) + at + len(" install")
    return Fix(f"Add {dist} to the pip install", [Edit(wf.path, offset, offset, f" {dist}")], Applicability.UNSAFE)

