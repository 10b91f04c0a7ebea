"""A loaded YAML document with the positions the workflow reader needs.

Two loaders fill it: the fast line-based reader for the common subset
(``yamlfast``) and ruamel.yaml's round-trip loader for everything else.  The reader
then walks one shape whichever loader ran: ``YMap``/``YSeq`` are a ``dict``/``list``
with 0-based positions, scalars are plain Python values (or ruamel's scalar types
from the round-trip loader).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class KeyAt:
    """Where a mapping entry is written (0-based) and how its value can be mapped back.

    ``source`` is set by the fast loader for literal block scalars: the value's
    ``ScriptMap`` anchors ``(value_index, file_offset, line, column)`` and its style,
    so the reader need not re-scan the scalar.
    """

    line0: int
    col0: int
    value_line0: int
    value_col0: int
    flow: bool = False
    source: tuple[list[tuple[int, int, int, int]], str] | None = None


class YMap(dict):  # type: ignore[type-arg,unused-ignore]
    """A mapping with its start position and the position of each key written in it.

    ``keys_at`` also holds the keys merged in with ``<<`` (at the place they are written).
    """

    __slots__ = ("col0", "keys_at", "line0")

    def __init__(self, line0: int = 0, col0: int = 0) -> None:
        super().__init__()
        self.line0 = line0
        self.col0 = col0
        self.keys_at: dict[Any, KeyAt] = {}


class YSeq(list):  # type: ignore[type-arg,unused-ignore]
    """A sequence with its start position and each item's position."""

    __slots__ = ("col0", "items_at", "line0")

    def __init__(self, line0: int = 0, col0: int = 0) -> None:
        super().__init__()
        self.line0 = line0
        self.col0 = col0
        self.items_at: list[tuple[int, int] | None] = []


def is_bool(value: Any) -> bool:
    """True for ``bool`` and ruamel's ``ScalarBoolean`` (checked only once ruamel is loaded)."""
    if isinstance(value, bool):
        return True
    module = sys.modules.get("ruamel.yaml.scalarbool")
    return module is not None and isinstance(value, module.ScalarBoolean)


def untag(value: Any) -> Any:
    """An explicitly tagged scalar (``!!str |``) as its plain value."""
    module = sys.modules.get("ruamel.yaml.comments")
    if module is not None and isinstance(value, module.TaggedScalar):
        return str(value.value) if value.value is not None else None
    return value


def from_round_trip(node: Any) -> Any:
    """ruamel round-trip objects as ``YMap``/``YSeq``; shared (aliased) nodes stay shared."""
    return _Converter().convert(node)


class _Converter:
    def __init__(self) -> None:
        self.done: dict[int, Any] = {}

    def convert(self, node: Any) -> Any:
        if isinstance(node, dict):
            return self.mapping(node)
        if isinstance(node, list):
            return self.sequence(node)
        return node

    def mapping(self, node: Any) -> YMap:
        seen = self.done.get(id(node))
        if seen is not None:
            return seen  # type: ignore[no-any-return,unused-ignore]
        lc = getattr(node, "lc", None)
        out = YMap(getattr(lc, "line", None) or 0, getattr(lc, "col", None) or 0)
        self.done[id(node)] = out
        for key, value in node.items():
            out[key] = self.convert(value)
            owner = _owner(node, key)
            if owner is not None:
                data = owner.lc.data[key]
                flow = bool(getattr(owner, "fa", None) and owner.fa.flow_style())
                out.keys_at[key] = KeyAt(data[0], data[1], data[2], data[3], flow)
        return out

    def sequence(self, node: Any) -> YSeq:
        seen = self.done.get(id(node))
        if seen is not None:
            return seen  # type: ignore[no-any-return,unused-ignore]
        lc = getattr(node, "lc", None)
        out = YSeq(getattr(lc, "line", None) or 0, getattr(lc, "col", None) or 0)
        self.done[id(node)] = out
        data = getattr(lc, "data", None) or {}
        for i, value in enumerate(node):
            out.append(self.convert(value))
            at = data.get(i) if isinstance(data, dict) else None
            out.items_at.append((at[0], at[1]) if at else None)
        return out


def _owner(mapping: Any, key: Any) -> Any:
    """The round-trip mapping that holds ``key`` as written: ``mapping`` or one merged into it."""
    lc = getattr(mapping, "lc", None)
    data = getattr(lc, "data", None)
    if isinstance(data, dict) and key in data:
        return mapping
    for merged in getattr(mapping, "merge", None) or ():
        source = merged[1] if isinstance(merged, tuple) else merged
        found = _owner(source, key)
        if found is not None:
            return found
    return None
