"""The fast YAML reader agrees with ruamel.yaml's round-trip loader wherever it answers.

Random documents built from the shapes workflows use (and from shapes the fast reader
must refuse) are loaded both ways: when the fast reader answers, ruamel must load the
text too, to the same values, key/item positions and script maps.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from validator.model.repo import Repo
from validator.workflow import read_workflow
from validator.yamlfast import load_fast
from validator.yamlload import YamlError, load_yaml
from validator.yamltree import YMap, YSeq, from_round_trip

SCALARS = [
    "main", "3.10", "3.12", "010", "1e3", "1_000", "0x1F", "-1", "+2", "0", "1.", ".5", ".inf",
    "true", "False", "yes", "on", "null", "~", "2024-01-02", "a: b", "a:b", "x #c", "x#y",
    "${{ matrix.py }}", "'single'", "'it''s'", '"double"', '"esc\\n"', "-flag", "- item",
    "[a, 'b', 3]", "[]", "[a, [b]]", "[a,]", "{a: 1}", "&anc v", "*ref", "!!str x", "<<",
    "=", "?", ": x", "@x", "`x`", "|x", ">x", "%x", "'open", '"open', "ünïcode", "a\tb",
]
KEYS = ["name", "run", "env", "with", "if", "steps", "on", "key.x", "a-b", "true", "3.9", '"q"', "x y"]
BLOCK_LINES = ["echo hi", "  indented", "", "   ", "# not a comment", "tail  ", "\tTAB", "x: y"]


def _block(rng: random.Random, indent: int) -> list[str]:
    header = rng.choice(["|", "|-", "|+", "| # c", "|2", ">", "|x"])
    pad = " " * (indent + rng.choice([1, 2, 2, 2, 4]))
    lines = [header]
    for _ in range(rng.randint(0, 5)):
        line = rng.choice(BLOCK_LINES)
        lines.append(pad + line if line.strip() else line[: rng.randint(0, len(pad) + 2)] + " " * rng.randint(0, 3))
    return lines


def _mapping(rng: random.Random, indent: int, depth: int) -> list[str]:
    out: list[str] = []
    for _ in range(rng.randint(1, 4)):
        key = rng.choice(KEYS) if rng.random() < 0.15 else rng.choice(KEYS[:7])
        out.extend(_entry(rng, " " * indent + key + ":", indent, depth))
        if rng.random() < 0.1:
            out.append(" " * rng.randint(0, 8) + "# comment")
        if rng.random() < 0.05:
            out.append("")
    return out


def _entry(rng: random.Random, head: str, indent: int, depth: int) -> list[str]:
    roll = rng.random()
    if depth < 4 and roll < 0.25:
        step = rng.choice([2, 2, 4, 1])
        return [head + rng.choice(["", " # c"]), *_mapping(rng, indent + step, depth + 1)]
    if depth < 4 and roll < 0.45:
        step = rng.choice([0, 2, 2, 4])
        return [head, *_sequence(rng, indent + step, depth + 1)]
    if roll < 0.65:
        first, *rest = _block(rng, indent)
        return [f"{head} {first}", *rest]
    if roll < 0.68:
        return [head, " " * (indent + 2) + "continued"]
    value = rng.choice(SCALARS[:24] if rng.random() < 0.7 else SCALARS)
    trail = rng.choice(["", "", " ", "  # trailing", "#x"])
    return [f"{head} {value}{trail}"]


def _sequence(rng: random.Random, indent: int, depth: int) -> list[str]:
    out: list[str] = []
    for _ in range(rng.randint(1, 3)):
        roll = rng.random()
        dash = " " * indent + rng.choice(["- ", "- ", "-   "])
        if roll < 0.5:
            body = _mapping(rng, len(dash), depth + 1)
            out.append(dash + body[0].lstrip(" "))
            out.extend(body[1:])
        elif roll < 0.9:
            out.append(dash + rng.choice(SCALARS[:24] if rng.random() < 0.7 else SCALARS))
        else:
            out.append(dash.rstrip(" "))
    return out


def _document(rng: random.Random) -> str:
    lines = _mapping(rng, 0, 0)
    if rng.random() < 0.2:
        lines.insert(0, rng.choice(["---", "--- # doc", "# top", "%YAML 1.2\n---"]))
    text = "\n".join(lines) + rng.choice(["\n", "", "\n\n", "\n  \n"])
    if rng.random() < 0.1:
        text = "\ufeff" + text
    if rng.random() < 0.05:
        text = text.replace("\n", "\r\n")
    return text


def _same(fast: Any, slow: Any, where: str = "") -> None:
    """Equal values and equal positions (a null value's position is not compared: ruamel
    puts it at the next token, and nothing reads it)."""
    if isinstance(slow, YMap):
        assert isinstance(fast, YMap), where
        assert (fast.line0, fast.col0) == (slow.line0, slow.col0), where
        assert list(fast) == list(slow), where
        for key in slow:
            a, b = fast.keys_at[key], slow.keys_at[key]
            assert (a.line0, a.col0) == (b.line0, b.col0), f"{where}.{key}"
            if slow[key] is not None:
                assert (a.value_line0, a.value_col0) == (b.value_line0, b.value_col0), f"{where}.{key}"
            _same(fast[key], slow[key], f"{where}.{key}")
    elif isinstance(slow, YSeq):
        assert isinstance(fast, YSeq), where
        assert (fast.line0, fast.col0) == (slow.line0, slow.col0), where
        assert fast.items_at == slow.items_at, where
        assert len(fast) == len(slow), where
        for i, (a, b) in enumerate(zip(fast, slow, strict=True)):
            _same(a, b, f"{where}[{i}]")
    else:
        assert type(fast) in (str, int, float, bool, type(None)), where
        assert fast == slow and str(fast) == str(slow) and isinstance(slow, bool) == isinstance(fast, bool), where


def _round_trip(text: str) -> Any:
    try:
        return from_round_trip(load_yaml(text, "w.yml"))
    except YamlError:
        return YamlError


@pytest.mark.parametrize("seed", range(40))
def test_fast_reader_agrees_with_ruamel(seed: int) -> None:
    rng = random.Random(seed)
    answered = 0
    for _ in range(80):
        text = _document(rng)
        fast = load_fast(text)
        if fast is None:
            continue
        answered += 1
        slow = _round_trip(text)
        assert slow is not YamlError, text
        _same(fast, slow)
    assert answered > 0


@pytest.mark.parametrize("seed", range(40))
def test_fast_workflow_equals_round_trip_workflow(seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whole workflows, script maps included, read the same either way."""
    rng = random.Random(1000 + seed)
    repo = Repo.open(tmp_path)
    path = tmp_path / "w.yml"
    for _ in range(15):
        steps = []
        for i in range(rng.randint(1, 4)):
            body = _block(rng, 6) if rng.random() < 0.8 else [rng.choice(SCALARS)]
            steps += [f"      - name: s{i}", f"        run: {body[0]}", *[("  " + b if b.strip() else b) for b in body[1:]]]
        text = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n" + "\n".join(steps) + "\n"
        if load_fast(text) is None:
            continue
        fast = read_workflow(path, repo, text=text)
        with monkeypatch.context() as patch:
            patch.setattr("validator.yamlload.load_fast", lambda _text: None)
            slow = read_workflow(path, repo, text=text)
        assert fast == slow, text


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",  # duplicate key
        "a: &x 1\nb: *x\n",  # anchors
        "a:\n  b: 1\n c: 2\n",  # bad indentation
        "a: x\n  y\n",  # multi-line plain scalar
        "a: 'x\n  y'\n",  # multi-line quoted scalar
        "a: >\n  folded\n",
        "a:\tb\n",
        "a: b\r\nc: d\r\n",
        "- a\n- b\n",
        "a: b\n---\nc: d\n",
        "a: {b: 1}\n",
        "a: [b,\n  c]\n",
    ],
)
def test_outside_the_subset_goes_to_ruamel(text: str) -> None:
    assert load_fast(text) is None


def test_bench_shapes_stay_on_the_fast_path() -> None:
    text = (
        "name: deploy\non:\n  push:\n    branches: [main, \"release/**\"]\n\nenv:\n  PY: \"3.12\"\n"
        "jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
        "      - name: Package\n        if: always()\n        run: |\n          set -e\n\n"
        "          cp -r src/* build/  # copy\n"
    )
    document = load_fast(text)
    assert document is not None
    step = document["jobs"]["build"]["steps"][1]
    assert step["run"] == "set -e\n\ncp -r src/* build/  # copy\n"
    assert step.keys_at["run"].source is not None
