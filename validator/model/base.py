"""Shared ``__eq__``, ``__hash__`` and ``__repr__`` for the project's dataclasses.

Python 3.10 and 3.11 compile every method a ``@dataclass`` generates with ``exec``
when the module is imported: about 0.3 ms per method, paid on every run of a
command-line tool.  The data classes here are declared ``@dataclass(eq=False,
repr=False)`` on top of ``Record`` (or ``FrozenRecord`` with ``frozen=True``), whose
methods compare, hash and print the same fields the generated ones would, so a class
costs one generated ``__init__`` instead of three to six methods.  They stay ordinary
dataclasses: ``fields``, ``replace`` and ``asdict`` work as usual.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from operator import attrgetter
from typing import Any

_compared: dict[type, Callable[[Any], tuple[Any, ...]]] = {}
_hashed: dict[type, Callable[[Any], tuple[Any, ...]]] = {}
_shown: dict[type, tuple[str, ...]] = {}


def _getter(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    if len(names) > 1:
        return attrgetter(*names)  # a tuple of the values, read in C
    if names:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return lambda obj: ()


def compared_values(obj: Any) -> tuple[Any, ...]:
    """The values of the fields ``__eq__`` compares (``compare=True``), in field order."""
    cls = obj.__class__
    get = _compared.get(cls)
    if get is None:
        get = _compared[cls] = _getter([f.name for f in fields(cls) if f.compare])
    return get(obj)


def _hashed_values(obj: Any) -> tuple[Any, ...]:
    cls = obj.__class__
    get = _hashed.get(cls)
    if get is None:
        get = _hashed[cls] = _getter([f.name for f in fields(cls) if (f.compare if f.hash is None else f.hash)])
    return get(obj)


class Record:
    """Base of mutable dataclasses: equal when of the same class with equal fields,
    unhashable, printed as ``Name(field=value, …)``."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return compared_values(self) == compared_values(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        cls = self.__class__
        names = _shown.get(cls)
        if names is None:
            names = _shown[cls] = tuple(f.name for f in fields(cls) if f.repr)  # type: ignore[arg-type]
        return f"{cls.__qualname__}({', '.join(f'{n}={getattr(self, n)!r}' for n in names)})"


class FrozenRecord(Record):
    """Base of frozen dataclasses: as ``Record``, and hashable by the same fields."""

    __slots__ = ()

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(_hashed_values(self))
