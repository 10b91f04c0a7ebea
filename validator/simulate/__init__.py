"""Packaging simulation: ``simulate(workflow, repo) -> SimulationResult``.

Each job run (one per matrix combination) gets a fresh virtual tree seeded with the
repository at ``/w``; its steps run in order on that tree, each ``run:`` step in a
new shell.  Nothing is executed: the shell IR is interpreted (``interpreter.py``,
commands in ``commands/``) and every archive the job writes becomes a ``Package``
(``packages.py``) with the provenance of each file.

Where to look: step setup and job/workflow assembly are here; ``cp`` placement in
``commands/copying.py``; archive paths in ``commands/zip.py``; ``pip -t`` in
``commands/pip.py``; deploys in ``commands/aws.py``; conditions in ``conditions.py``.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from validator.model import DeployRef, JobRun, Package, SimulationResult, Span, Step, Unmodelled, Workflow
from validator.model.images import SamImage
from validator.model.lookup import Lookup, end_item_keys, end_query_keys
from validator.model.paths import HOME, RUNNER_TEMP, WORKSPACE, normalize, workspace_relative
from validator.model.repo import Repo
from validator.simulate.context import JobContext
from validator.simulate.expand import Value
from validator.simulate.interpreter import ExitStep, Interpreter
from validator.simulate.packages import (
    basename,
    is_lambda_code,
    literal_head,
    live_archives,
    match_deploys,
    opaque_reason,
    package_name,
    same_archive,
    to_package,
    unknown_writers,
)
from validator.simulate.state import ShellState
from validator.syntax.shell import parse_script
from validator.syntax.shell.readonly import reads_only
from validator.workflow import CompositeAction, read_action, step_runs

__all__ = ["simulate"]

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}", re.S)
FILE_COMMANDS = RUNNER_TEMP + "/_runner_file_commands"
#: GitHub's default variables whose values are only known at run time
SYMBOLIC_DEFAULTS = ("GITHUB_SHA", "GITHUB_REF", "GITHUB_REF_NAME", "GITHUB_HEAD_REF", "GITHUB_BASE_REF",
                     "GITHUB_RUN_ID", "GITHUB_RUN_NUMBER", "GITHUB_RUN_ATTEMPT", "GITHUB_REPOSITORY",
                     "GITHUB_REPOSITORY_OWNER", "GITHUB_ACTOR", "GITHUB_EVENT_NAME", "GITHUB_JOB",
                     "GITHUB_EVENT_PATH", "RUNNER_ARCH", "RUNNER_NAME", "AWS_REGION", "AWS_DEFAULT_REGION")
SHELLS = ("bash", "sh", "")
#: runner paths an expression can name: the same folders the variables name
RUNNER_PATHS = {"github.workspace": WORKSPACE, "runner.temp": RUNNER_TEMP}
#: composite actions calling composite actions deeper than this are not followed
MAX_ACTION_DEPTH = 5


def simulate(workflow: Workflow, repo: Repo, *, every_job: bool = False,
             terraform_archives: Sequence[tuple[str, str, tuple[str, ...]]] = (),
             sam_images: Sequence[SamImage] = ()
             ) -> SimulationResult:
    """Rebuild every archive the workflow's jobs write, and every deploy of one (jobs with
    no word of packaging are skipped unless ``every_job``).  ``terraform_archives`` are the
    ``(source folder, output path, excludes)`` of the repository's ``archive_file`` data sources,
    which ``terraform plan``/``apply`` zip; ``sam_images`` the image functions of SAM
    templates, which ``sam build`` builds."""
    result = SimulationResult()
    contexts: list[JobContext] = []
    for job in workflow.jobs:
        if not every_job and not may_package(job, repo):
            continue  # a job with no word of packaging or deploying cannot build a Lambda package
        ctx = JobContext(workflow, job, repo)
        ctx.terraform_archives = list(terraform_archives)
        ctx.sam_images = list(sam_images)
        run_job(ctx)
        contexts.append(ctx)
        where = f"{workflow.path}:{job.job_id}"
        for item in ctx.unmodelled:
            item.job = item.job or where
        for ref in ctx.deploys:
            ref.job = ref.job or where
        result.copies += ctx.copies
        result.deploys += ctx.deploys
        result.unmodelled += ctx.unmodelled
        result.packages += ctx.images
        result.scripts += [path for path in ctx.scripts_followed if path not in result.scripts]
    built: list[tuple[JobContext, Package, bool]] = []  # (job, package, deployed)
    unresolved: list[tuple[JobContext, DeployRef]] = []
    for ctx in contexts:
        shipped = match_deploys(ctx)
        for archive in live_archives(ctx):
            pkg = to_package(ctx, archive)
            if pkg.is_layer and any(ref.kind in ("zip-file", "create-function") for ref in shipped.get(archive.id, ())):
                pkg.is_layer = False  # a python/ tree, but deployed as a function's code
            # an upload to S3 alone does not make an archive a Lambda package (sites, data);
            # the IaC's s3_key can still confirm it after linkage
            built.append((ctx, pkg, any(ref.kind != "s3" for ref in shipped.get(archive.id, ()))))
            writers = unknown_writers(ctx, archive)
            pkg.incomplete = writers[0].reason if writers else ""
            for u in writers:
                u.job = u.job or f"{workflow.path}:{ctx.job.job_id}"
            result.unmodelled += [u for u in writers if u not in result.unmodelled]
        unresolved += [(ctx, ref) for ref, _path in ctx.deploy_paths
                       if not ref.resolved and ref.archive and ref.kind != "configuration"]
    # an archive built in another job (artifact upload/download) is the same package
    by_head: Lookup[tuple[JobContext, Package]] = Lookup()
    for c, p, _d in built:
        if not p.opaque:
            by_head.add((c, p), end_item_keys(literal_head(p.archive)[::-1]))
    opaque_here = {(id(c), p.archive) for c, p, _d in built if p.opaque}
    for ctx, ref in unresolved:
        if any(c is not ctx and same_archive(p.archive, ref.archive)
               for c, p in by_head.get(end_query_keys(literal_head(ref.archive)[::-1]))):
            ref.resolved = True
            continue
        if (id(ctx), ref.archive) in opaque_here:
            continue
        if ref.kind == "s3" and not _archive_name(ref.archive):
            continue  # a JSON, CSV or site file uploaded to S3 is not Lambda code
        pkg = Package(name=package_name(ref.archive), archive=ref.archive, span=ref.span, job=ctx.job.job_id,
                      matrix=dict(ctx.job.matrix), workflow=workflow.path, opaque=True,
                      opaque_reason=ref.never_built or opaque_reason(ctx, ref), candidate=ref.kind == "s3",
                      never_built=ref.never_built)
        built.append((ctx, pkg, True))
        opaque_here.add((id(ctx), ref.archive))
    for _ctx, pkg, deployed in built:
        if pkg.opaque and not deployed:
            continue
        if not (is_lambda_code(pkg) or deployed):
            pkg.candidate = True  # kept only if the IaC deploys it (an emptied build, a failed copy)
        result.packages.append(pkg)
    return result


#: words without which a job's steps cannot build or deploy a Lambda package: archives,
#: Lambda and its deploy tools, pip targets
PACKAGING_SIGNALS = re.compile(
    r"\bzip\b|\.zip\b|\.jar\b|lambda|\blayer|\bsam\b|serverless|\bsls\b|\bcdk\b|terraform|terragrunt|\btofu\b"
    r"|pulumi|chalice|zappa|--target\b|\s-t\s|\beval\b", re.IGNORECASE)
#: image builds: a signal only in a repository with a Dockerfile for Lambda (its base image
#: or the runtime interface client), so a project's release images are not followed
IMAGE_SIGNALS = re.compile(r"docker\s+(?:buildx\s+|image\s+)?build|build-push-action", re.IGNORECASE)
#: words of a script that may name a repository file it runs: a path, or a script name
_PATH_WORDS = re.compile(r"[\w.${}-]*/[\w./${}-]+|[\w-]+\.(?:sh|bash|py)\b")
#: ``make`` in a script
_MAKE = re.compile(r"(?:^|[\s;&|(])g?make\b")
#: how many scripts deep the word check follows (``ci.sh`` runs ``backend/ship.sh`` …)
_FOLLOW_DEPTH = 4


def may_package(job: JobRun, repo: Repo | None = None) -> bool:
    """Whether any step of the job may write or deploy an archive: a cheap word check of
    its steps and of the repository scripts, Makefiles and Python build scripts they run
    (a few levels deep), so that a repository's test, lint, docs and release jobs are not
    simulated at all."""
    seen: set[str] = set()
    for step in job.steps:
        if step.uses and (step.uses.startswith("./") or PACKAGING_SIGNALS.search(step.uses)
                          or any(PACKAGING_SIGNALS.search(str(v)) for v in step.with_.values())):
            return True
        if step.uses and IMAGE_SIGNALS.search(step.uses) and (repo is None or _lambda_dockerfiles(repo)):
            return True
        if step.run and _text_may_package(step.run, repo, seen, 0):
            return True
    return False


def _text_may_package(text: str, repo: Repo | None, seen: set[str], depth: int) -> bool:
    if PACKAGING_SIGNALS.search(text):
        return True
    if IMAGE_SIGNALS.search(text) and (repo is None or _lambda_dockerfiles(repo)):
        return True
    if repo is None or depth >= _FOLLOW_DEPTH:
        return False
    for path in _files_named(text, repo):
        if path in seen:
            continue
        seen.add(path)
        if _text_may_package(repo.read_text(path) or "", repo, seen, depth + 1):
            return True
    return False


def _files_named(text: str, repo: Repo) -> list[str]:
    """Repository files a script may run: every file whose path ends with a path-like word
    of the script (``./ship.sh`` after ``cd backend``, ``$GITHUB_WORKSPACE/bin/deploy``,
    ``../scripts/x.py``), and the Makefiles when it runs ``make``."""
    by_name = _files_by_name(repo)
    out: list[str] = []
    for m in _PATH_WORDS.finditer(text):
        parts = [part for part in m.group(0).split("/") if part not in ("", ".", "..") and "$" not in part
                 and "{" not in part]
        if not parts:
            continue
        tail = "/".join(parts)
        out += [f for f in by_name.get(parts[-1], ()) if f == tail or f.endswith("/" + tail)]
    if _MAKE.search(text):
        out += [f for name in ("Makefile", "makefile", "GNUmakefile") for f in by_name.get(name, ())]
    return out


def _files_by_name(repo: Repo) -> dict[str, list[str]]:
    def build() -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        for f in repo.files:
            index.setdefault(f.rsplit("/", 1)[-1], []).append(f)
        return index

    return _per_repo(repo, "files-by-name", build)


def _lambda_dockerfiles(repo: Repo) -> bool:
    """Whether any Dockerfile of the repository builds a Lambda image (a Lambda base image,
    or the runtime interface client), or names its base image by a variable."""
    def build() -> bool:
        for f in repo.files:
            name = f.rsplit("/", 1)[-1]
            if name.startswith("Dockerfile") or name.endswith((".Dockerfile", ".dockerfile", "Containerfile")):
                text = (repo.read_text(f) or "").lower()
                if "lambda" in text or re.search(r"^\s*from\s+(?:--\S+\s+)*\S*\$", text, re.M):
                    return True
        return False

    return _per_repo(repo, "lambda-dockerfiles", build)


#: (repository id, what) -> (the repository, the value): facts about the checkout the job
#: word check asks for every job; the repository is kept so that its id stays its own
_PER_REPO: dict[tuple[int, str], tuple[Repo, Any]] = {}


_T = TypeVar("_T")


def _per_repo(repo: Repo, what: str, build: Callable[[], _T]) -> _T:
    cached = _PER_REPO.get((id(repo), what))
    if cached is None or cached[0] is not repo:
        cached = _PER_REPO[(id(repo), what)] = (repo, build())
    value: _T = cached[1]
    return value


def _archive_name(path: str) -> bool:
    """An archive a Lambda function or layer can be deployed from (or a name still unknown)."""
    name = path.rsplit("/", 1)[-1].lower()
    return name.endswith((".zip", ".jar")) or "$" in name


def run_job(ctx: JobContext) -> None:
    interp = Interpreter(ctx)
    for step in ctx.job.steps:
        if ctx.limit_hit:
            break
        ctx.step = step
        combo = ",".join(f"{k}={v}" for k, v in sorted(ctx.job.matrix.items()))
        ctx.step_key = f"{ctx.workflow.path}:{ctx.job.job_id}:{step.index}:{combo}"
        run_any_step(ctx, interp, step)


def run_any_step(ctx: JobContext, interp: Interpreter, step: Step, depth: int = 0) -> None:
    if step_runs(ctx.job, step) is False:
        return  # its ``if:`` is false for this job run
    if step.uses and step.uses.startswith("./"):
        run_local_action(ctx, interp, step, depth)
    elif step.uses:
        uses_step(ctx, step)
    elif step.run and (step.shell or "bash").split()[0].rsplit("/", 1)[-1] in SHELLS:
        run_step(ctx, interp, step)


def run_local_action(ctx: JobContext, interp: Interpreter, step: Step, depth: int) -> None:
    """``uses: ./path``: a composite action's steps run in place, with the inputs the
    step passes (known values) and its defaults; findings point at the action file."""
    folder = normalize((step.uses or "").split("@", 1)[0], WORKSPACE)
    relative = workspace_relative(folder)
    action = read_action("" if relative == "." else relative, ctx.repo)
    if not isinstance(action, CompositeAction):
        if action is not None:
            ctx.unmodelled.append(Unmodelled(ctx.span_of_step(), f"uses: {step.uses}: {action}"))
        uses_step(ctx, step)
        return
    if depth >= MAX_ACTION_DEPTH:
        ctx.unmodelled.append(Unmodelled(ctx.span_of_step(), f"{action.path}: composite actions nested deeper "
                                                             f"than {MAX_ACTION_DEPTH} are not followed"))
        return
    ctx.unmodelled += [p for p in action.problems if p not in ctx.unmodelled]
    if action.path not in ctx.scripts_followed:
        ctx.scripts_followed.append(action.path)
    inputs = dict(action.defaults)
    for name, raw in step.with_.items():
        value = resolve_text(ctx.job, step, raw)
        if value.symbolic:
            inputs.pop(name, None)  # unknown: ``inputs.<name>`` stays symbolic
        else:
            inputs[name] = value.text
    caller_key, caller_file = ctx.step_key, ctx.step_file
    for inner in action.steps:
        ctx.step = replace(inner, env={**step.env, **inner.env}, inputs=inputs, action_path=folder)
        ctx.step_key = f"{caller_key}>{action.path}:{inner.index}"
        ctx.step_file = action.path
        run_any_step(ctx, interp, ctx.step, depth + 1)
    ctx.step, ctx.step_key, ctx.step_file = step, caller_key, caller_file


def run_step(ctx: JobContext, interp: Interpreter, step: Step) -> None:
    if reads_only(step.run or ""):
        # a step that only reads (reports, checks) changes nothing that later steps,
        # packages or deploys see: its working directory is checked, nothing else
        working_directory(ctx, step)
        return
    script = parse_script(step.run or "")
    ctx.expressions = script.expressions
    state = ShellState(cwd=WORKSPACE, errexit=_errexit(step.shell))
    index = step.index
    files = {"GITHUB_ENV": f"set_env_{index}", "GITHUB_OUTPUT": f"set_output_{index}",
             "GITHUB_PATH": f"add_path_{index}", "GITHUB_STEP_SUMMARY": f"step_summary_{index}"}
    ctx.vfs.mkdir(FILE_COMMANDS, parents=True)
    ctx.special_files = {}
    for name, file in files.items():
        path = f"{FILE_COMMANDS}/{file}"
        state.vars[name] = Value(path)
        ctx.special_files[path] = "env" if name == "GITHUB_ENV" else name.lower()
    state.vars.update(_runner_variables())
    for name, raw in {**ctx.job.env, **step.env}.items():
        state.vars[name] = resolve_text(ctx.job, step, str(raw))
    state.vars.update(ctx.github_env)
    for placeholder, expr in script.expressions.items():
        output = _STEP_OUTPUT.fullmatch(expr.strip())
        known = ctx.step_outputs.get((output.group(1), output.group(2))) if output else None
        state.vars[placeholder] = known if known is not None else resolve(ctx.job, step, expr)
    state.cwd = working_directory(ctx, step)
    state.vars["PWD"] = Value(state.cwd)
    state.vars["0"] = Value(f"{RUNNER_TEMP}/step-{index}.sh")  # the runner's file for the script
    if step.action_path:
        state.vars["GITHUB_ACTION_PATH"] = Value(step.action_path)
    state.exported.update(state.vars)  # the step's environment: scripts it runs see it
    with contextlib.suppress(ExitStep):
        interp.run_top(script.body, state)


_STEP_OUTPUT = re.compile(r"steps\.([A-Za-z_][\w-]*)\.outputs\.([A-Za-z_][\w-]*)")


def _errexit(shell: str | None) -> bool:
    """GitHub runs ``bash -e``/``sh -e`` for the built-in shells; a template (``bash {0}``)
    runs as written."""
    if shell is None or shell.strip() in ("bash", "sh"):
        return True
    return bool(re.search(r"(^|\s)-\w*e", shell))


def working_directory(ctx: JobContext, step: Step) -> str:
    """Where the step's script starts; a ``working-directory`` that does not exist yet is
    noted (the step would fail) and then made, so that the rest can still be followed."""
    if not step.working_directory:
        return WORKSPACE
    path = normalize(resolve_text(ctx.job, step, step.working_directory).text, WORKSPACE)
    if not ctx.vfs.is_dir(path):
        if not ctx.vfs.unknown_below(path):  # (below a folder a tool filled, it may well exist)
            ctx.unmodelled.append(Unmodelled(ctx.span_of_step(), f"working-directory {workspace_relative(path)} "
                                                                 "does not exist when this step runs"))
        ctx.vfs.mkdir(path, parents=True)
    return path


@functools.cache
def _runner_variables() -> dict[str, Value]:
    """The variables the runner sets in every step (values are immutable, so shared)."""
    out = {name: Value("${" + name + "}", True) for name in SYMBOLIC_DEFAULTS}
    out.update({"GITHUB_WORKSPACE": Value(WORKSPACE), "HOME": Value(HOME), "RUNNER_TEMP": Value(RUNNER_TEMP),
                "CI": Value("true"), "GITHUB_ACTIONS": Value("true"), "RUNNER_OS": Value("Linux")})
    return out


def resolve(job: JobRun, step: Step, expr: str) -> Value:
    """A ``${{ expr }}`` value: resolved by the workflow reader, else kept as written."""
    value: str | None = None
    try:
        from validator.workflow import resolve_expression

        value = resolve_expression(expr, job, step)
    except Exception:  # the reader may not know this expression form; stay symbolic
        value = None
    if value is None:
        value = RUNNER_PATHS.get(expr.strip())
    if value is None:
        m = re.fullmatch(r"(matrix|env)\.([A-Za-z_][\w-]*)", expr.strip())
        if m and m.group(1) == "matrix" and m.group(2) in job.matrix:
            value = str(job.matrix[m.group(2)])
        elif m and m.group(1) == "env" and m.group(2) in step.env and "${{" not in step.env[m.group(2)]:
            value = step.env[m.group(2)]
    if value is None:
        return Value("${{ " + expr.strip() + " }}", True)
    return Value(value)


def resolve_text(job: JobRun, step: Step, text: str) -> Value:
    """A YAML value that may contain ``${{ }}`` expressions."""
    symbolic = False
    parts: list[str] = []
    last = 0
    for m in EXPRESSION.finditer(text):
        parts.append(text[last : m.start()])
        value = resolve(job, step, m.group(1))
        symbolic = symbolic or value.symbolic
        parts.append(value.text)
        last = m.end()
    parts.append(text[last:])
    return Value("".join(parts), symbolic)


def uses_step(ctx: JobContext, step: Step) -> None:
    """Actions: artifacts are noted; Lambda deploy actions with a zip input become deploys."""
    uses = (step.uses or "").lower()
    with_ = step.with_
    if uses.startswith("docker/build-push-action"):
        build_push(ctx, step)
        return
    if "download-artifact" in uses:
        ctx.downloads.append(with_.get("name") or with_.get("path") or "all artifacts")
        # the action creates its folder (the workspace when no path is given)
        target = resolve_text(ctx.job, step, with_.get("path") or ".").text
        ctx.vfs.mkdir(normalize(target, WORKSPACE), parents=True)
        return
    if uses.startswith("peter-evans/repository-dispatch") and with_.get("client-payload"):
        dispatch_handlers(ctx, step, with_["client-payload"])
        return
    for key in ("zip_file", "zip-file", "zip_file_path", "package", "zip"):
        value = with_.get(key)
        if value and value.endswith(".zip"):
            path = normalize(resolve_text(ctx.job, step, value).text, WORKSPACE)
            ref = DeployRef(archive=workspace_relative(path), kind="zip-file", span=ctx.span_of_step(),
                            function_name=with_.get("function_name") or with_.get("function-name"))
            ctx.deploys.append(ref)
            ctx.deploy_paths.append((ref, path))
            return


_HANDLER_STRING = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+$")


def dispatch_handlers(ctx: JobContext, step: Step, payload: str) -> None:
    """A ``repository_dispatch`` payload that hands another repository's deploy an archive
    and its handlers (``{"lambda_package": "app-${{ env.V }}.zip", "handlers": {"api":
    "app.handlers.api.handler"}}``): each handler is a deploy of the archive the job built
    under that file name."""
    import json

    text = EXPRESSION.sub("x", payload)
    try:
        data = json.loads(text)
    except ValueError:
        return
    if not isinstance(data, dict):
        return
    archives = [v for v in data.values() if isinstance(v, str) and v.endswith(".zip")]
    handlers = data.get("handlers")
    if len(archives) != 1 or not isinstance(handlers, dict):
        return
    written = next((m for m in _payload_values(payload) if m.endswith(".zip")), archives[0])
    pattern = resolve_text(ctx.job, step, written).text
    built = [a for a in live_archives(ctx) if same_archive(basename(workspace_relative(a.path)), pattern)]
    if len(built) != 1:
        return
    path = built[0].path
    for name, handler in handlers.items():
        if isinstance(handler, str) and _HANDLER_STRING.match(handler):
            ref = DeployRef(archive=workspace_relative(path), kind="zip-file", span=ctx.span_of_step(),
                            function_name=str(name), handler=handler,
                            handler_source="the repository_dispatch payload")
            ctx.deploys.append(ref)
            ctx.deploy_paths.append((ref, path))


def _payload_values(payload: str) -> list[str]:
    """The JSON string values of a payload as written (``${{ }}`` kept)."""
    return re.findall(r'"((?:[^"\\]|\\.)*)"', payload)


def build_push(ctx: JobContext, step: Step) -> None:
    """``docker/build-push-action``: ``context`` (a runner folder; without it the action
    builds the Git context, the repository as committed), ``file``, ``build-args``,
    ``target``, ``platforms``, ``tags`` (newline or comma separated lists)."""
    from validator.simulate.image import BuildRequest, build_image

    def value(key: str) -> Value | None:
        raw = step.with_.get(key)
        return resolve_text(ctx.job, step, str(raw)) if raw is not None else None

    def items(key: str) -> list[str]:
        v = value(key)
        return [i.strip() for line in (v.text.splitlines() if v else []) for i in line.split(",") if i.strip()]

    context = value("context")
    # the Git context is the repository as committed, i.e. the checkout before any step ran
    context_path = normalize(context.text, WORKSPACE) if context is not None else WORKSPACE
    file = value("file")
    dockerfile = normalize(file.text, WORKSPACE) if file is not None else context_path.rstrip("/") + "/Dockerfile"
    build_args: dict[str, str] = {}
    for line in (value("build-args").text.splitlines() if value("build-args") else []):  # type: ignore[union-attr]
        key, eq, val = line.strip().partition("=")
        if eq and "${{" not in val:
            build_args[key] = val
    step_span = Span(ctx.step_file or ctx.job.workflow, step.line, 1, step.line, 1)
    context_span = _key_span(ctx, step, "context") or step_span
    platforms = items("platforms")
    target = value("target")
    req = BuildRequest(context=context_path, dockerfile=dockerfile, span=step_span,
                       context_span=context_span, tags=items("tags"), build_args=build_args,
                       target=target.text if target else None, platform=platforms[0] if platforms else None,
                       symbolic=bool((context and context.symbolic) or (file and file.symbolic)))
    pkg = build_image(ctx, req)
    if pkg is not None:
        ctx.images.append(pkg)


def _key_span(ctx: JobContext, step: Step, key: str) -> Span | None:
    """The line of ``key:`` in the step's ``with:`` (the step's file, from its first line)."""
    path = ctx.step_file or ctx.job.workflow
    text = ctx.workflow.text if path == ctx.workflow.path else (ctx.repo.read_text(path) or "")
    lines = text.splitlines()
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*:")
    for number in range(max(step.line - 1, 0), min(len(lines), step.line + 60)):
        if number > step.line - 1 and re.match(r"^\s*-\s", lines[number]):
            break  # the next step
        if pattern.match(lines[number]):
            col = lines[number].index(key) + 1
            return Span(path, number + 1, col, number + 1, col + len(key))
    return None
