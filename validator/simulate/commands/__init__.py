"""Simple commands the simulator models, one module per family.

``lookup(args)`` finds the interpreter for a command line: ``cp`` is in ``cp.py``,
``zip`` and ``python -m zipfile`` in ``zip.py``, ``pip``/``python -m pip`` in
``pip.py``, ``aws`` in ``aws.py``, shell builtins and small file commands in
``misc.py``.  Each interpreter gets an ``Invocation`` whose ``args[0]`` is the
command name and returns the exit status (``None`` when unknown).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from validator.simulate import pybuild
from validator.simulate.commands import (
    aws,
    builds,
    cp,
    docker,
    export,
    find,
    mapfile,
    misc,
    mkdir,
    mv,
    pip,
    rm,
    rsync,
    sam,
    terraform,
    zip,
)
from validator.simulate.context import Invocation
from validator.simulate.words import Arg

Handler = Callable[[Invocation], "bool | None"]

HANDLERS: dict[str, Handler] = {
    "cp": cp.run,
    "mkdir": mkdir.run,
    "rm": rm.run,
    "rmdir": rm.run_rmdir,
    "mv": mv.run,
    "rsync": rsync.run,
    "zip": zip.run,
    "aws": aws.run,
    "terraform": terraform.run,
    "sam": sam.run,
    "docker": docker.run,
    "pip": pip.run,
    "cd": misc.cd,
    "pushd": misc.pushd,
    "popd": misc.popd,
    "touch": misc.touch,
    "tee": misc.tee,
    "ln": misc.ln,
    "set": misc.set_builtin,
    "source": misc.source,
    ".": misc.source,
    "read": misc.read,
    "true": misc.succeed,
    ":": misc.succeed,
    "false": misc.fail,
    "chmod": misc.succeed,
    "shopt": misc.succeed,
    "trap": misc.succeed,
    "install": misc.install,
    "find": find.run,
    "mapfile": mapfile.run,
    "readarray": mapfile.run,
}

#: prefixes that run the next word as the command
WRAPPERS = frozenset({"sudo", "command", "time", "nice", "nohup", "exec", "builtin", "env"})

PYTHON = re.compile(r"^(python|python3|python3\.\d+|py)$")
PIP = re.compile(r"^pip(3(\.\d+)?)?$")


def is_partial(handler: Handler) -> bool:
    """Handlers that model some forms of a command and return None for the others, which
    are then treated as unknown commands."""
    return handler in _PARTIAL


_PARTIAL = frozenset([*builds.HANDLERS.values(), *export.HANDLERS.values(), pybuild.run])


def unwrap(args: list[Arg]) -> tuple[list[Arg], dict[str, Arg]]:
    """The command line without ``sudo``/``exec``/``env``/``nice`` … prefixes, and the
    variables ``env NAME=value`` sets for the command."""
    environment: dict[str, Arg] = {}
    while args and args[0].text in WRAPPERS:
        wrapper, args = args[0].text, args[1:]
        while args and (args[0].text.startswith("-") or "=" in args[0].text):
            if wrapper == "env" and not args[0].text.startswith("-"):
                environment[args[0].text.partition("=")[0]] = args[0]
            args = args[1:]
    return args, environment


def lookup(args: list[Arg]) -> tuple[Handler, list[Arg]] | None:
    """The interpreter for this command line and the arguments it should see."""
    args, _environment = unwrap(args)
    if not args:
        return None
    name = args[0].text.rsplit("/", 1)[-1]
    if PIP.match(name):
        return pip.run, args
    if name == "uv" and len(args) > 2 and args[1].text == "pip" and args[2].text == "compile":
        return export.uv, args
    if name == "uv" and len(args) > 1 and args[1].text == "pip":
        return pip.run_uv, args[1:]
    if PYTHON.match(name) and len(args) > 2 and args[1].text == "-m":
        module = args[2].text
        if module == "pip":
            return pip.run, args[2:]
        if module == "zipfile":
            return zip.run_python_zipfile, args[2:]
        if module in ("venv", "virtualenv"):
            return (lambda inv: builds.venv(inv, inv.args[1:])), args[2:]
        return None
    if PYTHON.match(name) and len(args) > 1 and args[1].text.endswith(".py"):
        return pybuild.run, args
    handler = HANDLERS.get(name) or builds.HANDLERS.get(name) or export.HANDLERS.get(name)
    if handler is None:
        return None
    return handler, args
