"""Python build scripts (``validator/simulate/pybuild.py``): the shapes that are evaluated,
what ``zipfile`` and ``shutil`` store, and the forms left as unknown commands."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from test_simulate_support import run

from validator.model import SimulationResult

BASE = {"fn/handler.py": "", "fn/util.py": "", "fn/data/a.json": "", "fn/data/.hidden": "",
        "lib/common.py": "", "fn/tests/test_x.py": ""}


def files(result: SimulationResult, archive: str) -> list[str]:
    found = [p for p in result.packages if p.archive.endswith(archive)]
    assert found, f"no archive {archive}: {[p.archive for p in result.packages]}"
    return sorted(f for f in found[0].files if not f.endswith("/"))


def _run(tmp_path: Path, script: str, shell: str = "cd fn && python3 build.py", **extra: str):
    repo_files = {**BASE, "fn/build.py": textwrap.dedent(script), **extra}
    return run(tmp_path, repo_files, shell)


def test_write_defaults_and_arcnames(tmp_path: Path) -> None:
    result = _run(tmp_path, """
        import zipfile
        with zipfile.ZipFile("out.zip", "w", zipfile.ZIP_DEFLATED) as z:
            z.write("handler.py")
            z.write("./util.py", arcname="pkg/util.py")
            z.write("../lib/common.py", "common.py")
    """)
    assert files(result, "out.zip") == ["common.py", "handler.py", "pkg/util.py"]


def test_main_guard_function_with_module_list_and_walk(tmp_path: Path) -> None:
    result = _run(tmp_path, """
        import os, zipfile
        EXTRA = ["util.py"]
        def main(target="bundle.zip"):
            z = zipfile.ZipFile(target, "w")
            z.write("handler.py")
            for name in EXTRA:
                z.write(name)
            for root, dirs, names in os.walk("data"):
                for n in names:
                    z.write(os.path.join(root, n))
            z.close()
        if __name__ == "__main__":
            main()
    """)
    assert files(result, "bundle.zip") == ["data/.hidden", "data/a.json", "handler.py", "util.py"]


def test_exists_guard_is_evaluated_against_the_tree(tmp_path: Path) -> None:
    result = _run(tmp_path, """
        import os, zipfile
        with zipfile.ZipFile("out.zip", "w") as z:
            for name in ["handler.py", "missing.py"]:
                if os.path.exists(name):
                    z.write(name)
    """)
    assert files(result, "out.zip") == ["handler.py"]


def test_copytree_ignore_and_make_archive(tmp_path: Path) -> None:
    script = """
        import shutil
        from pathlib import Path
        here = Path(__file__).parent
        shutil.copytree(here, here.parent / "build", ignore=shutil.ignore_patterns("tests", "build.py"))
        shutil.make_archive(str(here.parent / "dist"), "zip", here.parent / "build")
    """
    result = _run(tmp_path, script, shell="python fn/build.py")
    assert files(result, "dist.zip") == ["data/.hidden", "data/a.json", "handler.py", "util.py"]


def test_glob_skips_hidden_files(tmp_path: Path) -> None:
    result = _run(tmp_path, """
        import glob, zipfile
        with zipfile.ZipFile("out.zip", "w") as z:
            for path in glob.glob("data/*"):
                z.write(path)
            for path in sorted(glob.glob("*.py")):
                z.write(path)
    """)
    assert files(result, "out.zip") == ["build.py", "data/a.json", "handler.py", "util.py"]


@pytest.mark.parametrize("body", [
    "import subprocess\nsubprocess.run(['zip', '-r', 'out.zip', '.'])",
    "import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], 'w') as z:\n    z.write('handler.py')",
    "import os, zipfile\nwith zipfile.ZipFile('out.zip', 'w') as z:\n    for n in os.environ['FILES'].split():\n"
    "        z.write(n)",
    "from helpers import build\nbuild('out.zip')",
])
def test_forms_outside_the_subset_stay_unknown(tmp_path: Path, body: str) -> None:
    """Nothing is guessed: the command is an unknown one, as before (no package, or an
    incomplete one), never an archive with the files the tool happened to evaluate."""
    result = _run(tmp_path, body + "\n")
    assert [p.name for p in result.packages if not p.incomplete and not p.opaque] == []


def test_a_missing_file_fails_the_script(tmp_path: Path) -> None:
    """``ZipFile.write`` of a file that does not exist raises FileNotFoundError: the script
    exits 1 (the ``||`` branch runs)."""
    result = _run(tmp_path, """
        import zipfile
        with zipfile.ZipFile("out.zip", "w") as z:
            z.write("nope.py")
    """, shell="cd fn\npython3 build.py || touch failed.txt\nzip ../after.zip handler.py failed.txt")
    assert files(result, "after.zip") == ["failed.txt", "handler.py"]
