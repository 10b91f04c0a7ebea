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
"""

from __future__ import annotations

import itertools
import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import ClassVar, NamedTuple, Protocol

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
_DEFAULT_IFS = " \t\n"
_MAX_DEPTH = 40  # nesting of ${ } / $( ) / braces before we give up (symbolic)
_MAX_BRACE_WORDS = 4096  # a brace expansion that would produce more stays literal
_MAX_MATCH_WORK = 4_000_000  # text*pattern budget for substring pattern operations
_MAX_GLOB_RESULTS = 20_000
#: characters that give a word any expansion; a word without them is one literal field
_ACTIVE = frozenset("$`\\'\"{~*?[")


@dataclass(frozen=True)
class Value:
    """A shell variable's value; ``symbolic`` means unknown statically and ``text`` is how
    it renders (``${SHA}``)."""

    text: str
    symbolic: bool = False
    #: the elements of an indexed array (``text``/``symbolic`` mirror element 0, as ``$A``
    #: does); None for a scalar
    items: tuple[Value, ...] | None = None
    #: the indices of ``items`` when the array is sparse (``A[5]=x``); None means 0, 1, 2 …
    keys: tuple[int, ...] | None = None

    @classmethod
    def array(cls, items: Sequence[Value], keys: Sequence[int] | None = None) -> Value:
        """An indexed array; ``keys`` (ascending) only when it is sparse."""
        idx = tuple(keys) if keys is not None else tuple(range(len(items)))
        dense = idx == tuple(range(len(items)))
        first = items[idx.index(0)] if 0 in idx else Value("")
        return cls(first.text, first.symbolic, tuple(items), None if dense else idx)

    def elements(self) -> list[tuple[int, Value]]:
        """(index, value) pairs; a scalar is an array of one element."""
        if self.items is None:
            return [(0, Value(self.text, self.symbolic))]
        keys = self.keys if self.keys is not None else range(len(self.items))
        return list(zip(keys, self.items, strict=False))


class Vars(Protocol):
    def lookup(self, name: str) -> Value | None:
        """The value of ``name``; None when it was never set."""
        ...

    @property
    def positional(self) -> list[Value]:
        """``$1`` … (``$0`` not included)."""
        ...


class DirLister(Protocol):
    def listdir(self, abs_dir: str) -> list[str] | None:
        """Entry names of ``abs_dir``; None if it is not a directory."""
        ...


@dataclass(frozen=True)
class Field:
    """One word after expansion."""

    text: str
    symbolic: bool  # contains a part that is not known statically
    quoted: bool  # any part was quoted (``for x in "$@"`` and ``[ -n "" ]`` care)


def render_unknown(name: str) -> str:
    """How an unknown variable renders."""
    return "${" + name + "}"


# ---------------------------------------------------------------------------------------
# Expanded characters
# ---------------------------------------------------------------------------------------


class _Ch(NamedTuple):
    """One character after expansion, with the facts splitting and globbing need (a
    NamedTuple: words are expanded character by character, so creation must be cheap)."""

    c: str
    quoted: bool = False  # literal for globbing, never split
    split: bool = False  # came from an unquoted expansion: IFS splits here
    symbolic: bool = False


class _Mark(Enum):
    ALIVE = "alive"  # a quoted (possibly empty) part: the field exists even if empty
    HARD = "hard"  # field boundary from "$@"
    SOFT = "soft"  # field boundary from unquoted $@ / $*: like IFS whitespace


_Item = _Ch | _Mark


def _chars(text: str, *, dq: bool, symbolic: bool = False) -> list[_Item]:
    """Characters of an expansion result: quoted inside double quotes, else splittable."""
    if symbolic:
        return [_Ch(c, dq, False, True) for c in text]
    split = not dq
    return [_Ch(c, dq, split, False) for c in text]


def _lit(text: str, *, quoted: bool) -> list[_Item]:
    return [_Ch(c, quoted, False, False) for c in text]


def _text(items: Sequence[_Item]) -> str:
    return "".join(i.c for i in items if isinstance(i, _Ch))


def _is_symbolic(items: Sequence[_Item]) -> bool:
    return any(isinstance(i, _Ch) and i.symbolic for i in items)


def _as_pattern(items: Sequence[_Item]) -> str:
    """Pattern text in which quoted characters are escaped so they match literally."""
    out = []
    for it in items:
        if not isinstance(it, _Ch):
            continue
        if ((it.quoted or it.symbolic) and it.c in "*?[]\\") or (not it.quoted and it.c == "\\"):
            out.append("\\" + it.c)
        else:
            out.append(it.c)
    return "".join(out)


# ---------------------------------------------------------------------------------------
# Scanning helpers: find the end of quoted strings and nested constructs
# ---------------------------------------------------------------------------------------


def _skip_squote(s: str, i: int) -> int:
    """Index of the ``'`` closing the one at ``i`` (len(s) when unterminated); in an
    ANSI-C string ``$'…'`` a backslash escapes the quote."""
    if i > 0 and s[i - 1] == "$" and (i < 2 or s[i - 2] != "\\"):
        j = i + 1
        while j < len(s):
            if s[j] == "\\":
                j += 2
            elif s[j] == "'":
                return j
            else:
                j += 1
        return len(s)
    j = s.find("'", i + 1)
    return len(s) if j < 0 else j


def _skip_dquote(s: str, i: int) -> int:
    n = len(s)
    j = i + 1
    while j < n:
        c = s[j]
        if c == "\\":
            j += 2
            continue
        if c == '"':
            return j
        if c == "$" and j + 1 < n and s[j + 1] in "({":
            j = _skip_group(s, j + 1) + 1
            continue
        if c == "`":
            j = _skip_backquote(s, j) + 1
            continue
        j += 1
    return n


def _skip_backquote(s: str, i: int) -> int:
    n = len(s)
    j = i + 1
    while j < n:
        if s[j] == "\\":
            j += 2
            continue
        if s[j] == "`":
            return j
        j += 1
    return n


def _skip_group(s: str, i: int) -> int:
    """Index of the bracket closing ``s[i]`` (``{`` or ``(``), skipping quotes and nesting."""
    n = len(s)
    open_c = s[i]
    close_c = "}" if open_c == "{" else ")"
    depth = 1
    j = i + 1
    while j < n:
        c = s[j]
        if c == "\\":
            j += 2
            continue
        if c == "'":
            j = _skip_squote(s, j) + 1
            continue
        if c == '"':
            j = _skip_dquote(s, j) + 1
            continue
        if c == "`":
            j = _skip_backquote(s, j) + 1
            continue
        if c == "$" and j + 1 < n and s[j + 1] in "({":
            j = _skip_group(s, j + 1) + 1
            continue
        if c == open_c:
            depth += 1
        elif c == close_c:
            depth -= 1
            if depth == 0:
                return j
        j += 1
    return n


def _subscript_end(rest: str) -> int:
    """Index of the ``]`` closing the subscript that ``rest`` starts with; -1 if none."""
    depth = 0
    i = 0
    while i < len(rest):
        c = rest[i]
        if c == "$" and rest[i + 1 : i + 2] in ("{", "("):
            i = _skip_group(rest, i + 1) + 1
            continue
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _all_elements(body: str) -> bool:
    """``${A[@]}`` or ``${A[@]:1}`` alone in double quotes: like ``"$@"``, it gives no field
    at all when there are no elements."""
    if not body.startswith("${") or _skip_group(body, 1) != len(body) - 1:
        return False
    inner = body[2:-1]
    k = _name_len(inner, 0)
    rest = inner[k + 3 :]
    return k > 0 and inner[k : k + 3] == "[@]" and (not rest or (rest[0] == ":" and rest[1:2] not in "-=+?"))


def _subscripted(text: str) -> tuple[str, str] | None:
    """``A[sub]`` as (name, sub), else None."""
    k = _name_len(text, 0)
    if k == 0 or text[k : k + 1] != "[" or _subscript_end(text[k:]) != len(text) - k - 1:
        return None
    return text[:k], text[k + 1 : -1].strip()


def _is_name(s: str) -> bool:
    return (
        bool(s)
        and (s[0].isascii() and (s[0].isalpha() or s[0] == "_"))
        and all(ch.isascii() and (ch.isalnum() or ch == "_") for ch in s)
    )


def _name_len(s: str, i: int) -> int:
    j = i
    while j < len(s) and s[j].isascii() and (s[j].isalnum() or s[j] == "_"):
        j += 1
    return j - i


def _placeholder_free_tail(text: str) -> int:
    """Start of the part of a symbolic rendering after its last ``$…`` placeholder."""
    k = text.rfind("$")
    if k < 0:
        return 0
    if k + 1 < len(text) and text[k + 1] in "({":
        return min(len(text), _skip_group(text, k + 1) + 1)
    return k + 1 + max(1, _name_len(text, k + 1))


# ---------------------------------------------------------------------------------------
# Patterns (glob matching without regexes)
# ---------------------------------------------------------------------------------------

_STAR = ("*",)
_ANY = ("?",)
_Tok = tuple  # ("lit", c) | ("*",) | ("?",) | ("set", negate, ranges, classes)

_CLASSES: dict[str, Callable[[str], bool]] = {
    "alpha": str.isalpha,
    "digit": lambda c: c in "0123456789",
    "alnum": str.isalnum,
    "upper": str.isupper,
    "lower": str.islower,
    "space": str.isspace,
    "blank": lambda c: c in " \t",
    "punct": lambda c: c.isascii() and c.isprintable() and not c.isalnum() and c != " ",
    "xdigit": lambda c: c in "0123456789abcdefABCDEF",
    "word": lambda c: c.isalnum() or c == "_",
    "print": str.isprintable,
    "graph": lambda c: c.isprintable() and c != " ",
    "cntrl": lambda c: ord(c) < 32 or ord(c) == 127,
}


def _parse_bracket(p: str, i: int) -> tuple[_Tok, int] | None:
    """Parse ``[...]`` starting at ``p[i] == '['``; None when it does not close."""
    n = len(p)
    j = i + 1
    negate = False
    if j < n and p[j] in "!^":
        negate = True
        j += 1
    ranges: list[tuple[str, str]] = []
    classes: list[str] = []
    first = True
    while j < n:
        c = p[j]
        if c == "]" and not first:
            return ("set", negate, tuple(ranges), tuple(classes)), j + 1
        first = False
        if c == "[" and j + 1 < n and p[j + 1] == ":":
            end = p.find(":]", j + 2)
            if end >= 0:
                classes.append(p[j + 2 : end])
                j = end + 2
                continue
        if c == "\\" and j + 1 < n:
            j += 1
            c = p[j]
        lo = c
        j += 1
        if j + 1 < n and p[j] == "-" and p[j + 1] != "]":
            hi = p[j + 1]
            if hi == "\\" and j + 2 < n:
                hi = p[j + 2]
                j += 1
            ranges.append((lo, hi))
            j += 2
        else:
            ranges.append((lo, lo))
    return None


def _compile(pattern: str) -> list[_Tok]:
    """Tokens of a bash pattern; ``\\x`` is a literal x, an unclosed ``[`` is literal."""
    toks: list[_Tok] = []
    i = 0
    n = len(pattern)
    last_close = pattern.rfind("]")  # a "[" after it cannot close: skip the scan
    while i < n:
        c = pattern[i]
        if c == "\\":
            toks.append(("lit", pattern[i + 1] if i + 1 < n else "\\"))
            i += 2
        elif c == "*":
            if not toks or toks[-1] != _STAR:
                toks.append(_STAR)
            i += 1
        elif c == "?":
            toks.append(_ANY)
            i += 1
        elif c == "[":
            parsed = _parse_bracket(pattern, i) if i + 1 < last_close else None
            if parsed is None:
                toks.append(("lit", "["))
                i += 1
            else:
                toks.append(parsed[0])
                i = parsed[1]
        else:
            toks.append(("lit", c))
            i += 1
    return toks


def _is_literal(toks: Sequence[_Tok]) -> bool:
    return all(t[0] == "lit" for t in toks)


def _tok_matches(tok: _Tok, c: str, slash: bool) -> bool:
    kind = tok[0]
    if kind == "lit":
        return bool(tok[1] == c)
    if not slash and c == "/":
        return False
    if kind == "?":
        return True
    _, negate, ranges, classes = tok
    hit = any(lo <= c <= hi for lo, hi in ranges) or any(
        _CLASSES.get(cls, lambda _c: False)(c) for cls in classes
    )
    return hit != negate


def _closure(states: set[int], toks: Sequence[_Tok]) -> set[int]:
    """Add the states reachable by letting a ``*`` match nothing."""
    out = set(states)
    for k in sorted(states):
        while k < len(toks) and toks[k] == _STAR:
            k += 1
            out.add(k)
    return out


def _match_ends(toks: Sequence[_Tok], text: str, start: int, slash: bool) -> list[int]:
    """All ``end`` such that ``text[start:end]`` matches ``toks`` (NFA simulation: O(n*m))."""
    m = len(toks)
    states = _closure({0}, toks)
    ends = [start] if m in states else []
    for pos in range(start, len(text)):
        c = text[pos]
        nxt: set[int] = set()
        for k in states:
            if k == m:
                continue
            tok = toks[k]
            if tok == _STAR:
                if slash or c != "/":
                    nxt.add(k)
            elif _tok_matches(tok, c, slash):
                nxt.add(k + 1)
        if not nxt:
            break
        states = _closure(nxt, toks)
        if m in states:
            ends.append(pos + 1)
    return ends


def _full_match(toks: Sequence[_Tok], text: str) -> bool:
    """Whole-string match where ``*`` may match anything: greedy with backtracking to the
    last star only, which is exact for glob patterns and O(len(text) * len(toks))."""
    m = len(toks)
    ti = pi = 0
    star_p, star_t = -1, 0
    while ti < len(text):
        if pi < m and toks[pi] == _STAR:
            star_p, star_t = pi, ti
            pi += 1
        elif pi < m and _tok_matches(toks[pi], text[ti], True):
            pi += 1
            ti += 1
        elif star_p >= 0:
            star_t += 1
            ti, pi = star_t, star_p + 1
        else:
            return False
    while pi < m and toks[pi] == _STAR:
        pi += 1
    return pi == m


def pattern_match(pattern: str, text: str, *, slash: bool = True) -> bool:
    """Whole-string bash pattern match (``case``, ``${X#pat}``, ``zip -x``); with
    ``slash=False`` no wildcard matches ``/`` (like fnmatch's FNM_PATHNAME)."""
    toks = _compile(pattern)
    if _is_literal(toks):
        return "".join(t[1] for t in toks) == text
    if slash:
        return _full_match(toks, text)
    # wildcards cannot match "/", so the pattern's literal slashes align with the text's
    segments: list[list[_Tok]] = [[]]
    for tok in toks:
        if tok == ("lit", "/"):
            segments.append([])
        else:
            segments[-1].append(tok)
    parts = text.split("/")
    return len(parts) == len(segments) and all(
        _full_match(seg, part) for seg, part in zip(segments, parts, strict=True)
    )


def glob_match(pattern: str, name: str) -> bool:
    """Match one path component as pathname expansion does: a leading ``.`` must be
    matched by a literal ``.`` in the pattern."""
    if name.startswith(".") and not (pattern.startswith(".") or pattern.startswith("\\.")):
        return False
    return pattern_match(pattern, name, slash=False)


def _has_wildcards(pattern: str) -> bool:
    return not _is_literal(_compile(pattern))


def _unescape(pattern: str) -> str:
    return "".join(t[1] for t in _compile(pattern) if t[0] == "lit")


# ---------------------------------------------------------------------------------------
# Brace expansion
# ---------------------------------------------------------------------------------------


def _brace_regions(word: str) -> tuple[int, int, list[int]] | None:
    """First brace expression ``{a,b}`` / ``{1..3}``: (open, close, top-level commas)."""
    n = len(word)
    i = 0
    while i < n:
        c = word[i]
        if c == "\\":
            i += 2
            continue
        if c == "'":
            i = _skip_squote(word, i) + 1
            continue
        if c == '"':
            i = _skip_dquote(word, i) + 1
            continue
        if c == "`":
            i = _skip_backquote(word, i) + 1
            continue
        if c == "$" and i + 1 < n and word[i + 1] in "({":
            i = _skip_group(word, i + 1) + 1
            continue
        if c == "{":
            found = _brace_close(word, i)
            if found is not None:
                close, commas = found
                if commas or _sequence(word[i + 1 : close]) is not None:
                    return i, close, commas
        i += 1
    return None


def _brace_close(word: str, i: int) -> tuple[int, list[int]] | None:
    n = len(word)
    depth = 0
    commas: list[int] = []
    j = i + 1
    while j < n:
        c = word[j]
        if c == "\\":
            j += 2
            continue
        if c == "'":
            j = _skip_squote(word, j) + 1
            continue
        if c == '"':
            j = _skip_dquote(word, j) + 1
            continue
        if c == "`":
            j = _skip_backquote(word, j) + 1
            continue
        if c == "$" and j + 1 < n and word[j + 1] in "({":
            j = _skip_group(word, j + 1) + 1
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            if depth == 0:
                return j, commas
            depth -= 1
        elif c == "," and depth == 0:
            commas.append(j)
        j += 1
    return None


def _int(s: str) -> int | None:
    t = s[1:] if s[:1] in "+-" else s
    if not t or not t.isascii() or not t.isdigit() or len(t) > 18:
        return None
    return int(s)


def _sequence(body: str) -> list[str] | None:
    """``1..5``, ``a..e``, ``01..10..2``: the items, or None when not a sequence."""
    parts = body.split("..")
    if len(parts) not in (2, 3):
        return None
    step = 1
    if len(parts) == 3:
        parsed = _int(parts[2])
        if parsed is None:
            return None
        step = abs(parsed) or 1
    a, b = parts[0], parts[1]
    ia, ib = _int(a), _int(b)
    if ia is not None and ib is not None:
        count = abs(ib - ia) // step + 1
        if count > _MAX_BRACE_WORDS:
            return None
        width = 0
        if (len(a.lstrip("+-")) > 1 and a.lstrip("+-").startswith("0")) or (
            len(b.lstrip("+-")) > 1 and b.lstrip("+-").startswith("0")
        ):
            width = max(len(a), len(b))
        sign = 1 if ib >= ia else -1
        out = []
        for k in range(count):
            v = ia + sign * k * step
            out.append(f"{v:0{width}d}" if width else str(v))
        return out
    if len(a) == 1 and len(b) == 1 and a.isascii() and b.isascii() and a.isalpha() and b.isalpha():
        sign = 1 if ord(b) >= ord(a) else -1
        return [chr(v) for v in range(ord(a), ord(b) + sign, sign * step)]
    return None


def brace_expand(word: str) -> list[str]:
    """Bash brace expansion of a raw word (quotes and ``${ }`` are left alone); a word
    that would expand into too many words stays as written."""
    if len(word) > 10_000 or word.count("{") > 256:
        return [word]
    return _brace_expand(word, 0) or [word]


def _brace_expand(word: str, depth: int) -> list[str] | None:
    """None when the expansion is too large or too deep."""
    if depth > _MAX_DEPTH:
        return None
    found = _brace_regions(word)
    if found is None:
        return [word]
    open_i, close, commas = found
    pre, post = word[:open_i], word[close + 1 :]
    if commas:
        bounds = [open_i, *commas, close]
        alts: list[str] = []
        for a, b in itertools.pairwise(bounds):
            sub = _brace_expand(word[a + 1 : b], depth + 1)
            if sub is None:
                return None
            alts.extend(sub)
            if len(alts) > _MAX_BRACE_WORDS:
                return None
    else:
        alts = _sequence(word[open_i + 1 : close]) or []
    tails = _brace_expand(post, depth + 1)
    if tails is None or len(alts) * len(tails) > _MAX_BRACE_WORDS:
        return None
    return [pre + a + t for a in alts for t in tails]


# ---------------------------------------------------------------------------------------
# Arithmetic
# ---------------------------------------------------------------------------------------


def _wrap(v: int) -> int:
    """Bash arithmetic is signed 64-bit."""
    v &= (1 << 64) - 1
    return v - (1 << 64) if v >= 1 << 63 else v


class _ArithError(Exception):
    """The expression cannot be evaluated statically."""


class _Arith:
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
                j = i + max(1, _name_len(text, i))
                if c.isdigit() and j < n and text[j] == "#":  # base#digits
                    j += 1 + _name_len(text, j + 1)
                toks.append(text[i:j])
                i = j
            elif text[i : i + 2] in ("**", "<=", ">=", "==", "!=", "&&", "||", "<<", ">>"):
                toks.append(text[i : i + 2])
                i += 2
            elif c in "+-*/%()<>!~?:&|^":
                if i + 1 < n and text[i + 1] == "=" and c not in "<>!":
                    raise _ArithError("assignment")
                if text[i : i + 2] in ("++", "--"):
                    raise _ArithError("increment")
                toks.append(c)
                i += 1
            else:
                raise _ArithError(f"unexpected {c!r}")
        return toks

    def _peek(self) -> str | None:
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def _next(self) -> str:
        tok = self._peek()
        if tok is None:
            raise _ArithError("unexpected end")
        self.pos += 1
        return tok

    def evaluate(self) -> int:
        if not self.toks:
            return 0
        v = self._ternary()
        if self._peek() is not None:
            raise _ArithError("trailing tokens")
        return v

    def _ternary(self) -> int:
        cond = self._binary(1)
        if self._peek() != "?":
            return cond
        self._next()
        a = self._ternary()
        if self._next() != ":":
            raise _ArithError("expected ':'")
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
            left = _wrap(self._apply(op, left, right))

    @staticmethod
    def _apply(op: str, a: int, b: int) -> int:
        if op in ("/", "%"):
            if b == 0:
                raise _ArithError("division by zero")
            q = abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1)
            return q if op == "/" else a - q * b
        if op == "**":
            if b < 0:
                raise _ArithError("negative exponent")
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
            return _wrap({"-": -v, "+": v, "!": int(not v), "~": ~v}[tok])
        if tok == "(":
            v = self._ternary()
            if self._next() != ")":
                raise _ArithError("expected ')'")
            return v
        return self._atom(tok)

    def _atom(self, tok: str) -> int:
        if tok[0].isdigit():
            return _parse_int_literal(tok)
        if _is_name(tok):
            return self.lookup(tok)
        raise _ArithError(f"unexpected {tok!r}")


def _parse_int_literal(tok: str) -> int:
    try:
        if "#" in tok:
            base_s, digits = tok.split("#", 1)
            base = int(base_s)
            if not 2 <= base <= 36:
                raise _ArithError("bad base")
            return _wrap(int(digits, base))
        if tok.lower().startswith("0x"):
            return _wrap(int(tok[2:], 16))
        if len(tok) > 1 and tok.startswith("0"):
            return _wrap(int(tok, 8))
        return _wrap(int(tok))
    except ValueError as exc:
        raise _ArithError(f"bad number {tok!r}") from exc


# ---------------------------------------------------------------------------------------
# The expander
# ---------------------------------------------------------------------------------------

_SPECIAL_PARAMS = "@*#?$!-0"


class _Expander:
    """Expansion state for one call: bindings, tree, cwd and a nesting budget."""

    def __init__(self, vars: Vars, fs: DirLister | None, cwd: str, depth: int = 0) -> None:
        self.vars = vars
        self.fs = fs
        self.cwd = cwd or "/"
        self.depth = depth

    # -- values -------------------------------------------------------------------------

    def _positional(self) -> list[Value]:
        try:
            return list(self.vars.positional)
        except Exception:
            return []

    def _lookup(self, name: str) -> Value | None:
        try:
            return self.vars.lookup(name)
        except Exception:
            return None

    def _ifs(self) -> str:
        v = self._lookup("IFS")
        return v.text if v is not None and not v.symbolic else _DEFAULT_IFS

    def get(self, name: str) -> tuple[Value | None, bool]:
        """(value or None when unset, whether unset means "maybe from the environment")."""
        if name.isdigit():
            idx = int(name) if len(name) < 10 else 1 << 40
            if idx == 0:
                return Value("$0", symbolic=True), False
            pos = self._positional()
            return (pos[idx - 1] if idx <= len(pos) else None), False
        if name == "#":
            return Value(str(len(self._positional()))), False
        if name == "?":
            return Value("0"), False
        if name in ("$", "!", "-"):
            return Value("$" + name, symbolic=True), False
        if name in ("@", "*"):
            pos = self._positional()
            sep = " " if name == "@" else self._ifs()[:1]
            return Value(sep.join(v.text for v in pos), any(v.symbolic for v in pos)), False
        return self._lookup(name), True

    # -- word parsing -----------------------------------------------------------------

    def parse(self, s: str, mode: str) -> list[_Item]:
        """Expand the raw text ``s``.  ``mode``: ``u`` unquoted, ``d`` inside double quotes,
        ``o`` an operand of ``${X:-…}`` inside double quotes (nested ``"`` re-quote,
        ``'`` is literal)."""
        out: list[_Item] = []
        dq = mode != "u"
        n = len(s)
        i = 0
        while i < n:
            c = s[i]
            if c == "\\":
                if i + 1 >= n:
                    out.append(_Ch("\\", quoted=True))
                    i += 1
                elif s[i + 1] == "\n":
                    i += 2
                elif mode == "u" or s[i + 1] in '$`"\\':
                    out.append(_Ch(s[i + 1], quoted=True))
                    i += 2
                else:
                    out.append(_Ch("\\", quoted=True))
                    i += 1
            elif c == "'" and mode == "u":
                j = _skip_squote(s, i)
                out.append(_Mark.ALIVE)
                out += _lit(s[i + 1 : j], quoted=True)
                i = j + 1
            elif c == '"' and mode in ("u", "o"):
                j = _skip_dquote(s, i)
                body = s[i + 1 : j]
                if body not in ("$@", "${@}") and not _all_elements(body):
                    out.append(_Mark.ALIVE)
                out += self.parse(body, "d")
                i = j + 1
            elif c == "$":
                items, i = self._dollar(s, i, mode)
                out += items
            elif c == "`":
                j = _skip_backquote(s, i)
                body = _unescape_backquote(s[i + 1 : j])
                out += self._command(body, dq)
                i = j + 1
            else:
                out.append(_Ch(c, dq, False, False))
                i += 1
        return out

    def _dollar(self, s: str, i: int, mode: str) -> tuple[list[_Item], int]:
        n = len(s)
        dq = mode != "u"
        nxt = s[i + 1] if i + 1 < n else ""
        if nxt == "'" and mode == "u":
            j = _skip_squote(s, i + 1)
            return [_Mark.ALIVE, *_lit(_ansi_c(s[i + 2 : j]), quoted=True)], j + 1
        if nxt == '"' and mode == "u":
            return self._dq_at(s, i + 1), _skip_dquote(s, i + 1) + 1
        if nxt == "(":
            close = _skip_group(s, i + 1)
            if close >= n:
                return _lit(s[i:], quoted=dq), n
            if s[i + 2 : i + 3] == "(" and s[close - 1] == ")" and _skip_group(s, i + 2) == close - 1:
                return self._arith(s[i + 3 : close - 1], s[i : close + 1], dq), close + 1
            return self._command(s[i + 2 : close], dq), close + 1
        if nxt == "[":  # deprecated $[ expr ] arithmetic
            close = s.find("]", i + 2)
            if close < 0:
                return _lit(s[i:], quoted=dq), n
            return self._arith(s[i + 2 : close], s[i : close + 1], dq), close + 1
        if nxt == "{":
            close = _skip_group(s, i + 1)
            if close >= n:
                return _lit(s[i:], quoted=dq), n
            return self._braced(s[i + 2 : close], dq), close + 1
        if nxt and ((nxt.isascii() and nxt.isalpha()) or nxt == "_"):
            k = _name_len(s, i + 1)
            return self._simple(s[i + 1 : i + 1 + k], dq), i + 1 + k
        if nxt and (nxt.isdigit() or nxt in _SPECIAL_PARAMS):
            return self._simple(nxt, dq), i + 2
        return [_Ch("$", quoted=dq)], i + 1

    def _dq_at(self, s: str, i: int) -> list[_Item]:
        j = _skip_dquote(s, i)
        return [_Mark.ALIVE, *self.parse(s[i + 1 : j], "d")]

    # -- parameters -------------------------------------------------------------------

    def _emit(self, v: Value, dq: bool) -> list[_Item]:
        return _chars(v.text, dq=dq, symbolic=v.symbolic)

    def _simple(self, name: str, dq: bool) -> list[_Item]:
        if name in ("@", "*"):
            return self._all_positional(name, dq)
        v, env = self.get(name)
        if v is None:
            return _chars(render_unknown(name), dq=dq, symbolic=True) if env else []
        return self._emit(v, dq)

    def _all_positional(self, name: str, dq: bool, values: list[Value] | None = None) -> list[_Item]:
        pos = self._positional() if values is None else values
        out: list[_Item] = []
        if dq and name == "*":
            sep = self._ifs()[:1]
            for k, v in enumerate(pos):
                if k:
                    out += _chars(sep, dq=True)
                out += self._emit(v, True)
            return out
        for k, v in enumerate(pos):
            if k:
                out.append(_Mark.HARD if dq else _Mark.SOFT)
            if dq:
                out.append(_Mark.ALIVE)
            out += self._emit(v, dq)
        return out

    def _symbolic_raw(self, body: str, dq: bool) -> list[_Item]:
        return _chars("${" + body + "}", dq=dq, symbolic=True)

    def _braced(self, body: str, dq: bool) -> list[_Item]:
        """``${…}``: every operator bash has that makes sense statically."""
        if self.depth >= _MAX_DEPTH or not body:
            return self._symbolic_raw(body, dq)
        if body == "#":
            return self._simple("#", dq)
        if body[0] == "#" and (_is_name(body[1:]) or body[1:].isdigit() or body[1:] in ("@", "*")):
            return self._length(body, dq)
        if body[0] in "#!" and _subscripted(body[1:]) is not None:
            return self._array_meta(body, dq)
        if body[0] == "!":
            return self._indirect(body, dq)
        if body[0].isdigit():
            k = 1
            while k < len(body) and body[k].isdigit():
                k += 1
        elif body[0] in _SPECIAL_PARAMS:
            k = 1
        else:
            k = _name_len(body, 0)
        if k == 0:
            return self._symbolic_raw(body, dq)
        name, rest = body[:k], body[k:]
        if rest.startswith("["):
            close = _subscript_end(rest)
            if close < 0 or not _is_name(name):
                return self._symbolic_raw(body, dq)
            return self._element(name, rest[1:close].strip(), rest[close + 1 :], body, dq)
        if name in ("@", "*") and rest[:1] == ":" and rest[1:2] not in ("-", "=", "+", "?"):
            return self._positional_slice(name, rest[1:], body, dq)
        if not rest:
            return self._simple(name, dq)
        v, env = self.get(name)
        return self._operator(name, v, env, rest, body, dq)

    # -- arrays -----------------------------------------------------------------------

    def _element(self, name: str, sub: str, rest: str, body: str, dq: bool) -> list[_Item]:
        """``${A[i]…}``, ``${A[@]…}``, ``${A[*]…}``: a scalar is an array of one element;
        an array without known elements (``declare -A``, ``mapfile`` from a command we
        cannot run) stays symbolic."""
        v, env = self.get(name)
        whole = sub in ("@", "*")
        if v is None or (v.symbolic and v.items is None):
            if whole or sub == "0":
                return self._simple(name, dq) if not rest else self._operator(name, v, env, rest, body, dq)
            return self._symbolic_raw(body, dq) if v is not None or env else []
        elements = v.elements()
        if whole:
            return self._whole_array(sub, [e for _, e in elements], rest, body, dq)
        try:
            idx = self._arith_value(sub)
        except _ArithError:
            return self._symbolic_raw(body, dq)
        if idx < 0:
            idx += (elements[-1][0] + 1) if elements else 0
        picked = next((e for k, e in elements if k == idx), None)
        if not rest:
            return self._emit(picked, dq) if picked is not None else []
        return self._operator(name, picked, False, rest, body, dq)

    def _whole_array(self, sub: str, values: list[Value], rest: str, body: str, dq: bool) -> list[_Item]:
        if not rest:
            return self._fields_of(sub, [self._emit(v, dq) for v in values], dq)
        colon = rest.startswith(":") and rest[1:2] in ("-", "=", "+", "?")
        if rest[0] == ":" and not colon:
            off_s, has_len, len_s = rest[1:].partition(":")
            try:
                off = self._arith_value(off_s)
                ln = self._arith_value(len_s) if has_len else None
            except _ArithError:
                return self._symbolic_raw(body, dq)
            start = off if off >= 0 else len(values) + off
            if start < 0 or (ln is not None and ln < 0):
                return self._symbolic_raw(body, dq) if ln is not None and ln < 0 else []
            picked = values[start:] if ln is None else values[start : start + ln]
            return self._fields_of(sub, [self._emit(v, dq) for v in picked], dq)
        if rest[0] in "-=+?" or colon:
            op = rest[1] if colon else rest[0]
            word = rest[2:] if colon else rest[1:]
            null = not values or (colon and len(values) == 1 and not values[0].symbolic and not values[0].text)
            if op == "+":
                return [] if null else self._operand(word, dq)
            if not null:
                return self._fields_of(sub, [self._emit(v, dq) for v in values], dq)
            return self._operand(word, dq) if op in "-=" else self._symbolic_raw(body, dq)
        # ``${A[@]%.py}``, ``${A[@]/x/y}``: the operator applies to each element
        return self._fields_of(sub, [self._operator("@", v, False, rest, body, dq) for v in values], dq)

    def _fields_of(self, sub: str, parts: list[list[_Item]], dq: bool) -> list[_Item]:
        """Join per-element expansions as ``"$@"`` / ``$@`` / ``"$*"`` do."""
        out: list[_Item] = []
        if dq and sub == "*":
            sep = self._ifs()[:1]
            for k, part in enumerate(parts):
                if k:
                    out += _chars(sep, dq=True)
                out += part
            return out
        for k, part in enumerate(parts):
            if k:
                out.append(_Mark.HARD if dq else _Mark.SOFT)
            if dq:
                out.append(_Mark.ALIVE)
            out += part
        return out

    def _array_meta(self, body: str, dq: bool) -> list[_Item]:
        """``${#A[@]}`` (count), ``${#A[i]}`` (element length), ``${!A[@]}`` (indices)."""
        parsed = _subscripted(body[1:])
        assert parsed is not None
        name, sub = parsed
        v, env = self.get(name)
        if v is None:
            return (_chars("0", dq=dq) if body[0] == "#" else []) if not env else self._symbolic_raw(body, dq)
        if v.symbolic and v.items is None:
            return self._symbolic_raw(body, dq)
        elements = v.elements()
        if body[0] == "!":
            if sub not in ("@", "*"):
                return self._symbolic_raw(body, dq)
            return self._fields_of(sub, [_chars(str(k), dq=dq) for k, _ in elements], dq)
        if sub in ("@", "*"):
            return _chars(str(len(elements)), dq=dq)
        picked = self._element(name, sub, "", body, False)
        if _is_symbolic(picked):
            return self._symbolic_raw(body, dq)
        return _chars(str(len(_text(picked))), dq=dq)

    def _length(self, body: str, dq: bool) -> list[_Item]:
        name = body[1:]
        if name in ("@", "*"):
            return _chars(str(len(self._positional())), dq=dq)
        v, env = self.get(name)
        if v is None:
            return _chars("0", dq=dq) if not env else self._symbolic_raw(body, dq)
        if v.symbolic:
            return self._symbolic_raw(body, dq)
        return _chars(str(len(v.text)), dq=dq)

    def _indirect(self, body: str, dq: bool) -> list[_Item]:
        name = body[1:]
        if not (_is_name(name) or name.isdigit()):
            return self._symbolic_raw(body, dq)
        v, _ = self.get(name)
        if v is None or v.symbolic or not (_is_name(v.text) or v.text.isdigit()):
            return self._symbolic_raw(body, dq)
        return self._simple(v.text, dq)

    def _positional_slice(self, name: str, spec: str, body: str, dq: bool) -> list[_Item]:
        off_s, _, len_s = spec.partition(":")
        pos = self._positional()
        try:
            off = self._arith_value(off_s)
            ln = self._arith_value(len_s) if ":" in spec else None
        except _ArithError:
            return self._symbolic_raw(body, dq)
        # "$0" is element 0 of the list
        full = [Value("$0", symbolic=True), *pos]
        start = off if off >= 0 else len(pos) + 1 + off
        if start < 0:
            return []
        if ln is not None and ln < 0:
            return self._symbolic_raw(body, dq)
        picked = full[start:] if ln is None else full[start : start + ln]
        return self._all_positional(name, dq, picked)

    def _operand(self, text: str, dq: bool) -> list[_Item]:
        """The word of ``${X:-word}``: in an unquoted expansion its unquoted literal text
        is split like any expansion result."""
        sub = _Expander(self.vars, self.fs, self.cwd, self.depth + 1)
        items = sub.parse(text, "o" if dq else "u")
        if dq:
            return items
        return [
            _Ch(it.c, split=True) if isinstance(it, _Ch) and not (it.quoted or it.symbolic) else it
            for it in items
        ]

    def _pattern_operand(self, text: str, dq: bool) -> tuple[str, bool]:
        """An operand used as a pattern: (escaped pattern, symbolic?)."""
        sub = _Expander(self.vars, self.fs, self.cwd, self.depth + 1)
        items = sub.parse(text, "u")
        return _as_pattern(items), _is_symbolic(items)

    def _operator(self, name: str, v: Value | None, env: bool, rest: str, body: str, dq: bool) -> list[_Item]:
        colon = rest.startswith(":") and rest[1:2] in ("-", "=", "+", "?")
        op = rest[1] if colon else rest[0]
        if op in "-=+?" and (colon or rest[0] == op):
            word = rest[2:] if colon else rest[1:]
            is_set = v is not None and (not colon or v.symbolic or v.text != "")
            if op in "-=":
                return self._emit(v, dq) if is_set and v is not None else self._operand(word, dq)
            if op == "+":
                return self._operand(word, dq) if is_set else []
            if is_set and v is not None:
                return self._emit(v, dq)
            return self._symbolic_raw(body, dq)
        if v is None:
            if env:
                return self._symbolic_raw(body, dq)
            v = Value("")
        if rest[0] == ":":
            return self._substring(v, rest[1:], body, dq)
        if rest[0] in "#%":
            return self._remove(v, rest, body, dq)
        if rest[0] == "/":
            return self._replace(v, rest[1:], body, dq)
        if rest[0] in "^,":
            return self._case(v, rest, body, dq)
        if rest in ("@U", "@L", "@u") and not v.symbolic:
            t = v.text
            t = t.upper() if rest == "@U" else t.lower() if rest == "@L" else t[:1].upper() + t[1:]
            return _chars(t, dq=dq)
        return self._symbolic_raw(body, dq)

    def _arith_value(self, text: str) -> int:
        items = _Expander(self.vars, self.fs, self.cwd, self.depth + 1).parse(text, "u")
        if _is_symbolic(items):
            raise _ArithError("symbolic")
        return _Arith(_text(items), self._arith_lookup).evaluate()

    def _substring(self, v: Value, spec: str, body: str, dq: bool) -> list[_Item]:
        if v.symbolic:
            return self._symbolic_raw(body, dq)
        off_s, has_len, len_s = spec.partition(":")
        try:
            off = self._arith_value(off_s)
            ln = self._arith_value(len_s) if has_len else None
        except _ArithError:
            return self._symbolic_raw(body, dq)
        t = v.text
        if off < 0:
            off = max(0, len(t) + off) if len(t) + off >= 0 else len(t) + 1
        if off > len(t):
            return []
        if ln is None:
            return _chars(t[off:], dq=dq)
        end = off + ln if ln >= 0 else len(t) + ln
        if end < off:
            return self._symbolic_raw(body, dq)  # bash: "substring expression < 0"
        return _chars(t[off:end], dq=dq)

    def _remove(self, v: Value, rest: str, body: str, dq: bool) -> list[_Item]:
        longest = len(rest) > 1 and rest[1] == rest[0]
        prefix = rest[0] == "#"
        pattern, sym = self._pattern_operand(rest[2 if longest else 1 :], dq)
        if sym:
            return self._symbolic_raw(body, dq)
        t = v.text
        if v.symbolic:
            return self._remove_symbolic(t, pattern, prefix, body, dq)
        if len(t) * (len(pattern) + 1) > _MAX_MATCH_WORK:
            return self._symbolic_raw(body, dq)
        toks = _compile(pattern)
        if prefix:
            ends = _match_ends(toks, t, 0, True)
            if not ends:
                return _chars(t, dq=dq)
            return _chars(t[(max(ends) if longest else min(ends)) :], dq=dq)
        rev = toks[::-1]
        ends = _match_ends(rev, t[::-1], 0, True)
        if not ends:
            return _chars(t, dq=dq)
        cut = max(ends) if longest else min(ends)
        return _chars(t[: len(t) - cut], dq=dq)

    def _remove_symbolic(self, t: str, pattern: str, prefix: bool, body: str, dq: bool) -> list[_Item]:
        """``${FILE%.zip}`` with FILE = ``x-${SHA}.zip``: a literal pattern inside the
        literal head/tail of the rendering can be removed exactly."""
        if _has_wildcards(pattern):
            return self._symbolic_raw(body, dq)
        lit = _unescape(pattern)
        if prefix:
            head = t[: t.find("$")] if "$" in t else t
            if head.startswith(lit):
                return _chars(t[len(lit) :], dq=dq, symbolic=True)
        else:
            tail = t[_placeholder_free_tail(t) :]
            if tail.endswith(lit):
                return _chars(t[: len(t) - len(lit)], dq=dq, symbolic=True)
        return self._symbolic_raw(body, dq)

    def _replace(self, v: Value, spec: str, body: str, dq: bool) -> list[_Item]:
        """``${X/pat/rep}`` and friends; an unquoted ``&`` in ``rep`` is the match (bash 5.2)."""
        mode = ""
        if spec[:1] in ("/", "#", "%"):
            mode, spec = spec[0], spec[1:]
        pat_raw, rep_raw = _split_unquoted(spec, "/")
        pattern, sym = self._pattern_operand(pat_raw, dq)
        if sym or v.symbolic:
            return self._symbolic_raw(body, dq)
        sub = _Expander(self.vars, self.fs, self.cwd, self.depth + 1)
        rep_items = [it for it in sub.parse(rep_raw or "", "u") if isinstance(it, _Ch)]
        if _is_symbolic(rep_items):
            return self._symbolic_raw(body, dq)
        t = v.text
        if not pattern and mode not in ("#", "%"):
            return _chars(t, dq=dq)
        if len(t) * len(t) * (len(pattern) + 1) > _MAX_MATCH_WORK:
            return self._symbolic_raw(body, dq)
        toks = _compile(pattern)

        def rep(matched: str) -> str:
            return "".join(matched if it.c == "&" and not it.quoted else it.c for it in rep_items)

        if mode == "#":
            ends = _match_ends(toks, t, 0, True)
            return _chars(rep(t[: max(ends)]) + t[max(ends) :] if ends else t, dq=dq)
        if mode == "%":
            ends = _match_ends(toks[::-1], t[::-1], 0, True)
            cut = len(t) - max(ends) if ends else len(t)
            return _chars(t[:cut] + rep(t[cut:]) if ends else t, dq=dq)
        if not t:
            return _chars(rep("") if 0 in _match_ends(toks, t, 0, True) else t, dq=dq)
        out: list[str] = []
        i = 0
        done = False
        while i < len(t):
            if not done:
                end = max(_match_ends(toks, t, i, True), default=i)
                if end > i:
                    out.append(rep(t[i:end]))
                    i = end
                    done = mode != "/"
                    continue
            out.append(t[i])
            i += 1
        return _chars("".join(out), dq=dq)

    def _case(self, v: Value, rest: str, body: str, dq: bool) -> list[_Item]:
        if v.symbolic:
            return self._symbolic_raw(body, dq)
        double = len(rest) > 1 and rest[1] == rest[0]
        upper = rest[0] == "^"
        pattern, sym = self._pattern_operand(rest[2 if double else 1 :], dq)
        if sym:
            return self._symbolic_raw(body, dq)
        t = v.text
        out = []
        for k, c in enumerate(t):
            if (double or k == 0) and (not pattern or pattern_match(pattern, c)):
                c = c.upper() if upper else c.lower()
            out.append(c)
        return _chars("".join(out), dq=dq)

    # -- arithmetic -------------------------------------------------------------------

    def _arith_lookup(self, name: str) -> int:
        v, _ = self.get(name)
        if v is None or v.symbolic:
            raise _ArithError(f"unknown {name}")
        text = v.text.strip()
        if not text:
            return 0
        try:
            return _parse_int_literal(text) if text[0].isdigit() else _wrap(int(text))
        except (ValueError, _ArithError) as exc:
            raise _ArithError(f"not a number: {name}") from exc

    def _arith(self, expr: str, raw: str, dq: bool) -> list[_Item]:
        if self.depth >= _MAX_DEPTH:
            return _chars(raw, dq=dq, symbolic=True)
        try:
            return _chars(str(self._arith_value(expr)), dq=dq)
        except (_ArithError, RecursionError, IndexError):
            return _chars(raw, dq=dq, symbolic=True)

    # -- command substitution ---------------------------------------------------------

    def _command(self, body: str, dq: bool) -> list[_Item]:
        raw = "$(" + body + ")"
        if self.depth >= _MAX_DEPTH:
            return _chars(raw, dq=dq, symbolic=True)
        result = self._run_list(body)
        if result is None:
            return _chars(raw, dq=dq, symbolic=True)
        text, symbolic = result
        text = text.rstrip("\n")
        if symbolic and "$" not in text:
            symbolic = False
        return _chars(text, dq=dq, symbolic=symbolic)

    def _run_list(self, body: str) -> tuple[str, bool] | None:
        """Output of ``a; b && c`` made of pure commands and ``cd`` (``$(cd "$d" && pwd)``
        is a common idiom); None when any part is not modelled."""
        commands = _command_list(body)
        if not commands:
            return None
        cwd = self.cwd
        out: list[str] = []
        symbolic = False
        for words in commands:
            sub = _Expander(self.vars, self.fs, cwd, self.depth + 1)
            fields = sub.fields(words, nullglob=False)
            if fields and fields[0].text == "cd" and not fields[0].symbolic:
                target = fields[1:] or [Field(HOME, False, False)]
                if len(target) != 1 or target[0].symbolic or target[0].text.startswith("-"):
                    return None
                cwd = _join(cwd, target[0].text)
                continue
            result = _run_pure(fields, cwd)
            if result is None and self.fs is not None and fields and not any(f.symbolic for f in fields):
                from validator.simulate import listing  # ls/find/cat read the tree (imports this module)

                listed = listing.run([f.text for f in fields], cwd, self.fs)
                result = None if listed is None else (listed, False)
            if result is None:
                return None
            out.append(result[0])
            symbolic = symbolic or result[1]
        return "".join(out), symbolic

    # -- fields -----------------------------------------------------------------------

    def word_items(self, word: str, mode: str = "u") -> list[_Item]:
        """Tilde expansion, then parameter/command/arithmetic expansion of one raw word."""
        if word.startswith("~"):
            ends = [k for k in (word.find("/"), word.find(":")) if k >= 0]
            end = min(ends) if ends else -1
            prefix = word[1:] if end < 0 else word[1:end]
            home = self._lookup("HOME")
            expansions = {"": home.text if home and not home.symbolic else HOME, "+": self.cwd}
            if prefix in expansions:
                rest = "" if end < 0 else word[end:]
                home_chars: list[_Item] = [_Ch(c) for c in expansions[prefix]]
                return [*home_chars, *self.parse(rest, mode)]
        return self.parse(word, mode)

    def fields(self, words: Sequence[str], *, nullglob: bool) -> list[Field]:
        out: list[Field] = []
        for word in words:
            if word and _ACTIVE.isdisjoint(word):  # most words: skip the per-character work
                out.append(Field(word, False, False))
                if len(out) > _MAX_GLOB_RESULTS:
                    return out
                continue
            for braced in brace_expand(word):
                for chars, alive in _split(self.word_items(braced), self._ifs()):
                    out += self._glob(chars, alive, nullglob)
                    if len(out) > _MAX_GLOB_RESULTS:
                        return out
        return out

    def _glob(self, chars: list[_Ch], alive: bool, nullglob: bool) -> list[Field]:
        text = "".join(ch.c for ch in chars)
        symbolic = any(ch.symbolic for ch in chars)
        quoted = alive or any(ch.quoted for ch in chars)
        literal = [Field(text, symbolic, quoted)]
        if symbolic or self.fs is None:
            return literal
        pattern = _as_pattern(chars)
        if not _has_wildcards(pattern):
            return literal
        matches = _glob_paths(pattern, self.fs, self.cwd)
        if not matches:
            return [] if nullglob else literal
        return [Field(m, False, quoted) for m in matches]


def _split(items: list[_Item], ifs: str) -> list[tuple[list[_Ch], bool]]:
    """Word splitting: (characters, survives-even-if-empty) per field."""
    ws = {c for c in ifs if c in " \t\n"}
    nws = {c for c in ifs if c not in " \t\n"}
    fields: list[tuple[list[_Ch], bool]] = []
    cur: list[_Ch] = []
    alive = False
    after_ws = False

    def flush(force: bool) -> None:
        nonlocal cur, alive
        if cur or alive or force:
            fields.append((cur, alive))
        cur, alive = [], False

    alive_mark = _Mark.ALIVE  # enum member lookups are slow; this loop runs per character
    for it in items:
        if type(it) is _Ch:
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


def _glob_paths(pattern: str, fs: DirLister, cwd: str) -> list[str]:
    """Pathname expansion of an escaped pattern against ``fs``."""
    parts = pattern.split("/")
    if parts[0] == "":
        matches = [("/", "/")]
        parts = parts[1:]
    else:
        matches = [("", cwd)]
    last = len(parts) - 1
    for idx, comp in enumerate(parts):
        sep = "" if idx == last else "/"
        nxt: list[tuple[str, str]] = []
        if comp == "":
            for text, absdir in matches:
                if _listdir(fs, absdir) is not None:
                    nxt.append((text + sep, absdir))
        elif not _has_wildcards(comp):
            name = _unescape(comp)
            for text, absdir in matches:
                child = _join(absdir, name)
                if idx == last and name not in (".", ".."):
                    entries = _listdir(fs, absdir)
                    if entries is None or name not in entries:
                        continue
                nxt.append((text + name + sep, child))
        else:
            for text, absdir in matches:
                for entry in sorted(_listdir(fs, absdir) or []):
                    if entry in (".", "..") or not glob_match(comp, entry):
                        continue
                    child = _join(absdir, entry)
                    if idx != last and _listdir(fs, child) is None:
                        continue
                    nxt.append((text + entry + sep, child))
                    if len(nxt) > _MAX_GLOB_RESULTS:
                        break
        matches = nxt
        if not matches:
            return []
    return sorted(text for text, _ in matches)


def _listdir(fs: DirLister, path: str) -> list[str] | None:
    try:
        return fs.listdir(path)
    except Exception:
        return None


def _join(base: str, name: str) -> str:
    path = posixpath.normpath(posixpath.join(base, name))
    return "/" + path.lstrip("/") if path.startswith("/") else path


def _split_unquoted(s: str, sep: str) -> tuple[str, str | None]:
    """Split at the first ``sep`` that is not quoted, escaped or nested."""
    n = len(s)
    i = 0
    while i < n:
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == "'":
            i = _skip_squote(s, i) + 1
            continue
        if c == '"':
            i = _skip_dquote(s, i) + 1
            continue
        if c == "`":
            i = _skip_backquote(s, i) + 1
            continue
        if c == "$" and i + 1 < n and s[i + 1] in "({":
            i = _skip_group(s, i + 1) + 1
            continue
        if c == sep:
            return s[:i], s[i + 1 :]
        i += 1
    return s, None


def _unescape_backquote(body: str) -> str:
    out = []
    i = 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body) and body[i + 1] in "\\`$":
            out.append(body[i + 1])
            i += 2
        else:
            out.append(body[i])
            i += 1
    return "".join(out)


_SIMPLE_ESCAPES = {
    "n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v",
    "e": "\x1b", "E": "\x1b", "\\": "\\", "'": "'", '"': '"', "?": "?",
}  # fmt: skip


def _ansi_c(s: str, *, echo: bool = False) -> str:
    """Decode ``$'…'`` escapes (also ``echo -e`` / ``printf`` with ``echo=True``:
    ``\\0nnn`` octal and no ``\\'``)."""
    out = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c != "\\" or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        e = s[i + 1]
        i += 2
        if e in _SIMPLE_ESCAPES and not (echo and e in "'\"?"):
            out.append(_SIMPLE_ESCAPES[e])
        elif e in "01234567":
            start = i - 1
            if echo and e == "0":
                start = i
            j = start
            while j < n and j < start + 3 and s[j] in "01234567":
                j += 1
            out.append(chr(int(s[start:j] or "0", 8) & 0xFF))
            i = j
        elif e == "x":
            j = i
            while j < n and j < i + 2 and s[j] in "0123456789abcdefABCDEF":
                j += 1
            out.append(chr(int(s[i:j], 16)) if j > i else "\\x")
            i = j
        elif e in "uU":
            j = i
            limit = 4 if e == "u" else 8
            while j < n and j < i + limit and s[j] in "0123456789abcdefABCDEF":
                j += 1
            code = int(s[i:j], 16) if j > i else -1
            out.append(chr(code) if 0 <= code <= 0x10FFFF else "\\" + e + s[i:j])
            i = j
        elif e == "c" and i < n and not echo:
            out.append(chr(ord(s[i]) & 0x1F))
            i += 1
        else:
            out.append("\\" + e)
    return "".join(out)


# ---------------------------------------------------------------------------------------
# Command substitution: a tiny tokenizer and a few pure commands
# ---------------------------------------------------------------------------------------


def _command_list(body: str) -> list[list[str]] | None:
    """Raw words of each simple command in ``a; b && c``; None when the body holds
    anything else (pipes, ``||``, redirections, assignments, subshells, comments)."""
    commands: list[list[str]] = [[]]
    n = len(body)
    i = 0
    start = -1

    def end_word(at: int) -> None:
        nonlocal start
        if start >= 0:
            commands[-1].append(body[start:at])
            start = -1

    while i < n:
        c = body[i]
        if c in " \t":
            end_word(i)
            i += 1
            continue
        if c in ";\n" or body.startswith("&&", i):
            end_word(i)
            if commands[-1]:
                commands.append([])
            elif c != "\n":
                return None
            i += 2 if c == "&" else 1
            continue
        if c in "|&<>()" or (c == "#" and start < 0):
            return None
        if start < 0:
            start = i
        if c == "\\":
            i += 2
        elif c == "'":
            i = _skip_squote(body, i) + 1
        elif c == '"':
            i = _skip_dquote(body, i) + 1
        elif c == "`":
            i = _skip_backquote(body, i) + 1
        elif c == "$" and i + 1 < n and body[i + 1] in "({":
            i = _skip_group(body, i + 1) + 1
        else:
            i += 1
    end_word(n)
    if not commands[-1]:
        commands.pop()
    for words in commands:
        if "=" in words[0] and _is_name(words[0].split("=", 1)[0]):
            return None
    return commands


def _run_pure(fields: list[Field], cwd: str) -> tuple[str, bool] | None:
    """Output of a pure command, (text, symbolic); None when it is not one we model."""
    if not fields or fields[0].symbolic:
        return None
    name, args = fields[0].text, fields[1:]
    symbolic = any(f.symbolic for f in args)
    texts = [f.text for f in args]
    handler = _PURE.get(name)
    if handler is None:
        return None
    out = handler(texts, cwd, symbolic)
    return None if out is None else (out, symbolic)


def _cmd_pwd(args: list[str], cwd: str, symbolic: bool) -> str | None:
    return cwd + "\n" if all(a in ("-L", "-P") for a in args) else None


def _cmd_true(args: list[str], cwd: str, symbolic: bool) -> str | None:
    return ""


def _basename(path: str, suffix: str = "") -> str:
    stripped = path.rstrip("/")
    if not stripped:
        return "/" if path else ""
    base = stripped.rsplit("/", 1)[-1]
    if suffix and base.endswith(suffix) and base != suffix:
        base = base[: -len(suffix)]
    return base


def _dirname(path: str) -> str:
    stripped = path.rstrip("/")
    if not stripped:
        return "/" if path else "."
    if "/" not in stripped:
        return "."
    head = stripped.rsplit("/", 1)[0].rstrip("/")
    return head or "/"


def _cmd_basename(args: list[str], cwd: str, symbolic: bool) -> str | None:
    suffix = ""
    multi = False
    names: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            names += args[i + 1 :]
            break
        if a in ("-a", "--multiple"):
            multi = True
        elif a in ("-s", "--suffix") and i + 1 < len(args):
            suffix, multi = args[i + 1], True
            i += 1
        elif a.startswith("--suffix="):
            suffix, multi = a.split("=", 1)[1], True
        elif a.startswith("-") and len(a) > 1 and not names:
            return None
        else:
            names.append(a)
        i += 1
    if not names:
        return None
    if not multi:
        if len(names) > 2:
            return None
        names, suffix = names[:1], (names[1] if len(names) == 2 else "")
    if symbolic and any(not _literal_last_component(n) for n in names):
        return None
    return "".join(_basename(n, suffix) + "\n" for n in names)


def _literal_last_component(path: str) -> bool:
    """Whether the last component of a (possibly symbolic) rendering is split off at a
    literal ``/``, so basename/dirname of it are exact."""
    return "/" in path.rstrip("/")[_placeholder_free_tail(path.rstrip("/")) :]


def _cmd_dirname(args: list[str], cwd: str, symbolic: bool) -> str | None:
    names = [a for a in args if a != "--"]
    if not names or any(a.startswith("-") and len(a) > 1 for a in args if a != "--"):
        return None
    if symbolic and any(not _literal_last_component(n) for n in names):
        return None
    return "".join(_dirname(n) + "\n" for n in names)


def _cmd_realpath(args: list[str], cwd: str, symbolic: bool) -> str | None:
    flags = [a for a in args if a.startswith("-") and len(a) > 1]
    names = [a for a in args if a not in flags]
    if not names or any(f not in ("-m", "-e", "-s", "-q", "-L", "-P", "--") for f in flags):
        return None
    if symbolic and any(n.startswith("$") or n.startswith("..") or "/.." in n for n in names if "$" in n):
        return None  # normalising would drop or misplace the unknown part
    return "".join(_join(cwd, n) + "\n" for n in names)


def _cmd_readlink(args: list[str], cwd: str, symbolic: bool) -> str | None:
    if not args or args[0] not in ("-f", "-m", "-e"):
        return None
    return _cmd_realpath(args[1:], cwd, symbolic)


def _cmd_echo(args: list[str], cwd: str, symbolic: bool) -> str | None:
    newline, escapes = True, False
    while args and len(args[0]) > 1 and args[0][0] == "-" and set(args[0][1:]) <= set("neE"):
        for flag in args[0][1:]:
            if flag == "n":
                newline = False
            else:
                escapes = flag == "e"
        args = args[1:]
    text = " ".join(args)
    if escapes:
        if "\\c" in text:
            return _ansi_c(text[: text.index("\\c")], echo=True)
        text = _ansi_c(text, echo=True)
    return text + ("\n" if newline else "")


def _cmd_printf(args: list[str], cwd: str, symbolic: bool) -> str | None:
    if not args or args[0] == "-v":
        return None
    if args[0] == "--":
        args = args[1:]
    if not args:
        return None
    fmt, rest = _ansi_c(args[0], echo=True), args[1:]
    out: list[str] = []
    for _ in range(len(rest) + 1):
        consumed, piece = _printf_once(fmt, rest)
        if piece is None:
            return None
        out.append(piece)
        rest = rest[consumed:]
        if not rest or consumed == 0:
            break
    return "".join(out)


def _printf_once(fmt: str, args: list[str]) -> tuple[int, str | None]:
    out: list[str] = []
    used = 0
    i = 0
    while i < len(fmt):
        c = fmt[i]
        if c != "%":
            out.append(c)
            i += 1
            continue
        j = i + 1
        while j < len(fmt) and fmt[j] in "-0+ #":
            j += 1
        while j < len(fmt) and fmt[j].isdigit():
            j += 1
        if j >= len(fmt):
            return used, None
        conv, flags_width = fmt[j], fmt[i + 1 : j]
        if conv == "%":
            out.append("%")
        elif conv in "sdib":
            arg = args[used] if used < len(args) else ""
            used += 1
            if len(flags_width) > 4:
                return used, None
            if conv == "s":
                out.append(("%" + flags_width + "s") % arg)
            elif conv == "b":
                out.append(("%" + flags_width + "s") % _ansi_c(arg, echo=True))
            else:
                n = _int(arg.strip()) if arg.strip() else 0
                if n is None:
                    return used, None
                out.append(("%" + flags_width + "d") % n)
        else:
            return used, None
        i = j + 1
    return used, "".join(out)


_PURE: dict[str, Callable[[list[str], str, bool], str | None]] = {
    "pwd": _cmd_pwd,
    "true": _cmd_true,
    ":": _cmd_true,
    "basename": _cmd_basename,
    "dirname": _cmd_dirname,
    "realpath": _cmd_realpath,
    "readlink": _cmd_readlink,
    "echo": _cmd_echo,
    "printf": _cmd_printf,
}


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
        items = _Expander(vars, fs, cwd).word_items(word)
    except (RecursionError, ValueError, IndexError, KeyError, TypeError, OverflowError):
        return Field(word, True, False)
    chars: list[str] = []
    symbolic = quoted = False
    for it in items:
        if it is _Mark.ALIVE:
            quoted = True
        elif it is _Mark.HARD or it is _Mark.SOFT:
            chars.append(" ")
        elif isinstance(it, _Ch):
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
    return _as_pattern(items), _is_symbolic(items)


def has_glob(word: str) -> bool:
    """Whether the word has an unquoted ``*``, ``?`` or ``[…]`` outside expansions."""
    try:
        exp = _Expander(_NoVars(), None, "/")
        for braced in brace_expand(word):
            items = [it for it in exp.word_items(braced) if isinstance(it, _Ch) and not it.split]
            if _has_wildcards(_as_pattern(items)):
                return True
    except (RecursionError, ValueError, IndexError, KeyError, TypeError, OverflowError):
        return False
    return False
