"""A plausible handler read from the package tree when nothing declares one.

Used only as a last resort: the result is marked inferred, so no rule may report
"handler not found" against it, but the import closure still gets checked from a
real entry module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from validator.handlers import patterns
from validator.model import FileKind, Package, PackageFile
from validator.model.base import Record
from validator.model.repo import Repo

#: entry modules in the order people (and AWS templates) use them, with the function
#: name to assume when the source cannot be read
ENTRY_MODULES: tuple[tuple[str, str], ...] = (
    ("lambda_function", "lambda_handler"),
    ("handler", "lambda_handler"),
    ("app", "handler"),
    ("main", "handler"),
    ("index", "handler"),
    ("lambda_handler", "lambda_handler"),
)
FUNCTION_NAMES = ("lambda_handler", "handler", "main")
_DEF = re.compile(r"^(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)[ \t]*\(([^)]*)", re.M)
_ASSIGN = re.compile(r"^([A-Za-z_]\w*)[ \t]*(?::[^=\n]*)?=(?!=)", re.M)
_SKIP_PARTS = frozenset({"tests", "test", "site-packages", "dist-packages", "node_modules", "__pycache__"})


@dataclass(eq=False, repr=False)
class Inferred(Record):
    handler: str
    path: str  # archive path of the entry module
    why: str


def infer_handler(package: Package, repo: Repo | None = None) -> Inferred | None:
    """The root entry module if there is one, else a unique nested one (preferring a
    folder named like the package), with the function its source defines."""
    files = {p: f for p, f in package.files.items() if f.kind is not FileKind.INSTALLED}
    installed_tops = {p.split("/", 1)[0] for p, f in package.files.items() if f.kind is FileKind.INSTALLED}
    for module, default in ENTRY_MODULES:
        f = files.get(f"{module}.py")
        if f is not None:
            func = _function(f, repo, default)
            if func:
                return Inferred(f"{module}.{func}", f.path, f"{f.path} at the package root defines {func}")
    nested: list[tuple[str, PackageFile, str]] = []
    for path, f in files.items():
        parts = path.split("/")
        if len(parts) < 2 or parts[0] in installed_tops or _SKIP_PARTS.intersection(parts):
            continue
        if not all(p.isidentifier() for p in parts[:-1]):
            continue  # not importable as a dotted path
        stem = parts[-1][:-3] if parts[-1].endswith(".py") else ""
        for module, default in ENTRY_MODULES:
            if stem == module:
                func = _function(f, repo, default)
                if func:
                    nested.append((path, f, func))
                break
    if not nested:
        return None
    want = patterns.name_tokens(package.name)
    named = [n for n in nested if patterns.name_tokens(n[0].split("/")[-2]) == want]
    pick = named if len(named) == 1 else nested if len(nested) == 1 else []
    if not pick:
        return None
    path, f, func = pick[0]
    dotted = path[:-3].replace("/", ".")
    where = "the only entry module" if len(nested) == 1 else f"the entry module in the folder named {package.name}"
    return Inferred(f"{dotted}.{func}", path, f"{path} is {where} in the package and defines {func}")


def _function(f: PackageFile, repo: Repo | None, default: str) -> str | None:
    """The handler-like function the module defines; ``default`` when its source is not
    readable; None when it is readable and defines nothing that could be a handler."""
    text = repo.read_text(f.source) if repo is not None and f.source else None
    if text is None:
        return default
    defs = {m.group(1): m.group(2) for m in _DEF.finditer(text)}
    assigned = {m.group(1) for m in _ASSIGN.finditer(text)}
    event_context = [n for n, params in defs.items()
                     if re.match(r"\s*(_?event|evt|e)\b\s*(:[^,]*)?,\s*_?(context|ctx)\b", params)]
    for name in FUNCTION_NAMES:
        if name in event_context:
            return name
    for name in FUNCTION_NAMES:
        if name in defs or name in assigned:
            return name
    return event_context[0] if event_context else None
