"""Subshells, functions, loops, conditions, case, && / ||."""

from __future__ import annotations

from pathlib import Path

from test_simulate_support import files, run

SRC = ["src/lambdas/a/handler.py", "src/lambdas/b/handler.py", "src/shared/util.py"]


def test_subshell_cwd_does_not_leak(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, "mkdir build\n(cd build && cp ../src/shared/util.py .)\n"
                           "cp src/lambdas/a/handler.py build/\ncd build && zip -r ../a.zip .")
    assert files(r, "a") == ["handler.py", "util.py"]


def test_function_with_args_and_local(tmp_path: Path) -> None:
    script = """
build_lambda() {
  local name=$1
  local out="dist/$name"
  mkdir -p "$out"
  cp -r src/lambdas/$name/* "$out/"
  cp -r src/shared "$out/"
  (cd "$out" && zip -r "../../$name-${GITHUB_SHA}.zip" .)
}
build_lambda a
build_lambda b
echo "$name" > leaked.txt
"""
    r = run(tmp_path, SRC, script)
    assert files(r, "a") == ["handler.py", "shared/util.py"]
    assert files(r, "b") == ["handler.py", "shared/util.py"]
    assert r.copies[0].loop_context == "function build_lambda"
    assert {p.archive for p in r.packages} == {"a-${GITHUB_SHA}.zip", "b-${GITHUB_SHA}.zip"}


def test_for_over_glob_runs_body_per_match(tmp_path: Path) -> None:
    script = ("for d in src/lambdas/*/; do\n  n=$(basename $d)\n  mkdir -p build/$n\n"
              "  cp -r $d* build/$n/\n  (cd build/$n && zip -r ../../$n.zip .)\ndone")
    r = run(tmp_path, SRC, script)
    assert sorted(p.name for p in r.packages) == ["a", "b"]
    assert files(r, "b") == ["handler.py"]


def test_if_on_file_system_is_decided(tmp_path: Path) -> None:
    script = ("mkdir build\nif [ -f src/shared/util.py ]; then cp src/shared/util.py build/; "
              "else cp src/lambdas/a/handler.py build/; fi\ncd build && zip -r ../a.zip .")
    r = run(tmp_path, SRC, script)
    assert files(r, "a") == ["util.py"]


def test_unknown_condition_runs_both_branches(tmp_path: Path) -> None:
    script = ('mkdir build\nif [ "$DEPLOY_ENV" = prod ]; then cp src/shared/util.py build/; '
              "else cp src/lambdas/a/handler.py build/; rm -rf build/util.py; fi\ncd build && zip -r ../a.zip .")
    r = run(tmp_path, SRC, script)
    assert files(r, "a") == ["handler.py", "util.py"]


def test_and_or_with_test(tmp_path: Path) -> None:
    script = ("[ -d build ] || mkdir build\n[ -d build ] && cp src/shared/util.py build/\n"
              "[ -d nope ] && cp src/lambdas/a/handler.py build/\ntest -e build/util.py || exit 1\n"
              "cd build && zip -r ../a.zip .")
    r = run(tmp_path, SRC, script)
    assert files(r, "a") == ["util.py"]


def test_double_bracket_and_case(tmp_path: Path) -> None:
    script = """
FN=a
mkdir build
case "$FN" in
  a|c) cp src/lambdas/a/handler.py build/ ;;
  *) cp src/lambdas/b/handler.py build/b.py ;;
esac
if [[ "$FN" == a* && -d build ]]; then touch build/ok.py; fi
cd build && zip -r ../a.zip .
"""
    r = run(tmp_path, SRC, script)
    assert files(r, "a") == ["handler.py", "ok.py"]


def test_exit_ends_the_step(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, "mkdir build\ncp src/shared/util.py build/\nexit 0\ncd build && zip -r ../a.zip .")
    assert r.packages == []


def test_while_body_runs_once(tmp_path: Path) -> None:
    script = "mkdir build\nwhile read -r f; do cp \"$f\" build/; done < list.txt\ncp src/shared/util.py build/\n" \
             "cd build && zip -r ../a.zip ."
    r = run(tmp_path, SRC, script)
    assert files(r, "a") == ["util.py"]
    assert any("cannot resolve" in u.reason for u in r.unmodelled)


def test_loop_cap(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, "for i in $(seq 1 1000) {1..500}; do touch x$i; done\nzip -r a.zip .")
    assert any("for loop over" in u.reason for u in r.unmodelled)


def test_loop_after_process_substitution_redirect_and_stray_continue(tmp_path: Path) -> None:
    from validator.syntax.shell import parse_script
    from validator.syntax.shell.ir import For

    script = "cat < <(ls)\nfor d in a b; do\n  continue\ndone\nmkdir -p o && cp src/shared/util.py o/\n"
    assert isinstance(parse_script(script).body[1], For)
    r = run(tmp_path, SRC, "continue\nbreak\n" + script + "cd o && zip -q ../o.zip util.py")
    assert files(r, "o") == ["util.py"]
