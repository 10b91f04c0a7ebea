"""The oracle: build a generated repository with real bash and compare the engine's view with it.

Three comparisons, as issue 10 defines them:

(a) **members** — for each archive bash built, the engine's package of that archive has the same
    files (``pip install -t`` content and directory entries left out, as in the fixtures'
    differential test);
(b) **verdicts** — for each deployed function, "its handler imports from the archive bash built"
    equals "the engine reports no error-severity finding for that package" (an archive bash never
    built is a broken deploy: the engine must report an error for it);
(c) **steps** — "a step fails" equals "the tool reports an error", and LPK-004 ("fails in CI")
    only on runs where bash really failed.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.compare import find_package, package_file_set
from harness.realbuild import RealBuild, real_build


@dataclass
class Disagreement:
    kind: str  # "members", "members:no-package", "verdict:false-error", "verdict:silent", …
    subject: str  # archive or function
    detail: str

    def __str__(self) -> str:
        return f"{self.kind} {self.subject}: {self.detail}"


@dataclass
class Outcome:
    """One scenario's comparisons: how many were made, and the ones that disagreed."""

    members: int = 0
    verdicts: int = 0
    steps: int = 0
    problems: list[Disagreement] = field(default_factory=list)
    real: dict[str, Any] = field(default_factory=dict)
    findings: list[str] = field(default_factory=list)

    def disagree(self, prefix: str) -> list[Disagreement]:
        return [p for p in self.problems if p.kind.split(":")[0] == prefix]


def write_repo(scenario: Any, root: Path) -> None:
    for path, text in scenario.files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for link, dest in scenario.symlinks.items():
        target = root / link
        target.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(dest, target)


def check(scenario: Any) -> Outcome:
    """Build ``scenario`` with bash and with the engine, and compare."""
    from validator.engine import analyze

    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        repo = Path(tmp) / "repo"
        repo.mkdir()
        write_repo(scenario, repo)
        real = real_build(repo, scenario.handlers)
        result = analyze(root=repo)
        return compare(scenario, real, result)


def compare(scenario: Any, real: RealBuild, result: Any) -> Outcome:
    out = Outcome(real=real.as_dict())
    packages = [r.package for r in result.packages]
    errors: dict[str, list[str]] = {}
    for f in result.findings:
        out.findings.append(f"{f.span.path}:{f.span.line}: {f.code} {f.package or '-'}: {f.message}")
        if f.severity.value == "error":
            errors.setdefault(f.package or "-", []).append(f"{f.code} {f.span.path}:{f.span.line}")

    # (a) members
    for archive, members in sorted(real.archives.items()):
        out.members += 1
        pkg = find_package(archive, packages)
        if pkg is None:
            out.problems.append(Disagreement("members:no-package", archive,
                                             f"engine archives {sorted(p.archive for p in packages)}"))
            continue
        ours, theirs = package_file_set(pkg, {m for m in members if not m.endswith("/")})
        if ours != theirs:
            out.problems.append(Disagreement(
                "members", archive, f"only simulated {sorted(ours - theirs)}, only real {sorted(theirs - ours)}"))

    # (b) verdicts
    for archive, handler in sorted(scenario.handlers.items()):
        name = scenario.names[archive]
        out.verdicts += 1
        verdict = real.handlers.get(f"{archive}={handler}", "no such archive was built")
        real_ok = verdict == "OK"
        ours = errors.get(name, [])
        if real_ok and ours:
            out.problems.append(Disagreement("verdict:false-error", name, f"bash: OK; engine: {ours}"))
        elif not real_ok and not ours:
            out.problems.append(Disagreement("verdict:silent", name, f"bash: {verdict}; engine: no error"))

    # (c) steps
    out.steps += 1
    failed = real.failed_steps
    any_error = bool(errors)
    lpk004 = [f for f in result.findings if f.code == "LPK-004"]
    if failed and not any_error:
        tails = "; ".join(f"step {s.step} {s.matrix or ''} exit {s.exit}: {s.stderr}" for s in failed)
        out.problems.append(Disagreement("step:silent", "job", f"bash failed ({tails}); engine: no error"))
    if not failed and lpk004:
        out.problems.append(Disagreement("step:false-lpk004", "job",
                                         f"bash ran every step; engine: {[f.message[:120] for f in lpk004]}"))
    return out
