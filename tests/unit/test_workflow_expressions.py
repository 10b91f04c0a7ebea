"""The small, safe reader of ``${{ }}`` expressions."""

from __future__ import annotations

import pytest

from validator.model import JobRun, Step
from validator.workflow import resolve_expression, substitute_expressions

JOB = JobRun(
    workflow="wf.yml",
    job_id="build",
    line=1,
    matrix={"fn": "billing", "empty": "", "target": '{"arch":"arm64","tags":["a","b"]}'},
    env={"OUT": "packages", "SHA": "${{ github.sha }}", "LOOP": "${{ env.LOOP }}"},
)
STEP = Step(
    index=0,
    line=2,
    env={**JOB.env, "ZIP": "${{ env.OUT }}/${{ matrix.fn }}.zip", "NAME": "${{ env.SHA }}-x"},
)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("${{ matrix.fn }}", "billing"),
        ("matrix.fn", "billing"),
        ("${{matrix['fn']}}", "billing"),
        ("matrix.target.arch", "arm64"),
        ("matrix.target.tags[1]", "b"),
        ("matrix.missing", None),
        ("'it''s'", "it's"),
        ("true", "true"),
        ("3.10", "3.1"),
        ("null", ""),
        ("env.OUT", "packages"),
        ("env.ZIP", "packages/billing.zip"),
        ("env.NAME", None),
        ("env.LOOP", None),
        ("env.UNSET", None),
        ("matrix.empty || 'default'", "default"),
        ("matrix.fn || 'default'", "billing"),
        ("github.sha || 'x'", None),
        ("matrix.fn && 'yes'", "yes"),
        ("format('{0}-{1}.zip', matrix.fn, env.OUT)", "billing-packages.zip"),
        ("format('{{0}} {0}', 'a')", "{0} a"),
        ("format('{0}', github.sha)", None),
        ("github.workspace", None),
        ("secrets.TOKEN", None),
        ("steps.build.outputs.zip", None),
        ("inputs.name", None),
        ("matrix.fn == 'billing'", "true"),
        ("matrix.fn == 'BILLING'", "true"),  # strings compare without case
        ("matrix.fn != 'billing' || 'no'", "no"),
        ("matrix.fn == github.sha", None),
        ("'1' == 1 && null == 0 && true == 1", "true"),
        ("!cancelled()", "true"),
        ("failure()", "false"),
        ("contains(matrix.fn, 'ILL') && startsWith(env.OUT, 'pack') && !endsWith(env.OUT, 'x')", "true"),
        ("2 < 10 && '2' < '10'", "false"),
        ("toJSON(matrix)", None),
        ("", None),
        ("'unterminated", None),
    ],
)
def test_resolve(expr: str, expected: str | None) -> None:
    assert resolve_expression(expr, JOB, STEP) == expected


def test_job_env_without_step() -> None:
    assert resolve_expression("env.ZIP", JOB, None) is None
    assert resolve_expression("env.OUT", JOB, None) == "packages"


def test_substitute_leaves_unknowns_as_written() -> None:
    text = "zip -r ${{ env.OUT }}/${{ matrix.fn }}-${{ github.sha }}.zip . # ${{ '}}' }}"
    assert substitute_expressions(text, JOB, STEP) == "zip -r packages/billing-${{ github.sha }}.zip . # }}"
    assert substitute_expressions("no expressions ${{ unclosed", JOB, STEP) == "no expressions ${{ unclosed"


@pytest.mark.parametrize(
    ("condition", "runs"),
    [
        (None, True),
        ("matrix.fn == 'billing'", True),
        ("${{ matrix.fn != 'billing' }}", False),
        ("always()", True),
        ("failure()", False),
        ("github.ref == 'refs/heads/main'", None),
        ("success() && env.OUT == 'packages'", True),
        ("${{ matrix.fn }} == x", None),  # two expressions in one text: not decided
        ("github.event_name == 'push' && false", False),
        ("github.event_name == 'push' || always()", True),
        ("matrix.flag == true && !matrix.off", True),
        ("matrix.off", False),
    ],
)
def test_step_if(condition: str | None, runs: bool | None) -> None:
    from dataclasses import replace

    from validator.workflow import step_runs

    job = replace(JOB, matrix={**JOB.matrix, "flag": "true", "off": "false"})
    assert step_runs(job, replace(STEP, condition=condition)) is runs
