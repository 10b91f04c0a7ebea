"""Expanded characters: the unit between expansion and word splitting / globbing.

Each character remembers whether it was quoted, came from an unquoted expansion (so
IFS splits at it) or is part of a symbolic rendering; marks record field boundaries
that ``"$@"`` makes and quoted parts that keep an empty field alive.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import NamedTuple

__all__ = ["Ch", "Item", "Mark", "as_pattern", "chars_of", "is_symbolic", "literal", "text_of"]


class Ch(NamedTuple):
    """One character after expansion, with the facts splitting and globbing need (a
    NamedTuple: words are expanded character by character, so creation must be cheap)."""

    c: str
    quoted: bool = False  # literal for globbing, never split
    split: bool = False  # came from an unquoted expansion: IFS splits here
    symbolic: bool = False


class Mark(Enum):
    ALIVE = "alive"  # a quoted (possibly empty) part: the field exists even if empty
    HARD = "hard"  # field boundary from "$@"
    SOFT = "soft"  # field boundary from unquoted $@ / $*: like IFS whitespace


Item = Ch | Mark


def chars_of(text: str, *, dq: bool, symbolic: bool = False) -> list[Item]:
    """Characters of an expansion result: quoted inside double quotes, else splittable."""
    if symbolic:
        return [Ch(c, dq, False, True) for c in text]
    split = not dq
    return [Ch(c, dq, split, False) for c in text]


def literal(text: str, *, quoted: bool) -> list[Item]:
    """Characters written in the word itself: never split."""
    return [Ch(c, quoted, False, False) for c in text]


def text_of(items: Sequence[Item]) -> str:
    """The characters' text, marks dropped."""
    return "".join(i.c for i in items if isinstance(i, Ch))


def is_symbolic(items: Sequence[Item]) -> bool:
    """Whether any character is part of something not known statically."""
    return any(isinstance(i, Ch) and i.symbolic for i in items)


def as_pattern(items: Sequence[Item]) -> str:
    """Pattern text in which quoted characters are escaped so they match literally."""
    out = []
    for it in items:
        if not isinstance(it, Ch):
            continue
        if ((it.quoted or it.symbolic) and it.c in "*?[]\\") or (not it.quoted and it.c == "\\"):
            out.append("\\" + it.c)
        else:
            out.append(it.c)
    return "".join(out)
