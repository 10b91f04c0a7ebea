"""strategy.matrix expansion with GitHub's include/exclude semantics."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML

from validator.model.repo import Repo
from validator.workflow import MATRIX_EXPRESSION, expand_matrix, read_workflow


def _expand(yaml_text: str, limit: int = 256) -> tuple[list[dict[str, str]], list[str]]:
    result = expand_matrix(YAML().load(yaml_text), limit)
    return result.combinations, [reason for _key, reason in result.problems]


def test_cartesian_product_in_key_order() -> None:
    combos, problems = _expand("os: [linux, mac]\npy: ['3.11', 3.12]\n")
    assert combos == [
        {"os": "linux", "py": "3.11"},
        {"os": "linux", "py": "3.12"},
        {"os": "mac", "py": "3.11"},
        {"os": "mac", "py": "3.12"},
    ]
    assert problems == []


def test_values_are_stringified_like_github() -> None:
    combos, _ = _expand("v: [3.10, true, 1e3, null, 7]\n")
    assert [c["v"] for c in combos] == ["3.1", "true", "1000", "", "7"]


def test_exclude_partial_match() -> None:
    combos, _ = _expand("os: [a, b]\nv: [1, 2]\nexclude:\n  - os: b\n    v: 2\n  - v: 3\n")
    assert combos == [{"os": "a", "v": "1"}, {"os": "a", "v": "2"}, {"os": "b", "v": "1"}]


def test_include_github_documentation_example() -> None:
    combos, _ = _expand(
        """
fruit: [apple, pear]
animal: [cat, dog]
include:
  - color: green
  - color: pink
    animal: cat
  - fruit: apple
    shape: circle
  - fruit: banana
  - fruit: banana
    animal: cat
"""
    )
    assert combos == [
        {"fruit": "apple", "animal": "cat", "color": "pink", "shape": "circle"},
        {"fruit": "apple", "animal": "dog", "color": "green", "shape": "circle"},
        {"fruit": "pear", "animal": "cat", "color": "pink"},
        {"fruit": "pear", "animal": "dog", "color": "green"},
        {"fruit": "banana"},
        {"fruit": "banana", "animal": "cat"},
    ]


def test_include_only() -> None:
    combos, _ = _expand("include:\n  - fn: billing\n    dir: b\n  - fn: invoices\n    dir: i\n")
    assert combos == [{"fn": "billing", "dir": "b"}, {"fn": "invoices", "dir": "i"}]


def test_object_values_kept_as_json() -> None:
    combos, _ = _expand("target:\n  - {name: a, arch: x86_64}\n")
    assert combos == [{"target": '{"name":"a","arch":"x86_64"}'}]


def test_expression_vectors_and_wrong_types_are_problems() -> None:
    combos, problems = _expand("os: ${{ fromJSON(inputs.os) }}\nv: 3\nw: []\nfn: [a]\ninclude: nope\n")
    assert combos == [{"fn": "a"}]
    assert len(problems) == 4
    assert MATRIX_EXPRESSION in problems[0]


def test_combination_cap() -> None:
    combos, problems = _expand("a: [1,2,3,4,5,6,7,8,9,10]\nb: [1,2,3,4,5,6,7,8,9,10]\nc: [1,2,3]\n", limit=256)
    assert len(combos) == 256
    assert any("more than 256" in p for p in problems)


def test_huge_matrix_is_bounded() -> None:
    vectors = "".join(f"k{i}: [0,1,2,3,4,5,6,7,8,9]\n" for i in range(12))  # 10^12 combinations
    combos, problems = _expand(vectors)
    assert len(combos) == 256 and problems


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "wf.yml"
    path.write_text(text)
    return path


def test_job_runs_per_combination(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
jobs:
  build:
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix:
        fn: [billing, invoices]
    steps:
      - run: zip -r ${{ matrix.fn }}.zip .
""",
    )
    wf = read_workflow(path, Repo(root=tmp_path))
    assert [j.key for j in wf.jobs] == ["build[fn=billing]", "build[fn=invoices]"]
    assert wf.jobs[0].steps[0] is not wf.jobs[1].steps[0]
    assert wf.problems == []


def test_matrix_from_expression_gives_one_run_and_a_problem(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
jobs:
  build:
    strategy:
      matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}
    steps:
      - run: echo ${{ matrix.fn }}
""",
    )
    wf = read_workflow(path, Repo(root=tmp_path))
    assert len(wf.jobs) == 1 and wf.jobs[0].matrix == {}
    assert [p.reason for p in wf.problems] == [MATRIX_EXPRESSION]
    assert wf.problems[0].span.line == 5
    assert wf.problems[0].could_touch_package
