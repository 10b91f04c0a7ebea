"""What one ``pip install -t`` puts into its target, from the distribution data: the named
distributions, their ``Requires-Dist`` closure for the function's runtime (markers and
extras evaluated), local projects; and what cannot be known (distributions the data and
the local metadata do not know, URLs, VCS links, files the workflow writes)."""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass, field

from validator.model.base import Record
from validator.model.dists import Distribution, guess, lookup, marker_applies, normalise
from validator.model.packages import PipInstall
from validator.model.repo import Repo
from validator.model.requirements import ReqLine, ReqProblem, ReqSet, parse_file, parse_requirement


@dataclass(eq=False, repr=False)
class Provided(Record):
    """A module an install provides: the distribution and the requirement it came from."""

    module: str
    dist: str  # normalised distribution name
    line: ReqLine | None  # the requested requirement that brought it in
    via: tuple[str, ...] = ()  # requested distribution -> … -> dist


@dataclass(eq=False, repr=False)
class Provision(Record):
    """Modules one install provides, and why the list may be incomplete."""

    install: PipInstall
    modules: dict[str, Provided] = field(default_factory=dict)
    #: (distribution or text, requirement, reason): what it installs is not known
    unknown: list[tuple[str, ReqLine | None, str]] = field(default_factory=list)
    #: ``--no-deps``: distributions a requested one requires that pip does not install
    skipped: dict[str, tuple[str, ReqLine | None]] = field(default_factory=dict)
    problems: list[ReqProblem] = field(default_factory=list)
    requested: list[tuple[Distribution, ReqLine]] = field(default_factory=list)

    def provides(self, module: str) -> Provided | None:
        parts = module.split(".")
        for i in range(len(parts), 0, -1):
            found = self.modules.get(".".join(parts[:i]))
            if found is not None:
                return found
        prefix = module + "."
        return next((p for m, p in self.modules.items() if m.startswith(prefix)), None)


@functools.lru_cache(maxsize=8192)
def _requirement(text: str) -> tuple[str, tuple[str, ...], str | None] | None:
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        req = Requirement(text)
    except InvalidRequirement:
        return None
    return req.name, tuple(sorted(req.extras)), str(req.marker) if req.marker else None


def resolve(install: PipInstall, envs: list[dict[str, str]], repo: Repo | None = None) -> Provision:
    """Everything ``install`` provides for a function with these marker environments (one
    resolution per install and environment in a run: the closure and the rules all ask)."""
    key = (id(install), id(repo), tuple(tuple(sorted(env.items())) for env in envs))
    cached = _RESOLVED.get(key)
    if cached is not None and cached[0] is install:
        return cached[1]
    result = _resolve(install, envs, repo)
    _RESOLVED[key] = (install, result)
    return result


#: (install, repository, environments) -> what it provides; the install is kept so its id stays its own
_RESOLVED: dict[tuple[object, ...], tuple[PipInstall, Provision]] = {}


def _resolve(install: PipInstall, envs: list[dict[str, str]], repo: Repo | None) -> Provision:
    reqs = requirements_of(install, repo)
    out = Provision(install=install, problems=list(reqs.problems))
    no_deps = "--no-deps" in install.options
    queue: list[tuple[Distribution, tuple[str, ...], ReqLine, tuple[str, ...]]] = []
    for line in reqs.lines:
        if not marker_applies(line.marker, envs):
            continue
        if line.local_path is not None:
            for module in local_modules(line.local_path, repo):
                out.modules.setdefault(module, Provided(module, normalise(line.name or module), line))
            out.unknown.append((line.text, line, "a local project (its dependencies are not read)"))
            continue
        if line.url or line.name is None:
            if line.name:
                for module in guess(line.name).modules:
                    out.modules.setdefault(module, Provided(module, normalise(line.name), line))
            out.unknown.append((line.name or line.text, line, "a URL or VCS link"))
            continue
        dist = lookup(line.name)
        if dist is None:
            for module in guess(line.name).modules:
                out.modules.setdefault(module, Provided(module, normalise(line.name), line))
            out.unknown.append((line.name, line, "not in the shipped data and not installed locally"))
            continue
        out.requested.append((dist, line))
        queue.append((dist, line.extras, line, (dist.key,)))
    seen: set[tuple[str, tuple[str, ...]]] = set()
    while queue:
        dist, extras, line, via = queue.pop(0)
        if (dist.key, extras) in seen:
            continue
        seen.add((dist.key, extras))
        for module in dist.modules:
            out.modules.setdefault(module, Provided(module, dist.key, line, via))
        for text in dist.requires:
            parsed = _requirement(text)
            if parsed is None:
                continue
            name, dep_extras, marker = parsed
            if not marker_applies(marker, envs, extras):
                continue
            if no_deps and len(via) == 1:
                out.skipped.setdefault(normalise(name), (dist.key, line))
                continue
            dep = lookup(name)
            if dep is None:
                for module in guess(name).modules:
                    out.modules.setdefault(module, Provided(module, normalise(name), line, (*via, normalise(name))))
                out.unknown.append((name, line, f"required by {dist.name}, not in the shipped data and not "
                                                "installed locally"))
                continue
            queue.append((dep, dep_extras, line, (*via, dep.key)))
    return out


def requirements_of(install: PipInstall, repo: Repo | None) -> ReqSet:
    """The parsed requirements of an install; parsed here from its written requirements and
    ``-r`` files when it was recorded without them (a ``PipInstall`` built by hand)."""
    if install.reqs.lines or install.reqs.problems or install.reqs.files or (
            not install.requirements and not install.requirement_files):
        return install.reqs
    out = ReqSet()
    read = (lambda p: repo.read_text(p)) if repo is not None else (lambda p: None)
    for text in install.requirements:
        nested = re.match(r"^(-r|--requirement)(?:\s*=\s*|\s+)(\S+)$", text.strip())
        if nested:
            parse_file(nested.group(2), read, out)
            continue
        item = parse_requirement(text, None, 0)
        (out.problems if isinstance(item, ReqProblem) else out.lines).append(item)  # type: ignore[arg-type]
    for path in install.requirement_files:
        parse_file(path, read, out)
    return out


def local_modules(path: str, repo: Repo | None) -> set[str]:
    """Top-level modules of a local project in the repository (src or flat layout)."""
    if repo is None:
        return set()
    path = posixpath.normpath(path) if path else ""
    names: set[str] = set()
    for root in (f"{path}/src" if path else "src", path):
        prefix = root + "/" if root else ""
        for f in repo.files:
            if not f.startswith(prefix):
                continue
            rest = f[len(prefix):].split("/")
            if len(rest) == 1 and rest[0].endswith(".py") and rest[0] not in ("setup.py", "conftest.py"):
                names.add(rest[0][:-3])
            elif len(rest) == 2 and rest[1] == "__init__.py" and rest[0] not in ("tests", "test", "src"):
                names.add(rest[0])
        if names:
            break
    return names

