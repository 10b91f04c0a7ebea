"""Differential tests with the real exporters: ``poetry export`` (with poetry-plugin-export)
and ``uv export`` run on the fixture repositories' lock files must write the distributions
the simulation writes, for each group and project option.

They install poetry and uv from the package index into a temporary environment (about 25
seconds), so they are not part of the default run: ``.ci/run`` runs them after the suite,
and ``pytest -m realtools`` runs them by hand.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from validator.simulate.commands.export import poetry_requirements, uv_requirements
from validator.simulate.commands.options import parse
from validator.simulate.words import arg
from validator.syntax.lockfiles import read_poetry_lock, read_pyproject, read_uv_lock

pytestmark = [pytest.mark.realpip, pytest.mark.realtools]

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="module")
def tools(tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("exporters") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "poetry", "poetry-plugin-export", "uv"], check=True, capture_output=True)
    return venv / "bin"


def _names(text: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines()]
    return sorted(line.split(" ;")[0].split(" \\")[0] for line in lines if line and not line.startswith(("#", "--")))


@pytest.mark.parametrize(("args", "groups"), [(["--only", "main"], {"main"}), ([], {"main"}),
                                              (["--with", "dev"], {"main", "dev"}), (["--only", "dev"], {"dev"})])
def test_poetry_export_agrees(tools: Path, tmp_path: Path, args: list[str], groups: set[str]) -> None:
    repo = FIXTURES / "deps-poetry-export" / "repo"
    out = tmp_path / "requirements.txt"
    subprocess.run([str(tools / "poetry"), "export", "-f", "requirements.txt", "--without-hashes", "-o", str(out),
                    *args], cwd=repo, check=True, capture_output=True, env={**os.environ, "POETRY_VIRTUALENVS_CREATE": "false"})
    lock = read_poetry_lock((repo / "poetry.lock").read_text())
    assert lock is not None
    ours = poetry_requirements(lock, read_pyproject((repo / "pyproject.toml").read_text()), groups, set(), False)
    assert ours is not None and _names(ours) == _names(out.read_text())


@pytest.mark.parametrize("args", [["--no-dev"], [], ["--only-dev"], ["--no-dev", "--no-emit-project"],
                                  ["--all-groups"]])
def test_uv_export_agrees(tools: Path, tmp_path: Path, args: list[str]) -> None:
    repo = FIXTURES / "deps-uv-export" / "repo"
    out = tmp_path / "requirements.txt"
    subprocess.run([str(tools / "uv"), "export", "--frozen", "--no-hashes", "--no-annotate", *args, "-o", str(out)],
                   cwd=repo, check=True, capture_output=True, env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"})
    lock = read_uv_lock((repo / "uv.lock").read_text())
    assert lock is not None
    ours = uv_requirements(lock, parse([arg(a, False) for a in args]), None, ".", None)
    assert ours is not None and _names(ours) == _names(out.read_text())
