"""Where each character of a loaded scalar comes from in the file.

Findings point at exact columns of a ``run:`` script, so each character of a block,
flow or quoted scalar's value is mapped back to a file offset by re-scanning the
scalar the way ruamel.yaml's scanner reads it; no YAML library reports this.
``LineIndex`` converts between offsets and the loader's (line, column).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from validator.model.base import Record

# --------------------------------------------------------------------------- positions


class LineIndex:
    """Converts between character offsets and (line, column) in a text.

    Lines end at LF, CRLF or a lone CR, as the loader counts them, so a loaded
    (line, column) converts to an offset exactly.  A leading BOM is part of the text
    (offsets count it) but not of line 1's columns (the loader and editors skip it).
    """

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [1 if text.startswith("\ufeff") else 0]
        i, n = 0, len(text)
        while True:
            j = _next_break(text, i)
            if j < 0:
                break
            i = j + (2 if text.startswith("\r\n", j) else 1)
            starts.append(i)
            if i >= n:
                break
        self.starts = starts

    @functools.cached_property
    def lines(self) -> list[str] | None:
        """The text split at LF, or None when it has other line breaks or a BOM."""
        text = self.text
        return None if "\r" in text or text.startswith("\ufeff") else text.split("\n")

    def offset(self, line0: int, col0: int) -> int:
        """Offset of a 0-based (line, column) as the loader reports it."""
        line0 = max(0, min(line0, len(self.starts) - 1))
        return min(self.starts[line0] + col0, len(self.text))

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of the character at ``offset``."""
        import bisect

        i = max(bisect.bisect_right(self.starts, offset) - 1, 0)
        return i + 1, offset - self.starts[i] + 1


def _next_break(text: str, start: int) -> int:
    n = text.find("\n", start)
    r = text.find("\r", start)
    if r < 0:
        return n
    if n < 0:
        return r
    return min(n, r)


# --------------------------------------------------------------------------- scalar sources

_BREAKS = "\r\n\x85\u2028\u2029"
_END = "\0" + _BREAKS
_END_SPACE_TAB = " \t" + _END

_ESCAPES = {
    "0": "\0", "a": "\x07", "b": "\x08", "t": "\t", "\t": "\t", "n": "\n", "v": "\x0b",
    "f": "\x0c", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
    "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029",
}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


@dataclass(eq=False, repr=False)
class ScalarSource(Record):
    """A scalar's loaded value with the text offset each character comes from.

    ``verbatim[i]`` is true when ``value[i]`` is copied from ``text[offsets[i]]``; it is
    false for characters that YAML made up: a folded line break (the space points at
    the break), an escape sequence (points at its backslash), a CR or NEL read as LF.
    """

    value: str
    offsets: list[int]
    verbatim: list[bool]
    style: str  # "|", "|-", "|+", ">", ">-", ">+", "plain", "single", "double"


class _Unmappable(Exception):
    """The text at the position does not scan as the scalar we expected."""


Piece = tuple[str, int, bool]


class _Cursor:
    """Just enough of ruamel.yaml's reader: peek, forward, and its idea of a column."""

    def __init__(self, text: str, pos: int) -> None:
        self.text = text
        self.pos = pos
        back = max(text.rfind("\n", 0, pos), text.rfind("\r", 0, pos)) + 1
        self.line_start = 1 if back == 0 and text.startswith("\ufeff") else back

    def peek(self, k: int = 0) -> str:
        i = self.pos + k
        return self.text[i] if i < len(self.text) else "\0"

    @property
    def col(self) -> int:
        return self.pos - self.line_start

    def forward(self, n: int = 1) -> None:
        for _ in range(n):
            ch = self.text[self.pos]
            self.pos += 1
            if ch == "\n" or (ch == "\r" and self.peek() != "\n"):
                self.line_start = self.pos

    def take(self, length: int) -> list[Piece]:
        pieces = [(self.text[self.pos + k], self.pos + k, True) for k in range(length)]
        self.forward(length)
        return pieces

    def line_break(self) -> list[Piece]:
        ch = self.peek()
        if ch in "\r\n\x85":
            if self.text.startswith("\r\n", self.pos):
                piece = ("\n", self.pos + 1, True)
                self.forward(2)
            else:
                piece = ("\n", self.pos, ch == "\n")
                self.forward()
            return [piece]
        if ch in "\u2028\u2029":
            piece = (ch, self.pos, True)
            self.forward()
            return [piece]
        return []

    def at_document_marker(self) -> bool:
        head = self.text[self.pos : self.pos + 3]
        return head in ("---", "...") and self.peek(3) in _END_SPACE_TAB


def _folded_space(line_break: list[Piece]) -> Piece:
    return (" ", line_break[0][1], False)


def _block(cur: _Cursor, parent_indent: int) -> tuple[list[Piece], str]:
    """Port of ruamel.yaml's ``scan_block_scalar`` that keeps positions."""
    style = cur.peek()
    folded = style == ">"
    cur.forward()
    chomping: bool | None = None
    increment: int | None = None
    for _ in range(2):
        ch = cur.peek()
        if ch in "+-" and chomping is None:
            chomping = ch == "+"
            cur.forward()
        elif ch in "123456789" and increment is None:
            increment = int(ch)
            cur.forward()
    while cur.peek() == " ":
        cur.forward()
    if cur.peek() == "#":
        while cur.peek() not in _END:
            cur.forward()
    if cur.peek() not in _END:
        raise _Unmappable
    cur.line_break()

    min_indent = parent_indent + 1
    breaks: list[Piece] = []
    if increment is None:
        max_indent = 0
        while cur.peek() in " " + _BREAKS:
            if cur.peek() != " ":
                breaks += cur.line_break()
            else:
                cur.forward()
                max_indent = max(max_indent, cur.col)
        indent = max(min_indent, max_indent)
    else:
        min_indent = max(min_indent, 1)
        indent = min_indent + increment - 1
        breaks = _block_breaks(cur, indent)

    out: list[Piece] = []
    line_break: list[Piece] = []
    while cur.col == indent and cur.peek() != "\0":
        out += breaks
        leading_non_space = cur.peek() not in " \t"
        length = 0
        while cur.peek(length) not in _END:
            length += 1
        out += cur.take(length)
        line_break = cur.line_break()
        breaks = _block_breaks(cur, indent)
        if min_indent == 0 and cur.col == 0 and cur.at_document_marker():
            break
        if cur.col == indent and cur.peek() != "\0":
            is_lf = bool(line_break) and line_break[0][0] == "\n"
            if folded and is_lf and leading_non_space and cur.peek() not in " \t":
                if not breaks:
                    out.append(_folded_space(line_break))
            else:
                out += line_break
        else:
            break
    if chomping is None or chomping:
        out += line_break
    if chomping:
        out += breaks
    suffix = "" if chomping is None else ("+" if chomping else "-")
    return out, style + suffix


def _block_breaks(cur: _Cursor, indent: int) -> list[Piece]:
    out: list[Piece] = []
    while cur.col < indent and cur.peek() == " ":
        cur.forward()
    while cur.peek() in _BREAKS:
        out += cur.line_break()
        while cur.col < indent and cur.peek() == " ":
            cur.forward()
    return out


def _quoted(cur: _Cursor) -> tuple[list[Piece], str]:
    """Port of ruamel.yaml's ``scan_flow_scalar`` that keeps positions."""
    quote = cur.peek()
    double = quote == '"'
    cur.forward()
    out = _quoted_non_spaces(cur, double)
    while cur.peek() != quote:
        before = cur.pos
        out += _quoted_spaces(cur, double)
        out += _quoted_non_spaces(cur, double)
        if cur.pos == before:
            raise _Unmappable
    cur.forward()
    return out, "double" if double else "single"


def _quoted_non_spaces(cur: _Cursor, double: bool) -> list[Piece]:
    out: list[Piece] = []
    while True:
        length = 0
        while cur.peek(length) not in " \n'\"\\\0\t\r\x85\u2028\u2029":
            length += 1
        out += cur.take(length)
        ch = cur.peek()
        if not double and ch == "'" and cur.peek(1) == "'":
            out.append(("'", cur.pos, True))
            cur.forward(2)
        elif (double and ch == "'") or (not double and ch in '"\\'):
            out += cur.take(1)
        elif double and ch == "\\":
            start = cur.pos
            cur.forward()
            ch = cur.peek()
            if ch in _ESCAPES:
                out.append((_ESCAPES[ch], start, False))
                cur.forward()
            elif ch in _HEX_ESCAPES:
                n = _HEX_ESCAPES[ch]
                digits = cur.text[cur.pos + 1 : cur.pos + 1 + n]
                if len(digits) != n or any(c not in "0123456789abcdefABCDEF" for c in digits):
                    raise _Unmappable
                out.append((chr(int(digits, 16)), start, False))
                cur.forward(n + 1)
            elif ch in _BREAKS:
                cur.line_break()
                out += _quoted_breaks(cur)
            else:
                raise _Unmappable
        else:
            return out


def _quoted_spaces(cur: _Cursor, double: bool) -> list[Piece]:
    length = 0
    while cur.peek(length) in " \t":
        length += 1
    spaces = cur.take(length)
    ch = cur.peek()
    if ch == "\0":
        raise _Unmappable
    if ch in _BREAKS:
        line_break = cur.line_break()
        breaks = _quoted_breaks(cur)
        return _folded(line_break, breaks)
    return spaces


def _quoted_breaks(cur: _Cursor) -> list[Piece]:
    out: list[Piece] = []
    while True:
        if cur.at_document_marker():
            raise _Unmappable
        while cur.peek() in " \t":
            cur.forward()
        if cur.peek() in _BREAKS:
            out += cur.line_break()
        else:
            return out


def _plain(cur: _Cursor, parent_indent: int, flow: bool) -> tuple[list[Piece], str]:
    """Port of ruamel.yaml's ``scan_plain`` (YAML 1.2) that keeps positions."""
    indent = parent_indent + 1
    out: list[Piece] = []
    spaces: list[Piece] | None = []
    while True:
        if cur.peek() == "#":
            break
        length = 0
        while True:
            ch = cur.peek(length)
            nxt = cur.peek(length + 1)
            if (ch == ":" and nxt not in _END_SPACE_TAB) or ch == "?":
                pass
            elif (
                ch in _END_SPACE_TAB
                or (not flow and ch == ":" and nxt in _END_SPACE_TAB)
                or (flow and ch in ",:?[]{}")
            ):
                break
            length += 1
        if flow and ch == ":" and cur.peek(length + 1) not in "\0 \t\r\n\x85\u2028\u2029,[]{}":
            raise _Unmappable
        if length == 0:
            break
        out += spaces or []
        out += cur.take(length)
        spaces = _plain_spaces(cur)
        if not spaces or cur.peek() == "#" or (not flow and cur.col < indent):
            break
    return out, "plain"


def _plain_spaces(cur: _Cursor) -> list[Piece] | None:
    length = 0
    while cur.peek(length) == " ":
        length += 1
    spaces = cur.take(length)
    if cur.peek() in _BREAKS:
        line_break = cur.line_break()
        if cur.at_document_marker():
            return None
        breaks: list[Piece] = []
        while cur.peek() in " " + _BREAKS:
            if cur.peek() == " ":
                cur.forward()
            else:
                breaks += cur.line_break()
                if cur.at_document_marker():
                    return None
        return _folded(line_break, breaks)
    return spaces


def _skip_properties(cur: _Cursor) -> None:
    """Skip an anchor (``&a``) or tag (``!t``, ``!!str``) before a value, and what follows them."""
    while cur.peek() in "&!":
        while cur.peek() not in _END_SPACE_TAB:
            cur.forward()
        while True:
            ch = cur.peek()
            if ch in " \t" or ch in _BREAKS:
                cur.forward()
            elif ch == "#":
                while cur.peek() not in _END:
                    cur.forward()
            else:
                break


def scalar_source(
    text: str, offset: int, value: str, parent_indent: int, *, flow: bool = False
) -> ScalarSource | None:
    """Where each character of a loaded scalar comes from in ``text``.

    ``offset`` is the scalar's start as ruamel.yaml reports it (an anchor or tag may come
    first), ``parent_indent`` the column of the enclosing block mapping's keys.  The
    scan mirrors ruamel.yaml's scanner; the result is returned only when it reproduces
    ``value`` exactly, else ``None`` (the caller falls back to a coarse position).
    """
    try:
        cur = _Cursor(text, offset)
        _skip_properties(cur)
        ch = cur.peek()
        if ch in "|>" and not flow:
            pieces, style = _block(cur, parent_indent)
        elif ch in "'\"":
            pieces, style = _quoted(cur)
        else:
            pieces, style = _plain(cur, parent_indent, flow)
    except (_Unmappable, IndexError):
        return None
    if "".join(p[0] for p in pieces) != value:
        return None
    return ScalarSource(
        value=value,
        offsets=[p[1] for p in pieces],
        verbatim=[p[2] for p in pieces],
        style=style,
    )


Anchor = tuple[int, int, int, int]


def literal_anchors(index: LineIndex, line0: int, col0: int, parent_indent: int,
                    value: str) -> tuple[list[Anchor], str] | None:
    """``ScriptMap`` anchors of the ``|`` block whose header is at (``line0``, ``col0``):
    one per line, found a line at a time (``scalar_source`` walks characters, ~50x
    slower).  None unless the text is LF-only and the lines reproduce ``value``."""
    lines, starts = index.lines, index.starts
    if lines is None:
        return None
    count = len(lines)
    header = lines[line0]
    i = col0 + 1
    style = "|"
    if i < len(header) and header[i] in "+-":
        style += header[i]
        i += 1
    rest = header[i:]
    if rest[:1].isdigit() or (rest.strip(" ") and not rest.lstrip(" ").startswith("#")):
        return None
    j = line0 + 1
    leading: list[int] = []
    while j < count - 1 and not lines[j].strip(" "):
        if lines[j]:
            return None  # spaces before the first line follow rules of their own
        leading.append(j)
        j += 1
    if j >= count or not lines[j].strip(" "):
        return None
    first = len(lines[j]) - len(lines[j].lstrip(" "))
    indent = max(parent_indent + 1, first)
    if first != indent:
        return None
    chunks: list[str] = []
    anchors: list[Anchor] = []
    size = 0
    breaks = leading
    has_break = False
    while True:
        for b in breaks:
            anchors.append((size, starts[b] + len(lines[b]), b + 1, len(lines[b]) + 1))
            chunks.append("\n")
            size += 1
        content = lines[j][indent:]
        anchors.append((size, starts[j] + indent, j + 1, indent + 1))
        chunks.append(content)
        size += len(content)
        has_break = j < count - 1
        j += 1
        breaks = []
        while j < count - 1 and len(lines[j]) <= indent and not lines[j].strip(" "):
            breaks.append(j)
            j += 1
        if j < count and len(lines[j]) > indent and len(lines[j]) - len(lines[j].lstrip(" ")) >= indent:
            chunks.append("\n")
            size += 1
            continue
        break
    if style != "|-" and has_break:
        chunks.append("\n")
        size += 1
    if style == "|+":
        for b in breaks:
            anchors.append((size, starts[b] + len(lines[b]), b + 1, len(lines[b]) + 1))
            chunks.append("\n")
            size += 1
    return (anchors, style) if "".join(chunks) == value else None


def _folded(line_break: list[Piece], breaks: list[Piece]) -> list[Piece]:
    """A line break inside a flow scalar: a non-LF break is kept as written; one LF alone
    folds to a space; LFs followed by more breaks keep only those."""
    out: list[Piece] = []
    if line_break[0][0] != "\n":
        out += line_break
    elif not breaks:
        out.append(_folded_space(line_break))
    return out + breaks
