"""# LPK-009 shadowed-module

## What it does
Reports a module at the package root whose name is taken by another module at cold start:

- a handler module named like a module the runtime has already imported when it loads the
  handler (`json.py` with `handler = "json.lambda_handler"`: the runtime's `json` is used),
  or like a built-in module (`time.py`: refused before anything is imported);
- a module at the root named like a standard-library module the runtime has already
  imported (`logging.py`, `json.py`, `re.py`): the code's `import logging` gets the standard
  library's, so `from logging import get_logger` fails when only the root file defines it;
- a module at the root named like a standard-library module the runtime has not imported
  (`csv.py`, `email.py`, `typing.py`, `secrets.py`): it replaces the standard library's for
  every module of the function, so the standard library and installed libraries that import
  it get the root file (`urllib.request` imports `email.parser`, which a module file
  `email.py` cannot provide);
- a module at the root that a distribution installed into the package also provides
  (`requests.py` next to the `requests/` that `pip install requests -t` puts there);
- a module file where a namespace package's portions are imported (`google.py` with
  `google.protobuf`), or a regular package that hides namespace portions installed elsewhere
  (`google/__init__.py` while `google.protobuf` comes from a layer).

Such a file typically arrives with a flat copy (`cp -r src/* build/`) of a folder whose
modules were written to be imported as `src.logging`, or run locally from inside that folder
(where nothing has imported `logging` yet, so the local run gets the file).

Which modules the runtime has imported before the handler is data shipped with the tool:
measured with the real runtime interface client (`awslambdaric` 3.1.1, 4.0.4 and 4.2.2 from
PyPI) and CPython 3.9 to 3.13, reproducing `/var/runtime/bootstrap.py`'s order (its imports
and `awslambdaric`'s, then `/var/task` first on `sys.path`, then the handler), regenerated
by `scripts/build_preimported.py`, which also records the exact error lines the client
prints for handlers named like those modules.

## Why is this bad?
The bootstrap imports `json`, `logging`, `os`, `re`, `decimal` and about forty more
modules before it puts `/var/task` first on `sys.path`; `sys.modules` wins over the path,
so a root `logging.py` is never imported, and a handler module named `json` fails with
`Runtime.HandlerNotFound: Handler 'lambda_handler' missing on module 'json'`; a handler
module named `time` with `Runtime.BuiltInModuleConflict: Cannot use built-in module time
as a handler module`. A module the bootstrap has not imported is the other way round: the
root comes before the standard library, so a root `email.py` breaks `http.client` and
`urllib.request` — and every library that uses them — with `No module named
'email.parser'; 'email' is not a package` (and `importlib.metadata` on 3.10 to 3.12, which
needs `email.message`). In one folder a package
directory wins over a module file of the same name, and a module file wins over a
namespace directory (checked with CPython 3.9 to 3.13).

## Example
```yaml
- run: |
    mkdir -p build
    cp -r src/report/* build/
    cd build && zip -r ../report.zip .
```
while `src/report/handler.py` says `from logging import get_logger` and means
`src/report/logging.py`.

## Use instead
Rename the module to a name the standard library and the installed distributions do not
use (`report_logging.py`, and the imports with it), or keep the folder as a package
(`cp -r src build/` and `from src.report.logging import get_logger`).

## Fix safety
No automatic fix: renaming a module changes every import of it, and which name to choose is
yours; the hint says what to rename.

## Exceptions
A module named like a standard-library module inside a package (`app/logging.py`, imported
as `app.logging`) is fine and is not reported, and so is a root module the runtime has
already imported that no code relies on. An error needs a failure the tool is sure of (an
import of a name or a submodule the module that is really imported lacks, a measured
standard-library import that needs a submodule, a handler the runtime cannot load); a module
that only may misbehave (a library may import it, an attribute the code uses may be missing,
another runtime release may have imported it) is a warning.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field

from validator.model import FileKind, Finding, Package, PackageFile, PackageReport, Related, Severity, Span
from validator.model.context import RuleContext
from validator.model.dists import (
    Preimported,
    lookup,
    marker_environments,
    preimported,
    runtime_version,
    shadow_breaks,
    stdlib,
    stdlib_everywhere,
    stdlib_names,
    stdlib_package,
)
from validator.model.explain import (
    handler_module_path,
    hidden_by_root,
    image_build_fails,
    layer_portion,
    root_module,
)
from validator.model.provision import resolve

CODE = "LPK-009"
NAME = "shadowed-module"
SEVERITY = "error"
SUMMARY = "A module at the package root is shadowed by, or shadows, a standard-library or installed module"
FIX = "never"

#: standard-library modules that nothing imports at run time (their shadowing changes nothing)
_NOT_IMPORTED = frozenset({"test", "this", "antigravity", "idlelib", "turtledemo", "__main__", "__future__"})

_OPTIONAL_EXCEPTIONS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


# --------------------------------------------------------------------------- reading the code


@dataclass(eq=False)
class _Use:
    """One import statement of a module the check is about, in a module of the closure."""

    module: str  # dotted, as imported (the base of a ``from`` import)
    names: tuple[str, ...]  # names of a ``from`` import; () for ``import``
    bound: str | None  # the local name an ``import`` binds (``import a.b`` binds ``a``)
    path: str  # repository file
    line: int
    text: str
    in_function: bool
    optional: bool  # inside ``try`` with an ``except ImportError`` (or broader)
    attrs: list[tuple[str, int]] = field(default_factory=list)  # ``bound.attr`` uses (attr, line)

    @property
    def when(self) -> str:
        return "when the function runs" if self.in_function else "at cold start"


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(t, ast.Name) and t.id in _OPTIONAL_EXCEPTIONS for t in types)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _segment(lines: list[str], node: ast.stmt) -> str:
    """The statement's text, on one line (``ast.get_source_segment`` splits the file each call)."""
    first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
    if first < 0 or last >= len(lines):
        return ""
    if first == last:
        return lines[first][node.col_offset:node.end_col_offset]
    parts = [lines[first][node.col_offset:], *lines[first + 1:last], lines[last][:node.end_col_offset]]
    return " ".join(part.strip() for part in parts if part.strip())


def _uses(tree: ast.Module, text: str, path: str) -> list[_Use]:
    """Every absolute import of the module, with its context and the attributes used on it."""
    found: list[_Use] = []
    lines = text.splitlines()

    def visit(nodes: list[ast.stmt], in_function: bool, optional: bool) -> None:
        for node in nodes:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    bound = alias.asname or alias.name.split(".")[0]
                    found.append(_Use(alias.name, (), bound, path, node.lineno,
                                      _segment(lines, node) or alias.name, in_function, optional))
            elif isinstance(node, ast.ImportFrom):
                if node.level or not node.module:
                    continue
                found.append(_Use(node.module, tuple(a.name for a in node.names), None, path, node.lineno,
                                  _segment(lines, node) or node.module, in_function, optional))
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(node.body, True, optional)
            elif isinstance(node, ast.ClassDef):
                visit(node.body, in_function, optional)
            elif isinstance(node, ast.If):
                if not _is_type_checking(node.test):
                    visit(node.body, in_function, optional)
                visit(node.orelse, in_function, optional)
            elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
                guarded = any(_catches_import_error(h) for h in node.handlers)  # type: ignore[attr-defined]
                visit(node.body, in_function, optional or guarded)  # type: ignore[attr-defined]
                for h in node.handlers:  # type: ignore[attr-defined]
                    visit(h.body, in_function, optional)
                visit(node.orelse + node.finalbody, in_function, optional)  # type: ignore[attr-defined]
            elif isinstance(node, (ast.With, ast.AsyncWith, ast.For, ast.AsyncFor, ast.While)):
                visit(node.body, in_function, optional)
                visit(getattr(node, "orelse", []), in_function, optional)

    visit(tree.body, False, False)
    bound = {u.bound for u in found if u.bound}
    if bound:
        stores: set[str] = set()
        attrs: dict[str, list[tuple[str, int]]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in bound \
                    and isinstance(node.ctx, ast.Load):
                attrs.setdefault(node.value.id, []).append((node.attr, node.lineno))
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id in bound:
                stores.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name in bound:
                stores.add(node.name)
        binders: dict[str, int] = {}
        for u in found:
            if u.bound:
                binders[u.bound] = binders.get(u.bound, 0) + 1
        for u in found:
            # a name bound once, by this import, and never assigned: its attributes are this module's
            if u.bound and u.bound not in stores and binders[u.bound] == 1:
                u.attrs = sorted(set(attrs.get(u.bound, [])), key=lambda a: (a[1], a[0]))
    return found


def _defined(tree: ast.Module) -> set[str] | None:
    """The names a module defines at its top level, or None when that cannot be known
    (``from x import *``, a module ``__getattr__``)."""
    names: set[str] = {"__name__", "__file__", "__doc__", "__spec__", "__loader__", "__package__", "__path__",
                       "__builtins__", "__cached__", "__dict__"}
    unknown = False

    def targets(node: ast.expr) -> None:
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, (ast.Tuple, ast.List)):
            for elt in node.elts:
                targets(elt)
        elif isinstance(node, ast.Starred):
            targets(node.value)

    def visit(nodes: list[ast.stmt]) -> None:
        nonlocal unknown
        for node in nodes:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Assign):
                for t in node.targets:
                    targets(t)
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
                targets(node.target)
            elif isinstance(node, ast.Import):
                names.update(a.asname or a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                if any(a.name == "*" for a in node.names):
                    unknown = True
                names.update(a.asname or a.name for a in node.names)
            elif isinstance(node, (ast.For, ast.AsyncFor)):
                targets(node.target)
                visit(node.body + node.orelse)
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if item.optional_vars is not None:
                        targets(item.optional_vars)
                visit(node.body)
            elif isinstance(node, ast.If | ast.While):
                visit(node.body + node.orelse)
            elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
                visit(node.body + node.orelse + node.finalbody)  # type: ignore[attr-defined]
                for h in node.handlers:  # type: ignore[attr-defined]
                    if h.name:
                        names.add(h.name)
                    visit(h.body)
            elif isinstance(node, ast.Expr) and isinstance(node.value, ast.NamedExpr):
                targets(node.value.target)

    visit(tree.body)
    # names made at run time (``globals().update(…)``, ``exec``) cannot be listed
    dynamic = any(isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                  and node.func.id in ("globals", "exec", "setattr", "vars") for node in ast.walk(tree))
    return None if unknown or dynamic or "__getattr__" in names else names


class _Sources:
    """The closure's modules, parsed once per check."""

    def __init__(self, ctx: RuleContext) -> None:
        self.ctx = ctx
        self._trees: dict[str, tuple[ast.Module, str] | None] = {}
        self._uses: dict[str, list[_Use]] = {}

    def tree(self, source: str | None) -> tuple[ast.Module, str] | None:
        if not source:
            return None
        if source not in self._trees:
            text = self.ctx.repo.read_text(source)
            try:
                self._trees[source] = (ast.parse(text), text) if text is not None else None
            except (SyntaxError, ValueError):
                self._trees[source] = None
        return self._trees[source]

    def uses(self, report: PackageReport) -> list[_Use]:
        """Imports in the modules of the handler's closure (once per repository file)."""
        closure, pkg = report.closure, report.package
        if closure is None:
            return []
        out: list[_Use] = []
        seen: set[str] = set()
        for archive_path in closure.modules.values():
            pf = pkg.files.get(archive_path)
            if pf is None or pf.kind is not FileKind.SOURCE or not pf.source or pf.source in seen:
                continue
            seen.add(pf.source)
            if pf.source not in self._uses:
                parsed = self.tree(pf.source)
                self._uses[pf.source] = _uses(parsed[0], parsed[1], pf.source) if parsed is not None else []
            out += self._uses[pf.source]
        return out

    def defined(self, pkg_file: PackageFile) -> set[str] | None:
        parsed = self.tree(pkg_file.source) if pkg_file.kind is FileKind.SOURCE else None
        return _defined(parsed[0]) if parsed is not None else None


# --------------------------------------------------------------------------- the check


@dataclass(eq=False)
class _Item:
    """One import that goes wrong because of a root module, and how surely."""

    use_path: str
    use_line: int
    what: str  # "`from logging import get_logger` in handler.py:3 gets … "
    error: bool
    imports: str  # what the related line says the importer imports


def check(ctx: RuleContext) -> Iterator[Finding]:
    sources = _Sources(ctx)
    for report in ctx.packages:
        pkg = report.package
        if pkg.is_layer or pkg.opaque or image_build_fails(pkg):
            continue
        config = report.link.config if report.link is not None else None
        python = runtime_version(config.runtime) if config is not None else None
        boot = preimported(python)
        handled: set[str] = set()
        for finding, top in _handler_findings(ctx, report, python, boot):
            handled.add(top)
            yield finding
        for finding, top in _hidden_imports(ctx, report, python):
            handled.add(top)  # one finding per root module: the failing import is the one to read
            yield finding
        roots = _roots(pkg)
        installed = _installed(ctx, report, python) if roots else {}
        named = sorted(t for t in roots if t not in handled and (
            (t in stdlib_everywhere(python) and t not in _NOT_IMPORTED) or t in installed))
        uses = sources.uses(report) if named else []  # read the closure's code only when a name is taken
        for top in named:
            root = roots[top]
            found: Finding | None = None
            if top in stdlib_everywhere(python) and top not in _NOT_IMPORTED:
                if top in boot.always or top in boot.maybe:
                    found = _preimported_finding(report, root, top, boot, uses, sources)
                else:
                    found = _shadowing_finding(report, root, top, python, uses, sources)
            if found is None and top in installed and not root.path.endswith("/__init__.py"):
                found = _installed_finding(ctx, report, root, top, installed[top])
            if found is not None:
                yield found


def _roots(pkg: Package) -> dict[str, PackageFile]:
    """Top-level modules at the ZIP root that the workflow put there (copied or written)."""
    tops: set[str] = set()
    for path, pf in pkg.files.items():
        if pf.kind not in (FileKind.SOURCE, FileKind.GENERATED):
            continue
        first, slash, rest = path.partition("/")
        name = first if slash else first.split(".")[0]
        if (rest == "__init__.py" or (not slash and first.endswith((".py", ".pyc", ".so", ".pyd")))) \
                and name.isidentifier():
            tops.add(name)
    out: dict[str, PackageFile] = {}
    for top in tops:
        found = root_module(pkg, top)
        if found is not None:
            out[top] = found
    return out


def _origin(report: PackageReport, pf: PackageFile) -> Span:
    span = pf.origin
    return span if span is not None and span.line > 0 else report.package.span


def _file_related(pf: PackageFile) -> list[Related]:
    return [Related(pf.source, 1, f"the module put at the ZIP root as {pf.path}")] if pf.source else []


def _put(ctx: RuleContext, pf: PackageFile) -> str:
    """How the file got there: "`cp -r src/report/* build/` puts logging.py at the ZIP root"."""
    if pf.origin is not None and ctx.is_workflow(pf.origin.path):
        command = ctx.quote(pf.origin)
        if command:
            return f"`{command}` puts {pf.path} at the ZIP root"
    return f"{pf.path} is at the ZIP root"


def _one(package: str, lead: str, items: list[_Item]) -> tuple[str, bool]:
    errors = [i for i in items if i.error]
    shown = errors or items
    text = f"package {package}: {lead}" + "; ".join(i.what for i in shown[:3])
    if len(shown) > 3:
        text += f"; and {len(shown) - 3} more"
    return text, bool(errors)


# ----------------------------------------------------------------- handler named like a taken module


def _handler_findings(ctx: RuleContext, report: PackageReport, python: str | None,
                      boot: Preimported) -> Iterator[tuple[Finding, str]]:
    link, pkg = report.link, report.package
    if link is None or link.inferred:
        return
    configs = [(link.handler, link.config)] + [(c.handler, c) for c in link.also]
    seen: set[str] = set()
    for handler, config in configs:
        if handler in seen or "." not in handler:
            continue
        seen.add(handler)
        modname, fname = handler.rsplit(".", 1)
        raw_top = modname.split(".")[0]
        dotted = modname.replace("/", ".")
        parts = dotted.split(".")
        top = parts[0]
        wanted = handler_module_path(handler)
        root = (pkg.files.get(wanted) or pkg.files.get(wanted[:-3] + "/__init__.py")) if wanted else None
        if root is None or not fname or not all(p.isidentifier() for p in parts):
            continue  # the package has no such module: LPK-002 reports the handler
        span = config.span if config is not None else pkg.span
        related = [Related(config.span.path, config.span.line, f"handler = {handler}")] if config else []
        if root.origin is not None:
            related.append(Related(root.origin.path, root.origin.line, f"puts {root.path} at the ZIP root"))
        related += _file_related(root)
        hint = (f"rename {root.path} to a name the standard library does not use (and the handler setting "
                "with it)")
        if raw_top in boot.builtin or raw_top in boot.maybe_builtin:
            message = (f"package {pkg.name}: handler {handler} names the built-in module {raw_top}: the runtime "
                       f"refuses it before importing anything, so {root.path} in the package never runs "
                       f"(Runtime.BuiltInModuleConflict: Cannot use built-in module {modname} as a handler module)")
            severity = Severity.ERROR
            if raw_top not in boot.builtin:
                severity = Severity.WARNING
                message += f" — on the Python versions that build {raw_top} in (not every measured one does)"
            yield Finding(CODE, message, span, severity, package=pkg.name, related=related, hint=hint), top
            continue
        if top not in boot.always and top not in boot.maybe:
            continue
        names = stdlib_names(top)
        where = "from the standard library " if top in stdlib(python) else ""
        lead = (f"package {pkg.name}: handler {handler} names the module {top}, which the runtime has already "
                f"imported {where}before it loads the handler, so {root.path} in the package is never imported")
        error: str | None = None
        if len(parts) == 1 and names is not None and fname not in names:
            error = f"Runtime.HandlerNotFound: Handler '{fname}' missing on module '{modname}'"
        elif len(parts) > 1 and names is not None and parts[1] not in names:
            missing = f"No module named '{top}.{parts[1]}'"
            if not stdlib_package(top):
                missing += f"; '{top}' is not a package"
            error = f"Runtime.ImportModuleError: Unable to import module '{modname}': {missing}"
        if error is not None and top in boot.always:
            yield Finding(CODE, f"{lead} ({error})", span, Severity.ERROR, package=pkg.name, related=related,
                          hint=hint), top
        else:
            if top in boot.always:
                why = " (the runtime's module is used instead)"
            elif python:
                why = f" — on Python {python} only some runtime releases import it first"
            else:
                why = " — on the Python versions that import it first (the function's runtime is not known)"
            yield Finding(CODE, lead + why, span, Severity.WARNING, package=pkg.name, related=related,
                          hint=hint), top


# ----------------------------------------------------------------- a pre-imported module's name


def _preimported_finding(report: PackageReport, root: PackageFile, top: str, boot: Preimported,
                         uses: list[_Use], sources: _Sources) -> Finding | None:
    """A root module named like a standard-library module the runtime has already imported:
    the code that imports it gets the standard library's.  Reported when the code relies on
    the root file: it imports or uses a name only the root file defines."""
    std = stdlib_names(top)
    if std is None:
        return None
    own = sources.defined(root)
    is_package = root.path.endswith("/__init__.py")
    if own is not None and is_package:
        own |= _children(report, top)
    items: list[_Item] = []
    for use in uses:
        if use.module != top and not use.module.startswith(top + "."):
            continue
        site = f"{use.path}:{use.line}"
        if use.module != top:
            sub = use.module.split(".")[1]
            if sub not in std and is_package and sub in _children(report, top):
                missing = f"No module named '{top}.{sub}'" + ("" if stdlib_package(top) else
                                                               f"; '{top}' is not a package")
                items.append(_Item(use.path, use.line, f"`{use.text}` in {site} gets the standard library's {top}, "
                                   f"which has no {sub}: the import fails {use.when} ({missing})",
                                   not use.optional, f"imports {use.module}"))
            continue
        lacking = [n for n in use.names if n != "*" and n not in std and (own is None or n in own)]
        if lacking:
            items.append(_Item(use.path, use.line, f"`{use.text}` in {site} gets the standard library's {top}, "
                               f"which has no {', '.join(lacking)}: the import fails {use.when} (ImportError: cannot "
                               f"import name '{lacking[0]}' from '{top}')", not use.optional,
                               f"imports {', '.join(lacking)} from {top}"))
            continue
        attrs = [(a, line) for a, line in use.attrs if a not in std and own is not None and a in own]
        if attrs:
            name, line = attrs[0]
            items.append(_Item(use.path, line, f"{use.path}:{line} uses {top}.{name}, which the standard library's "
                               f"{top} does not define (AttributeError when that line runs)", False,
                               f"uses {top}.{name}"))
            continue
        theirs = sorted({n for n in use.names if own is not None and n in own}
                        | {a for a, _ in use.attrs if own is not None and a in own})
        if theirs:
            items.append(_Item(use.path, use.line, f"`{use.text}` in {site} gets the standard library's "
                               f"{', '.join(theirs)}, not the root file's", False, f"imports {top}"))
    if not items:
        return None
    maybe = top not in boot.always
    lead = (f"{root.path} at the ZIP root is never imported: the runtime imported the standard library's {top} "
            f"before the handler{' (some runtime releases do)' if maybe else ''}, so ")
    message, error = _one(report.package.name, lead, items)
    severity = Severity.ERROR if error and not maybe else Severity.WARNING
    related = [Related(i.use_path, i.use_line, i.imports) for i in items] + _file_related(root)
    return Finding(CODE, message, _origin(report, root), severity, package=report.package.name, related=related,
                   hint=f"rename {root.path} to a name the standard library does not use, and import it by that name")


def _children(report: PackageReport, top: str) -> set[str]:
    """Submodules and subpackages a root package holds."""
    prefix = top + "/"
    out: set[str] = set()
    for path in report.package.files:
        if path.startswith(prefix):
            first = path[len(prefix):].split("/")[0]
            name = first[:-3] if first.endswith(".py") else first
            if name and name != "__init__" and name.isidentifier():
                out.add(name)
    return out


# ----------------------------------------------------------------- shadowing the standard library


def _shadowing_finding(report: PackageReport, root: PackageFile, top: str, python: str | None,
                       uses: list[_Use], sources: _Sources) -> Finding | None:
    """A root module named like a standard-library module the runtime has not imported: it is
    what every ``import`` of that name gets."""
    pkg = report.package
    is_package = root.path.endswith("/__init__.py")
    own = sources.defined(root)
    if own is not None and is_package:
        own |= _children(report, top)
    items: list[_Item] = []
    for use in uses:
        site = f"{use.path}:{use.line}"
        if use.module == top and own is not None:
            lacking = [n for n in use.names if n != "*" and n not in own]
            if lacking:
                items.append(_Item(use.path, use.line, f"it defines no {', '.join(lacking)}: `{use.text}` in {site} "
                                   f"fails {use.when} (ImportError: cannot import name '{lacking[0]}' from '{top}')",
                                   not use.optional, f"imports {', '.join(lacking)} from {top}"))
            continue
        if use.module.split(".")[0] == top:
            continue  # a submodule of the root file: the closure and LPK-001 (or hidden_by_root) see it
        if is_package:
            continue  # the measured failures are those of a module file
        for imported in _imported_modules(use):
            broken = shadow_breaks(imported, top, python)
            if broken is not None:
                items.append(_Item(use.path, use.line, f"`{use.text}` in {site}: {imported} imports a submodule of "
                                   f"{top}, so the import fails {use.when} ({broken})", not use.optional,
                                   f"imports {imported}"))
                break
    importers = sorted({f"{u.path}:{u.line}" for u in uses if u.module.split(".")[0] == top})
    if not items:
        by = f" ({', '.join(importers[:3])} import{'s' if len(importers) == 1 else ''} it as {top})" \
            if importers else ""
        message = (f"package {pkg.name}: {root.path} at the ZIP root shadows the standard library's {top} for every "
                   f"module of the function (the ZIP root comes before the standard library on sys.path): "
                   f"standard-library modules and installed libraries that import {top} get this file{by}")
        related = [Related(u.path, u.line, f"imports {top}") for u in uses if u.module.split(".")[0] == top]
        return Finding(CODE, message, _origin(report, root), Severity.WARNING, package=pkg.name,
                       related=related + _file_related(root),
                       hint=f"rename {root.path} to a name the standard library does not use, and import it by "
                            "that name")
    lead = (f"{root.path} at the ZIP root shadows the standard library's {top} (the ZIP root comes before the "
            f"standard library on sys.path), and ")
    message, error = _one(pkg.name, lead, items)
    related = [Related(i.use_path, i.use_line, i.imports) for i in items] + _file_related(root)
    return Finding(CODE, message, _origin(report, root), Severity.ERROR if error else Severity.WARNING,
                   package=pkg.name, related=related,
                   hint=f"rename {root.path} to a name the standard library does not use, and import it by that name")


def _imported_modules(use: _Use) -> list[str]:
    """The modules an import statement imports: ``a.b`` (and ``a``), or ``a.b.name`` when the
    name may be a submodule."""
    parts = use.module.split(".")
    out = [".".join(parts[:i]) for i in range(len(parts), 0, -1)]
    return [f"{use.module}.{n}" for n in use.names if n != "*"] + out


# ----------------------------------------------------------------- an installed distribution's name


def _installed(ctx: RuleContext, report: PackageReport, python: str | None) -> dict[str, tuple[str, Span]]:
    """Top-level modules that installs into the archive root provide -> (distribution, pip line)."""
    config = report.link.config if report.link is not None else None
    envs = marker_environments(python, config.architectures if config is not None else None)
    out: dict[str, tuple[str, Span]] = {}
    for pip in report.package.pip_installs:
        if pip.prefix.strip("/") not in ("", "."):
            continue
        prov = resolve(pip, envs, ctx.repo)
        for module, provided in prov.modules.items():
            if "." not in module and (dist := lookup(provided.dist)) is not None:
                out.setdefault(module, (dist.name, pip.span))
    return out


def _installed_finding(ctx: RuleContext, report: PackageReport, root: PackageFile, top: str,
                       installed: tuple[str, Span]) -> Finding:
    dist, span = installed
    pkg = report.package
    pip = ctx.quote(span) if ctx.is_workflow(span.path) else ""
    by = f"`{pip}`" if pip else "the pip install into the package"
    message = (f"package {pkg.name}: {_put(ctx, root)}, and {by} installs the distribution {dist}, which provides "
               f"{top} too: only one of them can be imported (in one folder a package directory {top}/ wins over "
               f"{top}.py, and a module file of the same name replaces the other), so the code that means the "
               "other gets the wrong module")
    related = [Related(span.path, span.line, f"installs {dist}"), *_file_related(root)]
    return Finding(CODE, message, _origin(report, root), Severity.WARNING, package=pkg.name, related=related,
                   hint=f"rename {root.path} to a name no installed distribution uses")


# ----------------------------------------------------------------- imports a root module hides


def _portion_provider(module: str) -> str | None:
    """The distribution the data knows to install ``module`` as a namespace portion."""
    from validator.model.dists import providers

    for key in providers(module):
        dist = lookup(key)
        if dist is not None and any("." in m and module.startswith(m.split(".")[0] + ".") for m in dist.modules):
            return dist.name
    return None


def _hidden_imports(ctx: RuleContext, report: PackageReport, python: str | None) -> Iterator[tuple[Finding, str]]:
    """Dotted imports that fail because of the root module of their first name: a module file
    where a package is needed, a regular package where a namespace's portions are installed."""
    pkg, closure = report.package, report.closure
    if closure is None:
        return
    sites: dict[str, list[tuple[str, int, str, bool]]] = {}  # root path -> (importer, line, module, in function)
    files: dict[str, tuple[PackageFile, str]] = {}
    candidates = [(u.module, u.site.path, u.site.line, u.site.in_function) for u in report.unresolved()
                  if u.reason in ("", "missing")]
    candidates += [(leaf.module, leaf.site.path, leaf.site.line, leaf.site.in_function) for leaf in closure.third_party
                   if leaf.provided_by == "pip" and not leaf.site.optional]
    for module, path, line, in_function in candidates:
        found = hidden_by_root(report, ctx.repo, module, python)
        if found is None:
            continue
        pf, how = found
        files[pf.path] = (pf, how)
        entry = (path, line, module, in_function)
        if entry not in sites.setdefault(pf.path, []):
            sites[pf.path].append(entry)
    for path, entries in sorted(sites.items()):
        pf, how = files[path]
        top = entries[0][2].split(".")[0]
        module = entries[0][2]
        when = "when the function runs" if all(e[3] for e in entries) else "at cold start"
        importers = ", ".join(f"{p}:{line}" for p, line, _m, _f in entries[:3])
        portion = _portion_provider(module)
        if how == "module-file":
            whose = (f"the standard library's package {top}" if top in stdlib(python)
                     else f"the namespace package {top}" + (f" ({portion} installs {module} into it)" if portion else ""))
            message = (f"package {pkg.name}: {_put(ctx, pf)}, a module file, so {top} is not a package and "
                       f"{module} cannot be imported ({importers}): the import fails {when} (No module named "
                       f"'{module}'; '{top}' is not a package); it hides {whose}")
            hint = f"rename {pf.path} (and the imports of it) to a name no package uses"
        else:
            layer = layer_portion(report, module)
            if layer:
                why = f"the function's {layer} holds {module}"
            else:
                why = f"{portion} installs {module} as a portion of it" if portion else ""
            message = (f"package {pkg.name}: {_put(ctx, pf)}, which makes {top} a regular package, so {module} is "
                       f"looked up only inside the package's {top}/ folder ({importers}): the import fails {when} "
                       f"(No module named '{module}'); {top} is a namespace package" + (f" ({why})" if why else "")
                       + ", and its portions on other sys.path entries, such as layers, are hidden")
            if layer:
                hint = (f"leave {pf.path} out of the package: without it {top} stays a namespace package and "
                        f"joins the layer's {module}")
            else:
                what = portion or f"the distribution that provides {module}"
                hint = (f"leave {pf.path} out of the package, or install {what} into the package root, where its "
                        f"files join the {top}/ folder")
        related = [Related(p, line, f"imports {m}") for p, line, m, _f in entries] + _file_related(pf)
        yield Finding(CODE, message, _origin(report, pf), Severity.ERROR, package=pkg.name, related=related,
                      hint=hint), top
