"""``--format github``: workflow commands that GitHub turns into annotations on the diff.

GitHub shows only about ten annotations per step, so a plain summary line follows the
commands, and ``write_step_summary`` adds a table of every finding and package to the
job's summary page (``$GITHUB_STEP_SUMMARY``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from validator.model import AnalysisResult, Finding, PackageReport, Severity

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning"}


def escape_data(text: str) -> str:
    """Escape a command's message as the Actions runner expects (``%``, CR, LF)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value: the data escapes plus ``:`` and ``,``, which delimit properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _title(finding: Finding, names: dict[str, str]) -> str:
    name = names.get(finding.code)
    return f"{finding.code} {name}" if name else finding.code


def annotation(finding: Finding, names: dict[str, str]) -> str:
    """One ``::error``/``::warning`` command for ``finding``."""
    span = finding.span
    props = [
        ("file", span.path),
        ("line", str(span.line)),
        ("col", str(span.column)),
        ("endLine", str(max(span.end_line, span.line))),
        ("endColumn", str(span.end_column)),
        ("title", _title(finding, names)),
    ]
    body = finding.message
    if finding.package and f"package {finding.package}" not in body:
        body += f" [package {finding.package}]"
    for rel in finding.related:
        body += f"\n{rel.path}:{rel.line}: {rel.message}"
    if finding.hint:
        body += f"\nhint: {finding.hint}"
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{_COMMAND[finding.severity]} {joined}::{escape_data(body)}"


def summary_line(result: AnalysisResult) -> str:
    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    return (
        f"validate-imports: {plural(result.errors, 'error')}, {plural(result.warnings, 'warning')} "
        f"in {plural(len(result.packages), 'package')}"
    )


def render_github(result: AnalysisResult, rules: Sequence[Any] = ()) -> str:
    """Workflow commands for every finding, then a one-line summary."""
    names = {r.code: r.name for r in rules}
    lines = [annotation(f, names) for f in sorted(result.findings, key=Finding.sort_key)]
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- step summary


def _cell(text: object) -> str:
    """A Markdown table cell: pipes escaped, line breaks kept as ``<br>``."""
    value = "" if text is None else str(text)
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", "\n").replace("\n", "<br>")


def _code(text: str) -> str:
    if not text or "`" in text or "\n" in text:
        return _cell(text)
    return "`" + text.replace("|", "\\|") + "`"


def _handler(report: PackageReport) -> str:
    link = report.link
    if link is None:
        return "—"
    where = ""
    if link.config is not None:
        where = f" ({link.config.span.path}:{link.config.span.line})"
    inferred = ", inferred" if link.inferred else ""
    return f"{_code(link.handler)} via {_cell(link.how)}{inferred}{_cell(where)}"


def step_summary(result: AnalysisResult) -> str:
    """The Markdown block ``write_step_summary`` appends."""
    out = ["## validate-imports", "", summary_line(result).removeprefix("validate-imports: "), ""]
    if result.findings:
        out += ["| Severity | Rule | Location | Package | Message |", "| --- | --- | --- | --- | --- |"]
        for f in sorted(result.findings, key=Finding.sort_key):
            icon = "❌" if f.severity is Severity.ERROR else "⚠️"
            out.append(
                f"| {icon} {f.severity.value} | {f.code} | {_code(f'{f.span.path}:{f.span.line}')} "
                f"| {_cell(f.package or '')} | {_cell(f.message)} |"
            )
        out.append("")
    else:
        out += ["No findings.", ""]
    if result.packages:
        out += ["| Package | Archive | Handler | Files |", "| --- | --- | --- | ---: |"]
        for report in result.packages:
            pkg = report.package
            out.append(f"| {_cell(pkg.name)} | {_code(pkg.archive)} | {_handler(report)} | {len(pkg.files)} |")
        out.append("")
    return "\n".join(out) + "\n"


def write_step_summary(result: AnalysisResult, path: Path) -> None:
    """Append the findings and packages tables to the job summary file at ``path``."""
    with path.open("a", encoding="utf-8", newline="\n") as fh:
        fh.write(step_summary(result))
