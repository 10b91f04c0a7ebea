"""Widening an image's build context: the ``docker build`` context operand becomes a
folder that holds every ``COPY`` source, and every source of the Dockerfile is rewritten
relative to it (``COPY app/ …`` -> ``COPY orders/app/ …``, ``COPY ../shared/ …`` ->
``COPY shared/ …``).  LPK-007's fix is built from these pieces.

Declined where the edit cannot be exact: a context not written literally in a ``docker
build`` of a ``run:`` script (``docker/build-push-action``'s ``context:`` input, a
variable), a ``.dockerignore`` whose patterns would change meaning, a ``COPY`` spread over
lines, quoted, built from variables or heredocs.
"""

from __future__ import annotations

import json
import posixpath
import re

from validator.fixes.edits import Declined, ScriptEdit, to_file_edits
from validator.fixes.sites import parsed
from validator.model import Edit, JobRun, Span, Step, Workflow
from validator.model.context import RuleContext
from validator.model.images import ImageBuild
from validator.simulate.commands import docker_build
from validator.simulate.commands.options import parse
from validator.simulate.words import arg
from validator.syntax.dockerfile import parse_dockerfile
from validator.syntax.shell.ir import Command, Node, Word, children

_WORD = re.compile(r"\S+")


def rebase(source: str, old: str, new: str) -> str:
    """A ``COPY`` source of context ``old`` written relative to context ``new``."""
    prefix = posixpath.relpath(old if old != "." else ".", new if new != "." else ".")
    path = posixpath.normpath(posixpath.join(prefix, source.lstrip("/") or "."))
    if path == ".." or path.startswith("../"):
        raise Declined(f"{source} is outside {new} too")
    return path + ("/" if source.endswith("/") and path != "." else "")


def dockerfile_edits(ctx: RuleContext, image: ImageBuild, new: str) -> list[Edit]:
    """Every ``COPY``/``ADD`` source of the Dockerfile rewritten for context ``new``."""
    text = ctx.repo.read_text(image.dockerfile)
    if text is None or not ctx.repo.writable_text(image.dockerfile):
        raise Declined(f"{image.dockerfile} cannot be edited")
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    edits: list[Edit] = []
    for inst in parse_dockerfile(text, image.dockerfile).instructions:
        if inst.name not in ("COPY", "ADD") or "from" in inst.flags:
            continue
        if inst.heredocs:
            raise Declined(f"{image.dockerfile}:{inst.line}: a heredoc COPY is not rewritten")
        if inst.end_line != inst.line:
            raise Declined(f"{image.dockerfile}:{inst.line}: a COPY over several lines is not rewritten")
        line = lines[inst.line - 1]
        base = offsets[inst.line - 1]
        if inst.json_form:
            start = line.index("[")
            end = line.rindex("]") + 1
            items = json.loads(line[start:end])
            if not all(isinstance(i, str) for i in items) or len(items) < 2:
                raise Declined(f"{image.dockerfile}:{inst.line}: the COPY's JSON form cannot be read")
            new_items = [_source(s, image, new, inst.line) for s in items[:-1]] + [items[-1]]
            edits.append(Edit(image.dockerfile, base + start, base + end, json.dumps(new_items)))
            continue
        words = [m for m in _WORD.finditer(line)][1:]  # after the instruction name
        words = [m for m in words if not m.group().startswith("--")]
        if len(words) < 2:
            raise Declined(f"{image.dockerfile}:{inst.line}: the COPY has no source")
        for m in words[:-1]:
            edits.append(Edit(image.dockerfile, base + m.start(), base + m.end(),
                              _source(m.group(), image, new, inst.line)))
    return edits


def _source(word: str, image: ImageBuild, new: str, line: int) -> str:
    if any(c in word for c in "\"'$\\") or "://" in word:
        raise Declined(f"{image.dockerfile}:{line}: `{word}` is quoted, a variable or a URL")
    return rebase(word, image.context, new)


def ignore_problem(ctx: RuleContext, image: ImageBuild, new: str) -> str | None:
    """Why widening the context would change what ``.dockerignore`` excludes, if it would."""
    if ctx.repo.is_file(f"{image.dockerfile}.dockerignore"):
        return None  # a Dockerfile's own ignore file applies whatever the context
    for folder in dict.fromkeys((image.context, new)):
        path = ".dockerignore" if folder in ("", ".") else f"{folder}/.dockerignore"
        if ctx.repo.is_file(path):
            return f"{path} would no longer apply, or would apply to another tree"
    return None


def context_edits(ctx: RuleContext, image: ImageBuild, new: str) -> list[Edit]:
    """The ``docker build`` command with ``new`` as its context (and ``-f`` naming the
    Dockerfile when it was the context's default one)."""
    wf = next((w for w in ctx.workflows if w.path == image.span.path), None)
    if wf is None:
        raise Declined(f"the build runs in {image.span.path}; the context is edited in workflow files only")
    found = _command_at(wf, image.span)
    if found is None:
        raise Declined("the build context is not set by a `docker build` in a run: script "
                       "(docker/build-push-action's `context:` is edited by hand)")
    step, command = found
    script = step.run or ""
    words = [Word(w.start, w.end, script[w.start:w.end]) for w in command.words]
    names = [w.text for w in words]
    if names[:2] != ["docker", "build"] and names[:3] != ["docker", "buildx", "build"]:
        raise Declined("the build is not a literal `docker build` command")
    rest = words[3 if names[1] == "buildx" else 2:]
    args = [arg(w.text, "$" in w.text) for w in rest]
    p = parse(args, short_with_value="ftom", long_with_value=docker_build.LONG_WITH_VALUE)
    if len(p.operands) != 1:
        raise Declined("the build's context operand could not be told apart")
    context = next(w for w, a in zip(rest, args, strict=True) if a is p.operands[0])
    has_file = p.value("-f", "--file") is not None
    written = context.text.rstrip("/").removeprefix("./") or "."
    if written != image.context or any(c in context.text for c in "\"'$"):
        raise Declined("the context is not written literally as a repository path")
    edits = [ScriptEdit(context.start, context.end, new)]
    if not has_file:
        after = words[1] if names[1] == "build" else words[2]
        edits.append(ScriptEdit(after.end, after.end, f" -f {image.dockerfile}"))
    return to_file_edits(wf, step, sorted(edits, key=lambda e: e.start))


def _command_at(wf: Workflow, span: Span) -> tuple[Step, Command] | None:
    """The step and simple command of a run: script that starts at ``span``."""
    line, column = span.line, span.column
    jobs: list[JobRun] = wf.jobs
    for job in jobs:
        for step in job.steps:
            if step.run is None or step.script_map is None:
                continue
            script = parsed(step.run)
            stack: list[Node] = list(script.body)
            while stack:
                node = stack.pop()
                if isinstance(node, Command) and node.words:
                    pos = step.script_map.position(node.start)
                    if pos == (line, column):
                        return step, node
                for nested in children(node):
                    stack.extend(nested)
    return None
