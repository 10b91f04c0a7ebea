"""Where things are in an HCL file: blocks and attribute values with their offsets.

python-hcl2 gives values but no positions, and findings must point at the line
that sets ``handler``.  This is a small structural scanner (comments, strings with
``${…}`` templates, heredocs, nesting) that records each block and the offsets of its
attribute values; values themselves still come from hcl2.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from validator.model.base import Record

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_HEREDOC = re.compile(r"<<-?([A-Za-z_][A-Za-z0-9_]*)[ \t]*\n")


@dataclass(eq=False, repr=False)
class Tok(Record):
    kind: str  # "ident", "string", "heredoc", "punct", "nl", "other"
    start: int
    end: int
    text: str


@dataclass(eq=False, repr=False)
class HclAttr(Record):
    name: str
    start: int  # offset of the value's first character
    end: int  # offset after the value


@dataclass(eq=False, repr=False)
class HclBlock(Record):
    type: str
    labels: list[str]
    start: int  # offset of the block type keyword
    attrs: dict[str, HclAttr] = field(default_factory=dict)
    blocks: list[HclBlock] = field(default_factory=list)


class HclText:
    """Blocks of one HCL file with offset → (line, column) conversion."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        toks = _tokenize(text)
        self.blocks, _ = _parse_body(toks, 0)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        i = bisect.bisect_right(self._line_starts, offset) - 1
        return i + 1, offset - self._line_starts[i] + 1

    def find(self, type_: str, *labels: str) -> HclBlock | None:
        for block in self.blocks:
            if block.type == type_ and tuple(block.labels[: len(labels)]) == labels:
                return block
        return None


def _scan_string(text: str, i: int) -> int:
    """Offset after the string literal that opens at ``text[i] == '"'``."""
    i += 1
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == '"':
            return i + 1
        if ch == "\n":
            return i  # unterminated; stop at the line end
        if ch in "$%" and text.startswith("{", i + 1):
            i = _scan_template(text, i + 2)
            continue
        i += 1
    return n


def _scan_template(text: str, i: int) -> int:
    """Offset after the ``}`` closing a ``${`` whose body starts at ``i``."""
    depth = 1
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            i = _scan_string(text, i)
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return n


def _tokenize(text: str) -> list[Tok]:
    toks: list[Tok] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            toks.append(Tok("nl", i, i + 1, ch))
            i += 1
        elif ch in " \t\r":
            i += 1
        elif ch == "#" or text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif ch == '"':
            end = _scan_string(text, i)
            toks.append(Tok("string", i, end, text[i:end]))
            i = end
        elif text.startswith("<<", i) and (m := _HEREDOC.match(text, i)):
            marker = m.group(1)
            close = re.compile(rf"^[ \t]*{re.escape(marker)}[ \t]*$", re.M)
            cm = close.search(text, m.end())
            end = n if cm is None else cm.end()
            toks.append(Tok("heredoc", i, end, text[i:end]))
            i = end
        elif m := _IDENT.match(text, i):
            toks.append(Tok("ident", i, m.end(), m.group()))
            i = m.end()
        elif ch in "{}[]()=,:":
            if ch == "=" and text.startswith("==", i):
                toks.append(Tok("other", i, i + 2, "=="))
                i += 2
            else:
                toks.append(Tok("punct", i, i + 1, ch))
                i += 1
        else:
            toks.append(Tok("other", i, i + 1, ch))
            i += 1
    return toks


def _unquote(tok: Tok) -> str:
    return tok.text[1:-1] if tok.kind == "string" and tok.text.endswith('"') else tok.text


def _parse_body(toks: list[Tok], i: int) -> tuple[list[HclBlock], int]:
    """Blocks of a body starting at token ``i``; returns at the closing ``}`` (not consumed)."""
    blocks: list[HclBlock] = []
    attrs_sink: dict[str, HclAttr] = {}
    return _parse_into(toks, i, blocks, attrs_sink)


def _parse_into(
    toks: list[Tok], i: int, blocks: list[HclBlock], attrs: dict[str, HclAttr]
) -> tuple[list[HclBlock], int]:
    n = len(toks)
    while i < n:
        tok = toks[i]
        if tok.kind == "nl" or (tok.kind == "punct" and tok.text == ","):
            i += 1
            continue
        if tok.kind == "punct" and tok.text == "}":
            return blocks, i
        if tok.kind in ("ident", "string") and i + 1 < n and toks[i + 1].text in ("=", ":") \
                and toks[i + 1].kind == "punct":
            name = _unquote(tok)
            j = i + 2
            start = toks[j].start if j < n else tok.end
            end, j = _skip_expression(toks, j)
            attrs.setdefault(name, HclAttr(name, start, end))
            i = j
            continue
        if tok.kind == "ident":
            j = i + 1
            labels: list[str] = []
            while j < n and toks[j].kind in ("ident", "string"):
                labels.append(_unquote(toks[j]))
                j += 1
            if j < n and toks[j].kind == "punct" and toks[j].text == "{":
                block = HclBlock(tok.text, labels, tok.start)
                block.blocks, j = _parse_into(toks, j + 1, [], block.attrs)
                blocks.append(block)
                i = j + 1  # past the closing brace
                continue
        i += 1
    return blocks, i


def _skip_expression(toks: list[Tok], j: int) -> tuple[int, int]:
    """End offset of the expression starting at token ``j`` and the index after it: the
    expression ends at a newline or ``,`` outside brackets, or at an unmatched closer."""
    depth = 0
    n = len(toks)
    end = toks[j].start if j < n else 0
    while j < n:
        tok = toks[j]
        if tok.kind == "punct" and tok.text in "{[(":
            depth += 1
        elif tok.kind == "punct" and tok.text in "}])":
            if depth == 0:
                return end, j
            depth -= 1
        elif depth == 0 and (tok.kind == "nl" or (tok.kind == "punct" and tok.text == ",")):
            return end, j
        end = tok.end
        j += 1
    return end, j
