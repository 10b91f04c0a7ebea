"""What a simulated command can see and record: the job's tree, the step, the result lists.

``JobContext`` lives for one ``JobRun`` (files persist across its steps);
``Invocation`` is one simple command about to be interpreted, handed to the module
in ``commands/`` that knows that command.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field

from validator.model import (
    CopyRecord,
    DeployRef,
    JobRun,
    Package,
    PackageFile,
    PipInstall,
    ScriptMap,
    Span,
    Step,
    Unmodelled,
    Workflow,
)
from validator.model.base import Record
from validator.model.images import SamImage
from validator.model.paths import WORKSPACE, is_under, normalize, relative
from validator.model.repo import Repo
from validator.simulate.expand import Value
from validator.simulate.state import ShellState
from validator.simulate.vfs import VFS
from validator.simulate.words import Arg
from validator.syntax.shell.ir import Command, Node

#: bounded work: commands per job, iterations per loop, nested function calls
MAX_COMMANDS = 20_000
MAX_LOOP_ITERATIONS = 100
MAX_CALL_DEPTH = 20


@dataclass(eq=False, repr=False)
class Archive(Record):
    """A ZIP the job wrote, in its latest state."""

    id: int
    path: str  # virtual absolute path the zip command wrote
    span: Span  # the command that created it
    step_key: str
    entries: dict[str, PackageFile] = field(default_factory=dict)
    root_dir: str | None = None
    pip: dict[tuple[int, str], PipInstall] = field(default_factory=dict)
    copies: list[CopyRecord] = field(default_factory=list)
    #: every virtual path the archive has had (``mv``/``cp`` of the zip)
    aliases: set[str] = field(default_factory=set)
    #: where it came from when not built by a modelled zip (download, unknown tool)
    opaque_reason: str = ""
    #: directories the zip commands read (unknown commands writing there matter)
    inputs: list[str] = field(default_factory=list)
    #: command counter at the last zip into it (what ran before could have fed it)
    order: int = 0
    #: ``copies`` by (span, target), so that adding one does not compare it with all
    _copy_index: dict[tuple[Span, str], list[CopyRecord]] = field(default_factory=dict, repr=False, compare=False)

    def add_copy(self, record: CopyRecord) -> None:
        """Remember a copy that fed this archive, once."""
        bucket = self._copy_index.setdefault((record.span, record.target), [])
        if any(r is record or r == record for r in bucket):
            return
        bucket.append(record)
        self.copies.append(record)


class UnknownCommand:
    """A command the simulator does not model, with the paths it names (it may write there)."""

    __slots__ = ("name", "order", "paths", "span", "what")

    def __init__(self, span: Span, name: str, paths: list[str], order: int, what: str = "") -> None:
        self.span = span
        self.name = name
        self.paths = paths
        self.order = order
        #: what it does when that is known but its files are not ("installs Node modules")
        self.what = what


class JobContext:
    """Everything one job's simulation accumulates."""

    def __init__(self, workflow: Workflow, job: JobRun, repo: Repo) -> None:
        self.workflow = workflow
        self.job = job
        self.repo = repo
        self.vfs = VFS.from_repo(repo.files)
        self.vfs.reader = repo.read_text
        self.archives: dict[int, Archive] = {}
        self.copies: list[CopyRecord] = []
        #: positions in ``copies`` by every directory above (or equal to) the copy's target
        self._copies_by_dir: dict[str, list[int]] = {}
        self._failed_copies: list[int] = []
        self._failures_seen = 0  # copies before this position are sorted into _failed_copies
        self.deploys: list[DeployRef] = []
        #: Lambda container images the job builds (``docker build``, build-push-action)
        self.images: list[Package] = []
        #: ``(source folder, output path, excludes)`` of Terraform ``archive_file`` data sources
        self.terraform_archives: list[tuple[str, str, tuple[str, ...]]] = []
        #: SAM image functions ``sam build`` builds
        self.sam_images: list[SamImage] = []
        #: each deploy with the virtual path of its archive (None for S3-key deploys)
        self.deploy_paths: list[tuple[DeployRef, str | None]] = []
        self.unmodelled: list[Unmodelled] = []
        self.unknown: list[UnknownCommand] = []
        #: variables later steps inherit (``echo NAME=v >> $GITHUB_ENV``)
        self.github_env: dict[str, Value] = {}
        #: ``steps.<id>.outputs.<name>`` written by ``echo name=v >> $GITHUB_OUTPUT``
        self.step_outputs: dict[tuple[str, str], Value] = {}
        self.commands = 0
        self.limit_hit = False
        self.step: Step | None = None
        self.step_key = ""
        self.expressions: dict[str, str] = {}
        #: runner files with a meaning (``$GITHUB_ENV`` …): virtual path -> role
        self.special_files: dict[str, str] = {}
        #: ``actions/download-artifact`` names/paths seen in this job
        self.downloads: list[str] = []
        #: where the statements being run are written: None for the step's ``run:``,
        #: a repository script's own map while it runs (``bash scripts/package.sh``)
        self.source_map: ScriptMap | None = None
        #: the text ``source_map`` maps (a script file, a make recipe), when not the step's
        self.source_text: str | None = None
        #: the last ``cd`` certainly failed (its folder does not exist, nothing unknown in it)
        self.cd_failed = False
        #: the file the current step is written in when it is not the job's workflow (a
        #: step of a local composite action)
        self.step_file: str | None = None
        #: repository scripts being run, innermost last (no script follows itself)
        self.scripts_running: list[str] = []
        #: every repository script followed, in the order first run
        self.scripts_followed: list[str] = []
        #: where each defined function is written (``id`` of its node -> source map and text)
        self.function_maps: dict[int, tuple[ScriptMap | None, str | None]] = {}
        self._next_archive = 0

    # ------------------------------------------------------------------ positions
    def span(self, node: Node) -> Span:
        if self.source_map is not None:
            return self.source_map.span(node.start, node.end)
        step = self.step
        if step is not None and step.script_map is not None:
            return step.script_map.span(node.start, node.end)
        return self.span_of_step()

    def span_of_step(self) -> Span:
        """The step's own line (for problems that belong to no command)."""
        step = self.step
        line = (step.run_line or step.line) if step is not None else self.job.line
        return Span(self.step_file or self.job.workflow, line, 1, line, 1)

    # ------------------------------------------------------------------ recording
    def unmodelled_at(self, node: Node, reason: str, could_touch: bool = True) -> None:
        span = self.span(node)
        for u in self.unmodelled:
            if u.span == span and u.reason == reason:
                return
        self.unmodelled.append(Unmodelled(span, reason, could_touch))

    def add_copy(self, record: CopyRecord) -> None:
        position = len(self.copies)
        self.copies.append(record)
        path = record.target.rstrip("/") or "/"
        while True:
            self._copies_by_dir.setdefault(path, []).append(position)
            parent = posixpath.dirname(path)
            if parent == path or not path:  # "/" (or "//"), or the top of a relative path
                break
            path = parent

    def copies_towards(self, roots: list[str]) -> list[CopyRecord]:
        """Copies into one of ``roots`` or below it, and failed copies towards a folder
        above one, in the order they ran (what a zip of the roots may be missing)."""
        # a copy's failure is known once its command has run, which is before any later zip
        for i in range(self._failures_seen, len(self.copies)):
            if self.copies[i].failed:
                self._failed_copies.append(i)
        self._failures_seen = len(self.copies)
        found: set[int] = set()
        for root in roots:
            found.update(self._copies_by_dir.get(root.rstrip("/") or "/", ()))
            found.update(i for i in self._failed_copies if is_under(root, self.copies[i].target))
        return [self.copies[i] for i in sorted(found)]

    def new_archive(self, path: str, span: Span) -> Archive:
        self._next_archive += 1
        archive = Archive(self._next_archive, path, span, self.step_key, aliases={path})
        self.archives[archive.id] = archive
        return archive

    def archive_at(self, path: str) -> Archive | None:
        vfile = self.vfs.files.get(path)
        if vfile is None or vfile.archive is None:
            return None
        return self.archives.get(vfile.archive)

    def build_dirs(self) -> set[str]:
        """Directories the scripts created (not from the repository), as shown to users."""
        out = set()
        for path, info in self.vfs.dirs.items():
            if not info.from_repo and is_under(path, WORKSPACE) and path != WORKSPACE:
                out.add(relative(path, WORKSPACE))
        return out


class Invocation:
    """One simple command, expanded, ready for its interpreter in ``commands/``."""

    __slots__ = ("args", "checked", "ctx", "dispatch", "node", "span", "state")

    def __init__(self, ctx: JobContext, state: ShellState, node: Command, args: list[Arg], span: Span,
                 dispatch: Callable[[list[Arg], bool], bool | None] | None = None, checked: bool = False) -> None:
        self.ctx = ctx
        self.state = state
        self.node = node
        self.args = args  # args[0] is the command name
        self.span = span
        #: runs another command line the way the shell would (``find -exec``, ``xargs``);
        #: the flag says whether the caller tests its status (then a failure does not end the step)
        self.dispatch = dispatch
        #: the command's exit status is tested (a condition, ``a || b``), so ``set -e`` ignores a failure
        self.checked = checked

    @property
    def name(self) -> str:
        return self.args[0].text if self.args else ""

    def path(self, arg: Arg | str) -> str:
        """The virtual absolute path an argument names (relative to the cwd)."""
        text = arg.text if isinstance(arg, Arg) else arg
        return normalize(text, self.state.cwd)

    def loop_context(self) -> str | None:
        return " / ".join(self.state.context) or None

    def record_copy(self, record: CopyRecord) -> CopyRecord:
        record.step_key = self.ctx.step_key
        record.job_key = self.ctx.job.key
        record.loop_context = self.loop_context()
        record.statement = (self.node.start, self.node.end)
        record.stops = self.state.errexit and not self.checked
        self.ctx.add_copy(record)
        return record

    def unmodelled(self, reason: str, could_touch: bool = True) -> None:
        self.ctx.unmodelled_at(self.node, reason, could_touch)
