"""Run the child import in its own process group, bounded in time, memory and output.

The child is ``python -I -S -c <child.py>``: isolated (no environment variables of
Python's, no user site, no script folder on ``sys.path``), without ``site`` (no
``.pth`` of this machine's environment, so nothing installed here leaks in), in a new
session so everything it forks is killed with it.  Its result comes back on a pipe of
its own; stdout and stderr are drained by threads that keep the first bytes and stop
the process when it prints too much.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from validator.model.base import Record

CHILD = Path(__file__).with_name("child.py")


@dataclass(eq=False, repr=False)
class RunLimits(Record):
    timeout: float = 30.0  # seconds for the whole import
    memory_mb: int = 2048  # address space of the child
    keep_output: int = 64 * 1024  # bytes of stdout/stderr kept for the report
    max_output: int = 8 * 1024 * 1024  # bytes of stdout+stderr after which the child is stopped
    file_mb: int = 512  # largest file the child may write (Lambda's /tmp default)


@dataclass(eq=False, repr=False)
class RunOutcome(Record):
    """What happened in the child: its report, or why there is none."""

    report: dict[str, Any] | None
    returncode: int | None
    timed_out: bool = False
    too_much_output: bool = False
    stdout: str = ""
    stderr: str = ""
    dropped: int = 0  # output bytes not kept
    seconds: float = 0.0
    lingering: bool = False  # processes it started were still running at the end
    notes: list[str] = field(default_factory=list)


class _Drain(threading.Thread):
    """Reads one pipe to its end, keeping the first ``keep`` bytes."""

    def __init__(self, fd: int, keep: int, total: list[int], limit: int, over: threading.Event) -> None:
        super().__init__(daemon=True)
        self.fd, self.keep, self.total, self.limit, self.over = fd, keep, total, limit, over
        self.kept = bytearray()
        self.dropped = 0

    def run(self) -> None:
        while True:
            try:
                block = os.read(self.fd, 65536)
            except OSError:
                break
            if not block:
                break
            room = self.keep - len(self.kept)
            if room > 0:
                self.kept += block[:room]
            self.dropped += max(len(block) - max(room, 0), 0)
            self.total[0] += len(block)
            if self.total[0] > self.limit:
                self.over.set()


def _limit_child(limits: RunLimits) -> Any:
    def apply() -> None:  # runs in the child between fork and exec
        import resource

        memory = limits.memory_mb * 1024 * 1024
        for which, value in ((resource.RLIMIT_AS, memory), (resource.RLIMIT_CORE, 0),
                             (resource.RLIMIT_FSIZE, limits.file_mb * 1024 * 1024)):
            with contextlib.suppress(ValueError, OSError):
                _soft, hard = resource.getrlimit(which)
                cap = value if hard == resource.RLIM_INFINITY else min(value, hard)
                resource.setrlimit(which, (cap, hard))
    return apply


def run_child(spec: dict[str, Any], env: dict[str, str], cwd: Path, limits: RunLimits,
              python: str | None = None) -> RunOutcome:
    """Start the child, wait for it (at most ``limits.timeout``), kill its whole group."""
    source = CHILD.read_text(encoding="utf-8")
    read_fd, write_fd = os.pipe()
    spec = {**spec, "fd": write_fd}
    argv = [python or sys.executable, "-I", "-S", "-B", "-c", source, json.dumps(spec)]
    started = time.monotonic()
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=env, cwd=str(cwd), pass_fds=(write_fd,), start_new_session=True,
                                preexec_fn=_limit_child(limits), close_fds=True)
    finally:
        os.close(write_fd)
    assert proc.stdout is not None and proc.stderr is not None
    total = [0]
    over = threading.Event()
    drains = [_Drain(proc.stdout.fileno(), limits.keep_output, total, limits.max_output, over),
              _Drain(proc.stderr.fileno(), limits.keep_output, total, limits.max_output, over)]
    result = _Drain(read_fd, 4 * 1024 * 1024, [0], 1 << 62, threading.Event())
    for t in (*drains, result):
        t.start()
    timed_out = too_much = False
    try:
        deadline = started + limits.timeout
        while proc.poll() is None:
            if over.is_set():
                too_much = True
                break
            if time.monotonic() >= deadline:
                timed_out = True
                break
            over.wait(0.02)
    finally:
        lingering = _kill_group(proc)
        for t in (*drains, result):
            t.join(timeout=2)
        for fh in (proc.stdout, proc.stderr):
            fh.close()
        with contextlib.suppress(OSError):
            os.close(read_fd)
    report: dict[str, Any] | None = None
    if result.kept:
        with contextlib.suppress(ValueError):
            loaded = json.loads(result.kept.decode("utf-8", errors="replace"))
            report = loaded if isinstance(loaded, dict) else None
    return RunOutcome(report=report, returncode=proc.returncode, timed_out=timed_out, too_much_output=too_much,
                      stdout=drains[0].kept.decode("utf-8", errors="replace"),
                      stderr=drains[1].kept.decode("utf-8", errors="replace"),
                      dropped=drains[0].dropped + drains[1].dropped,
                      seconds=round(time.monotonic() - started, 3), lingering=lingering)


def _kill_group(proc: subprocess.Popen[bytes]) -> bool:
    """Kill the child's session (what it forked too); whether anything else was still in it."""
    lingering = False
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, 0)  # anything left in the group (the child, or what it forked)?
        lingering = proc.poll() is not None
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)
    return lingering
