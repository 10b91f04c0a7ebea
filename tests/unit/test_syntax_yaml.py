"""The one YAML loader: its limits, its one-line errors, and positions equal to ruamel's."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from validator.syntax.yaml import MAX_YAML_CHARS, YamlError, load_tree
from validator.syntax.yamltree import Tagged, YMap, YSeq


def _error(text: str) -> str:
    with pytest.raises(YamlError) as info:
        load_tree(text, "f.yml")
    message = str(info.value)
    assert "\n" not in message
    return message


def test_alias_bomb() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"{chr(97 + i)}: &{chr(97 + i)} [" + ",".join([f"*{chr(96 + i)}"] * 9) + "]" for i in range(1, 10)]
    assert "through aliases" in _error("\n".join(lines) + "\n")


def test_recursive_alias_is_reported_at_the_alias() -> None:
    assert _error("jobs: &j\n  a: *j\n").startswith("f.yml:2:6: invalid YAML: alias *j refers to a node")


@pytest.mark.parametrize("text", ["a: " + "[" * 100_000, "a: " + "{a: " * 50_000, "- " * 500_000 + "x\n",
                                  "".join("  " * i + "- \n" for i in range(300)),
                                  "".join(" " * i + "k:\n" for i in range(1500))])
def test_deep_nesting_flow_and_block(text: str) -> None:
    assert "nested deeper than 100 levels" in _error(text)


def test_depth_counts_aliases() -> None:
    inner = "[" * 60 + "]" * 60
    assert "nested deeper" in _error(f"a: &a {inner}\nb: &b {'[' * 50}*a{']' * 50}\n")


def test_size() -> None:
    assert "file too large" in _error("a: b\n" * (MAX_YAML_CHARS // 5 + 1))


def test_control_characters_and_syntax_errors_have_positions() -> None:
    assert _error("jobs: a\x07b\n") == "f.yml:1:8: invalid YAML: character U+0007 is not allowed"
    assert _error("jobs:\n  a: [1, 2\n  b: c\n").startswith("f.yml:3:4: invalid YAML")
    assert _error("a: 1\nb: 2\na: 3\n").startswith('f.yml:3:1: invalid YAML: found duplicate key "a"')


def test_duplicates_keep_the_first_when_asked() -> None:
    assert load_tree("a: 1\na: 2\n", "t.yml", first_key_wins=True) == {"a": 1}


def test_bom_crlf_tags_merges_and_scalars() -> None:
    doc = load_tree("\ufeffb: &b {x: 1, y: 2}\r\nm:\r\n  <<: *b\r\n  y: 3\r\nr: !Ref Name\r\n"
                    "s: !Sub [a, b]\r\nn: [0x1f, 1.5, true, ~, '3']\r\n", "t.yml")
    assert doc["m"] == {"y": 3, "x": 1} and doc["m"].keys_at["x"].line0 == 0
    assert doc["r"] == Tagged("Name", "!Ref")
    assert isinstance(doc["s"], YSeq) and doc["s"].tag == "!Sub"
    assert doc["n"] == [31, 1.5, True, None, "3"] and type(doc["n"][0]) is int
    assert (doc.keys_at["m"].line0, doc.keys_at["b"].col0) == (1, 0)


def test_a_tab_libyaml_refuses_is_read_as_ruamel_reads_it() -> None:
    assert load_tree("run: |-\n    \tx\n", "t.yml") == {"run": "\tx"}


# --------------------------------------------------------------------------- positions

_SCALAR = st.sampled_from(["a", "'q'", '"d"', "1", "", "&x v", "!t v", "# c", "[a, b]", "{k: v}", "|\n  lit", ">\n  fold"])


def _block(draw: Any, indent: int, depth: int) -> list[str]:
    out: list[str] = []
    seq = draw(st.booleans())
    for i in range(draw(st.integers(1, 3))):
        head = " " * indent + ("- " if seq else f"k{i}:")
        if depth < 3 and draw(st.booleans()):
            out.append(head.rstrip() + draw(st.sampled_from(["", " # c"])))
            out += _block(draw, indent + draw(st.sampled_from([1, 2, 4])) + (2 if seq else 0), depth + 1)
        else:
            value = draw(_SCALAR)
            sep = "" if seq else " "
            lines = value.split("\n")
            pad = " " * (indent + 2 + (2 if seq else 0))
            out.append((head + sep + lines[0]).rstrip())
            out += [pad + rest.lstrip() for rest in lines[1:]]
    return out


@st.composite
def _documents(draw: Any) -> str:
    return "\n".join(_block(draw, 0, 0)) + "\n"


def _positions(node: Any, path: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], Any]:
    out: dict[tuple[Any, ...], Any] = {}
    if isinstance(node, YMap):
        out[path] = (node.line0, node.col0)
        for key, value in node.items():
            at = node.keys_at[key]
            out[(*path, key)] = (at.line0, at.col0, at.value_line0, at.value_col0)
            out.update(_positions(value, (*path, key)))
    elif isinstance(node, YSeq):
        out[path] = (node.line0, node.col0)
        for i, value in enumerate(node):
            out[(*path, i)] = node.items_at[i]
            out.update(_positions(value, (*path, i)))
    return out


def _ruamel_positions(node: Any, path: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], Any]:
    out: dict[tuple[Any, ...], Any] = {}
    if isinstance(node, dict):
        out[path] = (node.lc.line, node.lc.col)
        for key, value in node.items():
            out[(*path, key)] = tuple(node.lc.data[key])
            out.update(_ruamel_positions(value, (*path, key)))
    elif isinstance(node, list):
        out[path] = (node.lc.line, node.lc.col)
        for i, value in enumerate(node):
            out[(*path, i)] = tuple(node.lc.data[i])
            out.update(_ruamel_positions(value, (*path, i)))
    return out


@pytest.mark.filterwarnings("ignore")  # ruamel warns about the generated reused anchors
@settings(max_examples=150, deadline=None)
@given(text=_documents(), crlf=st.booleans())
def test_positions_equal_ruamels_round_trip_loader(text: str, crlf: bool) -> None:
    if crlf:
        text = text.replace("\n", "\r\n")
    expected = _ruamel_positions(YAML(typ="rt", pure=True).load(text))
    assert _positions(load_tree(text, "t.yml")) == expected
