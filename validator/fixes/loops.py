"""A fix inside a loop body, a function or a matrix step edits every run of it.

The same command runs once per ``for`` iteration, function call or matrix
combination; the simulator records one copy per run.  A fix is offered only when its
one edit is right, or harmless, for every run: the target must sit at the same place
in every package, the folder word must stand for each run's folder (a literal folder
fits only when all runs agree), and moving files away from the ZIP root must not take
a root handler's module from any package.
"""

from __future__ import annotations

from collections.abc import Callable

from validator.fixes import words
from validator.fixes.edits import Declined
from validator.fixes.placement import archive_path
from validator.model import CopyRecord, PackageReport
from validator.model.context import RuleContext
from validator.model.explain import handler_module_path


def runs_of(ctx: RuleContext, copy: CopyRecord) -> list[CopyRecord]:
    """Every recorded run of the command ``copy`` is one run of (itself included)."""
    return [c for c in ctx.copies if c.span == copy.span and c.statement == copy.statement]


def report_of(ctx: RuleContext, copy: CopyRecord) -> PackageReport | None:
    for report in ctx.packages:
        if any(c is copy for c in report.package.copies):
            return report
    return None


def run_name(copy: CopyRecord, report: PackageReport) -> str:
    where = copy.loop_context or (f"matrix {report.package.matrix}" if report.package.matrix else "")
    return f"package {report.package.name}" + (f" ({where})" if where else "")


def carries_root_handler(report: PackageReport, copy: CopyRecord) -> bool:
    """Whether this copy puts the package's handler module where the handler string wants it."""
    link = report.link
    wanted = handler_module_path(link.handler) if link else None
    root = (report.package.root_dir or "").rstrip("/")
    return bool(wanted and root) and f"{root}/{wanted}" in copy.placed.values()


def check_runs(ctx: RuleContext, copy: CopyRecord, *, target_arch: str, folder: str, literal: bool,
               arch_for: Callable[[CopyRecord, PackageReport], str | None], move: bool) -> None:
    """Raise ``Declined`` unless the edit made for ``copy`` fits every other run of it."""
    for other in runs_of(ctx, copy):
        if other is copy:
            continue
        report = report_of(ctx, other)
        if report is None or not other.placed:
            continue  # this run feeds no package, or copies nothing: the edit cannot hurt it
        name = run_name(other, report)
        if archive_path(report.package, other.target) != target_arch:
            raise Declined(f"the command runs several times and in {name} its target is elsewhere in the package")
        arch = arch_for(other, report)
        if arch is None:
            raise Declined(f"the command runs several times and for {name} the right folder is unknown")
        if (literal and arch != folder) or (not literal and not words.matches(folder, arch)):
            raise Declined(f"the command runs several times and {name} needs {arch}, which one edit "
                           f"written as `{folder}` cannot give every run")
        if move and carries_root_handler(report, other):
            handler = report.link.handler if report.link else "?"
            raise Declined(f"the command runs several times and {name} needs this copy at the ZIP root "
                           f"for its handler {handler}")
