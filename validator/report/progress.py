"""A spinner on stderr for long runs in a terminal; nothing otherwise.

It appears only after a short delay, so a fast run (the usual case) prints nothing
extra, and never when stderr is a pipe, a file or CI's log."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

DELAY_SECONDS = 0.7


@contextmanager
def progress(message: str, enabled: bool = True) -> Iterator[None]:
    if not enabled or not sys.stderr.isatty() or os.environ.get("CI") or os.environ.get("NO_COLOR"):
        yield
        return
    status: dict[str, Any] = {}
    lock = threading.Lock()

    def start() -> None:
        from rich.console import Console

        with lock:
            if status.get("done"):
                return
            live = Console(stderr=True).status(message)
            live.start()
            status["live"] = live

    timer = threading.Timer(DELAY_SECONDS, start)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            status["done"] = True
            if "live" in status:
                status["live"].stop()
