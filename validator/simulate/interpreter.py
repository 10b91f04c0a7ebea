"""Walks the shell IR of one ``run:`` step over the job's virtual tree.

Control flow lives here (lists, ``&&``/``||``, pipelines, subshells, ``if``,
``case``, loops, functions, redirections); what each simple command does lives
in ``validator.simulate.commands``.  A condition that cannot be decided runs
every branch, each on a fork of the shell state and in "uncertain" mode (nothing
is deleted there), so the tree ends up as the union of the possible outcomes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from validator.model import FileKind, Span, Unmodelled
from validator.model.paths import normalize, workspace_relative
from validator.simulate import arrays, commands, scripts
from validator.simulate.commands import xargs
from validator.simulate.conditions import evaluate
from validator.simulate.context import (
    MAX_CALL_DEPTH,
    MAX_COMMANDS,
    MAX_LOOP_ITERATIONS,
    Invocation,
    JobContext,
    UnknownCommand,
)
from validator.simulate.expand import Value
from validator.simulate.scan import matching_close
from validator.simulate.state import Frame, ShellState
from validator.simulate.vfs import VFile, VfsFull
from validator.simulate.words import Arg, arg, expand_args, expand_one, pattern_match, to_value
from validator.syntax.shell import parse_script
from validator.syntax.shell.ir import (
    AndOr,
    Assignment,
    Case,
    Command,
    For,
    FunctionDef,
    Group,
    If,
    Node,
    Pipeline,
    Redirect,
    Subshell,
    Test,
    Unread,
    While,
)

if TYPE_CHECKING:
    from validator.syntax.makefile import Makefile

Status = bool | None

#: commands that never change the file tree (their redirections are still honoured)
QUIET = frozenset({
    "echo", "printf", "ls", "cat", "grep", "egrep", "fgrep", "head", "tail", "wc", "sort", "uniq", "tr",
    "cut", "awk", "sed", "du", "tree", "stat", "file", "pwd", "date", "env", "printenv", "which", "type",
    "sleep", "jq", "yq", "diff", "cmp", "md5sum", "sha256sum", "sha1sum", "basename", "dirname",
    "realpath", "readlink", "whoami", "id", "uname", "hostname", "nproc", "free", "df", "ps", "column",
    "xxd", "hexdump", "od", "base64", "tput", "terraform", "sam", "docker", "gh", "pip-audit", "pytest",
    "mypy", "ruff", "flake8", "pylint", "black", "isort", "tox", "coverage", "pre-commit", "shellcheck",
    "actionlint", "find", "chmod", "chown", "git", "unzip-l", "zipinfo", "python-version",
})

#: commands whose effect matters even when their output is captured by ``$( )``
_SIDE_EFFECT_COMMANDS = frozenset({"aws", "zip"})


def _substitution_bodies(text: str) -> list[str]:
    """The command lines of the top-level ``$( … )`` in a word (not ``$(( … ))``)."""
    out = []
    i = text.find("$(")
    while i >= 0:
        if text.startswith("$((", i):
            i = text.find("$(", i + 3)
            continue
        end = matching_close(text, i + 1)
        out.append(text[i + 2 : end])
        i = text.find("$(", end)
    return out


#: words that make an unread statement or an unknown command worth an LPK-000
PACKAGING_WORDS = re.compile(r"\b(zip|cp|mv|rsync|mkdir|rm|pip3?|install|tar|unzip|ln)\b|\.zip\b")


def _is_cd(node: Node) -> bool:
    """A statement that is just ``cd DIR`` (or ``pushd``): its failure ends a ``set -e`` shell."""
    if isinstance(node, Pipeline) and len(node.commands) == 1 and not node.negated:
        node = node.commands[0]
    return isinstance(node, Command) and bool(node.words) and node.words[0].text in ("cd", "pushd")


class ExitStep(Exception):
    """``exit`` (or a hit limit): the rest of the step does not run."""


class ReturnFromFunction(Exception):
    pass


class LoopControl(Exception):
    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class Interpreter:
    """Runs statements of the current step of ``ctx`` against ``ctx.vfs``."""

    def __init__(self, ctx: JobContext) -> None:
        self.ctx = ctx
        #: loops being run in the current shell (``break``/``continue`` outside one do nothing)
        self.loops = 0
        #: a file is being sourced in the current shell (a ``return`` outside functions ends it)
        self.sourcing = False
        #: conditions being evaluated (``if``/``while``): ``set -e`` does not apply there
        self.conditions = 0
        self._by_type = self._handlers()

    # ------------------------------------------------------------------ lists
    def run_top(self, nodes: list[Node], state: ShellState) -> Status:
        """A whole script: ``break``/``continue`` outside a loop do nothing, as in bash."""
        try:
            return self.run_list(nodes, state)
        except LoopControl:
            return True

    def run_list(self, nodes: list[Node], state: ShellState) -> Status:
        status: Status = True
        for node in nodes:
            status = self.run_node(node, state)
            state.last_status = status
            if status is False and state.errexit and not self.conditions and _is_cd(node) and self.ctx.cd_failed:
                # the shell stops here; going on in the wrong folder would build phantoms
                raise ExitStep()
        return status

    def run_node(self, node: Node, state: ShellState) -> Status:
        handler = self._by_type.get(type(node))
        if handler is None:
            return True
        return handler(node, state)

    def _handlers(self) -> dict[type, Callable[[Node, ShellState], Status]]:
        return {
            Command: self._command,  # type: ignore[dict-item]
            Pipeline: self._pipeline,  # type: ignore[dict-item]
            AndOr: self._and_or,  # type: ignore[dict-item]
            Subshell: self._subshell,  # type: ignore[dict-item]
            Group: self._group,  # type: ignore[dict-item]
            Test: self._test,  # type: ignore[dict-item]
            If: self._if,  # type: ignore[dict-item]
            For: self._for,  # type: ignore[dict-item]
            While: self._while,  # type: ignore[dict-item]
            Case: self._case,  # type: ignore[dict-item]
            FunctionDef: self._function_def,  # type: ignore[dict-item]
            Unread: self._unread,  # type: ignore[dict-item]
        }

    # ------------------------------------------------------------------ branches
    def _branches(self, bodies: list[list[Node]], state: ShellState) -> Status:
        """Run each possible body on its own fork, in uncertain mode; keep the first that
        did not exit (files written by all of them stay: the union)."""
        survivors: list[ShellState] = []
        for body in bodies:
            fork = state.fork()
            fork.uncertain += 1
            try:
                self.run_list(body, fork)
            except ExitStep:
                if self.ctx.limit_hit:
                    raise
                continue
            survivors.append(fork)
        if not survivors:
            raise ExitStep()
        state.adopt(survivors[0])
        return None

    def _pipeline(self, node: Pipeline, state: ShellState) -> Status:
        status: Status = True
        self.conditions += node.negated  # ``! cmd``: set -e does not apply inside
        try:
            status = self._pipeline_commands(node, state)
        finally:
            self.conditions -= node.negated
        if node.negated:
            return None if status is None else not status
        return status

    def _pipeline_commands(self, node: Pipeline, state: ShellState) -> Status:
        status: Status = True
        if len(node.commands) == 1:
            status = self.run_node(node.commands[0], state)
        else:
            fed = self._xargs_input(node, state)
            if fed is not None:
                status = self._in_subshell(lambda s: self._run_xargs(node.commands[1], fed, s), state)
            else:
                for cmd in node.commands:
                    status = self._in_subshell(lambda s, c=cmd: self.run_node(c, s), state)  # type: ignore[misc]
        return status

    def _xargs_input(self, node: Pipeline, state: ShellState) -> str | None:
        """The output of ``cmd`` in ``cmd | xargs …`` when it is known statically."""
        if len(node.commands) != 2:
            return None
        first, second = node.commands
        if not (isinstance(first, Command) and isinstance(second, Command) and first.words and second.words
                and second.words[0].text == "xargs" and not first.redirects and not first.assignments):
            return None
        out = expand_one('"$(' + " ".join(w.text for w in first.words) + ')"', state, self.ctx.vfs)
        return None if out.symbolic else out.text

    def _run_xargs(self, node: Node, text: str, state: ShellState) -> Status:
        assert isinstance(node, Command)
        self._count(node)
        args = expand_args(node.words, state, self.ctx.vfs)
        checked = self.conditions > 0
        inv = Invocation(self.ctx, state, node, args, self.ctx.span(node), checked=checked)
        inv.dispatch = lambda more, tested: self._dispatch(node, more, state, checked or tested)
        modelled, status = xargs.run_with_input(inv, text)
        if not modelled:
            self._unknown(inv)
            return True
        return status

    def _and_or(self, node: AndOr, state: ShellState) -> Status:
        last = len(node.items) - 1
        status = self._list_item(node.items[0], state, last == 0)
        for index, (op, item) in enumerate(zip(node.ops, node.items[1:], strict=False), start=1):
            runs = status is True if op == "&&" else status is False
            if status is None:
                self.conditions += index < last
                try:
                    status = self._branches([[item], []], state)
                finally:
                    self.conditions -= index < last
            elif runs:
                status = self._list_item(item, state, index == last)
        return status

    def _list_item(self, item: Node, state: ShellState, last: bool) -> Status:
        """An item of ``a && b || c``: set -e applies to the last one only."""
        if last:
            return self.run_node(item, state)
        self.conditions += 1
        try:
            return self.run_node(item, state)
        finally:
            self.conditions -= 1

    def _in_subshell(self, fn: Callable[[ShellState], Status], state: ShellState) -> Status:
        fork = state.fork()
        saved_loops, self.loops = self.loops, 0  # ``( continue )`` does not reach a loop outside
        try:
            return fn(fork)
        except ExitStep:
            if self.ctx.limit_hit:
                raise
            return None if state.uncertain else False
        except LoopControl:
            return True
        finally:
            self.loops = saved_loops

    def _subshell(self, node: Subshell, state: ShellState) -> Status:
        return self._in_subshell(lambda s: self.run_list(node.body, s), state)

    def _group(self, node: Group, state: ShellState) -> Status:
        return self.run_list(node.body, state)

    # ------------------------------------------------------------------ conditions
    def _test(self, node: Test, state: ShellState) -> Status:
        self._count(node)
        args = [self._word_arg(w, state) for w in node.words] if node.double else \
            expand_args(node.words, state, self.ctx.vfs)
        return evaluate(args, self.ctx.vfs, state.cwd, double=node.double)

    def _word_arg(self, word: object, state: ShellState) -> Arg:
        from validator.syntax.shell.ir import Word

        assert isinstance(word, Word)
        return expand_one(word, state, self.ctx.vfs)

    def _if(self, node: If, state: ShellState) -> Status:
        bodies: list[list[Node]] = []
        undecided = False
        for clause in node.clauses:
            self.conditions += 1
            try:
                status = self.run_list(clause.condition, state)
            finally:
                self.conditions -= 1
            if status is True:
                bodies.append(clause.body)
                break
            if status is None:
                bodies.append(clause.body)
                undecided = True
        else:
            bodies.append(node.else_body or [])
        if not undecided:
            return self.run_list(bodies[-1], state)
        return self._branches(bodies, state)

    def _case(self, node: Case, state: ShellState) -> Status:
        subject = expand_one(node.word, state, self.ctx.vfs)
        bodies: list[list[Node]] = []
        for arm in node.arms:
            patterns = [expand_one(p, state, self.ctx.vfs) for p in arm.patterns]
            if subject.symbolic or any(p.symbolic for p in patterns):
                bodies.append(arm.body)
                continue
            if any(pattern_match(p.text, subject.text) for p in patterns):
                if not bodies:
                    return self.run_list(arm.body, state)
                bodies.append(arm.body)
                break
        else:
            bodies.append([])
        if not bodies:
            return True
        return self._branches(bodies, state)

    # ------------------------------------------------------------------ loops
    def _for(self, node: For, state: ShellState) -> Status:
        if node.words is None:
            values = [arg(v.text, v.symbolic) for v in state.positional]
        else:
            values = expand_args(node.words, state, self.ctx.vfs)
        if len(values) > MAX_LOOP_ITERATIONS:
            self.ctx.unmodelled_at(node, f"for loop over {len(values)} values: only the first "
                                         f"{MAX_LOOP_ITERATIONS} were simulated")
            values = values[:MAX_LOOP_ITERATIONS]
        label = f"for {node.var} in {' '.join(v.text for v in values)}"
        state.context.append(label)
        status: Status = True
        self.loops += 1
        try:
            for value in values:
                state.set(node.var, to_value(value))
                try:
                    status = self.run_list(node.body, state)
                except LoopControl as ctl:
                    if ctl.kind == "break":
                        break
        finally:
            self.loops -= 1
            state.context.pop()
        return status

    def _while(self, node: While, state: ShellState) -> Status:
        self.conditions += 1
        try:
            self.run_list(node.condition, state)
        finally:
            self.conditions -= 1
        state.context.append("while loop")
        self.loops += 1
        try:
            return self._branches([node.body, []], state)
        except LoopControl:
            return None
        finally:
            self.loops -= 1
            state.context.pop()

    # ------------------------------------------------------------------ functions
    def _function_def(self, node: FunctionDef, state: ShellState) -> Status:
        state.functions[node.name] = node
        # a function from a sourced script keeps reporting at that script's lines
        self.ctx.function_maps[id(node)] = (self.ctx.source_map, self.ctx.source_text)
        return True

    def _call(self, fn: FunctionDef, args: list[Arg], node: Command, state: ShellState) -> Status:
        if len(state.frames) >= MAX_CALL_DEPTH:
            self.ctx.unmodelled_at(node, f"function calls nested deeper than {MAX_CALL_DEPTH}: not followed")
            return None
        saved_positional, saved_map, saved_text = state.positional, self.ctx.source_map, self.ctx.source_text
        self.ctx.source_map, self.ctx.source_text = self.ctx.function_maps.get(id(fn), (saved_map, saved_text))
        frame = Frame(fn.name, [to_value(a) for a in args])
        state.frames.append(frame)
        state.positional = frame.args
        state.context.append(f"function {fn.name}")
        status: Status = True
        saved_loops, self.loops = self.loops, 0  # bash 5: ``continue`` in a function stays there
        try:
            status = self.run_list(fn.body, state)
        except ReturnFromFunction:
            status = True
        except LoopControl:
            status = True
        finally:
            self.loops = saved_loops
            self.ctx.source_map, self.ctx.source_text = saved_map, saved_text
            state.context.pop()
            state.frames.pop()
            state.positional = saved_positional
            for name, old in frame.saved.items():
                if old is None:
                    state.unset(name)
                else:
                    state.vars[name] = old
        return status

    # ------------------------------------------------------------------ unread
    def _unread(self, node: Unread, state: ShellState) -> Status:
        names = {n.split("/")[-1] for n in self.ctx.build_dirs()}
        names |= {a.path.rsplit("/", 1)[-1] for a in self.ctx.archives.values()}
        text = node.text
        touches = bool(PACKAGING_WORDS.search(text)) or any(
            re.search(rf"(?<![\w.-]){re.escape(n)}(?![\w-])", text) for n in names if n)
        self.ctx.unmodelled_at(node, f"could not read this shell ({node.reason})", could_touch=touches)
        return None

    # ------------------------------------------------------------------ simple commands
    def _count(self, node: Node) -> None:
        self.ctx.commands += 1
        if self.ctx.commands > MAX_COMMANDS:
            self.ctx.limit_hit = True
            self.ctx.unmodelled_at(node, f"more than {MAX_COMMANDS} commands in this job: the rest was not simulated")
            raise ExitStep()

    def _command(self, node: Command, state: ShellState) -> Status:
        self._count(node)
        vfs = self.ctx.vfs
        try:
            self._substituted_side_effects(node, state)
            if node.words and all(arrays.element_assignment(w.text) for w in node.words):
                return self._assign_elements(node, state)
            args = expand_args(node.words, state, vfs)
            if args and args[0].text in ("local", "export", "declare", "typeset", "readonly"):
                return self._declare(node, args, state)
            if not args:
                assoc = bool(node.assignments) and self._declares_assoc(node)
                for a in node.assignments:
                    self._assign(a, state, assoc=assoc)
                return True
            self._redirect_files(node, args, state)
            fn = state.functions.get(args[0].text)
            if fn is not None:
                return self._call(fn, args[1:], node, state)
            if args[0].text == "[" or args[0].text == "test":
                words = [a for a in args[1:] if a.text != "]" or args[0].text == "test"]
                return evaluate(words, vfs, state.cwd)
            control = self._control(args, state)
            if control is not None:
                return control
            return self._dispatch(node, args, state)
        except VfsFull as exc:
            self.ctx.limit_hit = True
            self.ctx.unmodelled_at(node, f"{exc}: the rest of the job was not simulated")
            raise ExitStep() from exc

    def _substituted_side_effects(self, node: Command, state: ShellState) -> None:
        """``VERSION=$(aws lambda publish-layer-version --zip-file fileb://x.zip …)``: the
        command inside ``$( )`` runs (in a subshell), so a deploy or an archive it makes is
        real; only its output stays unknown.  Run for commands that deploy or archive."""
        texts: list[tuple[str, str | None]] = [(w.text, None) for w in node.words]
        texts += [(a.value.text, a.name) for a in node.assignments if a.value is not None]
        for text, name in texts:
            for body in _substitution_bodies(text):
                first = body.split(None, 1)[0] if body.strip() else ""
                if first in _SIDE_EFFECT_COMMANDS:
                    script = parse_script(body)
                    before = len(self.ctx.deploys)
                    self._in_subshell(lambda s, b=script.body: self.run_top(b, s), state)  # type: ignore[misc]
                    if name is not None:
                        # ``ARN=$(aws lambda publish-layer-version …)``: ``--layers "$ARN"`` names that layer
                        for ref in self.ctx.deploys[before:]:
                            ref.assigned_to = ref.assigned_to or name

    def _dispatch(self, node: Command, args: list[Arg], state: ShellState, checked: bool = False) -> Status:
        """Run a command (not a function or shell keyword) through its interpreter in
        ``commands/``; ``find -exec`` and ``xargs`` use it for the commands they run
        (``checked``: their status is tested, so a failure does not end the step)."""
        checked = checked or self.conditions > 0 or node.background  # `cmd &`: its status never reaches set -e
        inv = Invocation(self.ctx, state, node, args, self.ctx.span(node), checked=checked)
        inv.dispatch = lambda more, tested: self._dispatch(node, more, state, checked or tested)
        call = scripts.script_call(inv)
        if call is not None:
            return self._script(inv, call, state)
        if inv.name.rsplit("/", 1)[-1] in ("make", "gmake"):
            ran = self._make(inv, state)
            if ran is not None:
                return ran[0]
        found = commands.lookup(args)
        if found is not None:
            handler, inv.args = found
            status = handler(inv)
            if status is not None or not commands.is_partial(handler):
                return status
            # a family modelled only in part (``git clone`` but not ``git apply``)
        self._unknown(inv)
        return True

    def _script(self, inv: Invocation, call: scripts.ScriptCall, state: ShellState) -> Status:
        """Run a repository shell script: in a new shell (``bash x.sh``, ``./x.sh``) that
        sees exported variables and its arguments, or in this one (``source x.sh``)."""
        ctx = self.ctx
        if call.missing:
            inv.unmodelled(call.missing)
            return None
        if call.repo_path in ctx.scripts_running or len(ctx.scripts_running) >= scripts.MAX_DEPTH:
            inv.unmodelled(f"{call.repo_path} runs itself or is nested too deeply: not followed again")
            return None
        script = parse_script(call.text)
        if call.repo_path not in ctx.scripts_followed:
            ctx.scripts_followed.append(call.repo_path)
        # ``LAYOUT=tree ./x.sh``, ``env LAYOUT=tree bash x.sh``: set for the script only
        extra = {a.name: to_value(expand_one(a.value, state, ctx.vfs)) if a.value is not None else Value("")
                 for a in inv.node.assignments}
        extra.update({name: Value(word.text.partition("=")[2], word.symbolic)
                      for name, word in call.environment.items()})
        runs = state
        saved_vars: dict[str, Value | None] = {}
        if not call.sourced:
            runs = ShellState(cwd=state.cwd, vars={k: v for k, v in state.vars.items() if k in state.exported},
                              exported=set(state.exported) | set(extra), context=list(state.context),
                              uncertain=state.uncertain)
            runs.vars.update(extra)
            runs.vars["0"] = Value(call.written)
        else:
            saved_vars = {name: state.vars.get(name) for name in (*extra, "BASH_SOURCE")}
            runs.vars.update(extra)
        runs.vars["BASH_SOURCE"] = Value.array([Value(call.written)])
        saved_positional, saved_map, saved_text = runs.positional, ctx.source_map, ctx.source_text
        if call.args or not call.sourced:
            runs.positional = [to_value(a) for a in call.args]
        runs.context.append(call.repo_path)
        ctx.scripts_running.append(call.repo_path)
        ctx.source_map, ctx.source_text = scripts.file_map(call.repo_path, call.text), call.text
        saved_loops, saved_sourcing, saved_conditions = self.loops, self.sourcing, self.conditions
        if not call.sourced:
            self.loops = self.conditions = 0  # a new shell: its own loops and its own set -e
            runs.errexit = call.errexit
        self.sourcing = call.sourced
        try:
            # a sourced file's ``break`` reaches the caller's loop; a script's ends nowhere
            return self.run_list(script.body, runs) if call.sourced else self.run_top(script.body, runs)
        except ReturnFromFunction:  # ``return`` at the top of a sourced file ends the source
            return True
        except ExitStep:
            if call.sourced or ctx.limit_hit:
                raise
            return None  # ``exit`` ends the script's own shell; its status is not known
        finally:
            self.loops, self.sourcing, self.conditions = saved_loops, saved_sourcing, saved_conditions
            for name, old in saved_vars.items():
                if old is None:
                    runs.vars.pop(name, None)
                else:
                    runs.vars[name] = old
            ctx.source_map, ctx.source_text = saved_map, saved_text
            ctx.scripts_running.pop()
            runs.context.pop()
            if call.sourced:
                runs.positional = saved_positional

    def _make(self, inv: Invocation, state: ShellState) -> tuple[Status] | None:
        """``make [TARGET…]`` with the Makefile's recipes run; None when it is not read
        (no Makefile, a symbolic argument, ``make -n``): then it is an unknown command."""
        if any(a.symbolic for a in inv.args[1:]):
            return None
        from validator.syntax import makefile as make  # most workflows never run make

        call = make.parse_make_args([a.text for a in inv.args[1:]], state.cwd)
        if call is None:
            return None
        vfs = self.ctx.vfs
        candidates = [call.makefile] if call.makefile else [f"{call.directory}/{n}" for n in make.MAKEFILES]
        found = next(((p, t) for p in candidates if (t := vfs.read_text(p)) is not None), None)
        if found is None:
            return None
        path, text = found
        rel = workspace_relative(path)
        mk = make.parse_makefile(rel, text, call.overrides, frozenset(n for n in state.vars if n in state.exported))
        ctx = self.ctx
        if rel not in ctx.scripts_followed:
            ctx.scripts_followed.append(rel)
        for line, reason in mk.notes:
            ctx.unmodelled.append(Unmodelled(Span(rel, line, 1, line, 1), reason, False))
        if rel in ctx.scripts_running or len(ctx.scripts_running) >= scripts.MAX_DEPTH:
            inv.unmodelled(f"{rel} runs make on itself or is nested too deeply: not followed again")
            return (None,)
        env = {k: v for k, v in state.vars.items() if k in state.exported}
        for name in mk.exported:
            if name in mk.variables:
                env[name] = Value(make.expand(mk, f"$({name})", {}))
        built: set[str] = set()
        ctx.scripts_running.append(rel)
        saved_loops, self.loops = self.loops, 0  # recipes run in shells of their own
        saved_conditions, self.conditions = self.conditions, 0
        try:
            for target in call.targets or ([mk.default] if mk.default else []):
                if self._make_target(inv, mk, target, call.directory, env, built, [], state.uncertain) is False:
                    return (False,)
        finally:
            self.loops, self.conditions = saved_loops, saved_conditions
            ctx.scripts_running.pop()
        return (True,)

    def _make_target(self, inv: Invocation, mk: Makefile, target: str, folder: str, env: dict[str, Value],
                     built: set[str], stack: list[str], uncertain: int) -> Status:
        """Prerequisites first, then the recipe, one shell per line (one for the recipe
        with ``.ONESHELL``); make stops at a failing line unless it starts with ``-``."""
        if target in built or target in stack:
            return True
        rule = mk.rules.get(target)
        if rule is None:
            if self.ctx.vfs.exists(normalize(target, folder)):
                return True
            inv.unmodelled(f"make: no rule to make target {target} in {mk.path}")
            return False
        for prerequisite in rule.prerequisites:
            if self._make_target(inv, mk, prerequisite, folder, env, built, [*stack, target], uncertain) is False:
                return False
        built.add(target)
        from validator.syntax.makefile import recipe_line, recipe_script

        prerequisites = list(dict.fromkeys(rule.prerequisites))
        automatic = {"@": target, "<": prerequisites[0] if prerequisites else "", "^": " ".join(prerequisites),
                     "*": ""}
        saved_map, saved_text = self.ctx.source_map, self.ctx.source_text
        try:
            units = [recipe_script(mk, rule, automatic)] if mk.one_shell and rule.recipe else [
                recipe_line(mk, rule, index, automatic) for index in range(len(rule.recipe))]
            for index, (text, source_map) in enumerate(units):
                shell = ShellState(cwd=folder, vars=dict(env), exported=set(env), uncertain=uncertain,
                                   context=[f"make {target}"])
                self.ctx.source_map, self.ctx.source_text = source_map, text
                try:
                    status = self.run_top(parse_script(text).body, shell)
                except ExitStep:
                    if self.ctx.limit_hit:
                        raise
                    status = None
                if status is False and not rule.recipe[index][0].lstrip(" \t@+").startswith("-"):
                    return False
        finally:
            self.ctx.source_map, self.ctx.source_text = saved_map, saved_text
        return True

    def _control(self, args: list[Arg], state: ShellState) -> Status:
        name = args[0].text
        if name == "exit":
            raise ExitStep()
        if name == "return" and (state.frames or self.sourcing):
            raise ReturnFromFunction()  # the innermost function call or ``source`` catches it
        if name in ("break", "continue"):
            if self.loops:
                raise LoopControl(name)
            return True
        if name == "shift":
            n = int(args[1].text) if len(args) > 1 and args[1].text.isdigit() else 1
            state.positional = state.positional[n:]
            return True
        if name == "unset":
            for a in args[1:]:
                if not a.text.startswith("-"):
                    state.unset(a.text)
            return True
        return None

    def _assign(self, a: Assignment, state: ShellState, scope: str | None = None, assoc: bool = False) -> None:
        scope = scope or a.scope
        if assoc or (a.value is not None and arrays.is_literal(a.value.text)):
            old = state.vars.get(a.name)
            value = arrays.unknown(a.name) if assoc or a.value is None else arrays.assign_literal(
                a.name, a.value.text, old, a.append, state, self.ctx.vfs, state.cwd)
            state.set(a.name, value, local=scope == "local")
            if scope == "export":
                state.exported.add(a.name)
            return
        if a.value is None:
            if scope == "local":
                state.set(a.name, state.vars.get(a.name, Value("")), local=True)
            if scope == "export":
                state.exported.add(a.name)
            return
        value = to_value(expand_one(a.value, state, self.ctx.vfs))
        if value.symbolic and "/" not in value.text and ":layer:" not in value.text:
            # an unknown value (``SHA=${GITHUB_SHA::7}``) renders by its own name: ``ingestion-${SHA}``;
            # a layer ARN keeps its text, whose layer name ties ``--layers "$ARN"`` to the layer
            value = Value("${" + a.name + "}", True)
        if a.append:
            old = state.vars.get(a.name, Value(""))
            value = Value(old.text + value.text, old.symbolic or value.symbolic)
        state.set(a.name, value, local=scope == "local")
        if scope == "export":
            state.exported.add(a.name)

    def _assign_elements(self, node: Command, state: ShellState) -> Status:
        """``A[2]=v`` (the front end leaves it as a command word)."""
        for word in node.words:
            parsed = arrays.element_assignment(word.text)
            assert parsed is not None
            name, sub, append, raw = parsed
            state.set(name, arrays.assign_element(name, sub, raw, append, state.vars.get(name),
                                                  state, self.ctx.vfs, state.cwd))
        return True

    def _declares_assoc(self, node: Command) -> bool:
        """``declare -A M`` / ``local -A M=(…)``: the front end drops the options, so they
        are read from the statement text."""
        step = self.ctx.step
        source = self.ctx.source_text if self.ctx.source_map is not None else (step.run if step else None)
        text = (source or "")[node.start : node.end]
        return bool(re.match(r"\s*(declare|typeset|local|readonly)\s+(-\w+\s+)*-\w*A", text))

    def _declare(self, node: Command, args: list[Arg], state: ShellState) -> Status:
        scope = {"local": "local", "export": "export"}.get(args[0].text, "declare")
        assigned = {a.name for a in node.assignments}
        for a in node.assignments:
            self._assign(a, state, scope)
        for word in args[1:]:
            if word.text.startswith("-"):
                continue
            name, eq, value = word.text.partition("=")
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) or name in assigned:
                continue
            if eq:
                state.set(name, Value(value, word.symbolic), local=scope == "local")
            elif scope == "local":
                state.set(name, state.vars.get(name, Value("")), local=True)
            if scope == "export":
                state.exported.add(name)
        return True

    def _redirect_files(self, node: Command, args: list[Arg], state: ShellState) -> None:
        """``> file`` creates the file before the command runs; ``>> $GITHUB_ENV`` feeds
        later steps."""
        for r in node.redirects:
            if r.target is None or r.op not in (">", ">>", ">|", "&>", "&>>", "1>", "1>>"):
                continue
            target = expand_one(r.target, state, self.ctx.vfs)
            if target.symbolic or target.text in ("/dev/null", "/dev/stderr", "/dev/stdout"):
                continue
            path = normalize(target.text, state.cwd)
            special = self.ctx.special_files.get(path)
            if special in ("env", "github_output"):
                self._github_env(node, args, r, state, outputs=special == "github_output")
                continue
            if special:
                continue
            if not self.ctx.vfs.is_dir(path):
                self.ctx.vfs.put(path, VFile(FileKind.GENERATED, origin=self.ctx.span(node)))

    def _github_env(self, node: Command, args: list[Arg], redirect: Redirect, state: ShellState,
                    outputs: bool = False) -> None:
        """``NAME=value`` lines written to ``$GITHUB_ENV`` (later steps' variables) or to
        ``$GITHUB_OUTPUT`` (``steps.<id>.outputs.NAME``, kept with its unknown parts)."""
        lines: list[Arg] = []
        if redirect.heredoc is not None:
            lines = [expand_one('"' + line.replace('"', '\\"') + '"', state, self.ctx.vfs)
                     for line in redirect.heredoc.splitlines()]
        elif args and args[0].text in ("echo", "printf"):
            words = [a for a in args[1:] if not (args[0].text == "echo" and a.text in ("-e", "-n", "-E"))]
            text = " ".join(a.text for a in words).replace("\\n", "\n")
            symbolic = any(a.symbolic for a in words)
            lines = [arg(t, symbolic) for t in text.splitlines()]
        else:
            for r in node.redirects:
                if r.heredoc is not None:
                    lines = [expand_one('"' + line.replace('"', '\\"') + '"', state, self.ctx.vfs)
                             for line in r.heredoc.splitlines()]
        for line in lines:
            name, eq, value = line.text.partition("=")
            if not eq or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", name):
                continue
            if outputs:
                step_id = self.ctx.step.step_id if self.ctx.step is not None else None
                if step_id:
                    self.ctx.step_outputs[(step_id, name)] = Value(value, line.symbolic)
                continue
            if "-" in name:
                continue
            self.ctx.github_env[name] = Value(value) if not line.symbolic else Value("${" + name + "}", True)

    def _unknown(self, inv: Invocation) -> None:
        name = inv.name.rsplit("/", 1)[-1]
        if name in QUIET or name.startswith("echo"):
            return
        paths = []
        words = [a.text for a in inv.args[1:] if not a.symbolic]
        if name in ("eval", "sh", "bash", "source", "."):
            # a command line built at run time: its words may name a build folder
            words = [w for text in words for w in text.split()]
        for word_text in words:
            if word_text.startswith("-") and "=" not in word_text:
                continue
            text = word_text.split("=", 1)[1] if word_text.startswith("-") else word_text
            if "/" in text or text == "." or inv.ctx.vfs.exists(inv.path(text)):
                paths.append(inv.path(text))
        for r in inv.node.redirects:
            if r.target is not None and r.op.startswith((">", "&>", "1>")):
                t = expand_one(r.target, inv.state, inv.ctx.vfs)
                if not t.symbolic:
                    paths.append(inv.path(t))
        text = " ".join(a.text for a in inv.args)
        self.ctx.unknown.append(UnknownCommand(inv.span, text, paths, self.ctx.commands))
