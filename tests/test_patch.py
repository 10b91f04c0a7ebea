"""``deploy.yml.patch`` is exactly what ``--diff`` prints for the seed scenario, and it works."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from validator.cli import main
from validator.engine import analyze

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tests" / "fixtures" / "seed-scenario" / "repo"
PATCH = ROOT / "deploy.yml.patch"


def _diff(repo: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(["--root", str(repo), str(repo), "--diff"])
    return status, capsys.readouterr().out


def test_patch_is_what_diff_prints(capsys: pytest.CaptureFixture[str], update_goldens: bool) -> None:
    status, out = _diff(SEED, capsys)
    assert status == 1
    if update_goldens:
        PATCH.write_text(out, encoding="utf-8", newline="")
    assert PATCH.read_bytes().decode("utf-8") == out, "deploy.yml.patch drifted: rerun with --update-goldens"


def test_patch_applies_and_leaves_no_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    shutil.copytree(SEED, repo)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "apply", str(PATCH)], cwd=repo, check=True)
    assert analyze(root=repo).findings == []
    assert _diff(repo, capsys) == (0, "")
