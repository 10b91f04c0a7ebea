"""Disagreements between bash and the engine that are known and documented (``KNOWN.md``).

Each class is recognised from the scenario's tags (the constructs it was built from) and the
outcome (what bash did); :func:`classify` names the class, or returns None for a disagreement
nobody has explained yet — the fuzz test fails on those.
"""

from __future__ import annotations

import re
from typing import Any

# a failing command bash stops at, recognised by its message -> the class (KNOWN.md)
_STOPS = [
    (re.compile(r"^mkdir: cannot create"), "K9-mkdir"),
    (re.compile(r"^cp: cannot (stat|create)|^cp: target"), "K9-cp"),
    (re.compile(r"^rm: cannot remove"), "K9-rm"),
    (re.compile(r"^mv: cannot"), "K9-mv"),
    (re.compile(r"^touch: cannot"), "K9-touch"),
    (re.compile(r"requirements file"), "K9-pip-r"),
    (re.compile(r"^rsync"), "K9-rsync"),
    (re.compile(r"cd: |pushd: "), "K9-cd"),
    (re.compile(r"^zip|^$"), "K9-zip"),
]


def _stopped(outcome: Any) -> str | None:
    for step in outcome.real.get("failed_steps", []):
        for pattern, name in _STOPS:
            if pattern.search(step["stderr"]):
                return name
    return None


def classify(scenario: Any, outcome: Any, problem: Any) -> str | None:
    kind = problem.kind
    stopped = _stopped(outcome) or ("K9-zip" if outcome.real.get("failed_steps") and "no-dist" in scenario.tags
                                     else None)
    # K9: a command that stops the step before an archive is written (no -p, missing source,
    # rm without -f, -r file missing …): the engine says nothing, or only warns
    if stopped and kind in ("verdict:silent", "step:silent"):
        return stopped
    # K9-chain: a failing non-final && item ends the chain that would write the archive; the
    # step goes on (a loop's next iteration) and the deploy finds no archive
    if kind == "verdict:silent" and "no such archive was built" in problem.detail and not stopped:
        return "K9-chain"
    # K3: a failure in a later loop iteration / function call / section is blamed on a package
    # already zipped, or a package bash never built is still reported
    if stopped and kind in ("verdict:false-error", "members:no-package", "members"):
        return "K3-later-failure"
    # K-absent-module: the module the handler imports exists nowhere in the repository: the
    # engine takes it for a possibly third-party module (unknown is never missing)
    if kind == "verdict:silent":
        fn = problem.subject
        absent = {"helper": f"src/{fn}/helper.py", "shared": "src/shared/util.py"}
        for module, path in absent.items():
            named = f"No module named '{module}'" in problem.detail or f"cannot import name '{module}'" in problem.detail
            if named and path not in scenario.files:
                return "K-absent-module"
    # K-junk-installed: `zip -j` over a `pip install -t` folder flattens the installed packages'
    # files (requests/__init__.py becomes __init__.py); the engine keeps a pip install whole,
    # its content unknown, so the flattened members are not predicted (no verdict depends on them)
    if kind == "members" and {"zip:junk", "zip:junk-r"} & set(scenario.tags) and any(
            t in scenario.tags for t in ("extra:pip-name", "extra:pip-r", "extra:pip-r-guarded")):
        return "K-junk-installed"
    return None
