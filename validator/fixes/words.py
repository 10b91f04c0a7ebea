"""Shell words as written: split a path word, join paths onto it, match it to a value.

Fixes reuse the user's words so that ``packages/${name}-build`` and
``${{ matrix.function }}`` stay variables in the corrected script.
"""

from __future__ import annotations

import re

EXPANSION = re.compile(r"\$\{\{.*?\}\}|\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|\$[0-9@*#?]")
QUOTES = "\"'"
GLOB = re.compile(r"[*?\[]")


def unquoted(word: str) -> str:
    """The word without its quote characters (their content is kept as is)."""
    return "".join(ch for ch in word if ch not in QUOTES)


def balanced(word: str) -> bool:
    single = double = False
    for ch in word:
        if ch == "'" and not double:
            single = not single
        elif ch == '"' and not single:
            double = not double
    return not single and not double


def has_expansion(word: str) -> bool:
    return bool(EXPANSION.search(word))


def strip_trailing_slash(word: str) -> tuple[str, bool]:
    """``build/`` -> (``build``, True); ``"${d}/"`` -> (``"${d}"``, True)."""
    if word.endswith("/") and len(word) > 1:
        return word.rstrip("/") or "/", True
    if len(word) > 2 and word[-1] in QUOTES and word[-2] == "/":
        return word[:-2].rstrip("/") + word[-1], True
    return word, False


def container(word: str) -> str | None:
    """The folder part of a source word (``src/lambdas/${n}/*`` -> ``src/lambdas/${n}``,
    ``src/lambdas/x`` -> ``src/lambdas``); ``""`` when it has no folder part, None when
    the split would cut through quotes."""
    base, _slash = strip_trailing_slash(word)
    cut = base.rfind("/")
    if cut < 0:
        return ""
    head = base[:cut]
    if not balanced(head):
        return None
    return head[2:] if head.startswith("./") else ("." if head == "." else head)


def pattern(word: str) -> re.Pattern[str]:
    """A regular expression for the values the word can take (each expansion: one path part)."""
    parts = []
    pos = 0
    text = unquoted(word)
    for m in EXPANSION.finditer(text):
        parts.append(re.escape(text[pos:m.start()]))
        parts.append(r"[^/]+")
        pos = m.end()
    parts.append(re.escape(text[pos:]))
    return re.compile("".join(parts))


def matches(word: str, value: str) -> bool:
    """Whether ``word`` can stand for ``value`` (the literal parts agree)."""
    if GLOB.search(unquoted(EXPANSION.sub("", word))):
        return False
    return pattern(word).fullmatch(value) is not None


def drop_suffix(word: str, suffix: str) -> str | None:
    """``packages/x-build/lib`` minus ``lib`` -> ``packages/x-build`` (literal suffix only)."""
    if not suffix:
        return word
    base, _ = strip_trailing_slash(word)
    quote = base[-1] if base and base[-1] in QUOTES else ""
    inner = base[:-1] if quote else base
    if not inner.endswith("/" + suffix):
        return None
    return inner[: -len(suffix) - 1] + quote


def join(base: str, suffix: str, slash: bool) -> str:
    """``base`` with ``/suffix`` appended as one word (inside ``base``'s double quotes when
    the suffix has no quotes or globs of its own), ending with ``/`` when ``slash``."""
    base, _ = strip_trailing_slash(base)
    end = "/" if slash else ""
    if not suffix:
        return f"{base[:-1]}{end}{base[-1]}" if base.endswith('"') else base + end
    if base.endswith('"') and not any(q in suffix for q in QUOTES) and not GLOB.search(suffix):
        return f"{base[:-1]}/{suffix}{end}\""
    return f"{base}/{suffix}{end}"


def shell_quote(path: str) -> str:
    """A literal path as a shell word (quoted only when it needs it)."""
    if re.fullmatch(r"[A-Za-z0-9_./@%+=:,-]+", path):
        return path
    return "'" + path.replace("'", "'\\''") + "'"
