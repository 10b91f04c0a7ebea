"""Shell builtins and small file commands: ``cd``, ``pushd``/``popd``, ``touch``, ``tee``,
``ln``, ``set``, ``source``, ``read``, ``install``, ``true``/``false``.

``echo … > file`` needs nothing here: the interpreter creates redirection targets.
"""

from __future__ import annotations

import posixpath
import re

from validator.model import CopyRecord, FileKind
from validator.model.paths import HOME, workspace_relative
from validator.simulate.commands.copying import transfer
from validator.simulate.commands.options import parse
from validator.simulate.context import Invocation
from validator.simulate.expand import Value
from validator.simulate.state import ShellState
from validator.simulate.vfs import VFile
from validator.simulate.words import arg


def change_dir(inv: Invocation, target: str) -> bool | None:
    """Move the shell to ``target`` if it exists in the tree; record why not otherwise."""
    state = inv.state
    path = inv.path(target)
    inv.ctx.cd_failed = False
    if not inv.ctx.vfs.is_dir(path) and inv.ctx.vfs.unknown_below(path):
        inv.ctx.vfs.make_unknown(path, inv.ctx.vfs.unknown_below(path), origin=inv.span)
    if not inv.ctx.vfs.is_dir(path):
        symbolic = any(a.symbolic for a in inv.args[1:])
        inv.ctx.cd_failed = not symbolic  # certain to fail (set -e then ends the shell)
        if symbolic:
            inv.unmodelled(f"cannot resolve cd target {target!r}: later relative paths are uncertain")
            # the shell is somewhere only known at run time: what it finds there is unknown
            inv.ctx.vfs.make_unknown(path, f"the folder of `cd {target}` is only known at run time",
                                     origin=inv.span)
            state.oldpwd, state.cwd = state.cwd, path
            state.vars["PWD"] = Value(path, True)
            return None
        else:
            inv.unmodelled(f"cd {workspace_relative(path)} fails: the directory does not exist at this point")
        return False
    _moved(state, path)
    return True


def _moved(state: ShellState, path: str) -> None:
    """``cd``, ``pushd`` and ``popd`` set ``OLDPWD`` and ``PWD`` as bash does (``"$OLDPWD/build"``)."""
    state.oldpwd = state.cwd
    state.vars["OLDPWD"] = Value(state.cwd)
    state.cwd = path
    state.vars["PWD"] = Value(path)


def cd(inv: Invocation) -> bool | None:
    operands = [a for a in inv.args[1:] if a.text not in ("-L", "-P", "-e", "--")]
    if not operands:
        return change_dir(inv, HOME)
    if operands[0].text == "-":
        return change_dir(inv, inv.state.oldpwd or inv.state.cwd)
    return change_dir(inv, operands[0].text)


def pushd(inv: Invocation) -> bool | None:
    operands = [a for a in inv.args[1:] if not a.text.startswith(("-", "+"))]
    if not operands:
        return True
    before = inv.state.cwd
    ok = change_dir(inv, operands[0].text)
    if ok:
        inv.state.dir_stack.append(before)
    return ok


def popd(inv: Invocation) -> bool | None:
    if not inv.state.dir_stack:
        return False
    _moved(inv.state, inv.state.dir_stack.pop())
    return True


def touch(inv: Invocation) -> bool | None:
    p = parse(inv.args[1:], short_with_value="dtr")
    for operand in p.operands:
        path = inv.path(operand)
        if not inv.ctx.vfs.exists(path):
            inv.ctx.vfs.put(path, VFile(FileKind.GENERATED, origin=inv.span))
    return True


def tee(inv: Invocation) -> bool | None:
    for operand in parse(inv.args[1:]).operands:
        path = inv.path(operand)
        if not operand.symbolic and not inv.ctx.vfs.is_dir(path):
            inv.ctx.vfs.put(path, VFile(FileKind.GENERATED, origin=inv.span))
    return True


def ln(inv: Invocation) -> bool | None:
    """A link is treated like a copy of its target (zip stores the target's content)."""
    p = parse(inv.args[1:], short_with_value="tS")
    if len(p.operands) < 2:
        return True
    sources, target = p.operands[:-1], p.operands[-1]
    record = CopyRecord(command="ln", span=inv.span, sources=[], target=inv.path(target), recursive=True)
    resolved = []
    for src in sources:
        # a relative symlink target is relative to the link's directory
        base = target.text if inv.ctx.vfs.is_dir(inv.path(target)) else posixpath.dirname(target.text) or "."
        text = src.text if src.text.startswith("/") or not p.has("s", "--symbolic") else \
            posixpath.join(base, src.text)
        if inv.ctx.vfs.exists(inv.path(text)):
            resolved.append(arg(text, src.symbolic))
    if not resolved:
        return True
    record.sources = [inv.path(s) for s in resolved]
    inv.record_copy(record)
    return transfer(inv, record, resolved, target, target_is_dir=False, no_target_dir=False,
                    recursive=True, remove=False)


def install(inv: Invocation) -> bool | None:
    """``install -D SRC DEST`` / ``install -d DIR``: a copy that can create directories."""
    p = parse(inv.args[1:], short_with_value="mogtS")
    if p.has("d", "--directory"):
        for operand in p.operands:
            inv.ctx.vfs.mkdir(inv.path(operand), parents=True, origin=inv.span)
        return True
    if len(p.operands) < 2:
        return True
    sources, target = p.operands[:-1], p.operands[-1]
    if p.has("D"):
        inv.ctx.vfs.mkdir(posixpath.dirname(inv.path(target)), parents=True, origin=inv.span)
    record = inv.record_copy(CopyRecord(command="install", span=inv.span,
                                        sources=[inv.path(s) for s in sources],
                                        target=inv.path(target), recursive=False))
    return transfer(inv, record, sources, target, target_is_dir=False, no_target_dir=False,
                    recursive=False, remove=False)


def set_builtin(inv: Invocation) -> bool | None:
    """``set -- a b`` (positional arguments), ``set -e`` (errexit) and ``set -a``
    (allexport) matter; other options do not change what is built."""
    words = [a.text for a in inv.args[1:]]
    for i, word in enumerate(words):
        if word == "--":
            break
        if word in ("-o", "+o") and i + 1 < len(words) and words[i + 1] in ("errexit", "allexport"):
            setattr(inv.state, words[i + 1], word == "-o")
        elif re.fullmatch(r"[-+][a-zA-Z]+", word):
            if "e" in word:
                inv.state.errexit = word.startswith("-")
            if "a" in word:
                inv.state.allexport = word.startswith("-")
    if "--" in words:
        rest = inv.args[1 + words.index("--") + 1 :]
        inv.state.positional = [Value(a.text, a.symbolic) for a in rest]
    return True


def source(inv: Invocation) -> bool | None:
    """Sourced files are not followed (virtualenv activation and the like are harmless)."""
    if len(inv.args) < 2:
        return True
    target = inv.args[1].text
    if target.endswith(("/activate", "activate.sh")) or "env" in posixpath.basename(target):
        return True
    inv.unmodelled(f"sourced file {target} is not followed", could_touch=False)
    return True


def read(inv: Invocation) -> bool | None:
    """``read`` binds its variables to values only known at run time."""
    p = parse(inv.args[1:], short_with_value="adnNpt")
    for operand in p.operands:
        inv.state.vars[operand.text] = Value("${" + operand.text + "}", True)
    return None


def succeed(inv: Invocation) -> bool | None:
    return True


def fail(inv: Invocation) -> bool | None:
    return False
