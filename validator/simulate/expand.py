"""Static bash word expansion.

The simulator needs to know what a word such as ``"$BUILD_DIR"/src/{lib,shared}`` or
``src/lambdas/${FN}/*`` means before it can model ``cp``/``zip``.  This module performs
bash's expansions in bash's order (brace, tilde, parameter / command / arithmetic,
word splitting, pathname expansion, quote removal) without running anything: variables
come from a ``Vars`` binding, globs are matched against a ``DirLister`` (the virtual
tree), and only a handful of pure commands (``pwd``, ``basename``, ``dirname``,
``echo``, ``printf``, ``realpath``; ``ls``/``find``/``cat`` on the tree in ``listing``)
are evaluated inside ``$( )``.  Indexed arrays are ``Value.items``.  Whatever cannot be
known stays *symbolic*: it renders the way it was written (``${SHA:0:7}``,
``$(git rev-parse HEAD)``) so package names such as ``ingestion-${SHA}.zip`` stay
readable and the analysis can go on.

Every function here is total: malformed input gives a best-effort literal result,
never an exception, and all matching is polynomial (no backtracking regexes).

This module walks a word; the stages live beside it: ``braces`` (brace expansion),
``params`` (``${…}`` operators), ``arith`` (``$(( ))``), ``purecmds`` (``$( )``),
``patterns`` (matching and pathname expansion), with ``scan`` finding where quoted
and nested constructs end.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from validator.simulate.arith import ArithError
from validator.simulate.braces import brace_expand
from validator.simulate.escapes import ansi_c, unescape_backquote
from validator.simulate.expchars import Ch, Item, Mark, as_pattern, chars_of, is_symbolic, literal
from validator.simulate.params import SPECIAL_PARAMS, ParameterExpansion, all_elements
from validator.simulate.patterns import glob_match, glob_paths, has_wildcards, join_path, pattern_match
from validator.simulate.purecmds import command_list, run_pure
from validator.simulate.scan import matching_close, name_len, skip_backquote, skip_dquote, skip_squote
from validator.simulate.values import (
    MAX_DEPTH,
    MAX_GLOB_RESULTS,
    DirLister,
    Field,
    Value,
    Vars,
    render_unknown,
)

__all__ = [
    "DirLister",
    "Field",
    "Value",
    "Vars",
    "brace_expand",
    "expand_pattern",
    "expand_single",
    "expand_words",
    "glob_match",
    "has_glob",
    "pattern_match",
    "render_unknown",
]

HOME = "/home/runner"
#: characters that give a word any expansion; a word without them is one literal field
_ACTIVE = frozenset("$`\\'\"{~*?[")
#: characters that make a word more than a literal (with or without wildcards)
_UNQUOTED_LITERAL = frozenset("$`\\'\"{}~")


@cache
def _quick_dq() -> re.Pattern[str]:
    """A double-quoted word of literal text, ``$NAME``, ``${NAME}`` and ``${#NAME[@]}``."""
    return re.compile(r'"(?:[^"$\\`{}]|\$[A-Za-z_]\w*|\$\{(?:[A-Za-z_]\w*|#[A-Za-z_]\w*\[@\])\})*"', re.ASCII)


class _Expander(ParameterExpansion):
    """Expansion state for one call: bindings, tree, cwd and a nesting budget."""

    def __init__(self, vars: Vars, fs: DirLister | None, cwd: str, depth: int = 0) -> None:
        self.vars = vars
        self.fs = fs
        self.cwd = cwd or "/"
        self.depth = depth

    def nested(self) -> _Expander:
        return _Expander(self.vars, self.fs, self.cwd, self.depth + 1)

    # -- word parsing -----------------------------------------------------------------

    def parse(self, s: str, mode: str) -> list[Item]:
        """Expand the raw text ``s``.  ``mode``: ``u`` unquoted, ``d`` inside double quotes,
        ``o`` an operand of ``${X:-…}`` inside double quotes (nested ``"`` re-quote,
        ``'`` is literal)."""
        out: list[Item] = []
        dq = mode != "u"
        n = len(s)
        i = 0
        while i < n:
            c = s[i]
            if c == "\\":
                if i + 1 >= n:
                    out.append(Ch("\\", quoted=True))
                    i += 1
                elif s[i + 1] == "\n":
                    i += 2
                elif mode == "u" or s[i + 1] in '$`"\\':
                    out.append(Ch(s[i + 1], quoted=True))
                    i += 2
                else:
                    out.append(Ch("\\", quoted=True))
                    i += 1
            elif c == "'" and mode == "u":
                j = skip_squote(s, i)
                out.append(Mark.ALIVE)
                out += literal(s[i + 1 : j], quoted=True)
                i = j + 1
            elif c == '"' and mode in ("u", "o"):
                j = skip_dquote(s, i)
                body = s[i + 1 : j]
                if body not in ("$@", "${@}") and not all_elements(body):
                    out.append(Mark.ALIVE)
                out += self.parse(body, "d")
                i = j + 1
            elif c == "$":
                items, i = self._dollar(s, i, mode)
                out += items
            elif c == "`":
                j = skip_backquote(s, i)
                body = unescape_backquote(s[i + 1 : j])
                out += self._command(body, dq)
                i = j + 1
            else:
                out.append(Ch(c, dq, False, False))
                i += 1
        return out

    def _dollar(self, s: str, i: int, mode: str) -> tuple[list[Item], int]:
        n = len(s)
        dq = mode != "u"
        nxt = s[i + 1] if i + 1 < n else ""
        if nxt == "'" and mode == "u":
            j = skip_squote(s, i + 1)
            return [Mark.ALIVE, *literal(ansi_c(s[i + 2 : j]), quoted=True)], j + 1
        if nxt == '"' and mode == "u":
            return self._dq_at(s, i + 1), skip_dquote(s, i + 1) + 1
        if nxt == "(":
            close = matching_close(s, i + 1)
            if close >= n:
                return literal(s[i:], quoted=dq), n
            if s[i + 2 : i + 3] == "(" and s[close - 1] == ")" and matching_close(s, i + 2) == close - 1:
                return self._arith(s[i + 3 : close - 1], s[i : close + 1], dq), close + 1
            return self._command(s[i + 2 : close], dq), close + 1
        if nxt == "[":  # deprecated $[ expr ] arithmetic
            close = s.find("]", i + 2)
            if close < 0:
                return literal(s[i:], quoted=dq), n
            return self._arith(s[i + 2 : close], s[i : close + 1], dq), close + 1
        if nxt == "{":
            close = matching_close(s, i + 1)
            if close >= n:
                return literal(s[i:], quoted=dq), n
            return self._braced(s[i + 2 : close], dq), close + 1
        if nxt and ((nxt.isascii() and nxt.isalpha()) or nxt == "_"):
            k = name_len(s, i + 1)
            return self._simple(s[i + 1 : i + 1 + k], dq), i + 1 + k
        if nxt and (nxt.isdigit() or nxt in SPECIAL_PARAMS):
            return self._simple(nxt, dq), i + 2
        return [Ch("$", quoted=dq)], i + 1

    def _dq_at(self, s: str, i: int) -> list[Item]:
        j = skip_dquote(s, i)
        return [Mark.ALIVE, *self.parse(s[i + 1 : j], "d")]

    # -- arithmetic -------------------------------------------------------------------

    def _arith(self, expr: str, raw: str, dq: bool) -> list[Item]:
        if self.depth >= MAX_DEPTH:
            return chars_of(raw, dq=dq, symbolic=True)
        try:
            return chars_of(str(self._arith_value(expr)), dq=dq)
        except (ArithError, RecursionError, IndexError):
            return chars_of(raw, dq=dq, symbolic=True)

    # -- command substitution ---------------------------------------------------------

    def _command(self, body: str, dq: bool) -> list[Item]:
        raw = "$(" + body + ")"
        if self.depth >= MAX_DEPTH:
            return chars_of(raw, dq=dq, symbolic=True)
        result = self._run_list(body)
        if result is None:
            return chars_of(raw, dq=dq, symbolic=True)
        text, symbolic = result
        text = text.rstrip("\n")
        if symbolic and "$" not in text:
            symbolic = False
        return chars_of(text, dq=dq, symbolic=symbolic)

    def _run_list(self, body: str) -> tuple[str, bool] | None:
        """Output of ``a; b && c | d`` made of pure commands, ``cd`` (``$(cd "$d" && pwd)``
        is a common idiom) and text filters after a pipe; None when any part is not
        modelled."""
        commands = command_list(body)
        if not commands:
            return None
        cwd = self.cwd
        out: list[str] = []
        symbolic = False
        for pipeline in commands:
            sub = _Expander(self.vars, self.fs, cwd, self.depth + 1)
            fields = sub.fields(pipeline[0], nullglob=False)
            if fields and fields[0].text == "cd" and not fields[0].symbolic:
                target = fields[1:] or [Field(HOME, False, False)]
                if len(target) != 1 or target[0].symbolic or target[0].text.startswith("-") or len(pipeline) > 1:
                    return None
                cwd = join_path(cwd, target[0].text)
                continue
            result = run_pure(fields, cwd)
            if result is None and self.fs is not None and fields and not any(f.symbolic for f in fields):
                from validator.simulate import listing  # ls/find/cat read the tree; loaded on first use

                listed = listing.run([f.text for f in fields], cwd, self.fs)
                result = None if listed is None else (listed, False)
            if result is None:
                return None
            text, text_symbolic = result
            for stage in pipeline[1:]:
                words = sub.fields(stage, nullglob=False)
                if text_symbolic or any(w.symbolic for w in words):
                    return None  # a filter of a value not known statically: unknown
                from validator.simulate.filters import run_filter

                filtered = run_filter([w.text for w in words], text)
                if filtered is None:
                    return None
                text = filtered
            out.append(text)
            symbolic = symbolic or text_symbolic
        return "".join(out), symbolic

    # -- fields -----------------------------------------------------------------------

    def word_items(self, word: str, mode: str = "u") -> list[Item]:
        """Tilde expansion, then parameter/command/arithmetic expansion of one raw word."""
        if word.startswith("~"):
            ends = [k for k in (word.find("/"), word.find(":")) if k >= 0]
            end = min(ends) if ends else -1
            prefix = word[1:] if end < 0 else word[1:end]
            home = self._lookup("HOME")
            expansions = {"": home.text if home and not home.symbolic else HOME, "+": self.cwd}
            if prefix in expansions:
                rest = "" if end < 0 else word[end:]
                home_chars: list[Item] = [Ch(c) for c in expansions[prefix]]
                return [*home_chars, *self.parse(rest, mode)]
        return self.parse(word, mode)

    def fields(self, words: Sequence[str], *, nullglob: bool) -> list[Field]:
        out: list[Field] = []
        for word in words:
            if word and _ACTIVE.isdisjoint(word):  # most words: skip the per-character work
                out.append(Field(word, False, False))
                if len(out) > MAX_GLOB_RESULTS:
                    return out
                continue
            for braced in brace_expand(word):
                quick = self._quick(braced, nullglob)
                if quick is not None:
                    out += quick
                    if len(out) > MAX_GLOB_RESULTS:
                        return out
                    continue
                for chars, alive in _split(self.word_items(braced), self._ifs()):
                    out += self._glob(chars, alive, nullglob)
                    if len(out) > MAX_GLOB_RESULTS:
                        return out
        return out

    def _quick(self, word: str, nullglob: bool) -> list[Field] | None:
        """The fields of the commonest word shapes without the per-character work, exactly
        as the general path gives them; None for any other shape."""
        first = word[:1]
        if first == "'":
            if len(word) > 1 and word[-1] == "'" and word.count("'") == 2:
                return [Field(word[1:-1], False, True)]  # all quoted: no splitting, no globbing
            return None
        if first == '"':
            if not _quick_dq().fullmatch(word):
                return None
            return self._quick_dq(word[1:-1])
        if word and _UNQUOTED_LITERAL.isdisjoint(word):
            # a literal with wildcards: one unquoted field, then pathname expansion
            literal_field = [Field(word, False, False)]
            if self.fs is None or not has_wildcards(word):
                return literal_field
            matches = glob_paths(word, self.fs, self.cwd)
            if not matches:
                return [] if nullglob else literal_field
            return [Field(m, False, False) for m in matches]
        return None

    def _quick_dq(self, body: str) -> list[Field] | None:
        """``"literal $NAME ${NAME} ${#NAME[@]}"``: one quoted field (quoted characters
        never split nor glob); None when an expansion gives anything but quoted characters."""
        parts: list[str] = []
        symbolic = False
        i = 0
        n = len(body)
        while i < n:
            k = body.find("$", i)
            if k < 0:
                parts.append(body[i:])
                break
            parts.append(body[i:k])
            if body[k + 1] == "{":
                close = body.index("}", k)
                inner = body[k + 2 : close]
                i = close + 1
                if inner[0] == "#" or self.depth >= MAX_DEPTH:
                    items = self._braced(inner, True)
                else:  # ${NAME} is $NAME
                    symbolic = self._quick_name(inner, parts) or symbolic
                    continue
            else:
                i = k + 1 + name_len(body, k + 1)
                symbolic = self._quick_name(body[k + 1 : i], parts) or symbolic
                continue
            for it in items:
                if type(it) is not Ch or not it.quoted or it.split:
                    return None
                symbolic = symbolic or it.symbolic
            parts.append("".join([it.c for it in items]))  # type: ignore[union-attr]
        return [Field("".join(parts), symbolic, True)]

    def _quick_name(self, name: str, parts: list[str]) -> bool:
        """``"$NAME"`` as ``_simple(name, dq=True)`` gives it: its text appended to ``parts``;
        whether a character of it is symbolic."""
        v = self._lookup(name)
        if v is None:
            parts.append(render_unknown(name))
            return True
        parts.append(v.text)
        return v.symbolic and v.text != ""

    def _glob(self, chars: list[Ch], alive: bool, nullglob: bool) -> list[Field]:
        text = "".join(ch.c for ch in chars)
        symbolic = any(ch.symbolic for ch in chars)
        quoted = alive or any(ch.quoted for ch in chars)
        literal = [Field(text, symbolic, quoted)]
        if symbolic or self.fs is None:
            return literal
        pattern = as_pattern(chars)
        if not has_wildcards(pattern):
            return literal
        matches = glob_paths(pattern, self.fs, self.cwd)
        if not matches:
            return [] if nullglob else literal
        return [Field(m, False, quoted) for m in matches]


def _split(items: list[Item], ifs: str) -> list[tuple[list[Ch], bool]]:
    """Word splitting: (characters, survives-even-if-empty) per field."""
    ws = {c for c in ifs if c in " \t\n"}
    nws = {c for c in ifs if c not in " \t\n"}
    fields: list[tuple[list[Ch], bool]] = []
    cur: list[Ch] = []
    alive = False
    after_ws = False

    def flush(force: bool) -> None:
        nonlocal cur, alive
        if cur or alive or force:
            fields.append((cur, alive))
        cur, alive = [], False

    alive_mark = Mark.ALIVE  # enum member lookups are slow; this loop runs per character
    for it in items:
        if type(it) is Ch:
            if it.split and it.c in ws:
                if cur or alive:
                    flush(False)
                    after_ws = True
            elif it.split and it.c in nws:
                if not (after_ws and not cur and not alive):
                    flush(True)
                after_ws = False
            else:
                cur.append(it)
                after_ws = False
        elif it is alive_mark:
            alive = True
            after_ws = False
        else:  # HARD or SOFT
            flush(False)
            after_ws = True
    flush(False)
    return fields


# ---------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------


class _NoVars:
    def lookup(self, name: str) -> Value | None:
        return None

    @property
    def positional(self) -> list[Value]:
        return []


def expand_words(
    words: Sequence[str], vars: Vars, fs: DirLister, cwd: str, *, nullglob: bool = False
) -> list[Field]:
    """Full bash expansion of command words into fields."""
    try:
        return _Expander(vars, fs, cwd).fields(words, nullglob=nullglob)
    except (RecursionError, ValueError, IndexError, KeyError, TypeError, OverflowError):
        # a last resort so that one odd word never stops the analysis
        return [Field(w, True, False) for w in words]


def expand_single(word: str, vars: Vars, fs: DirLister | None = None, cwd: str = "/") -> Field:
    """Expansion without splitting or globbing (assignment values, redirect targets, case
    words, quoted test operands)."""
    if _ACTIVE.isdisjoint(word):
        return Field(word, False, False)
    try:
        expander = _Expander(vars, fs, cwd)
        if word[:1] == '"' and _quick_dq().fullmatch(word):
            quick = expander._quick_dq(word[1:-1])
            if quick is not None:
                return quick[0]
        items = expander.word_items(word)
    except (RecursionError, ValueError, IndexError, KeyError, TypeError, OverflowError):
        return Field(word, True, False)
    chars: list[str] = []
    symbolic = quoted = False
    for it in items:
        if it is Mark.ALIVE:
            quoted = True
        elif it is Mark.HARD or it is Mark.SOFT:
            chars.append(" ")
        elif isinstance(it, Ch):
            chars.append(it.c)
            symbolic = symbolic or it.symbolic
            quoted = quoted or it.quoted
    return Field("".join(chars), symbolic, quoted)


def expand_pattern(word: str, vars: Vars, fs: DirLister | None = None, cwd: str = "/") -> tuple[str, bool]:
    """A ``case`` / ``[[ == ]]`` pattern word as (pattern for ``pattern_match``, symbolic):
    its quoted characters are escaped so that they match literally."""
    try:
        items = _Expander(vars, fs, cwd).word_items(word)
    except (RecursionError, ValueError, IndexError, KeyError, TypeError, OverflowError):
        return word, True
    return as_pattern(items), is_symbolic(items)


def has_glob(word: str) -> bool:
    """Whether the word has an unquoted ``*``, ``?`` or ``[…]`` outside expansions."""
    try:
        exp = _Expander(_NoVars(), None, "/")
        for braced in brace_expand(word):
            items = [it for it in exp.word_items(braced) if isinstance(it, Ch) and not it.split]
            if has_wildcards(as_pattern(items)):
                return True
    except (RecursionError, ValueError, IndexError, KeyError, TypeError, OverflowError):
        return False
    return False
