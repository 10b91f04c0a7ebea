"""Listing commands inside ``$( … )`` evaluated on the virtual tree.

``for fn in $(ls src/functions)`` is as static as ``for fn in src/functions/*``: the
output of ``ls``, of a ``find`` without side effects, and of ``cat`` on a small
repository file (``VERSION``, a list of function names) is known without running
anything.  Every function returns None when the output is not known exactly.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from validator.simulate.patterns import safe_listdir
from validator.simulate.values import DirLister

__all__ = ["MAX_CAT_BYTES", "run"]

#: ``cat`` output larger than this stays symbolic
MAX_CAT_BYTES = 64_000

Lister = Callable[[list[str], str, DirLister], "str | None"]


def run(args: list[str], cwd: str, fs: DirLister) -> str | None:
    """Output of ``ls``/``find``/``cat`` (``args[0]``) run in ``cwd``, or None."""
    handler = _COMMANDS.get(args[0]) if args else None
    return handler(args[1:], cwd, fs) if handler is not None else None


def _abs(cwd: str, path: str) -> str:
    return posixpath.normpath(posixpath.join(cwd, path))


def _exists(fs: DirLister, path: str) -> bool:
    parent, name = posixpath.split(path)
    entries = safe_listdir(fs, parent)
    return safe_listdir(fs, path) is not None or (entries is not None and name in entries)


def ls(args: list[str], cwd: str, fs: DirLister) -> str | None:
    """``ls [-1AdL] [PATH…]`` as a pipe sees it: one name per line, sorted."""
    almost_all = directory = False
    operands: list[str] = []
    for a in args:
        if a.startswith("-") and len(a) > 1 and not operands:
            flags = set(a[1:])
            if not flags <= set("1AdL"):
                return None
            almost_all = almost_all or "A" in flags
            directory = directory or "d" in flags
        else:
            operands.append(a)
    operands = operands or ["."]
    files: list[str] = []
    dirs: list[tuple[str, list[str]]] = []
    for op in operands:
        path = _abs(cwd, op)
        if not _exists(fs, path):
            return None  # ls fails on it: the caller's behaviour is not static any more
        entries = safe_listdir(fs, path)
        if entries is None or directory:
            files.append(op)
        else:
            dirs.append((op, sorted(e for e in entries if almost_all or not e.startswith("."))))
    blocks: list[str] = ["".join(f + "\n" for f in sorted(files))] if files else []
    for op, names in sorted(dirs):
        header = f"{op}:\n" if len(operands) > 1 else ""
        blocks.append(header + "".join(n + "\n" for n in names))
    return "\n".join(blocks)


def find(args: list[str], cwd: str, fs: DirLister) -> str | None:
    """``find`` that only prints (``-print``, ``-printf``)."""
    from validator.simulate import findexpr  # on first use: most workflows have no find

    if any(a in findexpr.ACTING for a in args):
        return None
    spec = findexpr.parse(args)
    if spec is None:
        return None
    hits = findexpr.walk(spec, fs, cwd)
    if hits is None:
        return None
    try:
        return "".join(findexpr.render(action, entry) for entry, actions in hits for action in actions)
    except ValueError:
        return None


def cat(args: list[str], cwd: str, fs: DirLister) -> str | None:
    """``cat FILE…`` of repository files the tree can read (``VFS.read_text``)."""
    reader = getattr(fs, "read_text", None)
    if reader is None or not args or any(a.startswith("-") and a != "-" for a in args) or "-" in args:
        return None
    out: list[str] = []
    for a in args:
        text = reader(_abs(cwd, a))
        if text is None:
            return None
        out.append(text)
    joined = "".join(out)
    return joined if len(joined) <= MAX_CAT_BYTES else None


_COMMANDS: dict[str, Lister] = {"ls": ls, "find": find, "cat": cat}
