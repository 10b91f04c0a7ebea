"""The report in the chosen format, written to stdout or atomically to ``--output-file``.

Shared by the check command and ``--fix``/``--diff``, which report what remains.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from validator.model import AnalysisResult

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def exit_status(result: object, args: argparse.Namespace) -> int:
    errors = getattr(result, "errors", 0)
    return EXIT_OK if args.exit_zero or not errors else EXIT_FINDINGS


def render(result: object, args: argparse.Namespace) -> str:
    """The report as text, in the chosen format."""
    from rules import all_rules
    from validator.model import AnalysisResult

    assert isinstance(result, AnalysisResult)
    if args.format == "json":
        from validator.report.json_format import render_json

        return render_json(result, show_packages=bool(getattr(args, "show_packages", False)))
    if args.format == "sarif":
        from validator.report.sarif import render_sarif

        return render_sarif(result, all_rules())
    if args.format == "github":
        from validator.report.github import render_github

        return render_github(result, all_rules())
    return render_text_output(result, args)


def make_console(args: argparse.Namespace, file: IO[str] | None = None) -> Console:
    from rich.console import Console

    color = args.color
    force = _force_terminal(args)
    # not a terminal: never wrap or crop (trees and long messages stay whole for pipes and files)
    return Console(file=file, force_terminal=force, no_color=(color == "never") or None,
                   highlight=False, soft_wrap=True, width=10_000)


def render_text_output(result: object, args: argparse.Namespace) -> str:
    import io

    from validator.model import AnalysisResult

    assert isinstance(result, AnalysisResult)
    terminal = args.color == "auto" and args.output_file is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    if not result.findings and not args.show_packages and not terminal:
        plain = _plain_verdict(result, args)
        if plain is not None:
            return plain

    from validator.report.text import render_packages, render_text

    buffer = io.StringIO()
    console = make_console(args, buffer)
    if terminal:
        console = _terminal_console(buffer)
    if args.show_packages:
        render_packages(console, result)
    render_text(console, result, quiet=args.quiet, statistics=args.statistics)
    return buffer.getvalue()


def _plain_verdict(result: AnalysisResult, args: argparse.Namespace) -> str | None:
    """A clean run's report without rich (most CI runs): None when rich would add colour."""
    from validator.report.summary import all_passed, rich_would_style

    if rich_would_style(_force_terminal(args)):
        return None
    return "" if args.quiet else all_passed(result) + "\n"


def _force_terminal(args: argparse.Namespace) -> bool | None:
    color = args.color
    return True if color == "always" else (False if color == "never" or args.output_file is not None else None)


def _terminal_console(buffer: IO[str]) -> Console:
    import shutil

    from rich.console import Console

    return Console(file=buffer, force_terminal=True, highlight=False, soft_wrap=True,
                   width=shutil.get_terminal_size().columns)


def emit(text: str, args: argparse.Namespace) -> None:
    """Write the report to stdout, or atomically to ``--output-file``."""
    if args.output_file is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    import stat
    import tempfile

    given: Path = args.output_file
    try:
        mode = given.stat().st_mode
    except OSError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        # /dev/stdout, a pipe, a terminal: written in place (nothing to replace atomically)
        with given.open("w", encoding="utf-8") as fh:
            fh.write(text)
        return
    target = given.resolve()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        # an existing file keeps its mode; a new one gets what the umask gives
        if mode is not None:
            os.chmod(tmp, stat.S_IMODE(mode))
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
