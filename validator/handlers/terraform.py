"""Handlers declared in Terraform: ``aws_lambda_function``, module calls that pass a
``handler``, and the ``archive_file`` / ``aws_s3_object`` that feed them.

Each ``.tf`` is parsed once by :mod:`validator.syntax.hcl` (values and positions from
one tree-sitter parse), so a finding can point at the exact ``handler = "…"`` value;
nothing is parsed when the repository has no Terraform.  References stay symbolic
(``${var.env}-ingestion``) unless a literal default is at hand: a whole-value
``var.X``/``local.X`` is resolved everywhere, partial interpolations only in the
handler and runtime, because a ``function_name`` resolved to the ``dev`` default
would no longer match the ``prod`` name a workflow uses.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from validator.handlers import patterns
from validator.model import HandlerConfig, LayerConfig, Span, Unmodelled
from validator.model.base import Record
from validator.model.repo import Repo
from validator.syntax import hcl

_REF = re.compile(r"\$\{\s*(var|local)\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}")
_WHOLE_REF = re.compile(r"^\$\{\s*(var|local)\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}$")
_PATH_REF = re.compile(r"\$\{\s*path\.(module|root|cwd)\s*\}")
_ARCHIVE_REF = re.compile(r"data\.archive_file\.([A-Za-z_][A-Za-z0-9_-]*)(?:\[\s*(?:\"([^\"]*)\"|(each\.key))\s*\])?\.")
_S3_OBJECT_REF = re.compile(r"(aws_s3_object|aws_s3_bucket_object)\.([A-Za-z_][A-Za-z0-9_-]*)\.")
_CONVERSION = re.compile(r"\$\{\s*(?:toset|tomap|tolist)\((.*)\)\s*\}", re.S)
_EACH = re.compile(r"\$\{\s*each\.(key|value)((?:\.[A-Za-z_][A-Za-z0-9_]*|\[\"[^\"]*\"\])*)\s*\}")

LAMBDA_TYPES = ("aws_lambda_function",)
LAYER_TYPES = ("aws_lambda_layer_version",)


@dataclass(eq=False, repr=False)
class TfFile(Record):
    path: str
    doc: hcl.Document


@dataclass(eq=False, repr=False)
class TfModuleDir(Record):
    """All .tf files of one directory: Terraform evaluates them together."""

    dir: str
    files: list[TfFile] = field(default_factory=list)
    scope: dict[str, Any] = field(default_factory=dict)  # "var.x" / "local.x" -> value


# --------------------------------------------------------------------------- values


def _blocks(f: TfFile, kind: str) -> list[hcl.Block]:
    """The top-level blocks of ``kind`` with the labels Terraform requires of it."""
    labels = 2 if kind in ("resource", "data") else 1 if kind in ("module", "variable") else 0
    return [b for b in f.doc.blocks if b.type == kind and len(b.labels) == labels]


def _first_block(body: dict[str, Any], name: str) -> dict[str, Any]:
    val = body.get(name)
    if isinstance(val, list) and val and isinstance(val[0], dict):
        return val[0]
    return val if isinstance(val, dict) else {}


def _resolve(val: Any, scope: dict[str, Any], full: bool) -> Any:
    """Replace ``${var.x}``/``${local.x}``/``${path.module}`` with known literals."""
    if not isinstance(val, str):
        return val
    val = _PATH_REF.sub(".", val)
    for _ in range(5):  # locals may refer to variables
        m = _WHOLE_REF.match(val)
        if m and f"{m.group(1)}.{m.group(2)}" in scope:
            val = scope[f"{m.group(1)}.{m.group(2)}"]
            if not isinstance(val, str):
                return val
            continue
        if not full:
            break

        def sub(mm: re.Match[str]) -> str:
            got = scope.get(f"{mm.group(1)}.{mm.group(2)}")
            return got if isinstance(got, str) else mm.group(0)

        new = _REF.sub(sub, val)
        if new == val:
            break
        val = new
    return val


def _str(val: Any) -> str | None:
    if isinstance(val, str):
        return val
    if isinstance(val, (int, float)) and not isinstance(val, bool):
        return str(val)
    return None


def _str_list(val: Any) -> list[str]:
    if isinstance(val, list):
        return [s for s in (_str(v) for v in val) if s is not None]
    s = _str(val)
    return [s] if s else []


# --------------------------------------------------------------------------- collection


def collect(repo: Repo) -> tuple[list[HandlerConfig], list[Unmodelled]]:
    configs, _layers, problems = collect_all(repo)
    return configs, problems


def collect_all(repo: Repo) -> tuple[list[HandlerConfig], list[LayerConfig], list[Unmodelled]]:
    """Functions and layers of every Terraform directory, and the files that could not be read."""
    problems: list[Unmodelled] = []
    dirs: dict[str, TfModuleDir] = {}
    tfvars: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for rel in repo.files:
        if rel.startswith(".github/"):
            continue
        is_tf = rel.endswith(".tf")
        is_vars = rel.endswith((".auto.tfvars",)) or rel.rsplit("/", 1)[-1] == "terraform.tfvars"
        if not (is_tf or is_vars):
            continue
        text = repo.read_text(rel)
        if text is None:
            problems.append(_problem(rel, 1, 1, repo.error(rel) or f"cannot read {rel}", False))
            continue
        doc = hcl.parse(text)
        if doc.error is not None:
            problems.append(_problem(
                rel, doc.error.line, doc.error.column,
                f"{rel} is not valid HCL (syntax error at line {doc.error.line}); handlers declared "
                "in the blocks around it are not checked",
                "handler" in text))
        directory = patterns.norm_path(rel.rsplit("/", 1)[0]) if "/" in rel else ""
        if is_vars:
            tfvars[directory].append({name: attr.value for name, attr in doc.attributes.items()})
            continue
        dirs.setdefault(directory, TfModuleDir(directory)).files.append(TfFile(rel, doc))
    for d in dirs.values():
        _build_scope(d, tfvars.get(d.dir, []))
    module_sources = _local_module_sources(dirs)
    configs: list[HandlerConfig] = []
    layers: list[LayerConfig] = []
    for d in dirs.values():
        for cfg in _configs_in(d):
            # a module's own resource says ``handler = var.handler``; the module call that
            # passes the real value is the declaration that counts
            if d.dir in module_sources and _REF.search(cfg.handler):
                continue
            configs.append(cfg)
        layers += _layers_in(d)
    return configs, layers, problems


def _problem(path: str, line: int, col: int, reason: str, touch: bool) -> Unmodelled:
    return Unmodelled(Span(path, line, col, line, col + 1), reason, could_touch_package=touch)


def _build_scope(d: TfModuleDir, tfvars: list[dict[str, Any]]) -> None:
    scope: dict[str, Any] = {}
    for f in d.files:
        for block in _blocks(f, "variable"):
            if "default" in block.attributes:
                dv = block.attributes["default"].value
                if dv is not None and not (isinstance(dv, str) and patterns.is_symbolic(dv)):
                    scope[f"var.{block.labels[0]}"] = dv
    for tv in tfvars:
        for k, v in tv.items():
            scope[f"var.{k}"] = v
    for f in d.files:
        for block in _blocks(f, "locals"):
            for k, attr in block.attributes.items():
                scope[f"local.{k}"] = attr.value
    # let locals built from variables resolve once
    for k, v in list(scope.items()):
        if k.startswith("local.") and isinstance(v, str):
            scope[k] = _resolve(v, scope, full=False)
    d.scope = scope


def _local_module_sources(dirs: dict[str, TfModuleDir]) -> set[str]:
    out: set[str] = set()
    for d in dirs.values():
        for f in d.files:
            for block in _blocks(f, "module"):
                src = _str(block.body().get("source"))
                if src and src.startswith((".", "/")):
                    out.add(patterns.join(d.dir, src))
    return out


def _configs_in(d: TfModuleDir) -> list[HandlerConfig]:
    archives, objects = _archives_and_objects(d)
    out: list[HandlerConfig] = []
    for f in d.files:
        for block in _blocks(f, "resource"):
            if block.labels[0] in LAMBDA_TYPES:
                out.extend(_function_configs(d, f, block, archives, objects, module=False))
        for block in _blocks(f, "module"):
            if "handler" in block.attributes:
                out.extend(_function_configs(d, f, block, archives, objects, module=True))
    return out


def _archives_and_objects(d: TfModuleDir) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    archives: dict[str, dict[str, Any]] = {}
    objects: dict[str, dict[str, Any]] = {}
    for f in d.files:
        for block in _blocks(f, "data"):
            if block.labels[0] == "archive_file":
                archives[block.labels[1]] = block.body()
        for block in _blocks(f, "resource"):
            if block.labels[0] in ("aws_s3_object", "aws_s3_bucket_object"):
                objects[".".join(block.labels)] = block.body()
    return archives, objects


def _layers_in(d: TfModuleDir) -> list[LayerConfig]:
    """``aws_lambda_layer_version`` resources: the archive each is made from, and the
    references (``aws_lambda_layer_version.common.arn``) a function's ``layers`` uses."""
    archives, objects = _archives_and_objects(d)
    out: list[LayerConfig] = []
    for f in d.files:
        for block in _blocks(f, "resource"):
            if block.labels[0] not in LAYER_TYPES or "for_each" in block.attributes or "count" in block.attributes:
                continue
            name, body = block.labels[1], block.body()
            scope = d.scope
            filename = _str(_resolve(body.get("filename"), scope, False))
            s3_key = _str(_resolve(body.get("s3_key"), scope, False))
            code_uri: str | None = None
            for ref_src in (body.get("filename"), body.get("source_code_hash")):
                m = _ARCHIVE_REF.search(ref_src) if isinstance(ref_src, str) else None
                arch = _archive_instance(archives, m, name, scope) if m else None
                if arch is not None:
                    out_path = _str(_resolve(arch.get("output_path"), scope, False))
                    if out_path and (filename is None or _ARCHIVE_REF.search(filename)):
                        filename = out_path
                    src = _str(_resolve(arch.get("source_dir"), scope, False))
                    if src and not patterns.is_symbolic(src):
                        code_uri = patterns.join(d.dir, src)
                    break
            s3_key, filename = _uploaded(d, objects, s3_key, filename)
            address = f"{block.labels[0]}.{name}"
            out.append(LayerConfig(
                resource=name,
                span=_first_line(f, block),
                origin="terraform",
                refs=[f"${{{address}.{attr}}}" for attr in ("arn", "id")],
                layer_name=_str(_resolve(body.get("layer_name"), scope, False)),
                filename=filename,
                s3_key=s3_key,
                code_uri=code_uri,
                compatible_runtimes=_str_list(_resolve(body.get("compatible_runtimes"), scope, False)),
            ))
    return out


def _for_each_items(body: dict[str, Any], scope: dict[str, Any]) -> list[tuple[str, Any]] | None:
    """The instances of a ``for_each`` resource, when the collection is written literally
    or in a variable default / local (``toset(local.names)``, ``local.lambdas``)."""
    fe = body.get("for_each")
    if fe is None:
        return None
    if isinstance(fe, str):
        m = _CONVERSION.fullmatch(fe)
        if m:  # toset(local.x) / toset(["a", "b"]): the conversion changes nothing here
            inner = m.group(1).strip()
            names = re.findall(r'"([^"]+)"', inner)
            fe = [*names] if inner.startswith("[") else "${" + inner + "}"
    fe = _resolve(fe, scope, full=False)
    if isinstance(fe, dict):
        return list(fe.items())
    if isinstance(fe, list):
        return [(s, s) for s in _str_list(fe)]
    return []


def _subst_each(val: Any, key: str, item: Any) -> Any:
    if isinstance(val, dict):
        return {k: _subst_each(v, key, item) for k, v in val.items()}
    if isinstance(val, list):
        return [_subst_each(v, key, item) for v in val]
    if not isinstance(val, str):
        return val

    def lookup(m: re.Match[str]) -> str:
        if m.group(1) == "key":
            return key
        cur: Any = item
        for part in re.findall(r'\.([A-Za-z_][A-Za-z0-9_]*)|\["([^"]*)"\]', m.group(2)):
            attr = part[0] or part[1]
            cur = cur.get(attr) if isinstance(cur, dict) else None
        return cur if isinstance(cur, str) else m.group(0)

    whole = _EACH.fullmatch(val)
    if whole and whole.group(1) == "value" and not whole.group(2) and not isinstance(item, str):
        return item
    return _EACH.sub(lookup, val)


def _function_configs(
    d: TfModuleDir, f: TfFile, block: hcl.Block,
    archives: dict[str, dict[str, Any]], objects: dict[str, dict[str, Any]], module: bool,
) -> list[HandlerConfig]:
    name, body = block.labels[-1], block.body()
    items = _for_each_items(body, d.scope)
    if items is None:
        cfg = _function_config(d, f, name, body, block, archives, objects, module)
        return [cfg] if cfg else []
    out = []
    for key, item in items:
        cfg = _function_config(d, f, f'{name}["{key}"]', _subst_each(body, key, item), block,
                               archives, objects, module)
        if cfg:
            out.append(cfg)
    return out


def _function_config(
    d: TfModuleDir, f: TfFile, name: str, body: dict[str, Any], block: hcl.Block,
    archives: dict[str, dict[str, Any]], objects: dict[str, dict[str, Any]], module: bool,
) -> HandlerConfig | None:
    scope = d.scope
    raw_handler = body.get("handler")
    package_type = _str(_resolve(body.get("package_type"), scope, False)) or "Zip"
    image = package_type.lower() == "image" or "image_uri" in body
    image_command = None
    if image:
        command = _str_list(_resolve(_first_block(body, "image_config").get("command"), scope, False))
        image_command = command[0] if len(command) == 1 else None
        package_type = "Image"
    if raw_handler is None and not image:
        return None
    handler = _str(_resolve(raw_handler, scope, full=True)) if raw_handler is not None else (image_command or "")
    if handler is None:
        return None

    def get(key: str) -> str | None:
        return _str(_resolve(body.get(key), scope, full=False))

    filename = get("filename") or get("local_existing_package")
    s3_key = get("s3_key")
    s3_bucket = get("s3_bucket")
    code_uri: str | None = None
    patterns_: list[str] = []
    if module:
        s3_pkg = _resolve(body.get("s3_existing_package"), scope, False)
        if isinstance(s3_pkg, dict):
            s3_key = s3_key or _str(s3_pkg.get("key"))
        sp = _resolve(body.get("source_path"), scope, False)
        if isinstance(sp, list) and sp:
            sp = sp[0]
        if isinstance(sp, dict):
            sp = sp.get("path")
        if isinstance(sp, str) and not patterns.is_symbolic(sp):
            code_uri = patterns.join(d.dir, sp)
    # the archive Terraform builds itself
    for ref_src in (body.get("filename"), body.get("source_code_hash")):
        m = _ARCHIVE_REF.search(ref_src) if isinstance(ref_src, str) else None
        arch = _archive_instance(archives, m, name, scope) if m else None
        if arch is not None:
            out_path = _str(_resolve(arch.get("output_path"), scope, False))
            if out_path and (filename is None or _ARCHIVE_REF.search(filename)):
                filename = out_path
            src = _str(_resolve(arch.get("source_dir") or arch.get("source_file"), scope, False))
            if src and not patterns.is_symbolic(src):
                code_uri = patterns.join(d.dir, src)
            patterns_ = ["!" + e for e in _str_list(_resolve(arch.get("excludes"), scope, False))]
            break
    s3_key, filename = _uploaded(d, objects, s3_key, filename)
    env = _first_block(body, "environment").get("variables") if not module else body.get("environment_variables")
    env = _resolve(env, scope, False)
    environment = {k: s for k, v in env.items() if (s := _str(v)) is not None} if isinstance(env, dict) else {}
    span = _handler_span(f, d, block, handler)
    return HandlerConfig(
        handler=handler,
        span=span,
        origin="terraform",
        resource=name,
        runtime=_str(_resolve(body.get("runtime"), scope, full=True)),
        filename=filename,
        s3_key=s3_key,
        code_uri=code_uri,
        function_name=get("function_name"),
        architectures=_str_list(_resolve(body.get("architectures"), scope, False)),
        layers=_str_list(_resolve(body.get("layers"), scope, False)),
        layers_span=_span(f, attr.range.start, attr.range.end) if (attr := block.attributes.get("layers")) else None,
        environment=environment,
        environment_spans=_environment_spans(f, block, module, environment),
        package_type=package_type,
        s3_bucket=s3_bucket,
        patterns=patterns_,
        image_uri=_image_uri(body.get("image_uri"), scope) if image else None,
        image_command=image_command,
    )


def _archive_instance(archives: dict[str, dict[str, Any]], ref: re.Match[str], function: str,
                      scope: dict[str, Any]) -> dict[str, Any] | None:
    """The ``archive_file`` a reference names; for a ``for_each`` archive, the instance of
    the key written (``lambda_zip["api"]``) or of the function's own key (``[each.key]``)."""
    body = archives.get(ref.group(1))
    if body is None:
        return None
    items = _for_each_items(body, scope)
    if items is None:
        return body
    key = ref.group(2)
    if key is None and ref.group(3):
        own = re.search(r'\["([^"]*)"\]$', function)
        key = own.group(1) if own else None
    for k, item in items:
        if k == key:
            return dict(_subst_each(body, k, item))
    return None


def _first_line(f: TfFile, block: hcl.Block) -> Span:
    """The line that opens a block (``resource "aws_lambda_layer_version" "common" {``)."""
    start = block.range.start
    eol = f.doc.text.find("\n", start, block.range.end)
    return _span(f, start, (eol if eol > start else block.range.end))


def _environment_spans(f: TfFile, block: hcl.Block, module: bool, environment: dict[str, str]) -> dict[str, Span]:
    """Where each variable's value is written: inside ``environment { variables = {…} }``
    (a module call's ``environment_variables``), else the attribute that holds the map."""
    if not environment:
        return {}
    attr: hcl.Attribute | None = None
    if module:
        attr = block.attributes.get("environment_variables")
    else:
        nested = next((b for b in block.blocks if b.type == "environment"), None)
        attr = nested.attributes.get("variables") if nested is not None else None
    if attr is None:
        return {}
    text = f.doc.text[attr.range.start : attr.range.end]
    out: dict[str, Span] = {}
    for key in environment:
        m = re.search(r'(?:^|[\s{,])"?' + re.escape(key) + r'"?\s*[=:]\s*"([^"\n]*)"', text)
        if m is None:
            out[key] = _span(f, attr.range.start, attr.range.end)
            continue
        out[key] = _span(f, attr.range.start + m.start(1), attr.range.start + m.end(1))
    return out


def _uploaded(d: TfModuleDir, objects: dict[str, dict[str, Any]], s3_key: str | None,
              filename: str | None) -> tuple[str | None, str | None]:
    """The key and local zip of an ``aws_s3_object`` the ``s3_key`` refers to (Terraform
    uploads that zip itself), and the filename resolved against the module's folder."""
    scope = d.scope
    if s3_key and (m := _S3_OBJECT_REF.search(s3_key)):
        obj = objects.get(f"{m.group(1)}.{m.group(2)}")
        if obj:
            s3_key = _str(_resolve(obj.get("key"), scope, False)) or s3_key
            filename = filename or _str(_resolve(obj.get("source"), scope, False))
    if filename and not filename.startswith(("s3://", "$")):
        filename = patterns.join(d.dir, filename)
    return s3_key, filename


def _image_uri(raw: Any, scope: Any) -> str | None:
    """``image_uri``, resolved where its parts are known; a reference that stays
    (``${aws_ecr_repository.orders.repository_url}:latest``) keeps its resource name."""
    resolved = _str(_resolve(raw, scope, False))
    if resolved and not patterns.is_symbolic(resolved):
        return resolved
    return resolved or (raw if isinstance(raw, str) else None)


def _handler_span(f: TfFile, d: TfModuleDir, block: hcl.Block, handler: str) -> Span:
    """The handler's value: the string literal when it is written in place, else the
    literal it was resolved from (a variable default, a locals map), else the reference."""
    attr = block.attributes.get("handler")
    where = attr.range if attr is not None else None
    written = f.doc.text[where.start : where.end] if where is not None else ""
    if where is not None and len(written) >= 2 and written[0] == written[-1] == '"' and "${" not in written:
        return _span(f, where.start + 1, where.end - 1)
    if not patterns.is_symbolic(handler):
        needle = f'"{handler}"'
        for other in [f, *[g for g in d.files if g is not f]]:
            pos = other.doc.text.find(needle)
            if pos >= 0:
                return _span(other, pos + 1, pos + 1 + len(handler))
    if where is not None:
        return _span(f, where.start, where.end)
    return _span(f, block.range.start, block.range.start + 1)


def _span(f: TfFile, start: int, end: int) -> Span:
    line, col = f.doc.position(start)
    end_line, end_col = f.doc.position(max(end, start))
    return Span(f.path, line, col, end_line, end_col)
