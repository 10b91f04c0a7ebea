"""``rm``/``rmdir``: deletes from the virtual tree only.

An operand with an unknown part (``rm -rf $UNSET/``) deletes nothing, and nothing is
deleted inside an undecidable branch: the tree then keeps the union of outcomes.
"""

from __future__ import annotations

from validator.simulate.commands.options import parse
from validator.simulate.context import Invocation


def run(inv: Invocation) -> bool | None:
    p = parse(inv.args[1:])
    recursive = p.has("r", "R", "--recursive")
    vfs = inv.ctx.vfs
    ok = True
    for operand in p.operands:
        if operand.symbolic or inv.state.uncertain:
            continue
        path = inv.path(operand)
        if vfs.is_dir(path) and not recursive and not p.has("d", "--dir"):
            ok = False
            continue
        if not vfs.exists(path):
            ok = ok and p.has("f", "--force")
            continue
        vfs.remove(path)
    return ok


def run_rmdir(inv: Invocation) -> bool | None:
    p = parse(inv.args[1:])
    vfs = inv.ctx.vfs
    for operand in p.operands:
        path = inv.path(operand)
        if operand.symbolic or inv.state.uncertain or vfs.listdir(path) != []:
            continue
        vfs.remove(path)
    return True
