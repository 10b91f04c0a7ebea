"""Measure the installed validate-imports CLI on the real-repository corpus.

    python bench/realworld/run.py --mirrors /work/.mirror [--tool PATH/validate-imports]
                                  [--only owner/name] [--json OUT.json] [--strict]

Each ``bench/realworld/repos/*.toml`` names a public repository, a pinned commit and the
verdicts a human reached by building its Lambda packages with real bash (see README.md in
this folder).  For every entry the runner checks the commit out of a local bare mirror
(a real ``git clone``, so ``git ls-files`` behaves as in a user's clone), runs the tool as
a whole process on the whole repository, exactly as a user would, and compares what it
says with the judged file: which errors are true, which are false, which warnings are
useful and which are noise, which really-built packages the tool modelled at all, and
whether each historical bug/fix pair is told apart.

The runner never imports the project's code: it measures the CLI that is installed, so a
packaging or entry-point mistake shows up here as it would for a user.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
REPOS = HERE / "repos"

#: Parts of a tool's archive name that stand for a value only CI knows: ``${{ ... }}``,
#: ``${VAR}``, ``$VAR``, ``$(cmd)``, and shell globs.
TOOL_SYMBOLIC = re.compile(r"\$\{\{.*?\}\}|\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_][A-Za-z0-9_]*|\*")
#: What real-build writes for such values: GITHUB_SHA is ``abcdef1234567`` and every other
#: ``${{ ... }}`` becomes ``x`` (only a whole ``x`` between separators is taken as one).
REAL_SYMBOLIC = re.compile(r"abcdef1234567|(?<![A-Za-z0-9])x(?![A-Za-z0-9])")
STAR = "\0"

Key = tuple[str, str, int, str]


def wildcard(name: str, symbolic: re.Pattern[str]) -> str:
    """``name`` with each symbolic part replaced by one wildcard character (runs merged)."""
    return re.sub(STAR + "+", STAR, symbolic.sub(STAR, name.strip().removeprefix("./")))


def patterns_meet(left: str, right: str) -> bool:
    """Whether some string matches both patterns, where STAR matches any run of characters.

    Both sides may hold wildcards (the tool's ``${SHA}`` against real-build's
    ``abcdef1234567``, or ``$NAME`` against a literal), so this is an intersection test of
    two globs, not a one-sided match."""

    @functools.cache
    def meet(i: int, j: int) -> bool:
        if i == len(left) and j == len(right):
            return True
        if i < len(left) and left[i] == STAR:
            return meet(i + 1, j) or (j < len(right) and meet(i, j + 1))
        if j < len(right) and right[j] == STAR:
            return meet(i, j + 1) or (i < len(left) and meet(i + 1, j))
        return i < len(left) and j < len(right) and left[i] == right[j] and meet(i + 1, j + 1)

    return meet(0, 0)


def image_repository(reference: str) -> str:
    """``image 123.dkr.ecr…/orders:${{ github.sha }}`` -> ``orders``: verdicts name an image
    by its repository, the tool by the tag it was built with."""
    ref = reference.removeprefix("image ").strip().split("@", 1)[0]
    ref = re.sub(r"(?::(?:\$\{\{[^}]*\}\}|\$\{[^}]*\}|\$\w+|[\w.-]+))+$", "", ref)
    return ref.rsplit("/", 1)[-1]


def archive_matches(tool_archive: str, judged_archive: str) -> bool:
    """A package the tool models is the judged (really built) one when the names can agree."""
    if tool_archive.startswith("image ") and judged_archive.startswith("image ") and "/" not in judged_archive \
            and image_repository(tool_archive) == judged_archive.removeprefix("image ").split(" ", 1)[0]:
        return True
    return patterns_meet(wildcard(tool_archive, TOOL_SYMBOLIC), wildcard(judged_archive, REAL_SYMBOLIC))


def finding_key(finding: dict[str, Any]) -> Key:
    """A finding's identity in the corpus: (code, path, line, package)."""
    return (
        str(finding.get("code", "")),
        str(finding.get("path", "") or "").removeprefix("./"),
        int(finding.get("line", 0) or 0),
        str(finding.get("package", "") or ""),
    )


def is_error(finding: dict[str, Any]) -> bool:
    return str(finding.get("severity", "")) == "error"


def ships(package: dict[str, Any]) -> bool:
    """A judged package ships unless the judge found that the workflow does not build it."""
    return not str(package.get("real", "")).startswith("not built")


@dataclass
class Unjudged:
    """A finding no verdict covers: printed with its text so that a human judges it."""

    repo: str
    key: Key
    severity: str
    message: str


@dataclass
class Result:
    """What one repository contributes to the totals."""

    repo: str
    commit: str
    builds_lambda: bool
    exit_code: int | None = None
    failure: str = ""
    seconds: float = 0.0
    true_errors: int = 0
    false_errors: int = 0
    unjudged_errors: int = 0
    useful_warnings: int = 0
    noise_warnings: int = 0
    unjudged_warnings: int = 0
    shipped: int = 0
    built: int = 0
    seen: int = 0
    pairs: int = 0
    pairs_passed: int = 0
    false_keys: list[Key] = field(default_factory=list)
    unseen: list[str] = field(default_factory=list)
    gone: list[Key] = field(default_factory=list)
    unjudged: list[Unjudged] = field(default_factory=list)
    pair_notes: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> int:
        return self.useful_warnings + self.noise_warnings + self.unjudged_warnings


def compare_findings(
    result: Result, reported: Iterable[dict[str, Any]], judged: Sequence[dict[str, Any]]
) -> None:
    """Sort the tool's findings by the verdicts of the judged file (matched on the key)."""
    verdicts = {finding_key(f): str(f.get("verdict", "")).lower() for f in judged}
    seen: set[Key] = set()
    for finding in reported:
        key = finding_key(finding)
        seen.add(key)
        verdict = verdicts.get(key)
        if is_error(finding):
            if verdict == "true":
                result.true_errors += 1
            elif verdict in ("false", "noise"):
                result.false_errors += 1
                result.false_keys.append(key)
            else:
                result.unjudged_errors += 1
        elif verdict == "true":
            result.useful_warnings += 1
        elif verdict in ("false", "noise"):
            result.noise_warnings += 1
        else:
            result.unjudged_warnings += 1
        if verdict is None:
            result.unjudged.append(
                Unjudged(result.repo, key, str(finding.get("severity", "")), str(finding.get("message", "")))
            )
    result.gone = [key for key in verdicts if key not in seen]


def compare_packages(
    result: Result, modelled: Iterable[dict[str, Any]], judged: Sequence[dict[str, Any]]
) -> None:
    """Count the really-built packages, and those the tool modelled under a matching name."""
    archives = [str(p.get("archive", "")) for p in modelled]
    for package in judged:
        if not ships(package):
            continue
        result.shipped += 1
        result.built += 1
        name = str(package.get("archive", ""))
        if any(archive_matches(archive, name) for archive in archives):
            result.seen += 1
        else:
            why = str(package.get("why_unseen") or package.get("note") or "").strip()
            result.unseen.append(f"{name} — {why}" if why else name)


def find_git_dir(mirrors: Path, repo: str) -> Path | None:
    """The bare git directory fetch made for ``owner/name`` (``owner+name/<something>``)."""
    top = mirrors / repo.replace("/", "+")
    if not top.is_dir():
        return None
    candidates = [
        top,
        *sorted(p for p in top.rglob("*") if p.is_dir() and len(p.relative_to(top).parts) <= 3),
    ]
    for candidate in candidates:
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    return None


def checkout(git_dir: Path, commit: str, where: Path) -> None:
    """A real clone at ``commit``: the tool sees tracked files as in a user's checkout."""
    for command in (
        ["git", "clone", "-q", "--shared", "--no-checkout", str(git_dir), str(where)],
        ["git", "-C", str(where), "checkout", "-q", commit],
    ):
        subprocess.run(command, check=True, capture_output=True, text=True)


@dataclass
class Run:
    """One whole-process run of the tool."""

    exit_code: int
    report: dict[str, Any]
    stderr: str
    seconds: float


def run_tool(tool: str, root: Path) -> Run:
    """The CLI as a user runs it in CI: whole repository, JSON report, cwd at the root."""
    started = time.perf_counter()
    proc = subprocess.run(
        [tool, "--format", "json", "--root", str(root)], cwd=root, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    try:
        report = json.loads(proc.stdout) if proc.stdout.strip() else {}
    except json.JSONDecodeError:
        report = {}
    return Run(proc.returncode, report, proc.stderr.strip(), seconds)


def last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def fires(report: dict[str, Any], code: str, package: str) -> bool:
    return any(
        f.get("code") == code and (not package or f.get("package") == package)
        for f in report.get("findings", [])
    )


def measure(entry: dict[str, Any], mirrors: Path, tool: str) -> Result:
    """Check one corpus entry out, run the tool on it, and compare with the verdicts."""
    repo = str(entry["repo"])
    result = Result(repo, str(entry.get("commit", "")), bool(entry.get("builds_lambda", True)))
    git_dir = find_git_dir(mirrors, repo)
    if git_dir is None:
        result.failure = f"no mirror under {mirrors} (fetch github:{repo})"
        return result
    with tempfile.TemporaryDirectory(prefix="vi-realworld-") as tmp:
        root = Path(tmp) / "repo"
        try:
            checkout(git_dir, result.commit, root)
        except subprocess.CalledProcessError as error:
            result.failure = f"checkout {result.commit[:12]}: {last_line(error.stderr or '')}"
            return result
        run = run_tool(tool, root)
        result.exit_code, result.seconds = run.exit_code, run.seconds
        if run.exit_code not in (0, 1) or not run.report:
            result.failure = f"exit {run.exit_code}: {last_line(run.stderr) or 'no JSON report'}"
            return result
        compare_findings(result, run.report.get("findings", []), entry.get("finding", []))
        compare_packages(result, run.report.get("packages", []), entry.get("package", []))
        for pair in entry.get("pair", []):
            result.pairs += 1
            outcome = run_pair(pair, git_dir, tool, Path(tmp))
            if outcome == "passed":
                result.pairs_passed += 1
            else:
                result.pair_notes.append(f"{pair.get('bug', '')[:10]}..{pair.get('fix', '')[:10]}: {outcome}")
    return result


def run_pair(pair: dict[str, Any], git_dir: Path, tool: str, tmp: Path) -> str:
    """'passed' when expect_code fires for the package on the bug commit and not on the fix."""
    code, package = str(pair.get("expect_code", "")), str(pair.get("package", ""))
    said: dict[str, bool] = {}
    for side in ("bug", "fix"):
        root = tmp / f"pair-{side}-{str(pair.get(side, ''))[:12]}"
        if root.exists():
            shutil.rmtree(root)
        try:
            checkout(git_dir, str(pair.get(side, "")), root)
        except subprocess.CalledProcessError as error:
            return f"checkout {side}: {last_line(error.stderr or '')}"
        run = run_tool(tool, root)
        if run.exit_code not in (0, 1):
            return f"{side}: exit {run.exit_code}: {last_line(run.stderr)}"
        said[side] = fires(run.report, code, package)
    if not said["bug"]:
        return f"{code} does not fire on the bug commit"
    if said["fix"]:
        return f"{code} still fires on the fix commit"
    return "passed"


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def precision(result: Result | Totals) -> str:
    judged = result.true_errors + result.false_errors
    return f"{result.true_errors / judged:.2f}" if judged else "-"


@dataclass
class Totals:
    """Sums over the corpus; the measures are derived from them."""

    repos: int = 0
    failures: int = 0
    true_errors: int = 0
    false_errors: int = 0
    unjudged_errors: int = 0
    useful_warnings: int = 0
    noise_warnings: int = 0
    unjudged_warnings: int = 0
    shipped: int = 0
    built: int = 0
    seen: int = 0
    nolambda_warnings: int = 0
    nolambda_repos: int = 0
    pairs: int = 0
    pairs_passed: int = 0
    seconds: float = 0.0

    def add(self, result: Result) -> None:
        self.repos += 1
        self.failures += bool(result.failure)
        for name in (
            "true_errors",
            "false_errors",
            "unjudged_errors",
            "useful_warnings",
            "noise_warnings",
            "unjudged_warnings",
            "shipped",
            "built",
            "seen",
            "pairs",
            "pairs_passed",
        ):
            setattr(self, name, getattr(self, name) + getattr(result, name))
        self.seconds += result.seconds
        if not result.builds_lambda:
            self.nolambda_repos += 1
            self.nolambda_warnings += result.warnings

    @property
    def warnings_per_shipped(self) -> float:
        return (
            (self.useful_warnings + self.noise_warnings + self.unjudged_warnings) / self.shipped
            if self.shipped
            else 0.0
        )


COLUMNS = ("repository", "exit", "err t/f/?", "prec", "warn u/n/?", "ship", "seen", "pairs", "time")


def row(result: Result) -> tuple[str, ...]:
    exit_code = "-" if result.exit_code is None else str(result.exit_code)
    if result.failure:
        exit_code += "!"
    return (
        result.repo + ("" if result.builds_lambda else " (no lambda)"),
        exit_code,
        f"{result.true_errors}/{result.false_errors}/{result.unjudged_errors}",
        precision(result),
        f"{result.useful_warnings}/{result.noise_warnings}/{result.unjudged_warnings}",
        str(result.shipped),
        f"{result.seen}/{result.built}",
        f"{result.pairs_passed}/{result.pairs}" if result.pairs else "-",
        f"{result.seconds:.2f}s",
    )


def table(rows: Sequence[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows
    )


def report(results: Sequence[Result], totals: Totals) -> str:
    """The per-repository table, the totals and the findings that need a human."""
    lines = [table([COLUMNS, *(row(r) for r in results)]), ""]
    judged = totals.true_errors + totals.false_errors
    lines += [
        f"repositories            {totals.repos} ({totals.failures} failed to run, {totals.nolambda_repos} without Lambda)",
        f"error precision         {precision(totals)} ({totals.true_errors} true of {judged} judged)",
        f"false errors            {totals.false_errors}",
        f"unjudged findings       {totals.unjudged_errors} errors, {totals.unjudged_warnings} warnings",
        f"warnings                {totals.useful_warnings} useful, {totals.noise_warnings} noise",
        f"warnings per shipped    {totals.warnings_per_shipped:.2f} ({totals.shipped} packages ship)",
        f"warnings, no-lambda     {totals.nolambda_warnings}",
        f"packages seen/built     {totals.seen}/{totals.built} ({percent(totals.seen, totals.built)})",
        f"pairs passed            {totals.pairs_passed}/{totals.pairs}",
        f"wall time               {totals.seconds:.2f}s tool time in total",
    ]
    for result in results:
        notes: list[str] = []
        if result.failure:
            notes.append(f"  FAILED: {result.failure}")
        notes += [f"  false error: {_key(k)}" for k in result.false_keys]
        notes += [f"  unjudged {u.severity}: {_key(u.key)}\n      {u.message}" for u in result.unjudged]
        notes += [f"  not seen: {name}" for name in result.unseen]
        notes += [f"  judged but not reported now: {_key(k)}" for k in result.gone]
        notes += [f"  pair: {note}" for note in result.pair_notes]
        if notes:
            lines += ["", result.repo, *notes]
    return "\n".join(lines)


def _key(key: Key) -> str:
    code, path, line, package = key
    return f"{code} {path}:{line} [{package}]"


def load(repos: Path, only: str | None) -> list[dict[str, Any]]:
    entries = []
    for path in sorted(repos.glob("*.toml")):
        with path.open("rb") as handle:
            entry = tomllib.load(handle)
        if only is None or entry.get("repo") == only:
            entries.append(entry)
    return entries


def default_tool() -> str:
    """The installed CLI: beside this Python first (a venv's bin), then on PATH."""
    beside = Path(sys.executable).parent / "validate-imports"
    return str(beside) if beside.exists() else (shutil.which("validate-imports") or "validate-imports")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--mirrors", type=Path, required=True, help="folder of bare mirrors (owner+name/...)")
    parser.add_argument(
        "--tool", default=None, help="validate-imports executable (default: the installed one)"
    )
    parser.add_argument("--only", default=None, help="owner/name: measure this repository only")
    parser.add_argument("--json", type=Path, default=None, help="also write the results as JSON here")
    parser.add_argument("--repos", type=Path, default=REPOS, help=argparse.SUPPRESS)
    parser.add_argument("--strict", action="store_true", help="exit 1 on any false or unjudged error")
    args = parser.parse_args(argv)
    tool = args.tool or default_tool()
    if not (Path(tool).exists() or shutil.which(tool)):
        print(f"run.py: no validate-imports at {tool}", file=sys.stderr)
        return 2
    entries = load(args.repos, args.only)
    results: list[Result] = []
    totals = Totals()
    for entry in entries:
        started = time.perf_counter()
        result = measure(entry, args.mirrors, tool)
        totals.add(result)
        results.append(result)
        print(f"{result.repo}: {time.perf_counter() - started:.1f}s", file=sys.stderr, flush=True)
    print(report(results, totals))
    if args.json:
        args.json.write_text(
            json.dumps(
                {"tool": tool, "totals": asdict(totals), "repos": [asdict(r) for r in results]}, indent=2
            )
            + os.linesep
        )
    if args.strict and (totals.false_errors or totals.unjudged_errors or totals.failures):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
