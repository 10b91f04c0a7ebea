"""The corpus runner's matching logic (bench/realworld/run.py), without mirrors or the CLI."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

RUNNER = Path(__file__).resolve().parents[2] / "bench" / "realworld" / "run.py"


def _load():
    spec = importlib.util.spec_from_file_location("realworld_run", RUNNER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


run = _load()


@pytest.mark.parametrize(
    ("tool", "judged"),
    [
        ("packages/ingestion-${SHA}.zip", "packages/ingestion-abcdef1234567.zip"),
        ("build/$NAME.zip", "build/orders.zip"),
        ("build/${{ matrix.fn }}.zip", "build/orders.zip"),
        ("dist/${{ github.sha }}/api.zip", "dist/x/api.zip"),
        ("./lambda/function.zip", "lambda/function.zip"),
        ("out/$(date +%s).zip", "out/x.zip"),
        ("build/orders.zip", "build/x.zip"),
    ],
)
def test_symbolic_parts_are_wildcards(tool: str, judged: str) -> None:
    assert run.archive_matches(tool, judged)


@pytest.mark.parametrize(
    ("tool", "judged"),
    [
        ("build/orders.zip", "build/payments.zip"),
        ("build/${NAME}.zip", "dist/orders.zip"),
        ("lambda.zip", "layer.zip"),
        ("box/a.zip", "box/a.zip.bak"),
    ],
)
def test_different_names_do_not_match(tool: str, judged: str) -> None:
    assert not run.archive_matches(tool, judged)


def test_x_inside_a_word_is_literal() -> None:
    assert not run.archive_matches("build/ab.zip", "build/xb.zip")
    assert run.archive_matches("build/xb.zip", "build/xb.zip")


def test_findings_are_matched_on_code_path_line_package() -> None:
    result = run.Result("o/n", "0" * 40, True)
    judged = [
        {"code": "LPK-003", "path": ".github/workflows/d.yml", "line": 7, "package": "a", "verdict": "true"},
        {"code": "LPK-004", "path": ".github/workflows/d.yml", "line": 9, "package": "a", "verdict": "false"},
        {"code": "LPK-000", "path": ".github/workflows/d.yml", "line": 3, "package": "", "verdict": "noise"},
        {"code": "LPK-001", "path": ".github/workflows/d.yml", "line": 1, "package": "z", "verdict": "true"},
    ]
    reported = [
        {
            "code": "LPK-003",
            "severity": "error",
            "path": "./.github/workflows/d.yml",
            "line": 7,
            "package": "a",
        },
        {
            "code": "LPK-004",
            "severity": "error",
            "path": ".github/workflows/d.yml",
            "line": 9,
            "package": "a",
        },
        {
            "code": "LPK-004",
            "severity": "error",
            "path": ".github/workflows/d.yml",
            "line": 10,
            "package": "a",
            "message": "cp fails",
        },
        {
            "code": "LPK-000",
            "severity": "warning",
            "path": ".github/workflows/d.yml",
            "line": 3,
            "package": None,
        },
        {
            "code": "LPK-000",
            "severity": "warning",
            "path": ".github/workflows/d.yml",
            "line": 4,
            "package": "b",
        },
    ]
    run.compare_findings(result, reported, judged)
    assert (result.true_errors, result.false_errors, result.unjudged_errors) == (1, 1, 1)
    assert (result.useful_warnings, result.noise_warnings, result.unjudged_warnings) == (0, 1, 1)
    assert [u.message for u in result.unjudged] == ["cp fails", ""]
    assert result.gone == [("LPK-001", ".github/workflows/d.yml", 1, "z")]


def test_packages_not_built_do_not_count() -> None:
    result = run.Result("o/n", "0" * 40, True)
    judged = [
        {"archive": "build/a-abcdef1234567.zip", "real": "OK"},
        {"archive": "build/b.zip", "real": "Runtime.ImportModuleError: No module named 'x'"},
        {"archive": "build/c.zip", "real": "not built: the step is commented out"},
    ]
    run.compare_packages(result, [{"archive": "build/a-${GITHUB_SHA}.zip"}], judged)
    assert (result.shipped, result.seen, result.built) == (2, 1, 2)
    assert result.unseen == ["build/b.zip"]


def test_git_dir_is_found_below_the_mirror_folder(tmp_path: Path) -> None:
    bare = tmp_path / "owner+name" / "repo"
    (bare / "objects").mkdir(parents=True)
    (bare / "HEAD").write_text("ref: refs/heads/main\n")
    assert run.find_git_dir(tmp_path, "owner/name") == bare
    assert run.find_git_dir(tmp_path, "owner/other") is None
