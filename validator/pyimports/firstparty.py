"""Where a module the package lacks lives in the repository, if it is first-party code.

The author's intent is read from the layout: the dotted path from the repository
root (``src/lambdas/shared/x.py``), a file beside the importer (a flat-layout
``import utils``), or a conventional source root (``src/``, ``lib/``, the handler's
folder and the folders above it).
"""

from __future__ import annotations

from validator.model.repo import Repo

CONVENTIONAL_ROOTS = ("src", "lib", "python")


def parent_dir(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def ancestors(directory: str) -> list[str]:
    """``a/b/c`` → ``["a/b/c", "a/b", "a"]`` (the root excluded)."""
    out = []
    while directory:
        out.append(directory)
        directory = parent_dir(directory)
    return out


class RepoModules:
    """Looks dotted names up among the repository's Python files."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self._py_dirs: set[str] | None = None

    @property
    def py_dirs(self) -> set[str]:
        """Directories with a ``.py`` file somewhere below them."""
        if self._py_dirs is None:
            dirs: set[str] = set()
            for f in self.repo.files:
                if f.endswith(".py"):
                    d = parent_dir(f)
                    while d and d not in dirs:
                        dirs.add(d)
                        d = parent_dir(d)
            self._py_dirs = dirs
        return self._py_dirs

    def locate(self, dotted: str, base: str) -> str | None:
        """Repository path of module ``dotted`` under directory ``base``: the ``.py`` file,
        or the package / namespace directory."""
        rel = dotted.replace(".", "/")
        stem = f"{base}/{rel}" if base else rel
        if self.repo.is_file(stem + ".py"):
            return stem + ".py"
        if stem in self.py_dirs:
            return stem
        return None

    def find(self, names: list[str], bases: list[str]) -> str | None:
        """The first of ``names`` (most specific first) found under one of ``bases``."""
        seen: set[str] = set()
        for base in bases:
            if base in seen:
                continue
            seen.add(base)
            for name in names:
                found = self.locate(name, base)
                if found is not None:
                    return found
        return None


def search_bases(importer_source: str | None, handler_source: str | None) -> list[str]:
    """Directories a first-party module may be meant relative to, most likely first."""
    bases = [""]
    if importer_source is not None:
        bases.append(parent_dir(importer_source))
    bases.extend(CONVENTIONAL_ROOTS)
    for source in (handler_source, importer_source):
        if source is not None:
            bases.extend(ancestors(parent_dir(source)))
    return bases
