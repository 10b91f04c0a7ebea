"""``mkdir``: without ``-p`` the parent must exist (else nothing is created, as in CI)."""

from __future__ import annotations

from validator.simulate.commands.options import parse
from validator.simulate.context import Invocation


def run(inv: Invocation) -> bool | None:
    p = parse(inv.args[1:], short_with_value="m", long_with_value=frozenset({"--mode", "--context"}))
    parents = p.has("p", "--parents")
    ok = True
    for operand in p.operands:
        path = inv.path(operand)
        if operand.symbolic and not parents and not inv.ctx.vfs.exists(path):
            inv.unmodelled(f"cannot resolve mkdir operand {operand.text!r}", could_touch=False)
        if not inv.ctx.vfs.mkdir(path, parents=parents, origin=inv.span):
            ok = False
    return ok
