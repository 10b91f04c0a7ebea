"""Shell scripts of the repository that a step runs: ``bash scripts/package.sh a b``,
``./scripts/package.sh``, ``sh -e build.sh``, ``source ./env.sh``.

Many workflows keep their packaging in a script file.  Its text is read from the
repository and interpreted like inline shell, so the copies and zips it makes are
checked and reported at the script's own lines.  ``bash``/``sh``/``./x.sh`` run it in
a new shell (it sees exported variables and its arguments; its variables and ``cd``
do not come back); ``source``/``.`` run it in the current one.  This module decides
whether a command line runs such a script and where its lines are; the interpreter
runs it.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from validator.model import ScriptMap
from validator.model.base import Record
from validator.model.paths import WORKSPACE, is_under, workspace_relative
from validator.simulate.commands import unwrap
from validator.simulate.context import Invocation
from validator.simulate.words import Arg

#: shells whose script argument is followed
SHELLS = frozenset({"bash", "sh", "dash"})
#: shell options that take a value (``bash -o pipefail script.sh``)
_OPTIONS_WITH_VALUE = frozenset({"-o", "+o", "-O", "+O", "--rcfile", "--init-file"})
#: scripts running scripts deeper than this are not followed (and a script never follows itself)
MAX_DEPTH = 8


@dataclass(eq=False, repr=False)
class ScriptCall(Record):
    """A command line that runs a repository script."""

    path: str  # virtual absolute path of the script
    repo_path: str  # the same, relative to the repository
    text: str
    args: list[Arg]  # its positional arguments
    sourced: bool  # ``source``/``.``: runs in the calling shell
    written: str = ""  # the script's path as the command line writes it (``$0``, ``BASH_SOURCE``)
    #: ``env NAME=value ./x.sh``: variables set for the script only
    environment: dict[str, Arg] = field(default_factory=dict)
    #: why the script cannot be followed although the command line clearly runs one
    missing: str = ""
    #: ``bash -e x.sh`` or a ``#!/bin/bash -e`` line: a failing command ends the script
    errexit: bool = False


def script_call(inv: Invocation) -> ScriptCall | None:
    """The script this command line runs, when it is a repository shell script whose text
    is known; None for anything else (``bash -c``, a script read from stdin, a Python
    script, a file the job wrote)."""
    args, environment = unwrap(inv.args)  # ``exec ./x.sh``, ``env A=1 bash x.sh``
    if not args:
        return None
    name = args[0].text
    base = posixpath.basename(name)
    sourced = False
    options: list[str] = []
    if base in SHELLS:
        rest = _after_options(args[1:])
        if rest is None or not rest:
            return None
        target, operands = rest[0], rest[1:]
        options = [a.text for a in args[1 : len(args) - len(rest)] if a.text.startswith("-")]
    elif name in ("source", ".") and len(args) > 1:
        target, operands, sourced = args[1], args[2:], True
    elif "/" in name:
        target, operands = args[0], args[1:]
    else:
        return None
    if target.symbolic:
        return None
    path = inv.path(target)
    vfs = inv.ctx.vfs
    text = vfs.read_text(path)
    call = ScriptCall(path, workspace_relative(path), text or "", list(operands), sourced, target.text, environment)
    if text is None:
        if not is_under(path, WORKSPACE):
            return None  # a program of the runner (``/usr/local/bin/tool``)
        if sourced and "/" not in target.text:
            return None  # ``source x`` also searches PATH; the checkout's x is not the only candidate
        if not vfs.exists(path):
            call.missing = (f"{target.text} is not in the repository and no modelled command creates it: "
                            f"the shell would fail with 'No such file or directory'")
        elif (source := vfs.files[path].source if path in vfs.files else None) is not None:
            call.missing = f"{target.text} cannot be read ({inv.ctx.repo.error(source) or 'not text'})"
        else:
            return None  # written by the job itself: its content is not known
        return call
    if base not in SHELLS and not sourced and not _is_shell(text, path):
        return None
    first = text.split("\n", 1)[0]
    # ``bash x.sh`` reads the ``#!`` line as a comment; ``./x.sh`` runs it with its options
    call.errexit = any("e" in o[1:] for o in options if not o.startswith("--")) or (
        base not in SHELLS and not sourced and first.startswith("#!") and bool(re.search(r"\s-\w*e", first)))
    return call


def _after_options(words: list[Arg]) -> list[Arg] | None:
    """The words after a shell's options; None for ``-c`` (a command string) and ``-s``."""
    i = 0
    while i < len(words):
        text = words[i].text
        if text == "--":
            return words[i + 1:]
        if text in _OPTIONS_WITH_VALUE:
            i += 2
            continue
        if text.startswith(("-", "+")) and len(text) > 1:
            if not text.startswith("--") and ("c" in text[1:] or "s" in text[1:]):
                return None
            # ``-euo pipefail``: an ``o`` in a cluster takes the next word
            i += 2 if not text.startswith("--") and ("o" in text[1:] or "O" in text[1:]) else 1
            continue
        return words[i:]
    return []


def _is_shell(text: str, path: str) -> bool:
    """Run directly (``./x``): a shell script by its ``#!`` line, or by its name without one."""
    first = text.split("\n", 1)[0]
    if first.startswith("#!"):
        words = first[2:].split()
        interpreter = posixpath.basename(words[0]) if words else ""
        if interpreter == "env":  # ``#!/usr/bin/env bash``, ``#!/usr/bin/env -S bash -e``
            interpreter = next((w for w in words[1:] if not w.startswith("-")), "")
        return interpreter in SHELLS
    return path.endswith(".sh")


def file_map(repo_path: str, text: str) -> ScriptMap:
    """Offsets in a script file to its own lines and columns (one anchor per line)."""
    anchors = []
    offset = 0
    for number, line in enumerate(text.split("\n"), start=1):
        anchors.append((offset, offset, number, 1))
        offset += len(line) + 1
    return ScriptMap(repo_path, anchors)
