"""The rule catalogue: one module per rule, found by scanning this package, plus
third-party rules registered under the ``validate_imports.rules`` entry point.

A rule module defines ``CODE``, ``NAME``, ``SEVERITY``, ``SUMMARY``, ``FIX``
(``"always"``, ``"sometimes"`` or ``"never"``), a Markdown module docstring (the
rule's page: *What it does*, *Why is this bad?*, *Example*, *Use instead*, *Fix
safety*) and ``check(ctx) -> Iterable[Finding]``.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Any

from validator.model import Finding, Severity
from validator.model.base import FrozenRecord

ENTRY_POINT_GROUP = "validate_imports.rules"
CODE_PATTERN = re.compile(r"^[A-Z]{2,5}-\d{3}$")
RULE_MODULE = re.compile(r"^[a-z]+\d{3}_\w*\.py$")


@dataclass(frozen=True, eq=False, repr=False)
class Rule(FrozenRecord):
    code: str
    name: str
    severity: Severity
    summary: str
    fix: str
    doc: str
    check: Callable[[Any], Iterable[Finding]]
    module: str

    @property
    def title(self) -> str:
        return f"{self.code} {self.name}"


class RuleError(Exception):
    """A rule module is malformed (a programming error in a rule, reported with exit 2)."""


def rule_from_module(module: ModuleType) -> Rule:
    missing = [a for a in ("CODE", "NAME", "SEVERITY", "SUMMARY", "FIX", "check") if not hasattr(module, a)]
    if missing or not module.__doc__:
        raise RuleError(f"rule module {module.__name__} lacks {', '.join(missing) or 'a docstring'}")
    if not CODE_PATTERN.match(module.CODE):
        raise RuleError(f"rule module {module.__name__} has a malformed code {module.CODE!r}")
    if module.FIX not in ("always", "sometimes", "never"):
        raise RuleError(f"rule {module.CODE}: FIX must be always, sometimes or never")
    return Rule(
        code=module.CODE,
        name=module.NAME,
        severity=Severity(module.SEVERITY),
        summary=module.SUMMARY,
        fix=module.FIX,
        doc=module.__doc__.strip() + "\n",
        check=module.check,
        module=module.__name__,
    )


@cache
def all_rules() -> tuple[Rule, ...]:
    """Every rule, sorted by code; built-in modules first, then entry points."""
    found: dict[str, Rule] = {}
    modules = [importlib.import_module(f"{__name__}.{name}") for name in _rule_module_names()]
    if _group_may_be_registered():
        from importlib.metadata import entry_points

        modules.extend(ep.load() for ep in entry_points(group=ENTRY_POINT_GROUP))
    for module in modules:
        rule = rule_from_module(module)
        if rule.code in found:
            raise RuleError(f"rule code {rule.code} is defined twice ({found[rule.code].module}, {rule.module})")
        found[rule.code] = rule
    return tuple(sorted(found.values(), key=lambda r: r.code))


def _rule_module_names() -> list[str]:
    """The modules of this package named like a rule (``lpk003_...``), in name order."""
    names: set[str] = set()
    for folder in __path__:
        try:
            names.update(entry[:-3] for entry in os.listdir(folder) if RULE_MODULE.match(entry))
        except OSError:  # not a folder (a zip import): ask the import system
            import pkgutil

            names.update(info.name for info in pkgutil.iter_modules([folder]) if RULE_MODULE.match(info.name + ".py"))
    return sorted(names)


def _group_may_be_registered() -> bool:
    """Whether some installed distribution may declare a rule entry point.

    ``importlib.metadata`` costs tens of milliseconds to import and to scan; a text search
    of the ``entry_points.txt`` files on ``sys.path`` answers "no" for most installs.
    Anything it cannot see through (a zip on the path, a finder with its own
    distributions) counts as "maybe", and then ``importlib.metadata`` decides."""
    from importlib.machinery import PathFinder

    if any(hasattr(f, "find_distributions") and f is not PathFinder for f in sys.meta_path):
        return True
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            if os.path.isfile(entry):
                return True
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            try:
                with open(os.path.join(entry or ".", name, "entry_points.txt"), encoding="utf-8",
                          errors="replace") as fh:
                    if ENTRY_POINT_GROUP in fh.read():
                        return True
            except OSError:
                continue
    return False


def get_rule(code: str) -> Rule | None:
    code = code.upper()
    return next((r for r in all_rules() if r.code == code), None)
