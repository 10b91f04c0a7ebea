"""The shared methods of validator/records.py behave as the ones @dataclass generates."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st

from validator.model.base import FrozenRecord, Record


@dataclass
class Generated:
    name: str
    size: int = 0
    tags: list[str] = field(default_factory=list)
    note: str = field(default="", compare=False)
    secret: str = field(default="", repr=False)


@dataclass(eq=False, repr=False)
class Shared(Record):
    name: str
    size: int = 0
    tags: list[str] = field(default_factory=list)
    note: str = field(default="", compare=False)
    secret: str = field(default="", repr=False)


@dataclass(frozen=True)
class FrozenGenerated:
    path: str
    line: int
    label: str = field(default="", compare=False)


@dataclass(frozen=True, eq=False, repr=False)
class FrozenShared(FrozenRecord):
    path: str
    line: int
    label: str = field(default="", compare=False)


values = st.tuples(st.sampled_from(["a", "b"]), st.integers(0, 2), st.lists(st.sampled_from(["x", "y"]), max_size=2),
                   st.sampled_from(["", "n"]), st.sampled_from(["", "s"]))


@given(values, values)
def test_equality_and_repr_match_generated_methods(a: tuple, b: tuple) -> None:
    assert (Shared(*a) == Shared(*b)) == (Generated(*a) == Generated(*b))
    assert (Shared(*a) != Shared(*b)) == (Generated(*a) != Generated(*b))
    assert repr(Shared(*a)).replace("Shared", "Generated") == repr(Generated(*a))


@given(st.sampled_from(["p", "q"]), st.integers(0, 2), st.sampled_from(["", "l"]),
       st.sampled_from(["p", "q"]), st.integers(0, 2), st.sampled_from(["", "l"]))
def test_frozen_records_hash_and_compare_like_generated_ones(p1: str, l1: int, n1: str,
                                                            p2: str, l2: int, n2: str) -> None:
    a, b = FrozenShared(p1, l1, n1), FrozenShared(p2, l2, n2)
    ga, gb = FrozenGenerated(p1, l1, n1), FrozenGenerated(p2, l2, n2)
    assert (a == b) == (ga == gb)
    assert hash(a) == hash(ga)  # both hash the tuple of compared fields
    assert len({a, b}) == len({ga, gb})
    assert repr(a).replace("FrozenShared", "FrozenGenerated") == repr(ga)


def test_records_stay_dataclasses() -> None:
    s = Shared("a", 1)
    assert dataclasses.is_dataclass(s)
    assert dataclasses.replace(s, size=2) == Shared("a", 2)
    assert dataclasses.asdict(s)["name"] == "a"
    with pytest.raises(TypeError):
        hash(s)  # mutable records are unhashable, as with eq=True dataclasses
    with pytest.raises(dataclasses.FrozenInstanceError):
        FrozenShared("p", 1).line = 2  # type: ignore[misc]


def test_other_classes_are_never_equal() -> None:
    assert Shared("a") != Generated("a")
    assert Shared("a") != ("a", 0, [], "", "")
    assert FrozenShared("p", 1) != Shared("p", 1)
