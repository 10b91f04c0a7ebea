"""``[ … ]``, ``test …`` and ``[[ … ]]`` evaluated on the virtual tree and known values.

The answer is ``True``/``False`` when it is decidable and ``None`` when it depends on
something the simulation does not know (a symbolic value, ``=~``); the interpreter
then runs both branches.
"""

from __future__ import annotations

from validator.model.paths import normalize
from validator.simulate.vfs import VFS
from validator.simulate.words import Arg, pattern_match

FILE_TESTS = {"-e", "-a", "-f", "-d", "-s", "-r", "-w", "-x", "-L", "-h", "-O", "-G", "-p", "-S", "-b", "-c"}


def evaluate(args: list[Arg], vfs: VFS, cwd: str, double: bool = False) -> bool | None:
    """Evaluate the operands of a test (without the brackets)."""
    return _Eval(args, vfs, cwd, double).run()


class _Eval:
    def __init__(self, args: list[Arg], vfs: VFS, cwd: str, double: bool) -> None:
        self.args = args
        self.vfs = vfs
        self.cwd = cwd
        self.double = double
        self.pos = 0

    def run(self) -> bool | None:
        if not self.args:
            return False
        try:
            result = self._or()
        except IndexError:
            return None
        return result if self.pos == len(self.args) else None

    def _peek(self) -> str | None:
        return self.args[self.pos].text if self.pos < len(self.args) else None

    def _or(self) -> bool | None:
        left = self._and()
        while self._peek() in ("-o", "||"):
            self.pos += 1
            right = self._and()
            left = True if (left is True or right is True) else (None if None in (left, right) else False)
        return left

    def _and(self) -> bool | None:
        left = self._not()
        while self._peek() in ("-a", "&&"):
            self.pos += 1
            right = self._not()
            left = False if (left is False or right is False) else (None if None in (left, right) else True)
        return left

    def _not(self) -> bool | None:
        if self._peek() == "!" and self.pos + 1 < len(self.args):
            self.pos += 1
            value = self._not()
            return None if value is None else not value
        return self._primary()

    def _primary(self) -> bool | None:
        tok = self.args[self.pos]
        if tok.text == "(":
            self.pos += 1
            value = self._or()
            if self._peek() == ")":
                self.pos += 1
            return value
        nxt = self.args[self.pos + 1] if self.pos + 1 < len(self.args) else None
        third = self.args[self.pos + 2] if self.pos + 2 < len(self.args) else None
        if nxt is not None and third is not None and _is_binary(nxt.text):
            self.pos += 3
            return self._binary(tok, nxt.text, third)
        if nxt is not None and tok.text.startswith("-") and len(tok.text) == 2:
            self.pos += 2
            return self._unary(tok.text, nxt)
        self.pos += 1
        return None if tok.symbolic else tok.text != ""

    def _unary(self, op: str, operand: Arg) -> bool | None:
        if op == "-z":
            return None if operand.symbolic else operand.text == ""
        if op == "-n":
            return None if operand.symbolic else operand.text != ""
        if op in FILE_TESTS:
            if operand.symbolic or operand.text == "":
                return None if operand.symbolic else False
            path = normalize(operand.text, self.cwd)
            if op == "-f":
                return self.vfs.is_file(path)
            if op == "-d":
                return self.vfs.is_dir(path)
            if op in ("-e", "-a", "-s", "-r", "-w"):
                return self.vfs.exists(path)
            return None
        return None

    def _binary(self, left: Arg, op: str, right: Arg) -> bool | None:
        if left.symbolic or right.symbolic:
            return None
        if op in ("=", "=="):
            return pattern_match(right.text, left.text) if self.double else left.text == right.text
        if op == "!=":
            return not pattern_match(right.text, left.text) if self.double else left.text != right.text
        if op in ("-eq", "-ne", "-lt", "-le", "-gt", "-ge"):
            try:
                a, b = int(left.text), int(right.text)
            except ValueError:
                return None
            return {"-eq": a == b, "-ne": a != b, "-lt": a < b, "-le": a <= b, "-gt": a > b, "-ge": a >= b}[op]
        if op in ("-nt", "-ot", "-ef", "=~", "<", ">"):
            return None
        return None


def _is_binary(op: str) -> bool:
    return op in ("=", "==", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef", "=~", "<", ">")
