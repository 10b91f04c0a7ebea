"""Apply fixes: choose, apply without overlaps, re-validate, loop to a fixpoint, write.

ruff's algorithm with zizmor's dispositions: edits are applied to the original text
in order, a fix whose edits overlap an applied one waits for the next pass, and every
pass is re-validated by running the whole analysis on the edited text in memory.  A
pass is kept only when an edited workflow still loads to the same structure apart from
the edited ``run:`` scripts (a requirements file is judged by the analysis alone), every
fixed finding is gone and no new finding appears;
otherwise the fixes are tried one by one and a fix that fails is declined with the
reason.  Files are written only at the end, atomically, keeping their mode.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from validator.fixes.edits import apply_edits
from validator.model import Applicability, Edit, Finding, Fix, Workflow
from validator.model.base import Record
from validator.syntax.yaml import YamlError, load_tree

MAX_PASSES = 10
#: quotations of the workflow in messages (they move with the edits)
QUOTED = re.compile(r"`[^`]*`")


class FixError(Exception):
    """The fixed files cannot be written (exit 2); the message names the path."""


def finding_key(f: Finding) -> tuple[str, str, str | None, str]:
    """Identity of a finding across edits (line numbers move, the message stays)."""
    return (f.code, f.span.path, f.package, QUOTED.sub("``", f.message))


def wanted(f: Finding, unsafe: bool) -> bool:
    return f.fix is not None and (unsafe or f.fix.applicability is Applicability.SAFE)


def overlaps(a: Edit, b: Edit) -> bool:
    if a == b or a.path != b.path:
        return False
    if a.start == a.end and b.start == b.end:
        return False  # two insertions at one point both apply, in order
    if a.start == a.end:
        return b.start < a.start < b.end
    if b.start == b.end:
        return a.start < b.start < a.end
    return a.start < b.end and b.start < a.end


def combine(fixes: list[Fix]) -> tuple[list[Edit], list[Fix], list[Fix]]:
    """The edits of the fixes that do not overlap earlier ones (identical edits once),
    the fixes taken and the fixes left for a later pass.  A fix that edits several files (a
    workflow and its Dockerfile) is taken whole or left whole."""
    taken: list[Fix] = []
    left: list[Fix] = []
    edits: list[Edit] = []
    for fix in sorted(fixes, key=lambda x: min((e.start for e in x.edits), default=0)):
        new = [e for e in fix.edits if e not in edits]
        if any(overlaps(e, other) for e in new for other in edits):
            left.append(fix)
            continue
        edits += new
        taken.append(fix)
    return edits, taken, left


# --------------------------------------------------------------------------- structure


def plain(node: Any) -> Any:
    """A loaded document as plain dicts/lists/scalars, for comparison."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node


def run_paths(before: Any, after: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]] | None:
    """Paths where ``after`` differs from ``before``; None when a difference is anything
    other than a step's ``run`` string."""
    if before == after:
        return []
    is_run = len(path) == 5 and path[0] == "jobs" and path[2] == "steps" and path[4] == "run"
    if is_run and isinstance(before, str) and isinstance(after, str):
        return [path]
    if isinstance(before, dict) and isinstance(after, dict) and before.keys() == after.keys():
        found: list[tuple[Any, ...]] = []
        for key in before:
            sub = run_paths(before[key], after[key], (*path, key))
            if sub is None:
                return None
            found += sub
        return found
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        found = []
        for i, (b, a) in enumerate(zip(before, after, strict=True)):
            sub = run_paths(b, a, (*path, i))
            if sub is None:
                return None
            found += sub
        return found
    return None


def edited_steps(workflow: Workflow, edits: list[Edit]) -> set[tuple[str, int]]:
    """The (job, step index) whose ``run:`` value holds each edit."""
    found = set()
    for job in workflow.jobs:
        for step in job.steps:
            if step.script_map is None or not step.run:
                continue
            lo = step.script_map.file_offset(0)
            hi = step.script_map.file_offset(len(step.run) - 1) + 1
            if any(lo <= e.start <= hi for e in edits):
                found.add((job.job_id, step.index))
    return found


def structure_problem(workflow: Workflow, new_text: str, edits: list[Edit]) -> str | None:
    """Why the edited text is not the same workflow apart from the edited scripts, or None."""
    try:
        before = plain(load_tree(workflow.text, workflow.path))
        after = plain(load_tree(new_text, workflow.path))
    except YamlError as exc:
        return f"the edited file is not valid YAML ({exc})"
    changed = run_paths(before, after)
    if changed is None:
        return "the edit would change the workflow outside the edited run: scripts"
    allowed = edited_steps(workflow, edits)
    stray = [p for p in changed if (p[1], p[3]) not in allowed]
    if stray:
        return "the edited run: value is shared with other steps (a YAML anchor)"
    return None


# --------------------------------------------------------------------------- the loop


@dataclass(eq=False, repr=False)
class Outcome(Record):
    """What fixing did to the workflow files."""

    originals: dict[str, str]
    texts: dict[str, str]
    fixed: list[Finding] = field(default_factory=list)
    declined: dict[tuple[str, str, str | None, str], str] = field(default_factory=dict)
    final: Any = None  # the analysis of the fixed texts (all rules)

    @property
    def changed(self) -> dict[str, str]:
        return {p: t for p, t in self.texts.items() if t != self.originals.get(p)}


Analyzer = Callable[[dict[str, str]], Any]


def fix_loop(analyze: Analyzer, selected: Callable[[Finding], bool], unsafe: bool) -> Outcome:
    """Apply fixes to a fixpoint.  ``analyze(texts)`` runs every rule with the texts given
    for those repository files (the others read from disk) and returns an ``Analysis``."""
    analysis = first = analyze({})
    workflows = {wf.path: wf for wf in analysis.context.workflows}
    outcome = Outcome({p: wf.text for p, wf in workflows.items()}, {p: wf.text for p, wf in workflows.items()})
    rejected = outcome.declined
    passes = 0
    tries = MAX_PASSES + len(analysis.result.findings)
    while passes < MAX_PASSES and tries > 0:
        tries -= 1
        candidates = [f for f in analysis.result.findings
                      if selected(f) and wanted(f, unsafe) and finding_key(f) not in rejected]
        if not candidates:
            break
        passes += 1
        attempt = _try(analyze, analysis, outcome.texts, candidates)
        if isinstance(attempt, str):
            # fall back to one fix at a time to find the one that breaks
            first = candidates[0]
            single = _try(analyze, analysis, outcome.texts, [first])
            if isinstance(single, str):
                rejected[finding_key(first)] = single
                continue
            attempt = single
            candidates = [first]
        analysis, texts, done = attempt
        for path in texts:
            if path not in outcome.originals:  # a repository file (a requirements file), as on disk
                outcome.originals[path] = first.context.repo.read_text(path) or ""
        outcome.texts.update(texts)
        outcome.fixed += done
    outcome.final = analysis
    return outcome


def _try(analyze: Analyzer, analysis: Any, texts: dict[str, str],
         candidates: list[Finding]) -> tuple[Any, dict[str, str], list[Finding]] | str:
    """Apply the candidates' fixes and validate; the new analysis, texts and the fixed
    findings, or why the edit was not kept.  A fix may edit several files (a workflow and
    its Dockerfile): it is taken whole or left for a later pass."""
    workflows = {wf.path: wf for wf in analysis.context.workflows}
    edits, taken, _left = combine([f.fix for f in candidates if f.fix is not None])
    done = [f for f in candidates if any(f.fix is t for t in taken)]
    taken_edits: dict[str, list[Edit]] = {}
    for edit in edits:
        taken_edits.setdefault(edit.path, []).append(edit)
    new_texts = dict(texts)
    for path, file_edits in taken_edits.items():
        wf = workflows.get(path)
        text = wf.text if wf is not None else analysis.context.repo.read_text(path)
        if text is None:
            return f"{path} was not read"
        new_text = apply_edits(text, file_edits)
        problem = structure_problem(wf, new_text, file_edits) if wf is not None else None
        if problem:
            return problem
        new_texts[path] = new_text
    if not done:
        return "the fix overlaps another one"
    try:
        after = analyze(new_texts)
    except Exception as exc:  # the edited workflow no longer reads: never keep it
        return f"the edited workflow could not be analysed ({' '.join(str(exc).split())})"
    before_keys = {finding_key(f) for f in analysis.result.findings}
    after_keys = {finding_key(f) for f in after.result.findings}
    for f in done:
        if finding_key(f) in after_keys:
            return "the finding remains after the fix"
    new = [f for f in after.result.findings if finding_key(f) not in before_keys]
    if new:
        f = new[0]
        return f"the fix would cause {f.code} at line {f.span.line}: {f.message}"
    return after, new_texts, done


# --------------------------------------------------------------------------- output


def _lines(text: str) -> list[str]:
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def unified_diff(path: str, before: str, after: str) -> str:
    """A unified diff with ``a/``/``b/`` paths that ``git apply`` accepts (CRLF and a
    missing final newline included)."""
    out = []
    for line in difflib.unified_diff(_lines(before), _lines(after), f"a/{path}", f"b/{path}"):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def check_writable(path: Path) -> None:
    if not path.exists():
        raise FixError(f"cannot write {path}: it no longer exists")
    if not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222:
        raise FixError(f"cannot write {path}: the file is read-only")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise FixError(f"cannot write {path}: no permission to create files in {path.parent}")


def write_atomic(path: Path, original: str, text: str) -> None:
    """Replace ``path`` with ``text`` through a temporary file in the same folder, keeping
    the file mode; the file is never left half written."""
    check_writable(path)
    try:
        current = path.read_bytes()
    except OSError as exc:
        raise FixError(f"cannot read {path}: {exc.strerror or exc}") from None
    if current != original.encode("utf-8"):
        raise FixError(f"{path} changed while it was being fixed; nothing written")
    mode = stat.S_IMODE(path.stat().st_mode)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise FixError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise FixError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
