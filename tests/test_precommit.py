"""The shipped pre-commit hooks, run by the real ``pre-commit`` against the seed scenario.

pre-commit installs a hook repository from a git revision, so the current working tree
(uncommitted edits included) is copied into a throw-away git repository and committed;
that commit is the ``rev`` the test repository's ``.pre-commit-config.yaml`` pins.
pre-commit then pip-installs it into a fresh environment under a temporary
``PRE_COMMIT_HOME``: this needs the package index and takes a while, hence ``slow``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[1]
SEED = CHECKOUT / "tests" / "fixtures" / "seed-scenario" / "repo"
EXPECTED = CHECKOUT / "tests" / "fixtures" / "seed-scenario" / "expected.txt"

# Not needed to install the hook, and large or machine-specific.
_NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", "*.egg-info", ".mypy_cache", ".ruff_cache", ".pytest_cache",
    ".hypothesis", "build", "dist", "tests", "bench",
)


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=validate-imports tests", "-c", "user.email=tests@invalid",
         "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=cwd, capture_output=True, text=True, check=True,
    )
    return done.stdout.strip()


def commit_tree(path: Path) -> str:
    git(path, "init", "-q")
    git(path, "add", "-A")
    git(path, "commit", "-q", "--no-verify", "-m", "snapshot")
    return git(path, "rev-parse", "HEAD")


def pre_commit(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never", *args],
        cwd=project, env=env, capture_output=True, text=True, timeout=1800,
    )


def expected_lines() -> list[tuple[str, str]]:
    """(``path:line``, code) of each expected LPK-003 finding of the seed scenario."""
    if not EXPECTED.is_file():
        return []
    found = []
    for line in EXPECTED.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^(\S+?):(\d+):\d+: (LPK-003)\b", line)
        if m:
            found.append((f"{m.group(1)}:{m.group(2)}", m.group(3)))
    return found


@pytest.mark.slow
def test_hooks_fail_on_seed_scenario_and_pass_after_fix(tmp_path: Path) -> None:
    if not SEED.is_dir():
        pytest.skip(f"seed scenario fixture {SEED.relative_to(CHECKOUT)} is not there yet")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")

    hook_repo = tmp_path / "hook-repo"
    shutil.copytree(CHECKOUT, hook_repo, ignore=_NOT_COPIED, symlinks=True)
    rev = commit_tree(hook_repo)

    project = tmp_path / "project"
    shutil.copytree(SEED, project, symlinks=True)
    (project / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {hook_repo.as_posix()}\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        "      - id: validate-imports\n"
        "      - id: validate-imports-fix\n"
        "        stages: [manual]\n",
        encoding="utf-8",
    )
    commit_tree(project)
    workflow = project / ".github" / "workflows" / "deploy.yml"
    before = workflow.read_bytes()

    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT", "VIRTUAL_ENV"))}
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    env.pop("GITHUB_STEP_SUMMARY", None)

    check = pre_commit(project, env)
    output = check.stdout + check.stderr
    assert check.returncode == 1, output
    assert "validate-imports" in output and "Failed" in output, output
    assert "- exit code: 1" in output, output  # findings, not "could not do its job" (2)
    assert "LPK-003" in output, output
    for where, code in expected_lines():
        assert re.search(rf"{re.escape(where)}\b.*{code}|{code}.*{re.escape(where)}\b", output), (where, output)
    assert workflow.read_bytes() == before  # the check hook never writes

    fix = pre_commit(project, env, "--hook-stage", "manual", "validate-imports-fix")
    fix_output = fix.stdout + fix.stderr
    # pre-commit fails a hook that modified files, even when the tool itself succeeded.
    assert workflow.read_bytes() != before, fix_output
    assert "files were modified by this hook" in fix_output or fix.returncode == 0, fix_output

    again = pre_commit(project, env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "LPK-003" not in again.stdout + again.stderr
