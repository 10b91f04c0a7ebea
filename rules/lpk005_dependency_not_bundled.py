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

A requirements file the workflow writes with `poetry export` (from `poetry.lock`: the
`main` group unless `--with`/`--without`/`--only` say otherwise), `uv export` (from
`uv.lock`: the project's dependencies and the `dev` group unless `--no-dev`) or
`pip-compile`/`uv pip compile` (the `.in` file's requirements and their `Requires-Dist`
from the shipped data) holds what that file says, so a handler import the lock's chosen
groups lack is reported at the `pip install -r`. When the lock or input file is not in
the repository (`poetry export` then locks anew) or cannot be read, the file's content is
unknown and the finding is a warning that says so.

It also reports a use of a symbol whose feature needs a distribution the library's own
install does not bring (an optional extra): a pydantic model field annotated `EmailStr`
needs email-validator, Powertools' `Tracer()` needs aws-xray-sdk, FastAPI's `Form`/`File`
parameters need python-multipart, `httpx.Client(http2=True)` needs h2. The finding points
at the use (the field, the call, the route's decorator); it is an error when the use runs
at cold start (module level) and a warning when it is inside a function body.

The function's layers count when the repository builds them: a layer archive the workflow
zips, a folder Terraform, SAM or serverless zips, and the layer serverless-python-requirements
builds from a service's requirements file (`custom.pythonRequirements.layer`: `pip install
-r requirements.txt` under `python/`). A function attaches one by reference (`{Ref:
PythonRequirementsLambdaLayer}`, `aws_lambda_layer_version.deps.arn`) or by an ARN that
spells its name, with serverless variables resolved (`${self:custom.layer_config.arn}` read
from `${file(../config/layers.yml):layer_config}`, `libs-${sls:stage}`, `${opt:stage,
'dev'}`'s default). A module that no install into the archive and no such layer provides is
an error that names the layer.

Which modules a distribution provides and what it requires comes from data shipped with
the tool (generated from real wheels by `scripts/build_distributions.py`), then from the
metadata installed where the tool runs. When an install names a distribution neither
knows, a URL or a VCS link, the finding says so and is a warning: no error rests on a
guess.

## Why is this bad?
The cold start fails with `Runtime.ImportModuleError: Unable to import module 'handler':
No module named 'httpx'`: a shared adapter imports a library that this Lambda's install
list lacks, `requests` is assumed to be provided, or `--no-deps` left out a dependency.
A missing extra fails where the library needs it: `class User(BaseModel): email: EmailStr`
raises `ImportError: email-validator is not installed, run pip install 'pydantic[email]'`
when the module is imported, so the function never starts.

## Extras a used symbol needs
The shipped table (`validator/model/data/extras.json`) holds these entries, each checked
by installing the library without the needed distribution and running the use:

| use | needs | brought by |
| --- | --- | --- |
| a model field annotated `pydantic.EmailStr` or `pydantic.NameEmail`; a call of `pydantic.validate_email` | email-validator | `pydantic[email]` |
| `aws_lambda_powertools.Tracer()` (also with `disabled=True`) | aws-xray-sdk | `aws-lambda-powertools[tracer]` |
| importing `aws_lambda_powertools.utilities.parser` | pydantic | `aws-lambda-powertools[parser]` |
| importing `aws_lambda_powertools.utilities.validation` | fastjsonschema | `aws-lambda-powertools[validation]` |
| importing `aws_lambda_powertools.utilities.data_masking` | jsonpath-ng | `aws-lambda-powertools[datamasking]` |
| importing `aws_lambda_powertools.utilities.idempotency.persistence.redis` | redis | `aws-lambda-powertools[redis]` |
| `APIGatewayRestResolver`, `APIGatewayHttpResolver`, `ALBResolver`, `LambdaFunctionUrlResolver`, `VPCLatticeResolver`, `VPCLatticeV2Resolver` with `enable_validation=True`; `BedrockAgentResolver()` (validation is on by default) | pydantic | `aws-lambda-powertools[parser]` |
| a route parameter declared with `fastapi.Form`, `fastapi.File`, `fastapi.UploadFile`, `fastapi.security.OAuth2PasswordRequestForm` or `OAuth2PasswordRequestFormStrict` | python-multipart | (install it) |
| `httpx.Client(http2=True)`, `httpx.AsyncClient(http2=True)` | h2 | `httpx[http2]` |

More entries go in the configuration (`[[tool.validate-imports.extras]]` with `symbol`,
`needs`, `kind` = `import`, `call`, `call-keyword` (with `keyword`, `default`) or `field`,
and `extra`). A use is not reported when the needed distribution is installed (listed,
or brought by an extra or another distribution), when the library itself is not
installed (that is the finding above), when a `try` around the use catches what it
raises, or when a keyword's value is not a constant.

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
For a missing extra it turns the requirement into the one with the extra
(`pip install pydantic` becomes `pip install 'pydantic[email]'`, `pydantic>=2.6` in a
requirements file becomes `pydantic[email]>=2.6`), or adds the needed distribution when the
install does not name the library itself. A requirements file that a command of the
workflow writes (`poetry export`) is not edited.

## Exceptions
Imports in `try`/`except ImportError` with a fallback, under `if TYPE_CHECKING:`, and
modules outside the handler's closure (tests, scripts) are not checked. A function whose
layers are not built in the repository (or are built from something the tool does not read:
a Pipfile, a Poetry project, a vendor folder), or whose configuration is not in the
repository, gets a warning instead of an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from validator.model import (
    Applicability,
    Edit,
    Finding,
    Fix,
    Package,
    PackageReport,
    PipInstall,
    Related,
    Severity,
    Span,
    ThirdPartyLeaf,
)
from validator.model.context import RuleContext
from validator.model.dists import (
    RUNTIME_MODULES,
    guess,
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
    layer_names_provide,
    layers_may_provide,
    repository_module,
    unknown_layers,
)
from validator.model.extras import NeedUse, SymbolNeed, uses_needing
from validator.model.provision import Provision, resolve
from validator.model.requirements import ReqLine

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
        yield from _extras_findings(ctx, report, provisions, layer_provisions)


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


def _unknowns(provisions: list[Provision]) -> tuple[list[str], list[str]]:
    """(requirements whose installs are not known, with why; what else leaves the content unknown)."""
    named: list[str] = []
    other: list[str] = []
    for prov in provisions:
        named += [f"{name} ({why})" for name, _line, why in prov.unknown]
        other += [p.message for p in prov.problems if p.kind in _UNKNOWN_PROBLEMS]
    return list(dict.fromkeys(named)), list(dict.fromkeys(other))


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
    if layer_names_provide(report, leaf.module) is not None:
        return None  # an attached layer named after the distribution is there to provide it
    doubts = _doubts(report, provisions)
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
                   f"into the package{_known_layers(report)}; {_chain_text(leaf)} fails {when}")
        span = pkg.span
    else:
        listed = _listed(install)
        message = (f"package {pkg.name}: third-party module {what} is imported but the install into the package "
                   f"({listed}) does not provide it{_known_layers(report)}; {_chain_text(leaf)} fails {when}")
        span = install.span
    if not pkg.built:
        related += [Related(a.span.path, a.span.line, f"attaches {a.layer.where}: {a.how}", a.span.column)
                    for a in report.layers if a.known and a.layer is not None]
    if not dist:
        doubts.append("no distribution in the shipped data provides it")
    severity = Severity.ERROR
    if doubts and not skipped:
        severity = Severity.WARNING
        message += " — unless " + "; ".join(doubts)
    if install is not None:
        related += _file_related(install)
    hint = (f"add {_name(dist)} to the install that builds the package"
            if dist else f"install the distribution that provides {top} into the package")
    known = [a.layer.name for a in report.layers if a.known and a.layer is not None]
    if known and not pkg.built:
        hint += f", or to what layer {known[0]} installs"
    finding = Finding(CODE, message, span, severity, package=pkg.name, related=related, hint=hint)
    if dist and install is not None:
        fix = _fix(ctx, install, _name(dist))
        if isinstance(fix, str):
            finding.fix_declined = fix
        else:
            finding.fix = fix
    return finding


def _doubts(report: PackageReport, provisions: list[Provision]) -> list[str]:
    """Why a module missing from the known installs may still be there."""
    pkg = report.package
    config = report.link.config if report.link is not None else None
    doubts: list[str] = []
    named, other = _unknowns(provisions)
    if named:
        doubts.append("what " + "; ".join(named) + " installs is not known, it may provide it")
    if other:
        doubts.append("; ".join(other) + ", and it may provide it")
    unknown = unknown_layers(report)
    declared = [a for a in unknown if a.layer is not None and a.layer.config is not None and a.layer.config.unknown]
    unknown_refs = [a.ref for a in unknown if a not in declared]
    if config is None and not pkg.built and not report.layers:
        # (a built archive checked with --zip: its layers are the --layer archives given)
        doubts.append("the function's configuration is not in the repository (a layer may provide it)")
    for a in declared:
        assert a.layer is not None and a.layer.config is not None
        doubts.append(f"what {a.layer.where} holds is not known ({a.layer.config.unknown}), it may provide it")
    if unknown_refs:
        doubts.append(f"the function's layers ({', '.join(unknown_refs)}) are not built here and may provide it")
    return doubts


def _known_layers(report: PackageReport) -> str:
    """``, nor does layer deps (dist/deps.zip) that the function attaches``: the layers of
    known content the module was also looked for in."""
    known = [a.layer.where for a in report.layers if a.known and a.layer is not None]
    if not known:
        return ""
    if len(known) == 1:
        return f", nor does {known[0]} that the function attaches"
    return f", nor do the layers the function attaches ({', '.join(known)})"


# --------------------------------------------------------------------------- extras a used symbol needs


def _extras_findings(ctx: RuleContext, report: PackageReport, provisions: list[Provision],
                     layers: list[Provision]) -> Iterator[Finding]:
    """Uses of a symbol whose feature needs a distribution the install does not bring
    (``pydantic.EmailStr`` -> email-validator): one finding per needed distribution, at the
    first use that fails at cold start (else the first use)."""
    pkg, closure = report.package, report.closure
    if closure is None or not ctx.symbol_needs:
        return
    config = report.link.config if report.link is not None else None
    with_layers = [*provisions, *(layers if config is not None and config.layers else [])]
    if not with_layers and not pkg.built:
        return  # nothing is installed: the library itself is missing (reported above) or comes from elsewhere
    groups: dict[str, list[NeedUse]] = {}
    for use in uses_needing(closure, ctx.symbol_needs):
        groups.setdefault(normalise(use.need.needs), []).append(use)
    for needed, uses in groups.items():
        uses = [u for u in uses if _installed(ctx, pkg, with_layers, _holder(u.need)) is True]
        if not uses or _installed(ctx, pkg, with_layers, needed, layers_too=bool(config and config.layers)):
            continue
        uses.sort(key=lambda u: u.in_function)  # a cold-start failure first
        yield _extra_finding(ctx, report, provisions, needed, uses)


def _holder(need: SymbolNeed) -> str:
    """The distribution that holds the symbol."""
    if need.distribution:
        return normalise(need.distribution)
    found = providers(need.symbol)
    return found[0] if found else normalise(need.symbol.split(".")[0])


def _installed(ctx: RuleContext, pkg: Package, provisions: list[Provision], dist: str,
               layers_too: bool = False) -> bool:
    """Whether the package (its installs, the archive's ``*.dist-info``, a layer built here)
    holds distribution ``dist``."""
    if any(p.dist == dist for prov in provisions for p in prov.modules.values()):
        return True
    if any(normalise(d.name) == dist for d in pkg.installed):
        return True
    known = lookup(dist)
    modules = known.modules if known is not None else guess(dist).modules
    if pkg.built and any(m.split(".")[0] in pkg.provided for m in modules):
        return True
    return layers_too and any(layer_files_provide(ctx.packages, m) for m in modules)


def _extra_finding(ctx: RuleContext, report: PackageReport, provisions: list[Provision], needed: str,
                   uses: list[NeedUse]) -> Finding:
    pkg = report.package
    first = uses[0]
    need = first.need
    needs = _name(needed)
    symbols = list(dict.fromkeys(u.need.symbol for u in uses))
    when = "when the function runs" if first.in_function else "at cold start"
    chain = " → ".join(first.trail) if len(first.trail) > 1 else ""
    install = _install_to_edit(pkg.pip_installs)
    if install is not None:
        listed = _listed(install)
        source = f"the install into the package ({listed}) does not provide it"
    elif pkg.built:
        source = "the archive does not hold it (nor a --layer given)"
    else:
        source = "no install into the package provides it"
    brings = f" (it comes with {need.extra})" if need.extra else ""
    if first.what == "the class definition":
        what = f"the class definition (`{first.text}`) fails"
    elif first.what == "the decorator":
        what = f"the decorator `@{first.text}` fails"
    else:
        what = f"`{first.text}` fails"
    message = (f"package {pkg.name}: {first.path}:{first.line} uses {need.symbol}, which needs {needs}{brings}, "
               f"but {source}; {what} {when}"
               + (f" ({chain})" if chain else "")
               + (f": {need.error}" if need.error else ""))
    if len(symbols) > 1:
        message += f" (also {', '.join(symbols[1:])})"
    doubts = _doubts(report, provisions)
    severity = Severity.ERROR
    if first.in_function or doubts:
        severity = Severity.WARNING
        if doubts:
            message += " — unless " + "; ".join(doubts)
    related: list[Related] = []
    if install is not None:
        related.append(Related(install.span.path, install.span.line, "the install into the package",
                               install.span.column))
        related += _file_related(install)
    elsewhere = [u for u in uses[1:] if (u.path, u.line) != (first.path, first.line)]
    for other in list({(u.path, u.line): u for u in elsewhere}.values())[:5]:
        related.append(Related(other.path, other.line, f"also uses {other.need.symbol}", other.column))
    hint = (f"install {need.extra} instead of {need.extra.split('[', 1)[0]}, or add {needs} to the install"
            if need.extra else f"add {needs} to the install that builds the package")
    span = Span(first.path, first.line, first.column, first.end_line, first.end_column)
    finding = Finding(CODE, message, span, severity, package=pkg.name, related=related, hint=hint)
    if install is not None:
        fix = _extra_fix(ctx, provisions, need, install, needs)
        if isinstance(fix, str):
            finding.fix_declined = fix
        else:
            finding.fix = fix
    return finding


def _extra_fix(ctx: RuleContext, provisions: list[Provision], need: SymbolNeed, install: PipInstall,
               needs: str) -> Fix | str:
    """Turn the requirement of the symbol's distribution into the one with the extra
    (``pydantic`` -> ``pydantic[email]``) where the install names it, else add the needed
    distribution."""
    holder = _holder(need)
    extra = need.extra_name
    line: ReqLine | None = None
    for prov in provisions:
        for dist, req in prov.requested:
            if dist.key == holder and req.name is not None and not req.url:
                line = req
    if line is not None and extra and extra not in line.extras and _declares_extra(holder, extra):
        edited = _with_extra(line, extra, ctx, install)
        if edited is not None:
            return edited
    return _fix(ctx, install, needs)


def _declares_extra(dist: str, extra: str) -> bool:
    """The data says ``dist`` has this extra (a ``Requires-Dist`` line with ``extra == …``)."""
    known = lookup(dist)
    return known is not None and any(re.search(rf"extra\s*==\s*['\"]{re.escape(extra)}['\"]", r)
                                     for r in known.requires)


def _with_extra(line: ReqLine, extra: str, ctx: RuleContext, install: PipInstall) -> Fix | str | None:
    """The edit that adds ``[extra]`` after the requirement's name, where it is written."""
    name = line.name or ""
    if line.file is not None:
        if line.file in install.generated:
            what, path, number = install.generated[line.file]
            return f"{line.file} is written by {what} ({path}:{number}): add the extra where the dependency is declared"
        text = ctx.repo.read_text(line.file)
        if text is None:
            return f"{line.file} is not in the repository"
        lines = text.splitlines(keepends=True)
        if not 1 <= line.line <= len(lines):
            return None
        m = re.match(rf"(\s*(?:-e\s+)?){re.escape(name)}(\s*\[([^\]]*)\])?", lines[line.line - 1], re.I)
        if m is None:
            return None
        offset = sum(len(x) for x in lines[: line.line - 1])
        return _extras_edit(line.file, offset + m.end(1) + len(name), m, extra, name, quote=False)
    wf = next((w for w in ctx.workflows if w.path == install.span.path), None)
    if wf is None:
        return None
    lines = wf.text.splitlines(keepends=True)
    span = install.span
    if not 1 <= span.line <= len(lines):
        return None
    physical = lines[span.line - 1]
    at = physical.find(" install ", max(span.column - 1, 0))
    found = [m for m in re.finditer(rf"(?<![\w.\[-])(['\"]?){re.escape(name)}(\s*\[([^\]]*)\])?(?![\w.-])",
                                    physical) if at >= 0 and m.start() > at]
    if len(found) != 1:
        return None
    m = found[0]
    offset = sum(len(x) for x in lines[: span.line - 1])
    return _extras_edit(wf.path, offset + m.end(1) + len(name), m, extra, name, quote=not m.group(1),
                        start=offset + m.start())


def _extras_edit(path: str, after_name: int, m: re.Match[str], extra: str, name: str, quote: bool,
                 start: int = 0) -> Fix:
    written = m.group(3)
    extras = f"{written.strip()},{extra}" if written and written.strip() else extra
    if written is not None:  # ``pydantic[timezone]`` -> ``pydantic[timezone,email]``
        edit = Edit(path, after_name, after_name + len(m.group(2)), f"[{extras}]")
    elif quote:  # an unquoted ``name[extra]`` is a glob pattern to the shell
        edit = Edit(path, start, after_name, f"'{name}[{extras}]'")
    else:
        edit = Edit(path, after_name, after_name, f"[{extras}]")
    return Fix(f"Install {name}[{extras}]", [edit], Applicability.UNSAFE)


def _listed(install: PipInstall) -> str:
    """What an install names, for a message: its requirements and ``-r`` files (the lines of
    a file a command wrote are not repeated: ``-r requirements.txt`` stands for them)."""
    written = {line.text.split(";", 1)[0].strip() for line in install.reqs.lines if line.file in install.generated}
    names = [r for r in install.requirements if r not in written]
    return " ".join(names + [f"-r {f}" for f in install.requirement_files]) or "nothing"


def _file_related(install: PipInstall) -> list[Related]:
    """The requirements files an install reads; one a command wrote, at that command."""
    out = []
    for f in install.requirement_files:
        if f in install.generated:
            what, path, line = install.generated[f]
            out.append(Related(path, line, f"writes {f} ({what})"))
        else:
            out.append(Related(f, 1, "the requirements file this install reads"))
    return out


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
        if path in install.generated:
            what, where, number = install.generated[path]
            return (f"{path} is written by {what} ({where}:{number}): add {dist} where the dependencies are "
                    "declared and lock them again")
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

