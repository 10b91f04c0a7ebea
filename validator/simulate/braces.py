"""Bash brace expansion (``{a,b}``, ``{1..5}``) of raw words, before any other expansion."""

from __future__ import annotations

import itertools

from validator.simulate.arith import decimal
from validator.simulate.scan import find_top_level
from validator.simulate.values import MAX_DEPTH

__all__ = ["brace_expand"]

_MAX_BRACE_WORDS = 4096  # a brace expansion that would produce more stays literal


def _brace_regions(word: str) -> tuple[int, int, list[int]] | None:
    """First brace expression ``{a,b}`` / ``{1..3}``: (open, close, top-level commas)."""
    i = find_top_level(word, "{")
    while i >= 0:
        found = _brace_close(word, i)
        if found is not None:
            close, commas = found
            if commas or _sequence(word[i + 1 : close]) is not None:
                return i, close, commas
        i = find_top_level(word, "{", i + 1)
    return None


def _brace_close(word: str, i: int) -> tuple[int, list[int]] | None:
    """The ``}`` closing the ``{`` at ``i`` and the commas between them at its level."""
    depth = 0
    commas: list[int] = []
    j = find_top_level(word, "{},", i + 1)
    while j >= 0:
        c = word[j]
        if c == "{":
            depth += 1
        elif c == "}":
            if depth == 0:
                return j, commas
            depth -= 1
        elif depth == 0:
            commas.append(j)
        j = find_top_level(word, "{},", j + 1)
    return None


def _sequence(body: str) -> list[str] | None:
    """``1..5``, ``a..e``, ``01..10..2``: the items, or None when not a sequence."""
    parts = body.split("..")
    if len(parts) not in (2, 3):
        return None
    step = 1
    if len(parts) == 3:
        parsed = decimal(parts[2])
        if parsed is None:
            return None
        step = abs(parsed) or 1
    a, b = parts[0], parts[1]
    ia, ib = decimal(a), decimal(b)
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
    if "{" not in word or len(word) > 10_000 or word.count("{") > 256:
        return [word]
    return _brace_expand(word, 0) or [word]


def _brace_expand(word: str, depth: int) -> list[str] | None:
    """None when the expansion is too large or too deep."""
    if depth > MAX_DEPTH:
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
