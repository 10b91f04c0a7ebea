"""Lambda layers: which modules a layer puts on the function's ``sys.path``, which it holds
where the runtime never looks, and what a function's ``PYTHONPATH`` does to the layer paths.

Lambda extracts each layer into ``/opt``; the Python runtime's bootstrap adds
``/opt/python/lib/python3.X/site-packages`` (X the function's own version) and
``/opt/python`` to ``sys.path``, after the function's ZIP and before the runtime's own
libraries — unless the function sets ``PYTHONPATH``: then it adds neither, and only what
``PYTHONPATH`` lists is searched besides the ZIP and the standard library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from validator.model.base import FrozenRecord, Record
from validator.model.dists import marker_environments
from validator.model.findings import Span
from validator.model.handlers import LayerConfig
from validator.model.packages import FileKind, Package, PipInstall
from validator.model.provision import resolve
from validator.model.repo import Repo

#: where a layer is extracted, and the folder of it the runtime always searches
OPT = "/opt"
PYTHON_ROOT = "python/"
_SITE = re.compile(r"^python/lib/python(3\.\d+)/site-packages/$")
_WRONG_SITE = re.compile(r"^(?:lib/|python/lib/|python/)?python3\.\d+/site-packages/$|^lib/python3\.\d+/site-packages/$")
#: folders people put layer modules in that the runtime does not search
_WRONG_FOLDERS = frozenset({"", "site-packages/", "lib/", "lib/site-packages/", "python/python/",
                            "python/site-packages/", "python/lib/site-packages/", "python/lib/"})
#: folders of a layer that are not Python modules: the runtime's own layer folders (``bin``
#: on ``PATH``, ``lib`` on ``LD_LIBRARY_PATH``, ``extensions``) and other languages' roots
_LAYER_FOLDERS = frozenset({"python", "bin", "lib", "lib64", "extensions", "nodejs", "node_modules", "java",
                            "ruby", "share", "etc", "include", "var", "opt", "usr", "tmp"})
#: evidence that a file is Python code (a ``.so`` in ``lib/`` is a shared library unless tagged)
_PYTHON_FILE = re.compile(r"\.py$|\.cpython-\d+[^/]*\.so$|\.abi3\.so$")
_MODULE_FILE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?:\.py|\.pyc|(?:\.[A-Za-z0-9_-]+)?\.(?:so|pyd))$")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def site_root(python: str) -> str:
    """``python/lib/python3.12/site-packages/`` for Python 3.12."""
    return f"python/lib/python{python}/site-packages/"


def roots_text(python: str | None) -> str:
    """The layer folders the runtime searches, as the function sees them under ``/opt``."""
    site = f"{OPT}/{site_root(python)}".rstrip("/") if python else f"{OPT}/python/lib/python3.X/site-packages"
    return f"{OPT}/python and {site}"


@dataclass(eq=False, repr=False)
class Layer(Record):
    """A layer the repository declares (IaC, ``publish-layer-version``) or builds."""

    name: str
    config: LayerConfig | None = None
    #: the archive the workflow or the infrastructure tool builds, when the tool knows it
    package: Package | None = None

    @property
    def where(self) -> str:
        """How findings name it: ``layer deps (layer.zip)``."""
        archive = self.package.archive if self.package is not None else (
            self.config.filename if self.config is not None and self.config.filename else "")
        return f"layer {self.name}" + (f" ({archive})" if archive and archive != self.name else "")

    @property
    def python_runtimes(self) -> list[str]:
        """``3.12`` for each ``python3.12`` of its ``compatible_runtimes``."""
        out = []
        for runtime in self.config.compatible_runtimes if self.config is not None else []:
            m = re.fullmatch(r"python(3\.\d+)", runtime.strip())
            if m:
                out.append(m.group(1))
        return out


@dataclass(eq=False, repr=False)
class LayerAttachment(Record):
    """One entry of a function's layer list, and the layer it names when the tool knows it."""

    ref: str  # as the function's configuration writes it (``${aws_lambda_layer_version.deps.arn}``)
    span: Span  # where the function attaches it (its configuration, the ``--layers`` command)
    layer: Layer | None = None  # None: a layer neither built nor declared here (an ARN, a variable)
    how: str = ""  # how the reference was tied to the layer
    #: what the layer holds for this function's Python version (None when it is not built here)
    scan: LayerScan | None = None

    @property
    def known(self) -> bool:
        """Whether everything the layer can put on ``sys.path`` is known."""
        return self.scan is not None and not self.scan.unknown


@dataclass(frozen=True, eq=False, repr=False)
class EnvSetting(FrozenRecord):
    """An environment variable a function sets, with where it is set."""

    value: str
    span: Span

    @property
    def entries(self) -> list[str]:
        return [e.rstrip("/") or "/" for e in self.value.split(":") if e]


@dataclass(frozen=True, eq=False, repr=False)
class Placement(FrozenRecord):
    """A module of a layer that sits in a folder the runtime does not search."""

    module: str  # top-level module name
    path: str  # where it is in the layer archive (a file, or a folder ending in ``/``)
    prefix: str  # the folder that holds it (``""`` = the archive root)
    right: str  # the folder it belongs in (``python/`` or the function's site-packages)
    origin: Span | None = None  # the command that put it there
    install: PipInstall | None = None  # when ``pip install -t`` put it there


@dataclass(eq=False, repr=False)
class LayerScan(Record):
    """What one layer holds, for a function on one Python version."""

    #: dotted module -> (the layer folder it is found in, its archive path)
    provides: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: top-level module -> where it sits instead (only modules the layer does not also provide)
    misplaced: dict[str, Placement] = field(default_factory=dict)
    #: the layer's content is not entirely known (an unmodelled build step, an install of
    #: unknown content): it may provide more than ``provides`` says
    unknown: bool = False

    def provider(self, module: str, visible: frozenset[str] | None = None) -> tuple[str, str] | None:
        """(folder, path) of the first part of ``module`` the layer provides in a folder
        of ``visible`` (every searched folder when None)."""
        top = module.split(".")[0]
        found = self.provides.get(top)
        if found is None or (visible is not None and found[0] not in visible):
            return None
        return found


def _right_folder(prefix: str, python: str | None) -> bool:
    if prefix == PYTHON_ROOT:
        return True
    m = _SITE.match(prefix)
    return m is not None and (python is None or m.group(1) == python)


def _wrong_folder(prefix: str, wrapper: str) -> bool:
    if prefix in _WRONG_FOLDERS or _WRONG_SITE.match(prefix) or _SITE.match(prefix):
        return True
    # ``zip -r layer.zip layer``: every file under one folder that itself holds ``python/``
    return bool(wrapper) and prefix.startswith(wrapper) and _right_folder(prefix[len(wrapper):], None)


def _right_for(prefix: str, python: str | None) -> str:
    if prefix.endswith("site-packages/") and python is not None:
        return site_root(python)
    return PYTHON_ROOT


def _wrapper(paths: list[str]) -> str:
    """The one folder every path of the archive starts with when it holds the ``python/``
    folder a layer needs at the root (``layer/`` of ``zip -r layer.zip layer``), or ""."""
    tops = {p.split("/", 1)[0] for p in paths}
    if len(tops) != 1 or not all("/" in p for p in paths):
        return ""
    wrapper = next(iter(tops)) + "/"
    return wrapper if any(p.startswith(wrapper + PYTHON_ROOT) for p in paths) else ""


def _module_names(rest: str) -> tuple[str, list[str]] | None:
    """(top-level module, dotted names below it) of a path relative to a search folder."""
    parts = [p for p in rest.split("/")]
    if not parts or not parts[0]:
        return None
    if len(parts) == 1 or (len(parts) == 2 and parts[1] == ""):
        m = _MODULE_FILE.match(parts[0])
        name = m.group(1) if m else (parts[0] if _IDENTIFIER.match(parts[0]) and len(parts) == 2 else None)
        return (name, [name]) if name else None
    if not _IDENTIFIER.match(parts[0]):
        return None
    dotted = [parts[0]]
    for i in range(1, len(parts)):
        piece = parts[i]
        if i == len(parts) - 1:
            m = _MODULE_FILE.match(piece)
            if m and m.group(1) != "__init__":
                dotted.append(".".join([*parts[1:i], m.group(1)]))
            break
        if not _IDENTIFIER.match(piece):
            break
        dotted.append(".".join(parts[1 : i + 1]))
    top = parts[0]
    return top, [top] + [f"{top}.{d}" for d in dotted[1:]]


def scan_layer(package: Package, python: str | None, repo: Repo | None = None) -> LayerScan:
    """What ``package`` (a layer archive) provides to a function on Python ``python``
    (``3.12``; None when unknown: then any ``python3.X`` site-packages counts), and the
    modules it holds in folders the runtime does not search."""
    key = (id(package), python, id(repo))
    cached = _SCANS.get(key)
    if cached is not None and cached[0] is package:
        return cached[1]
    scan = _scan(package, python, repo)
    _SCANS[key] = (package, scan)
    return scan


_SCANS: dict[tuple[int, str | None, int], tuple[Package, LayerScan]] = {}


def _scan(package: Package, python: str | None, repo: Repo | None) -> LayerScan:
    scan = LayerScan(unknown=package.opaque or bool(package.incomplete))
    paths = sorted(package.files)
    wrapper = _wrapper(paths)
    wrong: dict[str, Placement] = {}
    for path in paths:
        f = package.files[path]
        cut = [i + 1 for i, ch in enumerate(path) if ch == "/"]
        for end in [0, *cut]:
            prefix, rest = path[:end], path[end:]
            if not rest:
                continue
            names = _module_names(rest)
            if names is None:
                continue
            top, dotted = names
            here = prefix + (top + "/" if "/" in rest else rest)
            if _right_folder(prefix, python):
                for name in dotted:
                    scan.provides.setdefault(name, (prefix, here))
                if f.kind is FileKind.SYMBOLIC:
                    scan.unknown = True
            elif (top not in wrong and not top.startswith("__") and _wrong_folder(prefix, wrapper)
                  and not (top in _LAYER_FOLDERS and prefix in ("", wrapper))
                  and not (prefix == "" and wrapper == top + "/")
                  and _PYTHON_FILE.search(path)):  # (what pip installs is counted by its modules below)
                wrong[top] = Placement(top, here, prefix, _right_for(prefix, python), f.origin)
    envs = marker_environments(python)
    for pip in package.pip_installs:
        prefix = pip.prefix.strip("/")
        prefix = prefix + "/" if prefix and prefix != "." else ""
        provision = resolve(pip, envs, repo)
        right = _right_folder(prefix, python)
        if right and (provision.unknown or any(p.fatal for p in provision.problems)):
            scan.unknown = True
        for module in provision.modules:
            top = module.split(".")[0]
            here = f"{prefix}{top}/"
            if right:
                scan.provides.setdefault(top, (prefix, here))
            elif _wrong_folder(prefix, wrapper) and top not in wrong:
                wrong[top] = Placement(top, here, prefix, _right_for(prefix, python), pip.span, pip)
            elif top in wrong and wrong[top].install is None and wrong[top].prefix == prefix:
                wrong[top] = Placement(top, wrong[top].path, prefix, wrong[top].right, pip.span, pip)
    scan.misplaced = {top: where for top, where in wrong.items() if top not in scan.provides}
    return scan


# --------------------------------------------------------------------------- PYTHONPATH


def visible_folders(pythonpath: EnvSetting | None) -> frozenset[str] | None:
    """The layer folders on ``sys.path`` for a function: the runtime's two (None) without
    ``PYTHONPATH``; with it, only the ``/opt`` folders it lists itself, relative to ``/opt``
    (``python/`` for ``/opt/python``, ``""`` for ``/opt``)."""
    if pythonpath is None:
        return None
    out = set()
    for entry in pythonpath.entries:
        if entry == OPT:
            out.add("")
        elif entry.startswith(OPT + "/"):
            out.add(entry[len(OPT) + 1:].strip("/") + "/")
    return frozenset(out)


def searched(folder: str, visible: frozenset[str] | None, python: str | None) -> bool:
    """Whether a layer folder is on the function's ``sys.path``."""
    return _right_folder(folder, python) if visible is None else folder in visible


def hidden_folders(python: str | None, visible: frozenset[str]) -> list[str]:
    """The runtime's layer folders a ``PYTHONPATH`` leaves out, as the function sees them."""
    wanted = [PYTHON_ROOT, site_root(python) if python else "python/lib/python3.X/site-packages/"]
    return [f"{OPT}/{w}".rstrip("/") for w in wanted if w not in visible]


def unknown_entries(pythonpath: EnvSetting) -> list[str]:
    """``PYTHONPATH`` entries that may hold modules the tool cannot see: anything outside
    the function's ZIP (``/var/task``, relative paths), the layers (``/opt``) and the
    runtime's own folders (an EFS mount, say)."""
    out = []
    for entry in pythonpath.entries:
        if not entry.startswith("/") or entry == "/var/task" or entry.startswith("/var/task/"):
            continue
        if entry == OPT or entry.startswith(OPT + "/"):
            continue
        if entry in ("/var/runtime", "/var/lang/lib") or entry.startswith(("/var/lang/", "/var/runtime/")):
            continue
        out.append(entry)
    return out


def task_folders(pythonpath: EnvSetting | None) -> list[str]:
    """Folders of the function's ZIP that ``PYTHONPATH`` puts on ``sys.path`` (archive
    paths: ``src`` for ``/var/task/src``; a relative entry is taken relative to
    ``/var/task``, the runtime's working directory)."""
    if pythonpath is None:
        return []
    out = []
    for entry in pythonpath.entries:
        if entry.startswith("/var/task/"):
            out.append(entry[len("/var/task/"):].strip("/"))
        elif not entry.startswith("/") and "$" not in entry:
            rel = entry.removeprefix("./").strip("/")
            if rel and rel != "." and ".." not in rel.split("/"):
                out.append(rel)
    return [e for e in dict.fromkeys(out) if e]
