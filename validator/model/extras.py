"""Optional dependencies a used symbol needs: "using this symbol needs that distribution".

A library may import a dependency only when one of its features is used: pydantic's
``EmailStr`` needs ``email-validator`` when a model with such a field is defined,
Powertools' ``Tracer()`` needs ``aws-xray-sdk``, ``httpx.Client(http2=True)`` needs ``h2``.
Installing the library alone then builds a package that fails at that point.  The shipped
table (``data/extras.json``) lists such needs, each checked against the library's own
source by installing it without the extra and running the use; the configuration
(``[[tool.validate-imports.extras]]``) adds entries of the same shape.

Kinds of use, which decide where the failure happens:

- ``import``: importing the symbol (a module) fails;
- ``call``: calling the symbol fails (``Tracer()``);
- ``call-keyword``: calling it with ``keyword`` true fails (``default``: the value when
  the keyword is not given);
- ``field``: the symbol as the annotation of a field of a class with bases or decorators
  (a pydantic model, a dataclass), or as the annotation or default of a parameter of a
  decorated function (a FastAPI route): the class definition or the decorator fails.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from validator.model.base import FrozenRecord
from validator.model.imports import ImportClosure

_DATA = Path(__file__).resolve().parent / "data" / "extras.json"

KINDS = ("import", "call", "call-keyword", "field")
_FIELDS = ("symbol", "aliases", "distribution", "needs", "extra", "kind", "keyword", "default", "fails", "error",
           "source", "verified")


@dataclass(frozen=True, eq=False, repr=False)
class SymbolNeed(FrozenRecord):
    """One entry: using ``symbol`` (a dotted import path) needs distribution ``needs``."""

    symbol: str  # ``pydantic.EmailStr``, ``aws_lambda_powertools.utilities.parser``
    needs: str  # the distribution the use needs (``email-validator``)
    kind: str = "import"  # one of KINDS
    #: the distribution that holds the symbol (``pydantic``); "" = the one that provides its top module
    distribution: str = ""
    extra: str | None = None  # the requirement with the extra that brings ``needs`` (``pydantic[email]``)
    aliases: tuple[str, ...] = ()  # other import paths of the same object (``pydantic.networks.EmailStr``)
    keyword: str | None = None  # ``call-keyword``: the keyword argument (``http2``)
    default: bool = False  # ``call-keyword``: its value when the call does not pass it
    fails: str = ""  # when it fails (``when a model with such a field is defined``)
    error: str = ""  # what it raises, as the library says it (``ImportError: email-validator is not …``)
    source: str = ""  # where the library's source shows it
    verified: str = ""  # how the entry was checked
    origin: str = "data"  # "data", or the configuration file it came from

    @property
    def symbols(self) -> tuple[str, ...]:
        return (self.symbol, *self.aliases)

    @property
    def raises(self) -> str:
        """The exception's name (``ImportError``); ImportError when the entry does not say."""
        head = self.error.split(":", 1)[0].strip()
        return head if head.isidentifier() else "ImportError"

    @property
    def extra_name(self) -> str | None:
        """``pydantic[email]`` -> ``email``."""
        if not self.extra or "[" not in self.extra:
            return None
        return self.extra.split("[", 1)[1].split("]", 1)[0].strip() or None


def from_mapping(raw: Mapping[str, Any], origin: str = "data") -> SymbolNeed:
    """An entry from its table (the data file or the configuration); ValueError names the
    field that is wrong."""
    unknown = sorted(set(raw) - set(_FIELDS))
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r} (expected {', '.join(_FIELDS)})")

    def text(key: str, required: bool = False) -> str | None:
        value = raw.get(key)
        if value is None:
            if required:
                raise ValueError(f"{key}: required")
            return None
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{key}: expected a non-empty string, got {value!r}")
        return value.strip()

    symbol = text("symbol", True) or ""
    if not all(part.isidentifier() for part in symbol.split(".")):
        raise ValueError(f"symbol: expected a dotted import path such as pydantic.EmailStr, got {symbol!r}")
    kind = text("kind") or "import"
    if kind not in KINDS:
        raise ValueError(f"kind: expected one of {', '.join(KINDS)}, got {kind!r}")
    keyword = text("keyword")
    if kind == "call-keyword" and (keyword is None or not keyword.isidentifier()):
        raise ValueError("keyword: a call-keyword entry names the keyword argument (keyword = \"http2\")")
    default = raw.get("default", False)
    if not isinstance(default, bool):
        raise ValueError(f"default: expected true or false, got {default!r}")
    aliases = raw.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
        raise ValueError("aliases: expected a list of dotted import paths")
    return SymbolNeed(symbol=symbol, needs=text("needs", True) or "", kind=kind,
                      distribution=text("distribution") or "", extra=text("extra"), aliases=tuple(aliases),
                      keyword=keyword, default=default,
                      fails=text("fails") or "", error=text("error") or "", source=text("source") or "", verified=text("verified") or "",
                      origin=origin)


@cache
def shipped() -> tuple[SymbolNeed, ...]:
    """The shipped table."""
    with open(_DATA, encoding="utf-8") as fh:
        raw = json.load(fh)
    return tuple(from_mapping(entry) for entry in raw["entries"])


def table(extra: Iterable[SymbolNeed] = ()) -> tuple[SymbolNeed, ...]:
    """The shipped entries and the configured ones (a configured entry for the same symbol
    and needed distribution replaces the shipped one)."""
    added = list(extra)
    keys = {(s, e.needs) for e in added for s in e.symbols}
    return (*(e for e in shipped() if not any((s, e.needs) in keys for s in e.symbols)), *added)


def watched(entries: Iterable[SymbolNeed]) -> frozenset[str]:
    """Every dotted path whose uses the import closure records (calls and fields)."""
    return frozenset(s for e in entries if e.kind != "import" for s in e.symbols)


#: what an ``except`` of each name catches besides itself
_CAUGHT_BY = {"ModuleNotFoundError": ("ImportError", "Exception", "BaseException"),
              "ImportError": ("Exception", "BaseException"), "RuntimeError": ("Exception", "BaseException")}


@dataclass(frozen=True, eq=False, repr=False)
class NeedUse(FrozenRecord):
    """A use in the import closure that needs ``need.needs``: where, and what fails there."""

    need: SymbolNeed
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    text: str  # the import, call, field or decorator as written
    what: str  # "the import", "the call", "the class definition", "the decorator"
    in_function: bool
    trail: tuple[str, ...]  # handler file:line -> … -> the use


def catches(caught: Iterable[str], raised: str) -> bool:
    """Whether an ``except`` naming one of ``caught`` catches ``raised``."""
    names = {raised, *_CAUGHT_BY.get(raised, ("Exception", "BaseException"))}
    return any(c in names for c in caught)


def uses_needing(closure: ImportClosure, entries: Iterable[SymbolNeed]) -> list[NeedUse]:
    """The uses in ``closure`` that need an entry's distribution, in closure order: imports
    of an ``import`` entry's module (not optional), calls (with the keyword true for a
    ``call-keyword`` entry; a keyword whose value is not a constant is not counted), fields
    and decorated parameters; none that an enclosing ``try`` catches."""
    out: list[NeedUse] = []
    entries = list(entries)
    imports = [e for e in entries if e.kind == "import"]
    for leaf in closure.third_party if imports else ():
        site = leaf.site
        if site.optional:
            continue
        names = [leaf.module, *(f"{leaf.module}.{n}" for n in site.names if n != "*")]
        for entry in imports:
            if any(n == s or n.startswith(s + ".") for n in names for s in entry.symbols):
                out.append(NeedUse(entry, site.path, site.line, 1, site.line, 1, site.text, "the import",
                                   site.in_function, tuple(leaf.trail) or (f"{site.path}:{site.line}",)))
    by_symbol: dict[str, list[SymbolNeed]] = {}
    for entry in entries:
        if entry.kind != "import":
            for s in entry.symbols:
                by_symbol.setdefault(s, []).append(entry)
    for use in closure.symbol_uses:
        if use.optional:
            continue
        for entry in by_symbol.get(use.symbol, []):
            if catches(use.caught, entry.raises):
                continue
            if entry.kind == "field" and use.how in ("field", "parameter"):
                what = "the class definition" if use.how == "field" else "the decorator"
            elif entry.kind == "call" and use.how == "call":
                what = "the call"
            elif entry.kind == "call-keyword" and use.how == "call" and entry.keyword is not None:
                given = dict(use.keywords)
                value = given.get(entry.keyword, entry.default)
                if value is not True:
                    continue  # false, or not known statically
                what = "the call"
            else:
                continue
            out.append(NeedUse(entry, use.path, use.line, use.column, use.end_line, use.end_column, use.text, what,
                               use.in_function, tuple(use.trail) or (f"{use.path}:{use.line}",)))
    return out
