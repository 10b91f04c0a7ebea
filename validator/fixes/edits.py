"""Script edits and their translation into edits of the workflow file.

A fix is first written against the ``run:`` script (what the shell sees), then
translated to the file for the scalar's style: a literal block (``|``) takes new
lines with the block's indentation and the file's line ending; every other style
(folded, plain, quoted) only takes edits inside a line (``a && b``), escaped for
quoted scalars.  The translation of a non-literal scalar is verified by loading the
edited file: if the value would not be exactly the intended script the fix is
declined, so a fix never changes what YAML means by accident.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from validator.model import Edit, Step, Workflow
from validator.model.base import FrozenRecord
from validator.syntax.yaml import YamlError, load_tree

CONTINUATION = ("&&", "||", "|", "\\")


@dataclass(frozen=True, eq=False, repr=False)
class ScriptEdit(FrozenRecord):
    """Replace ``script[start:end]`` with ``content`` (offsets into the ``run:`` script)."""

    start: int
    end: int
    content: str


class Declined(Exception):
    """A fix that cannot be made safely; the message says why."""


def is_literal(style: str) -> bool:
    return style.startswith("|")


def line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def line_end(text: str, offset: int) -> int:
    end = text.find("\n", offset)
    return len(text) if end < 0 else end


def _previous_line(text: str, start: int) -> str:
    """The last non-blank, non-comment line before the line holding ``start``."""
    pos = line_start(text, start)
    while pos > 0:
        prev = line_start(text, pos - 1)
        line = text[prev:pos - 1].strip()
        if line and not line.startswith("#"):
            return line
        pos = prev
    return ""


def stands_alone(text: str, start: int, end: int) -> bool:
    """Whether a statement has its own lines: nothing before it on its first line, only
    a comment or ``;`` after it, and the previous line does not continue into it."""
    if text[line_start(text, start):start].strip():
        return False
    after = text[end:line_end(text, end)].strip()
    if after and after != ";" and not after.startswith("#") and not re.match(r";\s*#", after):
        return False
    prev = _strip_comment(_previous_line(text, start))
    return not prev.endswith(CONTINUATION)


def _strip_comment(line: str) -> str:
    # good enough for the continuation check: a " #" outside quotes starts a comment
    match = re.search(r"\s#", line)
    return line[: match.start()].rstrip() if match and "'" not in line and '"' not in line else line


def indentation(text: str, offset: int) -> str:
    start = line_start(text, offset)
    line = text[start:line_end(text, offset)]
    return line[: len(line) - len(line.lstrip(" \t"))]


def insert_before(script: str, start: int, end: int, statements: list[str], lines: bool) -> ScriptEdit:
    """New statements that run right before the statement at ``start``..``end``."""
    if lines and stands_alone(script, start, end):
        indent = indentation(script, start)
        return ScriptEdit(line_start(script, start), line_start(script, start),
                          "".join(f"{indent}{s}\n" for s in statements))
    before = script[:start].rstrip()
    if before.endswith("|") or before.endswith("!"):
        raise Declined("the copy is part of a pipeline or an `||` list; a command before it would change the logic")
    return ScriptEdit(start, start, "".join(f"{s} && " for s in statements))


def insert_after(script: str, start: int, end: int, statements: list[str], lines: bool) -> ScriptEdit:
    """New statements that run right after the statement at ``start``..``end`` succeeds."""
    if lines and stands_alone(script, start, end):
        indent = indentation(script, start)
        at = line_end(script, end)
        return ScriptEdit(at, at, "".join(f"\n{indent}{s}" for s in statements))
    after = script[end:].lstrip(" \t")
    if after.startswith("|") and not after.startswith("||"):
        raise Declined("the copy feeds a pipeline; a command after it would change the logic")
    return ScriptEdit(end, end, "".join(f" && {s}" for s in statements))


def apply_script_edits(script: str, edits: list[ScriptEdit]) -> str:
    out = script
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        out = out[:edit.start] + edit.content + out[edit.end:]
    return out


# --------------------------------------------------------------------------- file edits


def _line_break(text: str, at: int) -> str:
    """The line break of the file line holding ``at`` (the file's usual one on a last line)."""
    end = text.find("\n", at)
    if end < 0:
        return "\r\n" if "\r\n" in text else "\n"
    return "\r\n" if end > 0 and text[end - 1] == "\r" else "\n"


def _file_offset(step: Step, script: str, offset: int) -> int:
    """File offset of a script position, attached to the character before it when that
    is on the same line (so an insertion at a line end lands before the line break)."""
    smap = step.script_map
    assert smap is not None
    if offset > 0 and script[offset - 1] != "\n":
        return smap.file_offset(offset - 1) + 1
    return smap.file_offset(offset)


def _escape(content: str, style: str) -> str:
    if style == "single":
        return content.replace("'", "''")
    if style == "double":
        return content.replace("\\", "\\\\").replace('"', '\\"')
    return content


def to_file_edits(workflow: Workflow, step: Step, edits: list[ScriptEdit]) -> list[Edit]:
    """The file edits that make the step's script read as ``apply_script_edits``."""
    script = step.run or ""
    style = step.run_style
    text = workflow.text
    smap = step.script_map
    if smap is None or not style:
        raise Declined("the run: value's position in the file is unknown")
    out: list[Edit] = []
    for edit in edits:
        start = _file_offset(step, script, edit.start)
        end = start if edit.end == edit.start else smap.file_offset(edit.end - 1) + 1
        if text[start:end] != script[edit.start:edit.end]:
            raise Declined("the command is written with YAML escapes or line folds inside it")
        content = edit.content
        if "\n" in content:
            if not is_literal(style):
                raise Declined(f"a {style} run: value cannot take new lines")
            indent = smap.position(line_start(script, edit.start))[1] - 1
            newline = _line_break(text, start)
            content = content.replace("\n", newline + " " * indent)
        else:
            content = _escape(content, style)
        out.append(Edit(workflow.path, start, end, content))
    if not is_literal(style):
        _verify_scalar(workflow, step, out, apply_script_edits(script, edits))
    return out


def apply_edits(text: str, edits: list[Edit]) -> str:
    """``text`` with non-overlapping edits applied (insertions at one point keep their order)."""
    out = []
    pos = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        out.append(text[pos:edit.start])
        out.append(edit.content)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out)


def step_value(document: Any, job_id: str, index: int) -> Any:
    """``jobs.<job>.steps[index].run`` of a loaded workflow, or None."""
    try:
        return document["jobs"][job_id]["steps"][index].get("run")
    except (KeyError, IndexError, TypeError, AttributeError):
        return None


def _verify_scalar(workflow: Workflow, step: Step, edits: list[Edit], expected: str) -> None:
    job_id = _job_of(workflow, step)
    try:
        document = load_tree(apply_edits(workflow.text, edits), workflow.path)
    except YamlError:
        raise Declined(f"the {step.run_style} run: value would not stay valid YAML after the edit") from None
    if job_id is None or step_value(document, job_id, step.index) != expected:
        raise Declined(f"the {step.run_style} run: value would not read as the corrected script after the edit")


def _job_of(workflow: Workflow, step: Step) -> str | None:
    for job in workflow.jobs:
        if any(s is step for s in job.steps):
            return job.job_id
    return None
