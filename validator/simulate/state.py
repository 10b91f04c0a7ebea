"""Shell state of one simulated ``run:`` step: cwd, directory stack, variables, functions.

A subshell, a pipeline member or each branch of an undecidable ``if`` gets a
``fork()``; files live in the shared ``VFS`` and are not part of this state.
"""

from __future__ import annotations

from validator.simulate.expand import Value
from validator.syntax.shell.ir import FunctionDef

# Plain slotted classes, not dataclasses: internal to the simulator, and a dataclass
# costs the compilation of its generated methods at every start of the command line.


class Frame:
    """One function call: its positional arguments and the variables ``local`` shadowed."""

    __slots__ = ("args", "name", "saved")

    def __init__(self, name: str, args: list[Value], saved: dict[str, Value | None] | None = None) -> None:
        self.name = name
        self.args = args
        self.saved: dict[str, Value | None] = {} if saved is None else saved


class ShellState:
    __slots__ = (
        "allexport",
        "context",
        "cwd",
        "dir_stack",
        "errexit",
        "exported",
        "frames",
        "functions",
        "last_status",
        "oldpwd",
        "positional",
        "uncertain",
        "vars",
    )

    def __init__(self, cwd: str, vars: dict[str, Value] | None = None, exported: set[str] | None = None,
                 dir_stack: list[str] | None = None, oldpwd: str | None = None,
                 positional: list[Value] | None = None, functions: dict[str, FunctionDef] | None = None,
                 frames: list[Frame] | None = None, context: list[str] | None = None, uncertain: int = 0,
                 last_status: bool | None = True, errexit: bool = False, allexport: bool = False) -> None:
        self.cwd = cwd
        #: ``set -e``: a failing statement ends the shell (GitHub runs steps with ``bash -e``)
        self.errexit = errexit
        #: ``set -a``: every variable assigned is exported (``set -a; source .env; set +a``)
        self.allexport = allexport
        self.vars: dict[str, Value] = {} if vars is None else vars
        self.exported: set[str] = set() if exported is None else exported
        self.dir_stack: list[str] = [] if dir_stack is None else dir_stack
        self.oldpwd = oldpwd
        self.positional: list[Value] = [] if positional is None else positional
        self.functions: dict[str, FunctionDef] = {} if functions is None else functions
        self.frames: list[Frame] = [] if frames is None else frames
        #: "for name in a b" / "function build" labels of the loops and calls we are inside
        self.context: list[str] = [] if context is None else context
        #: >0 while running a branch whose condition could not be decided
        self.uncertain = uncertain
        self.last_status = last_status

    def fork(self) -> ShellState:
        """A copy for a subshell or a branch: changes to it do not leak back."""
        return ShellState(
            cwd=self.cwd,
            vars=dict(self.vars),
            exported=set(self.exported),
            dir_stack=list(self.dir_stack),
            oldpwd=self.oldpwd,
            positional=list(self.positional),
            functions=dict(self.functions),
            frames=[Frame(f.name, list(f.args), dict(f.saved)) for f in self.frames],
            context=list(self.context),
            uncertain=self.uncertain,
            last_status=self.last_status,
            errexit=self.errexit,
            allexport=self.allexport,
        )

    def adopt(self, other: ShellState) -> None:
        """Take over a branch's outcome (cwd, variables …) after an ``if`` or ``&&``."""
        self.cwd = other.cwd
        self.vars = other.vars
        self.exported = other.exported
        self.dir_stack = other.dir_stack
        self.oldpwd = other.oldpwd
        self.positional = other.positional
        self.functions = other.functions
        self.frames = other.frames
        self.errexit = other.errexit
        self.allexport = other.allexport

    def lookup(self, name: str) -> Value | None:
        """Variable lookup for word expansion (``expand.Vars``); None when never set."""
        return self.vars.get(name)

    def set(self, name: str, value: Value, local: bool = False) -> None:
        if local and self.frames:
            frame = self.frames[-1]
            if name not in frame.saved:
                frame.saved[name] = self.vars.get(name)
        self.vars[name] = value
        if self.allexport:
            self.exported.add(name)

    def unset(self, name: str) -> None:
        self.vars.pop(name, None)
