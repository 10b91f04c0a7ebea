"""Indexes that narrow which configs, deploys or archives can match, so that linking
packages to handlers and deploys to archives stays linear in the number of Lambdas.

Each index is a *superset* filter: an item is filed under every key a match with it
would need, and a query returns the items filed under any of its keys.  The exact
test (``same_archive``, ``same_key``, ``names_equal`` …) still decides; the index only
spares it the items that cannot pass.  Results keep the items' original order, so a
link does not depend on whether an index was used.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

T = TypeVar("T")

#: how many trailing literal characters the suffix keys compare
SUFFIX = 8


class Lookup(Generic[T]):
    """Items filed under keys; a query returns each item filed under any key once, in the
    order the items were added."""

    def __init__(self) -> None:
        self._items: list[T] = []
        self._by_key: dict[Hashable, list[int]] = {}

    def add(self, item: T, keys: Iterable[Hashable]) -> None:
        position = len(self._items)
        self._items.append(item)
        for key in set(keys):
            self._by_key.setdefault(key, []).append(position)

    def get(self, keys: Iterable[Hashable]) -> list[T]:
        found: set[int] = set()
        for key in keys:
            found.update(self._by_key.get(key, ()))
        return [self._items[i] for i in sorted(found)]


def end_item_keys(run: str) -> list[Hashable]:
    """Keys for an item whose literal run is ``run``, for queries that need the shorter
    of two runs to end the longer one (a tail; pass a head reversed)."""
    keys: list[Hashable] = [("tail", run[-SUFFIX:]) if len(run) >= SUFFIX else ("run", run)]
    keys += [("ends", run[len(run) - j:] if j else "") for j in range(min(SUFFIX - 1, len(run)) + 1)]
    return keys


def end_query_keys(run: str) -> list[Hashable]:
    """Keys under which every item whose run agrees with ``run`` was filed."""
    # a long run: items with the same last characters, and items whose whole run ends it;
    # a short one: items whose run ends with it, and items whose whole run ends it
    first: Hashable = ("tail", run[-SUFFIX:]) if len(run) >= SUFFIX else ("ends", run)
    shorter = range(SUFFIX) if len(run) >= SUFFIX else range(len(run))
    return [first, *(("run", run[len(run) - j:] if j else "") for j in shorter)]
