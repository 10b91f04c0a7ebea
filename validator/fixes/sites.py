"""Where a copy was written: its workflow, step, parsed script and command words.

Fixes are built from the words as the user wrote them (variables, quoting and
``${{ }}`` kept), so every edit starts here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from validator.model import CopyRecord, JobRun, Step, Workflow
from validator.model.base import FrozenRecord
from validator.syntax.shell import parse_script
from validator.syntax.shell.ir import Command, Node, Script, Word, children


@dataclass(frozen=True, eq=False, repr=False)
class CopySite(FrozenRecord):
    """A copy command located in its ``run:`` script."""

    workflow: Workflow
    job: JobRun
    step: Step
    script: Script
    command: Command
    options: tuple[Word, ...]  # the option words as written (``-r``, ``-a``)
    sources: tuple[Word, ...]
    target: Word


@lru_cache(maxsize=256)
def parsed(text: str) -> Script:
    """A script parsed once, however many findings point into it."""
    return parse_script(text)


def find_step(workflow: Workflow, step_key: str, job_key: str = "") -> tuple[JobRun, Step] | None:
    """The job run and step a ``step_key`` (``path:job:index:combo``) names."""
    prefix = workflow.path + ":"
    if not step_key.startswith(prefix):
        return None
    parts = step_key[len(prefix):].split(":", 2)
    if len(parts) < 2 or not parts[1].isdigit():
        return None
    job_id, index = parts[0], int(parts[1])
    for job in workflow.jobs:
        if job.job_id != job_id or (job_key and job.key != job_key):
            continue
        for step in job.steps:
            if step.index == index:
                return job, step
    return None


def find_command(script: Script, start: int, end: int) -> Command | None:
    """The simple command that spans exactly ``start``..``end`` in the script."""
    stack: list[Node] = list(script.body)
    while stack:
        node = stack.pop()
        if isinstance(node, Command) and node.start == start and node.end == end:
            return node
        for nested in children(node):
            stack.extend(nested)
    return None


def split_operands(words: list[Word]) -> tuple[list[Word], list[Word]] | None:
    """``cp``/``mv`` words (without the name) as (options, operands); None when the
    command uses a form a fix cannot rewrite (``-t DIR``, ``--target-directory``)."""
    options: list[Word] = []
    operands: list[Word] = []
    ended = False
    for word in words:
        text = word.text
        if not ended and text == "--":
            ended = True
            options.append(word)
        elif not ended and text.startswith("-") and len(text) > 1:
            if text.startswith("--target-directory") or text == "-T" or (
                    not text.startswith("--") and ("t" in text[1:] or "T" in text[1:])):
                return None
            options.append(word)
        else:
            operands.append(word)
    return options, operands


def _raw(text: str, words: list[Word]) -> list[Word]:
    """Words with their text as written (``${{ matrix.x }}``, not the parser's placeholder)."""
    return [Word(w.start, w.end, text[w.start:w.end]) for w in words]


def locate(workflow: Workflow, copy: CopyRecord) -> CopySite | str:
    """The copy's site, or why it cannot be edited."""
    if not copy.step_key.startswith(workflow.path + ":"):
        return f"the copy runs when another workflow calls {workflow.path}; only the caller's inputs say what it copies"
    found = find_step(workflow, copy.step_key, copy.job_key)
    if found is None:
        return "the step of this copy could not be located"
    job, step = found
    if step.run is None or step.script_map is None:
        return "the step has no readable run: script"
    script = parsed(step.run)
    command = find_command(script, *copy.statement)
    if command is None or not command.words:
        return "the copy command could not be located in the script"
    if command.words[0].text not in ("cp", "mv"):
        return f"`{command.words[0].text}` commands are not rewritten"
    split = split_operands(command.words[1:])
    if split is None:
        return "the copy names its target with -t/--target-directory"
    options, operands = (_raw(step.run, w) for w in split)
    if len(operands) < 2:
        return "the copy has no target operand"
    return CopySite(workflow, job, step, script, command, tuple(options), tuple(operands[:-1]), operands[-1])
