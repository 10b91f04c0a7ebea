"""Widening an image's build context (``validator/fixes/buildcontext.py``): how sources
are rebased, and the cases the fix declines."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from validator.cli import main
from validator.fixes.buildcontext import rebase
from validator.fixes.edits import Declined

CASE = Path(__file__).resolve().parents[1] / "fix_cases" / "image-widen-context" / "repo"


@pytest.mark.parametrize(("source", "old", "new", "expected"), [
    ("app/", "services/orders", "services", "orders/app/"),
    ("../shared/", "services/orders", "services", "shared/"),
    (".", "services/orders", ".", "services/orders"),
    ("/requirements.txt", "services/orders", "services", "orders/requirements.txt"),
    ("handler.py", "fn", ".", "fn/handler.py"),
])
def test_sources_are_rebased(source: str, old: str, new: str, expected: str) -> None:
    assert rebase(source, old, new) == expected


def test_a_source_outside_the_new_context_too_is_declined() -> None:
    with pytest.raises(Declined):
        rebase("../../elsewhere/", "services/orders", "services")


def test_a_dockerignore_declines_the_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(CASE, repo)
    (repo / "services/orders/.dockerignore").write_text("tests/\n")
    assert main(["--root", str(repo), str(repo), "--diff", "--unsafe-fixes"]) == 0
    capsys.readouterr()
    main(["--root", str(repo), str(repo)])
    out = capsys.readouterr().out
    assert "no automatic fix: services/orders/.dockerignore would no longer apply" in out
