"""``python build.py``: the common shapes of Lambda build scripts written in Python,
read with ``ast`` and run against the virtual tree.

Scripts that zip a function by hand are short and static: ``zipfile.ZipFile(out, "w")``
with ``write(path, arcname)`` calls, loops over literal lists, ``os.walk``/``glob`` over a
source folder, ``os.path.exists`` guards, ``shutil.copytree``/``copy``/``make_archive``,
``os.makedirs``, module-level code or a ``main()`` called under ``if __name__ ==
"__main__":``.  No library interprets Python statically, so this module evaluates that
subset itself: strings, paths (``os.path``, ``pathlib.Path``), lists and the zip handles
the script opens.  Anything outside it that could matter (a ``subprocess`` call, an unknown
function, a condition or loop over a value not known statically whose body writes, exits,
changes a list or leaves the loop) stops the evaluation: the command is then an unknown
command, as before, never a guess, and nothing the evaluation did is kept.  A body that only
assigns names is skipped, and the names it assigns are unknown afterwards.

The library calls follow CPython's own code (``Lib/zipfile``, ``Lib/shutil.py``,
``Lib/glob.py``, ``Lib/pathlib.py``, ``Lib/os.py``), including where it fails:

* ``ZipFile.write`` (``ZipInfo.from_file``): ``arcname`` defaults to the path as given, is
  normalised and loses its leading slashes (an arcname that is only slashes raises); a
  folder is stored as its own ``name/`` entry only; a missing file raises
  ``FileNotFoundError``, which ends the script with status 1.  ``writestr`` stores the name
  as given (a name that is not a plain relative path stops the evaluation).  Mode ``"r"``
  needs the file, ``"x"`` its absence, ``"a"`` appends to an archive the script wrote (to
  another existing file it stops the evaluation), and a write after ``close()`` raises.  An
  archive never closed (no ``with``, no ``close()``) is left without its central directory,
  not a readable zip: the evaluation stops.
* ``glob.glob`` (``recursive``, ``include_hidden``, ``root_dir``): names starting with a dot
  match only a pattern component that starts with one, ``**`` matches zero or more folders
  and skips hidden ones, a literal path is returned when it exists, a trailing slash keeps
  folders; results are spelled as CPython builds them (``./a.py`` for ``./*.py``).
  ``Path.glob``/``rglob`` have no hidden-file rule and ``**`` yields folders only; a
  ``Path`` keeps the spelling it was given (relative paths resolve against the working
  directory when used), ``relative_to`` is lexical.
* ``os.walk`` is top-down and lazy: each folder is listed when it is reached, so pruning
  ``dirs`` (``dirs[:] = …``, ``dirs.remove(…)``) and files the loop writes are seen.
* ``shutil.copytree`` lists each folder before creating its copy, applies
  ``ignore_patterns`` per folder, needs ``dirs_exist_ok`` for an existing destination and
  raises after copying what it can; a copy into the tree it reads whose top entry is not
  ignored depends on the listing order and stops the evaluation.  ``shutil.make_archive``
  walks ``root_dir``/``base_dir`` after creating the archive (an archive inside the folder
  it zips holds itself), creating the archive's folder if needed.
* ``os.makedirs``/``os.mkdir``/``Path.mkdir`` honour ``exist_ok``/``parents``;
  ``os.remove``, ``shutil.rmtree`` (without ``ignore_errors``), ``shutil.copyfile`` into a
  folder, ``os.listdir``/``os.chdir`` of a missing folder and ``open(path)`` of a missing
  file raise, and so does an empty path (``os.path.relpath`` and ``glob``'s ``root_dir``
  read ``""`` as the working directory) or ``a/../b`` where ``a`` does not exist
  (``os.makedirs`` makes ``a``; ``os.path`` itself is lexical).  A copy of an archive is another path of it, as
  after ``cp``.  ``sys.exit(code)`` and ``raise SystemExit(code)`` give CPython's status
  (``None`` 0, an int modulo 256, anything else 1); any other ``raise`` is status 1.
"""

from __future__ import annotations

import ast
import fnmatch
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from validator.model import FileKind, PackageFile
from validator.model.paths import is_under, relative
from validator.simulate.commands.zip import new_archive, write_archive
from validator.simulate.context import Archive, Invocation
from validator.simulate.vfs import VFile

#: calls with no effect on files (their value, where it matters, is computed below)
_PURE = frozenset({
    "print", "len", "str", "int", "sorted", "list", "tuple", "set", "dict", "enumerate", "range", "min", "max",
    "isinstance", "repr", "format", "any", "all", "sum", "bool", "float", "hasattr", "getattr",
    "os.path.getsize", "os.path.getmtime", "os.getenv", "os.environ.get", "time.time", "datetime.now",
    "datetime.datetime.now", "logging.info", "logging.warning", "logging.error",
    "logging.debug", "logging.basicConfig", "json.loads", "json.dumps", "json.dump", "hashlib.sha256",
    "zipfile.is_zipfile",
})
#: methods with no effect on files or on the script's lists, whatever object they are called on
_PURE_METHODS = frozenset({
    "namelist", "infolist", "getinfo", "startswith", "endswith", "split", "rsplit", "strip",
    "rstrip", "lstrip", "replace", "lower", "upper", "join", "format", "items", "keys", "values", "get",
    "exists", "is_file", "is_dir", "read", "hexdigest", "info", "warning", "error", "debug",
    "testzip", "printdir", "encode", "decode", "partition", "rpartition", "removeprefix", "removesuffix",
    "count", "index", "find", "copy", "isdigit", "isalpha",
})
#: ``str`` methods computed when the receiver and the arguments are known
_STR_METHODS = frozenset({
    "startswith", "endswith", "split", "rsplit", "strip", "rstrip", "lstrip", "replace", "lower", "upper",
    "join", "partition", "rpartition", "removeprefix", "removesuffix", "count", "find", "isdigit", "isalpha",
})
#: ``list`` methods that change the list
_LIST_MUTATORS = frozenset({"append", "extend", "remove", "insert", "pop", "clear", "sort", "reverse"})
#: calls that end the script
_EXITS = frozenset({"sys.exit", "exit", "quit"})
MAX_STEPS = 20_000
_MAGIC = re.compile(r"[*?[]")


class Unmodelled(Exception):
    """The script does something this module does not evaluate; the message says what."""


class ScriptFailed(Exception):
    """The script raises (a file it writes into the archive does not exist)."""


class _Unlisted(Exception):
    """A folder a glob or a walk reads holds files the simulation cannot list."""


@dataclass
class _Zip:
    archive: Archive | None  # None: opened for reading
    path: str
    closed: bool = False


@dataclass
class _Frame:
    names: dict[str, Any] = field(default_factory=dict)
    parent: _Frame | None = None  # the module's names, for a function's frame
    declared_global: set[str] = field(default_factory=set)

    def lookup(self, name: str) -> Any:
        if name in self.names:
            return self.names[name]
        return self.parent.lookup(name) if self.parent is not None else _MISSING


_UNKNOWN = object()
_MISSING = object()


def run(inv: Invocation, script_arg: int = 1) -> bool | None:
    """``python SCRIPT.py …``: True/False as the script's status, None when the script is
    outside the modelled subset (the caller treats it as an unknown command)."""
    if len(inv.args) <= script_arg:
        return None
    script = inv.path(inv.args[script_arg])
    vfile = inv.ctx.vfs.files.get(script)
    if inv.args[script_arg].symbolic or vfile is None or vfile.source is None:
        return None
    text = inv.ctx.repo.read_text(vfile.source)
    if text is None:
        return None
    try:
        tree = ast.parse(text, filename=vfile.source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    evaluator = _Script(inv, script)
    ctx = inv.ctx
    saved_vfs, saved_archives = ctx.vfs.clone(), dict(ctx.archives)
    try:
        try:
            evaluator.block(tree.body, evaluator.globals)
            status = True
        except ScriptFailed:
            status = False
        except _Exit as done:
            status = done.status % 256 == 0
        evaluator.finish()
    except (Unmodelled, RecursionError, _Return, _Break, _Continue):
        # nothing of a script the tool cannot follow is kept: it is one unknown command
        ctx.vfs, ctx.archives = saved_vfs, saved_archives
        return None
    return status


class _Exit(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


def _exit_status(code: Any) -> int:
    """The process status of ``sys.exit(code)``: None 0, an int itself, anything else 1."""
    if code is _UNKNOWN:
        raise Unmodelled("an exit status not known statically")
    if code is None:
        return 0
    if isinstance(code, int):
        return int(code)
    return 1


class _Script:
    def __init__(self, inv: Invocation, script: str) -> None:
        self.inv = inv
        self.vfs = inv.ctx.vfs
        self.script = script
        self.cwd = inv.state.cwd
        self.modules: dict[str, str] = {}  # local name -> dotted module or object (``Path``)
        self.functions: dict[str, ast.FunctionDef] = {}
        self.steps = 0
        self.depth = 0
        self.globals = _Frame()
        self.opened: list[_Zip] = []

    def finish(self) -> None:
        for handle in self.opened:
            if handle.archive is not None and not handle.closed:
                raise Unmodelled(f"{handle.path} is never closed (CPython leaves it without its central directory)")

    # ------------------------------------------------------------------ statements

    def block(self, body: list[ast.stmt], frame: _Frame) -> None:
        for stmt in body:
            self.stmt(stmt, frame)

    def stmt(self, node: ast.stmt, frame: _Frame) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise Unmodelled("the script runs too many statements")
        if isinstance(node, ast.Import):
            for alias in node.names:
                self.modules[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else \
                    alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                self.modules[alias.asname or alias.name] = f"{node.module or ''}.{alias.name}"
        elif isinstance(node, ast.FunctionDef):
            self.functions[node.name] = node
        elif isinstance(node, ast.Expr):
            self.expr(node.value, frame, statement=True)
        elif isinstance(node, ast.Assign):
            value = self.expr(node.value, frame)
            for target in node.targets:
                self.assign(target, value, frame)
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self.assign(node.target, self.expr(node.value, frame), frame)
        elif isinstance(node, ast.AugAssign):
            current = self.expr(node.target, frame) if isinstance(node.target, ast.Name) else _UNKNOWN
            value = self.expr(node.value, frame)
            if isinstance(node.op, ast.Add) and isinstance(current, list) and isinstance(value, (list, tuple)):
                current.extend(value)  # ``+=`` changes the list in place
                added: Any = current
            elif isinstance(node.op, ast.Add) and (_same_kind(current, value) or
                                                   (type(current) is int and type(value) is int)):
                added = current + value
            else:
                added = _UNKNOWN
            self.assign(node.target, added, frame)
        elif isinstance(node, ast.With):
            self.with_(node, frame)
        elif isinstance(node, ast.For):
            self.for_(node, frame)
        elif isinstance(node, ast.If):
            self.if_(node, frame)
        elif isinstance(node, ast.Try):
            self.try_(node, frame)
        elif isinstance(node, ast.Return):
            raise _Return(self.expr(node.value, frame) if node.value is not None else None)
        elif isinstance(node, (ast.Pass, ast.ClassDef)):
            return
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            frame.declared_global.update(node.names)
        elif isinstance(node, ast.Assert):
            test = self.expr(node.test, frame)
            if test is _UNKNOWN:
                raise Unmodelled(f"an assertion not known statically (line {node.lineno})")
            if not _truth(test):
                raise ScriptFailed(f"AssertionError at line {node.lineno}")
        elif isinstance(node, ast.Continue):
            raise _Continue
        elif isinstance(node, ast.Break):
            raise _Break
        elif isinstance(node, ast.Raise):
            self.raise_(node, frame)
        elif isinstance(node, ast.Delete) and all(isinstance(t, ast.Name) for t in node.targets):
            for target in node.targets:
                assert isinstance(target, ast.Name)
                frame.names.pop(target.id, None)
        elif isinstance(node, (ast.While, ast.AsyncFunctionDef, ast.Delete, ast.Match, ast.AsyncWith, ast.AsyncFor)):
            if isinstance(node, ast.AsyncFunctionDef):
                return
            self.skip([node], frame, f"`{type(node).__name__.lower()}`")
        else:
            raise Unmodelled(f"a {type(node).__name__} statement")

    def skip(self, body: list[ast.stmt], frame: _Frame, what: str) -> None:
        """Code whose running is not known statically: only plain assignments can be passed
        over (the names they assign are unknown afterwards)."""
        line = body[0].lineno if body else 0
        if not all(_inert(stmt) for stmt in body):
            raise Unmodelled(f"{what} not known statically around code with effects (line {line})")
        for stmt in body:
            for sub in ast.walk(stmt):
                if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                    self.store(sub.id, _UNKNOWN, frame)

    def store(self, name: str, value: Any, frame: _Frame) -> None:
        if name in frame.declared_global and frame is not self.globals:
            self.globals.names[name] = value
        else:
            frame.names[name] = value

    def assign(self, target: ast.expr, value: Any, frame: _Frame) -> None:
        if isinstance(target, ast.Name):
            self.store(target.id, value, frame)
        elif isinstance(target, (ast.Tuple, ast.List)):
            if any(isinstance(e, ast.Starred) for e in target.elts):
                raise Unmodelled(f"a starred assignment (line {target.lineno})")
            if value is _UNKNOWN:
                items: list[Any] = [_UNKNOWN] * len(target.elts)
            elif isinstance(value, (list, tuple, str)):
                items = list(value)
                if len(items) != len(target.elts):
                    raise ScriptFailed(f"ValueError: unpacking at line {target.lineno}")
            else:
                raise Unmodelled(f"an unpacking not known statically (line {target.lineno})")
            for elt, item in zip(target.elts, items, strict=True):
                self.assign(elt, item, frame)
        elif isinstance(target, ast.Subscript):
            base = self.expr(target.value, frame)
            if base is _UNKNOWN:
                return  # an object the evaluation knows nothing of: nothing known changes
            if not isinstance(base, list):
                raise Unmodelled(f"an item assignment (line {target.lineno})")
            index = target.slice
            if isinstance(index, ast.Slice) and index.lower is None and index.upper is None and index.step is None:
                if not isinstance(value, (list, tuple)):
                    raise Unmodelled(f"a slice assignment of a value not known statically (line {target.lineno})")
                base[:] = list(value)
                return
            position = self.expr(index, frame)
            if type(position) is not int:
                raise Unmodelled(f"an item assignment (line {target.lineno})")
            try:
                base[position] = value
            except IndexError:
                raise ScriptFailed(f"IndexError at line {target.lineno}") from None
        elif isinstance(target, ast.Attribute):
            if self.expr(target.value, frame) is not _UNKNOWN:
                raise Unmodelled(f"an attribute assignment (line {target.lineno})")
        else:
            raise Unmodelled(f"an assignment to {type(target).__name__} (line {target.lineno})")

    def raise_(self, node: ast.Raise, frame: _Frame) -> None:
        exc = node.exc
        if isinstance(exc, ast.Name) and exc.id == "SystemExit":
            raise _Exit(0)
        if isinstance(exc, ast.Call) and isinstance(exc.func, ast.Name) and exc.func.id == "SystemExit" \
                and len(exc.args) <= 1 and not exc.keywords:
            raise _Exit(_exit_status(self.expr(exc.args[0], frame) if exc.args else None))
        raise ScriptFailed(f"raise at line {node.lineno}")

    def try_(self, node: ast.Try, frame: _Frame) -> None:
        try:
            self.block(node.body, frame)
        except ScriptFailed:
            if node.handlers:
                raise Unmodelled(f"an exception the script handles (line {node.lineno})") from None
            self.block(node.finalbody, frame)
            raise
        except _Exit:
            if any(_catches_exit(h) for h in node.handlers):
                raise Unmodelled(f"an exit the script handles (line {node.lineno})") from None
            self.block(node.finalbody, frame)
            raise
        except (_Return, _Break, _Continue):
            self.block(node.finalbody, frame)
            raise
        self.block(node.orelse, frame)  # the handlers run only when the body raises
        self.block(node.finalbody, frame)

    def with_(self, node: ast.With, frame: _Frame) -> None:
        opened: list[_Zip] = []
        try:
            for item in node.items:
                value = self.expr(item.context_expr, frame)
                if isinstance(value, _Zip):
                    opened.append(value)
                if item.optional_vars is not None:
                    self.assign(item.optional_vars, value, frame)
            self.block(node.body, frame)
        finally:
            for handle in opened:  # ``__exit__`` closes the archive, also when the body raises
                handle.closed = True

    def for_(self, node: ast.For, frame: _Frame) -> None:
        items = self.expr(node.iter, frame)
        if isinstance(items, str) and not isinstance(items, _P):
            items = list(items)
        if isinstance(items, _Lazy):
            sequence: Any = items.iterate()
        elif isinstance(items, (list, tuple)):
            sequence = items
        else:
            self.skip([node], frame, "a loop over a value")
            return
        for item in sequence:
            self.assign(node.target, item, frame)
            try:
                self.block(node.body, frame)
            except _Continue:
                continue
            except _Break:
                return
        self.block(node.orelse, frame)

    def if_(self, node: ast.If, frame: _Frame) -> None:
        if _is_main_guard(node.test):
            self.block(node.body, frame)
            return
        test = self.expr(node.test, frame)
        if test is _UNKNOWN:
            self.skip([*node.body, *node.orelse], frame, "a condition")
            return
        self.block(node.body if _truth(test) else node.orelse, frame)

    # ------------------------------------------------------------------ expressions

    def expr(self, node: ast.expr | None, frame: _Frame, statement: bool = False) -> Any:
        if node is None:
            return None
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            found = frame.lookup(node.id)
            if found is not _MISSING:
                return found
            if node.id == "__file__":
                return self.script
            if node.id == "__name__":
                return "__main__"
            return _UNKNOWN
        if isinstance(node, ast.JoinedStr):
            parts = []
            for value in node.values:
                if isinstance(value, ast.FormattedValue) and (value.format_spec is not None or
                                                              value.conversion not in (-1, ord("s"))):
                    return _UNKNOWN
                part = self.expr(value.value if isinstance(value, ast.FormattedValue) else value, frame)
                if not isinstance(part, (str, int)):
                    return _UNKNOWN
                parts.append(str(part))
            return "".join(parts)
        if isinstance(node, (ast.List, ast.Tuple)):
            if any(isinstance(e, ast.Starred) for e in node.elts):
                return _UNKNOWN
            return [self.expr(e, frame) for e in node.elts]
        if isinstance(node, ast.BinOp):
            left, right = self.expr(node.left, frame), self.expr(node.right, frame)
            if isinstance(node.op, ast.Div) and (isinstance(left, _P) or isinstance(right, _P)) \
                    and isinstance(left, str) and isinstance(right, str):
                return _P.of(PurePosixPath(left) / right)
            if isinstance(node.op, ast.Add) and _same_kind(left, right):
                return left + right
            if isinstance(node.op, ast.Add) and type(left) is int and type(right) is int:
                return left + right
            return _UNKNOWN
        if isinstance(node, ast.BoolOp):
            return self.bool_op(node, frame)
        if isinstance(node, ast.UnaryOp):
            value = self.expr(node.operand, frame)
            if value is _UNKNOWN:
                return _UNKNOWN
            if isinstance(node.op, ast.Not):
                return not _truth(value)
            if isinstance(node.op, ast.USub) and type(value) is int:
                return -value
            return _UNKNOWN
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            left, right = self.expr(node.left, frame), self.expr(node.comparators[0], frame)
            return _compare(node.ops[0], left, right)
        if isinstance(node, ast.IfExp):
            test = self.expr(node.test, frame)
            if test is _UNKNOWN:
                if not (_inert_expr(node.body) and _inert_expr(node.orelse)):
                    raise Unmodelled(f"a condition not known statically around code with effects (line {node.lineno})")
                return _UNKNOWN
            return self.expr(node.body if _truth(test) else node.orelse, frame)
        if isinstance(node, ast.Attribute):
            return self.attribute(node, frame)
        if isinstance(node, ast.Call):
            return self.call(node, frame, statement)
        if isinstance(node, ast.Subscript):
            return self.subscript(node, frame)
        if isinstance(node, (ast.ListComp, ast.GeneratorExp)):
            return self.comprehension(node, frame)
        if not _inert_expr(node):
            raise Unmodelled(f"a {type(node).__name__} expression with effects (line {node.lineno})")
        return _UNKNOWN

    def bool_op(self, node: ast.BoolOp, frame: _Frame) -> Any:
        """``a or b``/``a and b`` as Python computes them: the deciding operand's value."""
        value: Any = None
        for i, operand in enumerate(node.values):
            value = self.expr(operand, frame)
            if value is _UNKNOWN:
                if not all(_inert_expr(rest) for rest in node.values[i + 1:]):
                    raise Unmodelled(f"a condition not known statically around code with effects (line {node.lineno})")
                return _UNKNOWN
            if _truth(value) == isinstance(node.op, ast.Or):
                return value
        return value

    def subscript(self, node: ast.Subscript, frame: _Frame) -> Any:
        base = self.expr(node.value, frame)
        if not isinstance(base, (list, tuple, str)) or isinstance(base, _P):
            return _UNKNOWN
        if isinstance(node.slice, ast.Slice):
            bounds = [self.expr(b, frame) if b is not None else None
                      for b in (node.slice.lower, node.slice.upper, node.slice.step)]
            if not all(b is None or type(b) is int for b in bounds) or bounds[2] == 0:
                return _UNKNOWN
            return base[slice(*bounds)]
        index = self.expr(node.slice, frame)
        if type(index) is not int:
            return _UNKNOWN
        try:
            return base[index]
        except IndexError:
            raise ScriptFailed(f"IndexError at line {node.lineno}") from None

    def comprehension(self, node: ast.ListComp | ast.GeneratorExp, frame: _Frame) -> Any:
        if len(node.generators) != 1 or node.generators[0].is_async:
            if not _inert_expr(node):
                raise Unmodelled(f"a comprehension with effects (line {node.lineno})")
            return _UNKNOWN
        gen = node.generators[0]
        items = self.expr(gen.iter, frame)
        if isinstance(items, _Lazy):
            items = list(items.iterate())
        if not isinstance(items, (list, tuple)):
            if not _inert_expr(node.elt) or not all(_inert_expr(c) for c in gen.ifs):
                raise Unmodelled(f"a comprehension over a value not known statically (line {node.lineno})")
            return _UNKNOWN
        out = []
        for item in items:
            inner = _Frame(dict(frame.names), frame.parent, frame.declared_global)
            self.assign(gen.target, item, inner)
            kept = True
            for cond in gen.ifs:
                test = self.expr(cond, inner)
                if test is _UNKNOWN:
                    if not _inert_expr(node.elt):
                        raise Unmodelled(f"a comprehension with effects (line {node.lineno})")
                    return _UNKNOWN
                kept = kept and _truth(test)
                if not kept:
                    break
            if kept:
                out.append(self.expr(node.elt, inner))
        return out

    def attribute(self, node: ast.Attribute, frame: _Frame) -> Any:
        base = self.expr(node.value, frame)
        if isinstance(base, _P):
            pure = PurePosixPath(base)
            if node.attr == "parent":
                return _P.of(pure.parent)
            if node.attr in ("name", "stem", "suffix"):
                return getattr(pure, node.attr)
        dotted = self.dotted(node)
        if dotted in ("zipfile.ZIP_DEFLATED", "zipfile.ZIP_STORED", "zipfile.ZIP_LZMA", "zipfile.ZIP_BZIP2"):
            return 0
        if dotted in ("os.sep",):
            return "/"
        if dotted in ("os.curdir",):
            return "."
        return _UNKNOWN

    def dotted(self, node: ast.expr) -> str | None:
        """``os.path.join`` as written, its first name mapped through the imports."""
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        head = self.modules.get(node.id, node.id)
        return ".".join([head, *reversed(parts)])

    def path(self, value: Any) -> str:
        """An absolute virtual path for a string or ``Path`` the script uses."""
        if not isinstance(value, str):
            raise Unmodelled("a path not known statically")
        if value == "":
            raise ScriptFailed("FileNotFoundError: ''")  # an empty path names no file (os.stat(""))
        resolved = self.resolve(self.cwd, value)
        if resolved is None:
            raise ScriptFailed(f"FileNotFoundError: {value}")
        return resolved

    def resolve(self, base: str, rel: str) -> str | None:
        """``rel`` from ``base`` as the system resolves it: ``a/../b`` needs the folder ``a``
        (None when a ``..`` follows a folder that does not exist; ``os.path`` is lexical)."""
        joined = posixpath.join(base, rel)
        if ".." not in joined.split("/"):
            return posixpath.normpath(joined)
        current = "/"
        for part in joined.split("/"):
            if part in ("", "."):
                continue
            if part == "..":
                if not self.vfs.is_dir(current):
                    if self.vfs.unknown_below(current):
                        raise Unmodelled(f"{current} may exist (made by a command the tool does not model)")
                    return None
                current = posixpath.dirname(current)
            else:
                current = posixpath.join(current, part)
        return current

    def crossed(self, value: str) -> list[str]:
        """The folders a ``..`` of ``value`` follows that do not exist (``makedirs`` makes them)."""
        out: list[str] = []
        current = "/"
        for part in posixpath.join(self.cwd, value).split("/"):
            if part in ("", "."):
                continue
            if part == "..":
                if not self.vfs.is_dir(current) and not self.vfs.exists(current):
                    out.append(current)
                current = posixpath.dirname(current)
            else:
                current = posixpath.join(current, part)
        return out

    def lookup(self, value: str) -> str | None:
        """``path`` for a test (``os.path.exists``): None where the system finds nothing."""
        return None if value == "" else self.resolve(self.cwd, value)

    @staticmethod
    def join(base: str, rel: str) -> str:
        return posixpath.normpath(posixpath.join(base, rel))

    def call(self, node: ast.Call, frame: _Frame, statement: bool) -> Any:
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            raise Unmodelled(f"a call with *args or **kwargs (line {node.lineno})")
        args = [self.expr(a, frame) for a in node.args]
        kwargs = {k.arg: self.expr(k.value, frame) for k in node.keywords if k.arg}
        func = node.func
        if isinstance(func, ast.Name) and func.id in self.functions and frame.lookup(func.id) is _MISSING:
            return self.user_call(self.functions[func.id], args, kwargs)
        dotted = self.dotted(func)
        if isinstance(func, ast.Attribute):
            receiver = self.expr(func.value, frame)
            if isinstance(receiver, _Zip):
                return self.zip_method(receiver, func.attr, args, kwargs)
            if isinstance(receiver, _P):
                return self.path_method(receiver, func.attr, args, kwargs)
            if isinstance(receiver, _File):
                return _UNKNOWN  # read, write, close: the file's content is not modelled
            if (dotted and (dotted.split(".")[0] in self.modules.values() or _root_name(func) in self.modules)) \
                    or dotted in _PURE:
                return self.library(dotted or "", args, kwargs, node)
            if isinstance(receiver, list) and func.attr in _LIST_MUTATORS | _PURE_METHODS:
                return _list_method(receiver, func.attr, args)
            if func.attr in _PURE_METHODS:
                return _method_value(receiver, func.attr, args)
            if receiver is _UNKNOWN and func.attr in _LIST_MUTATORS:
                return _UNKNOWN  # a list the evaluation knows nothing of
            raise Unmodelled(f"`{ast.unparse(func)}()` at line {node.lineno}")
        if dotted is not None:
            return self.library(dotted, args, kwargs, node)
        raise Unmodelled(f"a call at line {node.lineno}")

    def user_call(self, fn: ast.FunctionDef, args: list[Any], kwargs: dict[str, Any]) -> Any:
        self.depth += 1
        if self.depth > 20:
            raise Unmodelled("recursion")
        frame = _Frame(parent=self.globals)
        spec = fn.args
        params = [*spec.posonlyargs, *spec.args]
        defaults = spec.defaults
        if len(args) > len(params) and spec.vararg is None:
            raise ScriptFailed(f"TypeError: {fn.name}() takes {len(params)} positional arguments")
        for i, param in enumerate(params):
            default_index = i - (len(params) - len(defaults))
            if i < len(args):
                frame.names[param.arg] = args[i]
            elif param.arg in kwargs:
                frame.names[param.arg] = kwargs.pop(param.arg)
            elif default_index >= 0:
                frame.names[param.arg] = self.expr(defaults[default_index], self.globals)
            else:
                raise ScriptFailed(f"TypeError: {fn.name}() missing argument {param.arg}")
        for param, default in zip(spec.kwonlyargs, spec.kw_defaults, strict=True):
            if param.arg in kwargs:
                frame.names[param.arg] = kwargs.pop(param.arg)
            elif default is not None:
                frame.names[param.arg] = self.expr(default, self.globals)
            else:
                raise ScriptFailed(f"TypeError: {fn.name}() missing argument {param.arg}")
        if spec.vararg is not None:
            frame.names[spec.vararg.arg] = list(args[len(params):])
        if spec.kwarg is not None:
            frame.names[spec.kwarg.arg] = _UNKNOWN
        elif kwargs:
            raise ScriptFailed(f"TypeError: {fn.name}() got an unexpected keyword argument")
        try:
            self.block(fn.body, frame)
        except _Return as ret:
            return ret.value
        finally:
            self.depth -= 1
        return None

    def library(self, name: str, args: list[Any], kwargs: dict[str, Any], node: ast.Call) -> Any:
        short = name.replace("pathlib.", "")
        if short in ("os.path.join",):
            if args and all(isinstance(a, str) for a in args):
                return posixpath.join(*[str(a) for a in args])
            return _UNKNOWN
        if short in ("os.path.dirname", "os.path.basename", "os.path.normpath", "os.path.abspath",
                     "os.path.realpath"):
            if not args or not isinstance(args[0], str):
                return _UNKNOWN
            value = str(args[0])
            if short.endswith(("abspath", "realpath")):
                return self.join(self.cwd, value)  # lexical, as posixpath.abspath
            return getattr(posixpath, short.rsplit(".", 1)[1])(value)
        if short == "os.path.relpath":
            if args and all(isinstance(a, str) for a in args):
                if args[0] == "":
                    raise ScriptFailed("ValueError: no path specified")
                # the start is made absolute first: "" is the working directory there
                start = self.join(self.cwd, args[1]) if len(args) > 1 else self.cwd
                return posixpath.relpath(self.join(self.cwd, args[0]), start)
            return _UNKNOWN
        if short in ("os.path.exists", "os.path.isfile", "os.path.isdir", "os.path.lexists"):
            if not args or not isinstance(args[0], str):
                return _UNKNOWN
            found = self.lookup(args[0])
            return False if found is None else self.test_path(found, short.rsplit(".", 1)[1])
        if short in ("os.getcwd",):
            return self.cwd
        if short == "Path.cwd":
            return _P.of(PurePosixPath(self.cwd))
        if short in ("os.listdir",):
            return self.listdir(args[0] if args else ".")
        if short in ("glob.glob", "glob.iglob"):
            if not args or not isinstance(args[0], str) or "dir_fd" in kwargs:
                return _UNKNOWN
            root = kwargs.get("root_dir")
            if root is not None and not isinstance(root, str):
                return _UNKNOWN
            return self.glob(str(args[0]), _truth(kwargs.get("recursive", False)),
                             _truth(kwargs.get("include_hidden", False)), root)
        if short == "os.walk":
            if not args or not isinstance(args[0], str) or kwargs.get("topdown", True) is not True \
                    or kwargs.get("followlinks"):
                return _UNKNOWN
            return _Lazy(lambda top=str(args[0]): self.walk(top))
        if short == "Path":
            if not args:
                return _P(".")
            if all(isinstance(a, str) for a in args):
                return _P.of(PurePosixPath(*[str(a) for a in args]))
            return _UNKNOWN
        if short in ("zipfile.ZipFile",):
            return self.open_zip(args, kwargs)
        if short in ("os.makedirs", "os.mkdir"):
            target = args[0] if args else kwargs.get("name", kwargs.get("path"))
            exist_ok = args[2] if len(args) > 2 else kwargs.get("exist_ok", False)
            if exist_ok is _UNKNOWN:
                raise Unmodelled(f"`{name}` with exist_ok not known statically")
            if short == "os.makedirs" and isinstance(target, str):
                for folder in self.crossed(target):  # makedirs("a/../b") makes a
                    self.mkdir(folder, parents=True, exist_ok=True, shown=target)
            self.mkdir(self.path(target), parents=short == "os.makedirs",
                       exist_ok=short == "os.makedirs" and _truth(exist_ok), shown=target)
            return None
        if short in ("os.remove", "os.unlink", "shutil.rmtree"):
            if not args or not isinstance(args[0], str):
                raise Unmodelled(f"`{name}` of a path not known statically")
            ignore = args[1] if len(args) > 1 else kwargs.get("ignore_errors", False)
            if short == "shutil.rmtree" and ("onerror" in kwargs or len(args) > 2 or ignore is _UNKNOWN):
                raise Unmodelled("`shutil.rmtree` with an error handler")
            if short == "shutil.rmtree" and _truth(ignore) and self.lookup(args[0]) is None:
                return None
            self.remove(self.path(args[0]), tree=short == "shutil.rmtree",
                        ignore_errors=short == "shutil.rmtree" and _truth(ignore), shown=args[0])
            return None
        if short in ("shutil.copy", "shutil.copy2", "shutil.copyfile"):
            return self.copy_file(args, into_dir=short != "shutil.copyfile")
        if short == "shutil.copytree":
            return self.copytree(args, kwargs)
        if short == "shutil.make_archive":
            return self.make_archive(args, kwargs)
        if short == "shutil.ignore_patterns":
            if not all(isinstance(a, str) for a in args):
                raise Unmodelled("ignore_patterns of patterns not known statically")
            return _Ignore([str(a) for a in args])
        if short in _EXITS:
            raise _Exit(_exit_status(args[0] if args else kwargs.get("status", kwargs.get("code"))))
        if short in ("str", "os.fspath") and len(args) == 1:
            if isinstance(args[0], str) or (short == "str" and type(args[0]) is int):
                return str(args[0])
            return _UNKNOWN
        if short in ("sorted", "list", "tuple") and len(args) == 1:
            items = list(args[0].iterate()) if isinstance(args[0], _Lazy) else args[0]
            if isinstance(items, (list, tuple)):
                if short == "sorted" and all(isinstance(a, str) for a in items) and not kwargs:
                    return sorted(items)
                return list(items)
            return _UNKNOWN
        if short == "open":
            return self.open_file(args, kwargs)
        if short == "os.chdir":
            target = self.path(args[0] if args else None)
            if not self.vfs.is_dir(target):
                if self.vfs.unknown_below(target):
                    raise Unmodelled(f"{args[0]} may exist (made by a command the tool does not model)")
                raise ScriptFailed(f"FileNotFoundError: {args[0]}")
            self.cwd = target
            return None
        if name in _PURE or short in _PURE:
            return _UNKNOWN
        raise Unmodelled(f"`{name}()` at line {node.lineno}")

    # ------------------------------------------------------------------ file system

    def test_path(self, path: str, check: str) -> Any:
        if self.vfs.exists(path):
            return {"exists": True, "lexists": True, "isfile": self.vfs.is_file(path),
                    "isdir": self.vfs.is_dir(path)}[check]
        return _UNKNOWN if self.vfs.unknown_below(path) else False

    def missing(self, path: str, shown: Any) -> Exception:
        """The error for a path that does not exist: the script fails, unless an unmodelled
        command may have made it."""
        if self.vfs.unknown_below(path):
            return Unmodelled(f"{shown} may exist (made by a command the tool does not model)")
        return ScriptFailed(f"FileNotFoundError: {shown}")

    def mkdir(self, path: str, parents: bool, exist_ok: bool, shown: Any) -> None:
        """``os.makedirs``/``os.mkdir``/``Path.mkdir``: an existing path fails unless
        ``exist_ok`` and it is a folder; a missing parent fails without ``parents``."""
        if self.vfs.exists(path):
            if exist_ok and self.vfs.is_dir(path):
                return
            raise ScriptFailed(f"FileExistsError: {shown}")
        if self.vfs.unknown_below(path):
            raise Unmodelled(f"{shown} may exist (made by a command the tool does not model)")
        parent = posixpath.dirname(path)
        if not self.vfs.is_dir(parent):
            if not parents or self.vfs.is_file(parent):
                raise self.missing(parent, shown) if not self.vfs.is_file(parent) else \
                    ScriptFailed(f"NotADirectoryError: {shown}")
            self.mkdir(parent, parents=True, exist_ok=True, shown=shown)
        if not self.vfs.mkdir(path, origin=self.inv.span):
            raise ScriptFailed(f"cannot create {shown}")

    def remove(self, path: str, tree: bool, ignore_errors: bool, shown: Any) -> None:
        """``os.remove`` (a file) or ``shutil.rmtree`` (a folder)."""
        if (self.vfs.is_dir(path) if tree else self.vfs.is_file(path)):
            self.vfs.remove(path)
            return
        if ignore_errors:
            if self.vfs.unknown_below(path):
                raise Unmodelled(f"{shown} may exist (made by a command the tool does not model)")
            return
        if self.vfs.exists(path):
            raise ScriptFailed(f"{'NotADirectoryError' if tree else 'IsADirectoryError'}: {shown}")
        raise self.missing(path, shown)

    def listdir(self, value: Any) -> Any:
        if not isinstance(value, str):
            return _UNKNOWN
        path = self.path(value)
        if self.vfs.unknown_below(path):
            return _UNKNOWN
        names = self.vfs.listdir(path)
        if names is None:
            raise ScriptFailed(f"{'NotADirectoryError' if self.vfs.is_file(path) else 'FileNotFoundError'}: {value}")
        return sorted(names)

    def names(self, path: str | None, dironly: bool) -> list[str]:
        """A folder's entries as ``os.scandir`` gives them (none for a file or a missing path)."""
        if path is None:
            return []
        if self.vfs.unknown_below(path):
            raise _Unlisted(path)
        names = self.vfs.listdir(path) or []
        return [n for n in names if not dironly or self.vfs.is_dir(posixpath.join(path, n))]

    def lexists(self, path: str | None) -> bool:
        if path is None:
            return False
        if self.vfs.exists(path):
            return True
        if self.vfs.unknown_below(path):
            raise _Unlisted(path)
        return False

    def isdir(self, path: str | None) -> bool:
        if path is None:
            return False
        if self.vfs.is_dir(path):
            return True
        if self.vfs.unknown_below(path):
            raise _Unlisted(path)
        return False

    # glob.glob, as Lib/glob.py does it over the virtual tree

    def glob(self, pattern: str, recursive: bool, hidden: bool = False, root_dir: str | None = None) -> Any:
        base = self.path(root_dir) if root_dir else self.cwd  # root_dir "" joins as nothing
        try:
            found = list(self._iglob(pattern, base, recursive, False, hidden))
        except _Unlisted:
            return _UNKNOWN
        if (not pattern or (recursive and pattern[:2] == "**")) and found and found[0] == "":
            found = found[1:]
        return found

    def _iglob(self, pattern: str, base: str, recursive: bool, dironly: bool, hidden: bool) -> Iterator[str]:
        dirname, basename = posixpath.split(pattern)
        if not _MAGIC.search(pattern):
            if basename:
                if self.lexists(self.resolve(base, pattern)):
                    yield pattern
            elif self.isdir(self.resolve(base, dirname)):
                yield pattern
            return
        if not dirname:
            if recursive and basename == "**":
                yield from self._glob2(base, "", dironly, hidden)
            else:
                yield from self._glob1(base, "", basename, dironly, hidden)
            return
        if dirname != pattern and _MAGIC.search(dirname):
            dirs: Any = self._iglob(dirname, base, recursive, True, hidden)
        else:
            dirs = [dirname]
        for folder in dirs:
            if not _MAGIC.search(basename):
                names = self._glob0(base, folder, basename)
            elif recursive and basename == "**":
                names = list(self._glob2(base, folder, dironly, hidden))
            else:
                names = self._glob1(base, folder, basename, dironly, hidden)
            for name in names:
                yield posixpath.join(folder, name)

    def _glob1(self, base: str, folder: str, pattern: str, dironly: bool, hidden: bool) -> list[str]:
        names = self.names(self.resolve(base, folder), dironly)
        if not (hidden or pattern.startswith(".")):
            names = [n for n in names if not n.startswith(".")]
        return [n for n in names if fnmatch.fnmatchcase(n, pattern)]

    def _glob0(self, base: str, folder: str, basename: str) -> list[str]:
        if basename:
            return [basename] if self.lexists(self.resolve(base, posixpath.join(folder, basename))) else []
        return [basename] if self.isdir(self.resolve(base, folder)) else []

    def _glob2(self, base: str, folder: str, dironly: bool, hidden: bool) -> Iterator[str]:
        yield ""
        yield from self._rlistdir(base, folder, dironly, hidden)

    def _rlistdir(self, base: str, folder: str, dironly: bool, hidden: bool) -> Iterator[str]:
        for name in self.names(self.resolve(base, folder), dironly):
            if hidden or not name.startswith("."):
                yield name
                inner = posixpath.join(folder, name) if folder else name
                for below in self._rlistdir(base, inner, dironly, hidden):
                    yield posixpath.join(name, below)

    # Path.glob / Path.rglob, as Lib/pathlib.py's selectors do it

    def path_glob(self, start: _P, pattern: Any, rglob: bool) -> Any:
        if not isinstance(pattern, str):
            return _UNKNOWN
        if not pattern and not rglob:
            raise ScriptFailed("ValueError: Unacceptable pattern")
        if pattern.startswith("/"):
            raise ScriptFailed("NotImplementedError: Non-relative patterns are unsupported")
        parts = list(PurePosixPath(pattern).parts) if pattern else []
        if pattern.endswith("/"):
            parts.append("")
        if rglob:
            parts = ["**", *parts]
        if any("**" in p and p != "**" for p in parts):
            raise ScriptFailed("ValueError: Invalid pattern: '**' can only be an entire path component")
        try:
            if not self.isdir(self.lookup(start)):
                return []
            out: list[_P] = []
            for found in self._select(PurePosixPath(start), parts):
                if found not in out:
                    out.append(found)
            return out
        except _Unlisted:
            return _UNKNOWN

    def _select(self, parent: PurePosixPath, parts: list[str]) -> Iterator[_P]:
        if not parts or not parts[0]:
            yield _P.of(parent)
            return
        pat, rest = parts[0], parts[1:]
        dironly = bool(rest)
        if pat == "**":
            for start in self._directories(parent):
                yield from self._select(start, rest)
        elif _MAGIC.search(pat):
            for name in self.names(self.lookup(str(parent)), dironly):
                if fnmatch.fnmatchcase(name, pat):
                    yield from self._select(parent / name, rest)
        else:
            child = parent / pat
            full = self.lookup(str(child))
            if self.isdir(full) if dironly else self.lexists(full):
                yield from self._select(child, rest)

    def _directories(self, parent: PurePosixPath) -> Iterator[PurePosixPath]:
        yield parent
        for name in self.names(self.lookup(str(parent)), True):
            yield from self._directories(parent / name)

    def walk(self, top: str) -> Iterator[list[Any]]:
        """``os.walk(top)``, top-down: each folder listed when reached, ``dirs`` as the loop
        left it deciding where to go next."""
        full = self.lookup(top)
        if full is None:
            return  # os.scandir fails, and os.walk passes over the error
        if self.vfs.unknown_below(full):
            raise Unmodelled(f"{top} holds files the tool cannot list")
        names = self.vfs.listdir(full)
        if names is None:
            return
        dirs = [n for n in names if self.vfs.is_dir(posixpath.join(full, n))]
        files = [n for n in names if not self.vfs.is_dir(posixpath.join(full, n))]
        yield [top, dirs, files]
        for name in dirs:  # the list the loop may have pruned
            yield from self.walk(posixpath.join(top, name))

    def open_file(self, args: list[Any], kwargs: dict[str, Any]) -> Any:
        target = args[0] if args else kwargs.get("file")
        mode = args[1] if len(args) > 1 else kwargs.get("mode", "r")
        if not isinstance(mode, str) or not isinstance(target, str):
            raise Unmodelled("open() of a path not known statically")
        path = self.path(target)
        if self.vfs.is_dir(path):
            raise ScriptFailed(f"IsADirectoryError: {target}")
        if "x" in mode and self.vfs.exists(path):
            raise ScriptFailed(f"FileExistsError: {target}")
        if any(c in mode for c in "wax"):
            if not self.vfs.put(path, VFile(FileKind.GENERATED, origin=self.inv.span)):
                raise self.missing(posixpath.dirname(path), target)
        elif not self.vfs.is_file(path):
            raise self.missing(path, target)
        return _File(path)

    def open_zip(self, args: list[Any], kwargs: dict[str, Any]) -> _Zip:
        target = args[0] if args else kwargs.get("file")
        mode = args[1] if len(args) > 1 else kwargs.get("mode", "r")
        if not isinstance(mode, str):
            raise Unmodelled("a zip mode not known statically")
        path = self.path(target)
        if mode not in ("r", "w", "x", "a"):
            raise ScriptFailed(f"ValueError: ZipFile requires mode 'r', 'w', 'x', or 'a', not {mode!r}")
        if self.vfs.is_dir(path):
            raise ScriptFailed(f"IsADirectoryError: {target}")
        existing = self.inv.ctx.archive_at(path)
        if mode == "r":
            if not self.vfs.is_file(path):
                raise self.missing(path, target)
            return _Zip(None, path)
        if mode == "x" and self.vfs.exists(path):
            raise ScriptFailed(f"FileExistsError: {target}")
        if mode == "a" and self.vfs.exists(path):
            if existing is None:
                raise Unmodelled(f"{target}: appending to an archive the script did not write")
            handle = _Zip(existing, path)
            self.opened.append(handle)
            return handle
        if mode in ("x", "a") and self.vfs.unknown_below(path) and not self.vfs.exists(path):
            raise Unmodelled(f"{target} may exist (made by a command the tool does not model)")
        if not self.vfs.is_dir(posixpath.dirname(path)):
            raise self.missing(posixpath.dirname(path), target)
        if existing is not None or self.vfs.exists(path):
            self.vfs.remove(path)
        archive = new_archive(self.inv, path)
        archive.root_dir = archive.root_dir or self.cwd
        archive.order = self.inv.ctx.commands
        handle = _Zip(archive, path)
        self.opened.append(handle)
        return handle

    def zip_method(self, handle: _Zip, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if method in ("write", "writestr"):
            if handle.closed:
                raise ScriptFailed("ValueError: Attempt to write to ZIP archive that was already closed")
            if handle.archive is None:
                raise ScriptFailed("ValueError: write() requires mode 'w', 'x', or 'a'")
        if method == "write":
            source = args[0] if args else kwargs.get("filename")
            arcname = args[1] if len(args) > 1 else kwargs.get("arcname")
            if not isinstance(source, str) or not (arcname is None or isinstance(arcname, str)):
                raise Unmodelled("a zip member not known statically")
            path = self.path(source)
            assert handle.archive is not None
            if self.vfs.is_dir(path):
                _arcname(str(arcname) if arcname is not None else str(source))
                return None  # the folder's own entry: its files are written one by one
            vfile = self.vfs.files.get(path)
            if vfile is None:
                raise self.missing(path, source)
            stored = _arcname(str(arcname) if arcname is not None else str(source))
            handle.archive.entries[stored] = PackageFile(stored, vfile.kind, vfile.source, vfile.origin or self.inv.span)
            for record in vfile.history:
                handle.archive.add_copy(record)
            return None
        if method == "writestr":
            name = args[0] if args else kwargs.get("zinfo_or_arcname")
            if not isinstance(name, str) or isinstance(name, _P):
                raise Unmodelled("a zip member not known statically")
            assert handle.archive is not None
            if name.endswith("/"):
                return None  # a folder entry
            if name != posixpath.normpath(name) or name.startswith("/") or name.startswith("../"):
                raise Unmodelled(f"writestr of {name!r}, not a plain relative member name")
            handle.archive.entries[name] = PackageFile(name, FileKind.GENERATED, None, self.inv.span)
            return None
        if method == "close":
            handle.closed = True
            return None
        if method in _PURE_METHODS or method in ("__enter__", "__exit__"):
            return _UNKNOWN
        raise Unmodelled(f"ZipFile.{method}")

    def path_method(self, path: _P, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        pure = PurePosixPath(path)
        if method == "resolve":
            return _P(self.join(self.cwd, path))  # no symbolic links: lexical
        if method == "absolute":
            return _P.of(PurePosixPath(self.cwd) / pure)
        if method in ("exists", "is_dir", "is_file"):
            found = self.lookup(path)
            if found is None:
                return False
            return self.test_path(found, {"exists": "exists", "is_dir": "isdir", "is_file": "isfile"}[method])
        if method == "mkdir":
            parents = args[1] if len(args) > 1 else kwargs.get("parents", False)
            exist_ok = args[2] if len(args) > 2 else kwargs.get("exist_ok", False)
            if parents is _UNKNOWN or exist_ok is _UNKNOWN:
                raise Unmodelled("Path.mkdir with arguments not known statically")
            if _truth(parents):
                for folder in self.crossed(path):  # Path("a/../b").mkdir(parents=True) makes a
                    self.mkdir(folder, parents=True, exist_ok=True, shown=path)
            self.mkdir(self.path(path), parents=_truth(parents), exist_ok=_truth(exist_ok), shown=path)
            return None
        if method == "unlink":
            missing_ok = args[0] if args else kwargs.get("missing_ok", False)
            if missing_ok is _UNKNOWN:
                raise Unmodelled("Path.unlink with arguments not known statically")
            full = self.path(path)
            if not self.vfs.is_file(full) and _truth(missing_ok) and not self.vfs.exists(full):
                if self.vfs.unknown_below(full):
                    raise Unmodelled(f"{path} may exist (made by a command the tool does not model)")
                return None
            self.remove(full, tree=False, ignore_errors=False, shown=path)
            return None
        if method in ("glob", "rglob"):
            return self.path_glob(path, args[0] if args else kwargs.get("pattern"), method == "rglob")
        if method == "iterdir":
            names = self.listdir(str(path))
            return [_P.of(pure / n) for n in names] if isinstance(names, list) else _UNKNOWN
        if method == "relative_to":
            if not args or not all(isinstance(a, str) for a in args):
                return _UNKNOWN
            try:
                return _P.of(pure.relative_to(*[str(a) for a in args]))
            except ValueError:
                raise ScriptFailed(f"ValueError: {path} is not relative to {args[0]}") from None
        if method == "joinpath":
            if not all(isinstance(a, str) for a in args):
                return _UNKNOWN
            return _P.of(pure.joinpath(*[str(a) for a in args]))
        if method in ("with_suffix", "with_name") and len(args) == 1 and isinstance(args[0], str):
            try:
                return _P.of(getattr(pure, method)(str(args[0])))
            except ValueError:
                raise ScriptFailed(f"ValueError: {method}({args[0]!r})") from None
        if method == "is_absolute":
            return pure.is_absolute()
        if method in ("as_posix", "__str__", "__fspath__"):
            return str(path)
        if method in _PURE_METHODS:
            return _UNKNOWN
        raise Unmodelled(f"Path.{method}")

    def copy_file(self, args: list[Any], into_dir: bool) -> Any:
        if len(args) < 2 or not all(isinstance(a, str) for a in args[:2]):
            raise Unmodelled("a copy of paths not known statically")
        src, dst = self.path(args[0]), self.path(args[1])
        vfile = self.vfs.files.get(src)
        if vfile is None:
            if self.vfs.is_dir(src):
                raise ScriptFailed(f"IsADirectoryError: {args[0]}")
            raise self.missing(src, args[0])
        shown = str(args[1])
        if self.vfs.is_dir(dst):
            if not into_dir:
                raise ScriptFailed(f"IsADirectoryError: {args[1]}")
            dst = posixpath.join(dst, posixpath.basename(src))
            shown = posixpath.join(shown, posixpath.basename(str(args[0])))
        if dst == src:
            raise ScriptFailed(f"SameFileError: {args[0]}")
        if self.vfs.is_dir(dst):
            raise ScriptFailed(f"IsADirectoryError: {shown}")
        if not self.vfs.put(dst, self.copied(vfile, dst)):
            raise self.missing(posixpath.dirname(dst), args[1])
        return shown

    def copied(self, vfile: VFile, dst: str) -> VFile:
        """A file's copy; a copy of an archive is another path of it, as after ``cp``."""
        if vfile.archive is not None and vfile.archive in self.inv.ctx.archives:
            self.inv.ctx.archives[vfile.archive].aliases.add(dst)
        return VFile(vfile.kind, vfile.source, self.inv.span, None, vfile.history, vfile.archive)

    def copytree(self, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if len(args) < 2 or not all(isinstance(a, str) for a in args[:2]):
            raise Unmodelled("a copy of paths not known statically")
        if len(args) > 2 or any(k not in ("ignore", "dirs_exist_ok") for k in kwargs):
            raise Unmodelled("shutil.copytree with options not modelled")
        src, dst = self.path(args[0]), self.path(args[1])
        ignore = kwargs.get("ignore")
        if ignore is not None and not isinstance(ignore, _Ignore):
            raise Unmodelled("copytree with an ignore function")
        exist_ok = kwargs.get("dirs_exist_ok", False)
        if exist_ok is _UNKNOWN:
            raise Unmodelled("copytree with dirs_exist_ok not known statically")
        patterns = ignore.patterns if isinstance(ignore, _Ignore) else []
        if not self.vfs.is_dir(src):
            if self.vfs.is_file(src):
                raise ScriptFailed(f"NotADirectoryError: {args[0]}")
            raise self.missing(src, args[0])
        if self.vfs.unknown_below(src) or any(self.vfs.dirs[d].unknown for d in self.vfs.walk_dirs(src)):
            raise Unmodelled(f"{args[0]} holds files the tool cannot list")
        if dst == src:
            raise ScriptFailed(f"FileExistsError or SameFileError: {args[1]}")
        if is_under(dst, src):
            top = relative(dst, src).split("/")[0]
            if self.vfs.exists(posixpath.join(src, top)) and not _ignored(top, patterns):
                raise Unmodelled("copytree into the folder it copies (the result depends on the listing order)")
        errors: list[str] = []
        self._copytree(src, dst, patterns, _truth(exist_ok), errors, top=True)
        if errors:
            raise ScriptFailed(f"shutil.Error: {errors[0]}")
        return str(args[1])

    def _copytree(self, src: str, dst: str, patterns: list[str], exist_ok: bool, errors: list[str],
                  top: bool = False) -> None:
        names = self.vfs.listdir(src) or []
        kept = [n for n in names if not _ignored(n, patterns)]
        self.mkdir(dst, parents=True, exist_ok=exist_ok, shown=dst)
        info = self.vfs.dirs[src]
        if info.pip or info.installed:
            target = self.vfs.dirs[dst]
            target.pip = list({id(p): p for p in target.pip + info.pip}.values())
            target.installed = target.installed or info.installed
        for name in kept:
            s, d = posixpath.join(src, name), posixpath.join(dst, name)
            if self.vfs.is_dir(s):
                try:
                    self._copytree(s, d, patterns, exist_ok, errors)
                except ScriptFailed as failed:
                    errors.append(str(failed))
                continue
            vfile = self.vfs.files.get(s)
            if vfile is None:
                continue
            if self.vfs.is_dir(d) or not self.vfs.put(d, self.copied(vfile, d)):
                errors.append(f"cannot copy {s} to {d}")

    def make_archive(self, args: list[Any], kwargs: dict[str, Any]) -> Any:
        base = args[0] if args else kwargs.get("base_name")
        fmt = args[1] if len(args) > 1 else kwargs.get("format")
        root = args[2] if len(args) > 2 else kwargs.get("root_dir")
        base_dir = args[3] if len(args) > 3 else kwargs.get("base_dir")
        if fmt != "zip" or not isinstance(base, str) or (root is not None and not isinstance(root, str)) \
                or (base_dir is not None and not isinstance(base_dir, str)) or len(args) > 4 \
                or any(k not in ("base_name", "format", "root_dir", "base_dir") for k in kwargs):
            raise Unmodelled("shutil.make_archive with a form not modelled")
        if root is not None:
            root_path = self.path(root)
            if not self.vfs.is_dir(root_path):
                raise ScriptFailed(f"NotADirectoryError: {root}") if self.vfs.is_file(root_path) else \
                    self.missing(root_path, root)
        elif isinstance(base, _P):
            raise ScriptFailed("TypeError: unsupported operand type(s) for +: 'PosixPath' and 'str'")
        written = str(base) + ".zip"
        path = self.path(written)
        archive_dir = posixpath.dirname(str(base))
        if archive_dir and not self.vfs.exists(self.path(archive_dir)):
            self.mkdir(self.path(archive_dir), parents=True, exist_ok=False, shown=archive_dir)
        if self.vfs.is_dir(path):
            raise ScriptFailed(f"IsADirectoryError: {written}")
        if not self.vfs.is_dir(posixpath.dirname(path)):
            raise self.missing(posixpath.dirname(path), written)
        # the archive exists (empty) before the walk: inside the zipped folder it holds itself
        self.vfs.put(path, VFile(FileKind.GENERATED, origin=self.inv.span))
        base_dir = str(base_dir) if base_dir is not None else "."
        folder = self.join(self.path(root) if root is not None else self.cwd, base_dir)
        top_arc = posixpath.normpath(posixpath.relpath(folder, self.path(root))) if root is not None \
            else posixpath.normpath(base_dir)
        files: dict[str, VFile] = {}
        missing = not self.vfs.is_dir(folder)
        if self.vfs.unknown_below(folder) or (not missing and any(
                self.vfs.dirs[d].unknown for d in self.vfs.walk_dirs(folder))):
            raise Unmodelled(f"{base_dir} holds files the tool cannot list")
        if not missing:
            for f in self.vfs.walk_files(folder):
                files[_arcname(posixpath.join(top_arc, relative(f, folder)))] = self.vfs.files[f]
        write_archive(self.inv, path, files, [(folder, "" if top_arc == "." else top_arc)])
        for handle in self.opened:
            if handle.path == path:
                handle.closed = True
        if missing and top_arc != ".":
            raise self.missing(folder, base_dir)  # ``zf.write(base_dir)`` of a folder that is not there
        return self.path(written) if root is not None else written


class _P(str):
    """A ``pathlib.Path``, spelled as pathlib spells it (relative paths stay relative)."""

    @staticmethod
    def of(pure: PurePosixPath) -> _P:
        return _P(str(pure))


class _Lazy:
    """An iterator the script loops over (``os.walk``): produced as the loop runs."""

    def __init__(self, make: Any) -> None:
        self.make = make

    def iterate(self) -> Iterator[Any]:
        try:
            yield from self.make()
        except _Unlisted as unlisted:
            raise Unmodelled(f"{unlisted} holds files the tool cannot list") from None


@dataclass
class _Ignore:
    patterns: list[str]


class _Return(Exception):
    def __init__(self, value: Any) -> None:
        self.value = value


class _Continue(Exception):
    pass


class _Break(Exception):
    pass


@dataclass
class _File:
    """A file the script opened (``open(path, "w")`` made it exist)."""

    path: str


def _truth(value: Any) -> bool:
    if isinstance(value, (_Zip, _File, _Lazy, _Ignore)):
        return True
    return bool(value)


def _ignored(name: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, p) for p in patterns)


def _same_kind(a: Any, b: Any) -> bool:
    return (isinstance(a, str) and isinstance(b, str) and not isinstance(a, _P) and not isinstance(b, _P)) or \
        (isinstance(a, list) and isinstance(b, list))


def _known(value: Any) -> bool:
    """A value whose comparisons the evaluation can compute."""
    if isinstance(value, (list, tuple)):
        return all(_known(v) for v in value)
    return value is None or isinstance(value, (str, int, float))


def _compare(op: ast.cmpop, left: Any, right: Any) -> Any:
    if not _known(left) or not _known(right):
        return _UNKNOWN
    if isinstance(left, _P) or isinstance(right, _P):
        if isinstance(op, (ast.Eq, ast.NotEq)) and isinstance(left, _P) and isinstance(right, _P):
            return (PurePosixPath(left) == PurePosixPath(right)) == isinstance(op, ast.Eq)
        if isinstance(op, (ast.Eq, ast.NotEq)):
            return not isinstance(op, ast.Eq)  # a Path never equals a string
        return _UNKNOWN
    try:
        if isinstance(op, (ast.In, ast.NotIn)):
            if not isinstance(right, (list, tuple, str)):
                return _UNKNOWN
            return (left in right) == isinstance(op, ast.In)
        if isinstance(op, (ast.Is, ast.IsNot)):
            if left is not None and right is not None:
                return _UNKNOWN
            return (left is right) == isinstance(op, ast.Is)
        if isinstance(op, ast.Eq):
            return left == right
        if isinstance(op, ast.NotEq):
            return left != right
        if isinstance(op, ast.Lt):
            return left < right
        if isinstance(op, ast.LtE):
            return left <= right
        if isinstance(op, ast.Gt):
            return left > right
        if isinstance(op, ast.GtE):
            return left >= right
    except TypeError:
        raise ScriptFailed("TypeError in a comparison") from None
    return _UNKNOWN


def _list_method(receiver: list[Any], method: str, args: list[Any]) -> Any:
    """``list`` methods on a list the evaluation knows (it changes as the script's does)."""
    if method == "append" and len(args) == 1:
        receiver.append(args[0])
        return None
    if method == "extend" and len(args) == 1:
        if not isinstance(args[0], (list, tuple)):
            raise Unmodelled("extend with a value not known statically")
        receiver.extend(args[0])
        return None
    if method == "insert" and len(args) == 2 and type(args[0]) is int:
        receiver.insert(args[0], args[1])
        return None
    if method in ("remove", "index", "count") and len(args) == 1:
        if not _known(args[0]) or not _known(receiver):
            raise Unmodelled(f"list.{method} of a value not known statically")
        if method == "count":
            return receiver.count(args[0])
        if args[0] not in receiver:
            raise ScriptFailed(f"ValueError: list.{method}(x): x not in list")
        if method == "index":
            return receiver.index(args[0])
        receiver.remove(args[0])
        return None
    if method == "pop" and len(args) <= 1 and all(type(a) is int for a in args):
        try:
            return receiver.pop(*args)
        except IndexError:
            raise ScriptFailed("IndexError: pop from empty list") from None
    if method in ("clear", "reverse") and not args:
        getattr(receiver, method)()
        return None
    if method == "sort" and not args:
        if not all(isinstance(v, str) for v in receiver):
            raise Unmodelled("a sort of values not known statically")
        receiver.sort()
        return None
    if method == "copy" and not args:
        return list(receiver)
    raise Unmodelled(f"list.{method}")


def _method_value(receiver: Any, method: str, args: list[Any]) -> Any:
    if isinstance(receiver, str) and not isinstance(receiver, _P) and method in _STR_METHODS:
        values = [tuple(a) if isinstance(a, list) and method in ("startswith", "endswith") else a for a in args]
        if method == "join":
            if len(values) == 1 and isinstance(values[0], (list, tuple)) and \
                    all(isinstance(v, str) for v in values[0]):
                return receiver.join(values[0])
            return _UNKNOWN
        if not all(isinstance(v, (str, int, tuple)) or v is None for v in values):
            return _UNKNOWN
        try:
            return getattr(receiver, method)(*values)
        except (TypeError, ValueError):
            return _UNKNOWN
    return _UNKNOWN


def _arcname(name: str) -> str:
    """``ZipInfo.from_file``'s stored name: normalised, leading slashes removed (a name that
    is only slashes raises ``IndexError`` there)."""
    stored = posixpath.normpath(name)
    while stored.startswith("/"):
        stored = stored[1:]
    if not stored:
        raise ScriptFailed(f"IndexError: arcname {name!r}")
    return stored


def _root_name(node: ast.expr) -> str:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else ""


def _is_main_guard(test: ast.expr) -> bool:
    return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__"
            and len(test.comparators) == 1 and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value == "__main__")


def _catches_exit(handler: ast.ExceptHandler) -> bool:
    names = []
    for sub in ast.walk(handler.type) if handler.type is not None else []:
        if isinstance(sub, ast.Name):
            names.append(sub.id)
    return handler.type is None or any(n in ("SystemExit", "BaseException") for n in names)


#: calls that can be passed over in code whose running is not known: they only compute
_INERT_CALLS = frozenset({
    "print", "len", "str", "int", "sorted", "list", "tuple", "set", "dict", "enumerate", "range", "min", "max",
    "isinstance", "repr", "format", "any", "all", "sum", "bool", "float", "hasattr", "getattr",
})
_INERT_METHODS = frozenset({
    "startswith", "endswith", "split", "rsplit", "strip", "rstrip", "lstrip", "replace", "lower", "upper",
    "join", "format", "get", "keys", "values", "items", "exists", "is_file", "is_dir", "isfile", "isdir",
    "dirname", "basename", "relpath", "abspath", "normpath", "realpath", "getsize", "info", "warning",
    "error", "debug", "partition", "rpartition", "removeprefix", "removesuffix", "count", "find", "getenv",
    "namelist", "splitext", "isdigit", "isalpha",
})


def _inert_expr(node: ast.AST) -> bool:
    """Whether evaluating ``node`` can only compute a value (no file, list, exit or loop effect)."""
    for sub in ast.walk(node):
        if isinstance(sub, (ast.NamedExpr, ast.Yield, ast.YieldFrom, ast.Await)):
            return False
        if isinstance(sub, ast.Call):
            func = sub.func
            if isinstance(func, ast.Name):
                if func.id not in _INERT_CALLS:
                    return False
            elif isinstance(func, ast.Attribute):
                if func.attr not in _INERT_METHODS:
                    return False
            else:
                return False
    return True


def _inert(node: ast.stmt) -> bool:
    """Whether running ``node`` can only assign names (the statement can be passed over)."""
    for sub in ast.walk(node):
        if isinstance(sub, (ast.Raise, ast.Return, ast.Break, ast.Continue, ast.Global, ast.Nonlocal,
                            ast.Delete, ast.Assert, ast.Import, ast.ImportFrom, ast.FunctionDef,
                            ast.AsyncFunctionDef, ast.ClassDef, ast.Try, ast.With, ast.AsyncWith)):
            return False
        if isinstance(sub, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = sub.targets if isinstance(sub, ast.Assign) else [sub.target]
            for target in targets:
                if any(isinstance(t, (ast.Subscript, ast.Attribute, ast.Starred)) for t in ast.walk(target)):
                    return False
        if isinstance(sub, ast.expr) and not isinstance(sub, ast.Name) and not _inert_expr(sub):
            return False
    return True
