"""Plain data passed between the stages of the analysis.

Every stage (workflow reader, shell front end, simulator, handler linkage, import
closure, rules, reporters) takes and returns these dataclasses, so a stage can be
tested alone and no rule ever re-parses anything.

Paths are POSIX strings relative to the repository root unless a field says
otherwise; lines and columns are 1-based; an ``end_column`` is exclusive.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from validator.records import FrozenRecord, Record


class Severity(str, enum.Enum):
    """How bad a finding is; only errors make the exit status 1."""

    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, eq=False, repr=False)
class Span(FrozenRecord):
    """A range in a file of the repository (the file the user edits)."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, eq=False, repr=False)
class Related(FrozenRecord):
    """A second place that explains a finding (the import that needs a file, the handler setting)."""

    path: str
    line: int
    message: str
    column: int = 1


class Applicability(str, enum.Enum):
    """Whether a fix is applied by default (safe) or only with ``--unsafe-fixes``."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, eq=False, repr=False)
class Edit(FrozenRecord):
    """Replace ``text[start:end]`` of a file with ``content`` (offsets into the original text)."""

    path: str
    start: int
    end: int
    content: str


@dataclass(eq=False, repr=False)
class Fix(Record):
    """A proposed correction of the workflow: byte edits on the original file."""

    title: str
    edits: list[Edit]
    applicability: Applicability = Applicability.SAFE


@dataclass(eq=False, repr=False)
class Finding(Record):
    """One problem, reported at the workflow line that caused it."""

    code: str
    message: str
    span: Span
    severity: Severity
    package: str | None = None
    related: list[Related] = field(default_factory=list)
    hint: str | None = None
    fix: Fix | None = None
    #: a fix exists in principle but was declined; the reason is shown to the user
    fix_declined: str | None = None

    # The Python API contract (``.id``, ``.file``, ``.line``) that existing scripts call.
    @property
    def id(self) -> str:
        return self.code

    @property
    def file(self) -> str:
        return self.span.path

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def column(self) -> int:
        return self.span.column

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.span.path, self.span.line, self.span.column, self.code, self.package or "")


# --------------------------------------------------------------------------- packages


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
    suggestion: str | None = None  # closest existing repository path, for missing sources
    step_key: str = ""  # identifies the run step (workflow:job:step-index:matrix)
    job_key: str = ""  # ``JobRun.key`` of the job run it happened in
    loop_context: str | None = None  # "for name in …" / function name, when inside one
    statement: tuple[int, int] = (0, 0)  # script offsets of the command (for fixes)


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
    #: why the reconstructed tree may miss files (an unmodelled command wrote into a zipped
    #: folder); absence-based errors are not judged on it, LPK-000 says why
    incomplete: str = ""

    def has_dir(self, path: str) -> bool:
        prefix = path.rstrip("/") + "/"
        return any(p.startswith(prefix) for p in self.files)


@dataclass(eq=False, repr=False)
class DeployRef(Record):
    """A place where an archive leaves the build: S3 upload, ``update-function-code``, SAM …"""

    archive: str  # archive path as written (symbolic parts kept)
    kind: str  # "s3", "zip-file", "create-function", "s3-key"
    span: Span
    s3_key: str | None = None
    function_name: str | None = None
    handler: str | None = None  # ``--handler`` when the command sets one
    resolved: bool = False  # the archive was found among simulated packages


@dataclass(eq=False, repr=False)
class Unmodelled(Record):
    """Part of a script the tool could not read or model (becomes LPK-000 when it matters)."""

    span: Span
    reason: str
    could_touch_package: bool = True


@dataclass(eq=False, repr=False)
class SimulationResult(Record):
    """Everything the packaging simulation learned from one workflow file."""

    packages: list[Package] = field(default_factory=list)
    copies: list[CopyRecord] = field(default_factory=list)
    deploys: list[DeployRef] = field(default_factory=list)
    unmodelled: list[Unmodelled] = field(default_factory=list)
    #: repository shell scripts the workflow runs (``bash scripts/package.sh``), followed
    scripts: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- handlers


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
    environment: dict[str, str] = field(default_factory=dict)
    s3_bucket: str | None = None
    #: "Zip" or "Image"; an image function's handler is checked against its image, not a ZIP
    package_type: str = "Zip"
    #: serverless ``package.patterns`` (ordered, ``!`` excludes) or archive_file ``excludes`` as ``!glob``
    patterns: list[str] = field(default_factory=list)


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


# --------------------------------------------------------------------------- imports


@dataclass(eq=False, repr=False)
class ImportSite(Record):
    """One import statement (or ``importlib.import_module`` call) in a source file."""

    module: str  # absolute dotted name it asks for (after resolving relative levels)
    path: str  # repository-relative source file
    line: int
    text: str  # as written: ``from src.lambdas.ingestion.alerting import send``
    level: int = 0  # relative import level (0 = absolute)
    in_function: bool = False  # runs only when the function is called
    optional: bool = False  # inside try/except ImportError with a fallback that needs nothing
    alternatives: tuple[str, ...] = ()  # other branches of a try/except ImportError chain


@dataclass(eq=False, repr=False)
class UnresolvedImport(Record):
    """A first-party module the handler reaches that is not in the package at its import path."""

    site: ImportSite
    module: str  # the module that failed (may be a parent of site.module)
    chain: list[str]  # handler module -> … -> importing module
    #: repository file that holds this module (where the code really is), if known
    repo_path: str | None = None
    reason: str = ""  # "missing", "relative-import-in-top-level-module"


@dataclass(eq=False, repr=False)
class ThirdPartyLeaf(Record):
    """A non-first-party module the closure needs: checked by LPK-005, kept in the model now."""

    module: str
    site: ImportSite
    chain: list[str]
    provided_by: str | None = None  # "stdlib", "runtime", "pip", None = not provided


@dataclass(eq=False, repr=False)
class ImportClosure(Record):
    """The handler's import closure inside one package."""

    handler_module: str  # dotted (``src.lambdas.ingestion.handler``)
    handler_file: str | None  # archive path of the module file, None when missing
    handler_function_found: bool | None  # None when the module is missing or unparseable
    modules: dict[str, str] = field(default_factory=dict)  # reached module -> archive path
    unresolved: list[UnresolvedImport] = field(default_factory=list)
    third_party: list[ThirdPartyLeaf] = field(default_factory=list)
    extra_roots: list[str] = field(default_factory=list)  # sys.path additions (archive paths)
    problems: list[str] = field(default_factory=list)  # unparseable files etc.


# --------------------------------------------------------------------------- workflows


@dataclass(eq=False, repr=False)
class ScriptMap(Record):
    """Maps offsets in a ``run:`` script to positions in the workflow file.

    ``anchors`` is a sorted list of ``(script_offset, file_offset, line, column)``:
    the script character at ``script_offset`` sits at ``file_offset`` (character
    offset into the workflow text), ``line``/``column`` (1-based); the characters that
    follow it, up to the next anchor, follow it on the same line one by one.  A block
    scalar has one anchor per line; a quoted scalar one per escape and line break.
    """

    path: str
    anchors: list[tuple[int, int, int, int]]

    def _anchor(self, offset: int) -> tuple[int, int, int, int]:
        import bisect

        if not self.anchors:
            return (0, 0, 1, 1)
        i = bisect.bisect_right(self.anchors, (offset, float("inf"), 0, 0)) - 1
        return self.anchors[max(i, 0)]

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column) in the workflow file of the script character at ``offset``."""
        s_off, _f_off, line, col = self._anchor(offset)
        return line, col + max(offset - s_off, 0)

    def file_offset(self, offset: int) -> int:
        """Character offset into the workflow text of the script character at ``offset``."""
        s_off, f_off, _line, _col = self._anchor(offset)
        return f_off + max(offset - s_off, 0)

    def span(self, start: int, end: int) -> Span:
        """The workflow span of script characters ``start``..``end`` (end exclusive)."""
        line, col = self.position(start)
        end_line, end_col = self.position(max(end - 1, start))
        return Span(self.path, line, col, end_line, end_col + (1 if end > start else 0))


@dataclass(eq=False, repr=False)
class Step(Record):
    """One step of a job, as written (``${{ }}`` left in place)."""

    index: int  # 0-based position in the job's ``steps``
    line: int  # line of the step's first key
    name: str | None = None
    run: str | None = None  # the script, as YAML loads it
    script_map: ScriptMap | None = None
    run_style: str = ""  # "|", "|-", "|+", ">", ">-", "plain", "single", "double"
    run_line: int = 0  # line of the ``run:`` key
    uses: str | None = None
    with_: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)  # workflow + job + step env, merged
    working_directory: str | None = None  # step's, else job's, else workflow's default
    shell: str | None = None
    condition: str | None = None  # the step's ``if:``
    #: in a local composite action: its ``inputs`` as the calling step sets them (known
    #: values only) and the action's folder (``github.action_path``, a runner path)
    inputs: dict[str, str] = field(default_factory=dict)
    action_path: str | None = None


@dataclass(eq=False, repr=False)
class JobRun(Record):
    """A job under one matrix combination (a job without a matrix yields one)."""

    workflow: str  # repository-relative workflow path
    job_id: str
    line: int
    steps: list[Step] = field(default_factory=list)
    matrix: dict[str, str] = field(default_factory=dict)
    needs: list[str] = field(default_factory=list)
    runs_on: str | None = None
    env: dict[str, str] = field(default_factory=dict)  # workflow + job env

    @property
    def key(self) -> str:
        combo = ",".join(f"{k}={v}" for k, v in sorted(self.matrix.items()))
        return f"{self.job_id}[{combo}]" if combo else self.job_id


@dataclass(eq=False, repr=False)
class Workflow(Record):
    """A workflow file, read: every job run with its steps, and what could not be read."""

    path: str  # repository-relative
    text: str  # the file's text exactly as read (newlines kept)
    jobs: list[JobRun] = field(default_factory=list)
    problems: list[Unmodelled] = field(default_factory=list)
    #: local reusable workflows its jobs call (their jobs are among ``jobs``)
    calls: list[str] = field(default_factory=list)
    #: triggered only by ``workflow_call``: it runs when another workflow calls it
    reusable_only: bool = False


# --------------------------------------------------------------------------- results


@dataclass(eq=False, repr=False)
class PackageReport(Record):
    """One package with the handler it was checked against and its import closure."""

    package: Package
    link: HandlerLink | None = None
    closure: ImportClosure | None = None
    #: when the handler string misses its module but the module's file is in the package
    #: at another path: the closure computed from where it really is, so the imports that
    #: the same misplacement breaks are still seen
    fallback: ImportClosure | None = None

    def unresolved(self) -> list[UnresolvedImport]:
        """Unresolved imports of the closure and of the fallback closure."""
        found = list(self.closure.unresolved) if self.closure else []
        if self.fallback is not None:
            known = {(u.module, u.site.path, u.site.module) for u in found}
            found += [u for u in self.fallback.unresolved if (u.module, u.site.path, u.site.module) not in known]
        return found


@dataclass(eq=False, repr=False)
class AnalysisResult(Record):
    """What one run of the analysis found: the contract every reporter reads."""

    root: str  # absolute repository root
    workflows: list[str] = field(default_factory=list)  # repository-relative
    findings: list[Finding] = field(default_factory=list)
    packages: list[PackageReport] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)
