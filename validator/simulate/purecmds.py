"""The commands inside ``$( )`` that are evaluated statically.

A body made of simple commands joined by ``;`` / ``&&`` / ``|`` is split into raw words
here; the expander expands them and, when the command is one of the pure ones below
(``pwd``, ``basename``, ``dirname``, ``realpath``, ``echo``, ``printf`` …), its output
is computed without running anything; the commands after a ``|`` are the text filters
of ``filters.py``.
"""

from __future__ import annotations

from collections.abc import Callable

from validator.simulate.arith import decimal
from validator.simulate.escapes import ansi_c
from validator.simulate.patterns import join_path
from validator.simulate.scan import is_name, word_end
from validator.simulate.values import Field, placeholder_free_tail

__all__ = ["command_list", "run_pure"]

#: characters that make a body more than a list of simple commands
_OPERATORS = "|&<>()"
#: characters that end a word of a simple command
_WORD_END = " \t;\n" + _OPERATORS


def command_list(body: str) -> list[list[list[str]]] | None:
    """Raw words of each simple command in ``a; b && c | d``, as pipelines (a list of
    commands each); None when the body holds anything else (``||``, redirections,
    assignments, subshells, comments)."""
    pipelines: list[list[list[str]]] = [[[]]]
    n = len(body)
    i = 0
    while i < n:
        c = body[i]
        if c in " \t":
            i += 1
            continue
        if c in ";\n" or body.startswith("&&", i):
            if pipelines[-1][-1]:
                pipelines.append([[]])
            elif c != "\n" or len(pipelines[-1]) > 1:
                return None
            i += 2 if c == "&" else 1
            continue
        if c == "|" and not body.startswith("||", i):
            if not pipelines[-1][-1]:
                return None
            pipelines[-1].append([])
            i += 1
            continue
        if c in _OPERATORS or c == "#":
            return None
        end = word_end(body, i, _WORD_END)
        pipelines[-1][-1].append(body[i:end])
        i = end
    if not pipelines[-1][-1]:
        if len(pipelines[-1]) > 1:
            return None  # `a |` with nothing after the pipe
        pipelines.pop()
    for pipeline in pipelines:
        for words in pipeline:
            if not words or ("=" in words[0] and is_name(words[0].split("=", 1)[0])):
                return None
    return pipelines


def run_pure(fields: list[Field], cwd: str) -> tuple[str, bool] | None:
    """Output of a pure command, (text, symbolic); None when it is not one we model."""
    if not fields or fields[0].symbolic:
        return None
    name, args = fields[0].text, fields[1:]
    symbolic = any(f.symbolic for f in args)
    texts = [f.text for f in args]
    handler = _PURE.get(name)
    if handler is None:
        return None
    out = handler(texts, cwd, symbolic)
    return None if out is None else (out, symbolic)


def _cmd_pwd(args: list[str], cwd: str, symbolic: bool) -> str | None:
    return cwd + "\n" if all(a in ("-L", "-P") for a in args) else None


def _cmd_git(args: list[str], cwd: str, symbolic: bool) -> str | None:
    """``git rev-parse --show-toplevel``: the checkout (the workspace, where the job cloned it)."""
    from validator.model.paths import WORKSPACE, is_under

    if args == ["rev-parse", "--show-toplevel"] and not symbolic and is_under(cwd, WORKSPACE):
        return WORKSPACE + "\n"
    return None


def _cmd_true(args: list[str], cwd: str, symbolic: bool) -> str | None:
    return ""


def _basename(path: str, suffix: str = "") -> str:
    stripped = path.rstrip("/")
    if not stripped:
        return "/" if path else ""
    base = stripped.rsplit("/", 1)[-1]
    if suffix and base.endswith(suffix) and base != suffix:
        base = base[: -len(suffix)]
    return base


def _dirname(path: str) -> str:
    stripped = path.rstrip("/")
    if not stripped:
        return "/" if path else "."
    if "/" not in stripped:
        return "."
    head = stripped.rsplit("/", 1)[0].rstrip("/")
    return head or "/"


def _cmd_basename(args: list[str], cwd: str, symbolic: bool) -> str | None:
    suffix = ""
    multi = False
    names: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            names += args[i + 1 :]
            break
        if a in ("-a", "--multiple"):
            multi = True
        elif a in ("-s", "--suffix") and i + 1 < len(args):
            suffix, multi = args[i + 1], True
            i += 1
        elif a.startswith("--suffix="):
            suffix, multi = a.split("=", 1)[1], True
        elif a.startswith("-") and len(a) > 1 and not names:
            return None
        else:
            names.append(a)
        i += 1
    if not names:
        return None
    if not multi:
        if len(names) > 2:
            return None
        names, suffix = names[:1], (names[1] if len(names) == 2 else "")
    if symbolic and any(not _literal_last_component(n) for n in names):
        return None
    return "".join(_basename(n, suffix) + "\n" for n in names)


def _literal_last_component(path: str) -> bool:
    """Whether the last component of a (possibly symbolic) rendering is split off at a
    literal ``/``, so basename/dirname of it are exact."""
    return "/" in path.rstrip("/")[placeholder_free_tail(path.rstrip("/")) :]


def _cmd_dirname(args: list[str], cwd: str, symbolic: bool) -> str | None:
    names = [a for a in args if a != "--"]
    if not names or any(a.startswith("-") and len(a) > 1 for a in args if a != "--"):
        return None
    if symbolic and any(not _literal_last_component(n) for n in names):
        return None
    return "".join(_dirname(n) + "\n" for n in names)


def _cmd_realpath(args: list[str], cwd: str, symbolic: bool) -> str | None:
    flags = [a for a in args if a.startswith("-") and len(a) > 1]
    names = [a for a in args if a not in flags]
    if not names or any(f not in ("-m", "-e", "-s", "-q", "-L", "-P", "--") for f in flags):
        return None
    if symbolic and any(n.startswith("$") or n.startswith("..") or "/.." in n for n in names if "$" in n):
        return None  # normalising would drop or misplace the unknown part
    return "".join(join_path(cwd, n) + "\n" for n in names)


def _cmd_readlink(args: list[str], cwd: str, symbolic: bool) -> str | None:
    if not args or args[0] not in ("-f", "-m", "-e"):
        return None
    return _cmd_realpath(args[1:], cwd, symbolic)


def _cmd_echo(args: list[str], cwd: str, symbolic: bool) -> str | None:
    newline, escapes = True, False
    while args and len(args[0]) > 1 and args[0][0] == "-" and set(args[0][1:]) <= set("neE"):
        for flag in args[0][1:]:
            if flag == "n":
                newline = False
            else:
                escapes = flag == "e"
        args = args[1:]
    text = " ".join(args)
    if escapes:
        if "\\c" in text:
            return ansi_c(text[: text.index("\\c")], echo=True)
        text = ansi_c(text, echo=True)
    return text + ("\n" if newline else "")


def _cmd_printf(args: list[str], cwd: str, symbolic: bool) -> str | None:
    if not args or args[0] == "-v":
        return None
    if args[0] == "--":
        args = args[1:]
    if not args:
        return None
    fmt, rest = ansi_c(args[0], echo=True), args[1:]
    out: list[str] = []
    for _ in range(len(rest) + 1):
        consumed, piece = _printf_once(fmt, rest)
        if piece is None:
            return None
        out.append(piece)
        rest = rest[consumed:]
        if not rest or consumed == 0:
            break
    return "".join(out)


def _printf_once(fmt: str, args: list[str]) -> tuple[int, str | None]:
    out: list[str] = []
    used = 0
    i = 0
    while i < len(fmt):
        c = fmt[i]
        if c != "%":
            out.append(c)
            i += 1
            continue
        j = i + 1
        while j < len(fmt) and fmt[j] in "-0+ #":
            j += 1
        while j < len(fmt) and fmt[j].isdigit():
            j += 1
        if j >= len(fmt):
            return used, None
        conv, flags_width = fmt[j], fmt[i + 1 : j]
        if conv == "%":
            out.append("%")
        elif conv in "sdib":
            arg = args[used] if used < len(args) else ""
            used += 1
            if len(flags_width) > 4:
                return used, None
            if conv == "s":
                out.append(("%" + flags_width + "s") % arg)
            elif conv == "b":
                out.append(("%" + flags_width + "s") % ansi_c(arg, echo=True))
            else:
                n = decimal(arg.strip()) if arg.strip() else 0
                if n is None:
                    return used, None
                out.append(("%" + flags_width + "d") % n)
        else:
            return used, None
        i = j + 1
    return used, "".join(out)


_PURE: dict[str, Callable[[list[str], str, bool], str | None]] = {
    "pwd": _cmd_pwd,
    "git": _cmd_git,
    "true": _cmd_true,
    ":": _cmd_true,
    "basename": _cmd_basename,
    "dirname": _cmd_dirname,
    "realpath": _cmd_realpath,
    "readlink": _cmd_readlink,
    "echo": _cmd_echo,
    "printf": _cmd_printf,
}
