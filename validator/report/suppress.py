"""Inline suppressions: ``# validate-imports: ignore[LPK-003] reason``.

A finding's position is a line of the workflow file, whether it sits in YAML or inside
a ``run:`` script, so the workflow text is scanned line by line and shell comments and
YAML comments are treated alike.  A comment alone on its line applies to the next line
that is not blank or a comment; a trailing comment applies to its own line.  Codes are
required (no ``ignore[*]``, as in zizmor), and a suppression that hides nothing is
reported back (LPK-100, like ruff's RUF100) so stale ones do not pile up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from validator.model import Finding, Span
from validator.model.base import FrozenRecord

# The patterns are compiled on first use: most workflows have no suppression comment.


@cache
def _directive() -> re.Pattern[str]:
    return re.compile(r"(?:^|(?<=\s))#\s*validate-imports\s*:\s*ignore\s*\[(?P<codes>[^\]]*)\](?P<reason>.*)$")


@cache
def _loose() -> re.Pattern[str]:
    """Something that looks like a directive but is malformed (``ignore LPK-003``, ``noqa``), reported too."""
    return re.compile(r"(?:^|(?<=\s))#\s*validate-imports\s*:(?P<rest>.*)$")


@cache
def _code() -> re.Pattern[str]:
    return re.compile(r"^([A-Za-z]+)-?(\d{3})$")


@dataclass(frozen=True, eq=False, repr=False)
class Suppression(FrozenRecord):
    """One suppression comment and the line it silences."""

    path: str
    line: int  # the line findings must cover (the comment's own line, or the next code line)
    codes: tuple[str, ...]  # as written, normalised to ``LPK-003``; may hold unknown codes
    reason: str
    span: Span  # the comment itself, for reporting it
    #: why the comment cannot work at all (``ignore[*]``, no codes, bad syntax), or None
    problem: str | None = None
    invalid: tuple[str, ...] = field(default=())  # entries that are not codes (``*``, ``foo``)


def _normalise_code(raw: str) -> str | None:
    m = _code().match(raw.strip())
    return f"{m.group(1).upper()}-{m.group(2)}" if m else None


def _is_comment_or_blank(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def parse_suppressions(path: str, text: str) -> list[Suppression]:
    """Every suppression comment in a workflow file's text, with the line it applies to."""
    lines = text.splitlines()
    found: list[Suppression] = []
    for index, line in enumerate(lines):
        if "validate-imports" not in line:
            continue
        loose = _loose().search(line)
        if loose is None:
            continue
        start = loose.start()
        lineno = index + 1
        span = Span(path, lineno, start + 1, lineno, len(line.rstrip()) + 1)
        target = lineno
        if not line[:start].strip():
            target = next(
                (i + 1 for i in range(index + 1, len(lines)) if not _is_comment_or_blank(lines[i])),
                lineno,
            )
        m = _directive().search(line)
        if m is None or m.start() != start:
            found.append(
                Suppression(path, target, (), "", span,
                            problem="malformed suppression; write `# validate-imports: ignore[LPK-003] reason`")
            )
            continue
        entries = [e.strip() for e in m.group("codes").split(",") if e.strip()]
        codes: list[str] = []
        invalid: list[str] = []
        for entry in entries:
            code = _normalise_code(entry)
            if code is None:
                invalid.append(entry)
            elif code not in codes:
                codes.append(code)
        problem = None
        if "*" in invalid:
            problem = "ignore[*] is not supported; name the codes to ignore"
        elif not entries:
            problem = "ignore[] names no code"
        found.append(
            Suppression(path, target, tuple(codes), m.group("reason").strip(), span,
                        problem=problem, invalid=tuple(invalid))
        )
    return found


def matches(finding: Finding, suppression: Suppression) -> bool:
    """Whether ``suppression`` silences ``finding``: same file, its lines cover the target, code listed."""
    span = finding.span
    return (
        span.path == suppression.path
        and span.line <= suppression.line <= max(span.end_line, span.line)
        and finding.code in suppression.codes
    )


def apply_suppressions(
    findings: Sequence[Finding],
    suppressions: Sequence[Suppression],
    known: Iterable[str] | None = None,
) -> tuple[list[Finding], list[tuple[Suppression, str]]]:
    """Drop suppressed findings; return the kept ones and the suppressions to report, with why.

    ``known`` is the set of rule codes (default: every registered rule). A code that is
    not a rule, or one that silenced nothing, makes its suppression reportable; the other
    codes of the same comment keep working.
    """
    if known is None:
        from rules import all_rules

        known = [r.code for r in all_rules()]
    known_set = set(known)
    used: dict[int, set[str]] = {i: set() for i in range(len(suppressions))}
    kept: list[Finding] = []
    for finding in findings:
        hit = [i for i, s in enumerate(suppressions) if s.problem is None and matches(finding, s)]
        for i in hit:
            used[i].add(finding.code)
        if not hit:
            kept.append(finding)

    unused: list[tuple[Suppression, str]] = []
    for i, supp in enumerate(suppressions):
        if supp.problem:
            unused.append((supp, supp.problem))
            continue
        reasons: list[str] = []
        unknown = [c for c in supp.codes if c not in known_set] + list(supp.invalid)
        if unknown:
            reasons.append(f"unknown rule code{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}")
        idle = [c for c in supp.codes if c in known_set and c not in used[i]]
        if idle:
            reasons.append(f"no {', '.join(idle)} finding on line {supp.line}")
        if reasons:
            unused.append((supp, "; ".join(reasons)))
    return kept, unused
