"""Shell state of one simulated ``run:`` step: cwd, directory stack, variables, functions.

A subshell, a pipeline member or each branch of an undecidable ``if`` gets a
``fork()``; files live in the shared ``VFS`` and are not part of this state.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from validator.shell.ir import FunctionDef


@dataclass(frozen=True)
class Val:
    """A variable's value: literal text, or (``known=False``) a symbolic stand-in such as
    ``${SHA}`` that is carried through paths and names without being guessed."""

    text: str
    known: bool = True


@dataclass
class Frame:
    """One function call: its positional arguments and the variables ``local`` shadowed."""

    name: str
    args: list[Val]
    saved: dict[str, Val | None] = field(default_factory=dict)


@dataclass
class ShellState:
    cwd: str
    vars: dict[str, Val] = field(default_factory=dict)
    exported: set[str] = field(default_factory=set)
    dir_stack: list[str] = field(default_factory=list)
    oldpwd: str | None = None
    positional: list[Val] = field(default_factory=list)
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

    def get(self, name: str) -> Val | None:
        if name.isdigit():
            i = int(name)
            if i == 0:
                return Val("bash")
            args = self.positional
            return args[i - 1] if i <= len(args) else None
        return self.vars.get(name)

    def set(self, name: str, value: Val, local: bool = False) -> None:
        if local and self.frames:
            frame = self.frames[-1]
            if name not in frame.saved:
                frame.saved[name] = self.vars.get(name)
        self.vars[name] = value

    def unset(self, name: str) -> None:
        self.vars.pop(name, None)
