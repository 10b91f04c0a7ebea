"""The differential fuzzer in the normal suite: a small, derandomized budget of generated
repositories built with real bash (``tests/fuzz``), every disagreement with the engine either
absent or one of the documented classes of ``tests/fuzz/KNOWN.md``.

``pytest -m fuzz`` runs a larger budget; ``bench/fuzz.py --seed S --count N`` runs thousands and
prints the agreement rates.
"""

from __future__ import annotations

import pytest
from fuzz.generate import Scenario, scenarios
from fuzz.known import classify
from fuzz.oracle import check
from harness.realbuild import tools_missing
from hypothesis import HealthCheck, given, settings

pytestmark = pytest.mark.skipif(bool(tools_missing()), reason="needs bash and zip")

_SETTINGS = {"database": None, "deadline": None, "derandomize": True,
             "suppress_health_check": list(HealthCheck)}


def _unexplained(scenario: Scenario) -> list[str]:
    outcome = check(scenario)
    return [str(p) for p in outcome.problems if classify(scenario, outcome, p) is None]


@settings(max_examples=30, **_SETTINGS)
@given(scenarios())
def test_generated_repositories_agree_with_bash(scenario: Scenario) -> None:
    problems = _unexplained(scenario)
    assert not problems, "\n".join(problems) + "\n" + scenario.describe()


@pytest.mark.fuzz
@settings(max_examples=500, **_SETTINGS)
@given(scenarios())
def test_many_generated_repositories_agree_with_bash(scenario: Scenario) -> None:
    problems = _unexplained(scenario)
    assert not problems, "\n".join(problems) + "\n" + scenario.describe()
