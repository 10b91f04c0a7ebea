"""A container image's ``/var/task``, rebuilt from its Dockerfile and build context.

The build context is the job's tree at the moment of the build (so files earlier steps
copied into it count), minus what ``.dockerignore`` excludes.  Stages are followed in
order: ``FROM`` a Lambda base image (``public.ecr.aws/lambda/python:3.X``) sets
``LAMBDA_TASK_ROOT=/var/task``, ``WORKDIR /var/task`` and the Python version; ``FROM``
an earlier stage starts from its files; ``ARG``/``ENV`` are substituted as Docker does
(``$V``, ``${V}``, ``${V:-w}``, ``${V:+w}``; an undeclared name is empty); ``COPY``/``ADD``
copy with Docker's rules (a folder's contents, several sources into a folder, globs,
``--from``; ``..`` and a leading ``/`` are cut away, as the builder does); ``RUN pip
install`` becomes a ``PipInstall`` for LPK-005; the exec-form ``CMD`` is the handler.

Only images that are Lambda images become packages: a Lambda base image, or an
``ENTRYPOINT`` running ``awslambdaric``.  Anything else (a web app's image) is ignored.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
import shlex
from dataclasses import dataclass, field, replace

from validator.model import FileKind, Package, PackageFile, PipInstall, Span, Unmodelled
from validator.model.images import ContextMiss, ImageBuild
from validator.model.paths import WORKSPACE, is_under, normalize, relative, workspace_relative
from validator.model.requirements import ReqProblem, ReqSet, parse_file, parse_requirement
from validator.simulate.context import JobContext
from validator.syntax.dockerfile import Dockerfile, Instruction, parse_dockerfile
from validator.syntax.dockerignore import IgnoreFile, parse_ignore

LAMBDA_BASE = re.compile(
    r"^(?:public\.ecr\.aws/lambda/python|(?:docker\.io/)?amazon/aws-lambda-python)(?::(\d+\.\d+)[\w.-]*)?(?:@.*)?$")
_VAR = re.compile(r"\$(?:\{([A-Za-z_]\w*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_]\w*))")
#: ``RUN`` commands that cannot change what the function imports
_HARMLESS = frozenset({
    "yum", "dnf", "microdnf", "apt-get", "apt", "apk", "rm", "chmod", "chown", "echo", "ls", "cat", "true",
    "mkdir", "ln", "useradd", "groupadd", "adduser", "update-ca-certificates", "export", "set", "curl", "wget",
    "tar", "unzip", "printf", "test", "[", "cd", "ldconfig", "which", "env",
})
_PIP = re.compile(r"^(?:pip[\d.]*|python[\d.]*\s+-m\s+pip|uv\s+pip)$")
_PIP_WITH_VALUE = frozenset({"-t", "--target", "-r", "--requirement", "-c", "--constraint", "--platform",
                             "--python-version", "--implementation", "--abi", "--only-binary", "--no-binary",
                             "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--prefix",
                             "--root", "--cache-dir", "--trusted-host", "-e", "--editable", "--python-platform",
                             "--python", "-p", "--index", "--default-index", "--index-strategy"})


@dataclass(eq=False, repr=False)
class _Entry:
    kind: FileKind
    source: str | None  # repository-relative
    origin: Span


@dataclass(eq=False, repr=False)
class _Stage:
    name: str
    base: str
    files: dict[str, _Entry] = field(default_factory=dict)  # absolute image path -> entry
    env: dict[str, str] = field(default_factory=dict)
    args: dict[str, str] = field(default_factory=dict)
    workdir: str = "/"
    python: str | None = None
    lambda_base: bool = False
    entrypoint: list[str] | None = None
    cmd: tuple[list[str], bool, Span] | None = None  # (words, exec form, line)
    pips: list[PipInstall] = field(default_factory=list)
    #: why files may be missing from the tree (a RUN the tool cannot model, an unknown base)
    unknown: str = ""


@dataclass(eq=False, repr=False)
class BuildRequest:
    """A build as the workflow asks for it (virtual absolute paths)."""

    context: str
    dockerfile: str
    span: Span
    context_span: Span
    tags: list[str] = field(default_factory=list)
    build_args: dict[str, str] = field(default_factory=dict)
    target: str | None = None
    platform: str | None = None
    symbolic: bool = False  # the context or Dockerfile path depends on a value not known statically


def build_image(ctx: JobContext, req: BuildRequest) -> Package | None:
    """The Lambda package this image is, or None when it is not a Lambda image (or the
    Dockerfile cannot be read: then one LPK-000 says so when it matters)."""
    where = f"{ctx.workflow.path}:{ctx.job.job_id}"
    if req.symbolic:
        ctx.unmodelled.append(Unmodelled(req.span, "docker build: its context or Dockerfile depends on a value "
                                                   "not known statically", job=where))
        return None
    if not is_under(req.dockerfile, WORKSPACE) or not is_under(req.context, WORKSPACE):
        return None  # a file the runner writes elsewhere: not the repository's image
    rel_file = workspace_relative(req.dockerfile)
    text = ctx.vfs.read_text(req.dockerfile)
    if text is None:
        if ctx.vfs.is_file(req.dockerfile) or ctx.repo.error(rel_file):
            why = ctx.repo.error(rel_file) or "it is written by the workflow"
            ctx.unmodelled.append(Unmodelled(req.span, f"Dockerfile {rel_file} cannot be read ({why})", job=where))
        return None
    dockerfile = parse_dockerfile(text, rel_file)
    if not _lambda_image(dockerfile):
        return None
    for line, why in dockerfile.problems:
        ctx.unmodelled.append(Unmodelled(Span(rel_file, line, 1, line, 1), why, job=where))
    ignore = _ignore_file(ctx, req, where)
    image = ImageBuild(dockerfile=rel_file, context=workspace_relative(req.context), span=req.span,
                       context_span=req.context_span, tags=list(req.tags), build_args=dict(req.build_args),
                       target=req.target, platform=req.platform,
                       dockerignore=ignore.path if ignore is not None else None)
    final = _run_stages(ctx, dockerfile, req, image, ignore)
    if final is None or not (final.lambda_base or _ric_entrypoint(final.entrypoint)):
        return None
    image.base, image.python = final.base, final.python
    image.pythonpath = [e for e in final.env.get("PYTHONPATH", "").split(":") if e]
    if final.lambda_base and final.entrypoint is None:
        image.task_root = final.env.get("LAMBDA_TASK_ROOT", "/var/task")
    else:
        image.task_root = final.workdir
    if final.cmd is not None:
        words, exec_form, span = final.cmd
        image.cmd_span = span
        if exec_form and len(words) == 1:
            image.cmd = words[0]
        elif exec_form and _ric_entrypoint(final.entrypoint) and words:
            image.cmd = words[-1]
        elif final.lambda_base and final.entrypoint is None:
            why = ("a shell-form CMD runs `/bin/sh -c …`: the entrypoint needs the handler as its only argument "
                   "(exits 142)") if not exec_form else f"CMD has {len(words)} arguments; the entrypoint takes one"
            ctx.unmodelled.append(Unmodelled(span, why, job=where))
    root = image.task_root.rstrip("/") + "/"
    name = next((r for r in image.repositories() if "$" not in r), "") or posixpath.basename(
        posixpath.dirname(rel_file)) or posixpath.basename(ctx.repo.root.as_posix())
    pkg = Package(name=name, archive=f"image {image.tags[0] if image.tags else rel_file}", span=req.span,
                  job=ctx.job.job_id, matrix=dict(ctx.job.matrix), workflow=ctx.workflow.path,
                  step_key=ctx.step_key, image=image, candidate=True,
                  runtime=f"python{final.python}" if final.python else "")
    for path, entry in sorted(final.files.items()):
        if path.startswith(root):
            rel = path[len(root):]
            pkg.files[rel] = PackageFile(rel, entry.kind, entry.source, entry.origin)
    for pip in final.pips:
        # an absolute target below the task root, or none (the image's site-packages, on sys.path)
        if not pip.prefix:
            pkg.pip_installs.append(pip)
        elif is_under(pip.prefix, image.task_root):
            rel = relative(pip.prefix, image.task_root)
            pkg.pip_installs.append(replace(pip, prefix="" if rel == "." else rel))
    pkg.incomplete = final.unknown
    if final.unknown:
        # the image may miss or hold files the tool cannot see: say which package goes unchecked
        ctx.unmodelled.append(Unmodelled(req.span, f"image {pkg.name} is not fully checked: {final.unknown}"))
    return pkg


def _lambda_image(dockerfile: Dockerfile) -> bool:
    """A cheap look before the stages run: a Lambda base image or awslambdaric is named."""
    for inst in dockerfile.instructions:
        if inst.name == "FROM" and ("lambda" in inst.value.lower() or "$" in inst.value):
            return True
        if inst.name in ("ENTRYPOINT", "RUN", "CMD") and "awslambdaric" in inst.value:
            return True
    return False


def _ric_entrypoint(entrypoint: list[str] | None) -> bool:
    return entrypoint is not None and any("awslambdaric" in w for w in entrypoint)


def _ignore_file(ctx: JobContext, req: BuildRequest, where: str) -> IgnoreFile | None:
    """``<Dockerfile>.dockerignore`` next to the Dockerfile, else ``.dockerignore`` at the
    context root (BuildKit's order)."""
    for path in (req.dockerfile + ".dockerignore", req.context.rstrip("/") + "/.dockerignore"):
        if not ctx.vfs.is_file(path):
            continue
        rel = workspace_relative(path)
        text = ctx.vfs.read_text(path)
        if text is None:
            why = ctx.repo.error(rel) or "it is written by the workflow"
            ctx.unmodelled.append(Unmodelled(Span(rel, 1, 1, 1, 1), f"{rel} cannot be read ({why}): which files "
                                             "the image build leaves out is not known", job=where))
            return IgnoreFile(rel, unknown=True)
        parsed = parse_ignore(text, rel)
        for line, why in parsed.problems:
            ctx.unmodelled.append(Unmodelled(Span(rel, line, 1, line, 1), why, job=where))
        return parsed
    return None


# --------------------------------------------------------------------------- stages


def _substitute(text: str, env: dict[str, str]) -> str:
    def one(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(4)
        value = env.get(name)
        op, word = m.group(2), m.group(3) or ""
        if op == ":-" or op == "-":
            return value if value else word
        if op in (":+", "+"):
            return word if value else ""
        return value or ""

    return _VAR.sub(one, text)


def _run_stages(ctx: JobContext, dockerfile: Dockerfile, req: BuildRequest, image: ImageBuild,
                ignore: IgnoreFile | None) -> _Stage | None:
    globals_: dict[str, str] = {}
    stages: list[_Stage] = []
    stage: _Stage | None = None
    rel_file = dockerfile.path
    for inst in dockerfile.instructions:
        span = Span(rel_file, inst.line, 1, inst.end_line, 1)
        if inst.name == "ARG":
            for item in inst.args:
                key, eq, default = item.partition("=")
                scope = stage.args if stage is not None else globals_
                if key in req.build_args:
                    scope[key] = req.build_args[key]
                elif eq:
                    scope[key] = _substitute(default, {**globals_, **(stage.env if stage else {}), **scope})
                elif stage is not None and key in globals_:
                    scope[key] = globals_[key]  # re-declared inside the stage: the global value
                else:
                    scope.setdefault(key, "")
            continue
        if inst.name == "FROM":
            if stage is not None and req.target is not None and stage.name == req.target:
                break
            words = [_substitute(w, globals_) for w in inst.args]
            base = words[0] if words else ""
            alias = words[2] if len(words) >= 3 and words[1].lower() == "as" else str(len(stages))
            stage = _from(base, alias, stages, inst)
            stages.append(stage)
            continue
        if stage is None:
            continue  # a parser directive or comment before FROM; unknown ones are problems already
        scope = {**stage.args, **stage.env}
        if inst.name == "ENV":
            for key, value in _env_pairs(inst):
                stage.env[key] = _substitute(value, scope)
                scope[key] = stage.env[key]
        elif inst.name == "WORKDIR":
            stage.workdir = normalize(_substitute(inst.rest, scope), stage.workdir)
        elif inst.name in ("COPY", "ADD"):
            _copy(ctx, inst, span, stage, stages, req, image, ignore, scope)
        elif inst.name == "RUN":
            _run(ctx, inst, span, stage, scope)
        elif inst.name == "CMD":
            stage.cmd = (inst.args if inst.json_form else [inst.rest], inst.json_form, span)
        elif inst.name == "ENTRYPOINT":
            stage.entrypoint = inst.args if inst.json_form else ["/bin/sh", "-c", inst.rest]
            stage.cmd = None  # Docker resets an inherited CMD when ENTRYPOINT is set
    if req.target is not None:
        return next((s for s in stages if s.name == req.target), None)
    return stages[-1] if stages else None


def _from(base: str, alias: str, stages: list[_Stage], inst: Instruction) -> _Stage:
    parent = next((s for s in reversed(stages) if s.name == base), None)
    if parent is not None:
        return _Stage(alias, parent.base, dict(parent.files), dict(parent.env), dict(parent.args),
                      parent.workdir, parent.python, parent.lambda_base, parent.entrypoint, parent.cmd,
                      list(parent.pips), parent.unknown)
    m = LAMBDA_BASE.match(base)
    if m:
        return _Stage(alias, base, env={"LAMBDA_TASK_ROOT": "/var/task", "LAMBDA_RUNTIME_DIR": "/var/runtime"},
                      workdir="/var/task", python=m.group(1), lambda_base=True)
    py = re.match(r"^(?:docker\.io/)?(?:library/)?python:(\d+\.\d+)", base)
    return _Stage(alias, base, python=py.group(1) if py else None)


def _env_pairs(inst: Instruction) -> list[tuple[str, str]]:
    words = inst.args
    if len(words) >= 1 and "=" not in words[0]:
        return [(words[0], " ".join(words[1:]))]  # legacy ``ENV KEY value``
    return [(k, v) for w in words for k, _eq, v in [w.partition("=")]]


# --------------------------------------------------------------------------- COPY / ADD


def _copy(ctx: JobContext, inst: Instruction, span: Span, stage: _Stage, stages: list[_Stage],
          req: BuildRequest, image: ImageBuild, ignore: IgnoreFile | None, scope: dict[str, str]) -> None:
    if inst.heredocs:
        dest = _substitute(inst.args[-1], scope) if inst.args else ""
        if dest:
            target = normalize(dest, stage.workdir)
            for delimiter in inst.heredocs:
                path = target.rstrip("/") + "/" + delimiter if dest.endswith("/") else target
                stage.files[path] = _Entry(FileKind.GENERATED, None, span)
        return
    words = [_substitute(w, scope) for w in inst.args]
    if len(words) < 2:
        return
    sources, dest = words[:-1], words[-1]
    into_dir = dest.endswith("/") or len(sources) > 1 or any(_has_glob(s) for s in sources)
    target = normalize(dest, stage.workdir)
    source_stage = inst.flags.get("from")
    if source_stage is not None:
        source_stage = _substitute(source_stage, scope)
        from_stage = next((s for s in stages if s.name == source_stage), None)
        if from_stage is None or from_stage is stage:
            stage.unknown = stage.unknown or (f"COPY --from={source_stage} at {span.path}:{span.line} copies "
                                              "from an image the tool does not see")
            return
        for src in sources:
            path = normalize(src, "/")
            found = _stage_matches(from_stage, path)
            _place(stage, [(normalize(_dest(p, b, target, into_dir, stage)), e) for p, b, e in found])
            # what pip installed there comes along (its files are not listed)
            for pip in from_stage.pips:
                if pip.prefix and is_under(pip.prefix, path):
                    rest = relative(pip.prefix, path)
                    stage.pips.append(replace(pip, prefix=normalize(posixpath.join(target, rest))))
        return
    for src in sources:
        if "://" in src:
            stage.unknown = stage.unknown or f"ADD {src} at {span.path}:{span.line} downloads files"
            continue
        _copy_from_context(ctx, src, span, stage, req, image, ignore, target, into_dir)


def _copy_from_context(ctx: JobContext, src: str, span: Span, stage: _Stage, req: BuildRequest,
                       image: ImageBuild, ignore: IgnoreFile | None, target: str, into_dir: bool) -> None:
    context = req.context
    # what a shell would read (``../shared`` next to the context) and what the builder reads:
    # parent navigation and a leading ``/`` are removed, the path stays inside the context
    meant = normalize(src, context)
    inside = posixpath.normpath("/" + src).lstrip("/")
    path = normalize(inside or ".", context)
    matches = _context_matches(ctx, path)

    def dropped_by(p: str) -> bool:
        return ignore is not None and not ignore.unknown and ignore.excluded(relative(p, context)) is not None

    kept = [(p, b) for p, b in matches if not dropped_by(p)]
    dropped = [(p, b) for p, b in matches if dropped_by(p)]
    if not is_under(meant, context) and not kept:
        supply = _context_matches(ctx, meant)
        image.misses.append(ContextMiss(span, src, "outside", workspace_relative(meant), target, True,
                                        would_supply=[_dest(p, b, target, into_dir, stage) for p, b in supply]))
        return
    if dropped and ignore is not None:
        pattern = ignore.excluded(relative(dropped[0][0], context))
        image.misses.append(ContextMiss(
            span, src, "ignored", workspace_relative(path), target, not kept,
            pattern=pattern.text if pattern else "",
            pattern_span=Span(ignore.path, pattern.line, 1, pattern.line, 1) if pattern else None,
            would_supply=[_dest(p, b, target, into_dir, stage) for p, b in dropped]))
    if not matches:
        writer = _unknown_writer(ctx, path)
        if ctx.vfs.unknown_below(path) or writer:
            stage.unknown = stage.unknown or f"COPY {src}: its folder holds files the tool cannot list{writer}"
        elif not _has_glob(src):
            image.misses.append(ContextMiss(span, src, "missing", workspace_relative(path), target, True))
        return
    entries = []
    for p, b in kept:
        vfile = ctx.vfs.files.get(p)
        kind = vfile.kind if vfile is not None else FileKind.SOURCE
        source = vfile.source if vfile is not None and vfile.kind is FileKind.SOURCE else None
        entries.append((normalize(_dest(p, b, target, into_dir, stage)), _Entry(kind, source, span)))
    _place(stage, entries)


def _unknown_writer(ctx: JobContext, path: str) -> str:
    """A command of the job the tool does not model (``python3 scripts/vendor.py``), or an
    action step (``actions/download-artifact``), that may have written ``path``: then a
    source missing from the tree is unknown, not missing (" (written by …?)"; "" if none)."""
    for unknown in ctx.unknown:
        program = unknown.name.split(None, 1)[0].rsplit("/", 1)[-1] if unknown.name else ""
        runs_code = program.startswith(("python", "node", "uv", "poetry", "pipenv", "npx", "ruby", "perl"))
        if runs_code or not unknown.paths or any(is_under(path, p) or is_under(p, path) for p in unknown.paths):
            return f" (written by `{unknown.name}`?)"
    for step in ctx.job.steps:
        if step is ctx.step:
            break
        if step.uses and not step.uses.startswith("actions/checkout"):
            return f" (written by `uses: {step.uses}`?)"
    return ""


def _dest(path: str, base: str | None, target: str, into_dir: bool, stage: _Stage) -> str:
    """Where one file goes: below the target as it was below the copied folder, or as the
    target itself (a single file to a path that is not a folder)."""
    if base is not None:
        return posixpath.join(target, relative(path, base)) if path != base else target
    if into_dir or _is_dir(stage, target):
        return posixpath.join(target, posixpath.basename(path))
    return target


def _has_glob(text: str) -> bool:
    return any(c in text for c in "*?[")


def _context_matches(ctx: JobContext, path: str) -> list[tuple[str, str | None]]:
    """Files a path names, each with the folder whose contents it is copied as part of
    (None when the file itself was named or matched)."""
    if not _has_glob(path):
        if ctx.vfs.is_file(path):
            return [(path, None)]
        if ctx.vfs.is_dir(path):
            return [(f, path) for f in ctx.vfs.walk_files(path)]
        return []
    parent = path
    while _has_glob(parent):
        parent = posixpath.dirname(parent)
    out: list[tuple[str, str | None]] = []
    depth = path.count("/")
    for candidate in [*ctx.vfs.walk_dirs(parent), *ctx.vfs.walk_files(parent)]:
        if candidate.count("/") == depth and fnmatch.fnmatchcase(candidate, path):
            if ctx.vfs.is_dir(candidate):
                out += [(f, candidate) for f in ctx.vfs.walk_files(candidate)]
            else:
                out.append((candidate, None))
    return out


def _stage_matches(stage: _Stage, path: str) -> list[tuple[str, str | None, _Entry]]:
    if path in stage.files:
        return [(path, None, stage.files[path])]
    prefix = path.rstrip("/") + "/"
    return [(p, path, e) for p, e in stage.files.items() if p.startswith(prefix)]


def _place(stage: _Stage, entries: list[tuple[str, _Entry]]) -> None:
    for dest, entry in entries:
        stage.files[dest] = entry


def _is_dir(stage: _Stage, path: str) -> bool:
    prefix = path.rstrip("/") + "/"
    return path in ("/", "/var/task", stage.workdir) or any(p.startswith(prefix) for p in stage.files)


# --------------------------------------------------------------------------- RUN


def _run(ctx: JobContext, inst: Instruction, span: Span, stage: _Stage, scope: dict[str, str]) -> None:
    scripts = list(inst.heredocs.values()) or [" ".join(inst.args) if inst.json_form else inst.rest]
    for script in scripts:
        for words in _commands(script):
            words = [_substitute(w, {**scope, **dict(stage.env)}) for w in words]
            _run_command(ctx, words, span, stage)


def _commands(script: str) -> list[list[str]]:
    try:
        lexer = shlex.shlex(script.replace("\\\n", " "), posix=True, punctuation_chars=";&|")
        lexer.whitespace_split = True
        tokens = list(lexer)
    except ValueError:
        return [script.split()]
    out: list[list[str]] = [[]]
    for token in tokens:
        if token in ("&&", "||", ";", "|", "&", ";;") or token == "\n":
            out.append([])
        else:
            out[-1].append(token)
    return [c for c in out if c]


def _run_command(ctx: JobContext, words: list[str], span: Span, stage: _Stage) -> None:
    head = words[0]
    rest = words[1:]
    if head in ("python", "python3") or re.match(r"^python3\.\d+$", head):
        if len(words) > 2 and words[1] == "-m" and words[2] == "pip":
            head, rest = "pip", words[3:]
        elif len(words) > 2 and words[1] == "-m" and words[2] == "compileall":
            return
    tool = "pip"
    if head == "uv" and rest[:1] == ["pip"]:
        head, rest, tool = "pip", rest[1:], "uv"
    if re.match(r"^pip[\d.]*$", head):
        if rest[:1] == ["install"]:
            _pip(ctx, rest[1:], span, stage, tool)
        return
    if head.rsplit("/", 1)[-1] in _HARMLESS:
        return
    stage.unknown = stage.unknown or f"RUN {' '.join(words)[:60]} at {span.path}:{span.line} is not modelled"


def _pip(ctx: JobContext, args: list[str], span: Span, stage: _Stage, tool: str = "pip") -> None:
    target: str | None = None
    reqs = ReqSet()
    files: list[str] = []
    names: list[str] = []
    options: dict[str, str] = {}
    i = 0
    while i < len(args):
        word = args[i]
        name, eq, inline = word.partition("=")
        if word.startswith("-") and (name in _PIP_WITH_VALUE or (word[:2] in ("-t", "-r") and len(word) > 2)):
            if eq:
                value = inline
            elif word[:2] in ("-t", "-r", "-c") and len(word) > 2 and not word.startswith("--"):
                name, value = word[:2], word[2:]
            else:
                value = args[i + 1] if i + 1 < len(args) else ""
                i += 1
            if name in ("-t", "--target"):
                target = value
            elif name in ("-r", "--requirement", "-c", "--constraint"):
                image_path = normalize(value, stage.workdir)
                entry = stage.files.get(image_path)
                if entry is None or entry.source is None:
                    reqs.problems.append(ReqProblem("unknown-file", None, 0, value,
                                                    f"{value} is not a file the image build copied in"))
                else:
                    parse_file(entry.source, ctx.repo.read_text, reqs, constraint=name in ("-c", "--constraint"))
                    if name in ("-r", "--requirement"):
                        files.append(entry.source)
            elif name in ("--platform", "--python-version", "--implementation", "--abi", "--only-binary",
                          "--no-binary", "--python-platform"):
                options[name] = value
        elif word.startswith("-"):
            if word in ("--no-deps", "--upgrade", "-U", "--pre", "--no-compile"):
                options["--upgrade" if word == "-U" else word] = ""
        else:
            if word.startswith((".", "/")) or "/" in word:
                reqs.problems.append(ReqProblem("local", None, 0, word, f"{word}: a local project in the image"))
            else:
                item = parse_requirement(word, None, 0)
                (reqs.problems if isinstance(item, ReqProblem) else reqs.lines).append(item)  # type: ignore[arg-type]
                names.append(word)
        i += 1
    if names and all(n.split("=")[0].lower() in ("pip", "setuptools", "wheel") for n in names) and not files:
        return  # upgrading the installer itself
    # without ``-t`` pip installs into the image's site-packages, which is on sys.path too
    prefix = normalize(target, stage.workdir) if target else ""
    stage.pips.append(PipInstall(prefix=prefix, requirements=names,
                                 requirement_files=files, span=span, options=options, reqs=reqs,
                                 runner=ctx.job.runs_on, image=stage.base, job_key=ctx.job.key, tool=tool))

