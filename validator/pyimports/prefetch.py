"""Parse the repository's Python files in a second process while the workflow is
simulated, so that the import closures find them parsed.

Only the command line turns this on (``ENABLED``), and only where ``fork`` is cheap and
safe: Linux, no other thread running.  The child shares the loaded modules, parses the
listed ``.py`` files (sources first, at most ``MAX_FILES``), sends the results through a
pipe and exits.  The parent takes them when its closures start if the child is done by
then; it never waits for it and never depends on it: a file the child did not parse,
or could not, is parsed by the parent as before.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from validator.model.repo import Repo
    from validator.pyimports.source import ParsedSource

#: set by the console script; library use (tests, the Python API) stays in one process
ENABLED = False
#: fewer files than this are parsed faster than a process starts
MIN_FILES = 40
MAX_FILES = 2000
_TEST_PARTS = ("tests/", "test/", "docs/", "examples/")


class Prefetch:
    """A child process parsing files; ``take`` collects what it parsed, or stops it."""

    def __init__(self, pid: int, fd: int) -> None:
        self.pid = pid
        self.fd = fd

    @classmethod
    def start(cls, repo: Repo) -> Prefetch | None:
        if not ENABLED or sys.platform != "linux" or not hasattr(os, "fork"):
            return None
        import threading

        if threading.active_count() > 1:
            return None
        paths = [p for p in repo.files if p.endswith(".py")]
        # the code a package holds comes before tests and documentation
        paths.sort(key=lambda p: any(part in f"/{p}" for part in _TEST_PARTS))
        if len(paths) < MIN_FILES:
            return None
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            return None
        if pid == 0:  # the child: parse, send, and leave without running any cleanup
            status = 1
            try:
                import pickle

                os.close(read)
                data = pickle.dumps(_parse_all(repo, paths[:MAX_FILES]), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write, "wb") as out:
                    out.write(data)
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        return cls(pid, read)

    def take(self) -> dict[str, ParsedSource]:
        """What the child parsed, if it has finished sending; else nothing (it is stopped)."""
        import pickle
        import select
        import signal

        results: dict[str, ParsedSource] = {}
        try:
            if select.select([self.fd], [], [], 0)[0]:
                chunks = []
                while chunk := os.read(self.fd, 1 << 20):
                    chunks.append(chunk)
                data = b"".join(chunks)
                if data:
                    loaded = pickle.loads(data)
                    if isinstance(loaded, dict):
                        results = loaded
            else:
                os.kill(self.pid, signal.SIGKILL)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError):
            results = {}
        finally:
            os.close(self.fd)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
        return results


def _parse_all(repo: Repo, paths: list[str]) -> dict[str, ParsedSource]:
    from validator.pyimports.source import parse_source

    out: dict[str, ParsedSource] = {}
    for path in paths:
        text = repo.read_text(path)
        if text is None:
            continue
        try:
            out[path] = parse_source(path, text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue  # the parent parses it again and reports why it cannot
    return out
