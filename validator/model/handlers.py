"""Handler configurations found in the repository and their links to packages."""

from __future__ import annotations

from dataclasses import dataclass, field

from validator.model.base import Record
from validator.model.findings import Span

#: the Serverless plugin that installs a service's requirements (into each archive, or into a layer)
PYTHON_REQUIREMENTS = "serverless-python-requirements"


@dataclass(eq=False, repr=False)
class SlsPattern(Record):
    """One glob of a serverless.yml packaging list, as written, and where."""

    text: str  # ``!**/*``, ``utils/**``
    span: Span
    #: which list: ``package.patterns``, ``package.include`` or ``package.exclude`` of the
    #: service (``service``) or of the function (``function``)
    source: str  # "patterns", "include", "exclude"
    level: str  # "service", "function"

    def describe(self) -> str:
        owner = "the service's" if self.level == "service" else "the function's"
        return f"`{self.text}` in {owner} package.{self.source} ({self.span.path}:{self.span.line})"


@dataclass(eq=False, repr=False)
class ServerlessPackaging(Record):
    """How ``serverless package``/``deploy`` zips one function, read from serverless.yml
    (the Framework's rules are applied in ``validator.sources.serverless``)."""

    service: str  # ``service:`` (may stay symbolic)
    service_dir: str  # repository-relative folder of serverless.yml ("" = the root)
    config_file: str  # ``serverless.yml``: the Framework leaves its own file out
    individually: bool  # ``package.individually`` of the service or of the function
    #: the archive the Framework writes (repository-relative): ``.serverless/<function>.zip``
    #: individually, ``.serverless/<service>.zip`` otherwise
    artifact: str
    include: list[SlsPattern] = field(default_factory=list)  # include + patterns, service then function
    exclude: list[SlsPattern] = field(default_factory=list)  # package.exclude, service then function
    #: excludes the Framework adds itself besides its defaults: ``plugins.localPath``, each
    #: layer's ``<path>/**``, ``.env*`` with ``useDotenv``
    extra_excludes: list[str] = field(default_factory=list)
    plugins: list[str] = field(default_factory=list)  # ``plugins:`` (modules), in order
    plugin_spans: dict[str, Span] = field(default_factory=dict)  # where each plugin is listed
    #: the function's ``module:`` (serverless-python-requirements), as written, when the
    #: service's ``package.individually`` is set (the plugin reads it only then)
    module: str | None = None
    #: serverless-python-requirements' ``custom.pythonRequirements.fileName``
    requirements_name: str = "requirements.txt"
    #: serverless-python-requirements builds a layer (``custom.pythonRequirements.layer``):
    #: it then injects nothing into the archive and moves no ``module:`` up
    requirements_layer: bool = False
    #: why the archive cannot be reconstructed exactly (a pattern with a variable); empty
    #: when it can, and where that is written
    unknown: str = ""
    unknown_span: Span | None = None
    span: Span | None = None  # the ``package:`` setting that decides the archive


@dataclass(eq=False, repr=False)
class HandlerConfig(Record):
    """A handler string declared somewhere (Terraform, SAM, serverless, CLI, pyproject)."""

    handler: str  # ``handler.lambda_handler``, ``src/lambdas/x/handler.main``
    span: Span  # where it is set
    origin: str  # "terraform", "sam", "serverless", "cli", "config"
    resource: str  # resource / function / module name (``ingestion``, ``IngestionFunction``)
    runtime: str | None = None  # ``python3.12``
    filename: str | None = None  # Terraform ``filename`` / CLI ``--zip-file``
    s3_key: str | None = None
    code_uri: str | None = None  # SAM CodeUri / serverless path / archive_file source_dir
    function_name: str | None = None
    architectures: list[str] = field(default_factory=list)
    layers: list[str] = field(default_factory=list)
    layers_span: Span | None = None  # where the layer list is written
    environment: dict[str, str] = field(default_factory=dict)
    #: where each environment variable's value is written (``PYTHONPATH = "…"``)
    environment_spans: dict[str, Span] = field(default_factory=dict)
    s3_bucket: str | None = None
    #: "Zip" or "Image"; an image function's handler is checked against its image, not a ZIP
    package_type: str = "Zip"
    #: serverless ``package.patterns`` (ordered, ``!`` excludes) or archive_file ``excludes`` as ``!glob``
    patterns: list[str] = field(default_factory=list)
    #: image functions: Terraform ``image_uri`` / SAM ``ImageUri``
    image_uri: str | None = None
    #: ``image_config.command`` / ``ImageConfig.Command``: overrides the Dockerfile's CMD
    image_command: str | None = None
    #: SAM ``Metadata``: the image ``sam build`` builds (repository-relative)
    dockerfile: str | None = None
    docker_context: str | None = None
    #: SAM ``Metadata`` of an image function: ``DockerBuildArgs``, ``DockerBuildTarget``, ``DockerTag``
    docker_build_args: dict[str, str] = field(default_factory=dict)
    docker_target: str | None = None
    docker_tag: str | None = None
    #: serverless functions the Framework packages itself (no ``package.artifact``)
    serverless: ServerlessPackaging | None = None


@dataclass(eq=False, repr=False)
class HandlerLink(Record):
    """The handler a package is checked against, and how that link was made."""

    handler: str
    how: str  # "config", "zip-file", "s3-key", "name", "inferred"
    explanation: str  # human words: "s3_key packages/ingestion.zip in infrastructure/main.tf:40"
    config: HandlerConfig | None = None
    inferred: bool = False  # chosen from the tree; LPK-002 must not fire on it
    #: other functions deployed from the same archive with other handlers (one serverless
    #: artifact, one zip for several Terraform functions); each deserves the same checks
    also: list[HandlerConfig] = field(default_factory=list)
    #: for an image: the declared function it links through (``config`` is that function
    #: with the handler and runtime the image gives it)
    function: HandlerConfig | None = None


@dataclass(eq=False, repr=False)
class LayerConfig(Record):
    """A Lambda layer declared in the infrastructure code (Terraform
    ``aws_lambda_layer_version``, SAM/CloudFormation ``LayerVersion``, a serverless
    ``layers:`` entry) or published by ``aws lambda publish-layer-version``."""

    resource: str  # ``common`` (Terraform label), ``CommonLayer`` (logical id), ``--layer-name``
    span: Span  # the declaration (the resource's first line, the publish command)
    origin: str  # "terraform", "sam", "serverless", "cli"
    #: the texts a function's layer list names it by (``${aws_lambda_layer_version.common.arn}``,
    #: ``${CommonLayer}``); compared as written
    refs: list[str] = field(default_factory=list)
    layer_name: str | None = None
    filename: str | None = None  # the archive it is deployed from (repository-relative when local)
    s3_key: str | None = None
    #: the folder the tool zips itself (archive_file ``source_dir``, SAM ``ContentUri``, serverless ``path``)
    code_uri: str | None = None
    compatible_runtimes: list[str] = field(default_factory=list)
    #: SAM ``Metadata.BuildMethod``: ``sam build`` builds the layer (python3.X puts it under ``python/``)
    build_method: str | None = None
    #: the requirements file a build tool installs into the layer's ``python/``
    #: (serverless-python-requirements' layer); repository-relative
    requirements: str | None = None
    #: the archive that build tool writes (repository-relative)
    built_archive: str | None = None
    #: why what that build tool puts into the layer is not known ("" when it is)
    unknown: str = ""
