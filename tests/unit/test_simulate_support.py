"""Helpers for the simulator tests: a repository on disk, a workflow built by hand."""

from __future__ import annotations

from pathlib import Path

from validator.model import JobRun, Package, ScriptMap, SimulationResult, Step, Workflow
from validator.model.repo import Repo
from validator.simulate import simulate

WF = ".github/workflows/deploy.yml"


def make_repo(root: Path, files: list[str] | dict[str, str]) -> Repo:
    items = files.items() if isinstance(files, dict) else ((f, "") for f in files)
    for rel, text in items:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return Repo.open(root)


def script_map(script: str, first_line: int = 10) -> ScriptMap:
    """One anchor per script line, as for a block scalar whose lines start at column 11."""
    anchors = []
    offset = 0
    for n, line in enumerate(script.splitlines(keepends=True)):
        anchors.append((offset, offset, first_line + n, 11))
        offset += len(line)
    return ScriptMap(WF, anchors or [(0, 0, first_line, 11)])


def step(script: str | None = None, index: int = 0, **kw: object) -> Step:
    return Step(index=index, line=9, run=script, script_map=script_map(script) if script else None,
                run_line=10, **kw)  # type: ignore[arg-type]


def job(*steps: Step | str, job_id: str = "build", matrix: dict[str, str] | None = None) -> JobRun:
    made = [s if isinstance(s, Step) else step(s) for s in steps]
    for i, s in enumerate(made):
        s.index = i
    return JobRun(WF, job_id, 5, steps=made, matrix=matrix or {})


def run(root: Path, files: list[str] | dict[str, str], *jobs: JobRun | str, every_job: bool = True) -> SimulationResult:
    """Simulate the jobs; every job by default (these tests are about shell semantics, not
    about which jobs are worth simulating)."""
    repo = make_repo(root, files)
    made = [j if isinstance(j, JobRun) else job(j) for j in jobs]
    return simulate(Workflow(WF, "", made), repo, every_job=every_job)


def package(result: SimulationResult, name: str) -> Package:
    found = [p for p in result.packages if p.name == name]
    assert found, f"no package {name}: {[p.name for p in result.packages]}"
    return found[0]


def files(result: SimulationResult, name: str) -> list[str]:
    return sorted(p for p in package(result, name).files if not p.endswith("/"))
