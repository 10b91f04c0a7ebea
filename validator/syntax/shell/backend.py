"""The only door to bashlex.

bashlex builds its LALR tables when it is imported (about 0.1 s), and it has no table
cache to read.  Importing it on the first statement that needs parsing keeps
``import validator`` fast and costs nothing for scripts made only of comments.
"""

from __future__ import annotations

from typing import Any


class ShellSyntaxError(Exception):
    """bashlex could not read a statement."""


def parse(text: str) -> list[Any]:
    """bashlex's top-level nodes for ``text``; ``ShellSyntaxError`` on any failure."""
    import bashlex  # deferred: see module docstring

    try:
        return list(bashlex.parse(text))
    except RecursionError as error:
        raise ShellSyntaxError("too deeply nested") from error
    except Exception as error:  # bashlex raises several unrelated types
        raise ShellSyntaxError(_describe(error)) from error


def _describe(error: Exception) -> str:
    if isinstance(error, NotImplementedError):
        return f"unsupported construct ({error})"
    message = str(error).split("\n", 1)[0]
    return message or type(error).__name__
