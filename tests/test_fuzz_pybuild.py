"""Python build scripts against the real interpreter: scripts generated from the grammar of
``tests/fuzz/pyscripts.py`` run with ``sys.executable`` over a random source tree, and the
simulation's evaluator (``validator/simulate/pybuild.py``) must agree with each run or give up
(``tests/fuzz/pyoracle.py`` says what agreeing means).

The default run has a small derandomized budget; ``pytest -m fuzz`` runs a larger one.
"""

from __future__ import annotations

import pytest
from fuzz.pyoracle import check
from fuzz.pyscripts import PyScenario, py_scenarios
from hypothesis import HealthCheck, given, settings

_SETTINGS = {"database": None, "deadline": None, "derandomize": True,
             "suppress_health_check": list(HealthCheck)}


def _check(scenario: PyScenario) -> None:
    outcome = check(scenario.files, scenario.cwd, scenario.command)
    assert not outcome.problems, "\n".join(outcome.problems) + "\n" + outcome.report() + "\n" + scenario.describe()


@settings(max_examples=30, **_SETTINGS)
@given(py_scenarios())
def test_generated_build_scripts_agree_with_python(scenario: PyScenario) -> None:
    _check(scenario)


@pytest.mark.fuzz
@settings(max_examples=1500, **_SETTINGS)
@given(py_scenarios())
def test_many_generated_build_scripts_agree_with_python(scenario: PyScenario) -> None:
    _check(scenario)
