"""Handlers declared in Serverless Framework services (``serverless.yml``).

``functions.<f>.handler`` is ``path/to/file.function`` relative to the service
directory; with serverless-python-requirements a function's ``module:`` becomes the
package root, and the handler must not repeat it.  ``${self:…}``/``${opt:…}``
variables stay symbolic.
"""

from __future__ import annotations

from typing import Any

from validator.handlers import patterns, yamlsrc
from validator.model import HandlerConfig, LayerConfig, Span, Unmodelled
from validator.model.repo import Repo

NAMES = ("serverless.yml", "serverless.yaml")


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
        text = repo.read_text(rel)
        if text is None:
            problems.append(Unmodelled(Span(rel, 1, 1, 1, 2), repo.error(rel) or f"cannot read {rel}",
                                       could_touch_package=False))
            continue
        try:
            doc = yamlsrc.load(text, rel)
        except yamlsrc.YamlLoadError as exc:
            problems.append(Unmodelled(
                Span(rel, exc.line, exc.column, exc.line, exc.column + 1),
                f"{rel} is not valid YAML ({exc}); handlers declared in it are not checked",
                could_touch_package="handler" in text))
            continue
        if isinstance(doc, dict):
            configs.extend(_configs(rel, text, doc))
            layers.extend(_layers(rel, text, doc))
    return configs, layers, problems


def _configs(rel: str, text: str, doc: dict[str, Any]) -> list[HandlerConfig]:
    lines = text.splitlines()
    service_dir = rel.rsplit("/", 1)[0] if "/" in rel else ""
    provider = _map(doc.get("provider"))
    package = _map(doc.get("package"))
    functions = doc.get("functions")
    if not isinstance(functions, dict):
        return []
    out: list[HandlerConfig] = []
    for fname, fn in functions.items():
        if not isinstance(fn, dict) or "handler" not in fn:
            continue
        handler = yamlsrc.scalar(fn["handler"])
        if handler is None:
            continue
        fpackage = _map(fn.get("package"))
        artifact = yamlsrc.scalar(fpackage.get("artifact") or package.get("artifact"))
        module = yamlsrc.scalar(fn.get("module"))
        code_uri = patterns.join(service_dir, module) if module else service_dir
        arch = yamlsrc.scalar(fn.get("architecture") or provider.get("architecture"))
        env: dict[str, str] = {}
        env_spans: dict[str, Span] = {}
        for source in (provider.get("environment"), fn.get("environment")):
            if isinstance(source, dict):
                values = {str(k): s for k, v in source.items() if (s := yamlsrc.scalar(v)) is not None}
                env.update(values)
                env_spans.update({k: yamlsrc.value_span(rel, lines, source, k, v) for k, v in values.items()})
        pats = yamlsrc.scalar_list(package.get("patterns")) + yamlsrc.scalar_list(fpackage.get("patterns"))
        out.append(HandlerConfig(
            handler=handler,
            span=yamlsrc.value_span(rel, lines, fn, "handler", handler),
            origin="serverless",
            resource=str(fname),
            runtime=yamlsrc.scalar(fn.get("runtime") or provider.get("runtime")),
            filename=(patterns.join(service_dir, artifact)
                      if artifact and not artifact.startswith("s3://") else artifact),
            code_uri=code_uri,
            function_name=yamlsrc.scalar(fn.get("name")),
            architectures=[arch] if arch else [],
            layers=yamlsrc.scalar_list(fn.get("layers") or provider.get("layers")),
            layers_span=_key_at(rel, fn if fn.get("layers") else provider, "layers"),
            environment=env,
            environment_spans=env_spans,
            patterns=pats,
        ))
    return out


def _map(node: Any) -> dict[str, Any]:
    return node if isinstance(node, dict) else {}


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
