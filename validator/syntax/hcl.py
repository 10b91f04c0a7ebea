"""HCL (Terraform ``.tf`` / ``.tfvars``) read with tree-sitter-hcl into plain records.

A library grammar parsed in C gives values and positions in one pass over the whole
language (``for`` expressions, template directives, heredocs, splats, provider
functions): no hand-written parser to keep in step with Terraform, and no second
reader for what a hand-written one declines (python-hcl2 took 0.3-0.5 s a file).
On a syntax error tree-sitter recovers; the top-level blocks and attributes on
lines clear of any error are kept and the first error is reported, so a caller
can say what it could not read instead of failing.

Values are plain Python: strings as template text (escapes decoded, ``${…}`` and
``%{…}`` kept as written, so is ``$${``), numbers, bools, None, lists, dicts; every
other expression (references, calls, operators, ``for``, conditionals, splats) is
its source text as ``${…}``.  ``tree_sitter`` is imported on the first parse only.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from validator.model.base import FrozenRecord, Record

if TYPE_CHECKING:
    from tree_sitter import Node, Parser

_ESCAPE = re.compile(r"\\(?:u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.S)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_TEMPLATE_PARTS = ("template_interpolation", "template_directive")


@dataclass(frozen=True, eq=False, repr=False)
class Range(FrozenRecord):
    """Where a node is: character offsets into the text and 1-based line/column
    (columns count characters, as in every span the project reports)."""

    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(eq=False, repr=False)
class Attribute(Record):
    name: str
    value: Any
    range: Range  # of the value


@dataclass(eq=False, repr=False)
class Block(Record):
    type: str
    labels: list[str]
    range: Range  # from the type keyword to the closing brace
    attributes: dict[str, Attribute] = field(default_factory=dict)  # the first of duplicates
    blocks: list[Block] = field(default_factory=list)

    def body(self) -> dict[str, Any]:
        """Attribute values by name, nested blocks as ``type: [body, …]`` (labels dropped)."""
        out: dict[str, Any] = {name: attr.value for name, attr in self.attributes.items()}
        for nested in self.blocks:
            out.setdefault(nested.type, []).append(nested.body())
        return out


@dataclass(eq=False, repr=False)
class Document(Record):
    """One parsed file: its top-level attributes and blocks, minus any that hold a syntax error."""

    text: str
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    error: Range | None = None  # the first syntax error, when there is one
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        i = bisect.bisect_right(self._line_starts, offset) - 1
        return i + 1, offset - self._line_starts[i] + 1


_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


@cache
def _parser() -> Parser:
    import tree_sitter_hcl
    from tree_sitter import Language, Parser

    return Parser(Language(tree_sitter_hcl.language()))


def parse(text: str) -> Document:
    """The records of one HCL text; never raises on bad syntax (see ``Document.error``)."""
    return _Reader(text).document()


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.data = text.encode("utf-8", "surrogatepass")
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        # byte offset -> character offset, needed only when some character is not ASCII:
        # the byte offset where each such character starts, and the extra bytes up to its end
        self.wide_starts: list[int] = []
        self.wide_extra: list[int] = []
        if len(self.data) != len(text):
            extra = 0
            for m in _NOT_ASCII.finditer(text):
                self.wide_starts.append(m.start() + extra)
                extra += len(m.group().encode("utf-8", "surrogatepass")) - 1
                self.wide_extra.append(extra)

    def document(self) -> Document:
        root = _parser().parse(self.data).root_node
        doc = Document(self.text, _line_starts=self.line_starts)
        errors = _errors(root) if root.has_error else []
        if errors:
            doc.error = self.range(errors[0])
        # an item that shares a line with an error may have been cut short there
        # (``x = 1e3`` parses as ``x = 1`` and an error): only items clear of them are read
        bodies = [c for c in root.children if c.type == "body"]
        broken = [*errors, *(c for b in bodies for c in b.named_children if c.has_error)]
        bad_rows = {row for e in broken for row in range(e.start_point.row, e.end_point.row + 1)}
        for body in bodies:
            self.body(body, doc.attributes, doc.blocks, bad_rows)
        return doc

    # ------------------------------------------------------------------ positions

    def offset(self, byte: int) -> int:
        if not self.wide_starts:
            return byte
        before = bisect.bisect_left(self.wide_starts, byte)  # wide characters that start before it
        return byte - (self.wide_extra[before - 1] if before else 0)

    def range(self, node: Node) -> Range:
        start, end = self.offset(node.start_byte), self.offset(node.end_byte)
        line = bisect.bisect_right(self.line_starts, start)
        end_line = bisect.bisect_right(self.line_starts, end)
        return Range(start, end, line, start - self.line_starts[line - 1] + 1,
                     end_line, end - self.line_starts[end_line - 1] + 1)

    def source(self, node: Node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "surrogatepass")

    # ------------------------------------------------------------------ structure

    def body(self, node: Node, attributes: dict[str, Attribute], blocks: list[Block],
             bad_rows: set[int] | None = None) -> None:
        for child in node.named_children:
            if bad_rows and not bad_rows.isdisjoint(range(child.start_point.row, child.end_point.row + 1)):
                continue
            if child.type == "attribute":
                name_node, value_node = child.named_children[0], child.named_children[-1]
                name = self.source(name_node)
                if name not in attributes:
                    attributes[name] = Attribute(name, self.value(value_node), self.range(value_node))
            elif child.type == "block":
                blocks.append(self.block(child))

    def block(self, node: Node) -> Block:
        children = node.named_children
        labels = [self.value(c) if c.type == "string_lit" else self.source(c)
                  for c in children[1:] if c.type in ("string_lit", "identifier")]
        block = Block(self.source(children[0]), labels, self.range(node))
        for child in children:
            if child.type == "body":
                self.body(child, block.attributes, block.blocks)
        return block

    # ------------------------------------------------------------------ values

    def value(self, node: Node) -> Any:
        """The value of an ``expression`` node (or of the literal/collection inside one)."""
        parts = [c for c in node.named_children if c.type != "comment"] if node.type == "expression" else [node]
        if len(parts) == 1:
            inner = parts[0]
            kind = inner.type
            if kind in ("literal_value", "collection_value", "template_expr"):
                return self.value(inner.named_children[0])
            if kind == "numeric_lit" and (number := _number(self.source(inner))) is not None:
                return number
            if kind == "bool_lit":
                return self.source(inner) == "true"
            if kind == "null_lit":
                return None
            if kind in ("string_lit", "quoted_template"):
                return self.quoted(inner)
            if kind == "heredoc_template":
                return self.heredoc(inner)
            if kind == "tuple":
                return [self.value(c) for c in inner.named_children if c.type == "expression"]
            if kind == "object":
                return dict(self.element(c) for c in inner.named_children if c.type == "object_elem")
            if kind == "operation" and (number := self.negative_number(inner)) is not None:
                return number
        return "${" + self.source(node) + "}"

    def negative_number(self, node: Node) -> int | float | None:
        """``-1`` is the number -1, as a reader of literals expects."""
        unary = node.named_children[0]
        if unary.type != "unary_operation" or self.source(unary)[:1] != "-":
            return None
        operand = unary.named_children[-1]
        if operand.type == "literal_value" and operand.named_children[0].type == "numeric_lit":
            number = _number(self.source(operand))
            return None if number is None else -number
        return None

    def element(self, node: Node) -> tuple[str, Any]:
        key_node, value_node = node.named_children[0], node.named_children[-1]
        keys = [c for c in key_node.named_children if c.type != "comment"]
        if len(keys) == 1 and keys[0].type == "variable_expr":
            key = self.source(keys[0])  # a bare name is the key itself, not a reference
        else:
            got = self.value(key_node)
            key = got if isinstance(got, str) else self.source(key_node)
        return key, self.value(value_node)

    def quoted(self, node: Node) -> str:
        """A quoted string: literal text with escapes decoded, template parts as written."""
        children = node.children
        pos, end = children[0].end_byte, children[-1].start_byte
        out: list[str] = []
        for child in children[1:-1]:
            if child.type in _TEMPLATE_PARTS:
                out.append(_unescape(self.data[pos : child.start_byte].decode("utf-8", "surrogatepass")))
                out.append(self.source(child))
                pos = child.end_byte
        out.append(_unescape(self.data[pos:end].decode("utf-8", "surrogatepass")))
        return "".join(out)

    def heredoc(self, node: Node) -> str:
        """The lines between the markers as written (no escapes in heredocs); ``<<-``
        removes the indentation the lines share."""
        children = node.children
        opener = self.source(children[0])
        markers = [c for c in children if c.type == "heredoc_identifier"]
        first_line_end = self.data.index(b"\n", markers[0].end_byte) + 1
        last = markers[-1].start_byte if len(markers) > 1 else node.end_byte
        closing_line = self.data.rfind(b"\n", 0, last) + 1
        content = self.data[first_line_end : max(closing_line, first_line_end)].decode("utf-8", "surrogatepass")
        if opener != "<<-":
            return content
        lines = content.splitlines(keepends=True)
        indents = [len(ln) - len(ln.lstrip(" \t")) for ln in lines if ln.strip()]
        cut = min(indents, default=0)
        return "".join(ln[cut:] if ln.strip() else ln.lstrip(" \t") for ln in lines)


def _errors(node: Node) -> list[Node]:
    """The ERROR and MISSING nodes under a node whose subtree has some, in text order."""
    out: list[Node] = []
    for child in node.children:
        if child.type == "ERROR" or child.is_missing:
            out.append(child)
        elif child.has_error:
            out += _errors(child)
    return out or [node]


def _number(text: str) -> int | float | None:
    """The grammar also lexes ``0x1f`` as a number; HCL has only decimals."""
    if text.isdigit():
        return int(text)
    try:
        return float(text)
    except ValueError:
        return None


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text

    def one(m: re.Match[str]) -> str:
        esc = m.group()[1:]
        if esc[0] in "uU":
            return chr(int(esc[1:], 16))
        return _SIMPLE_ESCAPES.get(esc, m.group())

    return _ESCAPE.sub(one, text)
