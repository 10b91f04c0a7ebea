"""The differential fuzzer at scale: random repositories built with real bash against the engine.

    python bench/fuzz.py --seed 1 --count 2000 [--shrink] [--show 3]

Generates ``--count`` repositories (``tests/fuzz/generate.py``), builds each with real bash
(``tests/harness/realbuild.py``) and compares it with ``validator.engine.analyze``
(``tests/fuzz/oracle.py``): prints the agreement rates on member sets, verdicts and failing
steps, the disagreements per class (``tests/fuzz/known.py`` names the documented ones, see
``tests/fuzz/KNOWN.md``), and for each class an example — with ``--shrink``, the smallest one
Hypothesis finds.  Needs bash, zip and rsync; runs everything in temporary folders.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fuzz.generate import Scenario, scenarios
from fuzz.known import classify
from fuzz.oracle import Outcome, check
from hypothesis import HealthCheck, Phase, given, seed, settings


def _label(scenario: Scenario, outcome: Outcome, problem: Any) -> str:
    known = classify(scenario, outcome, problem)
    return f"{problem.kind} [{known}]" if known else f"{problem.kind} [UNKNOWN]"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--shrink", action="store_true", help="shrink one example of each disagreement class")
    ap.add_argument("--show", type=int, default=1, help="examples printed per class (default 1)")
    args = ap.parse_args(argv)

    totals: collections.Counter[str] = collections.Counter()
    classes: collections.Counter[str] = collections.Counter()
    examples: dict[str, list[tuple[Scenario, Outcome, Any]]] = collections.defaultdict(list)
    started = time.monotonic()

    @seed(args.seed)
    @settings(max_examples=args.count, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(scenarios())
    def run(scenario: Scenario) -> None:
        outcome = check(scenario)
        totals["repositories"] += 1
        totals["members"] += outcome.members
        totals["verdicts"] += outcome.verdicts
        totals["steps"] += outcome.steps
        totals["failed"] += bool(outcome.real["failed_steps"])
        for prefix in ("members", "verdict", "step"):
            totals[f"{prefix}-disagree"] += len(outcome.disagree(prefix))
        for problem in outcome.problems:
            label = _label(scenario, outcome, problem)
            classes[label] += 1
            if len(examples[label]) < args.show:
                examples[label].append((scenario, outcome, problem))

    run()
    elapsed = time.monotonic() - started

    def rate(part: str, whole: str) -> str:
        n = totals[whole]
        return f"{100 * (n - totals[part]) / n:.1f} % of {n}" if n else "n/a"

    print(f"seed {args.seed}: {totals['repositories']} repositories in {elapsed:.0f} s "
          f"({totals['failed']} with a failing bash step)")
    print(f"  member sets agree: {rate('members-disagree', 'members')}")
    print(f"  verdicts agree:    {rate('verdict-disagree', 'verdicts')}")
    print(f"  step failures:     {rate('step-disagree', 'steps')}")
    print("disagreements by class:")
    for label, n in classes.most_common():
        print(f"  {n:6d}  {label}")
    for label, items in sorted(examples.items()):
        for scenario, outcome, problem in items:
            if args.shrink:
                scenario, outcome, problem = _shrunk(label, scenario, outcome, problem)
            print("=" * 78)
            print(f"{label}\n{problem}")
            print(scenario.describe())
            print("bash:", outcome.real["failed_steps"] or "every step ran",
                  {a: len(m) for a, m in outcome.real["archives"].items()})
            print("engine:\n  " + "\n  ".join(outcome.findings or ["no findings"]))
    return 1 if any("UNKNOWN" in label for label in classes) else 0


def _shrunk(label: str, scenario: Scenario, outcome: Outcome, problem: Any) -> tuple[Scenario, Outcome, Any]:
    """The smallest scenario Hypothesis finds that still shows a disagreement of ``label``."""
    from hypothesis import find

    found: dict[str, Any] = {}

    def shows(candidate: Scenario) -> bool:
        out = check(candidate)
        for p in out.problems:
            if _label(candidate, out, p) == label:
                found["it"] = (candidate, out, p)
                return True
        return False

    try:
        small = find(scenarios(), shows, settings=settings(max_examples=300, database=None, deadline=None,
                                                           suppress_health_check=list(HealthCheck)))
        shows(small)
        return found["it"]
    except Exception:  # not found again within the budget: keep the original
        return scenario, outcome, problem


if __name__ == "__main__":
    sys.exit(main())
