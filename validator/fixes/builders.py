"""One builder per fix kind.  Each returns an ``Outcome``: a ``Fix`` or the reason none
is offered.  Rules call them after deciding what to report; detection stays in the rules.

- LPK-003 flat copy: follows the handler.  When the copy carries a root handler's
  module (``handler.lambda_handler``) the nested copy is added and the flat one kept;
  otherwise the copy is moved to the folder its imports name.
- LPK-002 handler elsewhere: the copy that put the handler's module at another path is
  moved so the module lands where the handler string looks.
- LPK-004 missing target folder: ``mkdir -p`` before the copy.
- LPK-001 missing first-party folder: a copy of that folder to its import path, after
  the last copy into the package.
"""

from __future__ import annotations

import ast
import posixpath
from dataclasses import dataclass

from validator.context import RuleContext
from validator.explain import Misplacement, handler_module_path
from validator.fixes import placement, sites, words
from validator.fixes.edits import Declined, ScriptEdit, insert_after, insert_before, is_literal, to_file_edits
from validator.fixes.loops import carries_root_handler, check_runs
from validator.models import (
    Applicability,
    CopyRecord,
    Finding,
    Fix,
    PackageFile,
    PackageReport,
    UnresolvedImport,
    Workflow,
)
from validator.records import Record


@dataclass(eq=False, repr=False)
class Outcome(Record):
    fix: Fix | None = None
    declined: str | None = None

    def attach(self, finding: Finding) -> Finding:
        finding.fix, finding.fix_declined = self.fix, self.declined
        return finding


def _workflow(ctx: RuleContext, copy: CopyRecord) -> Workflow:
    for wf in ctx.workflows:
        if wf.path == copy.span.path:
            return wf
    raise Declined(f"the copy is in {copy.span.path}, not in a workflow file; fixes edit workflows only")


def _site(ctx: RuleContext, copy: CopyRecord) -> tuple[Workflow, sites.CopySite]:
    wf = _workflow(ctx, copy)
    site = sites.locate(wf, copy)
    if isinstance(site, str):
        raise Declined(site)
    return wf, site


def _command(site: sites.CopySite, target: str) -> str:
    parts = [site.command.words[0].text, *(w.text for w in site.options), *(w.text for w in site.sources), target]
    return " ".join(parts)


def _safety(report: PackageReport) -> Applicability:
    link = report.link
    return Applicability.SAFE if link is not None and not link.inferred and link.config is not None \
        else Applicability.UNSAFE


def _guarded(build: object) -> Outcome:
    try:
        return build()  # type: ignore[operator]
    except Declined as exc:
        return Outcome(declined=str(exc))


# --------------------------------------------------------------------------- LPK-003


def flat_copy(ctx: RuleContext, report: PackageReport,
              items: list[tuple[UnresolvedImport, Misplacement]]) -> Outcome:
    """The fix for a flat copy: add the nested copy (root handler) or move the copy."""
    return _guarded(lambda: _flat_copy(ctx, report, items))


def _flat_copy(ctx: RuleContext, report: PackageReport, items: list[tuple[UnresolvedImport, Misplacement]]) -> Outcome:
    copies = {id(w.copy): w.copy for _, w in items if w.copy is not None}
    if len(copies) != 1:
        raise Declined("the misplaced files do not come from one copy command")
    copy = next(iter(copies.values()))
    wf, site = _site(ctx, copy)
    if len(site.sources) != 1:
        raise Declined("the copy has several sources; only some of them belong under the import path")
    loc = placement.locate(site, copy, report.package)
    strips = {placement.import_root(item) for item, _ in items}
    if len(strips) != 1 or None in strips:
        raise Declined("the import paths do not map to one repository folder")
    strip = strips.pop() or ""
    arch = placement.expected_arch(loc.container_repo, strip)
    if arch is None or arch == loc.target_arch:
        raise Declined("the folder the imports name could not be told apart from where the copy puts it")
    folder, literal = placement.folder_word(loc, arch, strip)
    add = carries_root_handler(report, copy) or report.link is None
    if add and site.command.words[0].text == "mv":
        raise Declined("`mv` leaves no files for a second copy; copy with `cp` instead")

    def arch_for(other: CopyRecord, _report: PackageReport) -> str | None:
        repo_dir = placement.container_repo(other)
        return placement.expected_arch(repo_dir, strip) if repo_dir is not None else None

    check_runs(ctx, copy, target_arch=loc.target_arch, folder=folder, literal=literal, arch_for=arch_for,
               move=not add)
    return _relocate(wf, site, report, loc, folder, add, f"copy {loc.container_repo} to {arch} inside the package")


def _relocate(wf: Workflow, site: sites.CopySite, report: PackageReport, loc: placement.Location, folder: str,
              add: bool, what: str) -> Outcome:
    new_dir = words.join(loc.root_word, folder, slash=False)
    new_target = words.join(loc.root_word, folder, slash=True)
    script = site.step.run or ""
    lines = is_literal(site.step.run_style)
    cmd = site.command
    source = site.sources[0]
    if add:
        copied = _command(site, new_target)
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
    return Outcome(Fix(title, to_file_edits(wf, site.step, edits), _safety(report)))


# --------------------------------------------------------------------------- LPK-002


def handler_elsewhere(ctx: RuleContext, report: PackageReport, elsewhere: PackageFile) -> Outcome:
    """Move the copy that put the handler's module at another path than the handler names."""
    return _guarded(lambda: _handler_elsewhere(ctx, report, elsewhere))


def _handler_elsewhere(ctx: RuleContext, report: PackageReport, elsewhere: PackageFile) -> Outcome:
    pkg, link = report.package, report.link
    wanted = handler_module_path(link.handler) if link else None
    copy = next((c for c in pkg.copies if elsewhere.origin is not None and c.span == elsewhere.origin), None)
    if copy is None or wanted is None:
        raise Declined("the handler's module was not put there by a copy")
    wf, site = _site(ctx, copy)
    if len(site.sources) != 1:
        raise Declined("the copy has several sources")
    loc = placement.locate(site, copy, pkg)
    dest = next((v for s, v in copy.placed.items() if s == elsewhere.source), None)
    rel = dest[len(copy.target.rstrip("/")) + 1:] if dest else None
    if not rel or not (wanted == rel or wanted.endswith("/" + rel)):
        raise Declined(f"the copy cannot put the module at {wanted} by changing its target")
    arch = wanted[: -len(rel)].rstrip("/")
    if arch == loc.target_arch:
        raise Declined("the copy already targets that folder; the archive's paths come from how it is zipped")
    folder, literal = placement.folder_word(loc, arch)
    handler_rel = rel

    def arch_for(other: CopyRecord, other_report: PackageReport) -> str | None:
        other_wanted = handler_module_path(other_report.link.handler) if other_report.link else None
        if not other_wanted or not other_wanted.endswith(handler_rel):
            return None
        return other_wanted[: -len(handler_rel)].rstrip("/")

    # the handler's own bare imports (``from templates import x``) still need the files at the root
    add = bool(elsewhere.source) and _imports_siblings(ctx, str(elsewhere.source), loc.container_repo)
    if add and site.command.words[0].text == "mv":
        raise Declined("the handler also imports its neighbours from the ZIP root; `mv` cannot leave them there")
    check_runs(ctx, copy, target_arch=loc.target_arch, folder=folder, literal=literal, arch_for=arch_for,
               move=not add)
    return _relocate(wf, site, report, loc, folder, add,
                     f"put {elsewhere.source} at {wanted} for the handler {link.handler if link else ''}")


def _imports_siblings(ctx: RuleContext, source: str, folder: str) -> bool:
    """Whether a module imports, by a bare top-level name, a module of the folder it is copied from."""
    try:
        tree = ast.parse((ctx.root / source).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
        return True  # unknown: keep the root copy, it cannot hurt
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    base = (ctx.root / folder) if folder else ctx.root
    return any((base / f"{n}.py").is_file() or (base / n).is_dir() for n in names)


# --------------------------------------------------------------------------- LPK-004


def missing_target(ctx: RuleContext, copy: CopyRecord) -> Outcome:
    """``mkdir -p`` the copy's target folder before it runs."""
    return _guarded(lambda: _missing_target(ctx, copy))


def _missing_target(ctx: RuleContext, copy: CopyRecord) -> Outcome:
    wf, site = _site(ctx, copy)
    target, slash = words.strip_trailing_slash(site.target.text)
    contents = any(words.GLOB.search(words.unquoted(s.text)) or words.unquoted(s.text).endswith("/.")
                   for s in site.sources)
    if slash or contents or len(site.sources) > 1:
        folder = target
    else:
        parent = words.container(target)
        if not parent:
            raise Declined("the target's parent folder cannot be written from the target word")
        folder = parent
    if not words.balanced(folder):
        raise Declined("the target word's quoting cannot be split")
    script = site.step.run or ""
    edit = insert_before(script, site.command.start, site.command.end, [f"mkdir -p {folder}"],
                         is_literal(site.step.run_style))
    return Outcome(Fix(f"Create the target folder first: mkdir -p {folder}",
                       to_file_edits(wf, site.step, [edit]), Applicability.SAFE))


# --------------------------------------------------------------------------- LPK-001


def missing_module(ctx: RuleContext, report: PackageReport, items: list[UnresolvedImport]) -> Outcome:
    """Copy a first-party folder the package lacks to the path its imports name."""
    return _guarded(lambda: _missing_module(ctx, report, items))


def _missing_module(ctx: RuleContext, report: PackageReport, items: list[UnresolvedImport]) -> Outcome:
    first = items[0]
    if first.reason not in ("", "missing") or not first.repo_path:
        raise Declined("only a module that exists in the repository can be copied in")
    strip = placement.import_root(first)
    if strip is None:
        raise Declined("the import path does not match the module's place in the repository")
    repo_dir = posixpath.dirname(first.repo_path)
    arch_dir = placement.expected_arch(repo_dir, strip)
    if arch_dir is None or arch_dir.count("/") < 1:
        raise Declined("the module sits in a top-level package; copying all of it is a choice left to you")
    pkg = report.package
    anchors = [c for c in pkg.copies if not c.failed and c.step_key == (pkg.step_key or c.step_key) and c.command == "cp"
               and placement.archive_path(pkg, c.target) is not None]
    if not anchors:
        raise Declined("no copy into the package in the zip's step to place the new copy after")
    anchor = max(anchors, key=lambda c: c.statement)
    wf, site = _site(ctx, anchor)
    loc = placement.locate(site, anchor, pkg)
    if loc.source_container is None or not words.matches(loc.source_container, loc.container_repo):
        raise Declined("the copies in this step do not run from the repository root")
    folder = words.shell_quote(arch_dir)
    source = words.shell_quote(repo_dir)
    new_dir = words.join(loc.root_word, folder, slash=False)
    statements = [f"mkdir -p {new_dir}", f"cp -r {source}/* {words.join(loc.root_word, folder, slash=True)}"]

    def arch_for(_other: CopyRecord, _report: PackageReport) -> str | None:
        return arch_dir

    check_runs(ctx, anchor, target_arch=loc.target_arch, folder=folder, literal=True, arch_for=arch_for,
               move=False)
    script = site.step.run or ""
    edit = insert_after(script, site.command.start, site.command.end, statements, is_literal(site.step.run_style))
    return Outcome(Fix(f"Copy {repo_dir} to {arch_dir} inside the package", to_file_edits(wf, site.step, [edit]),
                       Applicability.SAFE))
