"""The repository on disk: which files exist, and their text, read safely and once.

The simulation seeds its virtual tree from ``Repo.files`` (git's list of tracked and
untracked-not-ignored files where there is a git checkout, else a walk), so globs
expand against what CI would check out.  Reading never follows a path out of the
root, never loops on symlinks, and refuses files that are too large or binary.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from validator.model.base import Record

#: directories never worth walking (vendored, caches, virtual environments)
SKIP_DIRS = frozenset(
    {".git", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".mypy_cache", ".ruff_cache",
     ".pytest_cache", ".terraform", ".aws-sam", ".serverless", ".hypothesis"}
)

#: a source file larger than this is not parsed (reported as a problem instead)
MAX_TEXT_BYTES = 8 * 1024 * 1024

#: byte-order marks of the wide encodings (UTF-32 first: its LE mark starts like UTF-16's)
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
         (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))

#: at most this many files are listed (a larger tree is truncated, and says so)
MAX_FILES = 200_000


class RepoError(Exception):
    """The repository cannot be read at all (exit 2)."""


@dataclass(eq=False, repr=False)
class Repo(Record):
    """A repository root with its file list and a text cache."""

    root: Path
    files: list[str] = field(default_factory=list)  # POSIX, relative, sorted
    truncated: bool = False
    _dirs: set[str] | None = field(default=None, repr=False)
    _file_set: set[str] | None = field(default=None, repr=False)
    _text: dict[str, str | None] = field(default_factory=dict, repr=False)
    _errors: dict[str, str] = field(default_factory=dict, repr=False)
    _real_dirs: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def open(cls, root: Path) -> Repo:
        root = root.resolve()
        if not root.is_dir():
            raise RepoError(f"repository root {root} is not a directory")
        repo = cls(root=root)
        repo.files, repo.truncated = list_files(root)
        return repo

    @property
    def file_set(self) -> set[str]:
        if self._file_set is None:
            self._file_set = set(self.files)
        return self._file_set

    @property
    def dirs(self) -> set[str]:
        """Every directory that holds a listed file ("" is the root)."""
        if self._dirs is None:
            dirs = {""}
            for f in self.files:
                parent = PurePosixPath(f).parent
                while str(parent) not in dirs:
                    dirs.add(str(parent) if str(parent) != "." else "")
                    if str(parent) in ("", "."):
                        break
                    parent = parent.parent
            dirs.discard(".")
            self._dirs = dirs
        return self._dirs

    def is_file(self, rel: str) -> bool:
        return rel in self.file_set

    def closest(self, rel: str) -> str | None:
        """The existing repository path closest to a missing one (a renamed file or folder);
        a pattern keeps its wildcard tail (``src/fn/*`` -> ``src/func/*``).  Asked only when a
        finding names the missing path: it compares against many of the repository's paths."""
        head = rel.split("*")[0].split("?")[0].rstrip("/")
        pattern_tail = rel[len(head):]
        target = head if pattern_tail else rel
        import difflib  # only when a finding needs it

        best = difflib.get_close_matches(target, self._near(target), n=1, cutoff=0.5)
        if not best:
            return None
        return best[0] + pattern_tail if pattern_tail and self.is_dir(best[0]) else best[0]

    def _near(self, rel: str) -> list[str]:
        # nearest existing ancestor's subtree, plus every path with a similar basename
        parent = posixpath.dirname(rel)
        while parent and not self.is_dir(parent):
            parent = posixpath.dirname(parent)
        prefix = parent + "/" if parent else ""
        names = set()
        base = posixpath.basename(rel)
        for d in self.dirs:
            if d and (d.startswith(prefix) or posixpath.basename(d) == base):
                names.add(d)
        for f in self.files:
            if f.startswith(prefix) or posixpath.basename(f) == base:
                names.add(f)
            if len(names) > 5000:
                break
        return sorted(names)

    def is_dir(self, rel: str) -> bool:
        return rel.strip("/") in self.dirs

    def replace_texts(self, texts: dict[str, str]) -> None:
        """Read these texts instead of the files on disk (listed files only): ``--fix``
        analyses its edited files in memory before it writes any."""
        for rel, text in texts.items():
            if rel in self.file_set:
                self._text[rel] = text

    def writable_text(self, rel: str) -> bool:
        """Whether the file is plain UTF-8 text that ``read_text`` gives back byte for byte
        (no byte-order mark, nothing replaced), so an edit of that text can be written."""
        text = self.read_text(rel)
        if text is None:
            return False
        try:
            path, _size = self._checked(rel)
            with open(path, "rb") as fh:
                return fh.read() == text.encode("utf-8")
        except (OSError, ValueError):
            return False

    def read_text(self, rel: str) -> str | None:
        """The file's text (UTF-8, BOM removed, undecodable bytes replaced), or None when it
        cannot be read (too large, binary, outside the root); ``error(rel)`` says why."""
        if rel in self._text:
            return self._text[rel]
        text: str | None = None
        try:
            path, size = self._checked(rel)
            if size > MAX_TEXT_BYTES:
                self._errors[rel] = f"{rel} is {size // 1_000_000} MB, larger than the {MAX_TEXT_BYTES // 1_000_000} MB read limit"
            else:
                with open(path, "rb") as fh:
                    data = fh.read()
                bom = next((enc for mark, enc in _BOMS if data.startswith(mark)), None)
                if bom is not None:  # UTF-16/32 with a byte-order mark (PowerShell's `>`), as pip decodes it
                    text = data[len(next(m for m, e in _BOMS if e == bom)):].decode(bom, errors="replace")
                elif b"\0" in data[:8192]:
                    self._errors[rel] = f"{rel} is a binary file"
                else:
                    text = data.decode("utf-8-sig", errors="replace")
        except (OSError, ValueError) as exc:
            self._errors[rel] = f"cannot read {rel}: {exc}"
        self._text[rel] = text
        return text

    def _checked(self, rel: str) -> tuple[str, int]:
        """What ``safe_join`` resolves ``rel`` to, and its size; each folder is resolved
        once per run, so a file costs one ``lstat`` rather than one per path component."""
        head, _, name = rel.rpartition("/")
        if rel.startswith("/") or name in ("", ".", ".."):
            path = str(safe_join(self.root, rel))
            return path, os.stat(path).st_size
        real_dir = self._real_dirs.get(head)
        if real_dir is None:
            try:
                real_dir = self._real_dirs[head] = str(safe_join(self.root, head))
            except ValueError:
                raise ValueError(f"{rel} points outside the repository") from None
        path = os.path.join(real_dir, name)
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            path = str(safe_join(self.root, rel))
            st = os.stat(path)
        return path, st.st_size

    def error(self, rel: str) -> str:
        return self._errors.get(rel, "")

    def glob(self, pattern: str) -> list[str]:
        """Listed files matching a ``fnmatch``-style pattern on the whole relative path."""
        import fnmatch

        return [f for f in self.files if fnmatch.fnmatchcase(f, pattern)]


def safe_join(root: Path, rel: str) -> Path:
    """``root/rel``, refusing anything that resolves outside ``root``."""
    path = (root / rel).resolve()
    if path != root and root not in path.parents:
        raise ValueError(f"{rel} points outside the repository")
    return path


def find_root(start: Path) -> Path:
    """The repository root above ``start``: the nearest folder that has ``.git`` or holds
    ``.github/workflows`` (so a repository nested in another checkout is its own root),
    else ``start`` itself (a file's folder)."""
    start = start.resolve()
    here = start if start.is_dir() else start.parent
    for candidate in (here, *here.parents):
        if (candidate / ".git").exists() or (candidate / ".github" / "workflows").is_dir():
            return candidate
    for candidate in (here, *here.parents):
        if (candidate / ".github").is_dir():
            return candidate
    return here


def list_files(root: Path) -> tuple[list[str], bool]:
    """Files of the repository, relative and sorted; git's view when it is a checkout."""
    files = _git_files(root)
    if files is None:
        files = _walk_files(root)
    truncated = len(files) > MAX_FILES
    return sorted(files)[:MAX_FILES], truncated


#: ``git ls-files`` processes started ahead of time, by repository root
_listings: dict[str, Any] = {}
_GIT_LS_FILES = ("ls-files", "-z", "--cached", "--others", "--exclude-standard")


def start_listing(root: Path) -> None:
    """Start listing a checkout's files now, so that git runs while the rest of the tool
    loads (``list_files`` collects the result)."""
    root = root.resolve()
    if str(root) in _listings or not (root / ".git").exists():
        return
    import subprocess  # only for checkouts: it costs a few milliseconds to import

    with contextlib.suppress(OSError):  # no git: the files are walked instead
        _listings[str(root)] = subprocess.Popen(["git", "-C", str(root), *_GIT_LS_FILES],
                                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)


def _git_files(root: Path) -> list[str] | None:
    if not (root / ".git").exists():
        return None
    import subprocess

    start_listing(root)
    proc = _listings.pop(str(root.resolve()), None)
    if proc is None:
        return None
    try:
        stdout, _ = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return None
    if proc.returncode != 0:
        return None
    names = stdout.decode("utf-8", errors="replace").split("\0")
    out = []
    base = str(root)
    for name in names:
        if not name or any(part in SKIP_DIRS for part in name.split("/")[:-1]):
            continue
        # git lists deleted-but-tracked files too; the checkout CI makes has them, but a
        # working tree without them is what the user is looking at.  Submodules are
        # listed as folders and are not files of this repository.
        try:
            mode = os.lstat(os.path.join(base, name)).st_mode
        except OSError:
            continue
        if stat.S_ISREG(mode) or stat.S_ISLNK(mode):
            out.append(name)
    return out


def _walk_files(root: Path) -> list[str]:
    out: list[str] = []
    seen: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        try:
            st = os.stat(dirpath)
        except OSError:
            dirnames[:] = []
            continue
        if (st.st_dev, st.st_ino) in seen:  # a symlink loop
            dirnames[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        rel_dir = os.path.relpath(dirpath, root)
        for name in filenames:
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            out.append(rel.replace(os.sep, "/"))
        if len(out) > MAX_FILES:
            break
    return out
