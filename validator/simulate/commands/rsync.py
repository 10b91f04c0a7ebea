"""``rsync``: ``SRC/`` copies SRC's contents, ``SRC`` copies the directory itself;
``--exclude``/``--include`` patterns filter the transfer; the final destination
directory is created (its parents are not, unless ``--mkpath``)."""

from __future__ import annotations

import fnmatch
import posixpath

from validator.model import CopyRecord
from validator.model.paths import workspace_relative
from validator.simulate.commands.copying import copy_hook, fail, note_placed, source_exists
from validator.simulate.commands.options import parse
from validator.simulate.context import Invocation

LONG_WITH_VALUE = frozenset({"--exclude", "--include", "--exclude-from", "--include-from", "--filter",
                             "--chmod", "--rsh", "--files-from", "--out-format", "--log-file"})


def run(inv: Invocation) -> bool | None:
    p = parse(inv.args[1:], short_with_value="efT", long_with_value=LONG_WITH_VALUE)
    if len(p.operands) < 2 or any(":" in o.text.split("/")[0] for o in p.operands):
        return True  # a remote transfer never feeds a local package
    sources, target = p.operands[:-1], p.operands[-1]
    recursive = p.has("r", "a", "--recursive", "--archive")
    rules = filter_rules([a.text for a in inv.args[1:]])
    if p.all("--exclude-from", "--filter", "--files-from"):
        inv.unmodelled("rsync filter files are not read: the copied set may differ")
    vfs = inv.ctx.vfs
    tpath = inv.path(target)
    record = inv.record_copy(CopyRecord(
        command="rsync", span=inv.span, sources=[inv.path(s) for s in sources], target=tpath,
        recursive=recursive))
    if not vfs.is_dir(tpath) and not vfs.mkdir(tpath, parents=p.has("--mkpath"), origin=inv.span):
        fail(record, "missing-target-dir", f"directory {workspace_relative(posixpath.dirname(tpath))} "
                                          "was never created")
        return False
    hook = copy_hook(inv, record)
    ok = True
    for src in sources:
        if not source_exists(inv, src, record):
            ok = False
            continue
        spath = inv.path(src)
        contents = src.text.endswith("/")
        name = posixpath.basename(spath)
        dest = tpath if contents else posixpath.join(tpath, name)
        if vfs.is_file(spath):
            if not excluded(name, False, rules):
                vfs.put(dest if not vfs.is_dir(dest) else posixpath.join(dest, name), hook(vfs.files[spath]))
                note_placed(inv, record, spath, dest)
            continue
        if not recursive:
            continue
        prefix = "" if contents else name + "/"

        def keep(rel: str, is_dir: bool, prefix: str = prefix) -> bool:
            return not excluded(prefix + rel, is_dir, rules)

        for old, new in vfs.copy_tree(spath, dest, hook, keep=keep):
            note_placed(inv, record, old, new)
    return ok


def filter_rules(args: list[str]) -> list[tuple[bool, str]]:
    """``--exclude``/``--include`` in command-line order: rsync tries them in that order and
    the first match decides (``--include='*.py' --exclude='*'`` keeps the ``.py`` files)."""
    rules: list[tuple[bool, str]] = []
    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if a == "--":
            break
        for name, exclude in (("--exclude", True), ("--include", False)):
            if a == name and i < len(args):
                rules.append((exclude, args[i]))
                i += 1
            elif a.startswith(name + "="):
                rules.append((exclude, a[len(name) + 1:]))
    return rules


def excluded(rel: str, is_dir: bool, rules: list[tuple[bool, str]]) -> bool:
    """rsync's first-match rule list: a pattern without ``/`` matches any path component,
    a leading ``/`` anchors at the transfer root, a trailing ``/`` matches directories only."""
    parts = rel.split("/")
    for exclude, pattern in rules:
        dir_only = pattern.endswith("/")
        pat = pattern.rstrip("/")
        for k in range(len(parts)):
            last = k == len(parts) - 1
            if dir_only and last and not is_dir:
                continue
            if pat.startswith("/"):
                hit = fnmatch.fnmatchcase("/".join(parts[: k + 1]), pat[1:])
            elif "/" in pat:
                hit = any(fnmatch.fnmatchcase("/".join(parts[j : k + 1]), pat) for j in range(k + 1))
            else:
                hit = fnmatch.fnmatchcase(parts[k], pat)
            if hit:
                return exclude
    return False
