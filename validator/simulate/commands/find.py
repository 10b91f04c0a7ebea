"""``find … -exec CMD {} \\;|+`` and ``-delete``: each match runs through the normal
command dispatch, so ``cp --parents``/``rm -rf``/``mkdir`` keep their semantics and
copy records.  A ``find`` that only prints changes nothing; one whose expression is not
modelled is recorded as an unknown command (an LPK-000 when it names a zipped folder).
"""

from __future__ import annotations

from validator.simulate.context import Invocation, UnknownCommand
from validator.simulate.words import Arg, arg

#: more matches than this are not run one by one
MAX_EXEC_MATCHES = 2_000


def run(inv: Invocation) -> bool | None:
    from validator.simulate import findexpr  # on first use: most workflows have no find

    texts = [a.text for a in inv.args[1:]]
    if not any(t in findexpr.ACTING for t in texts):
        return True  # only prints: the tree does not change
    spec = findexpr.parse(texts) if not any(a.symbolic for a in inv.args[1:]) else None
    hits = findexpr.walk(spec, inv.ctx.vfs, inv.state.cwd) if spec is not None else None
    if spec is None or hits is None:
        record_unknown(inv, inv.args)
        return None
    if len(hits) > MAX_EXEC_MATCHES:
        inv.unmodelled(f"find matches more than {MAX_EXEC_MATCHES} paths: its -exec was not simulated")
        record_unknown(inv, inv.args)
        return None
    status: bool | None = True
    batches: dict[findexpr.Action, list[str]] = {}
    for entry, actions in hits:
        for action in actions:
            if action.kind == "exec" and action.batch:
                batches.setdefault(action, []).append(entry.shown)
            elif action.kind == "exec":
                # ``-exec … \;``: the command's status is only the test's result; find exits 0
                _exec(inv, action.argv, [entry.shown], tested=True)
            elif action.kind == "delete":
                _exec(inv, ("rm", "-rf", "{}"), [entry.shown], tested=True)
    for action, paths in batches.items():
        # ``-exec … +``: a failing command makes find exit non-zero
        status = _merge(status, _exec(inv, action.argv, paths, tested=False))
    return status


def _merge(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    return None if a is None or b is None else True


def _exec(inv: Invocation, argv: tuple[str, ...], paths: list[str], tested: bool) -> bool | None:
    """One ``-exec`` run: ``{}`` alone becomes the paths, inside a word each path."""
    args: list[Arg] = []
    for word in argv:
        if word == "{}":
            args += [arg(p) for p in paths]
        else:
            args.append(arg(word.replace("{}", paths[0]) if "{}" in word else word))
    return run_command(inv, args, tested)


def run_command(inv: Invocation, args: list[Arg], tested: bool = False) -> bool | None:
    """A command line started by another command (``find -exec``, ``xargs``); ``tested``
    when the starter ignores or tests its status."""
    if inv.dispatch is None:
        record_unknown(inv, args)
        return None
    return inv.dispatch(args, tested)


def record_unknown(inv: Invocation, args: list[Arg]) -> None:
    """Note a command that is not modelled with the paths it names (it may write there)."""
    paths = []
    for word in args[1:]:
        text = word.text
        if word.symbolic or text.startswith("-") or text in ("{}", ";", "+"):
            continue
        if "/" in text or text == "." or inv.ctx.vfs.exists(inv.path(text)):
            paths.append(inv.path(text))
    name = " ".join(a.text for a in args)
    inv.ctx.unknown.append(UnknownCommand(inv.span, name, paths, inv.ctx.commands))
