"""The pipeline: workflows -> simulation -> handler links -> import closures -> rules.

Each stage is a function of plain data; this module only wires them in order and
applies the user's selection and suppressions.  ``analyze`` is what the CLI, the
Python API and the tests call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rules import Rule, all_rules
from validator.config import Config, ConfigError, load_config, rule_enabled
from validator.handlers import collect_handler_configs, collect_iac, link_handlers
from validator.handlers.layers import LayerLinker
from validator.model import (
    AnalysisResult,
    Finding,
    HandlerConfig,
    HandlerLink,
    ImportClosure,
    LayerConfig,
    Package,
    PackageReport,
    SimulationResult,
    Span,
    Unmodelled,
    Workflow,
)
from validator.model.base import Record
from validator.model.context import RuleContext
from validator.model.deploytools import origins_run
from validator.model.dists import runtime_version
from validator.model.explain import find_handler_elsewhere
from validator.model.extras import table as extras_table
from validator.model.extras import watched
from validator.model.images import SamImage
from validator.model.layers import EnvSetting, LayerAttachment, searched, task_folders, visible_folders
from validator.model.repo import Repo, find_root
from validator.pyimports import SourceCache, compute_closure
from validator.report.suppress import Suppression, apply_suppressions, parse_suppressions
from validator.simulate import simulate
from validator.sources import iac_layer_package, iac_packages
from validator.workflow import WorkflowError, discover_workflows, read_workflow


@dataclass(eq=False, repr=False)
class Selection(Record):
    """Rule selection given on the command line; it overrides the configuration file."""

    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)


@dataclass(eq=False, repr=False)
class Analysis(Record):
    """Everything one run computed, for reporters (``result``) and for ``--fix`` (the rest)."""

    result: AnalysisResult
    context: RuleContext
    config: Config


def analyze(paths: list[Path] | None = None, root: Path | None = None, config: Config | None = None,
            selection: Selection | None = None, config_path: Path | None = None) -> AnalysisResult:
    """Analyse the workflows at ``paths`` (default: the repository's) and return the findings."""
    return run(paths, root, config, selection, config_path).result


def run(paths: list[Path] | None = None, root: Path | None = None, config: Config | None = None,
        selection: Selection | None = None, config_path: Path | None = None,
        texts: dict[str, str] | None = None) -> Analysis:
    """The whole pipeline.  ``texts`` replaces the text of repository files (workflows,
    requirements files; by repository-relative path) without touching the disk: ``--fix``
    validates its edits so."""
    paths = [Path(p) for p in paths or []]
    root = (root or find_root(paths[0] if paths else Path.cwd())).resolve()
    if config is None:
        config = load_config(root, config_path)
    config = merge_selection(config, selection)
    repo = Repo.open(root)
    repo.replace_texts(texts or {})
    if not paths and config.workflows:
        paths = [root / w for w in config.workflows]
    workflows, unreadable = read_workflows(discover_workflows(paths, root), repo, texts or {})
    # a reusable workflow that another one calls is simulated inside its caller, with the
    # inputs the caller passes; alone, its inputs would be unknown
    called = {path for wf in workflows for path in wf.calls}
    iac = collect_iac(repo)
    archives = terraform_archives(iac[0], iac[1])
    images = sam_images(iac[0])
    simulations = [simulate(wf, repo, terraform_archives=archives, sam_images=images)
                   for wf in workflows if not (wf.reusable_only and wf.path in called)]
    context = build_context(root, repo, workflows, simulations, config, iac)
    context.config_problems[:0] = unreadable
    findings = run_rules(context, config)
    result = AnalysisResult(root=str(root), workflows=[wf.path for wf in workflows],
                            findings=sorted(findings, key=Finding.sort_key), packages=context.packages,
                            out_of_scope=context.out_of_scope)
    return Analysis(result, context, config)


_POSITION = re.compile(r"^(?P<path>[^:]*?)(?::(?P<line>\d+)(?::(?P<col>\d+))?)?: (?P<why>.*)$", re.S)


def read_workflows(files: list[Path], repo: Repo, texts: dict[str, str]) -> tuple[list[Workflow], list[Unmodelled]]:
    """Every workflow that can be read; one that cannot (empty, invalid YAML, binary, too
    large) is one LPK-000 at its position and the others are still checked, as a linter
    reports a syntax error in one file and goes on with the rest."""
    workflows, unreadable = [], []
    for path in files:
        rel = _rel(path, repo.root)
        try:
            workflows.append(read_workflow(path, repo, text=texts.get(rel)))
        except WorkflowError as exc:
            m = _POSITION.match(str(exc))
            line = int(m.group("line")) if m and m.group("line") else 1
            column = int(m.group("col")) if m and m.group("col") else 1
            why = m.group("why") if m else str(exc)
            unreadable.append(Unmodelled(Span(rel, line, column, line, column),
                                         f"{rel} cannot be read ({why}): the Lambda packages it builds, if any, "
                                         "are not checked"))
    return workflows, unreadable


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def merge_selection(config: Config, selection: Selection | None) -> Config:
    """Command-line selection on top of the file's (ruff's precedence: ``--select`` starts over)."""
    if selection is None:
        return config
    return config.with_overrides(select=selection.select, ignore=selection.ignore or None,
                                 extend_select=selection.extend_select or None)


def terraform_archives(configs: list[HandlerConfig], layers: list[LayerConfig] | None = None
                       ) -> list[tuple[str, str, tuple[str, ...]]]:
    """The ``archive_file`` folders Terraform zips, and where (``terraform plan``/``apply``
    in a workflow zips them as the job left them), for functions and for layers."""
    out = []
    for c in configs:
        if c.origin == "terraform" and c.code_uri and c.filename and c.filename.endswith(".zip") \
                and "$" not in c.code_uri + c.filename:
            out.append((c.code_uri, c.filename, tuple(p[1:] for p in c.patterns if p.startswith("!"))))
    for layer in layers or []:
        if layer.origin == "terraform" and layer.code_uri and layer.filename and layer.filename.endswith(".zip") \
                and "$" not in layer.code_uri + layer.filename:
            out.append((layer.code_uri, layer.filename, ()))
    return list(dict.fromkeys(out))


def sam_images(configs: list[HandlerConfig]) -> list[SamImage]:
    """SAM image functions with a ``Metadata`` Dockerfile: what ``sam build`` builds."""
    return [SamImage(c.resource, c.dockerfile, c.docker_context, dict(c.docker_build_args), c.docker_target,
                     c.docker_tag)
            for c in configs
            if c.origin == "sam" and c.package_type.lower() == "image" and c.dockerfile and c.docker_context
            and "$" not in c.dockerfile + c.docker_context]


def build_context(root: Path, repo: Repo, workflows: list[Workflow], simulations: list[SimulationResult],
                  config: Config,
                  iac: tuple[list[HandlerConfig], list[LayerConfig], list[Unmodelled]] | None = None,
                  ) -> RuleContext:
    """Link every package to its handler and compute its import closure."""
    packages = [p for sim in simulations for p in sim.packages]
    deploys = [d for sim in simulations for d in sim.deploys]
    configs, layer_configs, problems = iac if iac is not None else collect_iac(repo)
    # layers first: a layer's archive has no handler to look for
    layers = LayerLinker(packages, layer_configs, deploys, repo)
    explicit = {name: mapping.handler for name, mapping in config.packages.items() if mapping.handler}
    links: list[HandlerLink | None] = list(link_handlers(packages, configs, deploys, explicit, repo=repo))
    out_of_scope: list[str] = []
    packages, links = confirmed_packages(packages, links, out_of_scope)
    linked = {id(c) for link in links if link is not None for c in (link.config, link.function, *link.also)
              if c is not None}
    deployed = deployed_origins(workflows, simulations, repo)
    unlinked = [c for c in configs if id(c) not in linked and (deployed is None or c.origin in deployed)]
    for package, iac_link in iac_packages(unlinked, repo):
        packages.append(package)
        links.append(iac_link)
    for layer in layers.layers:
        c = layer.config
        if layer.package is None and c is not None and (deployed is None or c.origin in deployed):
            built = iac_layer_package(c, repo)
            if built is not None:
                layers.adopt(layer, built)
                packages.append(built)
                links.append(None)
    needs = extras_table(config.extras)
    cache = SourceCache(extra_runtime_modules=set(config.runtime_modules), watch=watched(needs))
    reports = []
    for package, link in zip(packages, links, strict=True):
        closure = fallback = None
        attached, pythonpath = layers.attach(package, link)
        if link is not None and not package.opaque:
            function = link.config
            python = runtime_version(function.runtime) if function is not None else None
            provide_from_layers(package, attached, pythonpath, python)
            closure = compute_closure(package, link.handler, repo, cache, python,
                                      function.architectures if function is not None else None,
                                      roots=[*task_folders(pythonpath),
                                             *(package.image.task_folders() if package.image else [])])
            if closure.handler_file is None:
                fallback = fallback_closure(package, link.handler, repo, cache)
        reports.append(PackageReport(package, link, closure, fallback, layers=attached, pythonpath=pythonpath))
    return RuleContext(root=root, repo=repo, workflows=workflows, simulations=simulations, packages=reports,
                       out_of_scope=out_of_scope, layers=layers.layers,
                       handler_configs=configs, config_problems=problems, symbol_needs=list(needs))


def provide_from_layers(package: Package, attached: list[LayerAttachment], pythonpath: EnvSetting | None,
                        python: str | None) -> None:
    """The top-level modules the function's layers put on its ``sys.path`` (in the folders
    the runtime searches, and that a ``PYTHONPATH`` does not hide): the closure takes them
    as provided, as a ``--layer`` archive's are.  A module laid out in the wrong folder is
    not provided (LPK-008 reports it)."""
    visible = visible_folders(pythonpath)
    for attachment in attached:
        if attachment.scan is None or attachment.layer is None:
            continue
        for module, (folder, _path) in attachment.scan.provides.items():
            if "." not in module and searched(folder, visible, python):
                package.provided.setdefault(module, attachment.layer.where)
        for module, placement in attachment.scan.misplaced.items():
            if searched(placement.prefix, visible, python):  # a PYTHONPATH that lists its folder
                package.provided.setdefault(module, attachment.layer.where)


def deployed_origins(workflows: list[Workflow], simulations: list[SimulationResult], repo: Repo) -> set[str] | None:
    """The infrastructure tools (``sam``, ``serverless``, ``terraform``) the workflows and the
    scripts they run deploy with; None when the repository has no workflow (then every
    template may be how the code ships).  A template no workflow deploys is not checked on
    its own: the code that ships may be built another way (an image, a script)."""
    if not workflows:
        return None
    texts = [step.run for wf in workflows for job in wf.jobs for step in job.steps if step.run]
    texts += [repo.read_text(path) or "" for sim in simulations for path in sim.scripts]
    uses = [step.uses for wf in workflows for job in wf.jobs for step in job.steps if step.uses]
    return origins_run(texts, uses)


#: links that name the archive itself (not a guess from names or from the code)
_PATH_LINKS = frozenset({"config", "filename", "code-uri", "zip-file", "s3-key", "cli"})


def confirmed_packages(packages: list[Package], links: list[HandlerLink | None], out_of_scope: list[str]
                       ) -> tuple[list[Package], list[HandlerLink | None]]:
    """Drop candidate archives (no Python code, not deployed by the workflow) that no
    configuration deploys by path: a ZIP of docs or binaries is not a Lambda package.
    Functions in another language are dropped too, and named in ``out_of_scope``."""
    kept: list[tuple[Package, HandlerLink | None]] = []
    for p, link in zip(packages, links, strict=True):
        if p.image is not None:
            if link is not None:
                kept.append((p, link))  # an image no function runs is not a Lambda package
            continue
        if p.candidate and not (link is not None and not link.inferred and link.how in _PATH_LINKS):
            continue
        if other_language(p, link):
            if p.archive not in out_of_scope:
                out_of_scope.append(p.archive)
            continue
        kept.append((p, link))
    return [p for p, _ in kept], [link for _, link in kept]


def other_language(package: Package, link: HandlerLink | None) -> bool:
    """A function that is not Python: its configured runtime says so (``nodejs20.x``,
    ``provided.al2``, ``dotnet8``), or its archive holds files and not one of them is Python
    (a Go binary, a Node bundle).  Such packages are out of scope, never given Python findings."""
    runtime = (link.config.runtime or "") if link is not None and link.config is not None else ""
    if runtime and "${" not in runtime:
        return not runtime.startswith("python")
    return (bool(package.files) and not package.opaque and not package.incomplete and not package.pip_installs
            and not any(path.endswith((".py", "/")) for path in package.files))


def fallback_closure(package: Package, handler: str, repo: Repo, cache: SourceCache) -> ImportClosure | None:
    """The closure from where the handler's file really is in the package, if it is there."""
    elsewhere = find_handler_elsewhere(package, handler)
    if elsewhere is None:
        return None
    module = elsewhere.path[: -len(".py")].replace("/", ".")
    return compute_closure(package, f"{module}.{handler.rpartition('.')[2]}", repo, cache)


def run_rules(context: RuleContext, config: Config) -> list[Finding]:
    """Normal rules, then suppressions, then the late rules that judge the suppressions."""
    normal = [r for r in all_rules() if _phase(r) != "late"]
    late = [r for r in all_rules() if _phase(r) == "late"]
    raw = _dedupe(f for rule in normal for f in rule.check(context))
    only_fixable_in_repository(raw, context.repo)
    suppressions = [s for wf in context.workflows for s in parse_suppressions(wf.path, wf.text)]
    read = {wf.path for wf in context.workflows}
    followed = [*(p for wf in context.workflows for p in wf.calls), *(p for sim in context.simulations for p in sim.scripts)]
    # the files the findings point into: scripts, and source files (a use that needs an extra)
    pointed = [f.span.path for f in raw]
    for path in dict.fromkeys(p for p in [*followed, *pointed] if p not in read):
        suppressions += parse_suppressions(path, context.repo.read_text(path) or "")
    check_suppression_codes(suppressions, {r.code for r in all_rules()})
    kept, unused = apply_suppressions(raw, suppressions)
    context.raw_findings = raw
    context.unused_suppressions = unused
    kept += _dedupe(f for rule in late for f in rule.check(context))
    return [f for f in kept if rule_enabled(f.code, config, f.span.path)]


def only_fixable_in_repository(findings: list[Finding], repo: Repo) -> None:
    """``--fix`` edits workflow files and text files of the repository (a requirements file);
    a fix that edits anything else (a file the workflow generates, one that is not plain
    UTF-8) is offered as a hint, so that a finding shown as fixable is one ``--fix`` fixes."""
    for f in findings:
        if f.fix is None:
            continue
        reasons = [_unwritable(repo, path) for path in dict.fromkeys(e.path for e in f.fix.edits)]
        why = "; ".join(r for r in reasons if r)
        if why:
            f.fix_declined = f"--fix cannot edit {why}; by hand: {f.fix.title[:1].lower()}{f.fix.title[1:]}"
            f.fix = None


def _unwritable(repo: Repo, path: str) -> str | None:
    if not repo.is_file(path):
        return f"{path} (not a file of the repository)"
    if not repo.writable_text(path):
        return f"{path} (not plain UTF-8 text: a byte-order mark, undecodable bytes or a binary file)"
    return None


def check_suppression_codes(suppressions: list[Suppression], known: set[str]) -> None:
    """An unknown rule code in a suppression comment is bad input (exit 2), like one in
    ``--select``: a typo there would otherwise silence nothing without anyone noticing."""
    for supp in suppressions:
        unknown = [c for c in supp.codes if c not in known]
        if unknown and supp.problem is None:
            raise ConfigError(f"{supp.path}:{supp.span.line}: unknown rule code {', '.join(unknown)} in "
                              f"`# validate-imports: ignore[…]` (known: {', '.join(sorted(known))})")


def _phase(rule: Rule) -> str:
    import sys

    module = sys.modules.get(rule.module)
    return str(getattr(module, "PHASE", "normal"))


def _dedupe(findings: object) -> list[Finding]:
    seen: set[tuple[object, ...]] = set()
    out = []
    for f in findings:  # type: ignore[attr-defined]
        key = (f.code, f.span, f.package, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


# --------------------------------------------------------------------------- real archives


@dataclass(eq=False, repr=False)
class ArchiveTarget(Record):
    """One archive (or folder) to check as it was built: ``--zip PATH [--handler H]``."""

    path: Path
    handler: str | None = None  # None: from the repository's configuration
    layers: list[Path] = field(default_factory=list)
    runtime: str | None = None
    architecture: str | None = None


def archive_targets(zips: list[Path], handlers: list[str], layers: list[Path], runtime: str | None,
                    architecture: str | None) -> list[ArchiveTarget]:
    """One target per archive, each with its ``--handler`` (in order; a single one applies to all)."""
    from validator.usage import UsageError

    if handlers and len(handlers) not in (1, len(zips)):
        raise UsageError(f"{len(handlers)} --handler values for {len(zips)} archives: give one, or one per archive")
    if runtime is not None and not runtime.startswith("python3."):
        raise UsageError(f"--runtime {runtime}: expected python3.X")
    for path in [*zips, *layers]:
        if not path.exists():
            raise UsageError(f"no such file or directory: {path}")
    for handler in handlers:
        if "." not in handler or handler.startswith(".") or handler.endswith("."):
            raise UsageError(f"--handler {handler}: expected MODULE.FUNCTION (Runtime.MalformedHandlerName)")
    return [ArchiveTarget(path=z, handler=(handlers[i] if len(handlers) > 1 else handlers[0]) if handlers else None,
                          layers=list(layers), runtime=runtime, architecture=architecture)
            for i, z in enumerate(zips)]


def display_path(path: Path, root: Path) -> str:
    """How findings name a file: relative to the repository root when it is inside it."""
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def archive_links(packages: list[Package], handlers: list[str | None], repo: Repo, config: Config,
                  configs: list[HandlerConfig]) -> list[HandlerLink | None]:
    """``--handler`` when given; else the link the workflow analysis would make, by the
    archive's path (Terraform ``filename``, SAM ``CodeUri``, serverless ``artifact``) and
    then by its name, with the same levels and the same words for which link was used."""
    explicit = {name: mapping.handler for name, mapping in config.packages.items() if mapping.handler}
    linked: list[HandlerLink | None] = list(link_handlers(packages, configs, [], explicit, repo=repo))
    out: list[HandlerLink | None] = []
    for package, handler, link in zip(packages, handlers, linked, strict=True):
        if handler is not None:
            link = HandlerLink(handler=handler, how="option", explanation=f"--handler {handler} on the command line")
        elif link is not None and link.config is not None:
            package.runtime = package.runtime or (link.config.runtime or "")
            package.architecture = package.architecture or next(iter(link.config.architectures), "")
        out.append(link)
    return out


def run_archives(targets: list[ArchiveTarget], root: Path | None = None, config: Config | None = None,
                 selection: Selection | None = None, config_path: Path | None = None) -> Analysis:
    """Check real archives: read each one (``validator.archive``), link its handler,
    compute the closure from the archive's own sources, and run the same rules."""
    from validator.archive import read_package

    root = (root or find_root(targets[0].path if targets else Path.cwd())).resolve()
    if config is None:
        config = load_config(root, config_path)
    config = merge_selection(config, selection)
    repo = Repo.open(root)
    reads = []
    try:
        for target in targets:
            layers = [(layer, display_path(layer, root)) for layer in target.layers]
            read = read_package(target.path, display_path(target.path, root), layers)
            read.package.runtime = target.runtime or ""
            read.package.architecture = target.architecture or ""
            reads.append(read)
        configs, _problems = collect_handler_configs(repo)
        packages = [r.package for r in reads]
        links = archive_links(packages, [t.handler for t in targets], repo, config, configs)
        needs = extras_table(config.extras)
        cache = SourceCache(extra_runtime_modules=set(config.runtime_modules), watch=watched(needs))
        reports = []
        for read, link in zip(reads, links, strict=True):
            closure = fallback = None
            if link is not None:
                runtime = read.package.runtime or (link.config.runtime if link.config is not None else None)
                python = runtime_version(runtime) if runtime else None
                arch = [read.package.architecture] if read.package.architecture else (
                    link.config.architectures if link.config is not None else None)
                closure = compute_closure(read.package, link.handler, repo, cache, python, arch, sources=read.sources)
                if closure.handler_file is None:
                    elsewhere = find_handler_elsewhere(read.package, link.handler)
                    if elsewhere is not None:
                        module = elsewhere.path[: -len(".py")].replace("/", ".")
                        fallback = compute_closure(read.package, f"{module}.{link.handler.rpartition('.')[2]}",
                                                   repo, cache, python, arch, sources=read.sources)
            reports.append(PackageReport(read.package, link, closure, fallback))
    finally:
        for read in reads:
            read.close()
    context = RuleContext(root=root, repo=repo, workflows=[], simulations=[], packages=reports,
                          handler_configs=configs, symbol_needs=list(needs))
    findings = run_rules(context, config)
    result = AnalysisResult(root=str(root), workflows=[], findings=sorted(findings, key=Finding.sort_key),
                            packages=reports)
    return Analysis(result, context, config)
