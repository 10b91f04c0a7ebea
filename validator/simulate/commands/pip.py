"""``pip install -t DIR`` (also ``pip3``, ``python -m pip``, ``uv pip``): what a package gets
from PyPI.

Only installs with a target directory can reach a ZIP.  The install is recorded on
the target directory (``VDir.pip``) with one placeholder directory per named
distribution (``VDir.installed``), so a later ``cp``/``zip`` carries both along and the
package knows which requirements it holds and under which prefix.
"""

from __future__ import annotations

import posixpath
import re
import sys
from dataclasses import replace

from validator.model import PipInstall
from validator.model.paths import WORKSPACE, is_under, relative
from validator.model.requirements import ReqProblem, ReqSet, parse_file, parse_requirement
from validator.simulate.commands.options import parse
from validator.simulate.context import Invocation
from validator.simulate.words import Arg

LONG_WITH_VALUE = frozenset({
    "--target", "--requirement", "--constraint", "--platform", "--python-version", "--implementation",
    "--abi", "--only-binary", "--no-binary", "--index-url", "--extra-index-url", "--find-links",
    "--prefix", "--root", "--cache-dir", "--progress-bar", "--trusted-host", "--editable", "--src",
    "--upgrade-strategy", "--log", "--timeout", "--retries", "--python", "--report",
})
#: ``uv pip install``'s own options with a value (``uv help pip install``, uv 0.13)
UV_LONG_WITH_VALUE = LONG_WITH_VALUE | frozenset({
    "--python-platform", "--index", "--default-index", "--index-strategy", "--keyring-provider",
    "--resolution", "--prerelease", "--exclude-newer", "--link-mode", "--config-setting", "--config-file",
    "--reinstall-package", "--upgrade-package", "--no-build-package", "--no-binary-package",
    "--only-binary-package", "--override", "--overrides", "--build-constraint", "--build-constraints",
    "--extra", "--group", "--torch-backend", "--cache-dir", "--directory", "--project", "--color",
    "--allow-insecure-host", "--fork-strategy", "--no-sources-package", "--refresh-package",
    "--exclude-newer-package", "--excludes",
})
#: options copied to ``PipInstall.options`` (what LPK-006 checks)
PLATFORM_OPTIONS = ("--platform", "--python-version", "--implementation", "--abi", "--only-binary",
                    "--no-binary", "--python-platform")
PLATFORM_FLAGS = ("--no-deps", "--upgrade", "--pre", "--no-compile", "--force-reinstall", "--ignore-installed")

NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def run_uv(inv: Invocation) -> bool | None:
    """``uv pip install --target DIR``: pip's semantics for what lands in ``DIR``, uv's options."""
    return run(inv, tool="uv")


def run(inv: Invocation, tool: str = "pip") -> bool | None:
    args = inv.args
    words = [a.text for a in args]
    if "install" not in words:
        return True
    uv = tool == "uv"
    p = parse(args[words.index("install") + 1 :], short_with_value="trcieifpP" if uv else "trcieif",
              long_with_value=UV_LONG_WITH_VALUE if uv else LONG_WITH_VALUE)
    target = p.value("-t", "--target")
    if target is None:
        return True  # installs into the runner's environment: never reaches a ZIP
    if target.symbolic and not inv.ctx.vfs.is_dir(inv.path(target)):
        inv.unmodelled(f"cannot resolve pip target {target.text!r}: it depends on a value not known statically")
        return True
    tpath = inv.path(target)
    if _missing_requirements(inv, p.all("-r", "--requirement")) and not (inv.state.errexit and not inv.checked):
        # pip exits 1 ("Could not open requirements file") and installs nothing; where that
        # does not stop the step (a non-final && item, || …, if), bash goes on with that status
        return False
    reqs = ReqSet()
    requirement_files: list[str] = []
    names: list[str] = []
    generated: dict[str, tuple[str, str, int]] = {}
    for flag in ("-r", "--requirement", "-c", "--constraint"):
        for req in p.all(flag):
            rel = read_requirement_file(inv, req, reqs, constraint=flag in ("-c", "--constraint"),
                                        generated=generated)
            if rel is not None and flag in ("-r", "--requirement"):
                requirement_files.append(rel)
    names = [line.text.split(";", 1)[0].strip() for line in reqs.lines]
    for operand in p.operands:
        if operand.symbolic:
            reqs.problems.append(ReqProblem("unknown-value", None, 0, operand.text,
                                            f"`{operand.text}` depends on a value not known statically"))
            continue
        if inv.ctx.vfs.is_dir(inv.path(operand)):
            continue  # a local project: its modules and dependencies are added below
        item = parse_requirement(operand.text, None, 0)
        (reqs.problems if isinstance(item, ReqProblem) else reqs.lines).append(item)  # type: ignore[arg-type]
    requirements = [o.text for o in p.operands] + names
    options = {k: v.text for k in PLATFORM_OPTIONS if (v := p.value(k)) is not None}
    options.update({k: "" for k in PLATFORM_FLAGS if p.has(k)})
    if p.has("U"):
        options["--upgrade"] = ""
    container = getattr(inv.ctx, "container", None)
    install = PipInstall(prefix="", requirements=requirements, requirement_files=requirement_files,
                         span=inv.span, options=options, reqs=reqs, runner=inv.ctx.job.runs_on,
                         setup_python=setup_python(inv), job_key=inv.ctx.job.key,
                         image=container[0] if container else None, image_platform=container[1] if container else None,
                         tool=tool, generated=generated)
    vfs = inv.ctx.vfs
    vfs.mkdir(tpath, parents=True, origin=inv.span)
    vfs.dirs[tpath].pip.append(install)
    for operand in p.operands:
        if not operand.symbolic and inv.ctx.vfs.is_dir(inv.path(operand)):
            install_project(inv, inv.path(operand), tpath, install)
    for name in requirements:
        dist = distribution(name)
        if dist is None:
            continue
        placeholder = posixpath.join(tpath, dist)
        if vfs.mkdir(placeholder, origin=inv.span):
            vfs.dirs[placeholder].installed = install
    return True


def setup_python(inv: Invocation) -> str | None:
    """``python-version`` of the last ``actions/setup-python`` step before this one (the
    interpreter pip runs on, and so the wheels it picks without ``--python-version``)."""
    found = None
    for step in inv.ctx.job.steps:
        if step.run is not None and inv.ctx.step is step:
            break
        if step.uses and step.uses.split("@", 1)[0] == "actions/setup-python":
            found = step.with_.get("python-version") or found
    return found


def read_requirement_file(inv: Invocation, arg: Arg, reqs: ReqSet, constraint: bool = False,
                          generated: dict[str, tuple[str, str, int]] | None = None) -> str | None:
    """Parse a ``-r``/``-c`` file into ``reqs``; its repository-relative path, or None when
    its content is not known (generated by a command the tool does not model).  Files a
    modelled command wrote (``poetry export``) are read from the tree and named in
    ``generated`` with the command that wrote them."""
    vfs = inv.ctx.vfs
    if arg.symbolic:
        reqs.problems.append(ReqProblem("unknown-value", None, 0, arg.text,
                                        f"requirements file `{arg.text}` depends on a value not known statically"))
        return None
    path = inv.path(arg)
    rel = relative(path, WORKSPACE) if is_under(path, WORKSPACE) else path
    unknown: list[str] = []

    def read(repo_rel: str) -> str | None:
        vpath = posixpath.normpath(posixpath.join(WORKSPACE, repo_rel)) if not repo_rel.startswith("/") else repo_rel
        text = vfs.read_text(vpath)
        vfile = vfs.files.get(vpath)
        if vfile is not None and vfile.note and vfile.origin is not None and generated is not None:
            generated[repo_rel] = (vfile.note, vfile.origin.path, vfile.origin.line)
        if text is not None:
            return text
        if vfs.is_file(vpath) or not is_under(vpath, WORKSPACE) or _maybe_written(inv, vpath):
            unknown.append(repo_rel)
            notes[repo_rel] = vfile.note if vfile is not None else ""
            return ""  # written by the workflow (content unknown), or outside the repository
        return None

    notes: dict[str, str] = {}
    cwd = relative(inv.state.cwd, WORKSPACE) if is_under(inv.state.cwd, WORKSPACE) else ""
    parse_file(rel, read, reqs, constraint=constraint, cwd=cwd)
    for name in unknown:
        why = f"{notes[name]}" if notes.get(name) else "the workflow writes it, or it is outside the repository"
        reqs.problems.append(ReqProblem("unknown-content", None, 0, name,
                                        f"the content of {name} is not known statically ({why})"))
    return rel


def _maybe_written(inv: Invocation, path: str) -> bool:
    """A command the tool does not model may have written ``path``."""
    return any(path == p or is_under(path, p) for u in inv.ctx.unknown for p in u.paths) or bool(
        [u for u in inv.ctx.unknown if not u.paths])


def _missing_requirements(inv: Invocation, files: list[Arg]) -> bool:
    """A ``-r`` file that certainly does not exist: a literal path absent from the tree, in a
    job where no unmodelled command ran (it might have written the file)."""
    if inv.ctx.unknown:
        return False
    return any(not f.symbolic and not inv.ctx.vfs.is_file(inv.path(f)) for f in files)


#: folders setuptools' automatic discovery never takes as packages of a flat layout
_NOT_PACKAGES = frozenset({"tests", "test", "docs", "doc", "examples", "example", "scripts", "tools", "build",
                           "dist", "site", "benchmarks", "bench", "venv", ".venv", "node_modules"})
_PROJECT_FILES = ("pyproject.toml", "setup.py", "setup.cfg")


def install_project(inv: Invocation, project: str, target: str, install: PipInstall) -> None:
    """``pip install . -t DIR``: the local project's own modules land in ``DIR`` as pip
    builds them (setuptools' src or flat layout), and its dependencies are installed.
    A project whose modules cannot be told makes the target's content unknown."""
    vfs = inv.ctx.vfs
    if not any(vfs.is_file(posixpath.join(project, f)) for f in _PROJECT_FILES):
        return
    src = posixpath.join(project, "src")
    base = src if vfs.is_dir(src) else project
    top = []
    for name in vfs.listdir(base) or []:
        path = posixpath.join(base, name)
        package = (vfs.is_dir(path) and (base == src or name not in _NOT_PACKAGES) and not name.startswith(".")
                   and vfs.is_file(posixpath.join(path, "__init__.py")))
        module = name.endswith(".py") and name != "setup.py" and (base == src or not name.startswith(("test", "conftest")))
        if package or module:
            top.append(path)
    if not top:
        from validator.simulate.context import UnknownCommand

        inv.ctx.unknown.append(UnknownCommand(inv.span, f"pip install {relative(project, WORKSPACE) or '.'} "
                                                         "(its modules could not be told)", [target],
                                              inv.ctx.commands))
        return
    for path in top:
        files = vfs.walk_files(path) if vfs.is_dir(path) else [path]
        for file in files:
            if file.endswith((".pyc", ".pyo")) or "/__pycache__/" in file:
                continue
            dest = posixpath.join(target, relative(file, base))
            vfs.mkdir(posixpath.dirname(dest), parents=True, origin=inv.span)
            vfs.put(dest, replace(vfs.files[file], origin=inv.span, copy=None, history=()))
    deps = project_dependencies(inv, project)
    install.requirements += deps
    pyproject = relative(posixpath.join(project, "pyproject.toml"), WORKSPACE)
    for dep in deps:
        item = parse_requirement(dep, pyproject, 0)
        (install.reqs.problems if isinstance(item, ReqProblem) else install.reqs.lines).append(item)  # type: ignore[arg-type]


def project_dependencies(inv: Invocation, project: str) -> list[str]:
    """``[project] dependencies`` of the local project's pyproject.toml (what pip installs with it)."""
    text = inv.ctx.vfs.read_text(posixpath.join(project, "pyproject.toml"))
    if not text:
        return []
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        deps = tomllib.loads(text).get("project", {}).get("dependencies", [])
    except (ValueError, AttributeError):  # TOMLDecodeError is a ValueError
        return []
    return [str(d) for d in deps if isinstance(d, str)] if isinstance(deps, list) else []


def distribution(requirement: str) -> str | None:
    """``PyYAML[extra]>=6`` -> ``pyyaml``; paths, URLs and options -> None."""
    if requirement.startswith((".", "/", "-", "git+", "http://", "https://")) or "://" in requirement:
        return None
    m = NAME.match(requirement)
    if not m:
        return None
    return m.group(1).lower().replace("-", "_").replace(".", "_")
