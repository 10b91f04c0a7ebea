"""Lock files read as plain records: ``poetry.lock`` and ``uv.lock`` (both TOML, read with
``tomllib``), and the dependency declarations of a ``pyproject.toml``.

Nothing here resolves anything: the records say which packages a lock holds, in which
groups, with which markers and dependency edges, as the file writes them.  A file that
is not TOML, or not the shape expected, gives None (its content is then unknown).

poetry.lock: ``[[package]]`` tables with ``name``, ``version``, ``optional``, and the
groups as ``category = "main"|"dev"`` (lock format 1.x) or ``groups = [...]`` (2.1);
lock format 2.0 says neither, so membership follows the dependency edges from the
groups of ``pyproject.toml``.  ``markers`` (2.1) is a string or a table per group.
``[package.dependencies]`` maps names to a version string or a table (``optional``,
``markers``, ``extras``); ``[package.extras]`` maps each extra to requirement strings.

uv.lock: ``[[package]]`` tables with ``name``, ``version``, ``source`` (``registry``,
``virtual``, ``editable``, ``directory``, ``git``, ``url``, ``path``),
``dependencies = [{name, marker?, extra?}]``, ``[package.optional-dependencies]`` and
``[package.dev-dependencies]`` (per group).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from typing import Any

from validator.model.base import Record


@dataclass(eq=False, repr=False)
class LockedDep(Record):
    """One dependency edge."""

    name: str
    marker: str | None = None
    extras: tuple[str, ...] = ()
    optional: bool = False  # poetry: only with an extra of the depending package


@dataclass(eq=False, repr=False)
class LockedPackage(Record):
    name: str
    version: str
    groups: tuple[str, ...] | None = None  # None: the lock does not say (poetry lock format 2.0, uv)
    optional: bool = False  # poetry: installed only with an extra of the project
    markers: str | None = None  # poetry 2.1: the package's markers (groups' markers joined)
    dependencies: list[LockedDep] = field(default_factory=list)
    #: extra -> dependency names (poetry ``[package.extras]``, uv ``optional-dependencies``)
    extras: dict[str, list[LockedDep]] = field(default_factory=dict)
    #: uv ``dev-dependencies``: group -> dependencies
    groups_deps: dict[str, list[LockedDep]] = field(default_factory=dict)
    #: registry; uv: virtual, editable, directory, git, url, path; poetry: git, url, directory, file
    source: str = "registry"
    source_path: str | None = None  # the path or URL of a source that is not a registry


@dataclass(eq=False, repr=False)
class Lock(Record):
    kind: str  # "poetry" or "uv"
    version: str  # the lock format version
    packages: list[LockedPackage] = field(default_factory=list)
    #: poetry 1.x ``[extras]``: project extra -> package names
    extras: dict[str, list[str]] = field(default_factory=dict)

    def named(self, name: str) -> list[LockedPackage]:
        key = normalise(name)
        return [p for p in self.packages if normalise(p.name) == key]


@dataclass(eq=False, repr=False)
class Declared(Record):
    """What a ``pyproject.toml`` declares."""

    #: group -> dependency names with their requested extras; "main" is the project's own
    groups: dict[str, list[tuple[str, tuple[str, ...]]]] = field(default_factory=dict)
    optional_groups: set[str] = field(default_factory=set)
    #: project extra -> names (poetry ``[tool.poetry.extras]``, ``[project.optional-dependencies]``)
    extras: dict[str, list[str]] = field(default_factory=dict)
    #: PEP 508 strings of ``[project] dependencies`` (what pip-compile reads)
    requirements: list[str] = field(default_factory=list)
    name: str | None = None
    #: ``[build-system]`` present, or a poetry ``packages`` setting: the project is a package itself
    buildable: bool = False
    #: ``[project] dynamic`` names ``dependencies``: they are not in the file
    dynamic_dependencies: bool = False


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _toml(text: str) -> dict[str, Any] | None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        data = tomllib.loads(text)
    except (ValueError, RecursionError):  # TOMLDecodeError is a ValueError
        return None
    return data if isinstance(data, dict) else None


def _table(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?")


def requirement_name(text: str) -> tuple[str, tuple[str, ...]] | None:
    """``pydantic[email]>=2; python_version>'3.8'`` -> ("pydantic", ("email",))."""
    m = _REQ_NAME.match(text)
    if m is None:
        return None
    extras = tuple(e.strip() for e in (m.group(2) or "").split(",") if e.strip())
    return m.group(1), extras


def read_poetry_lock(text: str) -> Lock | None:
    data = _toml(text)
    if data is None or not isinstance(data.get("package", []), list):
        return None
    meta = _table(data.get("metadata"))
    lock = Lock("poetry", str(meta.get("lock-version", "1.0")))
    for raw in data.get("package", []):
        if not isinstance(raw, dict) or not _str(raw.get("name")):
            return None
        groups: tuple[str, ...] | None = None
        if isinstance(raw.get("groups"), list):
            groups = tuple(_strings(raw["groups"]))
        elif _str(raw.get("category")):
            groups = (raw["category"],)
        markers = raw.get("markers")
        if isinstance(markers, dict):
            parts = [m for m in markers.values() if isinstance(m, str)]
            markers = " or ".join(f"({m})" for m in parts) if len(parts) > 1 else (parts[0] if parts else None)
        source = _table(raw.get("source"))
        kind = _str(source.get("type")) or "registry"
        package = LockedPackage(name=raw["name"], version=str(raw.get("version", "")), groups=groups,
                                optional=bool(raw.get("optional", False)), markers=_str(markers),
                                source="registry" if kind == "legacy" else kind, source_path=_str(source.get("url")))
        deps = raw.get("dependencies", {})
        for name, spec in (deps.items() if isinstance(deps, dict) else []):
            specs = spec if isinstance(spec, list) else [spec]  # several constraints per marker
            optional = all(isinstance(s, dict) and s.get("optional") for s in specs)
            extras = tuple(e for s in specs if isinstance(s, dict) for e in _strings(s.get("extras")))
            marker_list = [s.get("markers") for s in specs if isinstance(s, dict) and _str(s.get("markers"))]
            marker = marker_list[0] if len(marker_list) == 1 and len(specs) == 1 else None
            package.dependencies.append(LockedDep(name, marker, extras, optional))
        extras_table = raw.get("extras", {})
        for extra, reqs in (extras_table.items() if isinstance(extras_table, dict) else []):
            package.extras[extra] = [LockedDep(parsed[0], None, parsed[1]) for r in _strings(reqs)
                                     if (parsed := requirement_name(r)) is not None]
        lock.packages.append(package)
    extras = data.get("extras", {})
    for extra, names in (extras.items() if isinstance(extras, dict) else []):
        lock.extras[extra] = _strings(names)
    return lock


def _uv_deps(value: Any) -> list[LockedDep]:
    out = []
    for d in value if isinstance(value, list) else []:
        if isinstance(d, dict) and _str(d.get("name")):
            out.append(LockedDep(d["name"], _str(d.get("marker")), tuple(_strings(d.get("extra")))))
    return out


def read_uv_lock(text: str) -> Lock | None:
    data = _toml(text)
    if data is None or not isinstance(data.get("package", []), list):
        return None
    lock = Lock("uv", str(data.get("version", "")))
    for raw in data.get("package", []):
        if not isinstance(raw, dict) or not _str(raw.get("name")):
            return None
        source = raw.get("source", {})
        kind, path = "registry", None
        if isinstance(source, dict) and source:
            kind = next(iter(source))
            path = _str(source.get(kind))
        package = LockedPackage(name=raw["name"], version=str(raw.get("version", "")),
                                dependencies=_uv_deps(raw.get("dependencies")), source=kind, source_path=path)
        for table, into in (("optional-dependencies", package.extras), ("dev-dependencies", package.groups_deps)):
            value = raw.get(table, {})
            for group, deps in (value.items() if isinstance(value, dict) else []):
                into[group] = _uv_deps(deps)
        lock.packages.append(package)
    return lock


def read_pyproject(text: str) -> Declared | None:
    data = _toml(text)
    if data is None:
        return None
    out = Declared()
    project = _table(data.get("project"))
    tool = _table(data.get("tool"))
    poetry = _table(tool.get("poetry"))
    out.name = _str(project.get("name")) or _str(poetry.get("name"))
    out.buildable = isinstance(data.get("build-system"), dict) or "packages" in poetry
    out.dynamic_dependencies = "dependencies" in _strings(project.get("dynamic"))
    out.requirements = _strings(project.get("dependencies"))
    main = [parsed for r in out.requirements if (parsed := requirement_name(r)) is not None]
    deps = poetry.get("dependencies", {})
    for name, spec in (deps.items() if isinstance(deps, dict) else []):
        if normalise(name) == "python":
            continue
        optional = isinstance(spec, dict) and bool(spec.get("optional"))
        if not optional:
            extras = tuple(_strings(spec.get("extras"))) if isinstance(spec, dict) else ()
            main.append((name, extras))
    out.groups["main"] = main
    dev = poetry.get("dev-dependencies", {})
    if isinstance(dev, dict) and dev:
        out.groups["dev"] = [(n, ()) for n in dev]
    poetry_groups = poetry.get("group", {})
    for group, table in (poetry_groups.items() if isinstance(poetry_groups, dict) else []):
        if not isinstance(table, dict):
            continue
        if table.get("optional"):
            out.optional_groups.add(group)
        names = table.get("dependencies", {})
        out.groups.setdefault(group, []).extend((n, ()) for n in (names if isinstance(names, dict) else {}))
    dependency_groups = data.get("dependency-groups", {})  # PEP 735 (uv's dev group)
    for group, reqs in (dependency_groups.items() if isinstance(dependency_groups, dict) else []):
        out.groups.setdefault(group, []).extend(p for r in _strings(reqs) if (p := requirement_name(r)) is not None)
    uv = _table(tool.get("uv"))
    legacy_dev = _strings(uv.get("dev-dependencies"))
    if legacy_dev:
        out.groups.setdefault("dev", []).extend(p for r in legacy_dev if (p := requirement_name(r)) is not None)
    for table in (poetry.get("extras", {}), project.get("optional-dependencies", {})):
        for extra, names in (table.items() if isinstance(table, dict) else []):
            out.extras.setdefault(extra, []).extend(
                p[0] for r in _strings(names) if (p := requirement_name(r)) is not None)
    return out
