"""Time the whole CLI on real public repositories, side by side with zizmor and yamllint.

    python bench/real.py --mirrors /path/to/mirrors [--runs 11] [--editable]

Each repository of ``bench/real-repos.toml`` is checked out at its pinned commit from a
local git mirror (``--mirrors`` holds ``owner+name/`` folders as the library's fetch makes
them; a repository without a mirror is skipped with a line saying so).  Then, as cold
processes interleaved run by run: validate-imports on the whole repository against
``zizmor --offline .``, and, where the list names a workflow, validate-imports on that
workflow against ``yamllint`` on it.  validate-imports is this checkout built into a wheel
and installed in a new virtual environment, with compiled bytecode, as users get it.
Prints medians and the ratios with their targets; asserts nothing (speed is measured, not
tested) and is not run by CI.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import installed_copy, time_commands, tool

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TARGETS = {"lambda": 2.5, "no-lambda": 1.0}
WORKFLOW_TARGET = 0.8


def mirror_of(mirrors: Path, name: str) -> Path | None:
    """The bare git directory of ``owner/name`` under ``mirrors`` (``owner+name/…``)."""
    folder = mirrors / name.replace("/", "+")
    if not folder.is_dir():
        return None
    for candidate in (folder, *sorted(folder.iterdir())):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    return None


def checkout(mirror: Path, commit: str, into: Path) -> bool:
    """A real checkout (``git ls-files`` works as it does for a user)."""
    steps = (["git", "clone", "-q", "--shared", "--no-checkout", str(mirror), str(into)],
             ["git", "-C", str(into), "checkout", "-q", commit])
    return all(subprocess.run(s, capture_output=True, check=False).returncode == 0 for s in steps)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mirrors", type=Path, required=True, help="folder of git mirrors (owner+name/)")
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--editable", action="store_true", help="time this environment's validate-imports")
    ap.add_argument("--list", type=Path, default=Path(__file__).with_name("real-repos.toml"))
    a = ap.parse_args()
    repos = tomllib.loads(a.list.read_text())["repo"]
    zizmor, yamllint = tool("zizmor"), tool("yamllint")
    if zizmor is None or yamllint is None:
        print("zizmor and yamllint are needed beside this Python (pip install zizmor yamllint)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        me = None if a.editable else installed_copy(Path(tmp))
        me = me or tool("validate-imports")
        if me is None:
            print("validate-imports is not installed", file=sys.stderr)
            return 2
        print(f"median of {a.runs} interleaved cold runs; validate-imports from "
              f"{'this environment' if a.editable else 'an installed wheel'}\n")
        print(f"{'repository':<42} {'validate-imports':>16} {'zizmor':>9} {'ratio':>7} {'target':>7}")
        for entry in repos:
            mirror = mirror_of(a.mirrors, entry["name"])
            root = Path(tmp) / entry["name"].replace("/", "+")
            if mirror is None or not checkout(mirror, entry["commit"], root):
                print(f"{entry['name']:<42} skipped: no mirror or the commit cannot be checked out")
                continue
            times = time_commands({"v": [me], "z": [zizmor, "--offline", "."]}, root, a.runs)
            (ours, code), (theirs, _) = times["v"], times["z"]
            target = TARGETS[entry["kind"]]
            verdict = "met" if ours / theirs <= target else "MISSED"
            print(f"{entry['name']:<42} {ours:13.0f} ms {theirs:6.0f} ms {ours / theirs:6.2f}x {target:6.1f}x  "
                  f"{verdict} (exit {code})")
            if "workflow" in entry:
                wf = entry["workflow"]
                t2 = time_commands({"v": [me, wf], "y": [yamllint, wf]}, root, a.runs)
                lines = (root / wf).read_text(errors="replace").count("\n")
                ratio = t2["v"][0] / t2["y"][0]
                print(f"  {wf} ({lines} lines): {t2['v'][0]:.0f} ms vs yamllint {t2['y'][0]:.0f} ms = "
                      f"{ratio:.2f}x (target {WORKFLOW_TARGET}x) {'met' if ratio <= WORKFLOW_TARGET else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
