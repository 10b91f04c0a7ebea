"""Fixtures shared by the unit tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from archive_support import build_wheel, pip_install


@pytest.fixture(scope="session")
def tinydep_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``pip install -t`` of one small local wheel, done once for every test that needs it."""
    base = tmp_path_factory.mktemp("tinydep")
    wheel = build_wheel(base, "tinydep", "1.0", {"tinydep/__init__.py": "VALUE = 42\n"})
    target = base / "site"
    pip_install(target, wheel)
    return target
