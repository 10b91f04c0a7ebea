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


# --------------------------------------------------------------------------- CPython semantics
# Each test below reproduces a disagreement the property test (tests/test_fuzz_pybuild.py)
# found between the evaluator and the real interpreter.

def _status(tmp_path: Path, script: str, **extra: str) -> str:
    """The status the simulation gives ``cd fn && python3 build.py``: "ok" or "failed"."""
    result = _run(tmp_path, script, shell="cd fn\nif python3 build.py; then s=ok; else s=failed; fi\n"
                                         "touch ../$s.txt\ncd .. && zip -q status.zip *.txt", **extra)
    probe = [p for p in result.packages if p.archive == "status.zip"]
    assert probe, [p.archive for p in result.packages]
    assert not probe[0].incomplete, probe[0].incomplete
    names = [f for f in probe[0].files if f in ("ok.txt", "failed.txt")]
    assert len(names) == 1, names
    return names[0][:-4]


@pytest.mark.parametrize(("tail", "status"), [
    ("raise SystemExit(main())", "ok"),  # main() returns None: exit status 0
    ("raise SystemExit(0)", "ok"),
    ("raise SystemExit", "ok"),
    ("raise SystemExit(2)", "failed"),
    ("raise SystemExit('bad')", "failed"),
    ("sys.exit(256)", "ok"),  # the status is the code modulo 256
    ("raise RuntimeError('x')", "failed"),
])
def test_system_exit_gives_the_status_of_its_code(tmp_path: Path, tail: str, status: str) -> None:
    script = f"""
        import sys, zipfile
        def main():
            with zipfile.ZipFile("out.zip", "w") as z:
                z.write("handler.py")
        if __name__ == "__main__":
            {tail}
    """
    assert _status(tmp_path, script) == status


def test_reading_a_missing_archive_fails(tmp_path: Path) -> None:
    """``ZipFile(path)`` (mode "r") opens the file: FileNotFoundError when it is not there."""
    assert _status(tmp_path, """
        import zipfile
        with zipfile.ZipFile("never-written.zip") as z:
            print(z.namelist())
    """) == "failed"


def test_glob_hidden_rule_follows_cpython(tmp_path: Path) -> None:
    """A pattern component starting with a dot matches dot names (``.*``, a literal
    ``.env``); ``*`` in a folder component skips hidden folders; ``**`` skips hidden folders."""
    result = _run(tmp_path, """
        import glob, zipfile
        with zipfile.ZipFile("out.zip", "w") as z:
            for pattern in [".*", "data/.hidden", "*/*.json", "**/*.py"]:
                for path in glob.glob(pattern, recursive=True):
                    z.write(path)
    """, **{"fn/.env": "", "fn/.cache/x.json": "", "fn/.cache/y.py": "", "fn/pkg/deep/z.py": ""})
    assert files(result, "out.zip") == [".env", "build.py", "data/.hidden", "data/a.json", "handler.py",
                                        "pkg/deep/z.py", "tests/test_x.py", "util.py"]


def test_glob_results_are_spelled_as_cpython_builds_them(tmp_path: Path) -> None:
    """``./*.py`` yields ``./handler.py``; ``data/**`` (recursive) yields ``data/`` itself first."""
    result = _run(tmp_path, """
        import glob, zipfile
        with zipfile.ZipFile("out.zip", "w") as z:
            for path in glob.glob("./*.py"):
                z.writestr(path.replace("./", "dot-"), "")
            for path in glob.glob("data/**", recursive=True):
                z.writestr("listed/" + path.replace("/", "_"), "")
    """)
    assert files(result, "out.zip") == ["dot-build.py", "dot-handler.py", "dot-util.py", "listed/data_",
                                        "listed/data_a.json"]


def test_pathlib_glob_has_no_hidden_rule_and_keeps_relative_paths(tmp_path: Path) -> None:
    """``Path("data").rglob("*")`` matches dot files, and a relative ``Path`` written without
    an arcname is stored relative (not as an absolute path of the checkout)."""
    result = _run(tmp_path, """
        import zipfile
        from pathlib import Path
        with zipfile.ZipFile("out.zip", "w") as z:
            for p in Path("data").rglob("*"):
                z.write(p)
            z.write(Path("handler.py"))
    """)
    assert files(result, "out.zip") == ["data/.hidden", "data/a.json", "handler.py"]


@pytest.mark.parametrize("prune", [
    "dirs[:] = [d for d in dirs if d != 'tests']",
    "if 'tests' in dirs:\n                    dirs.remove('tests')",
    "if 'tests' in root.split(os.sep):\n                    continue",
])
def test_walk_pruning_is_followed(tmp_path: Path, prune: str) -> None:
    """``os.walk`` is lazy: what the loop leaves in ``dirs`` decides where it goes next (the
    slice assignment was ignored, ``dirs.remove`` unmodelled, ``root.split`` unknown)."""
    result = _run(tmp_path, f"""
        import os, zipfile
        with zipfile.ZipFile("../out.zip", "w") as z:
            for root, dirs, names in os.walk("."):
                {prune}
                for n in names:
                    z.write(os.path.join(root, n))
    """)
    assert files(result, "out.zip") == ["build.py", "data/.hidden", "data/a.json", "handler.py", "util.py"]


def test_walk_sees_the_archive_it_writes(tmp_path: Path) -> None:
    """The archive exists from ``ZipFile(…, "w")`` on: a walk of its folder stores it too."""
    result = _run(tmp_path, """
        import os, zipfile
        with zipfile.ZipFile("out.zip", "w") as z:
            for root, dirs, names in os.walk("data"):
                for n in names:
                    z.write(os.path.join(root, n))
            for n in os.listdir("."):
                if n.endswith(".zip"):
                    z.write(n)
    """)
    assert files(result, "out.zip") == ["data/.hidden", "data/a.json", "out.zip"]


def test_an_archive_never_closed_is_not_claimed(tmp_path: Path) -> None:
    """Without ``with`` or ``close()`` CPython leaves the file without its central directory
    (not a readable zip): the evaluation gives up rather than claim its members."""
    result = _run(tmp_path, """
        import zipfile
        z = zipfile.ZipFile("out.zip", "w")
        z.write("handler.py")
    """)
    assert [p.archive for p in result.packages if not p.incomplete] == []


def test_write_after_close_fails(tmp_path: Path) -> None:
    assert _status(tmp_path, """
        import zipfile
        z = zipfile.ZipFile("out.zip", "w")
        z.close()
        z.write("handler.py")
    """) == "failed"


@pytest.mark.parametrize(("code", "status"), [
    ("os.makedirs('data')", "failed"),  # exists, no exist_ok
    ("os.makedirs('data', exist_ok=True)", "ok"),
    ("os.makedirs('handler.py', exist_ok=True)", "failed"),  # a file is in the way
    ("os.mkdir('a/b')", "failed"),  # missing parent
    ("Path('a/b').mkdir()", "failed"),
    ("Path('a/b').mkdir(parents=True)", "ok"),
    ("Path('data').mkdir(parents=True)", "failed"),
    ("os.remove('nope.txt')", "failed"),
    ("os.remove('data')", "failed"),
    ("shutil.rmtree('nope')", "failed"),
    ("shutil.rmtree('nope', ignore_errors=True)", "ok"),
    ("shutil.rmtree('handler.py')", "failed"),
    ("shutil.copyfile('handler.py', 'data')", "failed"),  # copyfile wants a file name
    ("shutil.copy('handler.py', 'data')", "ok"),
    ("shutil.copy('handler.py', 'handler.py')", "failed"),  # SameFileError
    ("os.chdir('nope')", "failed"),
    ("os.listdir('nope')", "failed"),
    ("open('nope.txt')", "failed"),
    ("zipfile.ZipFile('handler.py', 'x')", "failed"),
    ("zipfile.ZipFile('data', 'w')", "failed"),
    ("shutil.copytree('data', 'pkg')", "ok"),
    ("shutil.copytree('data', 'tests')", "failed"),
    ("shutil.copytree('data', 'tests', dirs_exist_ok=True)", "ok"),
    ("shutil.make_archive(Path('out'), 'zip')", "failed"),  # Path + '.zip' without root_dir: TypeError
    ("os.listdir('nope/..')", "failed"),  # ``..`` after a folder that does not exist
    ("assert not os.path.exists('nope/../handler.py')", "ok"),
    ("assert os.path.abspath('nope/..') == os.getcwd()", "ok"),  # os.path is lexical
    ("assert glob.glob('nope/../*.py') == []", "ok"),
    ("os.makedirs('a/../b'); assert os.path.isdir('a') and os.path.isdir('b')", "ok"),
    ("os.listdir('')", "failed"),  # an empty path names no folder (not the working directory)
    ("zipfile.ZipFile('', 'w')", "failed"),
    ("assert not os.path.exists('')", "ok"),
    ("assert list(os.walk('')) == []", "ok"),
    ("assert os.path.relpath('data/a.json', '') == 'data/a.json'", "ok"),  # start "": the working directory
    ("os.path.relpath('')", "failed"),
    ("assert glob.glob('*.json', root_dir='data') == ['a.json']", "ok"),
    ("assert glob.glob('data/*.json', root_dir='') == ['data/a.json']", "ok"),
])
def test_library_calls_fail_where_cpython_raises(tmp_path: Path, code: str, status: str) -> None:
    script = f"""
        import glob, os, shutil, zipfile
        from pathlib import Path
        {code}
    """
    assert _status(tmp_path, script) == status


@pytest.mark.parametrize("body", [
    "if not os.environ.get('CI'):\n    sys.exit(1)",  # an exit in a branch not known statically
    "if os.environ.get('FULL'):\n    EXTRA.append('util.py')",  # a list change in such a branch
    "for n in os.environ.get('MORE', '').split():\n    EXTRA.append(n)",
    "if os.environ.get('SKIP'):\n    EXTRA = []",  # an assignment: the name is unknown afterwards
])
def test_code_whose_running_is_not_known_is_not_skipped(tmp_path: Path, body: str) -> None:
    """A branch or loop not known statically was skipped when it wrote no file, though it
    could exit or change what is zipped; now only plain assignments are passed over, and
    the names they assign are unknown afterwards."""
    script = "import os, sys, zipfile\nEXTRA = ['handler.py']\n" + body + \
        "\nwith zipfile.ZipFile('out.zip', 'w') as z:\n    for n in EXTRA:\n        z.write(n)\n"
    result = run(tmp_path, {**BASE, "fn/build.py": script}, "cd fn && python3 build.py")
    assert [p.archive for p in result.packages if not p.incomplete] == []


def test_copytree_into_its_own_folder(tmp_path: Path) -> None:
    """``copytree(".", "build")`` lists the folder before creating ``build``: the copy holds
    everything but itself (it copied nothing)."""
    result = _run(tmp_path, """
        import shutil
        shutil.copytree(".", "build", ignore=shutil.ignore_patterns("tests", ".*"))
        shutil.make_archive("../fn", "zip", "build")
    """)
    assert files(result, "fn.zip") == ["build.py", "data/a.json", "handler.py", "util.py"]


def test_make_archive_holds_itself_and_follows_base_dir(tmp_path: Path) -> None:
    """The archive is created before ``make_archive`` walks: inside the zipped folder it is
    one of its own members; ``base_dir`` is the members' common prefix."""
    result = _run(tmp_path, """
        import shutil
        shutil.make_archive("data/self", "zip", "data")
        shutil.make_archive("../prefixed", "zip", ".", "data")
    """)
    assert files(result, "self.zip") == [".hidden", "a.json", "self.zip"]
    assert files(result, "prefixed.zip") == ["data/.hidden", "data/a.json", "data/self.zip"]


def test_bool_operators_give_the_deciding_value(tmp_path: Path) -> None:
    """``name or "default"`` is a string, not True."""
    result = _run(tmp_path, """
        import zipfile
        NAME = "" or "bundle"
        with zipfile.ZipFile(NAME + ".zip", "w") as z:
            z.write("handler.py")
    """)
    assert files(result, "bundle.zip") == ["handler.py"]


def test_writestr_of_a_name_that_is_not_plain_is_not_claimed(tmp_path: Path) -> None:
    """``writestr("/abs.txt", …)`` stores ``/abs.txt`` as given (no normalisation)."""
    result = _run(tmp_path, """
        import zipfile
        with zipfile.ZipFile("out.zip", "w") as z:
            z.writestr("/abs.txt", "x")
    """)
    assert [p.archive for p in result.packages if not p.incomplete] == []


def test_a_copied_archive_is_another_path_of_it(tmp_path: Path) -> None:
    """``shutil.copy``/``copytree`` of a zip the script wrote, then a deploy of the copy:
    the deploy ships that archive, as after ``cp`` (the copy was a file of no archive, and
    the deploy an empty package of its own)."""
    result = _run(tmp_path, """
        import os, shutil, zipfile
        with zipfile.ZipFile("out.zip", "w") as z:
            z.write("handler.py")
        os.makedirs("../dist", exist_ok=True)
        shutil.copy("out.zip", "../dist/")
    """, shell="cd fn && python3 build.py\n"
               "aws lambda update-function-code --function-name fn --zip-file fileb://../dist/out.zip")
    assert [(p.archive, sorted(p.files)) for p in result.packages] == [("fn/out.zip", ["handler.py"])]
    assert [(d.archive, d.resolved) for d in result.deploys] == [("dist/out.zip", True)]
