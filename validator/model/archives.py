"""What a built archive says about itself: installed distributions and native modules.

The archive reader (``validator/archive``) fills these from ``*.dist-info`` folders and
``.so`` names; the dependency rules (LPK-005/006) read them from ``Package.installed``
and ``Package.native`` whatever built the package.  ``SourceReader`` is how the import
closure reads a package's Python files: the repository for a simulated package, the
archive itself for a real one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from validator.model.base import Record


class SourceReader(Protocol):
    """Text of the files a package's ``PackageFile.source`` names (``Repo`` is one)."""

    @property
    def root(self) -> object: ...  # identifies the reader in caches

    def read_text(self, rel: str) -> str | None: ...

    def error(self, rel: str) -> str: ...


@dataclass(eq=False, repr=False)
class InstalledDist(Record):
    """One ``*.dist-info`` folder inside a package (or a layer)."""

    name: str  # as ``METADATA`` spells it (``PyYAML``), else from the folder name
    version: str
    dist_info: str  # archive path of the folder (``yaml-6.0.dist-info`` …)
    top_level: list[str] = field(default_factory=list)  # import names (``top_level.txt``, else RECORD)
    #: ``WHEEL`` ``Tag:`` lines (``cp312-cp312-manylinux_2_17_x86_64``); ``py3-none-any`` = pure
    tags: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # archive paths RECORD lists
    layer: str = ""  # the layer archive it came from, "" for the package itself

    @property
    def pure(self) -> bool | None:
        """True for ``*-none-any`` wheels, False when a tag names a platform, None when unknown."""
        if not self.tags:
            return None
        return all(t.endswith("-any") for t in self.tags)


@dataclass(eq=False, repr=False)
class NativeModule(Record):
    """An extension module file and what its name says it was built for.

    ``foo.cpython-311-x86_64-linux-gnu.so`` → abi ``cpython-311``, platform
    ``x86_64-linux-gnu``; ``foo.abi3.so`` → abi ``abi3``; ``foo.cpython-311-darwin.so`` →
    platform ``darwin``; a bare ``foo.so`` says neither; ``.pyd`` is Windows."""

    path: str  # archive path
    module: str  # the import name the file answers to on Lambda (its first name part)
    abi: str = ""  # "cpython-311", "abi3", "" when the name does not say
    platform: str = ""  # "x86_64-linux-gnu", "aarch64-linux-gnu", "darwin", "win_amd64", ""
    dist: str = ""  # the distribution whose RECORD lists it, if any
