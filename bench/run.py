"""Time the whole CLI as a process, side by side with zizmor and yamllint, and its growth
on generated monorepos.  Prints figures; asserts nothing (speed is measured, not tested).

    python bench/run.py [--runs 21] [--scaling 25,50,100,200] [--editable]

validate-imports is timed as users install it: this checkout built into a wheel and
installed in a new virtual environment (``--editable`` times this environment's
install instead).  zizmor and yamllint are timed when they are on PATH or beside this
Python (`pip install zizmor yamllint`); each tool reads the same workflow, cold, as a
new process, and the median of ``--runs`` interleaved runs is reported.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import make_repo


def tool(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def installed_copy(tmp: Path) -> str | None:
    """This checkout as users get it: a wheel installed into a new virtual environment
    (bytecode compiled by pip), the dependencies taken from this environment through a
    path entry.  An editable install instead runs its import hook at every start-up and
    before every import, which costs tens of milliseconds per run."""
    checkout = Path(__file__).resolve().parent.parent
    wheels = tmp / "wheels"
    for isolation in ([], ["--no-build-isolation"]):
        built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", *isolation,
                                "-w", str(wheels), str(checkout)], capture_output=True, check=False)
        if built.returncode == 0:
            break
    found = sorted(wheels.glob("validate_imports-*.whl"))
    if not found:
        return None
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(found[-1])],
                   check=True, capture_output=True)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    deps = sysconfig.get_paths()["purelib"]
    (Path(site) / "_bench_dependencies.pth").write_text(deps + "\n")
    return str(venv / "bin" / "validate-imports")


def as_git_checkout(repo: Path) -> str:
    """Commit the generated repository, as the repositories the tool runs in are (it then
    lists files with ``git ls-files``, one more process per run)."""
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost", "-c", "init.defaultBranch=main"]
    try:
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "generated"]):
            subprocess.run([*git, *args], cwd=repo, check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        return " (not a git checkout: git failed)"
    return " in a git checkout"


def time_commands(cmds: dict[str, list[str]], cwd: Path, runs: int) -> dict[str, tuple[float, int]]:
    """Median wall time in milliseconds of ``runs`` cold runs of each command, run by run
    interleaved so that a change in machine load touches all alike (after one warm-up
    run each), and each command's exit code."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["NO_COLOR"] = "1"
    codes = {name: subprocess.run(cmd, cwd=cwd, capture_output=True, env=env, check=False).returncode
             for name, cmd in cmds.items()}
    samples: dict[str, list[float]] = {name: [] for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            start = time.perf_counter()
            subprocess.run(cmd, cwd=cwd, capture_output=True, env=env, check=False)
            samples[name].append((time.perf_counter() - start) * 1000)
    return {name: (statistics.median(samples[name]), codes[name]) for name in cmds}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument("--scaling", default="25,50,100,200", help="Lambda counts for the growth table")
    ap.add_argument("--pad-steps", type=int, default=130, help="extra steps that bring the workflow to ~1,700 lines")
    ap.add_argument("--editable", action="store_true", help="time the validate-imports of this environment "
                                                              "instead of an installed wheel")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        me = None if a.editable else installed_copy(Path(tmp))
        how = "installed wheel"
        if me is None:
            me, how = tool("validate-imports"), "this environment's install"
        if me is None:
            print("validate-imports is not installed (pip install -e .)", file=sys.stderr)
            return 2
        repo = make_repo(Path(tmp) / "repo", lambdas=5, modules=30, pad_steps=a.pad_steps)
        committed = as_git_checkout(repo)
        wf = repo / ".github/workflows/deploy.yml"
        lines = wf.read_text().count("\n")
        pyfiles = sum(1 for _ in repo.rglob("*.py"))
        print(f"workflow: {lines} lines, 5 packages, {pyfiles} Python files{committed}; "
              f"validate-imports from the {how}; median of {a.runs} interleaved cold runs\n")
        cmds = {"validate-imports": [me, str(wf.relative_to(repo))]}
        if zizmor := tool("zizmor"):
            cmds["zizmor --offline"] = [zizmor, "--offline", str(wf.relative_to(repo))]
        if yamllint := tool("yamllint"):
            cmds["yamllint"] = [yamllint, str(wf.relative_to(repo))]
        times = time_commands(cmds, repo, a.runs)
        for name, (ms, code) in times.items():
            print(f"  {name:<18} {ms:8.1f} ms   (exit {code})")
        ours = times["validate-imports"][0]
        if "zizmor --offline" in times:
            print(f"\n  validate-imports / zizmor   = {ours / times['zizmor --offline'][0]:.2f}x  (target <= 2.5x)")
        if "yamllint" in times:
            print(f"  validate-imports / yamllint = {ours / times['yamllint'][0]:.2f}x  (target <= 0.8x)")
        print("\ngrowth (one packaging step per Lambda, 10 modules each):")
        for count in [int(c) for c in a.scaling.split(",") if c]:
            mono = make_repo(Path(tmp) / f"mono{count}", lambdas=count, modules=10, pad_steps=0)
            runs = max(3, a.runs // 5)
            ms, code = time_commands({"v": [me, ".github/workflows/deploy.yml"]}, mono, runs)["v"]
            print(f"  {count:4d} Lambdas  {ms:9.1f} ms   {ms / count:6.2f} ms/Lambda   (exit {code})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
