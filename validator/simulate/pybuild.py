"""``python build.py``: the common shapes of Lambda build scripts written in Python,
read with ``ast`` and run against the virtual tree.

Scripts that zip a function by hand are short and static: ``zipfile.ZipFile(out, "w")``
with ``write(path, arcname)`` calls, loops over literal lists, ``os.walk``/``glob`` over a
source folder, ``os.path.exists`` guards, ``shutil.copytree``/``copy``/``make_archive``,
``os.makedirs``, module-level code or a ``main()`` called under ``if __name__ ==
"__main__":``.  No library interprets Python statically, so this module evaluates that
subset itself: strings, paths (``os.path``, ``pathlib.Path``), lists and the zip handles
the script opens.  Anything outside it that could write files (a ``subprocess`` call, an
unknown function, a condition or loop over a value not known statically whose body writes)
stops the evaluation: the command is then an unknown command, as before, never a guess.

``ZipFile.write`` follows CPython's ``ZipInfo.from_file``: ``arcname`` defaults to the
path as given, normalised, with leading slashes removed; a missing file raises
``FileNotFoundError``, which ends the script with status 1.
"""

from __future__ import annotations

import ast
import fnmatch
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from validator.model import FileKind, PackageFile
from validator.model.paths import is_under, relative
from validator.simulate.commands.zip import archive_folder, new_archive
from validator.simulate.context import Archive, Invocation
from validator.simulate.vfs import VFile

#: calls with no effect on files (their value, where it matters, is computed below)
_PURE = frozenset({
    "print", "len", "str", "int", "sorted", "list", "tuple", "set", "dict", "enumerate", "range", "min", "max",
    "isinstance", "repr", "format", "any", "all", "sum", "bool", "float", "hasattr", "getattr",
    "os.path.getsize", "os.path.getmtime", "os.getenv", "os.environ.get", "time.time", "datetime.now",
    "datetime.datetime.now", "sys.exit", "exit", "logging.info", "logging.warning", "logging.error",
    "logging.debug", "logging.basicConfig", "json.loads", "json.dumps", "json.dump", "hashlib.sha256",
    "zipfile.is_zipfile",
})
#: methods with no effect on files, whatever object they are called on
_PURE_METHODS = frozenset({
    "namelist", "infolist", "getinfo", "append", "extend", "startswith", "endswith", "split", "strip",
    "rstrip", "lstrip", "replace", "lower", "upper", "join", "format", "items", "keys", "values", "get",
    "exists", "is_file", "is_dir", "read", "hexdigest", "update", "info", "warning", "error", "debug",
    "testzip", "printdir", "encode", "decode", "add", "sort", "close",
})
MAX_STEPS = 20_000


class Unmodelled(Exception):
    """The script does something this module does not evaluate; the message says what."""


class ScriptFailed(Exception):
    """The script raises (a file it writes into the archive does not exist)."""


@dataclass
class _Zip:
    archive: Archive | None  # None: opened for reading
    path: str


@dataclass
class _Frame:
    names: dict[str, Any] = field(default_factory=dict)
    parent: _Frame | None = None  # the module's names, for a function's frame

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
        evaluator.block(tree.body, evaluator.globals)
    except ScriptFailed:
        return False
    except (Unmodelled, RecursionError):
        # nothing of a script the tool cannot follow is kept: it is one unknown command
        ctx.vfs, ctx.archives = saved_vfs, saved_archives
        return None
    except _Exit as done:
        return done.status == 0
    return True


class _Exit(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


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
        elif isinstance(node, (ast.Expr,)):
            self.expr(node.value, frame, statement=True)
        elif isinstance(node, ast.Assign):
            value = self.expr(node.value, frame)
            for target in node.targets:
                self.assign(target, value, frame)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            self.assign(node.target, self.expr(node.value, frame), frame)
        elif isinstance(node, ast.AugAssign):
            current = self.expr(node.target, frame) if isinstance(node.target, ast.Name) else _UNKNOWN
            value = self.expr(node.value, frame)
            added = current + value if isinstance(node.op, ast.Add) and _same_kind(current, value) else _UNKNOWN
            self.assign(node.target, added, frame)
        elif isinstance(node, ast.With):
            self.with_(node, frame)
        elif isinstance(node, ast.For):
            self.for_(node, frame)
        elif isinstance(node, ast.If):
            self.if_(node, frame)
        elif isinstance(node, ast.Try):
            try:
                self.block(node.body, frame)
            except ScriptFailed:
                if node.handlers:
                    raise Unmodelled(f"an exception the script handles (line {node.lineno})") from None
                raise
            self.block(node.orelse, frame)  # the handlers run only when the body raises
            self.block(node.finalbody, frame)
        elif isinstance(node, ast.Return):
            raise _Return(self.expr(node.value, frame) if node.value is not None else None)
        elif isinstance(node, (ast.Pass, ast.Assert, ast.Global, ast.Nonlocal, ast.ClassDef)):
            return
        elif isinstance(node, ast.Continue):
            raise _Continue
        elif isinstance(node, ast.Break):
            raise _Break
        elif isinstance(node, ast.Raise):
            raise ScriptFailed(f"raise at line {node.lineno}")
        elif isinstance(node, (ast.While, ast.AsyncFunctionDef, ast.Delete, ast.Match, ast.AsyncWith, ast.AsyncFor)):
            if _writes(node):
                raise Unmodelled(f"`{type(node).__name__.lower()}` around file writes")
        else:
            raise Unmodelled(f"a {type(node).__name__} statement")

    def assign(self, target: ast.expr, value: Any, frame: _Frame) -> None:
        if isinstance(target, ast.Name):
            frame.names[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            items = value if isinstance(value, (list, tuple)) and len(value) == len(target.elts) else None
            for i, elt in enumerate(target.elts):
                self.assign(elt, items[i] if items is not None else _UNKNOWN, frame)

    def with_(self, node: ast.With, frame: _Frame) -> None:
        opened: list[_Zip] = []
        for item in node.items:
            value = self.expr(item.context_expr, frame)
            if isinstance(value, _Zip):
                opened.append(value)
            if item.optional_vars is not None:
                self.assign(item.optional_vars, value, frame)
        self.block(node.body, frame)

    def for_(self, node: ast.For, frame: _Frame) -> None:
        items = self.expr(node.iter, frame)
        if not isinstance(items, (list, tuple)):
            if _writes(node):
                raise Unmodelled(f"a loop over a value not known statically (line {node.lineno})")
            return
        for item in items:
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
        if test is _UNKNOWN or isinstance(test, _Zip):
            if _writes(node):
                raise Unmodelled(f"a condition not known statically around file writes (line {node.lineno})")
            return
        self.block(node.body if test else node.orelse, frame)

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
                part = self.expr(value.value if isinstance(value, ast.FormattedValue) else value, frame)
                if not isinstance(part, (str, int)):
                    return _UNKNOWN
                parts.append(str(part))
            return "".join(parts)
        if isinstance(node, (ast.List, ast.Tuple)):
            return [self.expr(e, frame) for e in node.elts]
        if isinstance(node, ast.BinOp):
            left, right = self.expr(node.left, frame), self.expr(node.right, frame)
            if isinstance(node.op, ast.Div) and isinstance(left, _P) and isinstance(right, (str, _P)):
                return _P(self.join(left, str(right)))
            if isinstance(node.op, ast.Add) and _same_kind(left, right):
                return left + right
            return _UNKNOWN
        if isinstance(node, ast.BoolOp):
            values = [self.expr(v, frame) for v in node.values]
            if any(v is _UNKNOWN for v in values):
                return _UNKNOWN
            return all(values) if isinstance(node.op, ast.And) else any(values)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            value = self.expr(node.operand, frame)
            return _UNKNOWN if value is _UNKNOWN else not value
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            left, right = self.expr(node.left, frame), self.expr(node.comparators[0], frame)
            if left is _UNKNOWN or right is _UNKNOWN:
                return _UNKNOWN
            op = node.ops[0]
            if isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, (list, tuple, str)):
                return (left in right) == isinstance(op, ast.In)
            if isinstance(op, (ast.Eq, ast.NotEq)):
                return (left == right) == isinstance(op, ast.Eq)
            return _UNKNOWN
        if isinstance(node, ast.Attribute):
            return self.attribute(node, frame)
        if isinstance(node, ast.Call):
            return self.call(node, frame, statement)
        if isinstance(node, ast.Subscript):
            return _UNKNOWN
        if isinstance(node, (ast.ListComp, ast.GeneratorExp)) and len(node.generators) == 1 \
                and not node.generators[0].ifs:
            gen = node.generators[0]
            items = self.expr(gen.iter, frame)
            if not isinstance(items, (list, tuple)):
                return _UNKNOWN
            out = []
            for item in items:
                inner = _Frame(dict(frame.names), frame.parent)
                self.assign(gen.target, item, inner)
                out.append(self.expr(node.elt, inner))
            return out
        return _UNKNOWN

    def attribute(self, node: ast.Attribute, frame: _Frame) -> Any:
        base = self.expr(node.value, frame)
        if isinstance(base, _P):
            if node.attr == "parent":
                return _P(posixpath.dirname(base))
            if node.attr == "name":
                return posixpath.basename(base)
            if node.attr == "stem":
                return posixpath.splitext(posixpath.basename(base))[0]
        dotted = self.dotted(node)
        if dotted in ("zipfile.ZIP_DEFLATED", "zipfile.ZIP_STORED", "zipfile.ZIP_LZMA", "zipfile.ZIP_BZIP2"):
            return 0
        if dotted in ("os.sep",):
            return "/"
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
        return self.join(self.cwd, value)

    @staticmethod
    def join(base: str, rel: str) -> str:
        return posixpath.normpath(posixpath.join(base, rel))

    def call(self, node: ast.Call, frame: _Frame, statement: bool) -> Any:
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
                return self.path_method(receiver, func.attr, args)
            if isinstance(receiver, _File):
                return _UNKNOWN  # read, write, close: the file's content is not modelled
            if (dotted and dotted.split(".")[0] in self.modules.values()) or dotted in _PURE:
                return self.library(dotted or "", args, kwargs, node)
            if func.attr in _PURE_METHODS:
                return _method_value(receiver, func.attr, args)
            raise Unmodelled(f"`{ast.unparse(func)}()` at line {node.lineno}")
        if dotted is not None:
            return self.library(dotted, args, kwargs, node)
        raise Unmodelled(f"a call at line {node.lineno}")

    def user_call(self, fn: ast.FunctionDef, args: list[Any], kwargs: dict[str, Any]) -> Any:
        self.depth += 1
        if self.depth > 20:
            raise Unmodelled("recursion")
        frame = _Frame(parent=self.globals)
        params = fn.args.args
        defaults = fn.args.defaults
        for i, param in enumerate(params):
            default_index = i - (len(params) - len(defaults))
            if i < len(args):
                frame.names[param.arg] = args[i]
            elif param.arg in kwargs:
                frame.names[param.arg] = kwargs[param.arg]
            elif default_index >= 0:
                frame.names[param.arg] = self.expr(defaults[default_index], frame)
            else:
                frame.names[param.arg] = _UNKNOWN
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
            if all(isinstance(a, str) for a in args):
                return posixpath.join(*args) if args else _UNKNOWN
            return _UNKNOWN
        if short in ("os.path.dirname", "os.path.basename", "os.path.normpath", "os.path.abspath",
                     "os.path.realpath"):
            if not args or not isinstance(args[0], str):
                return _UNKNOWN
            value = args[0]
            if short.endswith(("abspath", "realpath")):
                return self.path(value)
            return getattr(posixpath, short.rsplit(".", 1)[1])(value)
        if short == "os.path.relpath":
            if args and all(isinstance(a, str) for a in args):
                return posixpath.relpath(self.path(args[0]), self.path(args[1]) if len(args) > 1 else self.cwd)
            return _UNKNOWN
        if short in ("os.path.exists", "os.path.isfile", "os.path.isdir"):
            if not args or not isinstance(args[0], str):
                return _UNKNOWN
            path = self.path(args[0])
            if self.vfs.unknown_below(path):
                return _UNKNOWN
            check = {"exists": self.vfs.exists, "isfile": self.vfs.is_file, "isdir": self.vfs.is_dir}
            return check[short.rsplit(".", 1)[1]](path)
        if short in ("os.getcwd",):
            return self.cwd
        if short in ("os.listdir",):
            return self.listdir(args[0] if args else ".")
        if short in ("glob.glob", "glob.iglob"):
            return self.glob(args[0], bool(kwargs.get("recursive"))) if args and isinstance(args[0], str) \
                else _UNKNOWN
        if short == "os.walk":
            return self.walk(args[0]) if args and isinstance(args[0], str) else _UNKNOWN
        if short == "Path":
            return _P(self.path(args[0])) if args and isinstance(args[0], str) else _P(self.cwd)
        if short in ("zipfile.ZipFile",):
            return self.open_zip(args, kwargs)
        if short in ("os.makedirs", "os.mkdir"):
            self.vfs.mkdir(self.path(args[0] if args else None), parents=short == "os.makedirs",
                           origin=self.inv.span)
            return None
        if short in ("os.remove", "os.unlink", "shutil.rmtree"):
            if args and isinstance(args[0], str):
                self.vfs.remove(self.path(args[0]))
                return None
            raise Unmodelled(f"`{name}` of a path not known statically")
        if short in ("shutil.copy", "shutil.copy2", "shutil.copyfile"):
            return self.copy_file(args)
        if short == "shutil.copytree":
            return self.copytree(args, kwargs)
        if short == "shutil.make_archive":
            return self.make_archive(args, kwargs)
        if short == "shutil.ignore_patterns":
            return _Ignore([a for a in args if isinstance(a, str)])
        if short in ("sys.exit", "exit", "quit"):
            code = args[0] if args else 0
            raise _Exit(code if isinstance(code, int) else 1 if code not in (None, _UNKNOWN) else 0)
        if short in ("str", "os.fspath") and len(args) == 1 and isinstance(args[0], str):
            return str(args[0])
        if short in ("sorted", "list", "tuple") and args and isinstance(args[0], (list, tuple)):
            return sorted(args[0]) if short == "sorted" and all(isinstance(a, str) for a in args[0]) \
                else list(args[0])
        if short == "open":
            mode = args[1] if len(args) > 1 else kwargs.get("mode", "r")
            if not isinstance(mode, str) or not isinstance(args[0] if args else None, str):
                raise Unmodelled("open() of a path not known statically")
            path = self.path(args[0])
            if any(c in mode for c in "wax+") and not self.vfs.put(path, VFile(FileKind.GENERATED,
                                                                               origin=self.inv.span)):
                raise ScriptFailed(f"FileNotFoundError: {args[0]}")
            return _File(path)
        if short == "os.chdir":
            self.cwd = self.path(args[0] if args else None)
            return None
        if name in _PURE or short in _PURE:
            return _UNKNOWN
        raise Unmodelled(f"`{name}()` at line {node.lineno}")

    # ------------------------------------------------------------------ file system

    def listdir(self, value: Any) -> Any:
        if not isinstance(value, str):
            return _UNKNOWN
        path = self.path(value)
        if self.vfs.unknown_below(path):
            return _UNKNOWN
        names = self.vfs.listdir(path)
        return sorted(names) if names is not None else _UNKNOWN

    def glob(self, pattern: str, recursive: bool) -> Any:
        absolute = pattern.startswith("/")
        full = self.path(pattern)
        head = full.split("*")[0].split("?")[0].split("[")[0]
        base = head.rstrip("/") or "/" if head.endswith("/") or self.vfs.is_dir(head) else posixpath.dirname(head)
        if self.vfs.unknown_below(base):
            return _UNKNOWN
        candidates = [*self.vfs.walk_files(base), *self.vfs.walk_dirs(base)] if self.vfs.is_dir(base) else []
        out = []
        for path in sorted(set(candidates)):
            if _glob_match(path, full, recursive):
                out.append(path if absolute else relative(path, self.cwd) if is_under(path, self.cwd)
                           else posixpath.relpath(path, self.cwd))
        return out

    def walk(self, value: str) -> Any:
        top = self.path(value)
        if not self.vfs.is_dir(top) or self.vfs.unknown_below(top):
            return _UNKNOWN
        out = []
        for d in sorted(self.vfs.walk_dirs(top)):
            names = self.vfs.listdir(d) or []
            dirs = sorted(n for n in names if self.vfs.is_dir(posixpath.join(d, n)))
            files = sorted(n for n in names if self.vfs.is_file(posixpath.join(d, n)))
            shown = value if d == top else posixpath.join(value, relative(d, top))
            out.append([shown, dirs, files])
        return out

    def open_zip(self, args: list[Any], kwargs: dict[str, Any]) -> _Zip:
        target = args[0] if args else kwargs.get("file")
        mode = args[1] if len(args) > 1 else kwargs.get("mode", "r")
        if not isinstance(mode, str):
            raise Unmodelled("a zip mode not known statically")
        path = self.path(target if not isinstance(target, _P) else str(target))
        if mode == "r":
            return _Zip(None, path)
        existing = self.inv.ctx.archive_at(path)
        if mode in ("a",) and existing is not None:
            return _Zip(existing, path)
        if existing is not None:
            self.vfs.remove(path)
        if not self.vfs.is_dir(posixpath.dirname(path)):
            raise ScriptFailed(f"{path}: no such directory")
        archive = new_archive(self.inv, path)
        archive.root_dir = archive.root_dir or self.cwd
        archive.order = self.inv.ctx.commands
        return _Zip(archive, path)

    def zip_method(self, handle: _Zip, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if method in ("write", "writestr") and handle.archive is None:
            raise ScriptFailed("write to a zip opened for reading")
        if method == "write":
            source = args[0] if args else kwargs.get("filename")
            arcname = args[1] if len(args) > 1 else kwargs.get("arcname")
            if arcname is _UNKNOWN or source is _UNKNOWN:
                raise Unmodelled("a zip member not known statically")
            path = self.path(str(source))
            stored = _arcname(str(arcname) if arcname is not None else str(source))
            assert handle.archive is not None
            if self.vfs.is_dir(path):
                return None  # the folder's own entry: its files are written one by one
            vfile = self.vfs.files.get(path)
            if vfile is None:
                if self.vfs.unknown_below(path):
                    raise Unmodelled(f"{path} may exist (made by a command the tool does not model)")
                raise ScriptFailed(f"FileNotFoundError: {source}")
            handle.archive.entries[stored] = PackageFile(stored, vfile.kind, vfile.source, vfile.origin or self.inv.span)
            for record in vfile.history:
                handle.archive.add_copy(record)
            return None
        if method == "writestr":
            name = args[0] if args else None
            if not isinstance(name, str):
                raise Unmodelled("a zip member not known statically")
            assert handle.archive is not None
            stored = name.lstrip("/")
            handle.archive.entries[stored] = PackageFile(stored, FileKind.GENERATED, None, self.inv.span)
            return None
        if method in _PURE_METHODS or method in ("__enter__", "__exit__"):
            return _UNKNOWN
        raise Unmodelled(f"ZipFile.{method}")

    def path_method(self, path: _P, method: str, args: list[Any]) -> Any:
        if method in ("resolve", "absolute"):
            return path
        if method == "exists":
            return _UNKNOWN if self.vfs.unknown_below(path) else self.vfs.exists(path)
        if method == "is_dir":
            return self.vfs.is_dir(path)
        if method == "is_file":
            return self.vfs.is_file(path)
        if method == "mkdir":
            self.vfs.mkdir(path, parents=True, origin=self.inv.span)
            return None
        if method in ("glob", "rglob") and args and isinstance(args[0], str):
            found = self.glob(posixpath.join(path, ("**/" if method == "rglob" else "") + args[0]), True)
            return [_P(self.path(p)) for p in found] if isinstance(found, list) else _UNKNOWN
        if method == "iterdir":
            names = self.listdir(str(path))
            return [_P(posixpath.join(path, n)) for n in names] if isinstance(names, list) else _UNKNOWN
        if method == "relative_to" and args and isinstance(args[0], str):
            return relative(path, self.path(args[0]))
        if method in ("joinpath",) and args and all(isinstance(a, str) for a in args):
            return _P(self.join(path, posixpath.join(*args)))
        if method in _PURE_METHODS:
            return _UNKNOWN
        raise Unmodelled(f"Path.{method}")

    def copy_file(self, args: list[Any]) -> Any:
        if len(args) < 2 or not all(isinstance(a, str) for a in args[:2]):
            raise Unmodelled("a copy of paths not known statically")
        src, dst = self.path(args[0]), self.path(args[1])
        vfile = self.vfs.files.get(src)
        if vfile is None:
            raise Unmodelled(f"{args[0]} may not exist") if self.vfs.unknown_below(src) else \
                ScriptFailed(f"FileNotFoundError: {args[0]}")
        if self.vfs.is_dir(dst):
            dst = posixpath.join(dst, posixpath.basename(src))
        if not self.vfs.put(dst, VFile(vfile.kind, vfile.source, self.inv.span, None, vfile.history)):
            raise ScriptFailed(f"cannot copy to {args[1]}")
        return dst

    def copytree(self, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if len(args) < 2 or not all(isinstance(a, str) for a in args[:2]):
            raise Unmodelled("a copy of paths not known statically")
        src, dst = self.path(args[0]), self.path(args[1])
        if not self.vfs.is_dir(src):
            raise Unmodelled(f"{args[0]} may not exist") if self.vfs.unknown_below(src) else \
                ScriptFailed(f"FileNotFoundError: {args[0]}")
        if self.vfs.exists(dst) and not kwargs.get("dirs_exist_ok"):
            raise ScriptFailed(f"FileExistsError: {args[1]}")
        ignore = kwargs.get("ignore")
        if ignore is not None and not isinstance(ignore, _Ignore):
            raise Unmodelled("copytree with an ignore function")
        patterns = ignore.patterns if isinstance(ignore, _Ignore) else []

        def keep(rel: str, _is_dir: bool) -> bool:
            return not any(fnmatch.fnmatch(part, p) for part in rel.split("/") for p in patterns)

        span = self.inv.span
        self.vfs.mkdir(posixpath.dirname(dst), parents=True, origin=span)
        self.vfs.copy_tree(src, dst, on_file=lambda f: VFile(f.kind, f.source, span, None, f.history), keep=keep)
        return dst

    def make_archive(self, args: list[Any], kwargs: dict[str, Any]) -> Any:
        base = args[0] if args else kwargs.get("base_name")
        fmt = args[1] if len(args) > 1 else kwargs.get("format")
        root = args[2] if len(args) > 2 else kwargs.get("root_dir")
        base_dir = args[3] if len(args) > 3 else kwargs.get("base_dir")
        if fmt != "zip" or not isinstance(base, str) or (root is not None and not isinstance(root, str)) \
                or base_dir not in (None, ".", "./"):
            raise Unmodelled("shutil.make_archive with a form not modelled")
        folder = self.path(root) if root is not None else self.cwd
        path = self.path(base + ".zip")
        if not self.vfs.is_dir(folder):
            raise ScriptFailed(f"FileNotFoundError: {root}")
        archive_folder(self.inv, folder, path)
        return path


class _P(str):
    """A ``pathlib.Path``: an absolute virtual path."""


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


def _same_kind(a: Any, b: Any) -> bool:
    return (isinstance(a, str) and isinstance(b, str)) or (isinstance(a, list) and isinstance(b, list))


def _method_value(receiver: Any, method: str, args: list[Any]) -> Any:
    if isinstance(receiver, str) and method in ("endswith", "startswith") and args and isinstance(args[0], (str, tuple, list)):
        suffix = tuple(args[0]) if isinstance(args[0], list) else args[0]
        return getattr(receiver, method)(suffix)
    if isinstance(receiver, list) and method in ("append", "extend") and args:
        if method == "append":
            receiver.append(args[0])
        elif isinstance(args[0], list):
            receiver.extend(args[0])
        return None
    return _UNKNOWN


def _arcname(name: str) -> str:
    """``ZipInfo.from_file``'s stored name: normalised, leading slashes removed."""
    stored = posixpath.normpath(name)
    while stored.startswith("/"):
        stored = stored[1:]
    return stored


def _glob_match(path: str, pattern: str, recursive: bool) -> bool:
    if recursive and "**" in pattern:
        head, _, tail = pattern.partition("**")
        if not path.startswith(head):
            return False
        rest = path[len(head):]
        tail = tail.lstrip("/")
        return fnmatch.fnmatchcase(rest, tail) or (fnmatch.fnmatchcase(posixpath.basename(rest), tail) and \
            "/" not in tail)
    if path.count("/") != pattern.count("/"):
        return False
    return fnmatch.fnmatchcase(path, pattern) and not posixpath.basename(path).startswith(".")


def _is_main_guard(test: ast.expr) -> bool:
    return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__"
            and len(test.comparators) == 1 and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value == "__main__")


_WRITERS = frozenset({"write", "writestr", "copy", "copy2", "copyfile", "copytree", "make_archive", "makedirs",
                      "mkdir", "remove", "unlink", "rmtree", "run", "call", "check_call", "check_output", "Popen",
                      "system", "ZipFile", "open"})


def _writes(node: ast.AST) -> bool:
    """Whether anything below ``node`` may write files (or calls a function that might)."""
    for sub in _walk(node):
        if isinstance(sub, ast.Call):
            func = sub.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name in _WRITERS or (isinstance(func, ast.Name) and name not in _PURE):
                return True
    return False


def _walk(node: ast.AST) -> Iterator[ast.AST]:
    yield from ast.walk(node)
