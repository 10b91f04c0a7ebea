"""``--fix`` and ``--diff``: the corrected workflow, validated before anything is written.

``--diff`` prints a unified diff (``a/``/``b/`` paths) and writes nothing; its exit
status is 1 when it would change something.  ``--fix`` writes the files atomically and
reports what remains in the chosen ``--format``, with "Fixed N findings (M remaining)"
in the text summary or on stderr.  A file that cannot be written gives exit 2 and
names the path; no file is ever left half written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from validator.autofix.apply import (
    FixError,
    Outcome,
    check_writable,
    finding_key,
    fix_loop,
    unified_diff,
    write_atomic,
)
from validator.config import Config, rule_enabled
from validator.engine import Selection, merge_selection, run
from validator.model import AnalysisResult, Applicability, Finding

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def compute(paths: list[Path], root: Path, config: Config, selection: Selection | None,
            unsafe: bool) -> tuple[Outcome, Config]:
    """Fix in memory: every rule validates, only the selected findings are fixed."""
    from rules import all_rules

    everything = Selection(select=[r.code for r in all_rules()])
    chosen = merge_selection(config, selection)

    def analyze(texts: dict[str, str]) -> Any:
        return run(paths, root=root, config=config, selection=everything, texts=texts)

    def selected(f: Finding) -> bool:
        return rule_enabled(f.code, chosen, f.span.path)

    return fix_loop(analyze, selected, unsafe), chosen


def remaining(outcome: Outcome, paths: list[Path], root: Path, config: Config,
              selection: Selection | None) -> AnalysisResult:
    """The findings of the fixed texts under the user's selection, with the reasons for
    fixes that were tried and not kept."""
    result = run(paths, root=root, config=config, selection=selection, texts=outcome.changed).result
    for f in result.findings:
        reason = outcome.declined.get(finding_key(f))
        if reason and f.fix is not None:
            f.fix, f.fix_declined = None, f"the fix was not applied: {reason}"
    return result


def fix_command(args: argparse.Namespace, root: Path, config: Config, selection: Selection) -> int:
    paths = list(args.paths)
    try:
        outcome, chosen = compute(paths, root, config, selection, bool(args.unsafe_fixes))
        changed = outcome.changed
        if not args.unsafe_fixes:
            _hint_unsafe(outcome, chosen)
        if args.diff:
            return _diff(outcome, changed)
        for rel in sorted(changed):  # every file writable before the first is written
            check_writable(root / rel)
        for rel, text in sorted(changed.items()):
            write_atomic(root / rel, outcome.originals[rel], text)
    except FixError as exc:
        print(f"validate-imports: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    return _report(args, outcome, paths, root, config, selection)


def _hint_unsafe(outcome: Outcome, chosen: Config) -> None:
    """Say how many fixes were held back because their choice is a guess (ruff's habit)."""
    final = getattr(outcome.final, "result", None)
    hidden = [f for f in (final.findings if final else [])
              if f.fix is not None and f.fix.applicability is Applicability.UNSAFE
              and rule_enabled(f.code, chosen, f.span.path)]
    if hidden:
        n = len(hidden)
        print(f"{n} more fix{'' if n == 1 else 'es'} available with `--unsafe-fixes`.", file=sys.stderr)


def _diff(outcome: Outcome, changed: dict[str, str]) -> int:
    for rel in sorted(changed):
        sys.stdout.write(unified_diff(rel, outcome.originals[rel], changed[rel]))
    sys.stdout.flush()
    n = len(outcome.fixed)
    if changed:
        print(f"Would fix {n} finding{'' if n == 1 else 's'} in {len(changed)} file"
              f"{'' if len(changed) == 1 else 's'}.", file=sys.stderr)
    for reason in sorted(set(outcome.declined.values())):
        print(f"validate-imports: fix not applied: {reason}", file=sys.stderr)
    return EXIT_FINDINGS if changed else EXIT_OK


def _report(args: argparse.Namespace, outcome: Outcome, paths: list[Path], root: Path, config: Config,
            selection: Selection) -> int:
    from validator.report.output import emit, exit_status, render

    result = remaining(outcome, paths, root, config, selection)
    fixed = len({finding_key(f) for f in outcome.fixed})
    line = f"Fixed {fixed} finding{'' if fixed == 1 else 's'} ({len(result.findings)} remaining)."
    output = render(result, args)
    if args.format == "text":
        output = output.rstrip("\n") + "\n" + line + "\n"
    else:
        print(line, file=sys.stderr)
    for reason in sorted(set(outcome.declined.values())):
        print(f"validate-imports: fix not applied: {reason}", file=sys.stderr)
    emit(output, args)
    return exit_status(result, args)
