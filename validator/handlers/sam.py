"""Handlers declared in SAM and CloudFormation templates.

Only files that look like templates are parsed (by name, or a text sniff for
``AWSTemplateFormatVersion`` / ``AWS::Serverless`` / ``AWS::Lambda::Function``), so a
repository full of unrelated YAML costs a substring search, not a parse each; and
the search reads a file's first 4 KB only (a template names itself or opens with a
template section there), so big data YAML is never read whole.
"""

from __future__ import annotations

import re
from typing import Any

from validator.handlers import patterns, yamlsrc
from validator.model import HandlerConfig, LayerConfig, Span, Unmodelled
from validator.model.repo import Repo, safe_join

_TEMPLATE_NAME = re.compile(r"(^|/)([^/]*[._-])?template([._-][^/]*)?\.(ya?ml|json)$", re.I)
_SNIFF = re.compile(r"AWSTemplateFormatVersion|AWS::Serverless|AWS::Lambda::Function")
_SNIFF_HEAD = re.compile(
    rb"AWSTemplateFormatVersion|AWS::Serverless|AWS::Lambda::Function"
    rb"|^(Transform|Resources|Parameters|Globals|Conditions|Mappings|Metadata|Outputs)[ \t]*:", re.M)
_HEAD_BYTES = 4096
_MAX_SNIFF_BYTES = 4 * 1024 * 1024
_SKIP_PREFIXES = (".github/", "cdk.out/")
_FUNCTION_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")
_LAYER_TYPES = ("AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion")


def candidate_files(repo: Repo) -> list[str]:
    """Template files: by name, or YAML whose text mentions a CloudFormation marker."""
    out = []
    for rel in repo.files:
        if rel.startswith(_SKIP_PREFIXES) or "/cdk.out/" in rel:
            continue
        name = rel.rsplit("/", 1)[-1].lower()
        if name in ("serverless.yml", "serverless.yaml"):
            continue
        if _TEMPLATE_NAME.search(rel):
            out.append(rel)
        elif name.endswith((".yml", ".yaml")) and _head_looks_like_template(repo, rel):
            text = repo.read_text(rel)
            if text is not None and _SNIFF.search(text):
                out.append(rel)
    return out


def _head_looks_like_template(repo: Repo, rel: str) -> bool:
    """A CloudFormation marker or a top-level template section in the first 4 KB."""
    try:
        path = safe_join(repo.root, rel)
        if path.stat().st_size > _MAX_SNIFF_BYTES:
            return False
        with path.open("rb") as fh:
            head = fh.read(_HEAD_BYTES)
    except (OSError, ValueError):
        return False
    return _SNIFF_HEAD.search(head) is not None


def collect(repo: Repo) -> tuple[list[HandlerConfig], list[Unmodelled]]:
    configs, _layers, problems = collect_all(repo)
    return configs, problems


def collect_all(repo: Repo) -> tuple[list[HandlerConfig], list[LayerConfig], list[Unmodelled]]:
    """Functions and layers of every template, and the templates that could not be read."""
    configs: list[HandlerConfig] = []
    layers: list[LayerConfig] = []
    problems: list[Unmodelled] = []
    for rel in candidate_files(repo):
        text = repo.read_text(rel)
        if text is None:
            problems.append(Unmodelled(Span(rel, 1, 1, 1, 2), repo.error(rel) or f"cannot read {rel}",
                                       could_touch_package=False))
            continue
        if not _SNIFF.search(text):
            continue  # named like a template, but not a CloudFormation one
        try:
            doc = yamlsrc.load(text, rel)
        except yamlsrc.YamlLoadError as exc:
            doc = _load_json(text) if rel.lower().endswith(".json") else None
            if doc is None:
                problems.append(Unmodelled(
                    Span(rel, exc.line, exc.column, exc.line, exc.column + 1),
                    f"{rel} could not be read as a CloudFormation template ({exc}); "
                    "handlers declared in it are not checked",
                    could_touch_package="Handler" in text))
                continue
        if isinstance(doc, dict):
            configs.extend(_configs(rel, text, doc))
            layers.extend(_layers(rel, text, doc))
    return configs, layers, problems


def _load_json(text: str) -> Any:
    import json

    try:
        return json.loads(text)
    except ValueError:
        return None


def _params(doc: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    params = doc.get("Parameters")
    if isinstance(params, dict):
        for name, spec in params.items():
            if isinstance(spec, dict) and "Default" in spec:
                val = yamlsrc.scalar(spec["Default"])
                if val is not None and not patterns.is_symbolic(val):
                    out[str(name)] = val
    return out


def _configs(rel: str, text: str, doc: dict[str, Any]) -> list[HandlerConfig]:
    lines = text.splitlines()
    base = rel.rsplit("/", 1)[0] if "/" in rel else ""
    params = _params(doc)
    globals_ = doc.get("Globals")
    gfunc = globals_.get("Function") if isinstance(globals_, dict) else None
    gfunc = gfunc if isinstance(gfunc, dict) else {}
    resources = doc.get("Resources")
    if not isinstance(resources, dict):
        return []
    out: list[HandlerConfig] = []
    for logical_id, res in resources.items():
        if not isinstance(res, dict) or res.get("Type") not in _FUNCTION_TYPES:
            continue
        serverless = res.get("Type") == "AWS::Serverless::Function"
        props = res.get("Properties")
        props = props if isinstance(props, dict) else {}
        defaults = gfunc if serverless else {}

        def prop(key: str, props: dict[str, Any] = props, defaults: dict[str, Any] = defaults) -> Any:
            return props[key] if key in props else defaults.get(key)

        holder = props if "Handler" in props else (defaults if "Handler" in defaults else None)
        package_type = yamlsrc.scalar(prop("PackageType"), params) or "Zip"
        image = package_type.lower() == "image"
        if holder is None and not image:
            continue
        image_config = prop("ImageConfig")
        command = yamlsrc.scalar_list(image_config.get("Command"), params) if isinstance(image_config, dict) else []
        image_command = command[0] if len(command) == 1 else None
        handler = yamlsrc.scalar(holder["Handler"], params) if holder is not None else (image_command or "")
        if handler is None:
            continue
        if holder is not None:
            span = _span(rel, text, lines, holder, handler)
            ref = holder["Handler"]
            if yamlsrc.is_tagged_scalar(ref) and yamlsrc.tag_of(ref) == "!Ref" and str(ref.value) in params:
                span = _span(rel, text, lines, doc["Parameters"][str(ref.value)], handler, key="Default")
        else:
            span = _resource_span(rel, lines, str(logical_id))
        cfg = HandlerConfig(
            handler=handler,
            span=span,
            origin="sam",  # raw AWS::Lambda::Function too: same template, same tools
            resource=str(logical_id),
            runtime=yamlsrc.scalar(prop("Runtime"), params),
            function_name=yamlsrc.scalar(prop("FunctionName"), params),
            architectures=yamlsrc.scalar_list(prop("Architectures"), params),
            layers=yamlsrc.scalar_list(prop("Layers"), params),
            layers_span=_layers_span(rel, lines, props if "Layers" in props else defaults),
            environment=_env(prop("Environment"), params),
            environment_spans=_env_spans(rel, lines, prop("Environment"), params),
            package_type=package_type,
        )
        if image:
            code = prop("Code")
            uri = prop("ImageUri") if serverless else (code.get("ImageUri") if isinstance(code, dict) else None)
            cfg.image_uri = yamlsrc.scalar(uri, params)
            cfg.image_command = image_command
            meta = res.get("Metadata")
            if isinstance(meta, dict) and (meta.get("Dockerfile") or meta.get("DockerContext")):
                context = yamlsrc.scalar(meta.get("DockerContext"), params) or "."
                cfg.docker_context = patterns.join(base, context)
                cfg.dockerfile = patterns.join(cfg.docker_context, yamlsrc.scalar(meta.get("Dockerfile"), params)
                                               or "Dockerfile")
                args = meta.get("DockerBuildArgs")
                if isinstance(args, dict):
                    cfg.docker_build_args = {str(k): v for k, raw in args.items()
                                             if (v := yamlsrc.scalar(raw, params)) is not None}
                cfg.docker_target = yamlsrc.scalar(meta.get("DockerBuildTarget"), params)
                cfg.docker_tag = yamlsrc.scalar(meta.get("DockerTag"), params)
            out.append(cfg)
            continue
        _code(cfg, prop("CodeUri") if serverless else prop("Code"), base, params)
        out.append(cfg)
    return out


def _resource_span(rel: str, lines: list[str], logical_id: str) -> Span:
    """The line that declares a resource (an image function has no ``Handler`` to point at)."""
    for number, line in enumerate(lines, 1):
        if line.strip().startswith((f"{logical_id}:", f'"{logical_id}"')):
            col = line.index(logical_id) + 1
            return Span(rel, number, col, number, col + len(logical_id))
    return Span(rel, 1, 1, 1, 2)


def _span(rel: str, text: str, lines: list[str], holder: Any, handler: str, key: str = "Handler") -> Span:
    if hasattr(holder, "keys_at"):
        return yamlsrc.value_span(rel, lines, holder, key, handler)
    import json  # plain JSON templates only

    # plain JSON: the n-th "Handler" key in document order is as good as it gets
    m = re.search(r'"Handler"\s*:\s*"' + re.escape(json.dumps(handler)[1:-1]) + '"', text)
    if m is None:
        return Span(rel, 1, 1, 1, 2)
    start = m.end() - 1 - len(json.dumps(handler)[1:-1])
    line = text.count("\n", 0, start) + 1
    col = start - (text.rfind("\n", 0, start) + 1) + 1
    return Span(rel, line, col, line, col + len(handler))


def _env(node: Any, params: dict[str, str]) -> dict[str, str]:
    if not isinstance(node, dict):
        return {}
    variables = node.get("Variables")
    if not isinstance(variables, dict):
        return {}
    return {str(k): s for k, v in variables.items() if (s := yamlsrc.scalar(v, params)) is not None}


def _layers_span(rel: str, lines: list[str], holder: Any) -> Span | None:
    if "Layers" not in holder or not hasattr(holder, "keys_at"):
        return None
    at = holder.keys_at.get("Layers")
    if at is None:
        return None
    return Span(rel, at.line0 + 1, at.col0 + 1, at.line0 + 1, at.col0 + 1 + len("Layers"))


def _env_spans(rel: str, lines: list[str], node: Any, params: dict[str, str]) -> dict[str, Span]:
    variables = node.get("Variables") if isinstance(node, dict) else None
    if not isinstance(variables, dict):
        return {}
    return {str(k): yamlsrc.value_span(rel, lines, variables, k, s) for k, v in variables.items()
            if (s := yamlsrc.scalar(v, params)) is not None}


def _layers(rel: str, text: str, doc: dict[str, Any]) -> list[LayerConfig]:
    """``AWS::Serverless::LayerVersion`` (``ContentUri``, built by ``sam build`` when its
    ``Metadata`` names a ``BuildMethod``) and ``AWS::Lambda::LayerVersion`` (``Content``);
    a function's ``Layers`` names one by ``!Ref`` (its ARN)."""
    lines = text.splitlines()
    base = rel.rsplit("/", 1)[0] if "/" in rel else ""
    params = _params(doc)
    resources = doc.get("Resources")
    if not isinstance(resources, dict):
        return []
    out: list[LayerConfig] = []
    for logical_id, res in resources.items():
        if not isinstance(res, dict) or res.get("Type") not in _LAYER_TYPES:
            continue
        props = res.get("Properties")
        props = props if isinstance(props, dict) else {}
        meta = res.get("Metadata")
        cfg = LayerConfig(
            resource=str(logical_id),
            span=_resource_span(rel, lines, str(logical_id)),
            origin="sam",
            refs=["${" + str(logical_id) + "}", "${!GetAtt " + str(logical_id) + ".Arn}"],
            layer_name=yamlsrc.scalar(props.get("LayerName"), params),
            compatible_runtimes=yamlsrc.scalar_list(props.get("CompatibleRuntimes"), params),
            build_method=yamlsrc.scalar(meta.get("BuildMethod"), params) if isinstance(meta, dict) else None,
        )
        content = props.get("ContentUri") if res.get("Type") == "AWS::Serverless::LayerVersion" else props.get("Content")
        holder = HandlerConfig(handler="", span=cfg.span, origin="sam", resource=cfg.resource)
        _code(holder, content, base, params)
        cfg.filename, cfg.s3_key = holder.filename, holder.s3_key
        local = holder.code_uri if holder.code_uri and not holder.code_uri.startswith("s3://") else None
        cfg.code_uri = local if not holder.filename else None
        out.append(cfg)
    return out


def _code(cfg: HandlerConfig, code: Any, base: str, params: dict[str, str]) -> None:
    """CodeUri / Code: a local directory or zip, an ``s3://`` URI, or ``{Bucket, Key}``."""
    if isinstance(code, dict) and not yamlsrc.tag_of(code):
        key = code.get("Key", code.get("S3Key"))
        bucket = code.get("Bucket", code.get("S3Bucket"))
        if key is not None:
            cfg.s3_key = yamlsrc.scalar(key, params)
            cfg.s3_bucket = yamlsrc.scalar(bucket, params)
        return
    uri = yamlsrc.scalar(code, params)
    if not uri:
        return
    if uri.startswith("s3://"):
        cfg.s3_key = patterns.strip_s3_uri(uri)
        cfg.s3_bucket = uri[5:].split("/", 1)[0]
        cfg.code_uri = uri
        return
    local = patterns.join(base, uri) if not patterns.is_symbolic(uri) else uri
    cfg.code_uri = local
    if local.lower().endswith(".zip"):
        cfg.filename = local
