"""Which archive is which layer, and which layers each function attaches.

A layer is declared in the infrastructure code (Terraform ``aws_lambda_layer_version``,
SAM ``LayerVersion``, a serverless ``layers:`` entry) or published by ``aws lambda
publish-layer-version``; its archive is the package the workflow builds at the path the
declaration names (``filename``, ``ContentUri``, ``--zip-file``, an S3 upload under its
``s3_key``).  A function attaches layers by reference: Terraform
``layers = [aws_lambda_layer_version.deps.arn]``, SAM ``Layers: [!Ref DepsLayer]``,
serverless ``layers: [{Ref: DepsLambdaLayer}]``, or ``aws lambda
update-function-configuration --function-name F --layers "$LAYER_ARN"`` where
``LAYER_ARN=$(aws lambda publish-layer-version …)``; an ARN that spells a declared
layer's name (``…:layer:deps:3``) names it too.  A reference tied to nothing here is an
attachment of unknown content (a public layer, a variable), never a missing one.
"""

from __future__ import annotations

import posixpath
import re

from validator.handlers import patterns
from validator.handlers.link import same_archive, same_key
from validator.model import DeployRef, HandlerLink, LayerConfig, Package, Span
from validator.model.dists import runtime_version
from validator.model.layers import EnvSetting, Layer, LayerAttachment, scan_layer
from validator.model.repo import Repo

_ORIGIN = {"terraform": "Terraform", "sam": "template", "serverless": "serverless layer", "cli": "aws lambda"}
_VARIABLE = re.compile(r'^["\']?\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?["\']?$')
_ARN_NAME = re.compile(r":layer:([A-Za-z0-9_-]+)(?::(?:\d+|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?))?$")
_LAYER_NAME_OPTION = re.compile(r"--layer-name[= ]+[\"']?([A-Za-z0-9_-]+)")
#: deploys that put a function's code in place (``--function-name`` names the function)
_CODE_DEPLOYS = ("zip-file", "create-function", "s3-key")
#: deploys that set a function's configuration (``--layers``, ``--environment``)
_CONFIG_DEPLOYS = ("configuration", "create-function")


def describe(config: LayerConfig) -> str:
    return f"{_ORIGIN.get(config.origin, config.origin)} {config.resource} ({config.span.path}:{config.span.line})"


class LayerLinker:
    """The layers of one analysis, tied to their archives, and the attachments of each function.

    Building it marks every package a layer declaration or a ``publish-layer-version``
    names as a layer (``Package.is_layer``), so that no handler is looked for in it."""

    def __init__(self, packages: list[Package], configs: list[LayerConfig], deploys: list[DeployRef],
                 repo: Repo | None = None) -> None:
        self.repo = repo
        self.deploys = deploys
        self.layers: list[Layer] = []
        self._published: dict[int, DeployRef] = {}  # id(layer) -> its publish-layer-version
        for config in configs:
            package = _declared_package(config, packages, deploys)
            self._add(Layer(_layer_name(config, package), config, package))
        for d in deploys:
            if d.kind != "layer":
                continue
            package = next((p for p in packages if p.archive == d.archive), None) or next(
                (p for p in packages if d.archive and same_archive(d.archive, p.archive)), None)
            config = LayerConfig(resource=d.layer_name or (package.name if package is not None else d.archive),
                                 span=d.span, origin="cli", layer_name=d.layer_name, filename=d.archive or None,
                                 compatible_runtimes=list(d.compatible_runtimes))
            layer = Layer(_layer_name(config, package), config, package)
            self._published[id(layer)] = d
            self._add(layer)
        declared = {id(layer.package) for layer in self.layers if layer.package is not None}
        for p in packages:
            if p.is_layer and id(p) not in declared:
                self.layers.append(Layer(p.name, None, p))

    def _add(self, layer: Layer) -> None:
        if layer.package is not None:
            layer.package.is_layer = True
        self.layers.append(layer)

    def adopt(self, layer: Layer, package: Package) -> None:
        """A layer's archive built by the infrastructure tool from a repository folder."""
        layer.package = package
        package.is_layer = True

    # ------------------------------------------------------------------ attachments

    def attach(self, package: Package, link: HandlerLink | None) -> tuple[list[LayerAttachment], EnvSetting | None]:
        """The layers the function(s) deployed from ``package`` attach (its configuration's
        list, then the ``--layers`` the workflow sets), and the ``PYTHONPATH`` it sets."""
        if package.is_layer or package.image is not None or link is None:
            return [], None  # (container images cannot use layers)
        config = link.config
        python = runtime_version(config.runtime) if config is not None else None
        out: list[LayerAttachment] = []
        pythonpath: EnvSetting | None = None
        if config is not None:
            for ref in config.layers:
                layer, how = self._by_reference(ref, config.origin, config.span.path)
                out.append(self._attachment(ref, config.layers_span or config.span, layer, how, python))
            value = config.environment.get("PYTHONPATH")
            if value is not None and value.strip() and not patterns.is_symbolic(value):
                pythonpath = EnvSetting(value, config.environment_spans.get("PYTHONPATH", config.span))
        names = self._function_names(package, link)
        for d in self.deploys:
            if d.kind not in _CONFIG_DEPLOYS or not d.function_name or not _same_function(d.function_name, names):
                continue
            for raw, expanded in d.layers:
                layer, how = self._by_cli_value(raw, expanded, d)
                if layer is not None and any(a.layer is layer for a in out):
                    continue
                out.append(self._attachment(raw, d.span, layer, how, python))
            value = d.environment.get("PYTHONPATH")
            if value is not None and value.strip():
                pythonpath = EnvSetting(value, d.span)
        return out, pythonpath

    def _attachment(self, ref: str, span: Span, layer: Layer | None, how: str, python: str | None) -> LayerAttachment:
        scan = scan_layer(layer.package, python, self.repo) if layer is not None and layer.package is not None else None
        return LayerAttachment(ref=ref, span=span, layer=layer, how=how, scan=scan)

    def _by_reference(self, ref: str, origin: str, path: str) -> tuple[Layer | None, str]:
        """The declared layer a configuration's layer entry names: the reference a layer of
        the same Terraform directory or serverless service folder (or the same template)
        answers to, else its name in an ARN."""
        by_folder = origin in ("terraform", "serverless")  # (a serverless function may be written in routes.yml)
        scope = posixpath.dirname(path) if by_folder else path
        for layer in self.layers:
            c = layer.config
            if c is None or c.origin != origin or ref not in c.refs:
                continue
            if (posixpath.dirname(c.span.path) if by_folder else c.span.path) == scope:
                return layer, f"{ref} is {describe(c)}"
        return self._by_name(_arn_name(ref), f"the ARN {ref}")

    def _by_name(self, name: str | None, what: str) -> tuple[Layer | None, str]:
        if not name:
            return None, ""
        found = [layer for layer in self.layers if layer.config is not None and layer.config.layer_name == name]
        if len({id(layer.package) for layer in found}) == 1:
            c = found[0].config
            assert c is not None
            return found[0], f"{what} names layer {name}, {describe(c)}"
        return None, ""

    def _by_cli_value(self, raw: str, expanded: str, d: DeployRef) -> tuple[Layer | None, str]:
        """``--layers "$LAYER_ARN"`` after ``LAYER_ARN=$(aws lambda publish-layer-version …)``
        in the same job; else the layer name the value spells (an ARN, ``--layer-name N``)."""
        var = _VARIABLE.match(raw.strip())
        if var is not None:
            for layer in self.layers:
                published = self._published.get(id(layer))
                if published is not None and published.assigned_to == var.group(1) and published.job == d.job:
                    return layer, (f"${var.group(1)} holds the ARN that {published.span.path}:"
                                   f"{published.span.line} publishes")
        m = _LAYER_NAME_OPTION.search(expanded)
        if m is not None:
            return self._by_name(m.group(1), "the --layers value")
        return self._by_name(_arn_name(expanded), f"the ARN {expanded}")

    def _function_names(self, package: Package, link: HandlerLink) -> list[str]:
        """The function names the package is deployed to: ``--function-name`` of the deploys
        that ship it, and the configuration's own name."""
        names = [d.function_name for d in self.deploys
                 if d.kind in _CODE_DEPLOYS and d.function_name and d.archive
                 and (d.archive == package.archive or same_archive(d.archive, package.archive))]
        names += [d.function_name for d in self.deploys
                  if d.kind == "s3-key" and d.function_name and d.s3_key and any(
                      u.s3_key and u.archive == package.archive and same_key(u.s3_key, d.s3_key)[0]
                      for u in self.deploys if u.kind == "s3")]
        if link.config is not None and link.config.function_name:
            names.append(link.config.function_name)
        return list(dict.fromkeys(names))


def _layer_name(config: LayerConfig, package: Package | None) -> str:
    if config.layer_name and not patterns.is_symbolic(config.layer_name):
        return config.layer_name
    if config.origin == "cli" and package is not None:
        return package.name
    return config.resource


def _arn_name(text: str) -> str | None:
    m = _ARN_NAME.search(text.strip().strip("\"'"))
    return m.group(1) if m else None


def _same_function(name: str, names: list[str]) -> bool:
    return any(name == n or (patterns.names_equal(patterns.name_tokens(name), patterns.name_tokens(n))
                             and patterns.matches(name, n)) for n in names)


def _declared_package(config: LayerConfig, packages: list[Package], deploys: list[DeployRef]) -> Package | None:
    """The workflow package a layer declaration deploys: its ``filename`` (or ``ContentUri``
    zip), the folder it zips, or the S3 upload its ``s3_key`` names."""
    if config.filename and not config.filename.startswith("s3://"):
        for p in packages:
            if same_archive(config.filename, p.archive) and patterns.path_tail_matches(config.filename, p.archive):
                return p
    if config.code_uri:
        want = patterns.norm_path(config.code_uri).strip("/")
        for p in packages:
            root = patterns.norm_path(p.root_dir or "").strip("/")
            if want and root and (root == want or root.endswith("/" + want)):
                return p
    if config.s3_key:
        for d in deploys:
            if d.kind == "s3" and d.s3_key and d.archive and same_key(d.s3_key, config.s3_key)[0]:
                uploaded = next((p for p in packages if p.archive == d.archive), None)
                if uploaded is not None:
                    return uploaded
    return None
