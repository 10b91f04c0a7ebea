"""``cp`` (GNU coreutils): where each source lands is decided in ``copying.transfer``."""

from __future__ import annotations

from validator.model import CopyRecord
from validator.simulate.commands.copying import transfer
from validator.simulate.commands.options import parse
from validator.simulate.context import Invocation

LONG_WITH_VALUE = frozenset({"--target-directory", "--suffix", "--backup", "--sparse", "--reflink"})


def run(inv: Invocation) -> bool | None:
    """``cp [-rRapfvnuT] [-t DIR] [--parents] SRC… DEST``."""
    p = parse(inv.args[1:], short_with_value="tS", long_with_value=LONG_WITH_VALUE)
    target_dir = p.value("-t", "--target-directory")
    operands = p.operands
    if target_dir is not None:
        sources, target = operands, target_dir
    else:
        if len(operands) < 2:
            return False
        sources, target = operands[:-1], operands[-1]
    if not sources:
        return False
    recursive = p.has("r", "R", "a", "--recursive", "--archive")
    record = inv.record_copy(CopyRecord(
        command="cp", span=inv.span, sources=[inv.path(s) for s in sources],
        target=inv.path(target), recursive=recursive))
    return transfer(inv, record, sources, target,
                    target_is_dir=target_dir is not None,
                    no_target_dir=p.has("T", "--no-target-directory"),
                    recursive=recursive, remove=False,
                    no_clobber=p.has("n", "--no-clobber"),
                    parents=p.has("--parents"))
