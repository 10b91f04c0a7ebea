"""Module lookup inside a package's archive tree, the way CPython's path finder does it.

Per search directory: a directory with ``__init__`` is a regular package and wins;
then an extension module, a ``.py`` file, a sourceless ``.pyc``; a bare directory
is a namespace portion (PEP 420) that only counts when no entry on the search
path has a regular module of that name.
"""

from __future__ import annotations

from dataclasses import dataclass

from validator.model import FileKind, Package, PackageFile
from validator.model.base import FrozenRecord

#: lower is preferred when one directory holds several files for one name
_PRIORITY = {"ext": 0, "py": 1, "pyc": 2}


@dataclass(frozen=True, eq=False, repr=False)
class ModuleLoc(FrozenRecord):
    """Where a module was found: its file (None for a namespace package) and, for
    packages, the directories its submodules are searched in."""

    kind: str  # "module", "package", "namespace", "extension", "compiled"
    file: str | None
    search: tuple[str, ...] = ()
    #: nothing under it came from the repository (installed by pip, generated): it
    #: resolves, but its submodules are not checked
    opaque: bool = False

    @property
    def archive_path(self) -> str:
        return self.file if self.file is not None else (self.search[0] if self.search else "")


class _Dir:
    __slots__ = ("init", "modules", "subdirs")

    def __init__(self) -> None:
        self.subdirs: set[str] = set()
        self.modules: dict[str, tuple[int, str]] = {}  # name -> (priority, path)
        self.init: tuple[int, str] | None = None


def _module_name(filename: str) -> tuple[str, int] | None:
    """(module name, priority) of a file name, or None when it is not importable."""
    if filename.endswith(".py"):
        name, prio = filename[:-3], _PRIORITY["py"]
    elif filename.endswith(".pyc"):
        name, prio = filename[:-4], _PRIORITY["pyc"]
    elif filename.endswith((".so", ".pyd")):
        name, prio = filename.split(".", 1)[0], _PRIORITY["ext"]
    else:
        return None
    # import statements need identifiers, but handler strings and import_module() do not
    return (name, prio) if name and "." not in name else None


class PackageTree:
    """The directories and modules implied by a package's archive paths."""

    def __init__(self, package: Package) -> None:
        self.files: dict[str, PackageFile] = package.files
        self._dirs: dict[str, _Dir] = {"": _Dir()}
        self._source_dirs: set[str] = set()  # directories holding a repository source file
        for path in sorted(package.files):
            self._add(path.strip("/"), package.files[path])

    def _add(self, path: str, pf: PackageFile) -> None:
        if not path:
            return
        parts = path.split("/")
        folder = path.rpartition("/")[0]
        source = pf.kind is FileKind.SOURCE
        # a folder already known has all its parents; one already marked has all its parents marked
        if folder and (folder not in self._dirs or (source and folder not in self._source_dirs)):
            for i in range(len(parts) - 1):
                parent = "/".join(parts[:i])
                self._dirs.setdefault(parent, _Dir()).subdirs.add(parts[i])
                self._dirs.setdefault("/".join(parts[: i + 1]), _Dir())
                if source:
                    self._source_dirs.add("/".join(parts[: i + 1]))
        directory = self._dirs[folder]
        named = _module_name(parts[-1])
        if named is None or "__pycache__" in parts:
            return
        name, prio = named
        if name == "__init__":
            if directory.init is None or prio < directory.init[0]:
                directory.init = (prio, path)
        elif name not in directory.modules or prio < directory.modules[name][0]:
            directory.modules[name] = (prio, path)

    def is_dir(self, path: str) -> bool:
        return path in self._dirs

    def content_source(self, archive_path: str) -> str | None:
        """The repository file whose text this archive file has, when it is known."""
        pf = self.files.get(archive_path)
        if pf is None or pf.kind is not FileKind.SOURCE or not pf.source or not archive_path.endswith(".py"):
            return None
        return pf.source

    def find(self, search: tuple[str, ...] | list[str], name: str) -> ModuleLoc | None:
        """Look ``name`` up in the directories of ``search``, in order."""
        portions: list[str] = []
        for directory in search:
            node = self._dirs.get(directory)
            if node is None:
                continue
            sub = f"{directory}/{name}" if directory else name
            if name in node.subdirs and self._dirs[sub].init is not None:
                init = self._dirs[sub].init
                assert init is not None
                return ModuleLoc("package", init[1], (sub,), opaque=sub not in self._source_dirs)
            if name in node.modules:
                prio, path = node.modules[name]
                kind = {0: "extension", 1: "module", 2: "compiled"}[prio]
                return ModuleLoc(kind, path, (), opaque=self.content_source(path) is None)
            if name in node.subdirs:
                portions.append(sub)
        if portions:
            opaque = not any(p in self._source_dirs for p in portions)
            return ModuleLoc("namespace", None, tuple(portions), opaque=opaque)
        return None
