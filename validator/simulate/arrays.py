"""Bash indexed-array assignments: ``A=(a "b c" $X src/*)``, ``A+=(x)``, ``A[2]=v``.

The front end keeps an array literal as the raw value text ``(a "b c")``; its elements
are expanded here like command words (quotes, variables, globs against the virtual
tree), so that ``for fn in "${A[@]}"`` iterates over what bash would.  Associative
arrays (``declare -A``) are not modelled: they stay one symbolic value, so whatever
reads them stays symbolic too instead of guessing.
"""

from __future__ import annotations

import re

from validator.simulate.expand import DirLister, Value, Vars, expand_single, expand_words, render_unknown
from validator.simulate.scan import subscript_end, word_end

__all__ = ["assign_element", "assign_literal", "element_assignment", "is_literal", "literal_words", "unknown"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_KEYED = re.compile(r"\[([^\]]*)\](\+?)=(.*)", re.S)


def element_assignment(word: str) -> tuple[str, str, bool, str] | None:
    """``A[2]=v`` / ``A[${#A[@]}]+=v`` written as a command word: (name, subscript,
    append, raw value); None for any other word."""
    m = _NAME.match(word)
    if m is None or word[m.end() : m.end() + 1] != "[":
        return None
    close = subscript_end(word[m.end() :])
    if close < 0:
        return None
    rest = word[m.end() + close + 1 :]
    append = rest.startswith("+=")
    if not (append or rest.startswith("=")):
        return None
    return m.group(0), word[m.end() + 1 : m.end() + close], append, rest[2 if append else 1 :]


def is_literal(raw: str) -> bool:
    """Whether an assignment's raw value is an array literal ``( … )``."""
    return len(raw) >= 2 and raw[0] == "(" and raw[-1] == ")"


def unknown(name: str) -> Value:
    """An array whose elements are not known statically; it renders by its name."""
    return Value(render_unknown(name), True)


def literal_words(body: str) -> list[str]:
    """The raw element words between the parentheses of an array literal."""
    words: list[str] = []
    i = 0
    while i < len(body):
        if body[i] == "#":  # a comment runs to the end of its line
            nl = body.find("\n", i)
            i = len(body) if nl < 0 else nl
        elif body[i] in " \t\n":
            i += 1
        else:
            end = word_end(body, i, " \t\n")
            words.append(body[i:end])
            i = end
    return words


def _index(sub: str, vars: Vars, fs: DirLister | None, cwd: str) -> int | None:
    """An indexed-array subscript is arithmetic (``A[i+1]``); None when unknown."""
    field = expand_single("$((" + sub + "))", vars, fs, cwd)
    if field.symbolic:
        return None
    try:
        return int(field.text)
    except ValueError:
        return None


def _build(name: str, elements: dict[int, Value]) -> Value:
    keys = sorted(elements)
    if keys and keys[0] < 0:
        return unknown(name)
    return Value.array([elements[k] for k in keys], keys)


def _start(name: str, old: Value | None, append: bool) -> dict[int, Value] | None:
    if old is None or not append:
        return {}
    if old.symbolic and old.items is None:
        return None
    return dict(old.elements())


def assign_literal(name: str, raw: str, old: Value | None, append: bool,
                   vars: Vars, fs: DirLister | None, cwd: str) -> Value:
    """The value of ``name=(…)`` or ``name+=(…)``."""
    elements = _start(name, old, append)
    if elements is None:
        return unknown(name)
    nxt = max(elements) + 1 if elements else 0
    for word in literal_words(raw[1:-1]):
        keyed = _KEYED.fullmatch(word)
        if keyed is not None:
            idx = _index(keyed.group(1), vars, fs, cwd)
            if idx is None:
                return unknown(name)
            field = expand_single(keyed.group(3), vars, fs, cwd)
            value = Value(field.text, field.symbolic)
            if keyed.group(2) and idx in elements:
                old_el = elements[idx]
                value = Value(old_el.text + value.text, old_el.symbolic or value.symbolic)
            elements[idx] = value
            nxt = idx + 1
            continue
        for field in expand_words([word], vars, fs, cwd):  # type: ignore[arg-type]
            elements[nxt] = Value(field.text, field.symbolic)
            nxt += 1
    return _build(name, elements)


def assign_element(name: str, sub: str, raw: str, append: bool, old: Value | None,
                   vars: Vars, fs: DirLister | None, cwd: str) -> Value:
    """The value of ``name`` after ``name[sub]=raw`` (or ``+=``)."""
    if old is not None and old.symbolic and old.items is None:
        return old  # an associative or unknown array stays unknown
    elements = dict(old.elements()) if old is not None else {}
    idx = _index(sub, vars, fs, cwd)
    if idx is not None and idx < 0:
        idx += max(elements) + 1 if elements else 0
    if idx is None or idx < 0:
        return unknown(name)
    field = expand_single(raw, vars, fs, cwd)
    value = Value(field.text, field.symbolic)
    if append and idx in elements:
        value = Value(elements[idx].text + value.text, elements[idx].symbolic or value.symbolic)
    elements[idx] = value
    return _build(name, elements)
