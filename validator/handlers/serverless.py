"""Handlers declared in Serverless Framework services (``serverless.yml``).

``functions.<f>.handler`` is ``path/to/file.function`` relative to the service
directory; with serverless-python-requirements a function's ``module:`` becomes the
package root, and the handler must not repeat it.  ``${self:…}``/``${opt:…}``
variables stay symbolic.
"""

from __future__ import annotations

from typing import Any

from validator.handlers import patterns, yamlsrc
from validator.model import HandlerConfig, Span, Unmodelled
from validator.model.repo import Repo

NAMES = ("serverless.yml", "serverless.yaml")


def collect(repo: Repo) -> tuple[list[HandlerConfig], list[Unmodelled]]:
    configs: list[HandlerConfig] = []
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
    return configs, problems


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
        for source in (provider.get("environment"), fn.get("environment")):
            if isinstance(source, dict):
                env.update({str(k): s for k, v in source.items() if (s := yamlsrc.scalar(v)) is not None})
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
            environment=env,
            patterns=pats,
        ))
    return out


def _map(node: Any) -> dict[str, Any]:
    return node if isinstance(node, dict) else {}
