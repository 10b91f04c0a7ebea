"""Repository shell scripts a step runs: ``bash x.sh``, ``./x.sh``, ``sh -e x.sh``,
``source x.sh`` are read and interpreted, at the script's own lines."""

from __future__ import annotations

from pathlib import Path

from test_simulate_support import files, job, run, step

SRC = {"src/lambdas/a/handler.py": "", "src/lambdas/b/handler.py": "", "src/shared/util.py": ""}

PACKAGE_SH = """#!/usr/bin/env bash
set -euo pipefail
name="$1"
out="${OUT_DIR:-dist}/$name"
mkdir -p "$out"
cp -r "src/lambdas/$name/." "$out/"
cp -r src/shared "$out/"
cd "$out" && zip -qr "../$name.zip" .
"""


def with_script(name: str, text: str) -> dict[str, str]:
    return {**SRC, name: text}


def test_bash_script_builds_the_package_with_its_arguments(tmp_path: Path) -> None:
    r = run(tmp_path, with_script("scripts/package.sh", PACKAGE_SH), "bash scripts/package.sh a\nls dist")
    assert files(r, "a") == ["handler.py", "shared/util.py"]
    copy = r.copies[0]
    assert (copy.span.path, copy.span.line, copy.span.column) == ("scripts/package.sh", 6, 1)
    assert r.scripts == ["scripts/package.sh"]


def test_direct_execution_sh_options_and_double_dash(tmp_path: Path) -> None:
    for call in ("./scripts/package.sh b", "sh -e scripts/package.sh b", "bash -o pipefail -- scripts/package.sh b",
                 "$GITHUB_WORKSPACE/scripts/package.sh b"):
        r = run(tmp_path / call.split()[0].strip("./$"), with_script("scripts/package.sh", PACKAGE_SH), call)
        assert files(r, "b") == ["handler.py", "shared/util.py"], call


def test_new_shell_sees_exported_variables_only_and_keeps_its_cd(tmp_path: Path) -> None:
    script = "OUT_DIR=hidden\nexport KEEP=1\nbash scripts/package.sh a\ncp src/shared/util.py here.py\n"
    r = run(tmp_path, with_script("scripts/package.sh", PACKAGE_SH), script + "zip -q top.zip here.py")
    assert files(r, "a") == ["handler.py", "shared/util.py"]  # dist/, not hidden/: OUT_DIR was not exported
    assert package(r, "top").files["here.py"].source == "src/shared/util.py"  # the script's cd stayed in it
    exported = run(tmp_path / "exported", with_script("scripts/package.sh", PACKAGE_SH),
                   "export OUT_DIR=out\nbash scripts/package.sh a")
    assert package(exported, "a").archive == "out/a.zip"


def test_step_environment_is_exported_to_scripts(tmp_path: Path) -> None:
    r = run(tmp_path, with_script("scripts/package.sh", PACKAGE_SH),
            job(step("bash scripts/package.sh a", env={"OUT_DIR": "build"})))
    assert package(r, "a").archive == "build/a.zip"


def test_sourced_library_functions_report_at_the_library_lines(tmp_path: Path) -> None:
    lib = "# helpers\nbuild() {\n  mkdir -p out/$1\n  cp -r src/lambdas/$1/* out/$1/\n  (cd out/$1 && zip -qr ../$1.zip .)\n}\n"
    r = run(tmp_path, with_script("scripts/lib.sh", lib), "source scripts/lib.sh\nfor n in a b; do build $n; done")
    assert files(r, "a") == ["handler.py"] and files(r, "b") == ["handler.py"]
    assert {(c.span.path, c.span.line) for c in r.copies} == {("scripts/lib.sh", 4)}
    dotted = run(tmp_path / "dot", with_script("scripts/lib.sh", lib), ". ./scripts/lib.sh\nbuild a\ncp x y")
    lines = [(c.span.path, c.span.line) for c in dotted.copies]
    assert lines == [("scripts/lib.sh", 4), (".github/workflows/deploy.yml", 12)]  # back in the workflow


def test_exit_ends_the_script_shell_but_a_sourced_exit_ends_the_step(tmp_path: Path) -> None:
    quits = "exit 0\n"
    r = run(tmp_path, with_script("scripts/quit.sh", quits),
            "bash scripts/quit.sh\nmkdir o && cp src/shared/util.py o/ && (cd o && zip -q ../o.zip util.py)")
    assert files(r, "o") == ["util.py"]
    r = run(tmp_path / "sourced", with_script("scripts/quit.sh", quits),
            "source scripts/quit.sh\nmkdir o && cp src/shared/util.py o/ && (cd o && zip -q ../o.zip util.py)")
    assert not r.packages


def test_scripts_that_are_not_followed(tmp_path: Path) -> None:
    py = "#!/usr/bin/env python3\nprint('hi')\n"
    r = run(tmp_path, with_script("scripts/tool", py), "./scripts/tool\nbash -c 'echo hi'\nbash missing.sh")
    assert r.scripts == []


def test_a_script_running_itself_stops_with_a_note(tmp_path: Path) -> None:
    loop = "mkdir -p again\nbash scripts/loop.sh\n"
    r = run(tmp_path, with_script("scripts/loop.sh", loop), "bash scripts/loop.sh")
    assert r.scripts == ["scripts/loop.sh"]
    assert any("runs itself" in u.reason and u.span.path == "scripts/loop.sh" for u in r.unmodelled)


def package(result, name):  # type: ignore[no-untyped-def]
    from test_simulate_support import package as find

    return find(result, name)


def test_findings_in_a_script_can_be_suppressed_there(tmp_path: Path) -> None:
    import shutil

    from validator.engine import analyze

    repo = tmp_path / "repo"
    shutil.copytree(Path(__file__).parents[1] / "fixtures" / "script-packaging" / "repo", repo)
    before = analyze(root=repo)
    assert {(f.code, f.span.path) for f in before.findings} == {("LPK-003", "scripts/lib.sh"),
                                                               ("LPK-003", "scripts/package.sh")}
    lib = repo / "scripts" / "lib.sh"
    lib.write_text(lib.read_text().replace(
        '  cp -r src/lambdas/${name}/* "${dest}/"',
        '  # validate-imports: ignore[LPK-003] the handlers import flat in production\n'
        '  cp -r src/lambdas/${name}/* "${dest}/"'))
    after = analyze(root=repo)
    assert {(f.code, f.span.path) for f in after.findings} == {("LPK-003", "scripts/package.sh")}


def test_variables_set_for_the_script_only(tmp_path: Path) -> None:
    for call in ("OUT_DIR=zips ./scripts/package.sh a", "env OUT_DIR=zips bash scripts/package.sh a",
                 "exec env OUT_DIR=zips ./scripts/package.sh a"):
        r = run(tmp_path / str(len(call)), with_script("scripts/package.sh", PACKAGE_SH), call + "\necho $OUT_DIR")
        assert package(r, "a").archive == "zips/a.zip", call


def test_combined_shell_options_take_their_value(tmp_path: Path) -> None:
    r = run(tmp_path, with_script("scripts/package.sh", PACKAGE_SH), "bash -euo pipefail scripts/package.sh b")
    assert files(r, "b") == ["handler.py", "shared/util.py"]


SCRIPT_DIR = """#!/usr/bin/env bash
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$SCRIPT_DIR")"
HERE="$(dirname "$0")"
mkdir -p "$ROOT/dist/$1"
cp -r "$ROOT/src/lambdas/$1/." "$ROOT/dist/$1/"
cp -r "$HERE/../src/shared" "$ROOT/dist/$1/"
cd "$ROOT/dist/$1" && zip -qr "../$1.zip" .
"""


def test_script_folder_idioms(tmp_path: Path) -> None:
    r = run(tmp_path, with_script("scripts/package.sh", SCRIPT_DIR), "cd src && ../scripts/package.sh a")
    assert files(r, "a") == ["handler.py", "shared/util.py"]
    assert not [u for u in r.unmodelled if u.could_touch_package]


LIBRARY = """build() {
  mkdir -p out/$1 && cp -r src/lambdas/$1/* out/$1/ && (cd out/$1 && zip -qr ../$1.zip .)
}
[[ "${BASH_SOURCE[0]}" == "$0" ]] || return 0
build b
"""


def test_sourced_file_returns_at_its_guard(tmp_path: Path) -> None:
    r = run(tmp_path, with_script("scripts/lib.sh", LIBRARY), "source scripts/lib.sh\nbuild a")
    assert {p.archive for p in r.packages} == {"out/a.zip"}  # b is built only when run directly
    r = run(tmp_path / "direct", with_script("scripts/lib.sh", LIBRARY), "bash scripts/lib.sh")
    assert {p.archive for p in r.packages} == {"out/b.zip"}


def test_a_missing_script_is_named(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, "./scripts/build_one.sh a\nbash tools/missing.sh\n/usr/local/bin/tool x")
    reasons = [u.reason for u in r.unmodelled]
    assert len(reasons) == 2 and all("is not in the repository" in reason for reason in reasons)


def test_set_a_exports_what_a_sourced_file_assigns(tmp_path: Path) -> None:
    repo = {**with_script("scripts/package.sh", PACKAGE_SH), "deploy.env": "OUT_DIR=zips\n"}
    r = run(tmp_path, repo, "set -a\nsource ./deploy.env\nset +a\nLATER=1\nbash scripts/package.sh a")
    assert package(r, "a").archive == "zips/a.zip"
    r = run(tmp_path / "plain", repo, "source ./deploy.env\nbash scripts/package.sh a")
    assert package(r, "a").archive == "dist/a.zip"


def test_a_script_has_its_own_set_e(tmp_path: Path) -> None:
    script = "cd nowhere\nmkdir -p out && cp -r src/lambdas/a/. out/ && cd out && zip -qr ../a.zip .\n"
    repo = {**with_script("scripts/x.sh", "#!/bin/bash -e\n" + script), "scripts/plain.sh": script}
    assert not run(tmp_path / "e", repo, "bash -e scripts/plain.sh").packages
    assert not run(tmp_path / "shebang", repo, "./scripts/x.sh").packages
    assert files(run(tmp_path / "plain", repo, "bash scripts/x.sh"), "a") == ["handler.py"]  # the #! line is a comment
    assert files(run(tmp_path / "cond", repo, "if ! bash scripts/plain.sh; then echo failed; fi"), "a") == ["handler.py"]


def test_associative_arrays_declared_in_a_script(tmp_path: Path) -> None:
    script = ("declare -A DIRS=([a]=src/lambdas/a [b]=src/lambdas/b)\nfor n in a b; do\n  mkdir -p out/$n\n"
              "  cp -r \"${DIRS[$n]}/.\" out/$n/\ndone\n(cd out/b && zip -qr ../b.zip .)\n")
    inline = run(tmp_path / "inline", SRC, script)
    followed = run(tmp_path / "script", with_script("scripts/build.sh", script),
                   "echo padding to move offsets around\n" * 3 + "bash scripts/build.sh")
    # ``declare -A`` is read from the script's own text: the same verdict as inline
    # (associative values stay unknown), not an indexed array that gives b the files of a
    assert [c.sources for c in followed.copies] == [c.sources for c in inline.copies] == [[], []]
    assert [u.reason for u in followed.unmodelled] == [u.reason for u in inline.unmodelled]
