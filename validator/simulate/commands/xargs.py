"""``… | xargs [-I R] [-0] [-n N] [-d D] CMD ARGS``: when the input is known statically
(``find``/``ls``/``cat``/``echo`` on the left of the pipe), the command runs once per
batch through the normal dispatch, like ``find -exec``."""

from __future__ import annotations

from validator.simulate.commands.find import run_command
from validator.simulate.context import Invocation
from validator.simulate.words import Arg, arg

#: options that take a value (``-I R``, ``-n 1`` …)
_WITH_VALUE = frozenset("IndLPsaE")
#: more runs than this are not simulated one by one
MAX_RUNS = 2_000


def run_with_input(inv: Invocation, text: str) -> tuple[bool, bool | None]:
    """Run ``inv`` (``xargs …``) on ``text`` as its standard input: (modelled, status);
    when the options are not modelled the caller treats it as an unknown command."""
    args = inv.args[1:]
    replace: str | None = None
    per_run: int | None = None
    delim: str | None = None
    i = 0
    while i < len(args) and args[i].text.startswith("-"):
        opt = args[i].text
        i += 1
        if opt in ("-r", "--no-run-if-empty", "-t", "--verbose", "-x"):
            continue
        if opt == "-0" or opt == "--null":
            delim = "\0"
            continue
        if opt == "-i":
            replace = "{}"
            continue
        if opt[1:2] in _WITH_VALUE and not opt.startswith("--"):
            value = opt[2:]
            if not value:
                if i >= len(args):
                    return False, None
                value = args[i].text
                i += 1
            if opt[1] == "I":
                replace = value
            elif opt[1] in "nL" and value.isdigit():
                per_run = max(1, int(value))
            elif opt[1] == "d":
                delim = value.encode().decode("unicode_escape") if "\\" in value else value
            elif opt[1] not in "Ps":
                return False, None
            continue
        return False, None
    command = [a.text for a in args[i:]] or ["echo"]
    if replace is not None:
        items = [line.lstrip() for line in text.split(delim or "\n") if line.strip()]
    elif delim is not None:
        items = [item for item in text.split(delim) if item]
    else:
        items = text.split()
    if not items:
        return True, True
    batches = [[item] for item in items] if replace is not None else \
        [items[k : k + per_run] for k in range(0, len(items), per_run)] if per_run else [items]
    if len(batches) > MAX_RUNS:
        return False, None
    status: bool | None = True
    for batch in batches:
        if replace is not None:
            line: list[Arg] = [arg(w.replace(replace, batch[0])) for w in command]
        else:
            line = [arg(w) for w in command] + [arg(item) for item in batch]
        result = run_command(inv, line)
        status = False if result is False or status is False else (None if result is None else status)
    return True, status
