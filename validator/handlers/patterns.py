"""Symbolic text: archive names, S3 keys and function names with parts nobody knows statically.

A workflow writes ``packages/ingestion-${SHA}.zip`` or ``${{ github.sha }}``, Terraform
writes ``"${var.env}-ingestion"``; each unknown part is a wildcard, so two such texts
*may* name the same thing when their patterns intersect.  A match that rests on
wildcards alone says nothing, so callers also ask for literal content.
"""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache

WILD = None  # a pattern token that stands for any text

Token = str | None

_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _skip_braced(text: str, i: int, open_: str, close: str) -> int:
    """Index after the bracket that closes the one opened at ``text[i]``."""
    depth = 0
    while i < len(text):
        ch = text[i]
        if ch == open_:
            depth += 1
        elif ch == close:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(text)


@lru_cache(maxsize=65536)
def tokens(text: str) -> tuple[Token, ...]:
    """Literal characters and wildcards: ``${…}``, ``${{ … }}``, ``$(…)``, ``$NAME``,
    backquotes and shell globs (``*``, ``?``) are wildcards."""
    out: list[Token] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "$" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt == "{":
                i = _skip_braced(text, i + 1, "{", "}")
                _wild(out)
                continue
            if nxt == "(":
                i = _skip_braced(text, i + 1, "(", ")")
                _wild(out)
                continue
            m = _NAME_RE.match(text, i + 1)
            if m:
                i = m.end()
                _wild(out)
                continue
        if ch == "`":
            end = text.find("`", i + 1)
            i = len(text) if end < 0 else end + 1
            _wild(out)
            continue
        if ch in "*?":
            _wild(out)
            i += 1
            continue
        out.append(ch)
        i += 1
    return tuple(out)


def _wild(out: list[Token]) -> None:
    if not out or out[-1] is not WILD:
        out.append(WILD)


def is_symbolic(text: str) -> bool:
    return WILD in tokens(text)


@lru_cache(maxsize=65536)
def literal(text: str) -> str:
    """The text with every symbolic part removed."""
    return "".join(t for t in tokens(text) if t is not WILD)


def literal_tail(text: str) -> str:
    """The literal characters after the last symbolic part (all of ``text`` when it has
    none).  Two symbolic texts can be equal only if the shorter of their tails ends the
    longer one."""
    toks = tokens(text)
    out: list[str] = []
    for t in reversed(toks):
        if t is WILD:
            break
        out.append(t)
    return "".join(reversed(out))


@lru_cache(maxsize=65536)
def informative(text: str) -> bool:
    """Has at least a three-character literal word, so a match on it means something."""
    return re.search(r"[A-Za-z0-9_]{3,}", literal(text).replace(".zip", "")) is not None


def intersects(a: str, b: str) -> bool:
    """Some value of the symbolic parts makes ``a`` and ``b`` the same text."""
    ta, tb = tokens(a), tokens(b)
    if not _ends_agree(ta, tb) or not _ends_agree(ta[::-1], tb[::-1]):
        return False  # the literal starts (or ends) differ: no wildcard can reconcile them
    return _intersects(ta, tb)


def _ends_agree(a: tuple[Token, ...], b: tuple[Token, ...]) -> bool:
    """The literal characters before the first wildcard of each agree where both have one."""
    for x, y in zip(a, b, strict=False):
        if x is WILD or y is WILD:
            return True
        if x != y:
            return False
    return True


@lru_cache(maxsize=8192)
def _intersects(a: tuple[Token, ...], b: tuple[Token, ...]) -> bool:
    n, m = len(a), len(b)
    seen: set[tuple[int, int]] = set()
    stack = [(0, 0)]
    while stack:
        i, j = stack.pop()
        if (i, j) in seen:
            continue
        seen.add((i, j))
        if i == n and j == m:
            return True
        if i < n and a[i] is WILD:
            stack.append((i + 1, j))  # the wildcard ends here
            if j < m:
                stack.append((i, j + 1))  # it swallows b[j]
        if j < m and b[j] is WILD:
            stack.append((i, j + 1))
            if i < n:
                stack.append((i + 1, j))
        if i < n and j < m and a[i] is not WILD and a[i] == b[j]:
            stack.append((i + 1, j + 1))
    return False


def literal_runs(text: str) -> list[str]:
    """The literal stretches between symbolic parts (``${var.team}-api-${env}`` -> ``["-api-"]``)."""
    runs: list[str] = []
    current: list[str] = []
    for t in tokens(text):
        if t is WILD:
            runs.append("".join(current))
            current = []
        else:
            current.append(t)
    runs.append("".join(current))
    return [r for r in runs if r]


def literally_within(pattern: str, text: str) -> bool:
    """Every literal stretch of ``pattern`` stands in ``text``'s own literal parts: the
    match does not rest on ``text``'s wildcards swallowing it."""
    known = literal_runs(text)
    return all(any(run.strip("-_.:/") in part for part in known) for run in literal_runs(pattern)
               if run.strip("-_.:/"))


def matches(a: str, b: str) -> bool:
    """``a`` and ``b`` can be the same and both carry literal content."""
    return informative(a) and informative(b) and intersects(a, b)


# --------------------------------------------------------------------------- paths


def strip_s3_uri(key: str) -> str:
    """``s3://bucket/a/b.zip`` → ``a/b.zip``; a bare key is returned unchanged."""
    if key.startswith("s3://"):
        rest = key[5:]
        return rest.split("/", 1)[1] if "/" in rest else ""
    return key.lstrip("/")


def basename(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def norm_path(path: str) -> str:
    """POSIX-normalised, without ``./`` and a trailing ``/``; ``..`` stays only when it
    climbs past the start."""
    if not path:
        return ""
    out = posixpath.normpath(path.replace("\\", "/"))
    return "" if out == "." else out


def join(base: str, rel: str) -> str:
    """``rel`` resolved against the repository-relative directory ``base``."""
    if rel.startswith("/"):
        return norm_path(rel)
    return norm_path(posixpath.join(base, rel) if base else rel)


def path_tail_matches(a: str, b: str) -> bool:
    """The shorter path is the tail of the longer one (symbolic-aware per component),
    and the basenames carry literal content."""
    pa = [p for p in norm_path(a).split("/") if p not in ("", ".", "..")]
    pb = [p for p in norm_path(b).split("/") if p not in ("", ".", "..")]
    if not pa or not pb:
        return False
    if pa[-1] != pb[-1] and not matches(pa[-1], pb[-1]):
        return False
    return all(x == y or intersects(x, y) for x, y in zip(reversed(pa), reversed(pb), strict=False))


# --------------------------------------------------------------------------- names

#: words that say "this is a function" rather than which one
_NOISE = frozenset({"function", "functions", "fn", "func", "lambda", "lambdas", "handler", "handlers",
                    "zip", "package", "pkg", "code", "archive", "bundle", "artifact", "deployment"})
_VERSION = re.compile(r"^(v?\d+([._]\d+)*|(?=[0-9a-f]*\d)[0-9a-f]{7,40}|latest|build|dist)$")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


@lru_cache(maxsize=65536)
def name_tokens(text: str) -> tuple[str, ...]:
    """Words that identify a function: ``IngestionFunction``, ``ingestion_lambda``,
    ``${var.env}-ingestion-fn`` and ``ingestion-${SHA}.zip`` all give ``("ingestion",)``."""
    lit_parts: list[str] = []
    buf = ""
    for t in tokens(text):
        if t is WILD:
            lit_parts.append(buf)
            buf = ""
        else:
            buf += t
    lit_parts.append(buf)
    words: list[str] = []
    for part in lit_parts:
        part = re.sub(r"\.zip$", "", part)
        for chunk in re.split(r"[^A-Za-z0-9]+", part):
            words.extend(w.lower() for w in _CAMEL.split(chunk) if w)
    while words and _VERSION.match(words[-1]):
        words.pop()
    kept = [w for w in words if w not in _NOISE and not (w.isdigit() and len(w) > 2)]
    return tuple(kept or words)


@lru_cache(maxsize=65536)
def key_identity(key: str) -> tuple[str, ...]:
    """What an S3 key or archive path names: its basename's words, or the folder's when
    the basename is only a version (``ingestion/${SHA}.zip``)."""
    parts = [p for p in strip_s3_uri(key).split("/") if p]
    for part in reversed(parts):
        words = name_tokens(part)
        if words and not all(_VERSION.match(w) for w in words):
            return words
    return ()


def names_equal(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return bool(a) and a == b


#: words that name a deployment stage rather than a function
_STAGES = frozenset({"dev", "development", "test", "testing", "qa", "uat", "stage", "staging", "stg",
                     "preprod", "prod", "production", "live", "main", "sandbox", "demo"})


def names_contain(whole: tuple[str, ...], part: tuple[str, ...]) -> bool:
    """``part`` ends ``whole`` once stage words are dropped: a project or stage prefix
    (``myapp-ingestion``, ``ingestion-prod``), not another function (``ingestion-analysis``)."""
    if not whole or not part or whole == part:
        return False
    core = list(whole)
    while core and core[-1] in _STAGES and tuple(core) != part:
        core.pop()
    return len(core) >= len(part) and tuple(core[len(core) - len(part):]) == part


def contain_ends(whole: tuple[str, ...]) -> list[str]:
    """The words ``names_contain(whole, part)`` may find at ``part``'s end: the last word,
    and each one exposed by dropping trailing stage words (an index key, see lookup.py)."""
    out: list[str] = []
    for word in reversed(whole):
        out.append(word)
        if word not in _STAGES:
            break
    return out
