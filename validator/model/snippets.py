"""Short quotations of the user's files for messages and the text report."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from validator.model import Span

MAX_QUOTE = 80


@lru_cache(maxsize=256)
def _lines(path: str) -> tuple[str, ...]:
    if "!/" in path:
        return _member_lines(path)
    try:
        data = Path(path).read_bytes()
    except OSError:
        return ()
    if b"\0" in data[:8192]:
        return ()  # a binary file (a ZIP a finding names) has no lines to quote
    return tuple(data.decode("utf-8-sig", errors="replace").splitlines())


def _member_lines(path: str) -> tuple[str, ...]:
    """The lines of ``dir/pkg.zip!/member.py``: a source file inside a built archive
    (read through the zip's index, at most 8 MB; nothing is extracted)."""
    import zipfile

    archive, _, member = path.partition("!/")
    try:
        with zipfile.ZipFile(archive) as zf:
            info = zf.getinfo(member)
            if info.file_size > 8 * 1024 * 1024 or info.flag_bits & 0x1:
                return ()
            data = zf.read(info)
    except (OSError, KeyError, ValueError, EOFError, RuntimeError, NotImplementedError, zipfile.BadZipFile):
        return ()
    except Exception:  # zlib.error and other decompression failures: nothing to quote
        return ()
    return tuple(data.decode("utf-8-sig", errors="replace").splitlines())


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
