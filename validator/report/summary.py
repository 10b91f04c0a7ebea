"""The one-line verdict, as plain text, so a clean run can print it without loading rich."""

from __future__ import annotations

import os
from collections.abc import Mapping

from validator.model import AnalysisResult


def all_passed(result: AnalysisResult) -> str:
    packages = len(result.packages)
    noun = "package" if packages == 1 else "packages"
    workflows = len(result.workflows)
    if not workflows and result.packages and all(r.package.built for r in result.packages):
        return f"All checks passed ({packages} built {noun})."
    other = ""
    if result.out_of_scope:
        shown = ", ".join(result.out_of_scope[:3]) + (", …" if len(result.out_of_scope) > 3 else "")
        other = f"; {len(result.out_of_scope)} not Python, not checked: {shown}"
    return f"All checks passed ({packages} {noun} in {workflows} workflow{'' if workflows == 1 else 's'}{other})."


def rich_would_style(force_terminal: bool | None, environ: Mapping[str, str] = os.environ) -> bool:
    """Whether a rich ``Console`` writing to a non-terminal buffer would emit escape codes
    (rich's own rules: ``TTY_COMPATIBLE``, then ``FORCE_COLOR``)."""
    if force_terminal is not None:
        return force_terminal
    tty_compatible = environ.get("TTY_COMPATIBLE", "")
    if tty_compatible in ("0", "1"):
        return tty_compatible == "1"
    force_color = environ.get("FORCE_COLOR")
    return force_color is not None and force_color != ""
