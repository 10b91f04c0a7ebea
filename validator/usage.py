"""Argument parsing shared by the command line and its subcommands: one usage error
type (exit 2 with a one-line message) and argparse at the terminal's width."""

from __future__ import annotations

import argparse
import os
import sys


class UsageError(Exception):
    """Bad arguments or an unusable option value (exit 2)."""


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout at the terminal's width.  argparse builds a formatter for
    every ``add_argument``, and the stock one imports ``shutil`` (and with it bz2, lzma
    and zlib) to learn the width; this one asks the terminal itself, as shutil would."""

    def __init__(self, prog: str) -> None:
        try:
            columns = int(os.environ["COLUMNS"])
        except (KeyError, ValueError):
            try:
                columns = os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 80
            except (AttributeError, ValueError, OSError):
                columns = 80
        super().__init__(prog, width=max(columns, 20) - 2)


class _Parser(argparse.ArgumentParser):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(formatter_class=_Formatter, **kwargs)  # type: ignore[arg-type]

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)
