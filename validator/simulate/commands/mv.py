"""``mv``: placed like ``cp -r`` (see ``copying.transfer``), then the source is removed
(kept when the branch is uncertain, so the tree stays the union of outcomes)."""

from __future__ import annotations

from validator.model import CopyRecord
from validator.simulate.commands.copying import transfer
from validator.simulate.commands.options import parse
from validator.simulate.context import Invocation


def run(inv: Invocation) -> bool | None:
    """``mv [-fnuvT] [-t DIR] SRC… DEST``."""
    p = parse(inv.args[1:], short_with_value="tS",
              long_with_value=frozenset({"--target-directory", "--suffix", "--backup"}))
    target_dir = p.value("-t", "--target-directory")
    if target_dir is not None:
        sources, target = p.operands, target_dir
    elif len(p.operands) >= 2:
        sources, target = p.operands[:-1], p.operands[-1]
    else:
        return False
    if not sources:
        return False
    record = inv.record_copy(CopyRecord(
        command="mv", span=inv.span, sources=[inv.path(s) for s in sources],
        target=inv.path(target), recursive=True))
    return transfer(inv, record, sources, target, target_is_dir=target_dir is not None,
                    no_target_dir=p.has("T", "--no-target-directory"), recursive=True,
                    remove=True, no_clobber=p.has("n", "--no-clobber"))
