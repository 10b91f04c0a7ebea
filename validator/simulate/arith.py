"""Static ``$(( ))`` arithmetic: bash's signed 64-bit integers and operators."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from validator.simulate.scan import is_name, name_len

__all__ = ["Arith", "ArithError", "decimal", "parse_int_literal", "wrap"]


def wrap(v: int) -> int:
    """Bash arithmetic is signed 64-bit."""
    v &= (1 << 64) - 1
    return v - (1 << 64) if v >= 1 << 63 else v


class ArithError(Exception):
    """The expression cannot be evaluated statically."""


class Arith:
    """A small precedence-climbing evaluator for ``$(( ))``: integers, known variables,
    ``+ - * / % **``, comparisons, ``&& ||``, ``! ~``, parentheses and ``?:``."""

    _BINARY: ClassVar[dict[str, int]] = {
        "||": 1, "&&": 2, "|": 3, "^": 4, "&": 5, "==": 6, "!=": 6,
        "<": 7, ">": 7, "<=": 7, ">=": 7, "<<": 8, ">>": 8,
        "+": 9, "-": 9, "*": 10, "/": 10, "%": 10, "**": 11,
    }  # fmt: skip

    def __init__(self, text: str, lookup: Callable[[str], int]) -> None:
        self.toks = self._tokenize(text)
        self.pos = 0
        self.lookup = lookup

    @staticmethod
    def _tokenize(text: str) -> list[str]:
        toks: list[str] = []
        i, n = 0, len(text)
        while i < n:
            c = text[i]
            if c.isspace():
                i += 1
            elif (c.isascii() and c.isalnum()) or c == "_":
                j = i + max(1, name_len(text, i))
                if c.isdigit() and j < n and text[j] == "#":  # base#digits
                    j += 1 + name_len(text, j + 1)
                toks.append(text[i:j])
                i = j
            elif text[i : i + 2] in ("**", "<=", ">=", "==", "!=", "&&", "||", "<<", ">>"):
                toks.append(text[i : i + 2])
                i += 2
            elif c in "+-*/%()<>!~?:&|^":
                if i + 1 < n and text[i + 1] == "=" and c not in "<>!":
                    raise ArithError("assignment")
                if text[i : i + 2] in ("++", "--"):
                    raise ArithError("increment")
                toks.append(c)
                i += 1
            else:
                raise ArithError(f"unexpected {c!r}")
        return toks

    def _peek(self) -> str | None:
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def _next(self) -> str:
        tok = self._peek()
        if tok is None:
            raise ArithError("unexpected end")
        self.pos += 1
        return tok

    def evaluate(self) -> int:
        if not self.toks:
            return 0
        v = self._ternary()
        if self._peek() is not None:
            raise ArithError("trailing tokens")
        return v

    def _ternary(self) -> int:
        cond = self._binary(1)
        if self._peek() != "?":
            return cond
        self._next()
        a = self._ternary()
        if self._next() != ":":
            raise ArithError("expected ':'")
        b = self._ternary()
        return a if cond else b

    def _binary(self, min_prec: int) -> int:
        left = self._unary()
        while True:
            op = self._peek()
            prec = self._BINARY.get(op or "")
            if op is None or prec is None or prec < min_prec:
                return left
            self._next()
            right = self._binary(prec if op == "**" else prec + 1)
            left = wrap(self._apply(op, left, right))

    @staticmethod
    def _apply(op: str, a: int, b: int) -> int:
        if op in ("/", "%"):
            if b == 0:
                raise ArithError("division by zero")
            q = abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1)
            return q if op == "/" else a - q * b
        if op == "**":
            if b < 0:
                raise ArithError("negative exponent")
            return pow(a, b, 1 << 64)
        if op in ("<<", ">>"):
            b &= 63
            return a << b if op == "<<" else a >> b
        table: dict[str, Callable[[int, int], int]] = {
            "+": lambda x, y: x + y, "-": lambda x, y: x - y, "*": lambda x, y: x * y,
            "<": lambda x, y: int(x < y), ">": lambda x, y: int(x > y),
            "<=": lambda x, y: int(x <= y), ">=": lambda x, y: int(x >= y),
            "==": lambda x, y: int(x == y), "!=": lambda x, y: int(x != y),
            "&&": lambda x, y: int(bool(x) and bool(y)), "||": lambda x, y: int(bool(x) or bool(y)),
            "&": lambda x, y: x & y, "|": lambda x, y: x | y, "^": lambda x, y: x ^ y,
        }  # fmt: skip
        return table[op](a, b)

    def _unary(self) -> int:
        tok = self._next()
        if tok in ("-", "+", "!", "~"):
            v = self._unary()
            return wrap({"-": -v, "+": v, "!": int(not v), "~": ~v}[tok])
        if tok == "(":
            v = self._ternary()
            if self._next() != ")":
                raise ArithError("expected ')'")
            return v
        return self._atom(tok)

    def _atom(self, tok: str) -> int:
        if tok[0].isdigit():
            return parse_int_literal(tok)
        if is_name(tok):
            return self.lookup(tok)
        raise ArithError(f"unexpected {tok!r}")


def parse_int_literal(tok: str) -> int:
    try:
        if "#" in tok:
            base_s, digits = tok.split("#", 1)
            base = int(base_s)
            if not 2 <= base <= 36:
                raise ArithError("bad base")
            return wrap(int(digits, base))
        if tok.lower().startswith("0x"):
            return wrap(int(tok[2:], 16))
        if len(tok) > 1 and tok.startswith("0"):
            return wrap(int(tok, 8))
        return wrap(int(tok))
    except ValueError as exc:
        raise ArithError(f"bad number {tok!r}") from exc


def decimal(s: str) -> int | None:
    """A plain signed decimal of up to 18 digits (brace sequences, ``printf %d``); None
    for anything else."""
    t = s[1:] if s[:1] in "+-" else s
    if not t or not t.isascii() or not t.isdigit() or len(t) > 18:
        return None
    return int(s)
