"""The import closure of a handler and what it could not resolve."""

from __future__ import annotations

from dataclasses import dataclass, field

from validator.model.base import Record


@dataclass(eq=False, repr=False)
class ImportSite(Record):
    """One import statement (or ``importlib.import_module`` call) in a source file."""

    module: str  # absolute dotted name it asks for (after resolving relative levels)
    path: str  # repository-relative source file
    line: int
    text: str  # as written: ``from src.lambdas.ingestion.alerting import send``
    level: int = 0  # relative import level (0 = absolute)
    in_function: bool = False  # runs only when the function is called
    optional: bool = False  # inside try/except ImportError with a fallback that needs nothing
    alternatives: tuple[str, ...] = ()  # other branches of a try/except ImportError chain
    names: tuple[str, ...] = ()  # the names a ``from`` import takes (``EmailStr``; "*" for a star import)


@dataclass(eq=False, repr=False)
class UnresolvedImport(Record):
    """A first-party module the handler reaches that is not in the package at its import path."""

    site: ImportSite
    module: str  # the module that failed (may be a parent of site.module)
    chain: list[str]  # handler module -> … -> importing module
    #: repository file that holds this module (where the code really is), if known
    repo_path: str | None = None
    reason: str = ""  # "missing", "relative-import-in-top-level-module"


@dataclass(eq=False, repr=False)
class ThirdPartyLeaf(Record):
    """A non-first-party module the closure needs: checked by LPK-005, kept in the model now."""

    module: str
    site: ImportSite
    chain: list[str]
    provided_by: str | None = None  # "stdlib", "runtime", "pip", "layer", None = not provided
    #: the import chain as file:line steps (``handler.py:12``, ``shared/adapters/tiingo.py:3``)
    trail: list[str] = field(default_factory=list)


@dataclass(eq=False, repr=False)
class CodeSyntaxError(Record):
    """A module of the closure that the function's Python cannot compile: importing it
    raises ``SyntaxError`` (``Runtime.UserCodeSyntaxError`` for the handler's import)."""

    path: str  # repository (or archive) file
    line: int
    message: str  # the compiler's, with the version that refuses it
    chain: list[str] = field(default_factory=list)  # handler module -> ... -> this module
    cold: bool = True  # reached by module-level imports from the handler (fails at cold start)


@dataclass(eq=False, repr=False)
class SymbolUse(Record):
    """A use of a symbol of the extras table (``validator.model.extras``) in a reached module:
    a call (``Tracer()``, ``httpx.Client(http2=True)``) or a field (a model field annotated
    ``EmailStr``, a route parameter ``File(...)``, reported at the route's decorator)."""

    symbol: str  # dotted import path (``pydantic.EmailStr``)
    how: str  # "call", "field" (a class field) or "parameter" (of a decorated function; the line is the decorator's)
    path: str  # repository-relative source file
    line: int
    column: int
    end_line: int
    end_column: int
    text: str  # the call, the field, or the decorator as written
    in_function: bool = False  # runs only when a function is called
    #: a call's keyword arguments: True/False for a constant, None for another value
    keywords: tuple[tuple[str, bool | None], ...] = ()
    caught: tuple[str, ...] = ()  # exceptions the ``try`` statements around it catch
    optional: bool = False  # its module is reached only through optional imports
    chain: list[str] = field(default_factory=list)  # handler module -> … -> the using module
    trail: list[str] = field(default_factory=list)  # the chain as file:line steps


@dataclass(eq=False, repr=False)
class ImportClosure(Record):
    """The handler's import closure inside one package."""

    handler_module: str  # dotted (``src.lambdas.ingestion.handler``)
    handler_file: str | None  # archive path of the module file, None when missing
    handler_function_found: bool | None  # None when the module is missing or unparseable
    modules: dict[str, str] = field(default_factory=dict)  # reached module -> archive path
    unresolved: list[UnresolvedImport] = field(default_factory=list)
    third_party: list[ThirdPartyLeaf] = field(default_factory=list)
    extra_roots: list[str] = field(default_factory=list)  # sys.path additions (archive paths)
    problems: list[str] = field(default_factory=list)  # unparseable files etc.
    #: modules the function's Python certainly cannot compile (reported as errors)
    syntax_errors: list[CodeSyntaxError] = field(default_factory=list)
    symbol_uses: list[SymbolUse] = field(default_factory=list)  # uses of the extras table's symbols
