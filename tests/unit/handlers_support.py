"""Helpers shared by the handler tests: write a small repository, index configs."""

from __future__ import annotations

import textwrap
from pathlib import Path

from validator.model import HandlerConfig
from validator.model.repo import Repo


def make_repo(tmp_path: Path, files: dict[str, str]) -> Repo:
    """Write ``files`` (relative path -> dedented text) under ``tmp_path`` and open it."""
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return Repo.open(tmp_path)


def by_resource(configs: list[HandlerConfig]) -> dict[str, HandlerConfig]:
    return {c.resource: c for c in configs}
