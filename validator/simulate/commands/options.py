"""GNU-style option parsing shared by the command interpreters.

Commands are parsed the way their real programs do it (combined short flags ``-rf``,
``--long=value``, ``--`` ends options) so that a flag nobody anticipated is skipped
rather than taken for a path.
"""

from __future__ import annotations

from validator.simulate.words import Arg


class Parsed:
    """A command line split into flags, option values and operands (a plain slotted
    class: no dataclass method generation at start-up)."""

    __slots__ = ("flags", "operands", "values")

    def __init__(self) -> None:
        self.flags: set[str] = set()  # "r", "f", "--recursive" …
        self.values: dict[str, list[Arg]] = {}  # option -> values
        self.operands: list[Arg] = []

    def has(self, *names: str) -> bool:
        return any(n in self.flags for n in names)

    def value(self, *names: str) -> Arg | None:
        """The last value given for any of ``names``."""
        for n in names:
            if self.values.get(n):
                return self.values[n][-1]
        return None

    def text(self, *names: str) -> str | None:
        v = self.value(*names)
        return None if v is None else v.text

    def all(self, *names: str) -> list[Arg]:
        return [v for n in names for v in self.values.get(n, [])]


def parse(args: list[Arg], short_with_value: str = "", long_with_value: frozenset[str] = frozenset(),
          permute: bool = True) -> Parsed:
    """Split ``args`` (without the command name) into flags, option values and operands."""
    out = Parsed()
    i = 0
    only_operands = False
    while i < len(args):
        a = args[i]
        t = a.text
        i += 1
        if only_operands or t == "-" or not t.startswith("-"):
            out.operands.append(a)
            if not permute:
                only_operands = True
            continue
        if t == "--":
            only_operands = True
            continue
        if t.startswith("--"):
            name, eq, rest = t.partition("=")
            if eq:
                out.values.setdefault(name, []).append(Arg(rest, a.symbolic, a.quoted))
            elif name in long_with_value and i < len(args):
                out.values.setdefault(name, []).append(args[i])
                i += 1
            else:
                out.flags.add(name)
            continue
        for k, ch in enumerate(t[1:]):
            if ch in short_with_value:
                rest = t[k + 2 :]
                value = Arg(rest, a.symbolic, a.quoted)
                if not rest and i < len(args):
                    value = args[i]
                    i += 1
                out.values.setdefault("-" + ch, []).append(value)
                break
            out.flags.add(ch)
    return out
