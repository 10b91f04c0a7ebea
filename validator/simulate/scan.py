"""Scanning raw shell text without expanding it.

Word expansion, brace expansion, ``$( )`` bodies and array literals all need to find a
delimiter that is not inside quotes, an escape or a nested ``${ }`` / ``$( )`` /
backquote; this module is the one place that knows how far each of those reaches.
Every function is total: an unterminated construct reaches the end of the text.
"""

from __future__ import annotations

__all__ = [
    "find_top_level",
    "is_name",
    "matching_close",
    "name_len",
    "skip_backquote",
    "skip_dquote",
    "skip_squote",
    "split_top_level",
    "subscript_end",
    "word_end",
]

#: characters that may start a construct ``find_top_level`` steps over
_OPENERS = frozenset("\\'\"`$")


def skip_squote(s: str, i: int) -> int:
    """Index of the ``'`` closing the one at ``i`` (len(s) when unterminated); in an
    ANSI-C string ``$'…'`` a backslash escapes the quote."""
    if i > 0 and s[i - 1] == "$" and (i < 2 or s[i - 2] != "\\"):
        j = i + 1
        while j < len(s):
            if s[j] == "\\":
                j += 2
            elif s[j] == "'":
                return j
            else:
                j += 1
        return len(s)
    j = s.find("'", i + 1)
    return len(s) if j < 0 else j


def skip_dquote(s: str, i: int) -> int:
    """Index of the ``"`` closing the one at ``i``; only escapes, ``$( )``, ``${ }`` and
    backquotes nest inside double quotes (a ``'`` there is literal)."""
    n = len(s)
    j = i + 1
    while j < n:
        c = s[j]
        if c == "\\":
            j += 2
            continue
        if c == '"':
            return j
        if c == "$" and j + 1 < n and s[j + 1] in "({":
            j = matching_close(s, j + 1) + 1
            continue
        if c == "`":
            j = skip_backquote(s, j) + 1
            continue
        j += 1
    return n


def skip_backquote(s: str, i: int) -> int:
    """Index of the backquote closing the one at ``i``."""
    n = len(s)
    j = i + 1
    while j < n:
        if s[j] == "\\":
            j += 2
            continue
        if s[j] == "`":
            return j
        j += 1
    return n


def find_top_level(s: str, targets: str, start: int = 0) -> int:
    """Index of the first character of ``targets`` at or after ``start`` that is not
    inside an escape, quotes, backquotes, ``$( )`` or ``${ }``; -1 when there is none.
    ``targets`` holds none of ``\\ ' " ` $``."""
    n = len(s)
    i = start
    openers = _OPENERS
    while i < n:
        c = s[i]
        if c in targets:
            return i
        if c not in openers:
            i += 1
        elif c == "\\":
            i += 2
        elif c == "'":
            i = skip_squote(s, i) + 1
        elif c == '"':
            i = skip_dquote(s, i) + 1
        elif c == "`":
            i = skip_backquote(s, i) + 1
        elif i + 1 < n and s[i + 1] in "({":  # c == "$"
            i = matching_close(s, i + 1) + 1
        else:
            i += 1
    return -1


def word_end(s: str, i: int, delimiters: str) -> int:
    """End of the word starting at ``i``: the first top-level delimiter, else len(s)."""
    k = find_top_level(s, delimiters, i)
    return len(s) if k < 0 else k


def matching_close(s: str, i: int) -> int:
    """Index of the bracket closing ``s[i]`` (``{`` or ``(``), skipping quotes and
    nesting; len(s) when it does not close."""
    open_c = s[i]
    close_c = "}" if open_c == "{" else ")"
    brackets = open_c + close_c
    depth = 1
    j = find_top_level(s, brackets, i + 1)
    while j >= 0:
        if s[j] == open_c:
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return j
        j = find_top_level(s, brackets, j + 1)
    return len(s)


def split_top_level(s: str, sep: str) -> tuple[str, str | None]:
    """Split at the first ``sep`` that is not quoted, escaped or nested."""
    k = find_top_level(s, sep)
    return (s, None) if k < 0 else (s[:k], s[k + 1 :])


def subscript_end(rest: str) -> int:
    """Index of the ``]`` closing the subscript that ``rest`` starts with; -1 if none.
    Only ``$( )`` / ``${ }`` nest here: a subscript is arithmetic, not a word."""
    depth = 0
    i = 0
    while i < len(rest):
        c = rest[i]
        if c == "$" and rest[i + 1 : i + 2] in ("{", "("):
            i = matching_close(rest, i + 1) + 1
            continue
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def is_name(s: str) -> bool:
    """Whether ``s`` is a shell variable name."""
    return (
        bool(s)
        and (s[0].isascii() and (s[0].isalpha() or s[0] == "_"))
        and all(ch.isascii() and (ch.isalnum() or ch == "_") for ch in s)
    )


def name_len(s: str, i: int) -> int:
    """Length of the run of name characters starting at ``s[i]``."""
    j = i
    while j < len(s) and s[j].isascii() and (s[j].isalnum() or s[j] == "_"):
        j += 1
    return j - i
