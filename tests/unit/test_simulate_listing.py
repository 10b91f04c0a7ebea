"""``$(ls …)``, ``$(find …)`` and ``$(cat FILE)`` evaluated on the virtual tree (compared
with the real commands), and loops over them in a simulated build."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from test_simulate_support import files, run

from validator.simulate import listing
from validator.simulate.packages import package_name

TREE = ["src/functions/alpha/app.py", "src/functions/beta/app.py", "src/functions/.hidden",
        "src/functions/beta/tests/test_app.py", "src/shared/helpers.py", "VERSION"]

COMMANDS = [
    ["ls", "src/functions"], ["ls", "-1", "src/functions"], ["ls", "-A", "src/functions"],
    ["ls", "-d", "src/functions/alpha/", "src/functions/beta/"], ["ls", "src/functions", "src/shared"],
    ["ls", "VERSION"], ["ls"],
    ["find", "src/functions", "-maxdepth", "1", "-mindepth", "1", "-type", "d"],
    ["find", "src", "-name", "*.py"], ["find", "src", "-name", "*.py", "-not", "-path", "*/tests/*"],
    ["find", "src/functions", "-mindepth", "1", "-maxdepth", "1", "-type", "d", "-printf", "%f\\n"],
    ["find", ".", "-path", "./src/shared", "-prune", "-o", "-type", "f", "-print"],
    ["find", "src", "-type", "f", "-printf", "%P %h\\n"], ["find", "src/", "-iname", "APP.PY"],
]


def _tree(root: Path) -> None:
    for rel in TREE:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("1.2.3\n" if rel == "VERSION" else "")


class FS:
    def listdir(self, path: str) -> list[str] | None:
        return sorted(os.listdir(path)) if os.path.isdir(path) else None


@pytest.mark.skipif(shutil.which("find") is None, reason="find is not installed")
@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_listing_matches_real_commands(tmp_path: Path, argv: list[str]) -> None:
    _tree(tmp_path)
    real = subprocess.run(argv, cwd=tmp_path, capture_output=True, check=True, text=True,
                          env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"}).stdout
    ours = listing.run(argv, str(tmp_path), FS())
    assert ours is not None
    if argv[0] == "find":  # find lists in directory order
        assert sorted(ours.splitlines()) == sorted(real.splitlines())
    else:
        assert ours == real


def test_unknown_forms_are_not_guessed(tmp_path: Path) -> None:
    _tree(tmp_path)
    for argv in (["ls", "-l", "src"], ["ls", "missing"], ["find", "src", "-newer", "VERSION"],
                 ["find", "src", "-exec", "rm", "{}", ";"], ["cat", "VERSION"]):
        assert listing.run(argv, str(tmp_path), FS()) is None  # cat needs a tree that reads files


SRC = {"src/functions/alpha/app.py": "from shared.helpers import x\n",
       "src/functions/beta/app.py": "from src.shared.helpers import x\n",
       "src/shared/helpers.py": "x = 1\n", "FUNCTIONS": "alpha\nbeta\n"}


@pytest.mark.parametrize("loop", ["$(ls src/functions)", "$(ls -d src/functions/*/ | xargs -n1 basename)",
                                  "$(find src/functions -mindepth 1 -maxdepth 1 -type d -exec basename {} \\;)",
                                  "$(cat FUNCTIONS)", "`ls src/functions`"])
def test_loop_over_command_substitution(tmp_path: Path, loop: str) -> None:
    script = (f"for fn in {loop}; do\n  rm -rf build && mkdir -p build dist\n"
              "  cp -r src/functions/$fn/* build/\n  (cd build && zip -qr ../dist/$fn.zip .)\ndone")
    r = run(tmp_path, SRC, script)
    if "xargs" in loop or "-exec" in loop:
        # a pipeline or a side-effecting find inside $( ) is not evaluated: symbolic, never broken
        assert all(")" not in p.name for p in r.packages if not p.candidate)
        return
    assert files(r, "alpha") == ["app.py"]
    assert files(r, "beta") == ["app.py"]


def test_symbolic_substitution_keeps_package_name_whole() -> None:
    assert package_name("dist/$(ls src/functions).zip") == "$(ls src/functions)"
    assert package_name("dist/fn-$(basename $(pwd)).zip") == "fn"
