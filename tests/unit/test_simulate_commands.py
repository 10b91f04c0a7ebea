"""mkdir, rm, mv, rsync, cd/pushd/popd, touch/echo redirections, ln."""

from __future__ import annotations

from pathlib import Path

from test_simulate_support import files, job, package, run, step

SRC = ["app/handler.py", "app/util.py", "app/tests/test_x.py", "lib/db.py"]


def test_mkdir_without_p_needs_parent(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, "mkdir build/pkg\ncp app/handler.py build/pkg/\n")
    assert r.copies[0].failed == "missing-target-dir"
    r = run(tmp_path / "b", SRC, "mkdir -p build/pkg\ncp app/handler.py build/pkg/\n"
                                 "cd build/pkg && zip -r ../../api.zip .")
    assert files(r, "api") == ["handler.py"]


def test_rm_removes_and_ignores_unknown_paths(tmp_path: Path) -> None:
    script = ("mkdir build\ncp -r app/* build/\nrm -rf build/tests\nrm -rf $UNSET/\nrm -rf /\n"
              "cd build && zip -r ../app.zip .")
    r = run(tmp_path, SRC, script)
    # ``rm -rf /`` empties the virtual tree only; the zip then has nothing to add
    assert r.packages == []
    r = run(tmp_path / "b", SRC, "mkdir build\ncp -r app/* build/\nrm -rf build/tests $UNSET/\n"
                                 "cd build && zip -r ../app.zip .")
    assert files(r, "app") == ["handler.py", "util.py"]
    assert (tmp_path / "b" / "app" / "handler.py").exists()


def test_mv_moves_and_nests_into_existing_dir(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, "mkdir -p build/pkg\ncp -r app build/\nmv build/app build/pkg\n"
                           "mv build/pkg/app/handler.py build/pkg/main.py\ncd build && zip -r ../app.zip .")
    assert files(r, "app") == ["pkg/app/tests/test_x.py", "pkg/app/util.py", "pkg/main.py"]
    assert [c.command for c in r.copies] == ["cp", "mv", "mv"]


def test_rsync_trailing_slash_rule_and_exclude(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, "mkdir build\nrsync -a --exclude 'tests/' --exclude='*.pyc' app/ build/\n"
                           "rsync -av lib build/\ncd build && zip -r ../app.zip .")
    assert files(r, "app") == ["handler.py", "lib/db.py", "util.py"]


def test_cd_dash_dotdot_and_missing(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, "set +e\nmkdir -p build/x\ncd build/x\ncd ..\ncp ../lib/db.py .\ncd /\ncd -\n"
                           "cd nowhere\nzip -r ../api.zip .")
    assert files(r, "api") == ["db.py"]
    assert any("nowhere" in u.reason for u in r.unmodelled)


def test_failing_cd_ends_the_step_under_set_e(tmp_path: Path) -> None:
    script = "mkdir -p build\ncp lib/db.py build/\ncd nowhere\nzip -r api.zip build"
    assert not run(tmp_path, SRC, script).packages  # GitHub runs steps with bash -e
    in_function = "f() {\n  cd nowhere\n  zip -r ../api.zip .\n}\nmkdir -p build\ncp lib/db.py build/\nf"
    assert not run(tmp_path / "f", SRC, in_function).packages
    kept = ["if cd nowhere; then :; fi", "cd nowhere || true", "cd nowhere && echo no", "! cd nowhere"]
    for guarded in kept:
        r = run(tmp_path / str(len(guarded)), SRC, f"mkdir -p build\ncp lib/db.py build/\n{guarded}\nzip -r api.zip build")
        assert files(r, "api") == ["build/db.py"], guarded


def test_pushd_popd(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, "mkdir build\npushd build\ncp ../app/handler.py .\npopd\n"
                           "zip -j app.zip build/handler.py")
    assert files(r, "app") == ["handler.py"]


def test_touch_and_echo_create_generated_files(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, "mkdir build\ntouch build/__init__.py\necho 'x = 1' > build/version.py\n"
                           "printf x >> build/extra.py\ncd build && zip -r ../app.zip .")
    pkg = package(r, "app")
    assert sorted(pkg.files) == ["__init__.py", "extra.py", "version.py"]
    assert {f.kind.value for f in pkg.files.values()} == {"generated"}


def test_ln_s_is_a_copy(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, "mkdir build\nln -s ../lib build/lib\ncp app/handler.py build/\n"
                           "cd build && zip -r ../app.zip .")
    assert files(r, "app") == ["handler.py", "lib/db.py"]


def test_set_e_applies_where_bash_applies_it(tmp_path: Path) -> None:
    setup = "mkdir -p build\ncp lib/db.py build/\n"
    zip_it = "\nzip -r api.zip build"
    for guarded in ("{ cd nowhere; } || echo none", "f() { cd nowhere; }\nf || true"):
        r = run(tmp_path / str(len(guarded)), SRC, setup + guarded + zip_it)
        assert files(r, "api") == ["build/db.py"], guarded
    # a folder only known at run time does not stop the step either; what is zipped there is unknown
    unknown = package(run(tmp_path / "unknown", SRC, setup + 'cd "$UNKNOWN_DIR"' + zip_it), "api")
    assert unknown.files == {} and "only known at run time" in unknown.incomplete
    custom = run(tmp_path / "custom", SRC, job(step(setup + "cd nowhere" + zip_it, shell="bash {0}")))
    assert files(custom, "api") == ["build/db.py"]  # a shell template without -e


def test_break_and_continue_stay_in_their_shell(tmp_path: Path) -> None:
    script = ("f() { continue; }\nfor n in handler db; do\n  f\n  ( continue )\n  mkdir -p o/$n\n"
              "done\ncp app/handler.py o/handler/ && cp lib/db.py o/db/\nzip -r api.zip o")
    assert files(run(tmp_path, SRC, script), "api") == ["o/db/db.py", "o/handler/handler.py"]


def test_cd_to_the_checkout_root_by_git(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, 'cd "$(git rev-parse --show-toplevel)"\nmkdir -p build\ncp app/handler.py build/\n'
                           "zip -r api.zip build")
    assert files(r, "api") == ["build/handler.py"]
