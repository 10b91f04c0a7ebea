"""GNU ``find``: parsing a (reasonable) subset of its expression and walking a tree.

Shared by ``$(find …)`` (``listing.py``: the printed paths) and the ``find`` command
(``commands/find.py``: ``-exec``/``-delete`` run per match).  Supported: start points,
``-maxdepth``/``-mindepth``/``-depth``, ``-type f|d``, ``-name``/``-iname``,
``-path``/``-ipath``/``-wholename``, ``-empty``, ``-prune``, ``!``/``-not``, ``-a``,
``-o``, parentheses, ``-print``/``-print0``/``-printf``, ``-exec``/``-execdir``/``-ok``
(``;`` or ``+``) and ``-delete``.  Anything else makes ``parse`` return None, so callers
never act on a guessed set of files.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from validator.model.base import FrozenRecord, Record
from validator.simulate.patterns import pattern_match
from validator.simulate.values import DirLister

__all__ = ["ACTING", "Action", "Entry", "FindSpec", "parse", "render", "walk"]

_TESTS_WITH_ARG = frozenset({"-name", "-iname", "-path", "-ipath", "-wholename", "-iwholename", "-type"})
_GLOBAL_NUM = frozenset({"-maxdepth", "-mindepth"})
_NOOP = frozenset({"-depth", "-xdev", "-mount", "-follow", "-noleaf", "-ignore_readdir_race", "-true"})
_EXECS = frozenset({"-exec", "-execdir", "-ok", "-okdir"})
#: words that mean the command may change files
ACTING = frozenset({*_EXECS, "-delete", "-fprint", "-fprint0", "-fprintf", "-fls"})


@dataclass(frozen=True, eq=False, repr=False)
class Action(FrozenRecord):
    """``-print``, ``-printf FMT``, ``-exec CMD… ;|+`` or ``-delete``."""

    kind: str  # "print", "printf", "exec", "delete"
    argv: tuple[str, ...] = ()  # the command of -exec (with ``{}``)
    batch: bool = False  # ``-exec … +``
    fmt: str = "%p\n"


@dataclass(frozen=True, eq=False, repr=False)
class Entry(FrozenRecord):
    """One visited path: as find prints it, as a virtual absolute path, its depth."""

    shown: str
    path: str
    is_dir: bool
    depth: int
    root: str  # the start point it was found under, as written


# expression nodes: ("and", a, b) ("or", a, b) ("not", a) ("test", op, arg) ("act", Action) ("prune",) ("false",)
Expr = tuple


@dataclass(eq=False, repr=False)
class FindSpec(Record):
    roots: list[str]
    expr: Expr | None
    maxdepth: int | None = None
    mindepth: int = 0
    actions: list[Action] = field(default_factory=list)


class _Unsupported(Exception):
    pass


def parse(args: list[str]) -> FindSpec | None:
    """``find`` arguments (without ``find``); None when any part is not modelled."""
    i = 0
    while i < len(args) and args[i] in ("-L", "-H", "-P"):
        i += 1
    roots: list[str] = []
    while i < len(args) and not (args[i].startswith("-") or args[i] in ("!", "(")):
        roots.append(args[i])
        i += 1
    spec = FindSpec(roots or ["."], None)
    parser = _Parser(args[i:], spec)
    try:
        spec.expr = parser.expression()
        if parser.pos != len(parser.toks):
            return None
    except (_Unsupported, IndexError, ValueError):
        return None
    return spec


class _Parser:
    """Recursive descent: ``-o`` < implicit/explicit ``-a`` < ``!`` < primaries."""

    def __init__(self, toks: list[str], spec: FindSpec) -> None:
        self.toks = toks
        self.pos = 0
        self.spec = spec

    def _peek(self) -> str | None:
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def expression(self) -> Expr | None:
        if self._peek() is None:
            return None
        left = self._and()
        while self._peek() in ("-o", "-or"):
            self.pos += 1
            left = ("or", left, self._and())
        return left

    def _and(self) -> Expr:
        left = self._not()
        while self._peek() not in (None, "-o", "-or", ")"):
            if self._peek() in ("-a", "-and"):
                self.pos += 1
            left = ("and", left, self._not())
        return left

    def _not(self) -> Expr:
        if self._peek() in ("!", "-not"):
            self.pos += 1
            return ("not", self._not())
        return self._primary()

    def _primary(self) -> Expr:
        tok = self.toks[self.pos]
        self.pos += 1
        if tok == "(":
            inner = self.expression()
            if self._peek() != ")" or inner is None:
                raise _Unsupported(tok)
            self.pos += 1
            return inner
        if tok in _GLOBAL_NUM:
            depth = int(self.toks[self.pos])
            self.pos += 1
            if tok == "-maxdepth":
                self.spec.maxdepth = depth
            else:
                self.spec.mindepth = depth
            return ("true",)
        if tok in _NOOP:
            return ("true",)
        if tok == "-false":
            return ("false",)
        if tok in _TESTS_WITH_ARG:
            value = self.toks[self.pos]
            self.pos += 1
            if tok == "-type" and not set(value.split(",")) <= {"f", "d", "l"}:
                raise _Unsupported(tok)
            return ("test", tok, value)
        if tok in ("-empty", "-prune"):
            return ("test", tok, "")
        if tok in ("-print", "-print0"):
            return self._act(Action("print", fmt="%p\0" if tok == "-print0" else "%p\n"))
        if tok == "-printf":
            fmt = self.toks[self.pos]
            self.pos += 1
            return self._act(Action("printf", fmt=fmt))
        if tok == "-delete":
            return self._act(Action("delete"))
        if tok in _EXECS:
            start = self.pos
            while self.toks[self.pos] not in (";", "+") or (
                    self.toks[self.pos] == "+" and self.toks[self.pos - 1] != "{}"):
                self.pos += 1
            argv = tuple(self.toks[start : self.pos])
            batch = self.toks[self.pos] == "+"
            self.pos += 1
            if not argv or tok != "-exec":
                raise _Unsupported(tok)  # -execdir/-ok run elsewhere or interactively
            return self._act(Action("exec", argv, batch))
        raise _Unsupported(tok)

    def _act(self, action: Action) -> Expr:
        self.spec.actions.append(action)
        return ("act", action)


def _is_dir(fs: DirLister, path: str) -> bool:
    try:
        return fs.listdir(path) is not None
    except Exception:
        return False


def _exists(fs: DirLister, path: str) -> bool:
    if _is_dir(fs, path):
        return True
    parent, name = posixpath.split(path)
    try:
        entries = fs.listdir(parent)
    except Exception:
        entries = None
    return entries is not None and name in entries


def walk(spec: FindSpec, fs: DirLister, cwd: str, limit: int = 50_000) -> list[tuple[Entry, list[Action]]] | None:
    """Each visited entry that the expression selects, with the actions it triggered
    (``-print`` is implied when the expression has no action).  None when a start point
    does not exist or the walk is larger than ``limit``."""
    out: list[tuple[Entry, list[Action]]] = []
    visited = 0
    implied = not spec.actions
    for root in spec.roots:
        absolute = posixpath.normpath(posixpath.join(cwd, root))
        if not _exists(fs, absolute):
            return None
        stack = [Entry(root, absolute, _is_dir(fs, absolute), 0, root)]
        while stack:
            entry = stack.pop()
            visited += 1
            if visited > limit:
                return None
            fired: list[Action] = []
            pruned = False
            if entry.depth >= spec.mindepth:
                result, pruned = _eval(spec.expr, entry, fs, fired)
                if result and implied:
                    fired.append(Action("print"))
                if fired:
                    out.append((entry, fired))
            if not entry.is_dir or pruned or (spec.maxdepth is not None and entry.depth >= spec.maxdepth):
                continue
            names = sorted(fs.listdir(entry.path) or [])
            sep = "" if entry.shown.endswith("/") else "/"
            for name in reversed(names):
                child = posixpath.join(entry.path, name)
                stack.append(Entry(entry.shown + sep + name, child, _is_dir(fs, child), entry.depth + 1, root))
    return out


def _eval(expr: Expr | None, entry: Entry, fs: DirLister, fired: list[Action]) -> tuple[bool, bool]:
    """(value, pruned) of the expression on one entry; actions that run go to ``fired``."""
    if expr is None:
        return True, False
    kind = expr[0]
    if kind == "true":
        return True, False
    if kind == "false":
        return False, False
    if kind == "and":
        left, p1 = _eval(expr[1], entry, fs, fired)
        if not left:
            return False, p1
        right, p2 = _eval(expr[2], entry, fs, fired)
        return right, p1 or p2
    if kind == "or":
        left, p1 = _eval(expr[1], entry, fs, fired)
        if left:
            return True, p1
        right, p2 = _eval(expr[2], entry, fs, fired)
        return right, p1 or p2
    if kind == "not":
        value, pruned = _eval(expr[1], entry, fs, [])
        return not value, pruned
    if kind == "act":
        fired.append(expr[1])
        return True, False
    return _test(expr[1], expr[2], entry, fs)


def _test(op: str, arg: str, entry: Entry, fs: DirLister) -> tuple[bool, bool]:
    if op == "-prune":
        return True, entry.is_dir
    if op == "-type":
        kinds = set(arg.split(","))
        return ("d" in kinds and entry.is_dir) or ("f" in kinds and not entry.is_dir), False
    if op == "-empty":
        return entry.is_dir and not (fs.listdir(entry.path) or []), False
    if op in ("-name", "-iname"):
        name = posixpath.basename(entry.shown.rstrip("/")) or entry.shown
        if op == "-iname":
            return pattern_match(arg.lower(), name.lower()), False
        return pattern_match(arg, name), False
    text = entry.shown
    if op in ("-ipath", "-iwholename"):
        return pattern_match(arg.lower(), text.lower()), False
    return pattern_match(arg, text), False


def render(action: Action, entry: Entry) -> str:
    """What ``-print``/``-printf`` writes for one entry (``%p %f %h %P %%`` and escapes)."""
    fmt = action.fmt
    out: list[str] = []
    i = 0
    escapes = {"n": "\n", "t": "\t", "0": "\0", "\\": "\\"}
    while i < len(fmt):
        c = fmt[i]
        nxt = fmt[i + 1] if i + 1 < len(fmt) else ""
        if c == "\\" and nxt in escapes:
            out.append(escapes[nxt])
            i += 2
        elif c == "%" and nxt:
            name = posixpath.basename(entry.shown.rstrip("/")) or entry.shown
            values = {"p": entry.shown, "f": name, "h": posixpath.dirname(entry.shown) or ".", "%": "%",
                      "P": entry.shown[len(entry.root):].lstrip("/") if entry.depth else ""}
            if nxt not in values:
                raise ValueError(f"unsupported -printf directive %{nxt}")
            out.append(values[nxt])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)
