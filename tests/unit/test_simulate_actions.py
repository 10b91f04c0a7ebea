"""Local composite actions (``uses: ./path``) run their steps in place, with inputs."""

from __future__ import annotations

from pathlib import Path

from test_simulate_support import files, job, run, step

from validator.model import Step

SRC = {"src/lambdas/a/handler.py": "", "src/lambdas/b/handler.py": "", "src/shared/util.py": ""}

ACTION = """name: package
inputs:
  name:
    required: true
  out:
    default: dist
runs:
  using: composite
  steps:
    - shell: bash
      run: |
        mkdir -p "build/${{ inputs.name }}" "${{ inputs.out }}"
        cp -r "src/lambdas/${{ inputs.name }}/." "build/${{ inputs.name }}/"
    - shell: bash
      working-directory: build/${{ inputs.name }}
      run: zip -qr "../../${{ inputs.out }}/${{ inputs.name }}.zip" .
"""


def uses(path: str, **with_: str) -> Step:
    return Step(index=0, line=9, uses=path, with_=dict(with_))


def test_inputs_and_defaults_reach_the_action_steps(tmp_path: Path) -> None:
    repo = {**SRC, ".github/actions/package/action.yml": ACTION}
    r = run(tmp_path, repo, job(uses("./.github/actions/package", name="a"),
                                uses("./.github/actions/package", name="b", out="zips")))
    assert files(r, "a") == ["handler.py"]
    assert {p.archive for p in r.packages} == {"dist/a.zip", "zips/b.zip"}
    copy = r.copies[0]
    assert (copy.span.path, copy.span.line) == (".github/actions/package/action.yml", 13)
    assert r.scripts == [".github/actions/package/action.yml"]


def test_an_input_from_the_calling_job_is_resolved_there(tmp_path: Path) -> None:
    repo = {**SRC, ".github/actions/package/action.yml": ACTION}
    r = run(tmp_path, repo, job(uses("./.github/actions/package", name="${{ matrix.fn }}"), matrix={"fn": "b"}))
    assert {p.archive for p in r.packages} == {"dist/b.zip"}


def test_unknown_input_stays_symbolic(tmp_path: Path) -> None:
    repo = {**SRC, ".github/actions/package/action.yml": ACTION}
    r = run(tmp_path, repo, job(uses("./.github/actions/package", name="${{ github.event.inputs.fn }}")))
    assert [c.target for c in r.copies] == ["/w/build/${{ inputs.name }}"]
    assert [(u.span.path, u.span.line) for u in r.unmodelled] == [(".github/actions/package/action.yml", 13)]
    assert "not known statically" in r.unmodelled[0].reason


def test_action_path_and_a_script_beside_the_action(tmp_path: Path) -> None:
    action = ('runs:\n  using: composite\n  steps:\n    - shell: bash\n'
              '      run: bash "${{ github.action_path }}/build.sh" a\n'
              '    - shell: bash\n      run: bash "$GITHUB_ACTION_PATH/build.sh" b\n')
    script = 'mkdir -p "out/$1"\ncp -r "src/lambdas/$1/." "out/$1/"\n(cd "out/$1" && zip -qr "../$1.zip" .)\n'
    repo = {**SRC, "tools/pkg/action.yml": action, "tools/pkg/build.sh": script}
    r = run(tmp_path, repo, job(uses("./tools/pkg")))
    assert {p.archive for p in r.packages} == {"out/a.zip", "out/b.zip"}
    assert r.scripts == ["tools/pkg/action.yml", "tools/pkg/build.sh"]


def test_nested_local_actions_and_non_composite_ones(tmp_path: Path) -> None:
    outer = "runs:\n  using: composite\n  steps:\n    - uses: ./.github/actions/package\n      with:\n        name: a\n"
    node = "runs:\n  using: node20\n  main: index.js\n"
    repo = {**SRC, ".github/actions/package/action.yml": ACTION, ".github/actions/outer/action.yaml": outer,
            ".github/actions/js/action.yml": node}
    r = run(tmp_path, repo, job(uses("./.github/actions/outer"), uses("./.github/actions/js"),
                                uses("./.github/actions/absent")))
    assert {p.archive for p in r.packages} == {"dist/a.zip"}


def test_an_action_calling_itself_stops(tmp_path: Path) -> None:
    loop = "runs:\n  using: composite\n  steps:\n    - uses: ./loop\n    - shell: bash\n      run: echo hi\n"
    r = run(tmp_path, {**SRC, "loop/action.yml": loop}, job(uses("./loop")))
    assert any("nested deeper" in u.reason for u in r.unmodelled)


def test_steps_around_the_action_still_run(tmp_path: Path) -> None:
    repo = {**SRC, ".github/actions/package/action.yml": ACTION.replace('"${{ inputs.out }}"', "")}
    r = run(tmp_path, repo, job(step("mkdir -p zips"), uses("./.github/actions/package", name="a", out="zips"),
                                step("cp src/shared/util.py build/a/ && cd build/a && zip -qr ../../late.zip .")))
    assert {p.archive for p in r.packages} == {"zips/a.zip", "late.zip"}  # zips/ came from the step before
    assert files(r, "late") == ["handler.py", "util.py"]  # the step after sees what the action built


def test_an_action_at_the_repository_root(tmp_path: Path) -> None:
    r = run(tmp_path, {**SRC, "action.yml": ACTION}, job(uses("./", name="b")))
    assert {p.archive for p in r.packages} == {"dist/b.zip"}


def test_step_conditions_are_decided_when_they_can_be(tmp_path: Path) -> None:
    action = ACTION.replace("    - shell: bash\n      run: |\n", "    - shell: bash\n      if: inputs.name != 'b'\n"
                            "      run: |\n", 1)
    repo = {**SRC, ".github/actions/package/action.yml": action}
    r = run(tmp_path, repo, job(uses("./.github/actions/package", name="a"), uses("./.github/actions/package", name="b")))
    assert [c.target for c in r.copies] == ["/w/build/a"]  # the copy step was skipped for b
    r = run(tmp_path / "m", SRC, job(step("mkdir o && cp -r src/lambdas/a/. o/ && cd o && zip -qr ../o.zip .",
                                          condition="${{ matrix.fn == 'never' }}"), matrix={"fn": "a"}))
    assert not r.packages


def test_a_broken_local_action_is_named(tmp_path: Path) -> None:
    repo = {**SRC, ".github/actions/bad/action.yml": "runs: [unclosed\n", ".github/actions/list/action.yml": "- a\n",
            ".github/actions/steps/action.yml": "runs:\n  using: composite\n  steps: hello\n"}
    r = run(tmp_path, repo, job(uses("./.github/actions/bad"), uses("./.github/actions/absent"),
                                uses("./.github/actions/list"), uses("./.github/actions/steps")))
    reasons = [u.reason for u in r.unmodelled]
    assert any(".github/actions/bad/action.yml cannot be read" in x for x in reasons)
    assert any("no action.yml or action.yaml in .github/actions/absent" in x for x in reasons)
    assert any("action.yml is a list, expected a mapping" in x for x in reasons)
    assert any("composite action .github/actions/steps/action.yml: steps is a string" in x for x in reasons)
