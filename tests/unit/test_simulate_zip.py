"""zip variants, python -m zipfile, package naming and layers."""

from __future__ import annotations

from pathlib import Path

from test_simulate_support import files, job, package, run, step

SRC = ["build/handler.py", "build/util.py", "build/.env", "build/pkg/mod.py", "build/pkg/mod.pyc",
       "build/tests/test_a.py"]


def test_zip_from_parent_stores_dir_prefix(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, "zip -r api.zip build -x 'tests/*'")
    assert "build/tests/test_a.py" in files(r, "api")  # -x tests/* does not match build/tests/…
    assert "build/.env" in files(r, "api")


def test_zip_inside_dir_with_excludes_after_archive(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, "cd build && zip -r9q ../api.zip . -x '*.pyc' 'tests/*'")
    assert files(r, "api") == [".env", "handler.py", "pkg/mod.py", "util.py"]
    assert package(r, "api").root_dir == "/w/build"


def test_shell_glob_skips_dotfiles(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, "cd build && zip -r ../api.zip *")
    assert ".env" not in files(r, "api")


def test_junk_paths(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, "zip -j api.zip build/handler.py build/pkg/mod.py")
    assert files(r, "api") == ["handler.py", "mod.py"]


def test_directory_without_r_adds_only_its_entry(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, "zip api.zip build build/handler.py")
    assert files(r, "api") == ["build/handler.py"]


def test_include_and_append(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, "cd build\nzip -r ../api.zip . -i '*.py'\nzip -g ../api.zip .env\n"
                           "zip -d ../api.zip 'tests/*'")
    assert files(r, "api") == [".env", "handler.py", "pkg/mod.py", "util.py"]


def test_existing_archive_is_updated_not_recreated(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, "cd build\nzip -r ../api.zip .\nrm -rf tests\nzip -r ../api.zip .")
    assert "tests/test_a.py" in files(r, "api")
    r = run(tmp_path / "b", SRC, "cd build\nzip -r ../api.zip .\nrm -rf tests\nzip -r -FS ../api.zip .")
    assert "tests/test_a.py" not in files(r, "api")
    r = run(tmp_path / "c", SRC, "cd build\nzip -r ../api.zip .\nrm -rf tests ../api.zip\nzip -r ../api.zip .")
    assert "tests/test_a.py" not in files(r, "api")


def test_python_zipfile(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, "python3 -m zipfile -c api.zip build/handler.py build/pkg\n"
                           "cd build && python -m zipfile -c ../whole.zip .")
    assert files(r, "api") == ["handler.py", "pkg/mod.py", "pkg/mod.pyc"]
    assert ".env" in files(r, "whole")


def test_names_strip_versions_and_generic_stems(tmp_path: Path) -> None:
    srcs = ["packages/ingestion/handler.py", "src/billing/handler.py"]
    script = ("cd packages/ingestion && zip -r lambda.zip . && cd -\n"
              "zip -r ingestion_${{ github.sha }}.zip packages\n"
              "zip -r ingestion-lambda-${GITHUB_SHA:0:7}.zip packages\n"
              "zip -r report-v1.2.3.zip packages\n"
              "(cd src/billing && zip -r ../../dist-function.zip .)\n"
              "mkdir dist && (cd src/billing && zip -r ../../dist/function.zip .)")
    r = run(tmp_path, srcs, script)
    names = sorted(p.name for p in r.packages)
    assert names == ["billing", "dist-function", "ingestion", "ingestion", "ingestion-lambda", "report"]
    archives = {p.archive for p in r.packages}
    assert "ingestion_${{ github.sha }}.zip" in archives
    assert "packages/ingestion/lambda.zip" in archives


def test_matrix_value_names_the_package(tmp_path: Path) -> None:
    srcs = ["functions/billing/app.py", "functions/invoices/app.py"]
    script = "cd functions/${{ matrix.function }} && zip -r ../../${{ matrix.function }}.zip ."
    r = run(tmp_path, srcs, job(script, matrix={"function": "billing"}),
            job(script, matrix={"function": "invoices"}))
    assert sorted(p.name for p in r.packages) == ["billing", "invoices"]
    assert package(r, "billing").matrix == {"function": "billing"}


def test_layer_detected(tmp_path: Path) -> None:
    r = run(tmp_path, ["lib/common.py"], "mkdir -p layer/python\ncp lib/common.py layer/python/\n"
                                         "cd layer && zip -r ../common-layer.zip python")
    assert package(r, "common-layer").is_layer


def test_archive_without_python_is_only_a_candidate(tmp_path: Path) -> None:
    """A ZIP with no Python code that no step deploys is a Lambda package only when the
    IaC deploys it by path (the engine decides, after linkage)."""
    r = run(tmp_path, ["site/index.html"], "zip -r site.zip site")
    assert [(p.name, p.candidate) for p in r.packages] == [("site", True)]


def test_working_directory(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, job(step("zip -r ../api.zip . -x 'tests/*'", working_directory="build")))
    assert "handler.py" in files(r, "api")


def test_exclude_and_include_lists_read_from_a_file(tmp_path: Path) -> None:
    repo = {"src/a/handler.py": "", "src/a/test_handler.py": "", "src/a/README.md": "", "src/a/util.py": "",
            "exclude.lst": "test_*\n\n*.md\n", "include.lst": "*.py\n"}
    r = run(tmp_path, repo, "cd src/a && zip -qr ../../a.zip . -x@../../exclude.lst")
    assert files(r, "a") == ["handler.py", "util.py"]
    r = run(tmp_path / "i", repo, "cd src/a && zip -qr ../../a.zip . -i@../../include.lst -x 'test_*'")
    assert files(r, "a") == ["handler.py", "util.py"]


def test_unknown_pattern_file_is_noted(tmp_path: Path) -> None:
    r = run(tmp_path, {"src/a/handler.py": ""}, "cd src/a && zip -qr ../../a.zip . -x@/tmp/generated.lst")
    assert files(r, "a") == ["handler.py"]
    assert any("generated.lst" in u.reason for u in r.unmodelled)
