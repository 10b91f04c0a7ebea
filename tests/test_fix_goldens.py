"""Golden before/after cases for every fix kind (``tests/fix_cases/<case>/``).

Each case holds a small repository (``repo/``) and either ``expected.diff`` (what
``--diff`` prints) or ``declined.txt`` (the reason given instead of a fix).  After
``--fix`` the file must give no diff any more (idempotence) and none of the fixed
findings.  ``pytest --update-goldens`` rewrites ``expected.diff``; review it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from validator.cli import main

CASES = Path(__file__).parent / "fix_cases"
WORKFLOW = ".github/workflows/deploy.yml"


def _cases() -> list[str]:
    return sorted(p.name for p in CASES.iterdir() if (p / "repo").is_dir())


def _copy(case: str, tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(CASES / case / "repo", repo)
    return repo


@pytest.mark.parametrize("case", _cases())
def test_fix_case(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], update_goldens: bool) -> None:
    repo = _copy(case, tmp_path)
    before = (repo / WORKFLOW).read_bytes()
    declined = CASES / case / "declined.txt"
    status = main(["--root", str(repo), str(repo), "--diff", "--unsafe-fixes"])
    diff = capsys.readouterr().out
    if declined.exists():
        assert (status, diff) == (0, "")
        main(["--root", str(repo), str(repo), "--format", "json"])
        reasons = [f.get("fix_declined") or "" for f in json.loads(capsys.readouterr().out)["findings"]]
        assert any(declined.read_text().strip() in r for r in reasons), reasons
        assert (repo / WORKFLOW).read_bytes() == before
        return
    golden = CASES / case / "expected.diff"
    if update_goldens:
        golden.write_text(diff, encoding="utf-8", newline="")
    assert status == 1
    assert diff == golden.read_bytes().decode("utf-8")
    assert (repo / WORKFLOW).read_bytes() == before, "--diff wrote the file"

    assert main(["--root", str(repo), str(repo), "--fix", "--unsafe-fixes", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [f for f in report["findings"] if f["severity"] == "error"] == []
    assert main(["--root", str(repo), str(repo), "--diff", "--unsafe-fixes"]) == 0
    assert capsys.readouterr().out == ""


def test_crlf_and_final_newline_are_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = _copy("literal-crlf-comment", tmp_path)
    main(["--root", str(repo), str(repo), "--fix"])
    capsys.readouterr()
    data = (repo / WORKFLOW).read_bytes()
    assert b"\r\n" in data and data.count(b"\n") == data.count(b"\r\n")
    assert not data.endswith(b"\n")
    assert b"# handler.py at ROOT\r\n" in data


def test_read_only_file_exits_2_and_names_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = _copy("folded", tmp_path)
    path = repo / WORKFLOW
    before = path.read_bytes()
    path.chmod(0o444)
    try:
        assert main(["--root", str(repo), str(repo), "--fix"]) == 2
    finally:
        path.chmod(0o644)
    err = capsys.readouterr().err
    assert "deploy.yml" in err and "read-only" in err
    assert path.read_bytes() == before


def test_requirements_file_is_fixed_or_nothing_is_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """LPK-005's fix edits the requirements file the install reads; when that file cannot
    be written, --fix exits 2, names it, and leaves every file as it was."""
    repo = _copy("requirements-add", tmp_path)
    requirements = repo / "src/ingest/requirements.txt"
    before = requirements.read_bytes()
    requirements.chmod(0o444)
    try:
        assert main(["--root", str(repo), str(repo), "--fix", "--unsafe-fixes"]) == 2
    finally:
        requirements.chmod(0o644)
    err = capsys.readouterr().err
    assert "requirements.txt" in err and "read-only" in err
    assert requirements.read_bytes() == before
    assert main(["--root", str(repo), str(repo), "--fix"]) == 1  # the fix is unsafe: not applied
    assert requirements.read_bytes() == before
    capsys.readouterr()
    assert main(["--root", str(repo), str(repo), "--fix", "--unsafe-fixes"]) == 0
    assert requirements.read_text() == before.decode() + "httpx\n"
    assert "Fixed 1 finding (0 remaining)." in capsys.readouterr().out


def test_mode_is_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = _copy("folded", tmp_path)
    path = repo / WORKFLOW
    path.chmod(0o640)
    assert main(["--root", str(repo), str(repo), "--fix"]) == 0
    assert path.stat().st_mode & 0o777 == 0o640
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]
