"""Requirements files exported from a lock or compiled from an input file, with the
content the command would write:

- ``poetry export -f requirements.txt [-o FILE] [--with G] [--without G] [--only G] [--dev]
  [-E X] [--all-extras]``: the locked packages of the chosen groups (``main`` alone by
  default) from ``poetry.lock``, as ``name==version ; markers``;
- ``uv export [--format requirements-txt] [-o FILE] [--no-dev] [--only-dev] [--group G]
  [--no-group G] [--only-group G] [--all-groups] [--extra X] [--all-extras] [--package P]
  [--no-emit-project] [--no-editable]``: what the project (or the workspace member) needs
  from ``uv.lock``, the ``dev`` group included unless ``--no-dev``; the project itself as
  ``-e .`` unless it is virtual or ``--no-emit-project``;
- ``pip-compile [SRC …] [-o FILE] [--extra X] [--all-extras]`` and ``uv pip compile``: the
  requirements of ``requirements.in`` (or ``pyproject.toml``'s ``[project] dependencies``)
  and their ``Requires-Dist`` closure from the distribution data; a name the data does not
  know stays in the file, and what it requires stays unknown.

Without ``-o`` the text goes to standard output, so ``> FILE`` names the file.  When the
lock or input file is not in the repository, or not readable, the file is written with
unknown content: a later ``pip install -r`` of it is then of unknown content.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable

from validator.model import FileKind
from validator.model.dists import lookup, marker_applies, marker_environments, normalise
from validator.model.paths import WORKSPACE, is_under, normalize, relative
from validator.model.requirements import ReqLine, ReqSet, parse_file
from validator.simulate.commands.options import Parsed, parse
from validator.simulate.context import Invocation
from validator.simulate.vfs import VFile
from validator.simulate.words import Arg, expand_one
from validator.syntax.lockfiles import (
    Declared,
    Lock,
    LockedDep,
    LockedPackage,
    read_poetry_lock,
    read_pyproject,
    read_uv_lock,
)

MAIN = "main"


def _known(inv: Invocation) -> bool:
    return not any(a.symbolic for a in inv.args[1:])


def _stdout(inv: Invocation) -> str | None:
    """The file a ``> FILE`` redirection of the command writes (``>>`` appends: unknown)."""
    for r in inv.node.redirects:
        if r.target is not None and r.op in (">", ">|", "1>"):
            target = expand_one(r.target, inv.state, inv.ctx.vfs)
            if not target.symbolic and target.text not in ("/dev/null", "/dev/stdout", "/dev/stderr"):
                return inv.path(target)
    return None


def _rel(path: str) -> str:
    return relative(path, WORKSPACE) if is_under(path, WORKSPACE) else path


def _write(inv: Invocation, path: str | None, text: str | None, note: str) -> bool:
    """Write the exported file (``text`` None: its content is not known)."""
    if path is None:
        return True  # to the terminal
    vfs = inv.ctx.vfs
    if not vfs.is_dir(posixpath.dirname(path)):
        return False  # the folder does not exist: the command fails to open the file
    vfs.put(path, VFile(FileKind.GENERATED, origin=inv.span, text=text, note=note))
    return True


def _find_up(inv: Invocation, start: str, name: str) -> str | None:
    """``name`` in ``start`` or the nearest folder above it, within the checkout."""
    path = start
    while True:
        candidate = posixpath.join(path, name)
        if inv.ctx.vfs.is_file(candidate):
            return candidate
        if path in (WORKSPACE, "/") or not is_under(path, WORKSPACE):
            return None
        path = posixpath.dirname(path)


def _names(values: Iterable[str]) -> set[str]:
    """``--with dev,test --with docs`` -> {dev, test, docs}."""
    return {n.strip() for v in values for n in v.replace(",", " ").split() if n.strip()}


def _line(name: str, version: str, marker: str | None = None) -> str:
    """``name==version ; marker`` where it parses as a requirement, else less of it."""
    from packaging.requirements import InvalidRequirement, Requirement

    for text in (f"{name}=={version} ; {marker}" if marker and version else None,
                 f"{name}=={version}" if version else None, f"{name} ; {marker}" if marker else None, name):
        if text is None:
            continue
        try:
            Requirement(text)
        except InvalidRequirement:
            continue
        return text
    return name


# --------------------------------------------------------------------------- poetry


def poetry(inv: Invocation) -> bool | None:
    words = inv.args[1:]
    if not words or words[0].text != "export" or not _known(inv):
        return None
    p = parse(words[1:], short_with_value="foECP",
              long_with_value=frozenset({"--format", "--output", "--with", "--without", "--only", "--extras",
                                         "--directory", "--project"}))
    fmt = p.text("-f", "--format") or "requirements.txt"
    base = p.value("-C", "--directory", "-P", "--project")
    start = inv.path(base) if base is not None else inv.state.cwd
    pyproject = _find_up(inv, start, "pyproject.toml")
    project_dir = posixpath.dirname(pyproject) if pyproject else start
    out = p.value("-o", "--output")
    # (the plugin writes ``-o`` relative to the project's folder)
    path = normalize(out.text, project_dir) if out is not None else _stdout(inv)
    if fmt not in ("requirements.txt", "constraints.txt"):
        return _write(inv, path, None, f"poetry export -f {fmt}")
    lock_path = posixpath.join(project_dir, "poetry.lock")
    lock_text = inv.ctx.vfs.read_text(lock_path)
    declared_text = inv.ctx.vfs.read_text(pyproject) if pyproject else None
    lock = read_poetry_lock(lock_text) if lock_text is not None else None
    declared = read_pyproject(declared_text) if declared_text is not None else None
    if lock is None:
        why = "is not in the repository" if lock_text is None else "cannot be read"
        # (poetry locks anew without a lock file: what it resolves is not known)
        return _write(inv, path, None, f"poetry export; {_rel(lock_path)} {why}")
    groups = _poetry_groups(p)
    extras = _names(v.text for v in p.all("-E", "--extras"))
    text = poetry_requirements(lock, declared, groups, extras, p.has("--all-extras"))
    note = f"poetry export from {_rel(lock_path)}, group{'s' if len(groups) > 1 else ''} {', '.join(sorted(groups))}"
    return _write(inv, path, text, note)


def _poetry_groups(p: Parsed) -> set[str]:
    only = _names(v.text for v in p.all("--only"))
    if only:
        return only
    groups = {MAIN} | _names(v.text for v in p.all("--with"))
    if p.has("--dev"):
        groups.add("dev")
    return groups - _names(v.text for v in p.all("--without"))


def poetry_requirements(lock: Lock, declared: Declared | None, groups: set[str], extras: set[str],
                        all_extras: bool) -> str | None:
    """The requirements ``poetry export`` writes for these groups and extras; None when the
    lock does not say and ``pyproject.toml`` is not there to tell (lock format 2.0)."""
    wanted_extra_names: set[str] = set()
    project_extras = {**(declared.extras if declared else {}), **lock.extras}
    for extra, names in project_extras.items():
        if all_extras or extra in extras:
            wanted_extra_names |= {normalise(n) for n in names}
    chosen: list[LockedPackage] = []
    if all(pkg.groups is not None for pkg in lock.packages):
        # a lock of format 1.x names the category "dev" for every group but main
        categories = {g if g == MAIN else "dev" for g in groups}
        for pkg in lock.packages:
            in_group = bool(set(pkg.groups or ()) & (groups | (categories if lock.version.startswith("1") else set())))
            if in_group and (not pkg.optional or normalise(pkg.name) in wanted_extra_names):
                chosen.append(pkg)
    else:
        if declared is None:
            return None
        roots = [(n, e) for g in groups for n, e in declared.groups.get(g, [])]
        roots += [(n, ()) for n in wanted_extra_names]
        chosen = _walk(lock, [LockedDep(n, None, tuple(e)) for n, e in roots], optional_edges=False)
    lines = [_poetry_line(pkg) for pkg in sorted(chosen, key=lambda p: normalise(p.name))]
    return "".join(f"{line}\n" for line in dict.fromkeys(lines))


def _poetry_line(pkg: LockedPackage) -> str:
    if pkg.source in ("git", "url") and pkg.source_path:
        return f"{pkg.name} @ {'git+' if pkg.source == 'git' and not pkg.source_path.startswith('git+') else ''}" \
               f"{pkg.source_path}"
    if pkg.source in ("directory", "file") and pkg.source_path:
        return pkg.source_path if pkg.source_path.startswith((".", "/")) else f"./{pkg.source_path}"
    return _line(pkg.name, pkg.version, pkg.markers)


def _walk(lock: Lock, roots: list[LockedDep], optional_edges: bool) -> list[LockedPackage]:
    """The packages reached from ``roots`` along the lock's edges (with the extras each edge
    asks for); a poetry edge marked optional is followed only through an extra."""
    seen: dict[int, LockedPackage] = {}
    done: set[tuple[int, tuple[str, ...]]] = set()
    queue = list(roots)
    while queue:
        dep = queue.pop(0)
        for pkg in lock.named(dep.name):
            key = (id(pkg), tuple(sorted(dep.extras)))
            if key in done:
                continue
            done.add(key)
            seen[id(pkg)] = pkg
            via_extra = {normalise(d.name) for e in dep.extras for d in pkg.extras.get(e, [])}
            for child in pkg.dependencies:
                if child.optional and not optional_edges and normalise(child.name) not in via_extra:
                    continue
                queue.append(child)
            for e in dep.extras:
                queue.extend(pkg.extras.get(e, []))
    return list(seen.values())


# --------------------------------------------------------------------------- uv


def uv(inv: Invocation) -> bool | None:
    words = inv.args[1:]
    if not words or not _known(inv):
        return None
    if words[0].text == "pip" and len(words) > 1 and words[1].text == "compile":
        return compile_requirements(inv, words[2:], "uv pip compile")
    if words[0].text in ("sync", "venv"):
        return uv_environment(inv, words)
    if words[0].text != "export":
        return None
    p = parse(words[1:], short_with_value="o",
              long_with_value=frozenset({"--format", "--output-file", "--group", "--no-group", "--only-group",
                                         "--extra", "--package", "--directory", "--project", "--prune",
                                         "--no-emit-package", "--python", "-p"}))
    out = p.value("-o", "--output-file")
    directory = p.value("--directory")
    # (``--directory`` changes uv's working folder: ``-o`` is relative to it)
    path = normalize(out.text, inv.path(directory) if directory is not None else inv.state.cwd) \
        if out is not None else _stdout(inv)
    fmt = p.text("--format")
    if (fmt is not None and fmt != "requirements-txt") or (out is not None and not fmt and
                                                            out.text.endswith((".toml", ".json"))):
        return _write(inv, path, None, f"uv export --format {fmt or out.text if out else ''}".strip())
    base = p.value("--directory", "--project")
    start = inv.path(base) if base is not None else inv.state.cwd
    pyproject = _find_up(inv, start, "pyproject.toml")
    project_dir = posixpath.dirname(pyproject) if pyproject else start
    lock_path = _find_up(inv, project_dir, "uv.lock") or posixpath.join(project_dir, "uv.lock")
    lock_text = inv.ctx.vfs.read_text(lock_path)
    lock = read_uv_lock(lock_text) if lock_text is not None else None
    declared_text = inv.ctx.vfs.read_text(pyproject) if pyproject else None
    declared = read_pyproject(declared_text) if declared_text is not None else None
    if lock is None:
        why = "is not in the repository" if lock_text is None else "cannot be read"
        return _write(inv, path, None, f"uv export; {_rel(lock_path)} {why}")
    member = p.text("--package")
    relative_dir = relative(project_dir, posixpath.dirname(lock_path)) or "."
    text = uv_requirements(lock, p, member, relative_dir, declared)
    note = f"uv export from {_rel(lock_path)}"
    return _write(inv, path, text, note)


def uv_environment(inv: Invocation, words: list[Arg]) -> bool | None:
    """``uv sync`` / ``uv venv [DIR]``: a virtual environment (``.venv`` of the project, or
    ``$UV_PROJECT_ENVIRONMENT``) whose installed files are not listed, so a path below it
    (``.venv/lib/python3.12/site-packages``) is unknown, never missing."""
    from validator.simulate.commands.builds import unknown_dir

    p = parse(words[1:], short_with_value="p",
              long_with_value=frozenset({"--directory", "--project", "--python", "--group", "--extra", "--package",
                                         "--index", "--default-index", "--index-url", "--extra-index-url",
                                         "--prompt", "--seed", "--link-mode", "--no-group", "--only-group"}))
    base = p.value("--directory", "--project")
    start = inv.path(base) if base is not None else inv.state.cwd
    if words[0].text == "venv":
        folder = p.operands[0] if p.operands else None
        return unknown_dir(inv, inv.path(folder) if folder is not None else posixpath.join(start, ".venv"), "uv venv")
    env = inv.state.vars.get("UV_PROJECT_ENVIRONMENT")
    if env is not None and not env.symbolic and env.text:
        target = normalize(env.text, start)
    else:
        pyproject = _find_up(inv, start, "pyproject.toml")
        target = posixpath.join(posixpath.dirname(pyproject) if pyproject else start, ".venv")
    return unknown_dir(inv, target, "uv sync")


def uv_requirements(lock: Lock, p: Parsed, member: str | None, project_dir: str, declared: Declared | None) -> str | None:
    """What ``uv export`` writes for the root project (or ``member``); None when the lock
    has no such project."""
    roots = [pkg for pkg in lock.packages if pkg.source in ("virtual", "editable", "directory")
             and (normalise(pkg.name) == normalise(member) if member else
                  posixpath.normpath(pkg.source_path or "") == posixpath.normpath(project_dir))]
    if not roots:
        return None
    root = roots[0]
    groups = {"dev"} if not p.has("--no-default-groups") else set()
    if p.has("--all-groups"):
        groups |= set(root.groups_deps)
    groups |= _names(v.text for v in p.all("--group"))
    if p.has("--no-dev"):
        groups.discard("dev")
    groups -= _names(v.text for v in p.all("--no-group"))
    only = _names(v.text for v in p.all("--only-group")) | ({"dev"} if p.has("--only-dev") else set())
    extras = set(root.extras) if p.has("--all-extras") else _names(v.text for v in p.all("--extra"))
    edges: list[LockedDep] = [] if only else [*root.dependencies, *(d for e in extras for d in root.extras.get(e, []))]
    edges += [d for g in (only or groups) for d in root.groups_deps.get(g, [])]
    reached = _walk(lock, edges, optional_edges=True)
    direct = {normalise(d.name): d for d in edges}
    incoming: dict[str, int] = {}
    for pkg in reached:
        for d in pkg.dependencies:
            incoming[normalise(d.name)] = incoming.get(normalise(d.name), 0) + 1
    lines: list[str] = []
    emit_project = not (p.has("--no-emit-project") or p.has("--no-emit-workspace") or p.has("--no-emit-local"))
    editable = "" if p.has("--no-editable") else "-e "
    if emit_project and root.source != "virtual":
        lines.append(f"{editable}{_project_path(project_dir, project_dir)}")
    for pkg in sorted(reached, key=lambda x: normalise(x.name)):
        if pkg is root:
            continue
        if pkg.source in ("editable", "directory", "virtual"):
            if emit_project and pkg.source != "virtual" and pkg.source_path:
                lines.append(f"{editable if pkg.source == 'editable' else ''}"
                             f"{_project_path(pkg.source_path, project_dir)}")
            continue
        if pkg.source in ("git", "url") and pkg.source_path:
            url = pkg.source_path if pkg.source == "url" or pkg.source_path.startswith("git+") \
                else f"git+{pkg.source_path}"
            lines.append(f"{pkg.name} @ {url}")
            continue
        if pkg.source == "path" and pkg.source_path:
            lines.append(_project_path(pkg.source_path, project_dir))
            continue
        edge = direct.get(normalise(pkg.name))
        # a marker is kept only where the project's own edge is the one way in
        marker = edge.marker if edge is not None and not incoming.get(normalise(pkg.name)) else None
        lines.append(_line(pkg.name, pkg.version, marker))
    return "".join(f"{line}\n" for line in dict.fromkeys(lines))


def _project_path(path: str, project_dir: str) -> str:
    """A lock-relative path written relative to the project folder (``./packages/core``)."""
    rel = posixpath.relpath(posixpath.normpath(path or "."), posixpath.normpath(project_dir or "."))
    return "." if rel == "." else (rel if rel.startswith("..") else f"./{rel}")


# --------------------------------------------------------------------------- pip-compile


def pip_compile(inv: Invocation) -> bool | None:
    if not _known(inv):
        return None
    return compile_requirements(inv, inv.args[1:], "pip-compile")


def compile_requirements(inv: Invocation, words: list[Arg], command: str) -> bool:
    p = parse(words, short_with_value="oc",
              long_with_value=frozenset({"--output-file", "--extra", "--constraint", "--index-url",
                                         "--extra-index-url", "--find-links", "--python-version", "--python",
                                         "--resolver", "--cache-dir", "--pip-args", "--annotation-style"}))
    vfs = inv.ctx.vfs
    sources = [inv.path(a) for a in p.operands]
    if not sources and command == "pip-compile":
        for name in ("requirements.in", "setup.py", "setup.cfg", "pyproject.toml"):
            candidate = inv.path(name)
            if vfs.is_file(candidate):
                sources = [candidate]
                break
    out = p.value("-o", "--output-file")
    if out is not None:
        path: str | None = inv.path(out)
    elif command == "pip-compile":
        # pip-compile writes next to its one input: requirements.in -> requirements.txt
        only = sources[0] if len(sources) == 1 else None
        if only is not None and only.endswith(".in"):
            path = only[: -len(".in")] + ".txt"
        else:
            path = posixpath.join(posixpath.dirname(only) if only else inv.state.cwd, "requirements.txt")
    else:
        path = _stdout(inv)  # uv pip compile writes to standard output
    if not sources:
        return _write(inv, path, None, f"{command}; no input file")
    reqs = ReqSet()
    unknown = []
    for source in sources:
        rel = _rel(source)
        if source.endswith(".toml"):
            text = vfs.read_text(source)
            declared = read_pyproject(text) if text is not None else None
            if declared is None or declared.dynamic_dependencies:
                unknown.append(rel)
                continue
            chosen = set(declared.extras) if p.has("--all-extras") else _names(v.text for v in p.all("--extra"))
            joined = "\n".join([*declared.requirements, *(n for e in chosen for n in declared.extras.get(e, []))])
            parse_file(rel, _constant(joined), reqs)
        elif source.endswith((".py", ".cfg")):
            unknown.append(rel)
        else:
            parse_file(rel, lambda r: vfs.read_text(posixpath.normpath(posixpath.join(WORKSPACE, r))), reqs,
                       cwd=_rel(inv.state.cwd) if is_under(inv.state.cwd, WORKSPACE) else "")
    if unknown or any(pr.fatal or pr.kind.startswith("unknown") for pr in reqs.problems):
        what = ", ".join(unknown) or ", ".join(pr.text for pr in reqs.problems)
        return _write(inv, path, None, f"{command}; {what} cannot be read")
    text = compiled(reqs.lines)
    return _write(inv, path, text, f"{command} from {', '.join(_rel(s) for s in sources)}")


def _constant(text: str) -> Callable[[str], str | None]:
    return lambda _path: text


def compiled(lines: list[ReqLine]) -> str:
    """The requirements and their ``Requires-Dist`` closure from the distribution data (markers
    held in some Python version of Lambda, extras followed); URLs and local projects as written."""
    envs = marker_environments(None)
    out: list[str] = []
    queue: list[tuple[str, tuple[str, ...]]] = []
    for line in lines:
        if line.url or line.local_path is not None or line.name is None:
            out.append(("-e " if line.editable else "") + line.text)
            continue
        if not marker_applies(line.marker, envs):
            continue
        queue.append((line.name, line.extras))
    seen: set[tuple[str, tuple[str, ...]]] = set()
    from packaging.requirements import InvalidRequirement, Requirement

    while queue:
        name, extras = queue.pop(0)
        key = (normalise(name), tuple(sorted(extras)))
        if key in seen:
            continue
        seen.add(key)
        dist = lookup(name)
        out.append(dist.name if dist is not None else name)
        for text in dist.requires if dist is not None else ():
            try:
                req = Requirement(text)
            except InvalidRequirement:
                continue
            if marker_applies(str(req.marker) if req.marker else None, envs, extras):
                queue.append((req.name, tuple(sorted(req.extras))))
    return "".join(f"{line}\n" for line in dict.fromkeys(out))


HANDLERS = {"poetry": poetry, "uv": uv, "pip-compile": pip_compile}
