"""Requirements files as pip reads them: comments, ``\\`` continuations, nested ``-r``,
``-c`` constraints, ``-e``, per-requirement options (``--hash``), global options, extras,
markers, direct URLs and VCS links; parsed with ``packaging`` as pip does.

Parsing never raises: what pip would refuse (a missing file, a line that is no
requirement) is a problem with its file and line; a file that includes itself is a
problem too and is read once.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from validator.model.base import Record

MAX_DEPTH = 10

_OPTION_WITH_VALUE = re.compile(
    r"^(-i|--index-url|--extra-index-url|-f|--find-links|--trusted-host|--only-binary|--no-binary|"
    r"--use-feature|--config-settings|--global-option|--hash)(?:[= ]|$)")
_NESTED = re.compile(r"^(-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+|(?=[^\s-]))(\S+)\s*$")
_EDITABLE = re.compile(r"^(-e|--editable)(?:\s*=\s*|\s+)(\S+)")
_COMMENT = re.compile(r"(^|\s)#.*$")
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_PER_REQ_OPTION = re.compile(r"\s--(hash|config-settings|global-option|install-option)[= ]\S+")
_ENV_VAR = re.compile(r"\$\{[A-Z0-9_]+\}")


@dataclass(eq=False, repr=False)
class ReqLine(Record):
    """One requirement: a distribution, a local project, or a URL/VCS link."""

    text: str  # as written (options stripped)
    file: str | None  # repository-relative requirements file; None on the command line
    line: int  # 1-based line in ``file`` (0 on the command line)
    name: str | None = None  # distribution name as written; None for a path without a name
    extras: tuple[str, ...] = ()
    marker: str | None = None
    url: bool = False  # a direct URL or VCS link: what it installs is not known from the name
    local_path: str | None = None  # a local project (``.``, ``./libs/common``), repository-relative
    editable: bool = False


@dataclass(eq=False, repr=False)
class ReqProblem(Record):
    """Something pip refuses or the tool cannot read in a requirements file."""

    kind: str  # "missing-file", "unparsable", "self-include", "unknown-value"
    file: str | None  # the file with the offending line (None: the command line)
    line: int
    text: str
    message: str
    fatal: bool = False  # pip stops the install


@dataclass(eq=False, repr=False)
class ReqSet(Record):
    """Everything one install's requirements say."""

    lines: list[ReqLine] = field(default_factory=list)
    constraints: list[ReqLine] = field(default_factory=list)
    problems: list[ReqProblem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # every file read, in order


def logical_lines(text: str) -> list[tuple[int, str]]:
    """(first physical line, text) with comments removed and continuations joined, as
    pip's ``join_lines`` and ``ignore_comments`` do."""
    out: list[tuple[int, str]] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        if not pending:
            start = number
        if raw.endswith("\\") and not _COMMENT.search(raw[:-1]):
            pending.append(raw[:-1])
            continue
        pending.append(raw)
        line = _COMMENT.sub("", " ".join(pending)).strip()
        pending = []
        if line:
            out.append((start, line))
    if pending:
        line = _COMMENT.sub("", " ".join(pending)).strip()
        if line:
            out.append((start, line))
    return out


def parse_requirement(text: str, file: str | None, line: int, base_dir: str = "") -> ReqLine | ReqProblem:
    """One requirement (command-line operand or file line)."""
    from packaging.requirements import InvalidRequirement, Requirement

    text = _PER_REQ_OPTION.sub("", " " + text).strip()
    editable = False
    m = _EDITABLE.match(text)
    if m:
        editable, text = True, m.group(2)
    if _ENV_VAR.search(text):
        return ReqProblem("unknown-value", file, line, text, f"`{text}` depends on an environment variable")
    egg = _EGG.search(text)
    if re.match(r"^[a-z][a-z0-9+.-]*://", text, re.I) or text.startswith(("git+", "hg+", "svn+", "bzr+")):
        return ReqLine(text=text, file=file, line=line, name=egg.group(1) if egg else None, url=True,
                       editable=editable)
    if text.startswith((".", "/", "~")) or (("/" in text or text.endswith((".whl", ".zip", ".tar.gz")))
                                             and not re.search(r"@\s*\S", text)):
        path = text.split("#", 1)[0].split("[", 1)[0]
        if path.endswith((".whl", ".zip", ".tar.gz")):
            stem = posixpath.basename(path).split("-", 1)[0]
            return ReqLine(text=text, file=file, line=line, name=stem if path.endswith(".whl") else None, url=True)
        local = posixpath.normpath(posixpath.join(base_dir, path)) if not path.startswith("/") else path
        return ReqLine(text=text, file=file, line=line, name=egg.group(1) if egg else None,
                       local_path="" if local == "." else local, editable=editable)
    try:
        req = Requirement(text)
    except InvalidRequirement as exc:
        return ReqProblem("unparsable", file, line, text, f"`{text}` is not a requirement ({exc})", fatal=True)
    return ReqLine(text=text, file=file, line=line, name=req.name, extras=tuple(sorted(req.extras)),
                   marker=str(req.marker) if req.marker else None, url=req.url is not None, editable=editable)


def parse_file(path: str, read: Callable[[str], str | None], into: ReqSet | None = None,
               constraint: bool = False, stack: tuple[str, ...] = (), referrer: tuple[str | None, int] = (None, 0),
               cwd: str = "") -> ReqSet:
    """Read a requirements file (repository-relative ``path``) and what it includes; nested
    files are relative to the including file, local projects to pip's working directory
    (``cwd``, repository-relative), as pip resolves them."""
    out = ReqSet() if into is None else into
    path = posixpath.normpath(path)
    if path in stack:
        out.problems.append(ReqProblem("self-include", referrer[0], referrer[1], path,
                                       f"{path} includes itself (through {' -> '.join((*stack, path))}); "
                                       "it is read once"))
        return out
    if len(stack) >= MAX_DEPTH:
        return out
    text = read(path)
    if text is None:
        out.problems.append(ReqProblem("missing-file", referrer[0], referrer[1], path,
                                       f"requirements file {path} does not exist", fatal=True))
        return out
    if path not in out.files:
        out.files.append(path)
    base = posixpath.dirname(path)
    for number, line in logical_lines(text):
        nested = _NESTED.match(line)
        if nested:
            ref = nested.group(2)
            if _ENV_VAR.search(ref):
                out.problems.append(ReqProblem("unknown-value", path, number, line,
                                               f"`{line}` depends on an environment variable"))
                continue
            target = ref if ref.startswith("/") else posixpath.join(base, ref)
            parse_file(target, read, out, constraint or nested.group(1) in ("-c", "--constraint"),
                       (*stack, path), (path, number), cwd)
            continue
        if line.startswith("-") and not _EDITABLE.match(line):
            if not _OPTION_WITH_VALUE.match(line) and not re.match(r"^--?[a-z][\w-]*", line):
                out.problems.append(ReqProblem("unparsable", path, number, line, f"`{line}` is not an option pip knows"))
            continue  # a global option (-i, --only-binary, --no-binary, --pre …)
        item = parse_requirement(line, path, number, cwd)
        if isinstance(item, ReqProblem):
            out.problems.append(item)
        elif constraint:
            out.constraints.append(item)
        else:
            out.lines.append(item)
    return out
