"""What every fix builder shares: the outcome (a fix, or why none is offered), finding the
copy command in its workflow, and moving or duplicating a copy to another folder.

Each rule builds its own fix in its module (``rules/lpkNNN_*.py``) from these pieces,
after it has decided what to report; building a fix never changes what is reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from validator.fixes import placement, sites, words
from validator.fixes.edits import Declined, ScriptEdit, insert_after, insert_before, is_literal, to_file_edits
from validator.model import Applicability, CopyRecord, Finding, Fix, PackageReport, Workflow
from validator.model.base import Record
from validator.model.context import RuleContext

__all__ = ["Declined", "Outcome", "command_text", "guarded", "relocate", "safety", "site_of", "workflow_of"]


@dataclass(eq=False, repr=False)
class Outcome(Record):
    """A fix, or the reason none is offered (shown with ``--diff``/``--fix``)."""

    fix: Fix | None = None
    declined: str | None = None

    def attach(self, finding: Finding) -> Finding:
        finding.fix, finding.fix_declined = self.fix, self.declined
        return finding


def workflow_of(ctx: RuleContext, copy: CopyRecord) -> Workflow:
    for wf in ctx.workflows:
        if wf.path == copy.span.path:
            return wf
    raise Declined(f"the copy is in {copy.span.path}, not in a workflow file; fixes edit workflows only")


def site_of(ctx: RuleContext, copy: CopyRecord) -> tuple[Workflow, sites.CopySite]:
    wf = workflow_of(ctx, copy)
    site = sites.locate(wf, copy)
    if isinstance(site, str):
        raise Declined(site)
    return wf, site


def command_text(site: sites.CopySite, target: str) -> str:
    parts = [site.command.words[0].text, *(w.text for w in site.options), *(w.text for w in site.sources), target]
    return " ".join(parts)


def safety(report: PackageReport) -> Applicability:
    link = report.link
    return Applicability.SAFE if link is not None and not link.inferred and link.config is not None \
        else Applicability.UNSAFE


def guarded(build: Callable[..., Outcome], *args: Any) -> Outcome:
    """The fix ``build(*args)`` makes, or the reason it declined."""
    try:
        return build(*args)
    except Declined as exc:
        return Outcome(declined=str(exc))


def relocate(wf: Workflow, site: sites.CopySite, report: PackageReport, loc: placement.Location, folder: str,
              add: bool, what: str) -> Outcome:
    new_dir = words.join(loc.root_word, folder, slash=False)
    new_target = words.join(loc.root_word, folder, slash=True)
    script = site.step.run or ""
    lines = is_literal(site.step.run_style)
    cmd = site.command
    source = site.sources[0]
    if add:
        copied = command_text(site, new_target)
        if loc.copy_as:
            copied = copied.replace(f" {source.text} ", f" {source.text}/. ", 1)
        statements = [f"mkdir -p {new_dir}", copied]
        edits = [insert_after(script, cmd.start, cmd.end, statements, lines)]
        title = f"Keep the root copy for the handler; add `{' && '.join(statements)}`"
    else:
        edits = [insert_before(script, cmd.start, cmd.end, [f"mkdir -p {new_dir}"], lines),
                 ScriptEdit(site.target.start, site.target.end, new_target)]
        if loc.copy_as:
            edits.append(ScriptEdit(source.end, source.end, "/."))
        title = f"Move the copy to {new_target}: {what}"
    return Outcome(Fix(title, to_file_edits(wf, site.step, edits), safety(report)))
