"""What the simulation builds: packages, their files and where each came from, deploys."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from validator.model.archives import InstalledDist, NativeModule
from validator.model.base import Record
from validator.model.findings import Span
from validator.model.images import ImageBuild
from validator.model.requirements import ReqSet


class FileKind(str, enum.Enum):
    """What a file in a reconstructed package is."""

    SOURCE = "source"  # copied from a repository file (``PackageFile.source`` is set)
    INSTALLED = "installed"  # put there by ``pip install -t`` (content unknown)
    GENERATED = "generated"  # written by the script (``echo > x``, ``touch``), content unknown
    SYMBOLIC = "symbolic"  # a path with an unresolved part (``${SHA}``); content unknown


@dataclass(eq=False, repr=False)
class PackageFile(Record):
    """A file inside a package, with where it came from and which workflow line put it there."""

    path: str  # path inside the archive, POSIX, no leading "/"
    kind: FileKind
    source: str | None = None  # repository-relative source file, for SOURCE
    origin: Span | None = None  # the command (cp, pip, echo …) that placed it


@dataclass(eq=False, repr=False)
class PipInstall(Record):
    """One ``pip install -t DIR`` that fed a package: which names it installed under which prefix."""

    prefix: str  # directory inside the archive the target maps to ("" = archive root)
    requirements: list[str]  # distribution names as written (``requests``, ``PyYAML==6``), or -r files
    requirement_files: list[str]  # repository-relative ``-r`` files
    span: Span
    options: dict[str, str] = field(default_factory=dict)  # --platform, --python-version …
    #: every requirement, parsed: operands, ``-r`` files (nested), local projects' dependencies
    reqs: ReqSet = field(default_factory=ReqSet)
    runner: str | None = None  # the job's ``runs-on``
    setup_python: str | None = None  # ``python-version`` of an earlier ``actions/setup-python`` step
    #: the container image pip ran in (``docker run … IMAGE pip install``), if any
    image: str | None = None
    image_platform: str | None = None  # ``docker run --platform linux/arm64``
    job_key: str = ""
    tool: str = "pip"  # "pip", or "uv" for ``uv pip install`` (other platform flags, no refusal)
    #: requirements files a command of the workflow wrote -> (what wrote them: ``poetry export
    #: from poetry.lock (main)``, the command's file and line)
    generated: dict[str, tuple[str, str, int]] = field(default_factory=dict)


@dataclass(eq=False, repr=False)
class CopyRecord(Record):
    """A copy-like command (cp, mv, rsync) as the simulator resolved it.

    ``placed`` maps each repository source file to the virtual path (absolute in the
    virtual file system) it was written to, so rules can tell where a directory's
    files went.  ``failed`` holds the reason when the command would fail in CI.
    """

    command: str  # "cp", "mv", "rsync"
    span: Span  # the whole command in the workflow
    sources: list[str]  # the source operands after expansion (virtual absolute paths)
    target: str  # the target operand (virtual absolute path)
    recursive: bool
    placed: dict[str, str] = field(default_factory=dict)  # repo source -> virtual destination
    failed: str | None = None  # "missing-source", "missing-target-dir", …
    failure_detail: str = ""
    missing: str | None = None  # the first source that does not exist (virtual path), for missing sources
    step_key: str = ""  # identifies the run step (workflow:job:step-index:matrix)
    job_key: str = ""  # ``JobRun.key`` of the job run it happened in
    loop_context: str | None = None  # "for name in …" / function name, when inside one
    statement: tuple[int, int] = (0, 0)  # script offsets of the command (for fixes)
    #: a failure ends the step: ``set -e`` is on and nothing tests the command's status
    #: (not an ``if``/``while`` condition, a non-final ``&&``/``||`` item, ``!``, ``find -exec … ;``)
    stops: bool = True


@dataclass(eq=False, repr=False)
class Exclusion(Record):
    """A packaging rule that left a repository file out of a package."""

    rule: str  # in words: "`!common/pdf/**` in the function's package.patterns (serverless.yml:29)"
    span: Span | None = None  # where the rule is written (None: a default of the tool)


@dataclass(eq=False, repr=False)
class Package(Record):
    """The reconstructed tree of one Lambda ZIP (or a layer), and how it was built."""

    name: str  # short name: zip stem without version suffixes (``ingestion``)
    archive: str  # archive path as written, variables symbolic (``packages/ingestion-${SHA}.zip``)
    span: Span  # the ``zip`` (or other building) command
    files: dict[str, PackageFile] = field(default_factory=dict)  # archive path -> file
    pip_installs: list[PipInstall] = field(default_factory=list)
    job: str = ""
    matrix: dict[str, str] = field(default_factory=dict)
    workflow: str = ""
    #: the virtual directory the archive root corresponds to (``/w/packages/x-build``), if any
    root_dir: str | None = None
    copies: list[CopyRecord] = field(default_factory=list)  # copies that fed this package
    is_layer: bool = False
    step_key: str = ""  # the run step of the ``zip`` (same format as ``CopyRecord.step_key``)
    #: built by a step the tool cannot model (only the deploy reference is known)
    opaque: bool = False
    opaque_reason: str = ""
    #: the archive a deploy reads is never created (the deploy command fails): why
    never_built: str = ""
    #: why the reconstructed tree may miss files (an unmodelled command wrote into a zipped
    #: folder); absence-based errors are not judged on it, LPK-000 says why
    incomplete: str = ""
    incomplete_span: Span | None = None  # where the cause of ``incomplete`` is written, when known
    #: an archive with no Python code that no workflow step deploys: a Lambda package only
    #: when the IaC deploys it by path (Terraform ``filename``/``s3_key``, SAM ``CodeUri``)
    candidate: bool = False
    #: distributions whose ``*.dist-info`` the package holds (read from a real archive)
    installed: list[InstalledDist] = field(default_factory=list)
    #: extension modules with the ABI and platform their names say (read from a real archive)
    native: list[NativeModule] = field(default_factory=list)
    #: top-level modules that layers attached to the function provide -> the layer that does
    provided: dict[str, str] = field(default_factory=dict)
    #: what the package was read from: "" simulated from a workflow, "archive", "directory"
    built: str = ""
    runtime: str = ""  # ``--runtime`` given for a real archive (``python3.12``)
    architecture: str = ""  # ``--architecture`` given for a real archive
    #: a container image the workflow builds: its files are those under the task root
    image: ImageBuild | None = None
    #: repository files the packaging rules of an infrastructure tool left out (serverless
    #: ``package.patterns``) -> the rule that did
    left_out: dict[str, Exclusion] = field(default_factory=dict)

    @property
    def job_ref(self) -> str:
        """``workflow-path:job-id``, as ``Unmodelled.job`` and ``DeployRef.job`` name jobs."""
        return f"{self.workflow}:{self.job}"

    def has_dir(self, path: str) -> bool:
        prefix = path.rstrip("/") + "/"
        return any(p.startswith(prefix) for p in self.files)


@dataclass(eq=False, repr=False)
class DeployRef(Record):
    """A place where an archive leaves the build: S3 upload, ``update-function-code``, SAM …"""

    archive: str  # archive path as written (symbolic parts kept)
    kind: str  # "s3", "zip-file", "create-function", "s3-key", "layer", "configuration", "image"
    span: Span
    s3_key: str | None = None
    function_name: str | None = None
    handler: str | None = None  # ``--handler`` when the command sets one
    resolved: bool = False  # the archive was found among simulated packages
    job: str = ""  # ``workflow-path:job-id`` of the job that deploys it
    image_uri: str | None = None  # ``update-function-code --image-uri`` / ``--code ImageUri=``
    #: how the handler is given when not by ``--handler`` (``the repository_dispatch payload``)
    handler_source: str = ""
    #: set when no step can have created the archive by the time it is read: why, and what
    #: the job built instead ("" while it may exist)
    never_built: str = ""
    layer_name: str | None = None  # ``publish-layer-version --layer-name``
    compatible_runtimes: list[str] = field(default_factory=list)  # ``--compatible-runtimes``
    #: ``--layers`` of ``update-function-configuration``/``create-function``: (as written, expanded)
    layers: list[tuple[str, str]] = field(default_factory=list)
    #: the variable a ``VAR=$(aws lambda publish-layer-version …)`` assigns the output to
    assigned_to: str | None = None
    #: ``--environment Variables={K=V,…}`` (literal values only)
    environment: dict[str, str] = field(default_factory=dict)


@dataclass(eq=False, repr=False)
class Unmodelled(Record):
    """Part of a script the tool could not read or model (becomes LPK-000 when it matters)."""

    span: Span
    reason: str
    could_touch_package: bool = True
    #: ``workflow-path:job-id`` of the job it was met in ("" for the workflow as a whole):
    #: LPK-000 speaks only of jobs that build or deploy a Lambda package
    job: str = ""


@dataclass(eq=False, repr=False)
class SimulationResult(Record):
    """Everything the packaging simulation learned from one workflow file."""

    packages: list[Package] = field(default_factory=list)
    copies: list[CopyRecord] = field(default_factory=list)
    deploys: list[DeployRef] = field(default_factory=list)
    unmodelled: list[Unmodelled] = field(default_factory=list)
    #: repository shell scripts the workflow runs (``bash scripts/package.sh``), followed
    scripts: list[str] = field(default_factory=list)
