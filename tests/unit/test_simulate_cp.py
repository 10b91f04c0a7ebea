"""GNU cp placement and failure records."""

from __future__ import annotations

from pathlib import Path

from test_simulate_support import files, run

from validator.model.repo import Repo

LAMBDA = ["src/lambdas/ingestion/handler.py", "src/lambdas/ingestion/alerting.py",
          "src/lambdas/shared/util.py", "src/lib/db.py"]


def zipped(script: str) -> str:
    return script + "\ncd build && zip -r ../ingestion.zip .\n"


def test_glob_copies_flat_into_existing_dir(tmp_path: Path) -> None:
    r = run(tmp_path, LAMBDA, zipped("mkdir build\ncp -r src/lambdas/ingestion/* build/"))
    assert files(r, "ingestion") == ["alerting.py", "handler.py"]
    cp = r.copies[0]
    assert cp.placed["src/lambdas/ingestion/handler.py"] == "/w/build/handler.py"
    assert cp.failed is None and cp.recursive


def test_dir_into_existing_dir_nests_under_basename(tmp_path: Path) -> None:
    r = run(tmp_path, LAMBDA, zipped("mkdir -p build/src\ncp -r src/lambdas build/src"))
    assert "src/lambdas/ingestion/handler.py" in files(r, "ingestion")


def test_dir_to_new_name_becomes_the_copy(tmp_path: Path) -> None:
    r = run(tmp_path, LAMBDA, zipped("mkdir build\ncp -r src/lambdas/shared build/common"))
    assert files(r, "ingestion") == ["common/util.py"]


def test_double_nesting_when_target_already_exists(tmp_path: Path) -> None:
    script = "mkdir -p build/shared\ncp -r src/lambdas/shared build/shared\ncp -r src/lambdas/ingestion/. build/"
    r = run(tmp_path, LAMBDA, zipped(script))
    assert "shared/shared/util.py" in files(r, "ingestion")


def test_dot_copies_contents(tmp_path: Path) -> None:
    r = run(tmp_path, LAMBDA, zipped("cp -r src/lambdas/ingestion/. build"))
    assert files(r, "ingestion") == ["alerting.py", "handler.py"]


def test_multiple_sources_need_directory_target(tmp_path: Path) -> None:
    r = run(tmp_path, LAMBDA, zipped("mkdir build\ncp src/lambdas/ingestion/handler.py src/lib/db.py build/x"))
    assert r.copies[0].failed == "missing-target-dir"
    r = run(tmp_path / "a", LAMBDA, "cp src/lambdas/ingestion/handler.py src/lib/db.py out/")
    assert r.copies[0].failed == "missing-target-dir"
    r = run(tmp_path / "b", LAMBDA, zipped("mkdir build\ntouch build/x\n"
                                           "cp src/lambdas/ingestion/handler.py src/lib/db.py build/x"))
    assert r.copies[0].failed == "not-a-directory"


def test_multiple_sources_into_directory(tmp_path: Path) -> None:
    r = run(tmp_path, LAMBDA, zipped("mkdir build\ncp src/lambdas/ingestion/handler.py src/lib/db.py build/"))
    assert files(r, "ingestion") == ["db.py", "handler.py"]


def test_missing_target_dir(tmp_path: Path) -> None:
    r = run(tmp_path, LAMBDA, "cp src/lambdas/ingestion/handler.py build/\nmkdir -p build\n"
                              "cp src/lib/db.py build/\ncd build && zip -r ../ingestion.zip .")
    first = r.copies[0]
    assert first.failed == "missing-target-dir"
    assert first.statement[0] == 0 and first.span.line == 10
    # reported once, then simulated as intended: the package is not also missing handler.py
    assert files(r, "ingestion") == ["db.py", "handler.py"]


def test_missing_source_suggests_renamed_file(tmp_path: Path) -> None:
    r = run(tmp_path, LAMBDA, zipped("mkdir build\ncp src/lambdas/ingestion/handlr.py build/"))
    cp = r.copies[0]
    assert cp.failed == "missing-source" and cp.missing == "/w/src/lambdas/ingestion/handlr.py"
    assert Repo.open(tmp_path).closest("src/lambdas/ingestion/handlr.py") == "src/lambdas/ingestion/handler.py"


def test_glob_matching_nothing_is_missing_source(tmp_path: Path) -> None:
    r = run(tmp_path, LAMBDA, zipped("mkdir build\ncp -r src/lambdas/ingest/* build/"))
    cp = r.copies[0]
    assert cp.failed == "missing-source"
    assert "matches nothing" in cp.failure_detail
    assert cp.missing == "/w/src/lambdas/ingest/*"
    assert Repo.open(tmp_path).closest("src/lambdas/ingest/*") == "src/lambdas/ingestion/*"


def test_directory_without_r_is_omitted(tmp_path: Path) -> None:
    r = run(tmp_path, LAMBDA, zipped("mkdir build\ncp src/lambdas/shared build/\ncp src/lib/db.py build/"))
    assert r.copies[0].failed == "omitting-directory"
    assert files(r, "ingestion") == ["db.py"]


def test_file_to_trailing_slash_of_missing_dir_fails(tmp_path: Path) -> None:
    r = run(tmp_path, LAMBDA, "cp src/lib/db.py out/\n")
    assert r.copies[0].failed == "missing-target-dir"


def test_target_directory_option_and_combined_flags(tmp_path: Path) -> None:
    r = run(tmp_path, LAMBDA, zipped("mkdir build\ncp -rfv -t build src/lib src/lambdas/shared"))
    assert files(r, "ingestion") == ["lib/db.py", "shared/util.py"]


def test_no_target_directory(tmp_path: Path) -> None:
    r = run(tmp_path, LAMBDA, zipped("mkdir -p build/lib\ncp -rT src/lib build/lib"))
    assert files(r, "ingestion") == ["lib/db.py"]


def test_parents(tmp_path: Path) -> None:
    r = run(tmp_path, LAMBDA, zipped("mkdir build\ncp --parents src/lib/db.py build/"))
    assert files(r, "ingestion") == ["src/lib/db.py"]


def test_symbolic_source_is_unmodelled_not_missing(tmp_path: Path) -> None:
    r = run(tmp_path, LAMBDA, zipped("mkdir build\ncp -r $SOMEWHERE/* build/\ncp src/lib/db.py build/"))
    assert r.copies[0].failed is None
    assert any("cannot resolve" in u.reason for u in r.unmodelled)


def test_loop_context_and_step_key(tmp_path: Path) -> None:
    r = run(tmp_path, LAMBDA, "mkdir build\nfor n in ingestion shared; do cp -r src/lambdas/$n build/; done")
    assert [c.loop_context for c in r.copies] == ["for n in ingestion shared"] * 2
    assert r.copies[0].step_key.startswith(".github/workflows/deploy.yml:build:0")


def test_copies_attached_to_package(tmp_path: Path) -> None:
    r = run(tmp_path, LAMBDA, zipped("mkdir build\ncp -r src/lambdas/ingestion/* build/\ncp src/nope.py build/"))
    pkg = next(p for p in r.packages if p.name == "ingestion")
    assert [c.failed for c in pkg.copies] == [None, "missing-source"]
    assert pkg.files["handler.py"].source == "src/lambdas/ingestion/handler.py"
    assert pkg.files["handler.py"].origin is not None and pkg.files["handler.py"].origin.line == 11
