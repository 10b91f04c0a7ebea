"""What a distribution provides, offline: the shipped data (real wheel metadata), then the
metadata installed where the tool runs, then name normalisation (a guess, said so).

Also the standard library per Python version, the modules the Lambda runtime provides, and
the modules its bootstrap has already imported when it imports the handler.  Everything here
is read from ``validator/model/data/`` on first use.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data"

#: boto3 "and its dependencies" (lambda-facts §2); ``requests`` is not among them
RUNTIME_DISTRIBUTIONS = frozenset({"boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "urllib3",
                                   "six", "awslambdaric", "simplejson"})
RUNTIME_MODULES = frozenset({"boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six",
                             "awslambdaric", "simplejson", "runtime_client", "snapshot_restore_py"})

#: Python versions whose standard library the data knows
VERSIONS = ("3.9", "3.10", "3.11", "3.12", "3.13", "3.14")


def normalise(name: str) -> str:
    """PEP 503 normalised distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Distribution:
    """One distribution as the data (or the local metadata) knows it."""

    key: str  # normalised name
    name: str  # as its METADATA spells it
    version: str
    modules: tuple[str, ...]  # import names (dotted for namespace portions)
    requires: tuple[str, ...]  # Requires-Dist lines
    native: bool
    tags: tuple[str, ...]
    source: str  # "data" (shipped), "local" (installed where the tool runs), "guess"


@cache
def _data() -> dict[str, object]:
    with open(_DATA / "distributions.json", encoding="utf-8") as fh:
        loaded: dict[str, object] = json.load(fh)
    return loaded


def data_version() -> str:
    """When and with which pip the shipped data was generated."""
    d = _data()
    return f"{d.get('generated', '?')}, pip {d.get('pip', '?')}"


@cache
def _known() -> dict[str, Distribution]:
    dists = _data()["distributions"]
    assert isinstance(dists, dict)
    return {key: Distribution(key=key, name=e["name"], version=e["version"], modules=tuple(e["modules"]),
                              requires=tuple(e["requires"]), native=bool(e["native"]), tags=tuple(e["tags"]),
                              source="data")
            for key, e in dists.items()}


@cache
def lookup(name: str) -> Distribution | None:
    """The distribution ``name`` from the shipped data, else from the metadata installed
    where the tool runs; None when neither knows it."""
    key = normalise(name)
    known = _known().get(key)
    if known is not None:
        return known
    return _local(key)


def _local(key: str) -> Distribution | None:
    import importlib.metadata as md

    try:
        dist = md.distribution(key)
    except (md.PackageNotFoundError, ValueError, OSError):
        return None
    modules: set[str] = set()
    files = dist.files or []
    for f in files:
        parts = f.parts
        if not parts or parts[0].endswith((".dist-info", ".data", ".egg-info")) or parts[0] == "..":
            continue
        if len(parts) == 1:
            m = re.match(r"^([A-Za-z_]\w*)(?:\.[^/]*)?\.(py|so|pyd)$", parts[0])
            if m:
                modules.add(m.group(1))
        elif re.match(r"^[A-Za-z_]\w*$", parts[0]) and parts[0] != "__pycache__":
            modules.add(parts[0])
    top = (dist.read_text("top_level.txt") or "").split()
    modules |= {t for t in top if t}
    if not modules:
        return None
    wheel = dist.read_text("WHEEL") or ""
    native = "Root-Is-Purelib: false" in wheel or any(str(f).endswith((".so", ".pyd")) for f in files)
    return Distribution(key=key, name=dist.metadata["Name"] or key, version=dist.version or "",
                        modules=tuple(sorted(modules)), requires=tuple(dist.requires or ()), native=native,
                        tags=tuple(t.split(":", 1)[1].strip() for t in wheel.splitlines() if t.startswith("Tag:")),
                        source="local")


def guess(name: str) -> Distribution:
    """Name normalisation, the last resort: ``foo-bar`` is imported as ``foo_bar``."""
    key = normalise(name)
    return Distribution(key=key, name=name, version="", modules=(key.replace("-", "_"),), requires=(),
                        native=False, tags=(), source="guess")


@cache
def _by_module() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for key, dist in _known().items():
        for module in dist.modules:
            parts = module.split(".")
            for i in range(1, len(parts) + 1):
                index.setdefault(".".join(parts[:i]), []).append(key)
    return {m: tuple(dict.fromkeys(keys)) for m, keys in index.items()}


def providers(module: str) -> tuple[str, ...]:
    """Distributions of the data that provide ``module`` (dotted), most specific first:
    ``google.protobuf`` -> protobuf; ``yaml`` -> pyyaml; ``jwt`` -> pyjwt."""
    index = _by_module()
    parts = module.split(".")
    for i in range(len(parts), 0, -1):
        found = index.get(".".join(parts[:i]))
        if found:
            exact = [k for k in found if any(m == ".".join(parts[:i]) or module.startswith(m + ".")
                                             for m in _known()[k].modules)]
            return tuple(exact) or found
    return ()


# --------------------------------------------------------------------------- stdlib


@cache
def _stdlib() -> dict[str, frozenset[str]]:
    with open(_DATA / "stdlib.json", encoding="utf-8") as fh:
        raw = json.load(fh)["versions"]
    return {v: frozenset(names) | {"__future__", "__main__"} for v, names in raw.items()}


def runtime_version(runtime: str | None) -> str | None:
    """``python3.12`` -> ``3.12``; None for anything else (unknown or not Python)."""
    m = re.fullmatch(r"python(3\.\d+)", (runtime or "").strip())
    return m.group(1) if m and m.group(1) in _stdlib() else None


@cache
def stdlib(version: str | None) -> frozenset[str]:
    """Top-level standard-library modules of ``version``; of every known version when the
    version is unknown (then nothing is wrongly called missing)."""
    table = _stdlib()
    if version in table:
        return table[version]
    return frozenset().union(*table.values())


def stdlib_everywhere(version: str | None) -> frozenset[str]:
    """Top-level standard-library modules of ``version``; of every known version at once
    when the version is unknown (then nothing is called a standard-library module that a
    supported runtime no longer has: ``parser`` is gone since 3.10)."""
    table = _stdlib()
    if version in table:
        return table[version]
    return frozenset.intersection(*table.values())


def removed_in(module: str, version: str) -> str | None:
    """The Python version (<= ``version``) that removed ``module`` from the standard
    library, when an earlier version had it."""
    top = module.split(".")[0]
    table = _stdlib()
    last = None
    for v in VERSIONS:
        if v not in table:
            continue
        if top in table[v]:
            last = v
        elif last is not None:
            if tuple(map(int, v.split("."))) <= tuple(map(int, version.split("."))):
                return v
            return None
    return None


# --------------------------------------------------------------------------- pre-imported


@cache
def _preimported() -> dict[str, object]:
    with open(_DATA / "preimported.json", encoding="utf-8") as fh:
        loaded: dict[str, object] = json.load(fh)
    return loaded


@cache
def _measured() -> dict[str, dict[str, frozenset[str]]]:
    versions = _preimported()["versions"]
    assert isinstance(versions, dict)
    return {v: {key: frozenset(str(e[key]).split()) for key in ("always", "sometimes", "builtin")}
            for v, e in versions.items()}


@dataclass(frozen=True)
class Preimported:
    """What the Lambda bootstrap holds in ``sys.modules`` (top-level names) when it imports
    the handler, and which modules the interpreter has built in, for one Python version.

    ``always``: imported in every measured run (every client release, standard mode);
    ``maybe``: imported in some runs only (another release, the multi-concurrency mode) or,
    for a version that was not measured, in some measured version only.  ``builtin`` and
    ``maybe_builtin`` likewise for ``sys.builtin_module_names``."""

    version: str | None  # the measured version these sets are for; None: all measured ones
    always: frozenset[str]
    maybe: frozenset[str]
    builtin: frozenset[str]
    maybe_builtin: frozenset[str]


@cache
def preimported(version: str | None) -> Preimported:
    """The bootstrap's pre-imported modules for ``version`` (``3.12``); for a version that was
    not measured (3.14) or is unknown, only what every measured version imports is certain."""
    table = _measured()
    if version in table:
        e = table[version]
        return Preimported(version, e["always"], e["sometimes"], e["builtin"], frozenset())
    always = frozenset.intersection(*(e["always"] for e in table.values()))
    every = frozenset().union(*(e["always"] | e["sometimes"] for e in table.values()))
    builtin = frozenset.intersection(*(e["builtin"] for e in table.values()))
    every_builtin = frozenset().union(*(e["builtin"] for e in table.values()))
    return Preimported(None, always, every - always, builtin, every_builtin - builtin)


@cache
def stdlib_names(module: str) -> frozenset[str] | None:
    """What ``from MODULE import NAME`` can find in a pre-imported standard-library module on
    any measured version: its attributes and, for a package, its submodules; None when the
    data does not list the module."""
    names = _preimported()["names"]
    assert isinstance(names, dict)
    found = names.get(module)
    return frozenset(str(found).split()) if found is not None else None


def stdlib_package(module: str) -> bool:
    """Whether a pre-imported standard-library module is a package (has submodules)."""
    return module in str(_preimported()["packages"]).split()


def shadow_breaks(imported: str, shadowed: str, version: str | None) -> str | None:
    """The error ``import IMPORTED`` raises when a module file ``SHADOWED.py`` comes before the
    standard library on ``sys.path`` on Python ``version`` (``urllib.request`` imports
    ``email.parser``: "No module named 'email.parser'; 'email' is not a package"), as
    measured; for a version that was not measured, only a failure every measured version
    showed counts.  None when importing it does not need a submodule of ``shadowed``."""
    table = _preimported()["breaks"]
    assert isinstance(table, dict)
    errors = table.get(imported, {}).get(shadowed)
    if not errors:
        return None
    measured = set(_measured())
    for error, versions in errors.items():
        seen = set(str(versions).split())
        if (version in measured and version in seen) or (version not in measured and seen >= measured):
            return str(error)
    return None


def preimported_source() -> str:
    """Where the pre-imported data comes from (the runtime interface client, interpreters)."""
    sources = _preimported()["sources"]
    assert isinstance(sources, dict)
    return f"{sources['awslambdaric']}; {sources['interpreters']}"


# --------------------------------------------------------------------------- markers


def marker_environments(version: str | None, architectures: list[str] | None = None) -> list[dict[str, str]]:
    """Marker environments of the function: its Python version (every known one when
    unknown) on Amazon Linux, x86_64 unless the function says arm64."""
    machine = "aarch64" if any(a.lower() in ("arm64", "aarch64") for a in architectures or []) else "x86_64"
    versions = [version] if version else list(VERSIONS)
    return [{"python_version": v, "python_full_version": f"{v}.99", "sys_platform": "linux",
             "platform_system": "Linux", "platform_machine": machine, "implementation_name": "cpython",
             "platform_python_implementation": "CPython", "os_name": "posix", "platform_release": "",
             "platform_version": "", "implementation_version": f"{v}.99", "extra": ""} for v in versions]


def marker_applies(marker: str | None, envs: list[dict[str, str]], extras: tuple[str, ...] = ()) -> bool:
    """Whether a marker holds in one of the environments (with the requested extras); an
    unreadable marker holds (unknown is not missing)."""
    if not marker:
        return True
    key = (marker, tuple(tuple(sorted(env.items())) for env in envs), extras)
    known = _MARKER_RESULTS.get(key)
    if known is None:
        known = _MARKER_RESULTS[key] = _marker_applies(marker, envs, extras)
    return known


#: the same requirement lines recur in every package and every rule that reads them
_MARKER_RESULTS: dict[tuple[object, ...], bool] = {}


def _marker_applies(marker: str, envs: list[dict[str, str]], extras: tuple[str, ...]) -> bool:
    from packaging.markers import InvalidMarker, Marker, UndefinedComparison, UndefinedEnvironmentName

    try:
        parsed = Marker(marker)
    except InvalidMarker:
        return True
    for env in envs:
        for extra in extras or ("",):
            try:
                if parsed.evaluate({**env, "extra": extra}):
                    return True
            except (UndefinedComparison, UndefinedEnvironmentName, ValueError):
                return True
    return False


#: distributions whose compiled part is optional: when it does not load (a wheel for another
#: Python or platform) they import their pure-Python implementation instead, so a wheel
#: mismatch slows them down but does not break the import.  Each checked in the project's
#: own source: PyYAML (``yaml/__init__.py``: ``__with_libyaml__`` after ``except ImportError``),
#: MarkupSafe (``_speedups`` tried, ``_native`` used), msgpack (``msgpack/fallback.py``),
#: simplejson (``_speedups`` optional), wrapt (pure-Python ``wrappers``), frozenlist,
#: multidict, yarl and propcache (``*_py`` fallbacks), charset-normalizer (mypyc build of
#: pure-Python sources), aiohttp (``_http_parser`` falls back to ``http_parser.py``).
PURE_FALLBACK = frozenset({"pyyaml", "markupsafe", "msgpack", "simplejson", "wrapt", "frozenlist", "multidict",
                           "yarl", "propcache", "charset-normalizer", "aiohttp"})
