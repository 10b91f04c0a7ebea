"""Python files parsed in a second process (``validator/pyimports/prefetch.py``) give
the same analysis as parsing them in the first, and a late child is not waited for."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from unittest import mock

import pytest

from validator.engine import analyze
from validator.model.repo import Repo
from validator.pyimports import prefetch
from validator.pyimports.source import SourceCache

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the second process is used on Linux only")


def outcome(repo: Path) -> list[tuple[str, str, str]]:
    return [(f.code, str(f.span), f.message) for f in analyze(root=repo).findings]


@pytest.mark.parametrize("case", ["seed-scenario", "try-except-fallback", "sys-path-append", "shared-lib-missing"])
def test_same_findings_with_the_files_parsed_by_a_child(case: str) -> None:
    repo = FIXTURES / case / "repo"
    serial = outcome(repo)
    prefilled: list[int] = []
    original = SourceCache.prefill

    def spy(self: SourceCache, repo_: Repo, parsed: dict) -> None:
        prefilled.append(len(parsed))
        original(self, repo_, parsed)

    with mock.patch.object(prefetch, "ENABLED", True), mock.patch.object(prefetch, "MIN_FILES", 1), \
            mock.patch.object(SourceCache, "prefill", spy), mock.patch.object(prefetch.Prefetch, "take", _waiting_take):
        parallel = outcome(repo)
    assert parallel == serial
    assert prefilled and prefilled[0] > 0  # the child's results were used


_take = prefetch.Prefetch.take


def _waiting_take(self: prefetch.Prefetch) -> dict:
    """``take`` once the child has finished: the comparison must not depend on timing."""
    import select

    select.select([self.fd], [], [], 10)
    return _take(self)


def test_a_child_that_is_not_done_is_stopped_not_waited_for(tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"m{i}.py").write_text("import os\n")
    repo = Repo.open(tmp_path)

    def slow(repo_: Repo, paths: list[str]) -> dict:
        time.sleep(30)
        return {}

    with mock.patch.object(prefetch, "ENABLED", True), mock.patch.object(prefetch, "MIN_FILES", 1), \
            mock.patch.object(prefetch, "_parse_all", slow):
        started = prefetch.Prefetch.start(repo)
        assert started is not None
        begin = time.monotonic()
        assert started.take() == {}
        assert time.monotonic() - begin < 5
    with pytest.raises(ChildProcessError):
        os.waitpid(started.pid, os.WNOHANG)  # reaped


def test_off_unless_the_command_line_turns_it_on(tmp_path: Path) -> None:
    for i in range(50):
        (tmp_path / f"m{i}.py").write_text("")
    assert prefetch.Prefetch.start(Repo.open(tmp_path)) is None
