"""Same-length masking of text that bashlex cannot read.

Every replacement has exactly the length of what it replaces, so offsets in the masked
text are offsets in the original script: nodes built from the masked text still point at
the characters the user wrote.
"""

from __future__ import annotations


class Mask:
    """Replace ``text[start:end]`` by ``replacement`` (same length).

    A plain slotted class: cheaper to define at import than a dataclass or NamedTuple.
    """

    __slots__ = ("end", "replacement", "start")

    def __init__(self, start: int, end: int, replacement: str) -> None:
        self.start = start
        self.end = end
        self.replacement = replacement

    def __repr__(self) -> str:
        return f"Mask({self.start}, {self.end}, {self.replacement!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mask):
            return NotImplemented
        return (self.start, self.end, self.replacement) == (other.start, other.end, other.replacement)

    def __hash__(self) -> int:
        return hash((self.start, self.end, self.replacement))


def apply_masks(text: str, masks: list[Mask], start: int = 0, end: int | None = None) -> str:
    """``text[start:end]`` with every mask inside that range applied (later masks win)."""
    stop = len(text) if end is None else end
    chars = list(text[start:stop])
    for mask in masks:
        if mask.start < start or mask.end > stop:
            continue
        chars[mask.start - start : mask.end - start] = mask.replacement
    return "".join(chars)


def parameter_placeholder(length: int, stem: str) -> str:
    """``${stem___}`` of exactly ``length`` characters (``length`` >= 4)."""
    name_len = length - 3
    return "${" + (stem + "_" * name_len)[:name_len] + "}"


def blank(text: str) -> str:
    """Spaces for every character except newlines (keeps line structure)."""
    return "".join(ch if ch == "\n" else " " for ch in text)


def glue(text: str) -> str:
    """One word of ``_`` of the same length (newlines included)."""
    return "_" * len(text)


# --- GitHub expressions -------------------------------------------------------------------

_PREFIXES = ("_GHA", "_G", "_")


def _expression_end(text: str, start: int) -> int | None:
    """Index just past the ``}}`` closing the expression opened at ``start``.

    String literals in expressions are single-quoted (``''`` escapes a quote) and may
    contain ``}}``.
    """
    i = start + 3
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "'":
            i += 1
            while i < n:
                if text[i] == "'":
                    if text[i + 1 : i + 2] == "'":
                        i += 2
                        continue
                    break
                i += 1
            i += 1
            continue
        if ch == "}" and text[i + 1 : i + 2] == "}":
            return i + 2
        i += 1
    return None


def _placeholder_name(length: int, counter: int, used: set[str]) -> str | None:
    """A fresh variable name of exactly ``length`` characters, numbered from ``counter``."""
    limit = counter + 10 ** max(length - 1, 1)
    for number in range(counter, limit):
        for prefix in _PREFIXES:
            base = f"{prefix}{number}"
            if len(base) > length:
                continue
            name = base + "_" * (length - len(base))
            if name not in used:
                return name
    for number in range(0, counter):
        for prefix in _PREFIXES:
            base = f"{prefix}{number}"
            if len(base) <= length and (name := base + "_" * (length - len(base))) not in used:
                return name
    return None


def mask_expressions(text: str) -> tuple[str, dict[str, str]]:
    """Replace each GitHub ``${{ expr }}`` by a same-length ``${_GHA<n>…}``.

    GitHub substitutes these before the shell runs, so they are replaced everywhere,
    including inside quotes and here-documents.  Returns the new text and a map from
    placeholder variable name to the stripped expression text.  An expression too short
    to hold a placeholder name (``${{}}`` past the tenth) becomes ``_`` characters.
    """
    if "${{" not in text:
        return text, {}
    out: list[str] = []
    expressions: dict[str, str] = {}
    used: set[str] = set()
    pos = 0
    while True:
        start = text.find("${{", pos)
        if start < 0:
            break
        end = _expression_end(text, start)
        if end is None:
            break
        out.append(text[pos:start])
        name = _placeholder_name(end - start - 3, len(expressions), used)
        if name is None:
            out.append("_" * (end - start))
        else:
            used.add(name)
            expressions[name] = text[start + 3 : end - 2].strip()
            out.append("${" + name + "}")
        pos = end
    out.append(text[pos:])
    return "".join(out), expressions
