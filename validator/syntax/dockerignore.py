""".dockerignore files, with the rules of moby/patternmatcher (what BuildKit applies).

Reading (``ignorefile.ReadAll``): a BOM is dropped; a line starting with ``#`` is a
comment (checked before trimming); lines are trimmed and empty ones skipped; ``!``
makes an exception; each pattern is cleaned (``filepath.Clean``) and one leading ``/``
dropped.  Matching: Go ``filepath.Match`` (``*`` and ``?`` stop at ``/``, ``[…]``
classes, ``\\`` escapes) plus ``**`` (any number of folders); a path is excluded when it
or a folder above it matches, and the last matching pattern decides, so an exception
can bring a path back.  Paths are relative to the build context.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from validator.model.base import Record

#: patterns read at most: a larger file is not judged (its exclusions are unknown)
MAX_PATTERNS = 5_000


@dataclass(eq=False, repr=False)
class Pattern(Record):
    text: str  # cleaned pattern
    exclusion: bool  # ``!pattern``: re-includes
    line: int
    regex: re.Pattern[str]


@dataclass(eq=False, repr=False)
class IgnoreFile(Record):
    path: str
    patterns: list[Pattern] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    #: the file could not be read whole: which context files it excludes is unknown
    unknown: bool = False

    def excluded(self, rel: str) -> Pattern | None:
        """The pattern that excludes ``rel`` (context-relative), or None when it is kept."""
        parents = _parents(rel)
        decided: Pattern | None = None
        for p in self.patterns:
            if p.regex.fullmatch(rel) or any(p.regex.fullmatch(d) for d in parents):
                decided = None if p.exclusion else p
        return decided


def _parents(rel: str) -> list[str]:
    parts = rel.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def parse_ignore(text: str, path: str) -> IgnoreFile:
    out = IgnoreFile(path)
    text = text.removeprefix("\ufeff")
    for number, raw in enumerate(text.splitlines(), 1):
        if raw.startswith("#"):
            continue
        line = raw.strip()
        if not line:
            continue
        if len(out.patterns) >= MAX_PATTERNS:
            out.problems.append((number, f"{path} has more than {MAX_PATTERNS} patterns; the rest are not read"))
            out.unknown = True
            break
        exclusion = line.startswith("!")
        if exclusion:
            line = line[1:].strip()
            if not line:
                out.problems.append((number, 'illegal exclusion pattern: "!" (docker build fails)'))
                continue
        cleaned = posixpath.normpath(line)
        cleaned = cleaned[1:] if cleaned.startswith("/") else cleaned
        regex = compile_pattern(cleaned)
        if regex is None:
            out.problems.append((number, f"bad pattern {line!r} (docker build fails: syntax error in pattern)"))
            continue
        out.patterns.append(Pattern(cleaned, exclusion, number, regex))
    return out


def compile_pattern(pattern: str) -> re.Pattern[str] | None:
    """A regular expression for one patternmatcher pattern; None for a malformed one."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            if pattern.startswith("**", i):
                i += 2
                if i < n and pattern[i] == "/":
                    out.append("(?:.*/)?")
                    i += 1
                else:
                    out.append(".*")
                continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pattern.find("]", i + 2 if i + 1 < n and pattern[i + 1] in "^!" else i + 1)
            if j < 0:
                return None
            body = pattern[i + 1 : j]
            if body.startswith(("^", "!")):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = j
        elif c == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(c))
        i += 1
    try:
        return re.compile("".join(out))
    except re.error:
        return None
