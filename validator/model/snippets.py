"""Short quotations of the user's files for messages and the text report."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from validator.model import Span

MAX_QUOTE = 80


@lru_cache(maxsize=256)
def _lines(path: str) -> tuple[str, ...]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return ()
    return tuple(text.splitlines())


def file_lines(root: Path, rel: str) -> tuple[str, ...]:
    """The lines of a repository file (cached; empty when unreadable)."""
    return _lines(str(root / rel))


def quote_span(root: Path, span: Span, limit: int = MAX_QUOTE) -> str:
    """The text a span covers in the file on disk (see ``quote_lines``)."""
    return quote_lines(file_lines(root, span.path), span, limit)


def quote_lines(lines: tuple[str, ...] | list[str], span: Span, limit: int = MAX_QUOTE) -> str:
    """The text a span covers, on one line: a multi-line command keeps its first line and ``…``."""
    if not 0 < span.line <= len(lines):
        return ""
    line = lines[span.line - 1]
    if span.end_line == span.line:
        text = line[span.column - 1: span.end_column - 1]
    else:
        text = line[span.column - 1:].rstrip().rstrip("\\").rstrip() + " …"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clear_cache() -> None:
    _lines.cache_clear()
