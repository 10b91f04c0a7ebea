"""Handlers declared in Serverless Framework services (``serverless.yml``).

``functions.<f>.handler`` is ``path/to/file.function`` relative to the service
directory; with serverless-python-requirements a function's ``module:`` becomes the
package root, and the handler must not repeat it.  ``${self:…}``/``${opt:…}``
variables stay symbolic.  ``functions:`` may also be a list of mappings and of
``${file(routes.yml)}`` references (read relative to the service, as the Framework
resolves them).

Each function the Framework zips itself (no ``package.artifact``) also gets what decides
its archive (``ServerlessPackaging``): the service's and, when packaged individually,
the function's ``package.patterns``/``include``/``exclude`` with their positions, the
plugins, layers and ``useDotenv``; ``validator.sources.serverless`` applies the
Framework's rules to them.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from validator.handlers import patterns, yamlsrc
from validator.model import HandlerConfig, LayerConfig, ServerlessPackaging, SlsPattern, Span, Unmodelled
from validator.model.repo import Repo
from validator.syntax.yamltree import YMap, YSeq

NAMES = ("serverless.yml", "serverless.yaml")

#: ``${file(routes.yml)}`` or ``${file(./fns.yml):functions}``, the whole value
_FILE_REF = re.compile(r"^\$\{file\((?P<path>[^)${}]+)\)(?::(?P<key>[\w.-]+))?\}$")


def collect(repo: Repo) -> tuple[list[HandlerConfig], list[Unmodelled]]:
    configs, _layers, problems = collect_all(repo)
    return configs, problems


def collect_all(repo: Repo) -> tuple[list[HandlerConfig], list[LayerConfig], list[Unmodelled]]:
    """Functions and layers of every service, and the files that could not be read."""
    configs: list[HandlerConfig] = []
    layers: list[LayerConfig] = []
    problems: list[Unmodelled] = []
    for rel in repo.files:
        if rel.startswith(".github/") or rel.rsplit("/", 1)[-1] not in NAMES:
            continue
        loaded = _load(repo, rel, problems)
        if isinstance(loaded, dict):
            configs.extend(_configs(repo, rel, loaded, problems))
            layers.extend(_layers(rel, repo.read_text(rel) or "", loaded))
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


def _configs(repo: Repo, rel: str, doc: dict[str, Any], problems: list[Unmodelled]) -> list[HandlerConfig]:
    service_dir = rel.rsplit("/", 1)[0] if "/" in rel else ""
    provider = _map(doc.get("provider"))
    package = _map(doc.get("package"))
    out: list[HandlerConfig] = []
    for fname, fn, where in _functions(repo, rel, service_dir, doc.get("functions"), problems):
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
            layers=yamlsrc.scalar_list(fn.get("layers") or provider.get("layers")),
            layers_span=_key_at(where, fn, "layers") if fn.get("layers") else _key_at(rel, provider, "layers"),
            environment=env,
            environment_spans=env_spans,
            patterns=pats,
            serverless=None if artifact or disabled else _packaging(
                repo, rel, doc, str(fname), fn, where, lines, module),
        ))
    return out


def _functions(repo: Repo, rel: str, service_dir: str, node: Any, problems: list[Unmodelled]
               ) -> list[tuple[Any, Any, str]]:
    """(name, definition, file it is written in) for each function: ``functions:`` as a
    mapping, or as a list of mappings and ``${file(…)}`` references."""
    if isinstance(node, dict):
        return [(name, fn, rel) for name, fn in node.items()]
    if not isinstance(node, list):
        return []
    out: list[tuple[Any, Any, str]] = []
    for item in node:
        if isinstance(item, dict):
            out.extend((name, fn, rel) for name, fn in item.items())
            continue
        m = _FILE_REF.match(item.strip()) if isinstance(item, str) else None
        if m is None:
            continue
        path = patterns.join(service_dir, m.group("path").strip().strip("'\""))
        if not repo.is_file(path):
            continue
        loaded = _load(repo, path, problems)
        for part in (m.group("key") or "").split(".") if m.group("key") else []:
            loaded = loaded.get(part) if isinstance(loaded, dict) else None
        if isinstance(loaded, dict):
            out.extend((name, fn, path) for name, fn in loaded.items())
    return out


def _packaging(repo: Repo, rel: str, doc: dict[str, Any], fname: str, fn: dict[str, Any], where: str,
               lines: list[str], module: str | None) -> ServerlessPackaging:
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
    plugin_list = plugins_node.get("modules") if isinstance(plugins_node, dict) else plugins_node
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
    requirements = _map(_map(doc.get("custom")).get("pythonRequirements"))
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
        requirements_name=yamlsrc.scalar(requirements.get("fileName")) or "requirements.txt",
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


def _layers(rel: str, text: str, doc: dict[str, Any]) -> list[LayerConfig]:
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
            layer_name=yamlsrc.scalar(spec.get("name")),
            filename=patterns.join(service_dir, artifact) if artifact and not artifact.startswith("s3://") else None,
            code_uri=(patterns.join(service_dir, path) if path and not patterns.is_symbolic(path) and not artifact
                      else None),
            compatible_runtimes=yamlsrc.scalar_list(spec.get("compatibleRuntimes")),
        ))
    return out


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


def _service_name(doc: dict[str, Any]) -> str:
    service = doc.get("service")
    if isinstance(service, dict):  # v1: ``service: {name: x}``
        service = service.get("name")
    return yamlsrc.scalar(service) or "${self:service}"


def _truthy(node: Any) -> bool:
    return node is True or (isinstance(node, str) and node.strip().lower() == "true")


def _map(node: Any) -> dict[str, Any]:
    return node if isinstance(node, dict) else {}
