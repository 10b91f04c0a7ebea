"""The terminal report, shaped like ruff's and rustc's: a header line per finding, the
workflow line framed with a marker under the command, the code line that needs it, a
one-line hint, and a summary.  Colour comes from rich on a terminal; plain text under
``NO_COLOR`` or a pipe."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.text import Text
from rich.tree import Tree

from rules import get_rule
from validator.model import AnalysisResult, Finding, PackageFile, PackageReport, Severity
from validator.model.snippets import file_lines
from validator.report.summary import all_passed

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow"}


def _frame(console: Console, root: Path, path: str, line: int, col: int, end_line: int, end_col: int,
           underline: bool = True) -> None:
    lines = file_lines(root, path)
    if not 0 < line <= len(lines):
        return
    width = len(str(line))
    pad = " " * width
    source = lines[line - 1].expandtabs(1)
    console.print(Text(f"{pad} |", style="blue"))
    out = Text(f"{line} | ", style="blue")
    out.append(source)
    console.print(out, soft_wrap=True)
    if underline:
        stop = end_col if end_line == line and end_col > col else len(source) + 1
        marker = Text(f"{pad} | ", style="blue")
        marker.append(" " * (col - 1) + "^" * max(stop - col, 1), style="bold red")
        console.print(marker, soft_wrap=True)


def _related(console: Console, root: Path, finding: Finding) -> None:
    for rel in finding.related[:5]:
        head = Text("   ::: ", style="blue")
        head.append(f"{rel.path}:{rel.line}", style="bold")
        head.append(f" {rel.message}")
        console.print(head, soft_wrap=True)
        lines = file_lines(root, rel.path)
        if (0 < rel.line <= len(lines) and rel.line > 1) or (rel.line == 1 and lines and lines[0].strip()):
            text = lines[rel.line - 1].strip() if 0 < rel.line <= len(lines) else ""
            if text:
                body = Text(f"    {rel.line} | ", style="blue")
                body.append(text)
                console.print(body, soft_wrap=True)
    if len(finding.related) > 5:
        console.print(Text(f"   ::: … and {len(finding.related) - 5} more", style="blue"))


def render_finding(console: Console, root: Path, finding: Finding) -> None:
    span = finding.span
    header = Text()
    header.append(f"{span.path}:{span.line}:{span.column}: ", style="bold")
    header.append(finding.code, style=_STYLE[finding.severity])
    if finding.fix is not None:
        header.append(" [*]", style="cyan")
    rule = get_rule(finding.code)
    header.append(f" {rule.name if rule else ''}: ".replace(" : ", ": "), style="dim")
    header.append(finding.message)
    console.print(header, soft_wrap=True)
    _frame(console, root, span.path, span.line, span.column, span.end_line, span.end_column)
    _related(console, root, finding)
    if finding.hint:
        hint = Text("    = help: ", style="cyan")
        hint.append(finding.hint)
        console.print(hint, soft_wrap=True)
    if finding.fix_declined:
        console.print(Text(f"    = note: no automatic fix: {finding.fix_declined}", style="dim"), soft_wrap=True)
    console.print()


def summary_line(result: AnalysisResult, fix_hint: bool = True) -> Text:
    errors, warnings = result.errors, result.warnings
    fixable = sum(1 for f in result.findings if f.fix is not None)
    packages = len(result.packages)
    noun = "package" if packages == 1 else "packages"
    if not result.findings:
        return Text(all_passed(result), style="bold green")
    parts = []
    if errors:
        parts.append(f"{errors} error{'' if errors == 1 else 's'}")
    if warnings:
        parts.append(f"{warnings} warning{'' if warnings == 1 else 's'}")
    text = Text(f"Found {' and '.join(parts)} in {packages} {noun}.", style="bold")
    if fixable and fix_hint:
        text.append(f"\n[*] {fixable} fixable with `--fix`.", style="cyan")
    return text


def render_text(console: Console, result: AnalysisResult, quiet: bool = False, statistics: bool = False) -> None:
    """Findings (or, with ``statistics``, their counts per rule) and a summary; ``quiet``
    drops everything but the findings and, when there are any, the summary."""
    root = Path(result.root)
    if not statistics:
        for finding in result.findings:
            render_finding(console, root, finding)
    else:
        counts = Counter(f.code for f in result.findings)
        fixable = Counter(f.code for f in result.findings if f.fix is not None)
        for code, count in sorted(counts.items()):
            rule = get_rule(code)
            mark = "[*]" if fixable[code] == count else ("[-]" if fixable[code] else "   ")
            console.print(f"{count:5d}  {code}  {mark} {rule.name if rule else ''}")
        if counts:
            console.print()
    if not quiet or result.findings:
        console.print(summary_line(result))


def render_packages(console: Console, result: AnalysisResult) -> None:
    """``--show-packages``: each package's tree, where each file came from, and its handler link."""
    for report in result.packages:
        console.print(package_tree(report))
        console.print()


def package_tree(report: PackageReport) -> Tree:
    pkg, link = report.package, report.link
    label = Text(pkg.name, style="bold")
    label.append(f"  {pkg.archive}  ({pkg.span.path}:{pkg.span.line})", style="dim")
    tree = Tree(label)
    if link is not None:
        how = Text("handler ", style="cyan")
        how.append(link.handler, style="bold")
        how.append(f"  [{link.how}] {link.explanation}", style="dim")
        tree.add(how)
    elif pkg.opaque:
        tree.add(Text(f"cannot verify: {pkg.opaque_reason}", style="yellow"))
    elif pkg.is_layer:
        tree.add(Text("a layer (no handler)", style="cyan"))
    else:
        tree.add(Text("no handler linked", style="yellow"))
    for attachment in report.layers:
        what = Text("attaches ", style="cyan")
        what.append(attachment.layer.where if attachment.layer is not None else f"layer {attachment.ref}",
                    style="bold")
        detail = attachment.how if attachment.layer is not None else "not built here: content unknown"
        what.append(f"  [{attachment.span.path}:{attachment.span.line}] {detail}".rstrip(), style="dim")
        tree.add(what)
    if report.pythonpath is not None:
        tree.add(Text(f"PYTHONPATH={report.pythonpath.value}  ({report.pythonpath.span.path}:"
                      f"{report.pythonpath.span.line})", style="cyan"))
    nodes: dict[str, Tree] = {"": tree}
    for path in sorted(pkg.files):
        parts = path.strip("/").split("/")
        for depth in range(1, len(parts)):
            key = "/".join(parts[:depth])
            if key not in nodes:
                nodes[key] = nodes["/".join(parts[: depth - 1])].add(Text(parts[depth - 1] + "/", style="blue"))
        nodes["/".join(parts[:-1])].add(_file_label(parts[-1], pkg.files[path]))
    for pip in pkg.pip_installs:
        tree.add(Text(f"pip install -t {pip.prefix or '.'}: {' '.join(pip.requirements + pip.requirement_files)}"
                      f"  ({pip.span.path}:{pip.span.line})", style="magenta"))
    return tree


def _file_label(name: str, pfile: PackageFile) -> Text:
    text = Text(name)
    origin = f"{pfile.origin.path}:{pfile.origin.line}" if pfile.origin else "?"
    source = f"from {pfile.source}, " if pfile.source else f"{pfile.kind.value}, "
    text.append(f"  ({source}{origin})", style="dim")
    return text
