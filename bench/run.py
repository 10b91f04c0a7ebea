"""Time the whole CLI as a process, side by side with zizmor and yamllint, and its growth
on generated monorepos.  Prints figures; asserts nothing (speed is measured, not tested).

    python bench/run.py [--runs 10] [--scaling 25,50,100,200]

zizmor and yamllint are timed when they are on PATH or beside this Python
(`pip install zizmor yamllint`); each tool reads the same workflow, cold, as a new
process, and the median of ``--runs`` runs is reported.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import make_repo


def tool(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def time_command(cmd: list[str], cwd: Path, runs: int) -> tuple[float, int]:
    """Median wall time in milliseconds of ``runs`` cold runs (after one warm-up), and the exit code."""
    # bytecode caches as an installed tool has them (the warm-up run writes them)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["NO_COLOR"] = "1"
    code = subprocess.run(cmd, cwd=cwd, capture_output=True, env=env, check=False).returncode
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, capture_output=True, env=env, check=False)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), code


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--scaling", default="25,50,100,200", help="Lambda counts for the growth table")
    ap.add_argument("--pad-steps", type=int, default=130, help="extra steps that bring the workflow to ~1,700 lines")
    a = ap.parse_args()
    me = tool("validate-imports")
    if me is None:
        print("validate-imports is not installed (pip install -e .)", file=sys.stderr)
        return 2
    # an installed wheel ships compiled bytecode; an editable checkout under
    # PYTHONDONTWRITEBYTECODE would recompile every module on every run instead
    import compileall

    import rules
    import validator

    for package in (validator, rules):
        compileall.compile_dir(str(Path(package.__file__).parent), quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        repo = make_repo(Path(tmp) / "repo", lambdas=5, modules=30, pad_steps=a.pad_steps)
        wf = repo / ".github/workflows/deploy.yml"
        lines = wf.read_text().count("\n")
        pyfiles = sum(1 for _ in repo.rglob("*.py"))
        print(f"workflow: {lines} lines, 5 packages, {pyfiles} Python files; median of {a.runs} cold runs\n")
        rows = [("validate-imports", [me, str(wf.relative_to(repo))])]
        if zizmor := tool("zizmor"):
            rows.append(("zizmor --offline", [zizmor, "--offline", str(wf.relative_to(repo))]))
        if yamllint := tool("yamllint"):
            rows.append(("yamllint", [yamllint, str(wf.relative_to(repo))]))
        times: dict[str, float] = {}
        for name, cmd in rows:
            ms, code = time_command(cmd, repo, a.runs)
            times[name] = ms
            print(f"  {name:<18} {ms:8.1f} ms   (exit {code})")
        ours = times["validate-imports"]
        if "zizmor --offline" in times:
            print(f"\n  validate-imports / zizmor   = {ours / times['zizmor --offline']:.2f}x  (target <= 2.5x)")
        if "yamllint" in times:
            print(f"  validate-imports / yamllint = {ours / times['yamllint']:.2f}x  (target <= 0.8x)")
        print("\ngrowth (one packaging step per Lambda, 10 modules each):")
        base = None
        for count in [int(c) for c in a.scaling.split(",") if c]:
            mono = make_repo(Path(tmp) / f"mono{count}", lambdas=count, modules=10, pad_steps=0)
            ms, code = time_command([me, ".github/workflows/deploy.yml"], mono, max(3, a.runs // 3))
            per = ms / count
            base = base or per
            print(f"  {count:4d} Lambdas  {ms:9.1f} ms   {per:6.2f} ms/Lambda   (exit {code})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
