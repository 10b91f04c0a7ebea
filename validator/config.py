"""Project configuration: ``[tool.validate-imports]`` in ``pyproject.toml`` or ``.validate-imports.toml``.

Rule selection follows ruff so that users need not learn a second model:
``select`` / ``extend-select`` / ``ignore`` take codes or prefixes (``LPK``,
``LPK00``, ``LPK-003``), the more specific selector wins and ``ignore`` wins a
tie, command-line flags form a later layer that overrides the file, and
``per-file-ignores`` removes rules for matching repository paths last.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from validator.model.base import FrozenRecord, Record
from validator.model.extras import SymbolNeed, from_mapping

if TYPE_CHECKING:
    from types import ModuleType

CONFIG_FILE = ".validate-imports.toml"
PYPROJECT = "pyproject.toml"
TOOL_TABLE = "validate-imports"

_SELECTOR = re.compile(r"^([A-Z]+)-?(\d{0,3})$")
_PYTHON_VERSION = re.compile(r"^(?:python)?(3\.\d{1,2})$")


class ConfigError(Exception):
    """A configuration or selection problem; its message is one line naming the file and key."""


@dataclass(frozen=True, eq=False, repr=False)
class PackageMapping(FrozenRecord):
    """An explicit package → handler link (the first link the engine tries)."""

    handler: str
    #: repository folder whose code the package holds (``src/lambdas/ingestion``), if given
    source: str | None = None


@dataclass(frozen=True, eq=False, repr=False)
class RuleSelection(FrozenRecord):
    """One layer of rule selection (the file, then the command line)."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()


@dataclass(eq=False, repr=False)
class Config(Record):
    """Settings for one run; defaults mean "check every workflow with every rule"."""

    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    #: workflow files or globs, relative to the repository root; empty = all of ``.github/workflows``
    workflows: list[str] = field(default_factory=list)
    packages: dict[str, PackageMapping] = field(default_factory=dict)
    #: modules the Lambda runtime provides besides the built-in list
    runtime_modules: list[str] = field(default_factory=list)
    #: Lambda Python version (``3.12``) when no function declares one
    python_version: str | None = None
    #: more "using this symbol needs that distribution" entries (``[[tool.validate-imports.extras]]``)
    extras: list[SymbolNeed] = field(default_factory=list)
    #: the file the settings came from (None: defaults)
    source: Path | None = None
    #: selection layers applied after the file's (command-line flags)
    overrides: list[RuleSelection] = field(default_factory=list)

    def with_overrides(
        self,
        *,
        select: Sequence[str] | None = None,
        ignore: Sequence[str] | None = None,
        extend_select: Sequence[str] | None = None,
        per_file_ignores: dict[str, list[str]] | None = None,
        workflows: Sequence[str] | None = None,
        python_version: str | None = None,
    ) -> Config:
        """The config with command-line values on top (flags override the file, as in ruff)."""
        layers = list(self.overrides)
        if select is not None or ignore or extend_select:
            layers.append(
                RuleSelection(
                    select=tuple(select) if select is not None else None,
                    ignore=tuple(ignore or ()),
                    extend_select=tuple(extend_select or ()),
                )
            )
        merged_pfi = dict(self.per_file_ignores)
        for pattern, codes in (per_file_ignores or {}).items():
            merged_pfi[pattern] = [*merged_pfi.get(pattern, []), *codes]
        return replace(
            self,
            overrides=layers,
            per_file_ignores=merged_pfi,
            workflows=list(workflows) if workflows is not None else self.workflows,
            python_version=_python_version(python_version, "--python-version", None)
            if python_version is not None
            else self.python_version,
        )

    def layers(self) -> list[RuleSelection]:
        """The selection layers in the order they apply."""
        file_layer = RuleSelection(
            select=tuple(self.select) if self.select is not None else None,
            ignore=tuple(self.ignore),
            extend_select=tuple(self.extend_select),
        )
        return [file_layer, *self.overrides]

    def check_codes(self, known: Iterable[str]) -> None:
        """Raise ConfigError when a selector in the file or the flags names no known rule."""
        known = list(known)
        where = _display(self.source) if self.source else None
        for key, codes in (
            ("select", self.select or []),
            ("ignore", self.ignore),
            ("extend-select", self.extend_select),
        ):
            validate_codes(codes, known, where=f"{where}: {key}" if where else key)
        for pattern, codes in self.per_file_ignores.items():
            label = f"per-file-ignores[{pattern!r}]"
            validate_codes(codes, known, where=f"{where}: {label}" if where else label)
        for layer in self.overrides:
            validate_codes(layer.select or (), known, where="--select")
            validate_codes(layer.ignore, known, where="--ignore")
            validate_codes(layer.extend_select, known, where="--extend-select")


# --------------------------------------------------------------------------- selectors


def _normalise(selector: str) -> tuple[str, str] | None:
    """``LPK-003`` / ``lpk003`` / ``LPK00`` → (letters, digits); None when not a selector."""
    m = _SELECTOR.match(selector.strip().upper())
    return (m.group(1), m.group(2)) if m else None


def _selector_matches(selector: str, code: str) -> int:
    """How specifically ``selector`` matches ``code`` (number of digits), or -1 when it does not."""
    sel, full = _normalise(selector), _normalise(code)
    if sel is None or full is None:
        return -1
    if sel[0] != full[0] or not full[1].startswith(sel[1]):
        return -1
    return len(sel[1])


def validate_codes(codes: Iterable[str], known: Iterable[str], *, where: str | None = None) -> None:
    """Raise ConfigError for a selector that matches no known rule (prefixes such as ``LPK00`` are fine)."""
    known = list(known)
    for code in codes:
        if not isinstance(code, str) or _normalise(code) is None or not any(
            _selector_matches(code, k) >= 0 for k in known
        ):
            close = _close_matches(str(code).upper(), known, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            prefix = f"{where}: " if where else ""
            raise ConfigError(f"{prefix}unknown rule code {code!r}{hint}")


def _close_matches(word: str, possibilities: Iterable[str], n: int) -> list[str]:
    import difflib  # only for error messages

    return difflib.get_close_matches(word, possibilities, n=n)


def _layer_decision(layer: RuleSelection, code: str, enabled: bool) -> bool:
    selects = [*(layer.select or ()), *layer.extend_select]
    start = False if layer.select is not None else enabled
    best_select = max((_selector_matches(s, code) for s in selects), default=-1)
    best_ignore = max((_selector_matches(s, code) for s in layer.ignore), default=-1)
    if best_select < 0 and best_ignore < 0:
        return start
    return best_select > best_ignore


def _path_matches(pattern: str, path: str) -> bool:
    pattern = pattern.removeprefix("./")
    if fnmatchcase(path, pattern):
        return True
    # A bare file name (``deploy.yml``) matches that file anywhere, as in ruff.
    return "/" not in pattern and fnmatchcase(PurePosixPath(path).name, pattern)


def rule_enabled(code: str, config: Config, path: str | None = None) -> bool:
    """Whether rule ``code`` applies to findings in repository-relative ``path``.

    Every rule is on by default; each layer (file, then flags) either restarts from its
    ``select`` or carries the previous result, then ``extend-select`` and ``ignore`` refine
    it by specificity; ``per-file-ignores`` has the last word.
    """
    enabled = True
    for layer in config.layers():
        enabled = _layer_decision(layer, code, enabled)
    if enabled and path is not None:
        for pattern, codes in config.per_file_ignores.items():
            if _path_matches(pattern, path) and any(_selector_matches(c, code) >= 0 for c in codes):
                return False
    return enabled


# --------------------------------------------------------------------------- loading


def load_config(root: Path, explicit: Path | None = None, *, known_codes: Iterable[str] | None = None) -> Config:
    """The configuration for repository ``root``.

    Search order: ``explicit`` (``--config``), ``.validate-imports.toml``, then the
    ``[tool.validate-imports]`` table of ``pyproject.toml``; nothing found gives defaults.
    With ``known_codes`` the rule selectors are checked as well.
    """
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{_display(explicit)}: config file not found")
        table = _read_table(explicit, required=True)
        config = _from_table(table or {}, explicit)
    else:
        config = Config()
        for candidate in (root / CONFIG_FILE, root / PYPROJECT):
            if candidate.is_file():
                table = _read_table(candidate, required=False)
                if table is not None:
                    config = _from_table(table, candidate)
                    break
    if known_codes is not None:
        config.check_codes(known_codes)
    return config


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def _toml() -> ModuleType:
    """The TOML reader, imported when a configuration file is read (most runs have none)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    return tomllib


def _read_table(path: Path, *, required: bool) -> dict[str, Any] | None:
    """The settings table of ``path``: the whole file, or ``[tool.validate-imports]`` of a pyproject."""
    tomllib = _toml()
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"{_display(path)}: cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{_display(path)}: not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{_display(path)}: invalid TOML: {exc}") from exc
    if path.name != PYPROJECT:
        return data
    tool = data.get("tool", {})
    table = tool.get(TOOL_TABLE) if isinstance(tool, dict) else None
    if table is None:
        if required:
            raise ConfigError(f"{_display(path)}: no [tool.{TOOL_TABLE}] table")
        return None
    if not isinstance(table, dict):
        raise ConfigError(f"{_display(path)}: tool.{TOOL_TABLE} must be a table")
    return table


_KEYS = (
    "select",
    "ignore",
    "extend-select",
    "per-file-ignores",
    "workflows",
    "packages",
    "runtime-modules",
    "python-version",
    "extras",
)


def _from_table(table: dict[str, Any], source: Path) -> Config:
    name = _display(source)
    prefix = f"[tool.{TOOL_TABLE}] " if source.name == PYPROJECT else ""

    def fail(key: str, what: str) -> ConfigError:
        return ConfigError(f"{name}: {prefix}{key}: {what}")

    for key in table:
        if key not in _KEYS:
            close = _close_matches(key.replace("_", "-"), _KEYS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(f"{name}: {prefix}unknown key {key!r}{hint}")

    def str_list(key: str) -> list[str] | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(key, f"expected a list of strings, got {_type_name(value)}")
        return list(value)

    per_file: dict[str, list[str]] = {}
    raw_pfi = table.get("per-file-ignores", {})
    if not isinstance(raw_pfi, dict):
        raise fail("per-file-ignores", f"expected a table of glob = [codes], got {_type_name(raw_pfi)}")
    for pattern, codes in raw_pfi.items():
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise fail(f"per-file-ignores.{pattern!r}", f"expected a list of codes, got {_type_name(codes)}")
        per_file[pattern] = list(codes)

    return Config(
        select=str_list("select"),
        ignore=str_list("ignore") or [],
        extend_select=str_list("extend-select") or [],
        per_file_ignores=per_file,
        workflows=str_list("workflows") or [],
        packages=_packages(table.get("packages", {}), fail),
        runtime_modules=str_list("runtime-modules") or [],
        python_version=_python_version(table.get("python-version"), "python-version", fail),
        extras=_extras(table.get("extras", []), name, fail),
        source=source,
    )


def _extras(raw: Any, name: str, fail: Any) -> list[SymbolNeed]:
    """``[[tool.validate-imports.extras]]``: symbol, needs, and optionally kind, extra,
    distribution, keyword, default, aliases (see ``validator.model.extras``)."""
    if not isinstance(raw, list):
        raise fail("extras", f"expected a list of tables ([[extras]]), got {_type_name(raw)}")
    out: list[SymbolNeed] = []
    for i, entry in enumerate(raw):
        if not isinstance(entry, dict):
            raise fail(f"extras[{i}]", f"expected a table, got {_type_name(entry)}")
        try:
            out.append(from_mapping(entry, origin=name))
        except ValueError as exc:
            raise fail(f"extras[{i}]", str(exc)) from None
    return out


def _packages(raw: Any, fail: Any) -> dict[str, PackageMapping]:
    if not isinstance(raw, dict):
        raise fail("packages", f"expected a table of package = handler, got {_type_name(raw)}")
    mappings: dict[str, PackageMapping] = {}
    for package, value in raw.items():
        key = f"packages.{package}"
        if isinstance(value, str):
            mappings[package] = PackageMapping(handler=value)
            continue
        if not isinstance(value, dict):
            raise fail(key, f"expected a handler string or {{handler = …, source = …}}, got {_type_name(value)}")
        unknown = sorted(set(value) - {"handler", "source"})
        if unknown:
            raise fail(key, f"unknown key {unknown[0]!r} (expected handler, source)")
        handler, source = value.get("handler"), value.get("source")
        if not isinstance(handler, str) or not handler:
            raise fail(f"{key}.handler", "a handler string is required")
        if source is not None and not isinstance(source, str):
            raise fail(f"{key}.source", f"expected a string, got {_type_name(source)}")
        mappings[package] = PackageMapping(handler=handler, source=source)
    return mappings


def _python_version(value: Any, key: str, fail: Any) -> str | None:
    if value is None:
        return None
    m = _PYTHON_VERSION.match(value) if isinstance(value, str) else None
    if m is None:
        what = (
            f"expected a string such as \"3.12\", got {_type_name(value)} (quote it: 3.10 as a number is 3.1)"
            if isinstance(value, float)
            else f"expected a version such as \"3.12\", got {value!r}"
        )
        if fail is None:
            raise ConfigError(f"{key}: {what}")
        raise fail(key, what)
    return m.group(1)


def _type_name(value: Any) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)
