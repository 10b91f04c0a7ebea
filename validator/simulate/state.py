"""Shell state of one simulated ``run:`` step: cwd, directory stack, variables, functions.

A subshell, a pipeline member or each branch of an undecidable ``if`` gets a
``fork()``; files live in the shared ``VFS`` and are not part of this state.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from validator.shell.ir import FunctionDef
from validator.simulate.expand import Value


@dataclass
class Frame:
    """One function call: its positional arguments and the variables ``local`` shadowed."""

    name: str
    args: list[Value]
    saved: dict[str, Value | None] = field(default_factory=dict)


@dataclass
class ShellState:
    cwd: str
    vars: dict[str, Value] = field(default_factory=dict)
    exported: set[str] = field(default_factory=set)
    dir_stack: list[str] = field(default_factory=list)
    oldpwd: str | None = None
    positional: list[Value] = field(default_factory=list)
    functions: dict[str, FunctionDef] = field(default_factory=dict)
    frames: list[Frame] = field(default_factory=list)
    #: "for name in a b" / "function build" labels of the loops and calls we are inside
    context: list[str] = field(default_factory=list)
    #: >0 while running a branch whose condition could not be decided
    uncertain: int = 0
    last_status: bool | None = True

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

    def lookup(self, name: str) -> Value | None:
        """Variable lookup for word expansion (``expand.Vars``); None when never set."""
        return self.vars.get(name)

    def set(self, name: str, value: Value, local: bool = False) -> None:
        if local and self.frames:
            frame = self.frames[-1]
            if name not in frame.saved:
                frame.saved[name] = self.vars.get(name)
        self.vars[name] = value

    def unset(self, name: str) -> None:
        self.vars.pop(name, None)
