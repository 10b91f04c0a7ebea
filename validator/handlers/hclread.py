"""A small, strict HCL2 reader for the Terraform that Lambda linkage reads.

``import hcl2`` and its first ``loads`` cost ~0.4 s (lark and its LALR tables),
more than the rest of a run.  This reader covers what Lambda configurations are
written with (blocks with labels; attributes holding strings and ``${…}``
templates, numbers, bools, null, lists, objects, references, function calls,
operators, conditionals, heredocs; ``#``, ``//`` and ``/* */`` comments) and
returns exactly what ``hcl2.loads`` returns for them, minus its comment keys.

Anything else (``for`` expressions, ``%{…}`` directives, ``$${`` escapes,
exponents, newlines where hcl2's grammar differs from Terraform's, invalid text)
raises :class:`Unsupported`, and the caller gives the file to python-hcl2: a
wrong value would be worse than a slow one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from validator.model.base import Record

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_WS = re.compile(r"[ \t\r]*")
_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?(?![0-9A-Za-z_.])")
_STRING_CHARS = re.compile(r'(?:[^"\\$%\n]|\\[^\n]|\$(?![{$])|%(?![{%]))+')
_DIGITS = re.compile(r"[0-9]+")
_HEREDOC = re.compile(r"<<(-?)([A-Za-z][A-Za-z0-9._-]*)\n")
_OPERATORS = ("==", "!=", "<=", ">=", "&&", "||", "<", ">", "+", "-", "*", "/", "%")
_KEYWORDS = frozenset({"if", "in", "for", "for_each", "else", "endif", "endfor"})
_LITERALS = {"true": True, "false": False, "null": None}
_BLOCK = "__is_block__"


class Unsupported(Exception):
    """The text is outside what this reader models with certainty."""


@dataclass(eq=False, repr=False)
class _Expr(Record):
    """One expression as hcl2 serialises it: ``value`` as an attribute's value,
    ``text`` as a part of a larger expression (inside ``${…}``)."""

    value: Any
    text: str | None  # None: hcl2 renders it in a way this reader does not model


def loads(text: str) -> dict[str, Any]:
    """The ``hcl2.loads`` result for ``text`` (without ``__comments__`` keys)."""
    return _Reader(text + "\n").document()  # hcl2 parses ``text + "\n"`` too


class _Reader:
    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.n = len(text)

    # ------------------------------------------------------------------ helpers

    def fail(self, why: str) -> Unsupported:
        return Unsupported(f"{why} at offset {self.i}")

    def ws(self) -> None:
        self.i = _WS.match(self.s, self.i).end()  # type: ignore[union-attr]

    def comment(self) -> bool:
        """Skip one comment at ``i``; a line comment stops before its newline."""
        s, i = self.s, self.i
        if s.startswith("#", i) or s.startswith("//", i):
            end = s.find("\n", i)
            self.i = self.n if end < 0 else end
            return True
        if s.startswith("/*", i):
            end = s.find("*/", i + 2)
            if end < 0:
                raise self.fail("unterminated comment")
            self.i = end + 2
            return True
        return False

    def gap(self) -> bool:
        """Skip blanks, newlines and comments; True when a newline or comment was seen."""
        seen = False
        while True:
            self.ws()
            if self.i < self.n and self.s[self.i] == "\n":
                self.i += 1
                seen = True
            elif self.comment():
                seen = True
            else:
                return seen

    def peek(self) -> str:
        return self.s[self.i] if self.i < self.n else ""

    def expect(self, ch: str) -> None:
        if not self.s.startswith(ch, self.i):
            raise self.fail(f"expected {ch!r}")
        self.i += len(ch)

    def name(self) -> str | None:
        m = _NAME.match(self.s, self.i)
        if m is None:
            return None
        self.i = m.end()
        return m.group()

    def end_of_item(self, closer: str) -> None:
        """An attribute or block ends at a newline, a comment, the body's closer or EOF."""
        self.ws()
        if self.i >= self.n or self.peek() in ("\n", closer) or self.comment():
            return
        raise self.fail("more than one item on a line")

    # ------------------------------------------------------------------ structure

    def document(self) -> dict[str, Any]:
        body = self.body("")
        if self.i < self.n:
            raise self.fail("unexpected '}'")
        return body

    def body(self, closer: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        attrs: set[str] = set()
        while True:
            self.gap()
            if self.i >= self.n or self.peek() == closer:
                return out
            key = self.name()
            if key is None or key in _LITERALS:
                raise self.fail("expected an attribute or a block")
            self.ws()
            if self.peek() == "=" and not self.s.startswith(("==", "=>"), self.i):
                self.i += 1
                self.ws()
                if key in out:
                    raise self.fail(f"{key} defined twice")
                out[key] = self.expression().value
                attrs.add(key)
            else:
                if key in attrs:
                    raise self.fail(f"{key} is both an attribute and a block")
                out.setdefault(key, []).append(self.block())
            self.end_of_item(closer)

    def block(self) -> dict[str, Any]:
        labels: list[str] = []
        while self.peek() != "{":
            if self.peek() == '"':
                quoted = self.string()
                if "${" in quoted.value or "\\" in quoted.value:
                    raise self.fail("label with template or escape")
                labels.append(quoted.value)
            else:
                name = self.name()
                if name is None:
                    raise self.fail("expected a block label or '{'")
                labels.append(name)
            self.ws()
        self.i += 1
        body = self.body("}")
        self.expect("}")
        body[_BLOCK] = True
        result: dict[str, Any] = body
        for label in reversed(labels):
            result = {label: result}
        return result

    # ------------------------------------------------------------------ expressions

    def expression(self) -> _Expr:
        """``operand (op operand)* [? expression : expression]``, printed flat like hcl2."""
        parts = [self.unary()]
        while True:
            self.ws()
            op = self.operator()
            if op is None:
                break
            self.ws()
            parts.append(_Expr(None, op))
            parts.append(self.unary())
        if self.peek() == "?":
            self.i += 1
            self.ws()
            yes = self.expression()
            self.ws()
            self.expect(":")
            self.ws()
            no = self.expression()
            parts += [_Expr(None, "?"), yes, _Expr(None, ":"), no]
        if len(parts) == 1:
            return parts[0]
        return _wrap(" ".join(_text(p) for p in parts))

    def operator(self) -> str | None:
        s, i = self.s, self.i
        if s.startswith(("//", "/*"), i):
            return None
        for op in _OPERATORS:
            if s.startswith(op, i):
                if s.startswith("<<", i):
                    raise self.fail("heredoc after an operand")
                if op == "-" and s[i + 1 : i + 2].isdigit():
                    raise self.fail("'-' glued to a number")  # hcl2 may lex ``-1`` as a literal
                self.i += len(op)
                return op
        return None

    def unary(self) -> _Expr:
        ch = self.peek()
        if not ch or ch not in "-!":
            return self.postfix()
        self.i += 1
        self.ws()
        if self.peek() in "-!":
            raise self.fail("nested unary operator")
        operand = self.postfix()
        if ch == "-" and isinstance(operand.value, (int, float)) and not isinstance(operand.value, bool):
            return _Expr(-operand.value, "-" + _text(operand))
        return _wrap(ch + _text(operand))

    def postfix(self) -> _Expr:
        """A term with its attribute accesses, indexes and splats (``a.b[0][*].c``)."""
        term, traversable = self.term()
        pieces: list[str] = []
        while traversable:
            s, i = self.s, self.i
            if s.startswith((".*", "[*]"), i):
                piece = ".*" if s[i] == "." else "[*]"
                self.i += len(piece)
            elif s.startswith(".", i):
                self.i += 1
                m = _NAME.match(s, self.i) or _DIGITS.match(s, self.i)
                if m is None or m.group() in _KEYWORDS or m.group() in _LITERALS:
                    raise self.fail("unsupported attribute access")
                self.i = m.end()
                piece = "." + m.group()
            elif s.startswith("[", i):
                self.i += 1
                self.ws()
                index = self.expression()
                self.ws()
                self.expect("]")
                piece = "[" + _text(index) + "]"
            else:
                break
            pieces.append(piece)
        return _wrap(_text(term) + "".join(pieces)) if pieces else term

    def term(self) -> tuple[_Expr, bool]:
        """One term, and whether attribute access may follow it (names, calls, parentheses)."""
        ch = self.peek()
        if ch == '"':
            return self.string(), False
        if ch == "[":
            return self.tuple_(), False
        if ch == "{":
            return self.object_(), False
        if ch == "(":
            self.i += 1
            self.ws()
            inner = self.expression()
            self.ws()
            self.expect(")")
            if inner.value is None or isinstance(inner.value, (bool, dict, list)):
                # hcl2 prints these with Python's repr: ``(true)`` becomes ``${(True)}``
                raise self.fail("parenthesised literal")
            return _wrap("(" + _text(inner) + ")"), True
        if ch == "<" and self.s.startswith("<<", self.i):
            return self.heredoc(), False
        if ch.isdigit():
            m = _NUMBER.match(self.s, self.i)
            if m is None:
                raise self.fail("unsupported number")
            self.i = m.end()
            num: int | float = float(m.group()) if m.group(1) else int(m.group())
            return _Expr(num, str(num)), False
        name = self.name()
        if name is None or name in _KEYWORDS:
            raise self.fail("unsupported expression")
        if name in _LITERALS:
            return _Expr(_LITERALS[name], name), False
        if self.s.startswith("::", self.i):
            raise self.fail("provider function")
        if self.peek() == "(":
            return self.call(name), True
        return _Expr(name, name), True

    def call(self, name: str) -> _Expr:
        self.i += 1  # (
        args: list[str] = []
        self.gap()
        while self.peek() != ")":
            args.append(_text(self.expression()))
            self.gap()
            if self.peek() == ",":
                self.i += 1
                self.gap()
            elif self.peek() != ")":
                raise self.fail("expected ',' or ')'")  # also ``args...``
        self.i += 1
        return _wrap(f"{name}({', '.join(args)})")

    def tuple_(self) -> _Expr:
        self.i += 1  # [
        items: list[_Expr] = []
        self.gap()
        while self.peek() != "]":  # ``[for …]`` fails in term(): ``for`` is a keyword
            items.append(self.expression())
            self.gap()
            if self.peek() == ",":
                self.i += 1
                self.gap()
            elif self.peek() != "]":
                raise self.fail("expected ',' or ']'")
        self.i += 1
        text = "[" + ", ".join(_text(x) for x in items) + "]"
        return _Expr([x.value for x in items], text)

    def object_(self) -> _Expr:
        self.i += 1  # {
        value: dict[str, Any] = {}
        texts: list[str] = []
        self.gap()
        while self.peek() != "}":
            if self.peek() == '"':
                key = self.string()
                if "${" in key.value:
                    raise self.fail("templated object key")
                key_text = key.value
            else:
                name = self.name()
                if name is None or name == "for" or name in _LITERALS:
                    raise self.fail("unsupported object key")
                key_text = name
            self.ws()
            if self.peek() == ":" or (self.peek() == "=" and not self.s.startswith(("==", "=>"), self.i)):
                self.i += 1
            else:
                raise self.fail("expected '=' or ':'")
            self.ws()
            val = self.expression()
            value[key_text] = val.value
            texts.append(f"{key_text} = {_text(val)}")
            nl = self.gap()
            if self.peek() == ",":
                self.i += 1
                self.gap()
            elif self.peek() != "}" and not nl:
                raise self.fail("expected ',', a newline or '}'")
        self.i += 1
        return _Expr(value, "{" + ", ".join(texts) + "}")

    def string(self) -> _Expr:
        """A quoted template: literal text kept as written, interpolations re-printed."""
        s = self.s
        self.i += 1
        out = ['"']
        while True:
            m = _STRING_CHARS.match(s, self.i)
            if m is not None:
                out.append(m.group())
                self.i = m.end()
            ch = self.peek()
            if ch == '"':
                self.i += 1
                out.append('"')
                text = "".join(out)
                return _Expr(text, text)
            if ch == "$" and s.startswith("${", self.i) and not s.startswith("${~", self.i):
                self.i += 2
                self.ws()
                inner = self.expression()
                self.ws()
                if self.peek() != "}":
                    raise self.fail("expected '}' closing an interpolation")
                self.i += 1
                out.append("${" + _text(inner) + "}")
                continue
            raise self.fail("unsupported string content")  # %{, $${, newline, EOF, ${~

    def heredoc(self) -> _Expr:
        m = _HEREDOC.match(self.s, self.i)
        if m is None:
            raise self.fail("unsupported heredoc")
        trim, marker = m.group(1), m.group(2)
        # the first line that is the marker after blanks, as hcl2's lazy token pattern finds it
        close = re.compile(rf"^\s*{re.escape(marker)}\n", re.M).search(self.s, m.end())
        if close is None or "\r" in self.s[self.i : close.end()]:
            raise self.fail("unterminated heredoc")
        token = self.s[self.i : close.end()]
        self.i = close.end() - 1  # the newline ends the attribute
        # hcl2 keeps the heredoc as written: ``<<-`` drops the final newline (its
        # dedent never applies, the ``<<-EOT`` line has no indentation), ``<<`` strips
        raw = token[:-1] if trim else token.rstrip("\n\t ")
        return _Expr('"' + raw + '"', None)


def _text(expr: _Expr) -> str:
    if expr.text is None:
        raise Unsupported("heredoc inside an expression")
    return expr.text


def _wrap(text: str) -> _Expr:
    """An expression hcl2 gives as ``${text}`` at the top and as ``text`` inside."""
    return _Expr("${" + text + "}", text)
