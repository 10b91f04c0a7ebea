"""Reading workflows: levels of env and defaults, step fields, wrong shapes, bad input."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from validator.model import Workflow
from validator.model.repo import Repo
from validator.workflow import WorkflowError, discover_workflows, read_workflow

WORKFLOW = """\
name: deploy
on:
  push:
    branches: [main]
env:
  OUT: packages
  DEBUG: true
defaults:
  run:
    working-directory: app
    shell: bash
jobs:
  build:
    runs-on: [self-hosted, linux]
    needs: test
    env:
      OUT: dist
      NAME: ingestion
    defaults:
      run:
        working-directory: lambdas
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
          lfs: true
      - name: Build
        id: build
        if: github.ref == 'refs/heads/main'
        env:
          NAME: billing
        run: |
          mkdir -p "$OUT"  # trailing comment
      - name: elsewhere
        working-directory: other
        shell: sh
        run: ls
  test:
    runs-on: ubuntu-latest
    steps: []
"""


def _read(tmp_path: Path, text: str, name: str = "wf.yml") -> Workflow:
    path = tmp_path / name
    path.write_bytes(text.encode())
    return read_workflow(path, Repo(root=tmp_path))


def test_levels_merge(tmp_path: Path) -> None:
    wf = _read(tmp_path, WORKFLOW)
    build, test = wf.jobs
    assert build.job_id == "build" and build.line == 13
    assert build.env == {"OUT": "dist", "DEBUG": "true", "NAME": "ingestion"}
    assert build.needs == ["test"] and build.runs_on == "self-hosted, linux"
    checkout, step, other = build.steps
    assert checkout.uses == "actions/checkout@v4" and checkout.run is None
    assert checkout.with_ == {"fetch-depth": "0", "lfs": "true"}
    assert step.env == {"OUT": "dist", "DEBUG": "true", "NAME": "billing"}
    assert step.working_directory == "lambdas" and step.shell == "bash"
    assert step.name == "Build" and step.line == 27 and step.run_line == 32
    assert step.condition == "github.ref == 'refs/heads/main'"
    assert step.run == 'mkdir -p "$OUT"  # trailing comment\n'
    assert other.working_directory == "other" and other.shell == "sh"
    assert [s.index for s in build.steps] == [0, 1, 2]
    assert test.steps == [] and test.env == {"OUT": "packages", "DEBUG": "true"}
    assert wf.problems == []


def test_workflow_defaults_without_job_defaults(tmp_path: Path) -> None:
    wf = _read(tmp_path, "defaults:\n  run:\n    working-directory: app\njobs:\n  a:\n    steps:\n      - run: ls\n")
    assert wf.jobs[0].steps[0].working_directory == "app"


def test_path_is_repository_relative_and_text_exact(tmp_path: Path) -> None:
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    text = "\ufeffjobs:\r\n  a:\r\n    steps:\r\n      - run: ls\r\n"
    path = tmp_path / ".github" / "workflows" / "d.yml"
    path.write_bytes(text.encode())
    wf = read_workflow(path, Repo(root=tmp_path))
    assert wf.path == ".github/workflows/d.yml"
    assert wf.text == text
    assert wf.jobs[0].steps[0].run == "ls"


def test_text_argument_replaces_the_file(tmp_path: Path) -> None:
    path = tmp_path / "wf.yml"
    path.write_text("jobs: {}\n")
    wf = read_workflow(path, Repo(root=tmp_path), text="jobs:\n  a:\n    steps:\n      - run: ls\n")
    assert wf.jobs[0].steps[0].run == "ls"


def test_outside_root_is_absolute(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    path = tmp_path / "wf.yml"
    path.write_text("jobs: {}\n")
    assert read_workflow(path, Repo(root=root)).path == path.resolve().as_posix()


def test_anchors_and_merge_keys(tmp_path: Path) -> None:
    wf = _read(
        tmp_path,
        """
x-step: &zip
  shell: bash
  run: |
    zip -r a.zip .
jobs:
  a:
    steps:
      - <<: *zip
        name: merged
      - *zip
""",
    )
    merged, aliased = wf.jobs[0].steps
    assert merged.name == "merged" and merged.run == "zip -r a.zip .\n" and merged.shell == "bash"
    assert merged.script_map.position(0) == (5, 5)
    assert aliased.run == "zip -r a.zip .\n"


def test_reusable_workflow_jobs(tmp_path: Path) -> None:
    wf = _read(
        tmp_path,
        "jobs:\n  local:\n    uses: ./.github/workflows/build.yml\n  remote:\n    uses: org/r/.github/workflows/b.yml@v1\n",
    )
    assert [j.job_id for j in wf.jobs] == ["remote"]
    missing, remote = wf.problems
    assert "build.yml, which cannot be read" in missing.reason and missing.span.line == 3
    assert "org/r" in remote.reason and not remote.could_touch_package and remote.span.line == 5


CALLEE = """on:
  workflow_call:
    inputs:
      function:
        type: string
        required: true
      out:
        type: string
        default: dist
jobs:
  package:
    runs-on: ubuntu-latest
    env:
      TARGET: ${{ inputs.out }}/${{ inputs.function }}.zip
    steps:
      - run: zip -r "$TARGET" "src/${{ inputs.function }}"
"""


def test_called_workflow_jobs_run_with_the_callers_inputs(tmp_path: Path) -> None:
    (tmp_path / ".github/workflows").mkdir(parents=True)
    (tmp_path / ".github/workflows/package.yml").write_text(CALLEE)
    caller = ("on: push\njobs:\n  build:\n    strategy:\n      matrix:\n        fn: [a, b]\n"
              "    uses: ./.github/workflows/package.yml\n    with:\n      function: ${{ matrix.fn }}\n")
    wf = _read(tmp_path, caller, ".github/workflows/deploy.yml")
    assert [(j.job_id, j.workflow) for j in wf.jobs] == [("build[fn=a]/package", ".github/workflows/package.yml"),
                                                          ("build[fn=b]/package", ".github/workflows/package.yml")]
    assert [j.steps[0].inputs for j in wf.jobs] == [{"function": "a", "out": "dist"},
                                                   {"function": "b", "out": "dist"}]
    assert wf.calls == [".github/workflows/package.yml"] and not wf.reusable_only
    assert wf.jobs[0].steps[0].script_map.path == ".github/workflows/package.yml"
    callee = read_workflow(tmp_path / ".github/workflows/package.yml", Repo(root=tmp_path))
    assert callee.reusable_only


def test_a_workflow_calling_itself_stops(tmp_path: Path) -> None:
    (tmp_path / ".github/workflows").mkdir(parents=True)
    text = "on: workflow_call\njobs:\n  again:\n    uses: ./.github/workflows/loop.yml\n"
    (tmp_path / ".github/workflows/loop.yml").write_text(text)
    wf = _read(tmp_path, text, ".github/workflows/loop.yml")
    assert wf.jobs == [] and any("levels of reusable workflows" in p.reason for p in wf.problems)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("jobs: [a, b]\n", "jobs is a list"),
        ("jobs:\n  a: 3\n", "job a is a number"),
        ("jobs:\n  a:\n    steps: {x: 1}\n", "steps is a mapping"),
        ("jobs:\n  a:\n    steps:\n      - just a string\n", "step 1 is a string"),
        ("jobs:\n  a:\n    steps:\n      - run: [ls]\n", "run is a list"),
        ("jobs:\n  a:\n    steps:\n      - run:\n", "run is empty"),
        ("jobs:\n  a:\n    steps:\n      - run: 42\n", "run is a number"),
        ("jobs:\n  a:\n    env: ${{ fromJSON(x) }}\n    steps: []\n", "env from an expression"),
        ("jobs:\n  a:\n    env:\n      X: [1]\n    steps: []\n", "env X is a list"),
        ("jobs:\n  a:\n    strategy:\n      matrix: [1]\n", "matrix is a list"),
        ("jobs:\n  a:\n    defaults: nope\n", "defaults is a string"),
        ("jobs:\n  a:\n    steps:\n      - uses: x\n        with: 3\n", "with is a number"),
        ("on: push\n", "no jobs"),
    ],
)
def test_wrong_types_are_problems(tmp_path: Path, text: str, fragment: str) -> None:
    wf = _read(tmp_path, text)
    reasons = [p.reason for p in wf.problems]
    assert any(fragment in r for r in reasons), reasons
    assert all(p.span.line >= 1 for p in wf.problems)


def test_wrong_step_keeps_the_others(tmp_path: Path) -> None:
    wf = _read(tmp_path, "jobs:\n  a:\n    steps:\n      - 5\n      - run: ls\n      -\n")
    (job,) = wf.jobs
    assert [s.run for s in job.steps] == ["ls"] and job.steps[0].index == 1
    assert [p.span.line for p in wf.problems] == [4, 6]


# --------------------------------------------------------------------------- bad input


def _error(tmp_path: Path, data: bytes) -> str:
    path = tmp_path / "bad.yml"
    path.write_bytes(data)
    with pytest.raises(WorkflowError) as info:
        read_workflow(path, Repo(root=tmp_path))
    message = str(info.value)
    assert "\n" not in message
    return message


def test_invalid_yaml_has_line_and_column(tmp_path: Path) -> None:
    assert _error(tmp_path, b"jobs:\n  a: [1, 2\n  b: c\n").startswith("bad.yml:3:4: invalid YAML")


def test_duplicate_keys(tmp_path: Path) -> None:
    assert "bad.yml:3:1" in _error(tmp_path, b"jobs: {}\non: push\njobs: {}\n")


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    assert "top level is a list" in _error(tmp_path, b"- a\n- b\n")


def test_not_utf8(tmp_path: Path) -> None:
    assert "bad.yml:2: not UTF-8" in _error(tmp_path, "jobs:\n  a: caf\xe9\n".encode("latin-1"))


def test_binary(tmp_path: Path) -> None:
    assert "binary" in _error(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_control_character(tmp_path: Path) -> None:
    assert "bad.yml:1:8" in _error(tmp_path, b"jobs: a\x07b\n")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(WorkflowError, match="cannot read"):
        read_workflow(tmp_path / "nope.yml", Repo(root=tmp_path))


def test_huge_file_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "bad.yml"
    with path.open("wb") as handle:
        handle.truncate(30 * 1024 * 1024)  # sparse: costs no disk
    start = time.monotonic()
    with pytest.raises(WorkflowError, match="too large"):
        read_workflow(path, Repo(root=tmp_path))
    assert time.monotonic() - start < 1


def test_alias_bomb_is_refused_quickly_and_in_bounded_memory(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    tracemalloc.start()
    try:
        message = _error(tmp_path, ("\n".join(lines) + "\njobs: {}\n").encode())
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "aliases" in message
    assert peak < 20 * 1024 * 1024


def test_alias_that_contains_itself(tmp_path: Path) -> None:
    assert "contains it" in _error(tmp_path, b"jobs: &j\n  a: *j\n")


@pytest.mark.parametrize("opener", ["[", "{a: "])
def test_deep_flow_nesting(tmp_path: Path, opener: str) -> None:
    closer = "]" if opener == "[" else "}"
    assert "nested" in _error(tmp_path, (opener * 10000 + closer * 10000).encode())


def test_deep_block_nesting(tmp_path: Path) -> None:
    text = "".join("  " * i + "- \n" for i in range(300)) + "  " * 300 + "x\n"
    assert "nested" in _error(tmp_path, text.encode())


# --------------------------------------------------------------------------- discovery


def _tree(tmp_path: Path) -> Path:
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    for name in ("b.yaml", "a.yml", "notes.md"):
        (workflows / name).write_text("jobs: {}\n")
    return workflows


def test_discover_default_and_directories(tmp_path: Path) -> None:
    workflows = _tree(tmp_path)
    expected = [workflows / "a.yml", workflows / "b.yaml"]
    assert discover_workflows([], tmp_path) == expected
    assert discover_workflows([tmp_path], tmp_path) == expected
    assert discover_workflows([workflows], tmp_path) == expected
    assert discover_workflows([tmp_path / ".github"], tmp_path) == expected
    assert discover_workflows([workflows / "b.yaml", tmp_path], tmp_path) == [workflows / "b.yaml", expected[0]]


def test_discover_errors(tmp_path: Path) -> None:
    with pytest.raises(WorkflowError, match="no such file"):
        discover_workflows([tmp_path / "missing.yml"], tmp_path)
    (tmp_path / "src").mkdir()
    with pytest.raises(WorkflowError, match="no workflows"):
        discover_workflows([tmp_path / "src"], tmp_path)
    with pytest.raises(WorkflowError, match="no workflows"):
        discover_workflows([], tmp_path)
