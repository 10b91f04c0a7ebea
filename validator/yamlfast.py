"""A line-based reader for the YAML that workflows are usually written in.

ruamel.yaml's pure-Python scanner needs ~100 ms for a large workflow, more than the
whole run may take.  Most workflows use a small part of YAML: block mappings and
sequences, plain and single-line quoted scalars, one-line flow sequences and literal
``|`` blocks.  This module reads exactly that subset, line by line, and returns
``None`` for anything else (tabs, CR, anchors, tags, flow mappings, folded or
multi-line scalars, duplicate keys, unusual numbers …); the caller then loads the
file with ruamel.yaml, which also produces every error message.  For text inside
the subset the result equals ruamel's round-trip load, with the same positions.
"""

from __future__ import annotations

import re
from typing import Any

from validator.yamltree import KeyAt, YMap, YSeq

Anchor = tuple[int, int, int, int]

#: characters outside the subset: tabs, CR and other breaks, BOMs after the first
#: character, and what ruamel's reader refuses
_OUTSIDE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")

_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_.\-/]{0,200}):(?: +|$)")

_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULLS = {"~", "null", "Null", "NULL"}
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\.[0-9]+\Z")
#: ruamel's YAML 1.2 implicit int, float and timestamp patterns: a plain scalar that
#: matches one of them but not the simple forms above is left to ruamel (compiled on
#: first use: most workflows never need it)
_NUMBER_LIKE = (
    r"""(?:
     [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN)
    |[-+]?0b[0-1_]+
    |[-+]?0o?[0-7_]+
    |[-+]?[0-9_]+
    |[-+]?0x[0-9a-fA-F_]+
    |[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
    |[0-9][0-9][0-9][0-9]\ -[0-9][0-9]?\ -[0-9][0-9]?
     (?:[Tt]|[\ \t]+)[0-9][0-9]?
     :[0-9][0-9]\ :[0-9][0-9]\ (?:\.[0-9]*)?
     (?:[\ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?
    )\Z"""
)
_FLOW_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^,\[\]{}#:'\"]*")

#: nesting deeper than this is left to ruamel (which enforces the real limit)
_MAX_DEPTH = 60


class _Outside(Exception):
    """The text uses YAML outside the subset."""


def load_fast(text: str) -> YMap | None:
    """The document as ``YMap``/``YSeq``, or ``None`` when the text is outside the subset.

    Only a top-level block mapping is read; ``text`` may start with a BOM.
    """
    try:
        return _Reader(text).document()
    except (_Outside, IndexError, RecursionError):
        return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_entry(line: str, col: int) -> bool:
    return line.startswith("-", col) and (len(line) == col + 1 or line[col + 1] == " ")


def _resolve(raw: str) -> Any:
    """A plain scalar's value as ruamel's YAML 1.2 resolver types it."""
    first = raw[0]
    if first in "tTfF" and raw in _BOOLS:
        return _BOOLS[raw]
    if first in "~nN" and raw in _NULLS:
        return None
    if first in "<=" and raw in ("<<", "="):
        raise _Outside
    if first in "-+0123456789.":
        if _INT.match(raw):
            return int(raw)
        if _FLOAT.match(raw):
            return float(raw)
        if re.match(_NUMBER_LIKE, raw, re.X):
            raise _Outside
    return raw


class _Reader:
    def __init__(self, text: str) -> None:
        base = 1 if text.startswith("\ufeff") else 0
        body = text[base:]
        if _OUTSIDE.search(body):
            raise _Outside
        self.lines = body.split("\n")
        starts = [base]
        for line in self.lines:
            starts.append(starts[-1] + len(line) + 1)
        self.starts = starts
        self.count = len(self.lines)

    def skip(self, k: int) -> int:
        """The next line from ``k`` on that holds content (not blank, not a comment)."""
        lines = self.lines
        while k < self.count:
            rest = lines[k].lstrip(" ")
            if rest and rest[0] != "#":
                return k
            k += 1
        return k

    def document(self) -> YMap:
        k = self.skip(0)
        if k < self.count and self.lines[k].startswith("---"):
            rest = self.lines[k][3:]
            if rest.strip(" ") and not rest.startswith(" #"):
                raise _Outside
            k = self.skip(k + 1)
        if k >= self.count or _indent(self.lines[k]) != 0 or _is_entry(self.lines[k], 0):
            raise _Outside
        node, k = self.mapping(k, 0, 0)
        if self.skip(k) < self.count:
            raise _Outside
        return node

    # -- collections

    def node(self, k: int, col: int, depth: int) -> tuple[Any, int]:
        if _is_entry(self.lines[k], col):
            return self.sequence(k, col, depth)
        return self.mapping(k, col, depth)

    def mapping(self, k: int, col: int, depth: int) -> tuple[YMap, int]:
        if depth > _MAX_DEPTH:
            raise _Outside
        out = YMap(k, col)
        while True:
            match = _KEY.match(self.lines[k], col)
            if match is None:
                raise _Outside
            key = match.group(1)
            if key in out or key in _BOOLS or key in _NULLS:
                raise _Outside
            key_line = k
            value, at, k = self.value(k, match.end(), col, depth)
            out[key] = value
            out.keys_at[key] = KeyAt(key_line, col, at[0], at[1], False, at[2])
            k = self.skip(k)
            if k >= self.count:
                return out, k
            indent = _indent(self.lines[k])
            if indent < col:
                return out, k
            if indent > col or _is_entry(self.lines[k], col):
                raise _Outside

    def sequence(self, k: int, col: int, depth: int) -> tuple[YSeq, int]:
        if depth > _MAX_DEPTH:
            raise _Outside
        out = YSeq(k, col)
        while True:
            line = self.lines[k]
            pos = col + 1
            while pos < len(line) and line[pos] == " ":
                pos += 1
            if pos >= len(line) or line[pos] == "#" or _is_entry(line, pos):
                raise _Outside
            item_line = k
            if _KEY.match(line, pos):
                item, k = self.mapping(k, pos, depth + 1)
            else:
                item, k = self.inline(k, pos, col)
            out.append(item)
            out.items_at.append((item_line, pos))
            k = self.skip(k)
            if k >= self.count:
                return out, k
            indent = _indent(self.lines[k])
            if indent > col:
                raise _Outside
            if indent < col or not _is_entry(self.lines[k], col):
                return out, k

    def value(self, k: int, pos: int, col: int, depth: int) -> tuple[Any, tuple[int, int, Any], int]:
        """A mapping value starting at ``pos`` of line ``k``: (value, (line, col, source), next line)."""
        line = self.lines[k]
        if pos >= len(line) or line[pos] == "#":
            j = self.skip(k + 1)
            if j < self.count:
                indent = _indent(self.lines[j])
                if indent > col:
                    node, nxt = self.node(j, indent, depth + 1)
                    return node, (j, indent, None), nxt
                if indent == col and _is_entry(self.lines[j], col):
                    seq, nxt = self.sequence(j, col, depth + 1)
                    return seq, (j, col, None), nxt
            return None, (k, pos, None), k + 1
        if line[pos] == "|":
            return self.literal(k, pos, col)
        scalar, nxt = self.inline(k, pos, col)
        return scalar, (k, pos, None), nxt

    # -- scalars

    def inline(self, k: int, pos: int, col: int) -> tuple[Any, int]:
        """A scalar or flow sequence that ends on line ``k``; the block it sits in has indent ``col``."""
        line = self.lines[k]
        ch = line[pos]
        value: Any
        if ch in "\"'":
            value, end = _quoted(line, pos)
            self.after(line, end)
        elif ch == "[":
            value, end = self.flow_sequence(k, pos)
            self.after(line, end)
        elif ch in "]{},#&*!|>%@`?:" or (ch == "-" and (pos + 1 == len(line) or line[pos + 1] == " ")):
            raise _Outside
        else:
            cut = line.find(" #", pos)
            raw = line[pos : cut if cut >= 0 else len(line)].rstrip(" ")
            if ": " in raw or raw.endswith(":"):
                raise _Outside
            value = _resolve(raw)
        nxt = self.skip(k + 1)
        if nxt < self.count and _indent(self.lines[nxt]) > col:
            raise _Outside  # a multi-line plain scalar, or text ruamel refuses
        return value, k + 1

    @staticmethod
    def after(line: str, end: int) -> None:
        """Only spaces and a comment may follow a quoted scalar or flow sequence."""
        rest = line[end:]
        stripped = rest.lstrip(" ")
        if stripped and not (stripped[0] == "#" and len(stripped) < len(rest)):
            raise _Outside

    def flow_sequence(self, k: int, pos: int) -> tuple[YSeq, int]:
        line = self.lines[k]
        out = YSeq(k, pos)
        i = pos + 1
        while line[i] == " ":
            i += 1
        if line[i] == "]":
            return out, i + 1
        while True:
            start = i
            if line[i] in "\"'":
                value, i = _quoted(line, i)
            else:
                match = _FLOW_PLAIN.match(line, i)
                if match is None:
                    raise _Outside
                value = _resolve(match.group().rstrip(" "))
                i = match.end()
            out.append(value)
            out.items_at.append((k, start))
            while line[i] == " ":
                i += 1
            if line[i] == "]":
                return out, i + 1
            if line[i] != ",":
                raise _Outside
            i += 1
            while line[i] == " ":
                i += 1
            if line[i] == "]":
                raise _Outside

    def literal(self, k: int, pos: int, col: int) -> tuple[str, tuple[int, int, Any], int]:
        """A ``|`` block scalar (ruamel's ``scan_block_scalar``, one line at a time)."""
        lines, starts, count = self.lines, self.starts, self.count
        header = lines[k]
        i = pos + 1
        style = "|"
        if i < len(header) and header[i] in "+-":
            style += header[i]
            i += 1
        rest = header[i:]
        if rest[:1].isdigit() or (rest.strip(" ") and not rest.lstrip(" ").startswith("#")):
            raise _Outside
        j = k + 1
        leading: list[int] = []
        while j < count - 1 and not lines[j].strip(" "):
            if lines[j]:
                raise _Outside  # ruamel has its own rules for spaces before the first line
            leading.append(j)
            j += 1
        if j >= count or not lines[j].strip(" "):
            raise _Outside  # empty block scalar
        indent = max(col + 1, _indent(lines[j]))
        if _indent(lines[j]) != indent:
            raise _Outside
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
            if j < count and len(lines[j]) > indent and _indent(lines[j]) >= indent:
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
        return "".join(chunks), (k, pos, (anchors, style)), j


def _quoted(line: str, pos: int) -> tuple[str, int]:
    """A quoted scalar that ends on its line, without escapes: (value, end)."""
    quote = line[pos]
    if quote == '"':
        end = line.find('"', pos + 1)
        if end < 0 or "\\" in line[pos + 1 : end]:
            raise _Outside
        return line[pos + 1 : end], end + 1
    i = pos + 1
    while True:
        end = line.find("'", i)
        if end < 0:
            raise _Outside
        if line.startswith("''", end):
            i = end + 2
            continue
        return line[pos + 1 : end].replace("''", "'"), end + 1
