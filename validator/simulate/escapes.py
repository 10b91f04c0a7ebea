"""Backslash escapes decoded by ``$'…'``, ``echo -e``, ``printf`` and backquotes."""

from __future__ import annotations

__all__ = ["ansi_c", "unescape_backquote"]


def unescape_backquote(body: str) -> str:
    """The command inside backquotes: a backslash before a backslash, a backquote or ``$``
    stands for that character."""
    out = []
    i = 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body) and body[i + 1] in "\\`$":
            out.append(body[i + 1])
            i += 2
        else:
            out.append(body[i])
            i += 1
    return "".join(out)


_SIMPLE_ESCAPES = {
    "n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v",
    "e": "\x1b", "E": "\x1b", "\\": "\\", "'": "'", '"': '"', "?": "?",
}  # fmt: skip


def ansi_c(s: str, *, echo: bool = False) -> str:
    """Decode ``$'…'`` escapes (also ``echo -e`` / ``printf`` with ``echo=True``:
    ``\\0nnn`` octal and no ``\\'``)."""
    out = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c != "\\" or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        e = s[i + 1]
        i += 2
        if e in _SIMPLE_ESCAPES and not (echo and e in "'\"?"):
            out.append(_SIMPLE_ESCAPES[e])
        elif e in "01234567":
            start = i - 1
            if echo and e == "0":
                start = i
            j = start
            while j < n and j < start + 3 and s[j] in "01234567":
                j += 1
            out.append(chr(int(s[start:j] or "0", 8) & 0xFF))
            i = j
        elif e == "x":
            j = i
            while j < n and j < i + 2 and s[j] in "0123456789abcdefABCDEF":
                j += 1
            out.append(chr(int(s[i:j], 16)) if j > i else "\\x")
            i = j
        elif e in "uU":
            j = i
            limit = 4 if e == "u" else 8
            while j < n and j < i + limit and s[j] in "0123456789abcdefABCDEF":
                j += 1
            code = int(s[i:j], 16) if j > i else -1
            out.append(chr(code) if 0 <= code <= 0x10FFFF else "\\" + e + s[i:j])
            i = j
        elif e == "c" and i < n and not echo:
            out.append(chr(ord(s[i]) & 0x1F))
            i += 1
        else:
            out.append("\\" + e)
    return "".join(out)
