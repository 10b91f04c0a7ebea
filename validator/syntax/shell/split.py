"""Split a token list into top-level statements, following compound nesting.

Statements end at a newline, ``;`` or ``&`` outside any ``if``/loop/``case``/``{ }``/
``( )``.  A line ending in ``&&``, ``||`` or ``|`` continues on the next line.  Each
statement is then parsed on its own, so one unreadable statement cannot take the rest
of the script with it.
"""

from __future__ import annotations

from validator.syntax.shell.lex import Token

_OPENERS = {"if": "if", "for": "loop", "while": "loop", "until": "loop", "select": "loop",
            "case": "case-word", "{": "{"}  # fmt: skip
_CLOSERS = {"fi": "if", "done": "loop", "}": "{"}
_CASE_TERMINATORS = frozenset({";;", ";&", ";;&"})
_CONTINUATIONS = frozenset({"&&", "||", "|", "|&"})
_NESTING_OPS = frozenset({"(", ")"})
_ENDS = frozenset({";", "&"})
_NESTING_WORDS = frozenset({*_OPENERS, *_CLOSERS, "esac"})


def depths(tokens: list[Token]) -> list[int]:
    """The nesting depth in front of each token (0 = top level of ``tokens``)."""
    if not any(map(_nests, tokens)):
        return [0] * len(tokens)
    stack: list[str] = []
    result: list[int] = []
    for token in tokens:
        result.append(len(stack))
        if stack or _nests(token):
            _step(stack, token)
    return result


def _nests(token: Token) -> bool:
    """Whether ``token`` can open or close a nesting level (most tokens cannot)."""
    if token.kind == "op":
        return token.value in _NESTING_OPS
    return token.command_position and token.value in _NESTING_WORDS


def _pop_to(stack: list[str], kind: str) -> None:
    if kind in stack:
        while stack and stack.pop() != kind:
            pass


def _step(stack: list[str], token: Token) -> None:
    top = stack[-1] if stack else None
    if top == "case-word":
        if token.kind == "word" and token.value == "in":
            stack[-1] = "case-pattern"
        return
    if top == "case-pattern":
        if token.kind == "word" and token.value == "esac":
            stack.pop()
        elif token.is_op(")"):
            stack[-1] = "case-body"
        return
    if token.kind == "op":
        if token.value == "(":
            stack.append("(")
        elif token.value == ")":
            _pop_to(stack, "(")
        elif token.value in _CASE_TERMINATORS and top == "case-body":
            stack[-1] = "case-pattern"
        return
    if token.kind != "word" or not token.command_position:
        return
    if token.value in _OPENERS:
        stack.append(_OPENERS[token.value])
    elif token.value in _CLOSERS:
        _pop_to(stack, _CLOSERS[token.value])
    elif token.value == "esac" and top == "case-body":
        stack.pop()


def split(tokens: list[Token]) -> list[list[Token]]:
    """Top-level statements of ``tokens``; a trailing ``&`` stays with its statement."""
    statements: list[list[Token]] = []
    current: list[Token] = []
    stack: list[str] = []
    for token in tokens:
        at_top = not stack
        if stack or _nests(token):
            _step(stack, token)  # with an empty stack only nesting tokens change it
        kind = token.kind
        if kind == "newline":
            if at_top:
                if current and current[-1].is_op(*_CONTINUATIONS):
                    continue
                if current:
                    statements.append(current)
                current = []
                continue
            if not current:
                continue
        elif at_top and kind == "op" and token.value in _ENDS:
            if token.value == "&":
                current.append(token)
            if current:
                statements.append(current)
            current = []
            continue
        current.append(token)
    if current:
        statements.append(current)
    return statements
