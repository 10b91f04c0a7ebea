"""Handlers declared in Serverless Framework services (``serverless.yml``).

``functions.<f>.handler`` is ``path/to/file.function`` relative to the service
directory; with serverless-python-requirements a function's ``module:`` becomes the
package root, and the handler must not repeat it.  ``functions:`` may also be a list of
mappings and of ``${file(routes.yml)}`` references, or one such reference.  Variables
(``validator.handlers.slsvars``) are resolved where they decide a file or a layer: the
function files, the layer references (``${self:custom.layer_config.arn}`` becomes the ARN
``config/layer-config.yml`` writes), the layers' names and the plugin's settings; elsewhere
``${self:…}``/``${opt:…}`` stay symbolic.

Each function the Framework zips itself (no ``package.artifact``) also gets what decides
its archive (``ServerlessPackaging``): the service's and, when packaged individually,
the function's ``package.patterns``/``include``/``exclude`` with their positions, the
plugins, layers and ``useDotenv``; ``validator.sources.serverless`` applies the
Framework's rules to them.

A service's layers are ``layers.<name>`` entries and the layer serverless-python-requirements
builds when ``custom.pythonRequirements.layer`` is set (serverless-python-requirements
v6.1.2):

- ``index.js`` L27-L69: the options and their defaults (``layer: false``, ``fileName:
  requirements.txt``, ``usePipenv``/``usePoetry`` on, ``vendor``, ``pipCmdExtraArgs``);
  L112-L117: ``layer: true`` is ``{}``; L235-L248: after the Framework packages, the layer
  is built, then the requirements are injected into the functions.
- ``lib/pip.js`` L612-L721 ``installRequirementsIfNeeded``: the requirements file is
  ``<service>/<fileName>`` (L619) — for a layer the module is ``''`` unless the service is
  packaged individually (L727-L800, where each function module installs apart); a Poetry
  ``pyproject.toml`` (L64, ``lib/poetry.js`` L121-L141: a ``build-system.requires`` entry
  starting with ``poetry``) or a ``Pipfile`` in the service (L73-L75) replaces it; no file
  at all installs nothing (L624); L197-L202: ``pip install -t <folder> -r
  requirements.txt``; L707-L712: ``vendor`` folders are copied in; L150-L160:
  ``pipCmdExtraArgs`` join the pip command.
- ``lib/layer.js`` L14-L58 ``zipRequirements``: the installed folder goes under ``python/``
  (L41-L47) of ``.serverless/pythonRequirements.zip`` (L17); L64-L82 ``createLayers``: the
  layer is ``layers.pythonRequirements`` (L68, so its logical id is
  ``PythonRequirementsLambdaLayer``), named ``<service>-<stage>-python-requirements``
  (L71-L73) unless ``layer.name`` says otherwise (L78: ``layer`` is assigned over the
  defaults), for ``[provider.runtime]`` (L76).
- ``lib/inject.js`` L101-L105: with ``layer`` set nothing is injected into the functions'
  archives — nor is a ``module:`` moved up (L122-L151 are skipped).

The layer is modelled as ``pip install -r <requirements> -t python/`` (``LayerConfig.
requirements``); what makes its content unknown is said (``LayerConfig.unknown``).  A
``noDeploy`` list, which leaves lines out, is not applied: the layer may hold less.
"""

from __future__ import annotations

import posixpath
import sys
from typing import Any

from validator.handlers import patterns, yamlsrc
from validator.handlers.slsvars import Files, Variables
from validator.model import (
    PYTHON_REQUIREMENTS,
    HandlerConfig,
    LayerConfig,
    ServerlessPackaging,
    SlsPattern,
    Span,
    Unmodelled,
)
from validator.model.repo import Repo
from validator.syntax.yamltree import YMap, YSeq

NAMES = ("serverless.yml", "serverless.yaml")
#: the layer serverless-python-requirements adds (layer.js L68) and its logical id
REQUIREMENTS_LAYER = "pythonRequirements"


def collect(repo: Repo) -> tuple[list[HandlerConfig], list[Unmodelled]]:
    configs, _layers, problems = collect_all(repo)
    return configs, problems


def collect_all(repo: Repo) -> tuple[list[HandlerConfig], list[LayerConfig], list[Unmodelled]]:
    """Functions and layers of every service, and the files that could not be read."""
    configs: list[HandlerConfig] = []
    layers: list[LayerConfig] = []
    problems: list[Unmodelled] = []
    files = Files(repo, problems)
    for rel in repo.files:
        if rel.startswith(".github/") or rel.rsplit("/", 1)[-1] not in NAMES:
            continue
        loaded = _load(repo, rel, problems)
        if isinstance(loaded, dict):
            variables = Variables(repo, rel, loaded, files)
            configs.extend(_configs(repo, rel, loaded, variables))
            layers.extend(_layers(rel, repo.read_text(rel) or "", loaded, variables))
            layer = _requirements_layer(repo, rel, loaded, variables)
            if layer is not None:
                layers.append(layer)
    return configs, layers, problems


def _load(repo: Repo, rel: str, problems: list[Unmodelled]) -> Any:
    text = repo.read_text(rel)
    if text is None:
        problems.append(Unmodelled(Span(rel, 1, 1, 1, 2), repo.error(rel) or f"cannot read {rel}",
                                   could_touch_package=False))
        return None
    try:
        return yamlsrc.load(text, rel)
    except yamlsrc.YamlLoadError as exc:
        problems.append(Unmodelled(
            Span(rel, exc.line, exc.column, exc.line, exc.column + 1),
            f"{rel} is not valid YAML ({exc}); handlers declared in it are not checked",
            could_touch_package="handler" in text))
        return None


def _configs(repo: Repo, rel: str, doc: dict[str, Any], variables: Variables) -> list[HandlerConfig]:
    service_dir = rel.rsplit("/", 1)[0] if "/" in rel else ""
    provider = _map(doc.get("provider"))
    package = _map(doc.get("package"))
    out: list[HandlerConfig] = []
    for fname, fn, where in _functions(rel, doc.get("functions"), variables):
        if not isinstance(fn, dict) or "handler" not in fn:
            continue
        handler = yamlsrc.scalar(fn["handler"])
        if handler is None:
            continue
        lines = (repo.read_text(where) or "").splitlines()
        fpackage = _map(fn.get("package"))
        artifact = yamlsrc.scalar(fpackage.get("artifact") or package.get("artifact"))
        module = yamlsrc.scalar(fn.get("module"))
        code_uri = patterns.join(service_dir, module) if module else service_dir
        arch = yamlsrc.scalar(fn.get("architecture") or provider.get("architecture"))
        env: dict[str, str] = {}
        env_spans: dict[str, Span] = {}
        service_lines = (repo.read_text(rel) or "").splitlines()
        for source, path, text_lines in ((provider.get("environment"), rel, service_lines),
                                         (fn.get("environment"), where, lines)):
            if isinstance(source, dict):
                values = {str(k): s for k, v in source.items() if (s := yamlsrc.scalar(v)) is not None}
                env.update(values)
                env_spans.update({k: yamlsrc.value_span(path, text_lines, source, k, v) for k, v in values.items()})
        pats = yamlsrc.scalar_list(package.get("patterns")) + yamlsrc.scalar_list(fpackage.get("patterns"))
        disabled = _truthy(fpackage.get("disable"))
        layer_list = (variables.node(fn["layers"], where) if fn.get("layers")
                      else variables.node(provider.get("layers")))
        out.append(HandlerConfig(
            handler=handler,
            span=yamlsrc.value_span(where, lines, fn, "handler", handler),
            origin="serverless",
            resource=str(fname),
            runtime=yamlsrc.scalar(fn.get("runtime") or provider.get("runtime")),
            filename=(patterns.join(service_dir, artifact)
                      if artifact and not artifact.startswith("s3://") else artifact),
            code_uri=code_uri,
            function_name=yamlsrc.scalar(fn.get("name")),
            architectures=[arch] if arch else [],
            layers=[variables.text(ref) for ref in yamlsrc.scalar_list(layer_list.value)],
            layers_span=_key_at(where, fn, "layers") if fn.get("layers") else _key_at(rel, provider, "layers"),
            environment=env,
            environment_spans=env_spans,
            patterns=pats,
            serverless=None if artifact or disabled else _packaging(
                repo, rel, doc, str(fname), fn, where, lines, module, variables),
        ))
    return out


def _functions(rel: str, node: Any, variables: Variables) -> list[tuple[Any, Any, str]]:
    """(name, definition, file it is written in) for each function: ``functions:`` as a
    mapping, or as a list of mappings and ``${file(…)}`` references, or one such reference."""
    found = variables.node(node, rel)
    if isinstance(found.value, dict):
        return [(name, fn, found.path) for name, fn in found.value.items()]
    if not isinstance(found.value, list):
        return []
    out: list[tuple[Any, Any, str]] = []
    for item in found.value:
        entry = variables.node(item.strip() if isinstance(item, str) else item, found.path)
        if isinstance(entry.value, dict):
            out.extend((name, fn, entry.path) for name, fn in entry.value.items())
    return out


def _packaging(repo: Repo, rel: str, doc: dict[str, Any], fname: str, fn: dict[str, Any], where: str,
               lines: list[str], module: str | None, variables: Variables) -> ServerlessPackaging:
    """What decides the archive of function ``fname`` (package-service.js: a function is
    packaged alone when its own or the service's ``package.individually`` is set, and only
    then do its own lists count)."""
    service_dir = rel.rsplit("/", 1)[0] if "/" in rel else ""
    service_lines = (repo.read_text(rel) or "").splitlines()
    package = _map(doc.get("package"))
    fpackage = _map(fn.get("package"))
    individually = _truthy(fpackage.get("individually")) or _truthy(package.get("individually"))
    service = _service_name(doc)
    name = f"{fname}.zip" if individually else f"{service}.zip"
    include: list[SlsPattern] = []
    exclude: list[SlsPattern] = []
    levels: list[tuple[str, Any, str, list[str]]] = [("service", package, rel, service_lines)]
    if individually:
        levels.append(("function", fpackage, where, lines))
    unknown: list[tuple[str, Span]] = []
    for level, node, path, text_lines in levels:
        for source in ("include", "patterns", "exclude"):
            for pattern in _pattern_list(path, text_lines, node, source, level):
                (exclude if source == "exclude" else include).append(pattern)
                if "${" in pattern.text:
                    unknown.append((f"{pattern.describe()} holds a variable", pattern.span))
        flag = yamlsrc.scalar(node.get("individually"))
        if flag is not None and "${" in flag:
            unknown.append((f"the {level}'s package.individually is `{flag}`",
                            yamlsrc.value_span(path, text_lines, node, "individually", flag)))
    plugins_node = doc.get("plugins")
    plugin_list = _plugin_list(doc)
    plugin_spans: dict[str, Span] = {}
    if isinstance(plugin_list, YSeq):
        for i, item in enumerate(plugin_list):
            plugin = yamlsrc.scalar(item)
            if plugin and i < len(plugin_list.items_at):
                plugin_spans[plugin] = _text_span(rel, service_lines, *plugin_list.items_at[i], plugin)
    extra: list[str] = []
    if isinstance(plugins_node, dict) and (local := yamlsrc.scalar(plugins_node.get("localPath"))):
        extra.append(local)
    for layer in _map(doc.get("layers")).values():
        path_ = yamlsrc.scalar(_map(layer).get("path"))
        if path_:
            extra.append(f"{path_}/**")
    if _truthy(doc.get("useDotenv")):
        extra.append(".env*")
    requirements, where_options = _python_requirements(variables)
    file_name = requirements.get("fileName")
    span_node, span_file, span_lines = (fpackage, where, lines) if individually and fpackage else (package, rel,
                                                                                                   service_lines)
    return ServerlessPackaging(
        service=service,
        service_dir=service_dir,
        config_file=posixpath.basename(rel),
        individually=individually,
        artifact=patterns.join(service_dir, f".serverless/{name}"),
        include=include,
        exclude=exclude,
        extra_excludes=extra,
        plugins=[p for p in yamlsrc.scalar_list(plugin_list) if p],
        plugin_spans=plugin_spans,
        module=module if _truthy(package.get("individually")) else None,
        requirements_name=variables.text(yamlsrc.scalar(file_name) or "") or "requirements.txt",
        requirements_layer=_layer_option(requirements, where_options, variables) is not None,
        unknown="; ".join(why for why, _ in unknown),
        unknown_span=unknown[0][1] if unknown else None,
        span=_package_span(span_file, span_lines, span_node, fn if span_node is fpackage else doc, "package"),
    )


def _pattern_list(path: str, lines: list[str], node: dict[str, Any], key: str, level: str) -> list[SlsPattern]:
    items = node.get(key)
    if items is None:
        return []
    if not isinstance(items, list):
        items = [items]
    out = []
    positions = items.items_at if isinstance(items, YSeq) else []
    for i, item in enumerate(items):
        text = yamlsrc.scalar(item)
        if text is None:
            continue
        if i < len(positions):
            line0, col0 = positions[i]
            span = _text_span(path, lines, line0, col0, text)
        else:
            span = yamlsrc.value_span(path, lines, node, key, text)
        out.append(SlsPattern(text, span, key, level))
    return out


def _text_span(path: str, lines: list[str], line0: int, col0: int, text: str) -> Span:
    """The span of a sequence item written at (line0, col0), over the text inside quotes."""
    line = lines[line0] if 0 <= line0 < len(lines) else ""
    at = line.find(text, col0)
    start = at if at >= 0 else col0
    end = start + len(text) if at >= 0 else max(len(line.rstrip()), col0 + 1)
    return Span(path, line0 + 1, start + 1, line0 + 1, end + 1)


def _package_span(path: str, lines: list[str], node: Any, parent: Any, key: str) -> Span:
    """Where ``key:`` is written in ``parent`` (the ``package:`` line), else the file's start."""
    at = parent.keys_at.get(key) if isinstance(parent, YMap) else None
    if at is None or not node:
        return Span(path, 1, 1, 1, 2)
    return Span(path, at.line0 + 1, at.col0 + 1, at.line0 + 1, at.col0 + 1 + len(key))


def logical_layer_id(name: str) -> str:
    """The CloudFormation resource the framework makes of ``layers.<name>``:
    ``deps`` -> ``DepsLambdaLayer``, ``my-deps`` -> ``MyDashdepsLambdaLayer``."""
    normal = name.replace("-", "Dash").replace("_", "Underscore")
    return (normal[:1].upper() + normal[1:]) + "LambdaLayer"


def _layers(rel: str, text: str, doc: dict[str, Any], variables: Variables) -> list[LayerConfig]:
    """``layers.<name>.path``: the folder the framework zips as it is (its content must
    hold ``python/``); functions name the layer with ``{Ref: <Name>LambdaLayer}``."""
    lines = text.splitlines()
    service_dir = rel.rsplit("/", 1)[0] if "/" in rel else ""
    layers = doc.get("layers")
    if not isinstance(layers, dict):
        return []
    out: list[LayerConfig] = []
    for name, spec in layers.items():
        if not isinstance(spec, dict):
            continue
        path = yamlsrc.scalar(spec.get("path"))
        package = _map(spec.get("package"))
        artifact = yamlsrc.scalar(package.get("artifact"))
        logical = logical_layer_id(str(name))
        out.append(LayerConfig(
            resource=str(name),
            span=_key_span(rel, lines, str(name)),
            origin="serverless",
            refs=["${" + logical + "}"],
            layer_name=_text(variables, spec.get("name")),
            filename=patterns.join(service_dir, artifact) if artifact and not artifact.startswith("s3://") else None,
            code_uri=(patterns.join(service_dir, path) if path and not patterns.is_symbolic(path) and not artifact
                      else None),
            compatible_runtimes=yamlsrc.scalar_list(spec.get("compatibleRuntimes")),
        ))
    return out


def _requirements_layer(repo: Repo, rel: str, doc: dict[str, Any], variables: Variables) -> LayerConfig | None:
    """The layer serverless-python-requirements builds for the service, when
    ``custom.pythonRequirements.layer`` asks for one (see the module's docstring)."""
    if PYTHON_REQUIREMENTS not in yamlsrc.scalar_list(_plugin_list(doc)):
        return None
    options, where = _python_requirements(variables)
    layer = _layer_option(options, where, variables)
    if layer is None:
        return None
    service_dir = posixpath.dirname(rel)
    provider = _map(doc.get("provider"))
    service = variables.text(_service_name(doc))
    stage = variables.text("${sls:stage}")
    name = _text(variables, layer.get("name")) or f"{service}-{stage}-python-requirements"
    runtimes = yamlsrc.scalar_list(variables.node(layer["compatibleRuntimes"], where).value
                                   if "compatibleRuntimes" in layer else provider.get("runtime"))
    file_name = variables.text(yamlsrc.scalar(options.get("fileName")) or "requirements.txt")
    requirements = posixpath.normpath(posixpath.join(service_dir, file_name))
    unknown = _requirements_unknown(repo, doc, options, service_dir, file_name, requirements, variables)
    span = _key_at(where, options, "layer") or Span(rel, 1, 1, 1, 2)
    return LayerConfig(
        resource=REQUIREMENTS_LAYER,
        span=span,
        origin="serverless",
        refs=["${" + logical_layer_id(REQUIREMENTS_LAYER) + "}"],
        layer_name=name,
        compatible_runtimes=[variables.text(r) for r in runtimes],
        requirements=None if unknown else requirements,
        built_archive=patterns.join(service_dir, ".serverless/pythonRequirements.zip"),
        unknown=unknown,
    )


def _requirements_unknown(repo: Repo, doc: dict[str, Any], options: dict[str, Any], service_dir: str,
                          file_name: str, requirements: str, variables: Variables) -> str:
    """Why what the plugin installs into its layer is not known ("" when it is)."""
    def on(key: str) -> bool:  # usePipenv/usePoetry default to true
        value = options.get(key, True)
        text = variables.text(value) if isinstance(value, str) else value
        return not (text is False or (isinstance(text, str) and text.strip().lower() == "false"))

    if "${" in file_name:
        return f"its requirements file is `{file_name}`"
    if _truthy(_map(doc.get("package")).get("individually")):
        return "the service is packaged individually, so the plugin installs each function module's requirements apart"
    pyproject = posixpath.join(posixpath.dirname(requirements), "pyproject.toml")
    if on("usePoetry") and _poetry_project(repo, pyproject):
        return f"serverless-python-requirements exports the requirements of {pyproject} with Poetry"
    pipfile = patterns.join(service_dir, "Pipfile")
    if on("usePipenv") and repo.is_file(pipfile):
        return f"serverless-python-requirements installs what {pipfile} locks"
    if not repo.is_file(requirements):
        return f"{requirements} is not in the repository"
    if options.get("vendor"):
        return "the plugin's vendor folder is copied into it"
    extra = options.get("pipCmdExtraArgs")
    if extra:
        args = " ".join(yamlsrc.scalar_list(extra))
        return f"pipCmdExtraArgs ({args}) change the pip command"
    return ""


def _poetry_project(repo: Repo, path: str) -> bool:
    """poetry.js ``isPoetryProject``: a ``build-system.requires`` entry that starts with
    ``poetry``; a file that cannot be read may be one."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    if not repo.is_file(path):
        return False
    try:
        data = tomllib.loads(repo.read_text(path) or "")
    except (ValueError, RecursionError):  # TOMLDecodeError is a ValueError
        return True
    system = data.get("build-system")
    requires = system.get("requires", []) if isinstance(system, dict) else []
    return isinstance(requires, list) and any(isinstance(r, str) and r.startswith("poetry") for r in requires)


def _text(variables: Variables, node: Any) -> str | None:
    """A scalar with its variables written out as far as the repository tells."""
    value = yamlsrc.scalar(variables.node(node).value) if isinstance(node, str) else yamlsrc.scalar(node)
    return variables.text(value) if value is not None else None


def _key_span(rel: str, lines: list[str], key: str) -> Span:
    """The line that declares ``key:`` below the top level (a layer's entry)."""
    for number, line in enumerate(lines, 1):
        stripped = line.lstrip()
        if line[:1] in (" ", "\t") and stripped.startswith((f"{key}:", f'"{key}":', f"'{key}':")):
            col = line.index(key) + 1
            return Span(rel, number, col, number, col + len(key))
    return Span(rel, 1, 1, 1, 2)


def _key_at(rel: str, mapping: Any, key: str) -> Span | None:
    at = mapping.keys_at.get(key) if hasattr(mapping, "keys_at") else None
    if at is None:
        return None
    return Span(rel, at.line0 + 1, at.col0 + 1, at.line0 + 1, at.col0 + 1 + len(key))


def _plugin_list(doc: dict[str, Any]) -> Any:
    """``plugins:`` as a list, or its ``modules:`` list."""
    node = doc.get("plugins")
    return node.get("modules") if isinstance(node, dict) else node


def _python_requirements(variables: Variables) -> tuple[dict[str, Any], str]:
    """``custom.pythonRequirements`` (with variables on the way resolved) and the file it is written in."""
    found = variables.get("custom", "pythonRequirements")
    if found is None or not isinstance(found.value, dict):
        return {}, variables.rel
    return found.value, found.path


def _layer_option(options: dict[str, Any], where: str, variables: Variables) -> dict[str, Any] | None:
    """The plugin's ``layer`` option when it makes a layer (index.js L112-L117: ``true`` is
    ``{}``), as a mapping; None when it does not, or when a variable keeps it unknown."""
    if "layer" not in options:
        return None
    found = variables.node(options["layer"], where)
    value = found.value
    if isinstance(value, str):
        value = {"true": True, "false": False}.get(variables.text(value).strip().lower(), value)
    if value is True:
        return {}
    return value if isinstance(value, dict) else None


def _service_name(doc: dict[str, Any]) -> str:
    service = doc.get("service")
    if isinstance(service, dict):  # v1: ``service: {name: x}``
        service = service.get("name")
    return yamlsrc.scalar(service) or "${self:service}"


def _truthy(node: Any) -> bool:
    return node is True or (isinstance(node, str) and node.strip().lower() == "true")


def _map(node: Any) -> dict[str, Any]:
    return node if isinstance(node, dict) else {}
