"""Bash patterns: matching (``case``, ``${X#pat}``, ``[[ == ]]``) and pathname expansion.

Patterns are compiled to tokens and matched by NFA simulation, never by regexes, so
that matching stays polynomial whatever a script writes.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Sequence

from validator.simulate.values import MAX_GLOB_RESULTS, DirLister

__all__ = [
    "compile_pattern",
    "glob_match",
    "glob_paths",
    "has_wildcards",
    "join_path",
    "match_ends",
    "pattern_match",
    "unescape",
]

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


def compile_pattern(pattern: str) -> list[_Tok]:
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


def match_ends(toks: Sequence[_Tok], text: str, start: int, slash: bool) -> list[int]:
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
    toks = compile_pattern(pattern)
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


def has_wildcards(pattern: str) -> bool:
    """Whether an escaped pattern has an active ``*``, ``?`` or ``[…]``."""
    return not _is_literal(compile_pattern(pattern))


def unescape(pattern: str) -> str:
    """The literal text of a pattern without wildcards (its escapes removed)."""
    return "".join(t[1] for t in compile_pattern(pattern) if t[0] == "lit")


def glob_paths(pattern: str, fs: DirLister, cwd: str) -> list[str]:
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
                if safe_listdir(fs, absdir) is not None:
                    nxt.append((text + sep, absdir))
        elif not has_wildcards(comp):
            name = unescape(comp)
            for text, absdir in matches:
                child = join_path(absdir, name)
                if idx == last and name not in (".", ".."):
                    entries = safe_listdir(fs, absdir)
                    if entries is None or name not in entries:
                        continue
                nxt.append((text + name + sep, child))
        else:
            for text, absdir in matches:
                for entry in sorted(safe_listdir(fs, absdir) or []):
                    if entry in (".", "..") or not glob_match(comp, entry):
                        continue
                    child = join_path(absdir, entry)
                    if idx != last and safe_listdir(fs, child) is None:
                        continue
                    nxt.append((text + entry + sep, child))
                    if len(nxt) > MAX_GLOB_RESULTS:
                        break
        matches = nxt
        if not matches:
            return []
    return sorted(text for text, _ in matches)


def safe_listdir(fs: DirLister, path: str) -> list[str] | None:
    """A folder's entries, or None when it is not one (a lister may raise)."""
    try:
        return fs.listdir(path)
    except Exception:
        return None


def join_path(base: str, name: str) -> str:
    """``name`` resolved against ``base`` and normalised, as the shell sees the path."""
    path = posixpath.normpath(posixpath.join(base, name))
    return "/" + path.lstrip("/") if path.startswith("/") else path
