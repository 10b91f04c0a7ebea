"""Turns IR words into command arguments, using ``validator.simulate.expand``.

Word expansion itself (quotes, ``$VAR``, ``${VAR:-x}``, braces, globs) is the job of
``expand``; this module binds it to the simulator's shell state and virtual tree so
commands only ever see ``Arg`` (an expanded field: text, and whether part of it is an
unknown value kept symbolically, as in ``build/${SHA}``).
"""

from __future__ import annotations

from validator.simulate.expand import Field, Value, expand_single, expand_words, has_glob, pattern_match
from validator.simulate.state import ShellState
from validator.simulate.vfs import VFS
from validator.syntax.shell.ir import Word

Arg = Field

__all__ = ["Arg", "arg", "expand_args", "expand_one", "has_glob", "pattern_match", "to_value"]


def arg(text: str, symbolic: bool = False) -> Arg:
    return Field(text, symbolic, False)


def expand_args(words: list[Word], state: ShellState, vfs: VFS) -> list[Arg]:
    """Full expansion of command words (splitting and globbing against the virtual tree)."""
    return expand_words([w.text for w in words], state, vfs, state.cwd)


def expand_one(word: Word | str, state: ShellState, vfs: VFS) -> Arg:
    """One word without splitting or globbing (assignments, ``case`` subjects, redirections)."""
    text = word.text if isinstance(word, Word) else word
    return expand_single(text, state, vfs, state.cwd)


def to_value(a: Arg) -> Value:
    return Value(a.text, a.symbolic)
