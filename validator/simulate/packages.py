"""From archives and deploy commands to ``Package`` objects: naming, deploy matching,
opaque packages, and unknown commands that may have written into a zipped tree."""

from __future__ import annotations

import fnmatch
import re
from functools import lru_cache

from validator.model import DeployRef, Package, Unmodelled
from validator.model.paths import WORKSPACE, is_under, workspace_relative
from validator.simulate.context import Archive, JobContext

#: unknown parts of a name: ``${{ github.sha }}``, ``${SHA:0:7}``, ``$(git rev-parse …)``, ``$SHA``
SYMBOLIC = re.compile(r"\$\{\{.*?\}\}|\$\{[^}]*\}|\$\((?:[^()]|\([^()]*\))*\)|`[^`]*`|\$[A-Za-z_][A-Za-z0-9_]*")
VERSION_SUFFIX = re.compile(r"([-_.]v?\d+(\.\d+)+([-_.+][0-9A-Za-z.]+)?|[-_]v\d+|[-_](?=[0-9a-f]*\d)[0-9a-f]{7,40})$")
GENERIC_STEMS = frozenset({
    "lambda", "function", "package", "deployment", "code", "deploy", "build", "bundle", "artifact",
    "archive", "app", "src", "source", "dist", "out", "output", "lambda_function", "lambda-function",
    "lambda_package", "lambda-package", "deployment-package", "deployment_package", "function-package",
    "layer", "main", "handler", "zip", "release",
})
GENERIC_DIRS = frozenset({
    "", ".", "w", "build", "dist", "out", "output", "packages", "package", "artifacts", "artifact",
    "deploy", "deployment", "tmp", "target", "zips", "zip", "archives", "bundle", "bundles", "release",
    "_temp", "runner", "lambda", "lambdas", "src", "functions", "code",
})


def package_name(archive: str, root_dir: str | None = None) -> str:
    """Short name: zip stem without symbolic/version suffixes; a generic stem (``lambda.zip``)
    takes the name of its directory or of the zipped directory."""
    base = basename(archive)
    stem = base[:-4] if base.lower().endswith(".zip") else base
    name = _strip(stem)
    if name and name.lower() not in GENERIC_STEMS:
        return name
    for d in (archive[: len(archive) - len(base)], root_dir or ""):
        candidate = _strip(basename(d.rstrip("/")))
        if candidate and candidate.lower() not in GENERIC_DIRS:
            return candidate
    return name or stem


@lru_cache(maxsize=4096)
def basename(path: str) -> str:
    """The last path component, where a symbolic part (``$(ls src/functions)``) counts as
    one piece even when its text holds a ``/``."""
    masked = SYMBOLIC.sub(lambda m: "\0" * len(m.group(0)), path)
    return path[masked.rfind("/") + 1 :]


def _strip(stem: str) -> str:
    marked = SYMBOLIC.sub("\0", stem)
    marked = re.sub(r"[-_.]*\0+[-_.]*", "\0", marked)
    parts = [p for p in marked.split("\0") if p]
    name = "-".join(parts).strip("-_.")
    while True:
        shorter = VERSION_SUFFIX.sub("", name)
        if shorter == name or not shorter:
            return name
        name = shorter


@lru_cache(maxsize=4096)
def archive_pattern(path: str) -> str:
    """A basename pattern where each symbolic part matches anything (cross-job matching)."""
    base = basename(path)
    return "".join("*" if SYMBOLIC.fullmatch(part or "") else _escape(part)
                   for part in re.split(f"({SYMBOLIC.pattern})", base) if part)


def _escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def literal_head(path: str) -> str:
    """The basename's literal start, up to its first symbolic part (or a ``$``/backquote
    the pattern does not treat as symbolic): ``same_archive`` needs one head to start
    the other."""
    base = basename(path)
    m = SYMBOLIC.search(base)
    head = base[: m.start()] if m else base
    cut = min((i for i in (head.find("$"), head.find("`")) if i >= 0), default=len(head))
    return head[:cut]


def same_archive(a: str, b: str) -> bool:
    """Two archive paths (from different jobs) name the same file: equal basenames where
    symbolic parts are wildcards."""
    ba, bb = basename(a), basename(b)
    if ba == bb:
        return True
    return fnmatch.fnmatchcase(bb, archive_pattern(a)) or fnmatch.fnmatchcase(ba, archive_pattern(b))


def live_archives(ctx: JobContext) -> list[Archive]:
    """The last archive written at each path (an ``rm`` + re-zip supersedes the first)."""
    latest: dict[str, Archive] = {}
    for archive in ctx.archives.values():
        latest[archive.path] = archive
    return sorted(latest.values(), key=lambda a: a.id)


def to_package(ctx: JobContext, archive: Archive) -> Package:
    files = {p: f for p, f in sorted(archive.entries.items())}
    pkg = Package(
        name=package_name(workspace_relative(archive.path), archive.root_dir),
        archive=workspace_relative(archive.path),
        span=archive.span,
        files=files,
        pip_installs=list(archive.pip.values()),
        job=ctx.job.job_id,
        matrix=dict(ctx.job.matrix),
        workflow=ctx.workflow.path,
        root_dir=archive.root_dir,
        copies=list(archive.copies),
        step_key=archive.step_key,
    )
    py = [p for p in files if p.endswith(".py") or p.endswith("/")]
    pkg.is_layer = (bool(py) and all(p.startswith("python/") for p in py)) or (
        not py and bool(pkg.pip_installs) and all(p.prefix.startswith("python") for p in pkg.pip_installs))
    if archive.opaque_reason:
        pkg.opaque = True
        pkg.opaque_reason = archive.opaque_reason
    return pkg


def is_lambda_code(pkg: Package) -> bool:
    return any(p.endswith(".py") for p in pkg.files) or bool(pkg.pip_installs)


def match_deploys(ctx: JobContext) -> dict[int, list[DeployRef]]:
    """Link each deploy of the job to the archive it ships; returns archive id -> deploys."""
    by_archive: dict[int, list[DeployRef]] = {}
    s3_keys: dict[str, Archive] = {}
    live = live_archives(ctx)
    for ref, path in ctx.deploy_paths:
        archive = None
        if path is not None:
            archive = next((a for a in reversed(live) if path in a.aliases), None)
            archive = archive or next((a for a in reversed(list(ctx.archives.values()))
                                       if path in a.aliases), None)
        elif ref.s3_key is not None:
            archive = s3_keys.get(ref.s3_key)
            if archive is not None:
                ref.archive = workspace_relative(archive.path)
        if archive is None:
            continue
        if ref.s3_key:
            s3_keys[ref.s3_key] = archive
        ref.resolved = not archive.opaque_reason
        by_archive.setdefault(archive.id, []).append(ref)
    return by_archive


def opaque_reason(ctx: JobContext, ref: DeployRef) -> str:
    """Why a deployed archive's content is unknown, naming the command that probably built it."""
    base = basename(ref.archive)
    stem = _strip(base[:-4] if base.endswith(".zip") else base)
    for unknown in reversed(ctx.unknown):
        if unknown.span.line > ref.span.line and unknown.span.path == ref.span.path:
            continue
        if (base and base in unknown.name) or (len(stem) > 2 and stem in unknown.name):
            return f"built by `{unknown.name}`, which the tool does not model"
    archive = next((a for a in ctx.archives.values() if a.opaque_reason and
                    same_archive(workspace_relative(a.path), ref.archive)), None)
    if archive is not None:
        return archive.opaque_reason
    if ctx.downloads:
        return (f"no step of the job builds it; it may come from the artifact {', '.join(ctx.downloads)} "
                "(actions/download-artifact), built by another workflow run")
    if ctx.unknown:
        first = ctx.unknown[0]
        return (f"no step of the job builds it; it may come from `{first.name[:60]}` at line {first.span.line}, "
                "a command whose output the tool cannot list")
    others = [s.uses for s in ctx.job.steps if s.uses and not s.uses.startswith("actions/checkout")]
    if others:
        return f"no step of the job builds it; it may come from the action {others[0]}"
    return "no step of the job builds it"


def unknown_writers(ctx: JobContext, archive: Archive) -> list[Unmodelled]:
    """Unknown commands (``npm run build``, ``tar -x -C build``) that name a zipped directory."""
    out = []
    for unknown in ctx.unknown:
        if unknown.order > archive.order:
            continue
        for path in unknown.paths:
            hit = next((d for d in archive.inputs if is_under(path, d) and d != WORKSPACE), None)
            if hit is not None:
                does = unknown.what or "is not modelled and may write into"
                out.append(Unmodelled(unknown.span, f"`{unknown.name}` {does} {workspace_relative(hit)}, which is "
                                                    f"zipped into {workspace_relative(archive.path)}"))
                break
    if not out:
        for folder in archive.inputs:
            why = ctx.vfs.unknown_below(folder) or next(
                (ctx.vfs.dirs[d].unknown for d in ctx.vfs.walk_dirs(folder) if ctx.vfs.dirs[d].unknown), "")
            if why:
                out.append(Unmodelled(archive.span, f"{workspace_relative(archive.path)} holds files the tool cannot "
                                                    f"list ({why})"))
                break
    return out
