"""``mapfile``/``readarray``: an array from the lines of a command or file.

``mapfile -t A < <(ls dir)`` is static when the command is (``ls``, ``find``, ``cat``,
``echo`` …: see ``expand``/``listing``); otherwise the array is unknown and stays
symbolic.  In a pipeline (``ls | mapfile A``) bash runs it in a subshell, so the
interpreter's fork already makes it a no-op, as in bash.
"""

from __future__ import annotations

from validator.simulate import arrays
from validator.simulate.commands.options import parse
from validator.simulate.context import Invocation
from validator.simulate.expand import Value
from validator.simulate.words import expand_one


def run(inv: Invocation) -> bool | None:
    p = parse(inv.args[1:], short_with_value="dnOsuCc")
    name = p.operands[0].text if p.operands else "MAPFILE"
    text = _input(inv)
    if text is None or p.values.keys() - {"-d"}:
        inv.state.set(name, arrays.unknown(name))
        return None
    delim = p.text("-d")
    sep = "\n" if delim is None else (delim[:1] or "\0")
    lines = text.split(sep)
    if lines and lines[-1] == "":
        lines.pop()
    keep = "" if p.has("t") else sep
    inv.state.set(name, Value.array([Value(line + keep) for line in lines]))
    return True


def _input(inv: Invocation) -> str | None:
    """Standard input: ``< <(cmd)``, ``< file`` (a readable repository file) or ``<<< word``."""
    for r in inv.node.redirects:
        if r.target is None:
            continue
        raw = r.target.text
        if r.op == "<" and raw.startswith("<(") and raw.endswith(")"):
            out = expand_one('"$(' + raw[2:-1] + ')"', inv.state, inv.ctx.vfs)
            return None if out.symbolic else (out.text + "\n" if out.text else "")
        if r.op == "<":
            target = expand_one(r.target, inv.state, inv.ctx.vfs)
            return None if target.symbolic else inv.ctx.vfs.read_text(inv.path(target))
        if r.op == "<<<":
            word = expand_one(r.target, inv.state, inv.ctx.vfs)
            return None if word.symbolic else word.text + "\n"
    return None
