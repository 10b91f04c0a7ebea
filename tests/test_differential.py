"""Differential tests: the packaging simulation against a real bash run of each fixture.

For every fixture with a ``real-build.json``, ``tests/harness/realbuild.py`` runs the
workflow's ``run:`` steps with bash and zip (sandboxed) and tries each handler the way the
Lambda runtime imports it. The engine's view of
the same repository must agree with it:

(a) for each archive bash built, the engine has a package whose archive path matches
    (symbolic parts such as ``${SHA}`` or ``${{ … }}`` are wildcards) and whose file set
    equals the archive's members (directory entries left out);
(b) the real verdict is "OK" for every handler of the archive exactly when the engine
    reports no error-severity finding for that package.

``real-build.json`` format::

    {"handlers":     {"ARCHIVE": "HANDLER" | ["HANDLER", …]},   # archives that must be built
     "not_built":    {"ARCHIVE": "PACKAGE"},     # a failing step stops it: engine must report an error
     "failed_steps": 0,                          # how many (job, matrix) runs bash aborts
     "layers":       {"ARCHIVE": "why"},         # compare files only, no handler
     "skip_compare": {"ARCHIVE": "why"},         # neither files nor verdict can agree by design
     "skip_verdict": {"ARCHIVE": "why"},         # files are compared, the verdict cannot agree
     "skip": "why",                              # the whole fixture opts out
     "functions":    {"ARCHIVE": {"layers": ["LAYER.zip" | "folder:PATH", …],   # extracted under /opt
                                  "runtime": "python3.12",
                                  "environment": {"PYTHONPATH": "…"}}}}

ARCHIVE paths are relative to the repository root as real-build reports them
(GITHUB_SHA is ``abcdef1234567``, every non-matrix ``${{ … }}`` becomes ``x``).
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from harness.compare import find_package, package_file_set
from harness.realbuild import Function, real_build, tools_missing

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CASES = sorted(p.parent for p in FIXTURES.glob("*/expected.txt"))


def _require_tools() -> None:
    missing = tools_missing()
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed")


def _handlers(spec) -> list[str]:
    return [spec] if isinstance(spec, str) else list(spec)


def run_real_build(repo: Path, config: dict) -> dict:
    _require_tools()
    handlers = {archive: _handlers(spec) for archive, spec in config.get("handlers", {}).items()}
    functions = {archive: Function.from_json(spec) for archive, spec in config.get("functions", {}).items()}
    return real_build(repo, handlers, functions=functions).as_dict()


_INPUTS = re.compile(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}")
_MATRIX = re.compile(r"\$\{\{\s*matrix\.([\w-]+)\s*\}\}")


def _written_out(text: str, values: dict[str, str], pattern: re.Pattern[str] = _INPUTS) -> str:
    return pattern.sub(lambda m: values.get(m.group(1), ""), text)


def _input_values(declared: dict, passed: dict, matrix: dict | None = None) -> dict[str, str]:
    values = {str(k): str((v or {}).get("default", "")) for k, v in (declared or {}).items()}
    values.update({str(k): _written_out(str(v), matrix or {}, _MATRIX) for k, v in (passed or {}).items()})
    return values


def inline_local_calls(repo: Path) -> None:
    """Write out what the runner does for local calls, so that real-build (which runs the
    ``run:`` steps of each workflow file, without ``env:``) builds what they build:

    * a job calling a local reusable workflow becomes the callee's jobs, once per matrix
      combination, with ``${{ inputs.x }}`` written out and the callee's job ``env:``
      exported at the top of each script; the callee file is removed;
    * a ``uses: ./…`` step becomes its composite action's steps, inputs written out."""
    from ruamel.yaml import YAML

    yaml = YAML()
    callees: set[Path] = set()
    for wf in sorted((repo / ".github" / "workflows").glob("*.y*ml")):
        doc = yaml.load(wf.read_text(encoding="utf-8"))
        jobs = {}
        for job_id, job in doc["jobs"].items():
            uses = job.get("uses") or ""
            if not uses.startswith("./"):
                jobs[job_id] = job
                continue
            callee_file = repo / uses.split("@")[0]
            callees.add(callee_file)
            callee = yaml.load(callee_file.read_text(encoding="utf-8"))
            declared = ((callee.get("on") or {}).get("workflow_call") or {}).get("inputs") or {}
            matrix = (job.get("strategy") or {}).get("matrix") or {}
            keys = [k for k, v in matrix.items() if isinstance(v, list)]
            for n, combo in enumerate([dict(zip(keys, vals, strict=True))
                                       for vals in itertools.product(*(matrix[k] for k in keys))] or [{}]):
                values = _input_values(declared, job.get("with") or {}, {str(k): str(v) for k, v in combo.items()})
                for inner_id, inner in callee["jobs"].items():
                    exports = "".join(f'export {k}="{_written_out(str(v), values)}"\n'
                                      for k, v in (inner.get("env") or {}).items())
                    steps = [{k: _written_out(exports + str(v) if k == "run" else str(v), values)
                              for k, v in step.items()} if "run" in step else step for step in inner["steps"]]
                    jobs[f"{job_id}-{inner_id}-{n}"] = {"runs-on": "ubuntu-latest", "steps": steps}
        for job in jobs.values():
            steps = []
            for step in job.get("steps") or []:
                uses = step.get("uses") or ""
                if not uses.startswith("./"):
                    steps.append(step)
                    continue
                action = yaml.load((repo / uses / "action.yml").read_text(encoding="utf-8"))
                values = _input_values(action.get("inputs") or {}, step.get("with") or {})
                steps += [{key: _written_out(str(value), values) for key, value in inner.items() if key != "shell"}
                          for inner in action["runs"]["steps"]]
            job["steps"] = steps
        doc["jobs"] = jobs
        with wf.open("w", encoding="utf-8") as fh:
            yaml.dump(doc, fh)
    for callee_file in callees:
        callee_file.unlink()


# --------------------------------------------------------------------------- the test


def _analyze(root: Path):
    try:
        from validator.engine import analyze
    except ImportError as exc:
        pytest.fail(f"validator.engine.analyze is not importable: {exc}")
    return analyze(root=root)


@pytest.mark.parametrize("case_dir", CASES, ids=[c.name for c in CASES])
def test_simulation_matches_real_build(case_dir: Path) -> None:
    config_file = case_dir / "real-build.json"
    if not config_file.is_file():
        pytest.skip("no real-build.json for this fixture")
    config = json.loads(config_file.read_text(encoding="utf-8"))
    if config.get("skip"):
        pytest.skip(config["skip"])
    repo = case_dir / "repo"
    if config.get("inline_calls"):
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "repo"
            shutil.copytree(repo, copy)
            inline_local_calls(copy)
            real = run_real_build(copy, config)
    else:
        real = run_real_build(repo, config)

    problems: list[str] = []

    failed = real.get("failed_steps", [])
    if len(failed) != int(config.get("failed_steps", 0)):
        problems.append(
            f"bash aborted {len(failed)} job run(s), real-build.json expects {config.get('failed_steps', 0)}: "
            + "; ".join(f"{s['job']} {s['matrix'] or ''} step {s['step']}: {s['stderr']}" for s in failed)
        )

    handlers = config.get("handlers", {})
    layers = config.get("layers", {})
    skip_compare = config.get("skip_compare", {})
    skip_verdict = config.get("skip_verdict", {})
    built = real.get("archives", {})
    for archive in sorted(set(handlers) - set(built)):
        problems.append(f"{archive}: real-build.json lists it but bash did not build it")
    for archive in sorted(set(built) - set(handlers) - set(layers) - set(skip_compare)):
        problems.append(f"{archive}: built by bash but not listed in real-build.json")

    result = _analyze(repo)
    packages = [r.package for r in result.packages]
    errors_by_package: dict[str, list[str]] = {}
    for f in result.findings:
        if getattr(f.severity, "value", f.severity) == "error":
            errors_by_package.setdefault(f.package or "-", []).append(f"{f.span}: {f.code} {f.message}")

    for archive, members in sorted(built.items()):
        if archive in skip_compare:
            continue
        pkg = find_package(archive, packages)
        if pkg is None:
            problems.append(
                f"{archive}: no engine package matches (engine archives: {sorted(p.archive for p in packages)})"
            )
            continue
        real_files = {m for m in members if not m.endswith("/")}
        ours, real_set = package_file_set(pkg, real_files)
        if ours != real_set:
            only_ours = sorted(ours - real_set)
            only_real = sorted(real_set - ours)
            problems.append(
                f"{archive} (engine package {pkg.name!r}, {pkg.archive}): file sets differ\n"
                f"      only in the simulation: {only_ours}\n      only in the real archive: {only_real}"
            )
        if archive in layers or archive in skip_verdict or archive not in handlers:
            continue
        verdicts = {
            h: real["handlers"].get(f"{archive}={h}", "missing") for h in _handlers(handlers[archive])
        }
        real_ok = all(v == "OK" for v in verdicts.values())
        our_errors = errors_by_package.get(pkg.name, [])
        if real_ok and our_errors:
            problems.append(f"{archive}: imports fine for real, but the engine reports errors: {our_errors}")
        if not real_ok and not our_errors:
            problems.append(
                f"{archive}: fails for real ({verdicts}), but the engine reports no error for {pkg.name!r}"
            )

    for archive, name in sorted(config.get("not_built", {}).items()):
        if archive in built:
            problems.append(f"{archive}: expected a failing step to stop it, but bash built it")
        if not errors_by_package.get(name):
            problems.append(f"{archive}: never built for real, but the engine reports no error for {name!r}")

    if problems:
        pytest.fail(
            f"{case_dir.name}: simulation and real build disagree:\n  - " + "\n  - ".join(problems),
            pytrace=False,
        )


def test_archive_matching() -> None:
    class P:
        def __init__(self, name, archive, matrix=None):
            self.name, self.archive, self.matrix = name, archive, matrix or {}

    pkgs = [
        P("ingestion", "packages/ingestion-${SHA}.zip"),
        P("analysis", "packages/analysis-${GITHUB_SHA::7}.zip"),
        P("billing", "dist/${{ matrix.function }}.zip", {"function": "billing"}),
        P("invoices", "dist/${{ matrix.function }}.zip", {"function": "invoices"}),
        P("api", "build/api.zip"),
    ]
    assert find_package("packages/ingestion-abcdef1.zip", pkgs).name == "ingestion"
    assert find_package("packages/analysis-abcdef1.zip", pkgs).name == "analysis"
    assert find_package("dist/invoices.zip", pkgs).name == "invoices"
    assert find_package("backend/build/api.zip", pkgs).name == "api"
    assert find_package("dist/other.zip", pkgs) is None
