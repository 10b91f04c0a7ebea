"""The virtual file system a job's scripts run against.

Nothing here touches the real disk: the tree starts as the repository's file list
under ``/w`` and every simulated command edits these dictionaries.  Each file
remembers what it is (``FileKind``), which repository file it is a copy of and
which command put it there, because rules need that provenance, not the content.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, replace

from validator.model import CopyRecord, FileKind, PipInstall, Span
from validator.model.base import Record
from validator.model.paths import (
    HOME,
    RUNNER_TEMP,
    WORKSPACE,
    is_under,
    normalize,
    relative,
)

#: a job whose tree grows beyond this many entries stops being simulated
MAX_ENTRIES = 400_000


class VfsFull(Exception):
    """The virtual tree hit ``MAX_ENTRIES`` (a runaway loop or a huge copy)."""


@dataclass(eq=False, repr=False)
class VFile(Record):
    """A file in the virtual tree: its provenance, and its content only for a repository file
    (read from the repository) or a file a modelled command wrote (``text``)."""

    kind: FileKind
    source: str | None = None  # repository-relative file this is a copy of
    origin: Span | None = None  # the command that put it here
    copy: CopyRecord | None = None  # the cp/mv/rsync that put it here
    #: every copy on the way from the repository to here (``cp a build/`` then ``cp -r build pkg``)
    history: tuple[CopyRecord, ...] = ()
    archive: int | None = None  # id of the archive this file is (for ``*.zip`` outputs)
    #: the text a command wrote, when the simulation knows it (``poetry export`` from the lock file)
    text: str | None = None
    note: str = ""  # which command wrote it, from what (``poetry export from poetry.lock``)


class VDir:
    """A directory; ``pip`` lists installs made into it, ``installed`` marks a placeholder
    directory standing for a distribution whose files are unknown (a plain slotted class:
    no dataclass method generation at start-up)."""

    __slots__ = ("from_repo", "installed", "origin", "pip", "unknown")

    def __init__(self, origin: Span | None = None, pip: list[PipInstall] | None = None,
                 installed: PipInstall | None = None, from_repo: bool = False, unknown: str = "") -> None:
        self.origin = origin
        self.pip: list[PipInstall] = [] if pip is None else pip
        self.installed = installed
        self.from_repo = from_repo
        #: what filled it with files the simulation cannot list (``npm ci``, ``tar -x``, a
        #: ``cd`` into a folder only known at run time): a path below it is unknown, never missing
        self.unknown = unknown


#: makes the destination record of one copied file (provenance, span, copy record)
CopyHook = Callable[[VFile], VFile]
#: decides whether a path (relative to the copied root, is-directory) is copied
KeepFilter = Callable[[str, bool], bool]


#: (repository file list, its checkout) of the last ``VFS.from_repo``
_checkout: tuple[tuple[str, ...], VFS] | None = None


class VFS:
    """Files and directories keyed by absolute virtual path, with a child index."""

    def __init__(self) -> None:
        self.files: dict[str, VFile] = {}
        self.dirs: dict[str, VDir] = {"/": VDir()}
        self._children: dict[str, set[str]] = {"/": set()}
        #: reads a repository file by its relative path (``$(cat VERSION)``); None: unknown
        self.reader: Callable[[str], str | None] | None = None

    @classmethod
    def from_repo(cls, files: list[str]) -> VFS:
        """The checkout: every job of a workflow starts from it, so the last one built is
        kept and copied (files are never changed in place, directories are copied)."""
        global _checkout
        key = tuple(files)
        if _checkout is not None and _checkout[0] == key and type(_checkout[1]) is cls:
            return _checkout[1].clone()
        vfs = cls._build_checkout(files)
        _checkout = (key, vfs.clone())
        return vfs

    def clone(self) -> VFS:
        """An independent copy (``VFile`` records are shared: they are replaced, never changed)."""
        new = type(self).__new__(type(self))
        new.files = dict(self.files)
        new.dirs = {path: VDir(d.origin, list(d.pip), d.installed, d.from_repo, d.unknown)
                    for path, d in self.dirs.items()}
        new._children = {path: set(names) for path, names in self._children.items()}
        new.reader = self.reader
        return new

    @classmethod
    def _build_checkout(cls, files: list[str]) -> VFS:
        vfs = cls()
        for d in ("/tmp", HOME, RUNNER_TEMP):
            vfs.mkdir(d, parents=True)
        vfs.mkdir(WORKSPACE, parents=True)
        for rel in files:
            # listed paths are almost always clean; only odd ones need normalizing
            clean = rel and not rel.startswith((".", "/")) and not rel.endswith("/") and "//" not in rel and "/." not in rel
            path = f"{WORKSPACE}/{rel}" if clean else normalize(rel, WORKSPACE)
            parent = path.rpartition("/")[0] or "/"
            if parent not in vfs.dirs:
                vfs.mkdir(parent, parents=True)
                vfs.dirs[parent].from_repo = True
            vfs.put(path, VFile(FileKind.SOURCE, source=rel))
        return vfs

    # ------------------------------------------------------------------ queries
    def is_file(self, path: str) -> bool:
        return path in self.files

    def is_dir(self, path: str) -> bool:
        return path in self.dirs

    def exists(self, path: str) -> bool:
        return path in self.files or path in self.dirs

    def read_text(self, path: str) -> str | None:
        """The text of a repository file, at its checkout path or copied elsewhere (``cp`` and
        ``mv`` keep the content; a file a command wrote is no longer ``SOURCE``); None otherwise."""
        vfile = self.files.get(path)
        if vfile is not None and vfile.text is not None:
            return vfile.text
        if self.reader is None or vfile is None or vfile.kind is not FileKind.SOURCE or vfile.source is None:
            return None
        return self.reader(vfile.source)

    def unknown_below(self, path: str) -> str:
        """Why ``path`` may exist although the tree does not hold it: the reason of the
        nearest folder above (or at) it whose contents are unknown; "" when none is."""
        while True:
            d = self.dirs.get(path)
            if d is not None and d.unknown:
                return d.unknown
            if path == "/":
                return ""
            path = posixpath.dirname(path)

    def make_unknown(self, path: str, reason: str, origin: Span | None = None) -> None:
        """A folder that exists from now on with contents the simulation cannot list."""
        if self.mkdir(path, parents=True, origin=origin):
            self.dirs[path].unknown = self.dirs[path].unknown or reason

    def listdir(self, path: str) -> list[str] | None:
        """Sorted child names, or None when ``path`` is not a directory."""
        if path not in self.dirs:
            return None
        return sorted(self._children.get(path, ()))

    def walk_files(self, root: str) -> list[str]:
        """Every file path under directory ``root`` (sorted)."""
        out: list[str] = []
        stack = [root]
        while stack:
            d = stack.pop()
            for name in self._children.get(d, ()):
                child = d.rstrip("/") + "/" + name
                if child in self.files:
                    out.append(child)
                else:
                    stack.append(child)
        return sorted(out)

    def walk_dirs(self, root: str) -> list[str]:
        """Every directory under ``root`` including itself (sorted)."""
        out: list[str] = []
        stack = [root]
        while stack:
            d = stack.pop()
            if d not in self.dirs:
                continue
            out.append(d)
            for name in self._children.get(d, ()):
                child = d.rstrip("/") + "/" + name
                if child in self.dirs:
                    stack.append(child)
        return sorted(out)

    def size(self) -> int:
        return len(self.files) + len(self.dirs)

    # ------------------------------------------------------------------ changes
    def _link(self, path: str) -> None:
        if path == "/":
            return
        parent, name = posixpath.split(path)
        self._children.setdefault(parent, set()).add(name)

    def _unlink(self, path: str) -> None:
        parent, name = posixpath.split(path)
        kids = self._children.get(parent)
        if kids is not None:
            kids.discard(name)

    def mkdir(self, path: str, parents: bool = False, origin: Span | None = None) -> bool:
        """Create a directory; without ``parents`` the parent must exist.  False on failure."""
        if path in self.dirs:
            return True
        if path in self.files:
            return False
        parent = posixpath.dirname(path)
        if parent not in self.dirs and (not parents or not self.mkdir(parent, parents=True, origin=origin)):
            return False
        self._check_size()
        self.dirs[path] = VDir(origin=origin)
        self._children.setdefault(path, set())
        self._link(path)
        return True

    def put(self, path: str, vfile: VFile) -> bool:
        """Write a file whose parent directory exists; replaces a file, never a directory."""
        if path in self.dirs or posixpath.dirname(path) not in self.dirs:
            return False
        if path not in self.files:
            self._check_size()
        self.files[path] = vfile
        self._link(path)
        return True

    def remove(self, path: str) -> None:
        """Remove a file or a whole directory tree."""
        if path in self.files:
            del self.files[path]
            self._unlink(path)
            return
        if path not in self.dirs or path == "/":
            if path == "/":
                for child in list(self._children.get("/", ())):
                    self.remove("/" + child)
            return
        for f in self.walk_files(path):
            del self.files[f]
        for d in self.walk_dirs(path):
            self.dirs.pop(d, None)
            self._children.pop(d, None)
        self._unlink(path)

    def copy_tree(self, src: str, dest: str, on_file: CopyHook | None = None,
                  no_clobber: bool = False, keep: KeepFilter | None = None) -> list[tuple[str, str]]:
        """Copy directory ``src`` to ``dest`` (merged into it when it exists).

        Returns the (source, destination) file pairs written.  ``keep`` filters paths
        relative to ``src``; directory markers (pip placeholders) travel with the tree.
        """
        pairs: list[tuple[str, str]] = []
        if is_under(dest, src) and dest != src:
            return pairs  # cp refuses to copy a directory into itself
        for d in self.walk_dirs(src):
            rel = relative(d, src)
            if keep is not None and rel and not keep(rel, True):
                continue
            target = dest if not rel else dest + "/" + rel
            if not self.mkdir(target, parents=True):
                continue
            info = self.dirs[d]
            if info.pip or info.installed:
                tinfo = self.dirs[target]
                tinfo.pip = list({id(p): p for p in tinfo.pip + info.pip}.values())
                tinfo.installed = tinfo.installed or info.installed
        for f in self.walk_files(src):
            rel = relative(f, src)
            if keep is not None and not keep(rel, False):
                continue
            target = dest + "/" + rel
            if no_clobber and target in self.files:
                continue
            if posixpath.dirname(target) not in self.dirs:
                continue
            vfile = self.files[f]
            new = on_file(vfile) if on_file else replace(vfile)
            if self.put(target, new):
                pairs.append((f, target))
        return pairs

    def _check_size(self) -> None:
        if len(self.files) + len(self.dirs) >= MAX_ENTRIES:
            raise VfsFull(f"the virtual tree passed {MAX_ENTRIES} entries")
