"""Golden tests: every fixture repository's findings must equal its ``expected.txt``.

Each case is ``tests/fixtures/<case>/repo/`` with ``tests/fixtures/<case>/expected.txt``
beside it: one line per expected finding, ``PATH:LINE:COL: CODE PACKAGE`` (PACKAGE is
``-`` when the finding names none; ``:COL`` may be left out to compare without the
column). An empty file means the case must stay quiet. Order does not matter; the
comparison is a multiset comparison.

Beside it, ``expected.out`` pins each finding's full text (severity, message, hint and
related locations), as actionlint's ``.out`` files do, so that a change of wording shows in
review as a diff of that file.

``pytest --update-goldens`` rewrites both files from the engine's output; review the
resulting diff by hand, since the expected files state the rule semantics.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CASES = sorted(p.parent for p in FIXTURES.glob("*/expected.txt"))

_LINE = re.compile(
    r"^(?P<path>[^:\s][^:]*):(?P<line>\d+)(?::(?P<col>\d+))?:\s+(?P<code>[A-Z]+-\d+)\s+(?P<pkg>\S+)\s*$"
)


class Entry(NamedTuple):
    path: str
    line: int
    column: int | None  # None: compare without the column
    code: str
    package: str

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column or 0, self.code, self.package)

    def without_column(self) -> Entry:
        return self._replace(column=None)

    def __str__(self) -> str:
        col = f":{self.column}" if self.column is not None else ""
        return f"{self.path}:{self.line}{col}: {self.code} {self.package}"


def parse_expected(text: str, source: str = "expected.txt") -> list[Entry]:
    entries = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _LINE.match(line)
        if m is None:
            raise ValueError(f"{source}:{n}: cannot parse {raw!r} (want 'PATH:LINE:COL: CODE PACKAGE')")
        col = m.group("col")
        entries.append(
            Entry(
                m.group("path"),
                int(m.group("line")),
                int(col) if col else None,
                m.group("code"),
                m.group("pkg"),
            )
        )
    return entries


def actual_entries(result) -> list[Entry]:
    return [Entry(f.span.path, f.span.line, f.span.column, f.code, f.package or "-") for f in result.findings]


def compare(expected: list[Entry], actual: list[Entry]) -> tuple[list[Entry], list[Entry]]:
    """Return (missing, unexpected); an expected entry without a column matches any column."""
    remaining = Counter(actual)
    missing: list[Entry] = []
    for e in (e for e in expected if e.column is not None):
        if remaining[e] > 0:
            remaining[e] -= 1
        else:
            missing.append(e)
    for e in (e for e in expected if e.column is None):
        hit = next(
            (
                a
                for a in sorted(remaining, key=Entry.sort_key)
                if remaining[a] > 0 and a.without_column() == e
            ),
            None,
        )
        if hit is None:
            missing.append(e)
        else:
            remaining[hit] -= 1
    unexpected = sorted(remaining.elements(), key=Entry.sort_key)
    return sorted(missing, key=Entry.sort_key), unexpected


def render_diff(case: str, expected: list[Entry], actual: list[Entry], missing, unexpected, result) -> str:
    out = [f"findings of fixture {case!r} differ from expected.txt", ""]
    out.append("expected:")
    out += [f"    {e}" for e in sorted(expected, key=Entry.sort_key)] or [
        "    (nothing: the case must stay quiet)"
    ]
    out.append("actual:")
    out += [f"    {a}" for a in sorted(actual, key=Entry.sort_key)] or ["    (nothing)"]
    out.append("diff (- missing, + unexpected):")
    out += [f"  - {e}" for e in missing]
    out += [f"  + {a}" for a in unexpected]
    messages = [
        f
        for f in result.findings
        if Entry(f.span.path, f.span.line, f.span.column, f.code, f.package or "-") in unexpected
    ]
    if messages:
        out.append("messages of the unexpected findings:")
        out += [f"    {f.span}: {f.code} {f.package or '-'}: {f.message}" for f in messages]
    return "\n".join(out)


def _analyze(root: Path):
    try:
        from validator.engine import analyze
    except ImportError as exc:  # the engine is not importable (yet)
        pytest.fail(f"validator.engine.analyze is not importable: {exc}")
    return analyze(root=root)


def full_text(result) -> str:  # type: ignore[no-untyped-def]
    """Every finding as a reader sees it: position, code, severity, message, hint, related."""
    out = []
    for f in sorted(result.findings, key=lambda f: (f.span.path, f.span.line, f.span.column, f.code, f.message)):
        out.append(f"{f.span.path}:{f.span.line}:{f.span.column}: {f.code} [{f.severity.value}] {f.message}")
        if f.hint:
            out.append(f"    help: {f.hint}")
        out += [f"    related: {r.path}:{r.line}: {r.message}" for r in f.related]
        if f.fix is not None:
            out.append(f"    fix ({f.fix.applicability.value}): {f.fix.title}")
        elif f.fix_declined:
            out.append(f"    no fix: {f.fix_declined}")
    return "".join(f"{line}\n" for line in out)


@pytest.mark.parametrize("case_dir", CASES, ids=[c.name for c in CASES])
def test_fixture(case_dir: Path, update_goldens: bool) -> None:
    expected_file = case_dir / "expected.txt"
    expected = parse_expected(expected_file.read_text(encoding="utf-8"), str(expected_file))
    result = _analyze(case_dir / "repo")
    actual = actual_entries(result)
    missing, unexpected = compare(expected, actual)
    text_file = case_dir / "expected.out"
    text = full_text(result)
    if update_goldens:
        if missing or unexpected:
            lines = [str(a) for a in sorted(actual, key=Entry.sort_key)]
            expected_file.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        if not text_file.is_file() or text_file.read_text(encoding="utf-8") != text:
            text_file.write_text(text, encoding="utf-8")
        return
    if missing or unexpected:
        pytest.fail(render_diff(case_dir.name, expected, actual, missing, unexpected, result), pytrace=False)
    assert text_file.is_file(), f"{case_dir.name}: no expected.out (run pytest --update-goldens and review it)"
    assert text == text_file.read_text(encoding="utf-8"), f"{case_dir.name}: the findings' text changed"


def test_fixture_layout() -> None:
    """Every case has a repo, a README and well-formed expectations; there are enough cases."""
    assert len(CASES) >= 17, f"only {len(CASES)} fixture cases"
    problems = []
    for case in CASES:
        if not (case / "repo").is_dir():
            problems.append(f"{case.name}: no repo/")
        if not (case / "README.md").is_file():
            problems.append(f"{case.name}: no README.md")
        try:
            entries = parse_expected((case / "expected.txt").read_text(encoding="utf-8"), case.name)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        for e in entries:
            target = case / "repo" / e.path
            if not target.is_file():
                problems.append(f"{case.name}: {e}: no such file {e.path}")
                continue
            lines = target.read_text(encoding="utf-8").splitlines()
            if e.line > len(lines):
                problems.append(f"{case.name}: {e}: the file has {len(lines)} lines")
            elif e.column is not None and (
                e.column > len(lines[e.line - 1]) or lines[e.line - 1][e.column - 1].isspace()
            ):
                problems.append(f"{case.name}: {e}: column does not point at a command")
    assert not problems, "\n".join(problems)


def test_compare_helper() -> None:
    exp = parse_expected("a.yml:3: LPK-003 x\na.yml:5:7: LPK-001 y\n")
    act = [Entry("a.yml", 3, 11, "LPK-003", "x"), Entry("a.yml", 5, 7, "LPK-001", "y")]
    assert compare(exp, act) == ([], [])
    missing, unexpected = compare(exp, [Entry("a.yml", 5, 8, "LPK-001", "y")])
    assert [str(m) for m in missing] == ["a.yml:3: LPK-003 x", "a.yml:5:7: LPK-001 y"]
    assert [str(u) for u in unexpected] == ["a.yml:5:8: LPK-001 y"]
    dup = parse_expected("a.yml:1:1: LPK-001 p\na.yml:1:1: LPK-001 p\n")
    assert compare(dup, [Entry("a.yml", 1, 1, "LPK-001", "p")])[0] == [Entry("a.yml", 1, 1, "LPK-001", "p")]
