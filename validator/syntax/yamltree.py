"""A loaded YAML document with the positions the readers need.

``YMap``/``YSeq`` are a ``dict``/``list`` with 0-based positions; scalars are plain
Python values, and a scalar with a local tag (CloudFormation's ``!Ref Name``) is a
``Tagged``.  Readers walk this one shape whatever the file is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class KeyAt:
    """Where a mapping entry is written (0-based): its key and the start of its value."""

    line0: int
    col0: int
    value_line0: int
    value_col0: int
    flow: bool = False


@dataclass(frozen=True, slots=True)
class Tagged:
    """A scalar with a tag the loader does not resolve (``!Ref Name``): text and tag."""

    value: str
    tag: str


class YMap(dict):  # type: ignore[type-arg,unused-ignore]
    """A mapping with its start position and the position of each key written in it.

    ``keys_at`` also holds the keys merged in with ``<<`` (at the place they are written);
    ``tag`` is a local tag on the mapping (``!GetAtt {…}``), else None.
    """

    __slots__ = ("col0", "keys_at", "line0", "tag")

    def __init__(self, line0: int = 0, col0: int = 0, tag: str | None = None) -> None:
        super().__init__()
        self.line0 = line0
        self.col0 = col0
        self.tag = tag
        self.keys_at: dict[Any, KeyAt] = {}


class YSeq(list):  # type: ignore[type-arg,unused-ignore]
    """A sequence with its start position, each item's position and its local tag (``!Sub [...]``)."""

    __slots__ = ("col0", "items_at", "line0", "tag")

    def __init__(self, line0: int = 0, col0: int = 0, tag: str | None = None) -> None:
        super().__init__()
        self.line0 = line0
        self.col0 = col0
        self.tag = tag
        self.items_at: list[tuple[int, int]] = []


def untag(value: Any) -> Any:
    """A tagged scalar (``!Ref x``) as its text; anything else as it is."""
    return value.value if isinstance(value, Tagged) else value
