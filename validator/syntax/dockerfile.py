"""Dockerfiles, read with ``dockerfile-parse`` into line-numbered instructions.

The library joins continuation lines, honours ``# escape=`` and skips ``# syntax=``;
what it lacks is added here: heredocs (``RUN <<EOF`` … ``EOF``: the body lines belong
to the instruction, not to bogus instructions of their own), the exec (JSON) form of
arguments, and ``--flag=value`` options.  Instructions Docker does not know are kept
and named in ``problems`` (the build stops there).  Nothing is substituted here.
"""

from __future__ import annotations

import io
import json
import re
import shlex
from dataclasses import dataclass, field

from validator.model.base import Record

#: instructions of the Dockerfile reference (buildkit ``frontend/dockerfile/docs/reference.md``)
KNOWN = frozenset({
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL", "MAINTAINER",
    "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
})
#: instructions whose arguments may be written in exec (JSON array) form
_JSON_FORMS = frozenset({"ADD", "COPY", "CMD", "ENTRYPOINT", "RUN", "SHELL", "VOLUME"})
_HEREDOC = re.compile(r"<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_]*)\2")
_FLAG = re.compile(r"^--([a-z][a-z-]*)(?:=(.*))?$")
#: bytes read at most (a Dockerfile is small; a huge one is not read)
MAX_BYTES = 1_000_000


@dataclass(eq=False, repr=False)
class Instruction(Record):
    """One instruction: its name, 1-based lines, flags and arguments."""

    name: str  # upper case
    line: int
    end_line: int
    value: str  # as written, continuations joined, flags included
    flags: dict[str, str] = field(default_factory=dict)  # ``--from=build`` -> {"from": "build"}
    args: list[str] = field(default_factory=list)  # exec form items, or shell words (quotes removed)
    rest: str = ""  # the value after the flags, as written (shell form)
    json_form: bool = False
    #: heredoc bodies by delimiter (``RUN <<EOF``, ``COPY <<EOF /x``)
    heredocs: dict[str, str] = field(default_factory=dict)


@dataclass(eq=False, repr=False)
class Dockerfile(Record):
    path: str
    instructions: list[Instruction] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, why)


def parse_dockerfile(text: str, path: str) -> Dockerfile:
    """Instructions of ``text``; a problem for each part that Docker would reject or that
    cannot be read (never an exception)."""
    out = Dockerfile(path)
    if len(text) > MAX_BYTES:
        out.problems.append((1, f"{path} is larger than {MAX_BYTES // 1_000_000} MB and is not read"))
        return out
    try:
        from dockerfile_parse import DockerfileParser

        parser = DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8", "replace")), env_replace=False)
        structure = parser.structure
    except Exception as exc:  # the library raises on odd input (bad escapes, encodings)
        out.problems.append((1, f"{path} cannot be parsed: {exc}"))
        return out
    lines = text.splitlines()
    skip_until = -1
    for item in structure:
        start, end = int(item["startline"]), int(item["endline"])
        if start <= skip_until:
            continue
        name = str(item["instruction"]).upper()
        if name == "COMMENT":
            continue
        inst = Instruction(name=name, line=start + 1, end_line=end + 1, value=str(item["value"]))
        for m in _HEREDOC.finditer(inst.value if name in ("RUN", "COPY", "ADD") else ""):
            delimiter = m.group(3)
            body: list[str] = []
            j = end + 1
            while j < len(lines) and lines[j].strip() != delimiter:
                body.append(lines[j].lstrip("\t") if m.group(1) else lines[j])
                j += 1
            if j >= len(lines):
                out.problems.append((inst.line, f"heredoc <<{delimiter} is never closed"))
            inst.heredocs[delimiter] = "\n".join(body) + "\n"
            skip_until = max(skip_until, j)
            end = j
        inst.end_line = max(inst.end_line, min(end + 1, len(lines)))
        _split_args(inst)
        if name not in KNOWN:
            out.problems.append((inst.line, f"unknown instruction {name}: docker build stops here"))
        out.instructions.append(inst)
    return out


def _split_args(inst: Instruction) -> None:
    rest = inst.value.strip()
    while rest.startswith("--"):
        word, _, after = rest.partition(" ")
        m = _FLAG.match(word)
        if m is None:
            break
        inst.flags[m.group(1)] = m.group(2) if m.group(2) is not None else ""
        rest = after.lstrip()
    inst.rest = rest
    if inst.name in _JSON_FORMS and rest.startswith("["):
        try:
            items = json.loads(rest)
        except ValueError:
            items = None
        if isinstance(items, list) and all(isinstance(i, str) for i in items):
            inst.args, inst.json_form = list(items), True
            return
    try:
        inst.args = shlex.split(rest, posix=True)
    except ValueError:  # an unbalanced quote: words as written
        inst.args = rest.split()
