"""Workflow YAML -> ``Workflow``: every job per matrix combination, every step, and for
each ``run:`` script an exact map back to the workflow text.

Findings must point at the line the user edits, so each script keeps a ``ScriptMap``:
its scalar is re-scanned in the raw text (``syntax.scalars.scalar_source``).  Shapes
GitHub would reject or that cannot be known statically (a matrix from ``fromJSON``, a
step that is not a mapping) do not stop the reading: they become ``Unmodelled``
problems and the rest of the file is still analysed.
"""

from __future__ import annotations

import functools
import itertools
import math
import posixpath
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from validator.model import JobRun, ScriptMap, Span, Step, Unmodelled, Workflow
from validator.model.base import Record
from validator.model.repo import Repo
from validator.syntax.scalars import LineIndex, literal_anchors, scalar_source
from validator.syntax.yaml import MAX_YAML_CHARS, YamlError, load_tree
from validator.syntax.yamltree import KeyAt, YMap, YSeq, untag

__all__ = [
    "MAX_MATRIX_COMBINATIONS",
    "WorkflowError",
    "discover_workflows",
    "github_string",
    "read_action",
    "read_workflow",
    "resolve_expression",
    "substitute_expressions",
]

#: GitHub runs at most 256 jobs per matrix; more combinations are cut with a problem
MAX_MATRIX_COMBINATIONS = 256

#: reusable workflows nest at most four levels on GitHub
MAX_CALL_DEPTH = 4

#: a workflow file larger than this (bytes) is refused before it is read
MAX_WORKFLOW_BYTES = MAX_YAML_CHARS

#: product entries looked at before giving up (a huge matrix mostly excluded again)
_MAX_MATRIX_SCAN = 100_000

MATRIX_EXPRESSION = "matrix from an expression cannot be expanded"


class WorkflowError(Exception):
    """The workflow cannot be read at all (exit 2, one-line message)."""


# --------------------------------------------------------------------------- discovery


def discover_workflows(paths: list[Path], root: Path) -> list[Path]:
    """The workflow files named by the command line's PATHs (or the root's, when none)."""
    found: list[Path] = []
    for path in paths or [root]:
        if not path.exists():
            raise WorkflowError(f"no such file: {path}")
        if path.is_dir():
            files = _workflows_in(path)
            if not files:
                raise WorkflowError(f"no workflows found in {path} (looked for .github/workflows/*.y*ml)")
            found.extend(files)
        else:
            found.append(path)
    unique: list[Path] = []
    seen: set[Path] = set()
    for path in found:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def _workflows_in(directory: Path) -> list[Path]:
    for candidate in (directory / ".github" / "workflows", directory / "workflows"):
        if candidate.is_dir() and (candidate.name != "workflows" or candidate.parent.name == ".github"):
            return _yaml_files(candidate)
    if directory.name == "workflows":
        return _yaml_files(directory)
    return []


def _yaml_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix in (".yml", ".yaml") and p.is_file())


# --------------------------------------------------------------------------- reading


def read_workflow(path: Path, repo: Repo, text: str | None = None) -> Workflow:
    """Read one workflow file; ``WorkflowError`` only when nothing can be read at all.

    ``text`` stands in for the file's content (``--fix`` re-validates its edits without
    writing them first).
    """
    rel = _display_path(path, repo.root)
    if text is None:
        text = _read_text(path, rel)
    elif len(text) > MAX_WORKFLOW_BYTES:
        raise WorkflowError(f"{rel}: file too large ({len(text)} characters, limit {MAX_WORKFLOW_BYTES})")
    try:
        document = load_tree(text, rel)
    except YamlError as exc:
        raise WorkflowError(str(exc)) from None
    if document is None:  # an empty file (a placeholder, a workflow being written) builds nothing
        return Workflow(path=rel, text=text, jobs=[], problems=[], calls=[], reusable_only=False)
    if not isinstance(document, Mapping):
        raise WorkflowError(f"{rel}:1:1: the top level is {_kind(document)}, expected a mapping")
    reader = _Reader(rel, text, repo.read_text)
    try:
        jobs = reader.workflow(document)
    except RecursionError:
        raise WorkflowError(f"{rel}: the workflow is nested too deeply to read") from None
    return Workflow(path=rel, text=text, jobs=jobs, problems=reader.problems, calls=reader.calls,
                    reusable_only=_triggers(document) == ["workflow_call"])


def _triggers(document: Mapping[Any, Any]) -> list[str]:
    """The events of ``on:`` (YAML 1.1 readers turn the key into ``True``)."""
    on = document.get("on", document.get(True))
    if isinstance(on, str):
        return [on]
    if isinstance(on, Mapping):
        return [str(k) for k in on]
    if isinstance(on, list):
        return [str(k) for k in on]
    return []


def _call_inputs(document: Mapping[Any, Any]) -> dict[str, str]:
    """The defaults of a reusable workflow's ``on.workflow_call.inputs``."""
    on = document.get("on", document.get(True))
    call = on.get("workflow_call") if isinstance(on, Mapping) else None
    inputs = call.get("inputs") if isinstance(call, Mapping) else None
    if not isinstance(inputs, Mapping):
        return {}
    return {str(name): github_string(spec["default"]) for name, spec in inputs.items()
            if isinstance(spec, Mapping) and spec.get("default") is not None}


@dataclass(eq=False, repr=False)
class CompositeAction(Record):
    """A local composite action (``uses: ./.github/actions/package``): its steps, read
    like a job's, and the defaults of its inputs."""

    path: str  # repository-relative action file
    steps: list[Step]
    defaults: dict[str, str]
    problems: list[Unmodelled]


def read_action(directory: str, repo: Repo) -> CompositeAction | str | None:
    """The composite action in the repository folder ``directory``; None for an action
    that is not composite (JavaScript, Docker); a message when there is no readable one."""
    for name in ("action.yml", "action.yaml"):
        rel = f"{directory}/{name}" if directory else name
        if not repo.is_file(rel):
            continue
        text = repo.read_text(rel)
        if text is None:
            return f"{rel} cannot be read: {repo.error(rel) or 'not text'}"
        return _composite(rel, text)
    where = directory or "the repository root"
    return f"no action.yml or action.yaml in {where}: the step fails on GitHub"


@functools.lru_cache(maxsize=64)
def _composite(rel: str, text: str) -> CompositeAction | str | None:
    try:
        document = load_tree(text, rel)
    except (YamlError, RecursionError) as exc:
        return f"{rel} cannot be read: {exc}"
    if not isinstance(document, Mapping):
        return f"{rel} is {_kind(document)}, expected a mapping"
    runs = document.get("runs")
    if not isinstance(runs, Mapping) or runs.get("using") != "composite":
        return None
    reader = _Reader(rel, text)
    steps = reader.steps("", runs, _Defaults(), owner=f"composite action {rel}")
    inputs = document.get("inputs") if isinstance(document, Mapping) else None
    defaults = {str(name): github_string(spec["default"]) for name, spec in inputs.items()
                if isinstance(spec, Mapping) and spec.get("default") is not None} if isinstance(inputs, Mapping) else {}
    return CompositeAction(rel, steps, defaults, reader.problems)


def _display_path(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def _read_text(path: Path, rel: str) -> str:
    try:
        if path.is_dir():
            raise WorkflowError(f"{rel}: is a directory, expected a workflow file")
        size = path.stat().st_size
        if size > MAX_WORKFLOW_BYTES:
            raise WorkflowError(f"{rel}: file too large ({size} bytes, limit {MAX_WORKFLOW_BYTES})")
        with path.open("rb") as handle:
            data = handle.read(MAX_WORKFLOW_BYTES + 1)
    except OSError as exc:
        raise WorkflowError(f"{rel}: cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_WORKFLOW_BYTES:
        raise WorkflowError(f"{rel}: file too large (more than {MAX_WORKFLOW_BYTES} bytes)")
    if b"\0" in data:
        raise WorkflowError(f"{rel}: binary file (contains NUL bytes), expected a YAML workflow")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise WorkflowError(
            f"{rel}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None


def _kind(value: Any) -> str:
    """``a mapping``, ``a list``, ``a string`` … for messages about wrong types."""
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if value is None:
        return "empty"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return f"a {type(value).__name__}"


# --------------------------------------------------------------------------- values


def github_string(value: Any) -> str:
    """A YAML value as GitHub turns it into a string (``true``, ``3.1`` for ``3.10``, ``""`` for null)."""
    value = _untag(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return _number_string(float(value))
    if isinstance(value, str):
        return str(value)
    if isinstance(value, (Mapping, list, tuple)):
        import json  # only for matrix values that are objects or lists

        return json.dumps(_plain(value), separators=(",", ":"), ensure_ascii=False)
    return str(value)


_untag = untag


def _number_string(number: float) -> str:
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number.is_integer() and abs(number) < 1e21:
        return str(int(number))
    return repr(number)


def _plain(value: Any) -> Any:
    """Round-trip objects as plain JSON-able values."""
    value = _untag(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else _number_string(float(value))
    if value is None or isinstance(value, str):
        return None if value is None else str(value)
    return str(value)


def _is_expression(value: Any) -> bool:
    return isinstance(value, str) and value.strip().startswith("${{") and value.strip().endswith("}}")


# --------------------------------------------------------------------------- the reader


class _Defaults:
    """What a level (workflow, job) passes down to its steps (a plain class: no dataclass
    method generation at start-up)."""

    __slots__ = ("env", "shell", "working_directory")

    def __init__(self, env: dict[str, str] | None = None, working_directory: str | None = None,
                 shell: str | None = None) -> None:
        self.env: dict[str, str] = {} if env is None else env
        self.working_directory = working_directory
        self.shell = shell


class _Reader:
    """Walks one loaded workflow; collects problems instead of failing."""

    def __init__(self, path: str, text: str, loader: Callable[[str], str | None] | None = None,
                 depth: int = 0) -> None:
        self.path = path
        self.text = text
        self.index = LineIndex(text)
        self.problems: list[Unmodelled] = []
        #: reads repository files (a local reusable workflow a job calls); nesting depth
        self.loader = loader
        self.depth = depth
        self.calls: list[str] = []

    # -- positions

    def span_of(self, mapping: Any, key: str) -> Span:
        """The span of ``key`` in ``mapping`` (or of the mapping when the key is not written there)."""
        at = _key_at(mapping, key)
        if at is not None:
            return Span(self.path, at.line0 + 1, at.col0 + 1, at.line0 + 1, at.col0 + 1 + len(key))
        return self.span_at(mapping)

    def span_at(self, node: Any) -> Span:
        line0 = getattr(node, "line0", 0)
        col0 = getattr(node, "col0", 0)
        return Span(self.path, line0 + 1, col0 + 1, line0 + 1, col0 + 2)

    def item_span(self, seq: Any, i: int, fallback: Span) -> Span:
        at = seq.items_at[i] if isinstance(seq, YSeq) and i < len(seq.items_at) else None
        if at is None:
            return fallback
        return Span(self.path, at[0] + 1, at[1] + 1, at[0] + 1, at[1] + 2)

    def problem(self, span: Span, reason: str, *, could_touch_package: bool = True) -> None:
        self.problems.append(Unmodelled(span, reason, could_touch_package))

    # -- levels

    def workflow(self, doc: Mapping[str, Any]) -> list[JobRun]:
        top = self.defaults(doc, _Defaults(), "workflow")
        jobs = doc.get("jobs")
        if jobs is None:
            self.problem(self.span_at(doc), "the workflow has no jobs", could_touch_package=False)
            return []
        if not isinstance(jobs, Mapping):
            self.problem(self.span_of(doc, "jobs"), f"jobs is {_kind(jobs)}, expected a mapping")
            return []
        runs: list[JobRun] = []
        for job_id, job in jobs.items():
            if not isinstance(job, Mapping):
                self.problem(self.span_of(jobs, str(job_id)), f"job {job_id} is {_kind(job)}, expected a mapping")
                continue
            before = len(self.problems)
            runs.extend(self.job(str(job_id), job, self.span_of(jobs, str(job_id)), top))
            for problem in self.problems[before:]:
                problem.job = problem.job or f"{self.path}:{job_id}"
        return runs

    def defaults(self, level: Mapping[str, Any], outer: _Defaults, what: str) -> _Defaults:
        env = dict(outer.env)
        env.update(self.env(level, what))
        working_directory, shell = outer.working_directory, outer.shell
        run = self.mapping_at(level, ("defaults", "run"), what)
        if run is not None:
            if "working-directory" in run:
                working_directory = github_string(run["working-directory"])
            if "shell" in run:
                shell = github_string(run["shell"])
        return _Defaults(env, working_directory, shell)

    def mapping_at(self, level: Mapping[str, Any], keys: Sequence[str], what: str) -> Mapping[str, Any] | None:
        node: Any = level
        for depth, key in enumerate(keys):
            parent = node
            node = node.get(key)
            if node is None:
                return None
            if not isinstance(node, Mapping):
                self.problem(
                    self.span_of(parent, key),
                    f"{what} {'.'.join(keys[: depth + 1])} is {_kind(node)}, expected a mapping",
                    could_touch_package=False,
                )
                return None
        return node

    def env(self, level: Mapping[str, Any], what: str) -> dict[str, str]:
        env = level.get("env")
        if env is None:
            return {}
        if not isinstance(env, Mapping):
            reason = (
                f"{what} env from an expression cannot be read"
                if _is_expression(env)
                else f"{what} env is {_kind(env)}, expected a mapping"
            )
            self.problem(self.span_of(level, "env"), reason, could_touch_package=False)
            return {}
        values: dict[str, str] = {}
        for name, value in env.items():
            if isinstance(value, (Mapping, list)):
                self.problem(
                    self.span_of(env, str(name)),
                    f"{what} env {name} is {_kind(value)}, expected a string",
                    could_touch_package=False,
                )
                continue
            values[str(name)] = github_string(value)
        return values

    def job(self, job_id: str, job: Mapping[str, Any], span: Span, top: _Defaults) -> list[JobRun]:
        level = self.defaults(job, top, f"job {job_id}")
        uses = job.get("uses")
        if isinstance(uses, str) and uses.startswith("./"):
            return self.called(job_id, job, span, level, uses)
        if isinstance(uses, str):
            self.problem(
                self.span_of(job, "uses"),
                f"job {job_id} calls the reusable workflow {uses}; its steps are not read",
                could_touch_package=False,
            )
        steps = self.steps(job_id, job, level)
        combos = self.matrix(job_id, job)
        base = JobRun(
            workflow=self.path,
            job_id=job_id,
            line=span.line,
            needs=self.needs(job),
            runs_on=_runs_on(job.get("runs-on")),
            env=dict(level.env),
        )
        runs = []
        for combo in combos:
            run = replace(base, matrix=dict(combo), env=dict(base.env), needs=list(base.needs))
            run.steps = [replace(s, env=dict(s.env), with_=dict(s.with_)) for s in steps]
            runs.append(run)
        return runs

    def called(self, job_id: str, job: Mapping[str, Any], span: Span, level: _Defaults, uses: str) -> list[JobRun]:
        """A job calling a local reusable workflow: the callee's jobs, once per matrix
        combination of the caller, with ``inputs`` bound to what ``with:`` passes (values
        known statically) and to the callee's defaults.  Their steps report at the callee."""
        target = posixpath.normpath(uses.split("@", 1)[0][2:])
        where = self.span_of(job, "uses")
        if self.depth >= MAX_CALL_DEPTH:
            self.problem(where, f"job {job_id} calls {target} beyond {MAX_CALL_DEPTH} levels of reusable "
                                f"workflows; it is not read")
            return []
        text = self.loader(target) if self.loader is not None else None
        try:
            document = load_tree(text, target) if text is not None else None
        except (YamlError, RecursionError) as exc:
            self.problem(where, f"job {job_id} calls {target}, which cannot be read: {exc}")
            return []
        if text is None or not isinstance(document, Mapping):
            self.problem(where, f"job {job_id} calls {target}, which cannot be read")
            return []
        callee = _Reader(target, text, self.loader, self.depth + 1)
        inner_jobs = callee.workflow(document)
        self.problems += callee.problems
        self.calls += [c for c in (target, *callee.calls) if c not in self.calls]
        with_ = job.get("with")
        passed = {str(k): github_string(v) for k, v in with_.items()} if isinstance(with_, Mapping) else {}
        defaults = _call_inputs(document)
        runs: list[JobRun] = []
        for combo in self.matrix(job_id, job):
            caller = JobRun(self.path, job_id, span.line, matrix=dict(combo), env=dict(level.env))
            inputs = dict(defaults)
            for name, raw in passed.items():
                value, complete = _substitute(raw, caller, None, 0)
                if complete:
                    inputs[name] = value
                else:
                    inputs.pop(name, None)  # unknown: ``inputs.<name>`` stays symbolic
            # each call is a job run of its own: ``lambdas[function=auth]/package``
            label = ",".join(f"{k}={v}" for k, v in sorted(combo.items()))
            caller_id = f"{job_id}[{label}]" if label else job_id
            for inner in inner_jobs:
                run = replace(inner, job_id=f"{caller_id}/{inner.job_id}", env=dict(inner.env),
                              needs=list(inner.needs), matrix=dict(inner.matrix))
                run.steps = [replace(s, env=dict(s.env), with_=dict(s.with_), inputs=dict(inputs))
                             for s in inner.steps]
                runs.append(run)
        return runs

    def needs(self, job: Mapping[str, Any]) -> list[str]:
        needs = job.get("needs")
        if needs is None:
            return []
        if isinstance(needs, (list, tuple)):
            return [github_string(n) for n in needs]
        return [github_string(needs)]

    # -- steps

    def steps(self, job_id: str, job: Mapping[str, Any], level: _Defaults, owner: str = "") -> list[Step]:
        """The steps of a job (or of a composite action: ``owner`` names it in problems)."""
        owner = owner or f"job {job_id}"
        steps = job.get("steps")
        if steps is None:
            return []
        if not isinstance(steps, list):
            self.problem(self.span_of(job, "steps"), f"{owner}: steps is {_kind(steps)}, expected a list")
            return []
        out: list[Step] = []
        for i, step in enumerate(steps):
            if not isinstance(step, Mapping):
                span = self.item_span(steps, i, self.span_of(job, "steps"))
                self.problem(span, f"{owner} step {i + 1} is {_kind(step)}, expected a mapping")
                continue
            out.append(self.step(owner, i, step, level))
        return out

    def step(self, owner: str, index: int, node: Mapping[str, Any], level: _Defaults) -> Step:
        what = f"{owner} step {index + 1}"
        env = dict(level.env)
        env.update(self.env(node, what))
        step = Step(
            index=index,
            line=self.span_at(node).line,
            name=_optional_string(node.get("name")),
            uses=_optional_string(node.get("uses")),
            env=env,
            working_directory=level.working_directory,
            shell=level.shell,
            condition=_optional_string(node.get("if")),
            step_id=_optional_string(node.get("id")),
        )
        if "working-directory" in node:
            step.working_directory = github_string(node["working-directory"])
        if "shell" in node:
            step.shell = github_string(node["shell"])
        with_ = node.get("with")
        if isinstance(with_, Mapping):
            step.with_ = {str(k): github_string(v) for k, v in with_.items()}
        elif with_ is not None:
            self.problem(self.span_of(node, "with"), f"{what} with is {_kind(with_)}, expected a mapping",
                         could_touch_package=False)
        if "run" in node:
            self.run(what, node, step)
        return step

    def run(self, what: str, node: Mapping[str, Any], step: Step) -> None:
        value = _untag(node["run"])
        span = self.span_of(node, "run")
        step.run_line = span.line
        if not isinstance(value, str):
            reason = "run is empty" if value is None else f"run is {_kind(value)}, expected a string"
            self.problem(span, f"{what}: {reason}", could_touch_package=value is not None)
            return
        step.run = str(value)
        step.script_map, step.run_style = self.script_map(node, step.run)

    def script_map(self, node: Mapping[str, Any], value: str) -> tuple[ScriptMap, str]:
        at = _key_at(node, "run")
        if at is None:
            line, col = self.span_at(node).line, self.span_at(node).column
            offset = self.index.offset(line - 1, col - 1)
            return ScriptMap(self.path, [(0, offset, line, col)]), ""
        key_col0, line0, col0 = at.col0, at.value_line0, at.value_col0
        offset = self.index.offset(line0, col0)
        if self.text.startswith("|", offset) and not at.flow:
            literal = literal_anchors(self.index, line0, col0, key_col0, value)
            if literal is not None:
                return ScriptMap(self.path, literal[0]), literal[1]
        for indent in _indent_candidates(self.text, self.index.offset(line0, 0), key_col0):
            source = scalar_source(self.text, offset, value, indent, flow=at.flow)
            if source is not None:
                return ScriptMap(self.path, self.anchors(source.offsets, source.verbatim, offset)), source.style
        line, col = self.index.position(offset)
        return ScriptMap(self.path, [(0, offset, line, col)]), _style_at(self.text, offset)

    def anchors(self, offsets: list[int], verbatim: list[bool], start: int) -> list[tuple[int, int, int, int]]:
        anchors: list[tuple[int, int, int, int]] = []
        prev = -2
        for i, off in enumerate(offsets):
            if (
                off != prev + 1
                or not verbatim[i]
                or not verbatim[i - 1]
                or self.text[prev] in "\r\n"
            ):
                line, col = self.index.position(off)
                anchors.append((i, off, line, col))
            prev = off
        if not anchors:
            line, col = self.index.position(start)
            anchors.append((0, start, line, col))
        return anchors

    # -- matrix

    def matrix(self, job_id: str, job: Mapping[str, Any]) -> list[dict[str, str]]:
        strategy = job.get("strategy")
        if strategy is None:
            return [{}]
        if not isinstance(strategy, Mapping):
            reason = MATRIX_EXPRESSION if _is_expression(strategy) else (
                f"job {job_id} strategy is {_kind(strategy)}, expected a mapping")
            self.problem(self.span_of(job, "strategy"), reason)
            return [{}]
        matrix = strategy.get("matrix")
        if matrix is None:
            return [{}]
        span = self.span_of(strategy, "matrix")
        if not isinstance(matrix, Mapping):
            reason = MATRIX_EXPRESSION if _is_expression(matrix) else (
                f"job {job_id} matrix is {_kind(matrix)}, expected a mapping")
            self.problem(span, reason)
            return [{}]
        expansion = expand_matrix(matrix)
        for key, reason in expansion.problems:
            self.problem(self.span_of(matrix, key) if key in matrix else span, f"job {job_id}: {reason}")
        return expansion.combinations or [{}]


def _key_at(mapping: Any, key: str) -> KeyAt | None:
    """Where ``key`` is written (in ``mapping`` or a mapping merged into it with ``<<``)."""
    return mapping.keys_at.get(key) if isinstance(mapping, YMap) else None


def _indent_candidates(text: str, line_start: int, key_col: int) -> list[int]:
    """Parent indentations to try when re-scanning a scalar.

    The key's column is right unless the value is an alias to a scalar written
    elsewhere; then the indentation of the line the scalar sits on is the best guess.
    """
    candidates = [key_col]
    i = line_start
    while i < len(text) and text[i] in " -":
        i += 1
    if i - line_start not in candidates:
        candidates.append(i - line_start)
    return candidates


def _style_at(text: str, offset: int) -> str:
    head = text[offset : offset + 3]
    if head[:1] in ("|", ">"):
        chomp = head[1:2] if head[1:2] in ("+", "-") else head[2:3] if head[2:3] in ("+", "-") else ""
        return head[0] + chomp
    return {"'": "single", '"': "double"}.get(head[:1], "plain")


def _optional_string(value: Any) -> str | None:
    return None if value is None else github_string(value)


def _runs_on(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return ", ".join(github_string(v) for v in value)
    return github_string(value)


# --------------------------------------------------------------------------- matrix


@dataclass(eq=False, repr=False)
class MatrixExpansion(Record):
    """The combinations of one ``strategy.matrix`` and what could not be expanded."""

    combinations: list[dict[str, str]]
    problems: list[tuple[str, str]] = field(default_factory=list)  # (matrix key, reason)


def expand_matrix(matrix: Mapping[str, Any], limit: int = MAX_MATRIX_COMBINATIONS) -> MatrixExpansion:
    """GitHub's matrix semantics: cartesian product of the vectors, minus ``exclude``, plus ``include``.

    An ``include`` entry extends every original combination it does not contradict
    (values it adds may overwrite values added by earlier entries, never original
    ones); an entry that extends none becomes a combination of its own.
    """
    problems: list[tuple[str, str]] = []
    vectors: dict[str, list[Any]] = {}
    for key, values in matrix.items():
        key = str(key)
        if key in ("include", "exclude"):
            continue
        if _is_expression(values):
            problems.append((key, f"matrix.{key}: {MATRIX_EXPRESSION}"))
        elif not isinstance(values, list):
            problems.append((key, f"matrix.{key} is {_kind(values)}, expected a list"))
        elif not values:
            problems.append((key, f"matrix.{key} is an empty list"))
        else:
            vectors[key] = list(values)
    include = _entries(matrix, "include", problems)
    exclude = _entries(matrix, "exclude", problems)

    originals: list[dict[str, Any]] = []
    if vectors:
        product: Iterable[tuple[Any, ...]] = itertools.product(*vectors.values())
        for combo in itertools.islice(product, _MAX_MATRIX_SCAN):
            entry = dict(zip(vectors, combo, strict=True))
            if not any(_matches(entry, ex) for ex in exclude):
                originals.append(entry)
                if len(originals) > limit:
                    break
    combos = [dict(c) for c in originals]
    added: list[dict[str, Any]] = []
    for inc in include:
        matched = False
        for original, extended in zip(originals, combos, strict=True):
            if all(_same(original[k], v) for k, v in inc.items() if k in original):
                extended.update(inc)
                matched = True
        if not matched:
            added.append(dict(inc))
    combos += added
    if len(combos) > limit:
        problems.append(("", f"the matrix has more than {limit} combinations; only the first {limit} are read"))
        combos = combos[:limit]
    if (vectors or include) and not combos:
        problems.append(("", "the matrix has no combinations left after exclude"))
    return MatrixExpansion(
        combinations=[{k: github_string(v) for k, v in c.items()} for c in combos],
        problems=problems,
    )


def _entries(matrix: Mapping[str, Any], key: str, problems: list[tuple[str, str]]) -> list[dict[str, Any]]:
    value = matrix.get(key)
    if value is None:
        return []
    if _is_expression(value):
        problems.append((key, f"matrix.{key}: {MATRIX_EXPRESSION}"))
        return []
    if not isinstance(value, list):
        problems.append((key, f"matrix.{key} is {_kind(value)}, expected a list"))
        return []
    entries = []
    for i, entry in enumerate(value):
        if isinstance(entry, Mapping):
            entries.append({str(k): v for k, v in entry.items()})
        else:
            problems.append((key, f"matrix.{key} entry {i + 1} is {_kind(entry)}, expected a mapping"))
    return entries


def _same(a: Any, b: Any) -> bool:
    return github_string(a) == github_string(b)


def _matches(combo: Mapping[str, Any], pattern: Mapping[str, Any]) -> bool:
    """An ``exclude`` entry removes every combination that agrees with all of its keys."""
    return all(k in combo and _same(combo[k], v) for k, v in pattern.items())


# --------------------------------------------------------------------------- expressions
#
# A deliberately small reader for GitHub expressions: literals, ``matrix.*``, ``env.*``,
# ``||``/``&&``, parentheses and ``format()``.  Everything else (github.*, secrets.*,
# steps.*.outputs, comparisons, other functions) is unknown, which callers keep symbolic.


class _Unknown:
    """A value that cannot be known without running the workflow."""


_UNKNOWN = _Unknown()

#: how deep ``env`` values that contain expressions are followed
_MAX_ENV_DEPTH = 8


def resolve_expression(expr: str, job: JobRun, step: Step | None) -> str | None:
    """The string value of a ``${{ }}`` expression, or ``None`` when it is not statically known."""
    value = _evaluate(_strip_braces(expr), job, step, 0)
    return None if isinstance(value, _Unknown) else _to_string(value)


def substitute_expressions(text: str, job: JobRun, step: Step | None) -> str:
    """``text`` with every resolvable ``${{ }}`` replaced by its value; the others stay as written."""
    return _substitute(text, job, step, 0)[0]


def _substitute(text: str, job: JobRun, step: Step | None, depth: int) -> tuple[str, bool]:
    """(substituted text, whether every expression in it was resolved)."""
    out: list[str] = []
    complete = True
    pos = 0
    for start, end in _expression_spans(text):
        out.append(text[pos:start])
        value = _evaluate(text[start + 3 : end - 2], job, step, depth)
        if isinstance(value, _Unknown):
            out.append(text[start:end])
            complete = False
        else:
            out.append(_to_string(value))
        pos = end
    out.append(text[pos:])
    return "".join(out), complete


def _expression_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each ``${{ … }}``, skipping ``}}`` inside quoted literals."""
    spans = []
    pos = text.find("${{")
    while pos >= 0:
        i, quoted = pos + 3, False
        end = -1
        while i < len(text):
            ch = text[i]
            if ch == "'":
                quoted = not quoted
            elif not quoted and text.startswith("}}", i):
                end = i + 2
                break
            i += 1
        if end < 0:
            break
        spans.append((pos, end))
        pos = text.find("${{", end)
    return spans


def _strip_braces(expr: str) -> str:
    expr = expr.strip()
    if expr.startswith("${{") and expr.endswith("}}"):
        expr = expr[3:-2]
    return expr.strip()


def _to_string(value: Any) -> str:
    if isinstance(value, float):
        return _number_string(value)
    return github_string(value)


def _truthy(value: Any) -> bool:
    if value is None or value is False:
        return False
    if isinstance(value, float):
        return value != 0 and not math.isnan(value)
    if isinstance(value, str):
        return value != ""
    return True


@functools.lru_cache(maxsize=4096)
def _tokens(expr: str) -> tuple[tuple[str, Any], ...] | None:
    """Tokens of an expression, or ``None`` when it uses syntax this reader does not know
    (cached: the same expressions recur in every step and every matrix combination)."""
    out: list[tuple[str, Any]] = []
    i, n = 0, len(expr)
    while i < n:
        ch = expr[i]
        if ch.isspace():
            i += 1
        elif ch == "'":
            j, buf = i + 1, []
            while True:
                if j >= n:
                    return None
                if expr[j] == "'":
                    if expr.startswith("''", j):
                        buf.append("'")
                        j += 2
                        continue
                    break
                buf.append(expr[j])
                j += 1
            out.append(("str", "".join(buf)))
            i = j + 1
        elif expr.startswith(("||", "&&", "==", "!=", "<=", ">="), i):
            out.append((expr[i : i + 2], None))
            i += 2
        elif ch in "<>!" or ch in "().,[]":
            out.append((ch, None))
            i += 1
        elif ch.isdigit() or (ch == "-" and i + 1 < n and expr[i + 1].isdigit()):
            j = i + 1
            while j < n and (expr[j].isalnum() or expr[j] in "._+-") and not expr.startswith("..", j):
                j += 1
            try:
                number = float(int(expr[i:j], 0)) if expr[i:j].lower().startswith(("0x", "-0x")) else float(expr[i:j])
            except ValueError:
                return None
            out.append(("num", number))
            i = j
        elif ch.isalpha() or ch == "_":
            j = i + 1
            while j < n and (expr[j].isalnum() or expr[j] in "_-"):
                j += 1
            out.append(("name", expr[i:j]))
            i = j
        else:
            return None
    return tuple(out)


class _Parser:
    """Recursive descent over the supported subset; values are Python values or ``_UNKNOWN``."""

    def __init__(self, tokens: Sequence[tuple[str, Any]], job: JobRun, step: Step | None, depth: int,
                 truth: bool = False) -> None:
        #: only the truth of the result matters (a step's ``if:``), not its value
        self.truth = truth
        self.tokens = tokens
        self.i = 0
        self.job = job
        self.step = step
        self.depth = depth

    def peek(self) -> str:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else ""

    def take(self, kind: str) -> Any:
        if self.peek() != kind:
            raise ValueError(kind)
        value = self.tokens[self.i][1]
        self.i += 1
        return value

    def parse(self) -> Any:
        value = self.or_()
        if self.i != len(self.tokens):
            raise ValueError("trailing tokens")
        return value

    def or_(self) -> Any:
        value = self.and_()
        while self.peek() == "||":
            self.take("||")
            right = self.and_()
            if isinstance(value, _Unknown):
                if self.truth and not isinstance(right, _Unknown) and _truthy(right):
                    value = True  # as a condition, ``unknown || true`` is true
                continue
            value = value if _truthy(value) else right
        return value

    def and_(self) -> Any:
        value = self.comparison()
        while self.peek() == "&&":
            self.take("&&")
            right = self.comparison()
            if isinstance(value, _Unknown):
                if self.truth and not isinstance(right, _Unknown) and not _truthy(right):
                    value = False  # as a condition, ``unknown && false`` is false
                continue
            value = right if _truthy(value) else value
        return value

    def comparison(self) -> Any:
        value = self.unary()
        while self.peek() in _COMPARISONS:
            op = self.take_any()
            right = self.unary()
            if isinstance(value, _Unknown) or isinstance(right, _Unknown):
                value = _UNKNOWN
            else:
                value = _compare(op, value, right)
        return value

    def unary(self) -> Any:
        if self.peek() == "!":
            self.take("!")
            value = self.unary()
            return value if isinstance(value, _Unknown) else not _truthy(value)
        return self.primary()

    def primary(self) -> Any:
        kind = self.peek()
        if kind == "(":
            self.take("(")
            value = self.or_()
            self.take(")")
            return value
        if kind in ("str", "num"):
            return self.take(kind)
        name = self.take("name")
        if name in ("true", "false"):
            return name == "true"
        if name == "null":
            return None
        if self.peek() == "(":
            return self.call(name)
        path: list[Any] = [name]
        while self.peek() in (".", "["):
            if self.take_any() == ".":
                path.append(self.take("name"))
            else:
                kind = self.peek()
                if kind not in ("str", "num"):
                    raise ValueError("index")
                path.append(self.take(kind))
                self.take("]")
        return self.lookup(path)

    def take_any(self) -> str:
        kind = self.peek()
        self.i += 1
        return kind

    def call(self, name: str) -> Any:
        self.take("(")
        args = []
        if self.peek() != ")":
            args.append(self.or_())
            while self.peek() == ",":
                self.take(",")
                args.append(self.or_())
        self.take(")")
        name = name.lower()
        if name in ("success", "always") and not args:
            return True  # the steps before are assumed to succeed
        if name in ("failure", "cancelled") and not args:
            return False
        if any(isinstance(a, _Unknown) for a in args):
            return _UNKNOWN
        if name == "format" and args:
            return _format(_to_string(args[0]), [_to_string(a) for a in args[1:]])
        if name in ("contains", "startswith", "endswith") and len(args) == 2 and not isinstance(args[0], list):
            whole, part = _to_string(args[0]).lower(), _to_string(args[1]).lower()
            return {"contains": part in whole, "startswith": whole.startswith(part),
                    "endswith": whole.endswith(part)}[name]
        return _UNKNOWN

    def lookup(self, path: list[Any]) -> Any:
        context = path[0]
        if context == "matrix" and len(path) >= 2:
            value = self.job.matrix.get(str(path[1]))
            if value is None:
                return _UNKNOWN
            if len(path) == 2:
                return _typed(value)
            return _json_path(value, path[2:])
        if context == "inputs" and len(path) == 2 and self.step is not None:
            value = self.step.inputs.get(str(path[1]))
            if value is None or self.depth >= _MAX_ENV_DEPTH:
                return _UNKNOWN
            text, complete = _substitute(value, self.job, self.step, self.depth + 1)
            return _typed(text) if complete else _UNKNOWN
        if context == "github" and path[1:] == ["action_path"] and self.step is not None and self.step.action_path:
            return self.step.action_path
        if context == "env" and len(path) == 2:
            env = self.step.env if self.step is not None else self.job.env
            value = env.get(str(path[1]))
            if value is None or self.depth >= _MAX_ENV_DEPTH:
                return _UNKNOWN
            text, complete = _substitute(value, self.job, self.step, self.depth + 1)
            return text if complete else _UNKNOWN
        return _UNKNOWN


_COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})


def _typed(value: str) -> Any:
    """A matrix or input value as the expression sees it: the reader keeps values as
    text, but ``true``/``false`` were booleans in the YAML (``matrix.flat == true``)."""
    return {"true": True, "false": False}.get(value, value)


def _compare(op: str, a: Any, b: Any) -> bool:
    """GitHub's comparison: strings ignore case; values of different types compare as numbers."""
    if isinstance(a, str) and isinstance(b, str):
        x: Any = a.lower()
        y: Any = b.lower()
    elif type(a) is type(b) and not isinstance(a, str):
        x, y = a, b
    else:
        x, y = _number(a), _number(b)
    if op == "==":
        return bool(x == y)
    if op == "!=":
        return bool(x != y)
    try:
        return bool({"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op])
    except TypeError:
        return False


def _number(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    text = str(value).strip()
    if not text:
        return 0.0
    try:
        return float(int(text, 0)) if text.lower().startswith(("0x", "-0x")) else float(text)
    except ValueError:
        return math.nan


def step_runs(job: JobRun, step: Step) -> bool | None:
    """Whether a step's ``if:`` lets it run: None when it cannot be decided statically
    (the steps before it are assumed to succeed)."""
    if step.condition is None:
        return True
    text = step.condition.strip()
    if text.startswith("${{") and text.endswith("}}") and text.count("${{") == 1:
        text = text[3:-2]
    value = _evaluate(text, job, step, 0, truth=True)
    return None if isinstance(value, _Unknown) else _truthy(value)


def _evaluate(expr: str, job: JobRun, step: Step | None, depth: int, truth: bool = False) -> Any:
    tokens = _tokens(expr.strip())
    if not tokens:
        return _UNKNOWN
    try:
        return _Parser(tokens, job, step, depth, truth).parse()
    except (ValueError, IndexError):
        return _UNKNOWN


def _json_path(value: str, path: list[Any]) -> Any:
    """``matrix.target.arch`` where the matrix value is an object (kept as JSON)."""
    import json  # imported on first use: most workflows never need it

    try:
        node: Any = json.loads(value)
    except ValueError:
        return _UNKNOWN
    for part in path:
        if isinstance(node, dict) and str(part) in node:
            node = node[str(part)]
        elif isinstance(node, list) and isinstance(part, float) and part.is_integer() and 0 <= part < len(node):
            node = node[int(part)]
        else:
            return _UNKNOWN
    return node


def _format(template: str, args: list[str]) -> Any:
    out: list[str] = []
    i = 0
    while i < len(template):
        if template.startswith("{{", i) or template.startswith("}}", i):
            out.append(template[i])
            i += 2
        elif template[i] == "{":
            close = template.find("}", i)
            index = template[i + 1 : close] if close > 0 else ""
            if not index.isdigit() or int(index) >= len(args):
                return _UNKNOWN
            out.append(args[int(index)])
            i = close + 1
        else:
            out.append(template[i])
            i += 1
    return "".join(out)
