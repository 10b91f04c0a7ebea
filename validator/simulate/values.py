"""The values word expansion reads and produces, and the limits every stage shares.

Kept apart from the expansion code so that each stage (patterns, braces, parameters,
command substitution) can name them without importing the expander itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from validator.model.base import FrozenRecord
from validator.simulate.scan import matching_close, name_len

__all__ = [
    "MAX_DEPTH",
    "MAX_GLOB_RESULTS",
    "DirLister",
    "Field",
    "Value",
    "Vars",
    "placeholder_free_tail",
    "render_unknown",
]

MAX_DEPTH = 40  # nesting of ${ } / $( ) / braces before we give up (symbolic)
MAX_GLOB_RESULTS = 20_000


@dataclass(frozen=True, eq=False, repr=False)
class Value(FrozenRecord):
    """A shell variable's value; ``symbolic`` means unknown statically and ``text`` is how
    it renders (``${SHA}``)."""

    text: str
    symbolic: bool = False
    #: the elements of an indexed array (``text``/``symbolic`` mirror element 0, as ``$A``
    #: does); None for a scalar
    items: tuple[Value, ...] | None = None
    #: the indices of ``items`` when the array is sparse (``A[5]=x``); None means 0, 1, 2 …
    keys: tuple[int, ...] | None = None

    @classmethod
    def array(cls, items: Sequence[Value], keys: Sequence[int] | None = None) -> Value:
        """An indexed array; ``keys`` (ascending) only when it is sparse."""
        idx = tuple(keys) if keys is not None else tuple(range(len(items)))
        dense = idx == tuple(range(len(items)))
        first = items[idx.index(0)] if 0 in idx else Value("")
        return cls(first.text, first.symbolic, tuple(items), None if dense else idx)

    def elements(self) -> list[tuple[int, Value]]:
        """(index, value) pairs; a scalar is an array of one element."""
        if self.items is None:
            return [(0, Value(self.text, self.symbolic))]
        keys = self.keys if self.keys is not None else range(len(self.items))
        return list(zip(keys, self.items, strict=False))


class Vars(Protocol):
    def lookup(self, name: str) -> Value | None:
        """The value of ``name``; None when it was never set."""
        ...

    @property
    def positional(self) -> list[Value]:
        """``$1`` … (``$0`` not included)."""
        ...


class DirLister(Protocol):
    def listdir(self, abs_dir: str) -> list[str] | None:
        """Entry names of ``abs_dir``; None if it is not a directory."""
        ...


@dataclass(frozen=True, eq=False, repr=False)
class Field(FrozenRecord):
    """One word after expansion."""

    text: str
    symbolic: bool  # contains a part that is not known statically
    quoted: bool  # any part was quoted (``for x in "$@"`` and ``[ -n "" ]`` care)


def render_unknown(name: str) -> str:
    """How an unknown variable renders."""
    return "${" + name + "}"


def placeholder_free_tail(text: str) -> int:
    """Start of the part of a symbolic rendering after its last ``$…`` placeholder."""
    k = text.rfind("$")
    if k < 0:
        return 0
    if k + 1 < len(text) and text[k + 1] in "({":
        return min(len(text), matching_close(text, k + 1) + 1)
    return k + 1 + max(1, name_len(text, k + 1))
