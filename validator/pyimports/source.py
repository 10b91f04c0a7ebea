"""One Python source file reduced to the facts the import closure needs.

A file is parsed once per run (``SourceCache``) and kept in a form independent of
where it lands in an archive: imports keep their relative level, ``sys.path``
additions stay anchored at ``__file__`` or the root.  The closure then places each
fact at every archive path the file was copied to.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from validator.model.archives import SourceReader
from validator.model.base import FrozenRecord
from validator.model.extras import shipped, watched
from validator.model.repo import Repo
from validator.pyimports.firstparty import RepoModules
from validator.pyimports.pathexpr import PathValue, dotted, evaluate

#: exception names whose handler turns a ``try`` of imports into a chain of alternatives
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
#: attributes whose test makes an ``if`` a platform/version switch (either branch may run)
_SWITCH_ATTRS = frozenset({"version_info", "platform", "version", "hexversion", "implementation", "PY2", "PY3"})
_EXIT_CALLS = frozenset({"sys.exit", "exit", "quit", "os._exit"})
_MAX_TEXT = 240
#: identifiers one of which every call ``_call`` records must spell out in the source
_CALL_WORDS = ("import_module", "__import__", "addsitedir", "sys")
_NEWLINES = re.compile(r"\r\n|\r|\n")
#: simple statements that hold statement bodies
_WITH_BODIES = (ast.For, ast.AsyncFor, ast.While, ast.Match)


@dataclass(frozen=True, eq=False, repr=False)
class RawImport(FrozenRecord):
    """An import as written; ``module`` is without its leading dots (``level`` counts them)."""

    kind: str  # "import", "from", "dynamic"
    module: str
    level: int
    names: tuple[str, ...]  # names of a ``from`` import ("*" for a star import)
    line: int
    text: str
    in_function: bool = False
    guard: int | None = None  # index into ParsedSource.guards
    branch: int = 0
    package: str | None = None  # dynamic: ``package=`` literal, or "__package__" / "__name__"


@dataclass(frozen=True, eq=False, repr=False)
class RawUse(FrozenRecord):
    """A use of a watched symbol (see ``validator.model.extras``): a call, or a field."""

    symbol: str  # the dotted import path the used name stands for (``pydantic.EmailStr``)
    how: str  # "call", "field" (a class field's annotation) or "parameter" (of a decorated function)
    line: int  # the call, the field, or the decorator
    column: int  # 1-based
    end_line: int
    end_column: int  # exclusive
    text: str
    in_function: bool = False
    #: a call's keyword arguments: True/False for a constant, None for any other value
    keywords: tuple[tuple[str, bool | None], ...] = ()
    #: exception names the ``try`` statements around the use catch (``BaseException`` for a bare except)
    caught: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False, repr=False)
class Guard(FrozenRecord):
    """A ``try``/``except ImportError`` chain or a version switch: its branches are alternatives.

    ``optional`` when some alternative imports nothing and does not raise, so the
    imports of the other branches are never required."""

    optional: bool
    raises: tuple[bool, ...]  # per branch: the branch ends the program (raise, sys.exit)
    texts: tuple[tuple[str, ...], ...]  # import texts per branch


@dataclass(frozen=True, eq=False, repr=False)
class PathAddition(FrozenRecord):
    """A literal ``sys.path.append/insert`` (or ``site.addsitedir``)."""

    line: int
    value: PathValue
    front: bool  # inserted at position 0: searched before the archive root


class ParsedSource:
    """What one file imports and defines (a plain slotted class: no dataclass method
    generation at start-up)."""

    __slots__ = ("guards", "imports", "module_getattr", "names", "path", "path_additions", "star_import", "uses")

    def __init__(self, path: str) -> None:
        self.path = path
        self.imports: list[RawImport] = []
        self.uses: list[RawUse] = []  # uses of watched symbols
        self.guards: list[Guard] = []
        self.path_additions: list[PathAddition] = []
        self.names: frozenset[str] = frozenset()  # names bound at module level
        self.star_import = False  # ``from x import *`` at module level
        self.module_getattr = False  # module-level ``def __getattr__``


class _Ctx:
    """Where a statement is: in a function, in which branch of which guard (read-only)."""

    __slots__ = ("branch", "caught", "guard", "in_function")

    def __init__(self, in_function: bool = False, guard: int | None = None, branch: int = 0,
                 caught: tuple[str, ...] = ()) -> None:
        self.in_function = in_function
        self.guard = guard
        self.branch = branch
        self.caught = caught  # exceptions the enclosing ``try`` statements catch (in this frame)


class _SourceLines:
    """Exact source text of nodes (``ast`` columns are UTF-8 byte offsets)."""

    def __init__(self, text: str) -> None:
        self.lines = _NEWLINES.split(text)

    def segment(self, node: ast.AST) -> str:
        start = getattr(node, "lineno", 0) - 1
        end = (getattr(node, "end_lineno", None) or start + 1) - 1
        if start < 0 or end >= len(self.lines) or end - start > 50:
            return ""
        if start == end and self.lines[start].isascii():  # the usual case: byte offsets are characters
            end_col = getattr(node, "end_col_offset", None)
            line = self.lines[start]
            piece = line[:end_col] if end_col is not None else line
            text = " ".join(piece[getattr(node, "col_offset", 0) :].split())
            return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"
        chunk = [line.encode("utf-8") for line in self.lines[start : end + 1]]
        end_col = getattr(node, "end_col_offset", None)
        if end_col is not None:
            chunk[-1] = chunk[-1][:end_col]
        chunk[0] = chunk[0][getattr(node, "col_offset", 0) :]
        text = " ".join(b"\n".join(chunk).decode("utf-8", errors="replace").split())
        return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    types = handler.type
    if types is None:
        return True
    items = types.elts if isinstance(types, ast.Tuple) else [types]
    return any(dotted(t).rsplit(".", 1)[-1] in _IMPORT_ERRORS for t in items)


def _is_type_checking(test: ast.expr) -> bool:
    return dotted(test).rsplit(".", 1)[-1] == "TYPE_CHECKING"


def _is_main_guard(test: ast.expr) -> bool:
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    has_name = any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides)
    has_main = any(isinstance(s, ast.Constant) and s.value == "__main__" for s in sides)
    return has_name and has_main


def _is_switch(test: ast.expr) -> bool:
    for node in ast.walk(test):
        if isinstance(node, ast.Attribute) and node.attr in _SWITCH_ATTRS:
            return True
        if isinstance(node, ast.Attribute) and node.attr == "name" and dotted(node.value) == "os":
            return True
    return False


def _has_import(stmts: list[ast.stmt]) -> bool:
    """Whether running ``stmts`` imports something (function bodies do not run here)."""
    stack: list[ast.AST] = list(stmts)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            return True
        if isinstance(node, ast.Call) and _dynamic_target(node) is not None:
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return False


def _ends_program(stmts: list[ast.stmt]) -> bool:
    for st in stmts:
        if isinstance(st, ast.Raise):
            return True
        if isinstance(st, ast.Expr) and isinstance(st.value, ast.Call) and dotted(st.value.func) in _EXIT_CALLS:
            return True
    return False


def _dynamic_target(call: ast.Call) -> tuple[str, str | None] | None:
    """``importlib.import_module("x", package=…)`` / ``__import__("x")`` → (name, package)."""
    name = dotted(call.func)
    if name not in ("importlib.import_module", "import_module", "__import__"):
        return None
    if not call.args or not isinstance(call.args[0], ast.Constant) or not isinstance(call.args[0].value, str):
        return None
    package_node: ast.expr | None = None
    if name != "__import__":
        if len(call.args) > 1:
            package_node = call.args[1]
        for kw in call.keywords:
            if kw.arg == "package":
                package_node = kw.value
    package: str | None = None
    if isinstance(package_node, ast.Constant) and isinstance(package_node.value, str):
        package = package_node.value
    elif isinstance(package_node, ast.Name) and package_node.id in ("__package__", "__name__"):
        package = package_node.id
    return call.args[0].value, package


class _Collector:
    """Walks statements (recursively: statement nesting is shallow) and expressions
    (iteratively: expression nesting can be deep)."""

    def __init__(self, path: str, text: str, watch: frozenset[str] = frozenset()) -> None:
        self.out = ParsedSource(path=path)
        self.src = _SourceLines(text)
        self.env: dict[str, PathValue | None] = {}
        self.names: set[str] = set()
        # the watched symbols this file may use: its import spells the symbol's top module
        # (``pydantic``, ``httpx``) and a use its last name (``EmailStr``, ``Client``)
        self.watch = frozenset(s for s in watch if s.rsplit(".", 1)[-1] in text and s.split(".", 1)[0] in text) \
            if text.isascii() else watch
        #: local name -> dotted import path it stands for (``EmailStr`` -> ``pydantic.EmailStr``)
        self.aliases: dict[str, str] = {}
        # Walking every expression for calls is most of the cost of a file; a file that
        # spells none of the calls' names cannot make one (non-ASCII text may spell them
        # with compatibility characters, so it is always walked).
        self.calls = not text.isascii() or any(word in text for word in _CALL_WORDS) or bool(self.watch)

    # ------------------------------------------------------------------ statements

    def body(self, stmts: list[ast.stmt], ctx: _Ctx, top: bool) -> None:
        for st in stmts:
            self.stmt(st, ctx, top)

    def stmt(self, st: ast.stmt, ctx: _Ctx, top: bool) -> None:
        if isinstance(st, ast.Import):
            self._import(st, ctx, top)
        elif isinstance(st, ast.ImportFrom):
            self._import_from(st, ctx, top)
        elif isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if top:
                self.names.add(st.name)
                self.out.module_getattr |= st.name == "__getattr__"
            defaults = [d for d in st.args.kw_defaults if d is not None]
            self.exprs([*st.decorator_list, *st.args.defaults, *defaults], ctx)
            if self.watch and st.decorator_list:
                # a decorator that reads the parameters (a route) runs when the def does
                params = [*st.args.posonlyargs, *st.args.args, *st.args.kwonlyargs,
                          *(a for a in (st.args.vararg, st.args.kwarg) if a is not None)]
                nodes = [a.annotation for a in params if a.annotation is not None]
                self._fields([*nodes, *st.args.defaults, *defaults], st.decorator_list[0], ctx, "parameter")
            self.body(st.body, _Ctx(True, ctx.guard, ctx.branch), top=False)
        elif isinstance(st, ast.ClassDef):
            if top:
                self.names.add(st.name)
            self.exprs([*st.decorator_list, *st.bases, *(k.value for k in st.keywords)], ctx)
            if self.watch and (st.bases or st.decorator_list or st.keywords):
                # a model class (pydantic, a dataclass) reads its fields' annotations when defined
                for item in st.body:
                    if isinstance(item, ast.AnnAssign):
                        self._fields([item.annotation], item, ctx)
            self.body(st.body, ctx, top=False)
        elif isinstance(st, ast.If):
            self._if(st, ctx, top)
        elif isinstance(st, ast.Try) or type(st).__name__ == "TryStar":
            self._try(st, ctx, top)
        elif isinstance(st, (ast.With, ast.AsyncWith)):
            self._with(st, ctx, top)
        else:
            self._simple(st, ctx, top)

    def _simple(self, st: ast.stmt, ctx: _Ctx, top: bool) -> None:
        if isinstance(st, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets: list[ast.expr] = list(st.targets) if isinstance(st, ast.Assign) else [st.target]
            value = st.value
            if top and (value is not None or not isinstance(st, ast.AnnAssign)):
                self._bind(targets)
            if self.calls and value is not None and len(targets) == 1 and isinstance(targets[0], ast.Name):
                self.env[targets[0].id] = evaluate(value, self.env)
        elif isinstance(st, (ast.For, ast.AsyncFor)) and top:
            self._bind([st.target])
        if not self.calls and not isinstance(st, _WITH_BODIES):
            return  # nothing below it to record
        sub_bodies: list[list[ast.stmt]] = []
        exprs: list[ast.expr] = []
        for _name, value in ast.iter_fields(st):
            items = value if isinstance(value, list) else [value]
            if items and all(isinstance(i, ast.stmt) for i in items):
                sub_bodies.append(items)
            else:
                exprs.extend(i for i in items if isinstance(i, ast.expr))
                # match statements: cases hold bodies
                for i in items:
                    if isinstance(i, ast.match_case):
                        sub_bodies.append(i.body)
        self.exprs(exprs, ctx)
        for sub in sub_bodies:
            self.body(sub, ctx, top)

    def _bind(self, targets: list[ast.expr]) -> None:
        for t in targets:
            for node in ast.walk(t):
                if isinstance(node, ast.Name):
                    self.names.add(node.id)

    def _if(self, st: ast.If, ctx: _Ctx, top: bool) -> None:
        test = st.test
        negated = isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
        inner = test.operand if isinstance(test, ast.UnaryOp) and negated else test
        if _is_type_checking(inner):
            # the TYPE_CHECKING branch never runs
            self.body(st.body if negated else st.orelse, ctx, top)
            return
        if _is_main_guard(test):
            self.body(st.orelse, ctx, top)  # a script entry point: never runs in Lambda
            return
        self.exprs([test], ctx)
        if _is_switch(test):
            self._alternatives([st.body, st.orelse], ctx, top, empty_is_optional=True)
            return
        self.body(st.body, ctx, top)
        self.body(st.orelse, ctx, top)

    def _try(self, st: ast.stmt, ctx: _Ctx, top: bool) -> None:
        body: list[ast.stmt] = getattr(st, "body", [])
        handlers: list[ast.ExceptHandler] = getattr(st, "handlers", [])
        catching = [h for h in handlers if _catches_import_error(h)]
        caught = tuple(dict.fromkeys([*ctx.caught, *(name for h in handlers for name in _caught(h))]))
        inner = _Ctx(ctx.in_function, ctx.guard, ctx.branch, caught) if caught != ctx.caught else ctx
        if catching and _has_import(body):
            self._alternatives([body, *(h.body for h in catching)], inner, top, empty_is_optional=False,
                               outer=ctx)
        else:
            self.body(body, inner, top)
            catching = []
        for h in handlers:
            if h not in catching:
                self.body(h.body, ctx, top)
        self.body(getattr(st, "orelse", []), ctx, top)
        self.body(getattr(st, "finalbody", []), ctx, top)

    def _with(self, st: ast.With | ast.AsyncWith, ctx: _Ctx, top: bool) -> None:
        self.exprs([item.context_expr for item in st.items], ctx)
        suppressing = any(
            isinstance(item.context_expr, ast.Call)
            and dotted(item.context_expr.func).endswith("suppress")
            and any(dotted(a).rsplit(".", 1)[-1] in _IMPORT_ERRORS for a in item.context_expr.args)
            for item in st.items
        )
        if suppressing and _has_import(st.body):
            self._alternatives([st.body, []], ctx, top, empty_is_optional=True)
        else:
            self.body(st.body, ctx, top)

    def _alternatives(self, branches: list[list[ast.stmt]], ctx: _Ctx, top: bool, empty_is_optional: bool,
                      outer: _Ctx | None = None) -> None:
        """``outer``: the context of the branches after the first (a ``try``'s handlers are
        not inside the ``try``)."""
        index = len(self.out.guards)
        self.out.guards.append(Guard(False, (), ()))  # placeholder: nested guards come after
        first_import = len(self.out.imports)
        for b, stmts in enumerate(branches):
            caught = ctx.caught if b == 0 or outer is None else outer.caught
            self.body(stmts, _Ctx(ctx.in_function, index, b, caught), top)
        raises = tuple(_ends_program(stmts) for stmts in branches)
        optional = any(
            not raises[b] and not _has_import(stmts)
            for b, stmts in enumerate(branches)
            if b > 0 or empty_is_optional
        )
        texts: list[list[str]] = [[] for _ in branches]
        for raw in self.out.imports[first_import:]:
            if raw.guard == index:
                texts[raw.branch].append(raw.text)
        self.out.guards[index] = Guard(optional, raises, tuple(tuple(t) for t in texts))

    def _import(self, st: ast.Import, ctx: _Ctx, top: bool) -> None:
        text = self.src.segment(st)
        for alias in st.names:
            if top:
                self.names.add(alias.asname or alias.name.split(".")[0])
            if alias.asname:
                self.aliases[alias.asname] = alias.name
            else:
                head = alias.name.split(".")[0]
                self.aliases[head] = head
            self._add("import", alias.name, 0, (), st.lineno, text, ctx)

    def _import_from(self, st: ast.ImportFrom, ctx: _Ctx, top: bool) -> None:
        names = tuple(a.name for a in st.names)
        if top:
            for alias in st.names:
                if alias.name == "*":
                    self.out.star_import = True
                else:
                    self.names.add(alias.asname or alias.name)
        if st.module and not st.level:
            for alias in st.names:
                if alias.name != "*":
                    self.aliases[alias.asname or alias.name] = f"{st.module}.{alias.name}"
        self._add("from", st.module or "", st.level or 0, names, st.lineno, self.src.segment(st), ctx)

    def _add(self, kind: str, module: str, level: int, names: tuple[str, ...], line: int, text: str, ctx: _Ctx,
             package: str | None = None) -> None:
        self.out.imports.append(
            RawImport(kind, module, level, names, line, text, ctx.in_function, ctx.guard, ctx.branch, package)
        )

    # ------------------------------------------------------------------ expressions

    def exprs(self, roots: list[ast.expr], ctx: _Ctx) -> None:
        if not self.calls:
            return
        stack: list[tuple[ast.AST, bool]] = [(r, ctx.in_function) for r in reversed(roots)]
        while stack:
            node, in_function = stack.pop()
            if isinstance(node, ast.Call):
                self._call(node, ctx if in_function == ctx.in_function else _Ctx(in_function, ctx.guard, ctx.branch))
            nested = in_function or isinstance(node, ast.Lambda)
            children = list(ast.iter_child_nodes(node))
            stack.extend((c, nested) for c in reversed(children))

    def _symbol(self, node: ast.expr) -> str | None:
        """The watched symbol a name or attribute chain stands for (``httpx.Client``)."""
        if not isinstance(node, (ast.Name, ast.Attribute)):
            return None
        written = dotted(node)
        head, _, rest = written.partition(".")
        base = self.aliases.get(head)
        if not written or base is None:
            return None
        full = f"{base}.{rest}" if rest else base
        return full if full in self.watch else None

    def _use(self, symbol: str, how: str, node: ast.AST, ctx: _Ctx,
             keywords: tuple[tuple[str, bool | None], ...] = ()) -> None:
        line = getattr(node, "lineno", 0)
        self.out.uses.append(RawUse(symbol, how, line, getattr(node, "col_offset", 0) + 1,
                                    getattr(node, "end_lineno", None) or line,
                                    (getattr(node, "end_col_offset", None) or 0) + 1, self.src.segment(node),
                                    ctx.in_function, keywords, ctx.caught))

    def _fields(self, roots: list[ast.expr], at: ast.AST, ctx: _Ctx, how: str = "field") -> None:
        """Watched symbols in annotations or defaults that a class or decorator reads when
        it runs; reported at ``at`` (the field, the decorator)."""
        seen: set[str] = set()
        for root in roots:
            for node in ast.walk(root):
                symbol = self._symbol(node) if isinstance(node, (ast.Name, ast.Attribute)) else None
                if symbol is not None and symbol not in seen:
                    seen.add(symbol)
                    self._use(symbol, how, at, ctx)

    def _call(self, call: ast.Call, ctx: _Ctx) -> None:
        if self.watch:
            symbol = self._symbol(call.func)
            if symbol is not None:
                keywords = tuple((k.arg, bool(k.value.value) if isinstance(k.value, ast.Constant) else None)
                                 for k in call.keywords if k.arg is not None)
                self._use(symbol, "call", call, ctx, keywords)
        target = _dynamic_target(call)
        if target is not None:
            name, package = target
            stripped = name.lstrip(".")
            level = len(name) - len(stripped)
            self._add("dynamic", stripped, level, (), call.lineno, self.src.segment(call), ctx, package=package)
            return
        func = dotted(call.func)
        if func in ("sys.path.append", "sys.path.insert", "sys.path.extend", "site.addsitedir"):
            args = call.args[1:] if func.endswith("insert") else call.args
            if not args:
                return
            front = func.endswith("insert") and isinstance(call.args[0], ast.Constant) and call.args[0].value == 0
            values = args[0].elts if func.endswith("extend") and isinstance(args[0], (ast.List, ast.Tuple)) else [args[0]]
            for v in values:
                value = evaluate(v, self.env)
                if value is not None:
                    self.out.path_additions.append(PathAddition(call.lineno, value, front))


def _caught(handler: ast.ExceptHandler) -> tuple[str, ...]:
    types = handler.type
    if types is None:
        return ("BaseException",)
    items = types.elts if isinstance(types, ast.Tuple) else [types]
    return tuple(dotted(t).rsplit(".", 1)[-1] for t in items if dotted(t))


def parse_source(path: str, text: str, watch: frozenset[str] = frozenset()) -> ParsedSource:
    """Parse ``text``; raises SyntaxError/ValueError/RecursionError/MemoryError as ``ast`` does.
    ``watch``: dotted symbols whose calls and field uses are recorded (``ParsedSource.uses``)."""
    tree = ast.parse(text, filename=path)
    collector = _Collector(path, text, watch)
    collector.body(tree.body, _Ctx(), top=True)
    collector.out.names = frozenset(collector.names)
    return collector.out


#: ``except A, B:`` without parentheses (PEP 758, Python 3.14); ``except A, B as e:`` stays
#: an error there too
_UNPARENTHESISED_EXCEPT = re.compile(r"^(\s*except\*?\s+)(?!\()([^:#\n]*?,[^:#\n]*?)(\s*:)", re.M)


def newer_syntax(text: str, exc: SyntaxError) -> tuple[str, str] | None:
    """The text made parseable by the interpreter running the tool, and the Python version
    whose grammar accepts the original, when the error is newer syntax this interpreter
    does not know; None otherwise."""
    if sys.version_info < (3, 14) and "must be parenthesized" in (exc.msg or ""):
        fixed = _UNPARENTHESISED_EXCEPT.sub(
            lambda m: m.group(0) if " as " in m.group(2) else f"{m.group(1)}({m.group(2)}){m.group(3)}", text)
        if fixed != text:
            return fixed, "3.14"
    return None


def _statement_line(text: str, exc: SyntaxError) -> int:
    """Where an older Python stops: ``feature_version`` reports a ``match`` at its end, the
    older parser at the ``match`` line itself."""
    line = exc.lineno or 1
    if "Pattern matching" in (exc.msg or ""):
        matches = [n.lineno for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Match) and n.lineno <= line]
        return min(matches, default=line)
    return line


class SourceCache:
    """Parses each repository source file once per run; failures become problems, never raise.

    ``extra_runtime_modules`` are top-level modules the configuration says the runtime
    provides (besides boto3 and its dependencies), kept here because the cache is the
    one object every closure of a run shares."""

    def __init__(self, extra_runtime_modules: Iterable[str] = (), watch: Iterable[str] | None = None) -> None:
        self.extra_runtime_modules = frozenset(m.strip() for m in extra_runtime_modules if m.strip())
        #: symbols whose uses are recorded: those of the shipped table unless told
        self.watch = frozenset(watch) if watch is not None else watched(shipped())
        self._parsed: dict[tuple[str, str], ParsedSource | None] = {}
        self._problems: dict[tuple[str, str], str] = {}
        #: files written in a newer grammar than this interpreter's: (version, line, error here)
        self._newer: dict[tuple[str, str], tuple[str, int, str]] = {}
        #: files this interpreter cannot compile: (line, message)
        self._syntax: dict[tuple[str, str], tuple[int, str]] = {}
        #: (file, Python version) -> the error of that version's grammar, or None
        self._older: dict[tuple[str, str, str], tuple[int, str] | None] = {}
        self._texts: dict[tuple[str, str], str] = {}
        self._repo_modules: dict[str, RepoModules] = {}

    def repo_modules(self, repo: Repo) -> RepoModules:
        """The repository's module index, built once per run rather than once per package."""
        key = str(repo.root)
        if key not in self._repo_modules:
            self._repo_modules[key] = RepoModules(repo)
        return self._repo_modules[key]

    def get(self, repo: SourceReader, path: str) -> ParsedSource | None:
        """The parsed file, or None when it cannot be read or parsed (see ``problem``).
        ``repo`` is whatever holds the text: the repository, or a real archive."""
        key = (str(repo.root), path)
        if key in self._parsed:
            return self._parsed[key]
        parsed: ParsedSource | None = None
        text = repo.read_text(path)
        if text is None:
            self._problems[key] = repo.error(path) or f"cannot read {path}"
        else:
            try:
                parsed = parse_source(path, text, self.watch)
                self._texts[key] = text
            except SyntaxError as exc:
                self._problems[key] = f"{path}:{exc.lineno or 1}: syntax error: {exc.msg}"
                self._syntax[key] = (exc.lineno or 1, exc.msg)
                newer = newer_syntax(text, exc)
                if newer is not None:
                    try:
                        parsed = parse_source(path, newer[0])
                    except (SyntaxError, ValueError, RecursionError, MemoryError):
                        parsed = None
                    else:
                        self._problems.pop(key)
                        self._newer[key] = (newer[1], *self._syntax.pop(key))
            except (ValueError, RecursionError, MemoryError) as exc:
                self._problems[key] = f"{path}: cannot parse: {type(exc).__name__}: {exc}"[:300]
        self._parsed[key] = parsed
        return parsed

    def needs_python(self, repo: SourceReader, path: str) -> tuple[str, int, str] | None:
        """For a file only a newer Python parses: that version, and the line and error this
        interpreter gave (a syntax error for a function on an older runtime)."""
        return self._newer.get((str(repo.root), path))

    def syntax_error(self, repo: SourceReader, path: str) -> tuple[int, str] | None:
        """The line and message of the ``SyntaxError`` this interpreter gave for ``path``."""
        return self._syntax.get((str(repo.root), path))

    def older_syntax(self, repo: SourceReader, path: str, python: str) -> tuple[int, str] | None:
        """For a file this interpreter parses, the error of an older Python's grammar
        (``match`` before 3.10, ``except*`` before 3.11 …), as ``ast``'s
        ``feature_version`` reports it; None when that grammar accepts it too."""
        key = (str(repo.root), path)
        text = self._texts.get(key)
        parts = tuple(int(x) for x in python.split(".")[:2] if x.isdigit())
        if text is None or len(parts) != 2 or parts >= sys.version_info[:2]:
            return None
        memo = (key[0], path, python)
        if memo not in self._older:
            try:
                ast.parse(text, filename=path, feature_version=(parts[0], parts[1]))
                self._older[memo] = None
            except SyntaxError as exc:
                self._older[memo] = (_statement_line(text, exc), exc.msg)
            except (ValueError, RecursionError, MemoryError):
                self._older[memo] = None
        return self._older[memo]

    def problem(self, repo: SourceReader, path: str) -> str | None:
        """Why ``path`` could not be parsed, once ``get`` was called for it."""
        return self._problems.get((str(repo.root), path))
