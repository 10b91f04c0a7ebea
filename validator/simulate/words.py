"""Turns IR words into command arguments for the simulator.

Word expansion itself (quotes, ``$VAR``, ``${VAR:-x}``, globs) belongs to
``validator.simulate.expand``; this module adapts it to the simulator's state and
file system, so commands only ever see ``Arg``: the text, and whether some part of
it is an unknown value kept symbolically (``build/${SHA}``).
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

from validator.shell.ir import Word
from validator.simulate.state import ShellState, Val
from validator.simulate.vfs import HOME, VFS, normalize


@dataclass(frozen=True)
class Arg:
    """One argument after expansion."""

    text: str
    symbolic: bool = False
    #: an unquoted glob that matched nothing (bash passes the pattern on literally)
    unmatched_glob: bool = False


GLOB_CHARS = re.compile(r"(?<!\\)[*?\[]")


def has_glob(text: str) -> bool:
    return bool(GLOB_CHARS.search(text))


def pattern_match(pattern: str, text: str) -> bool:
    """Shell pattern match (``case`` arms, ``[[ x == p ]]``); ``*`` crosses ``/`` here."""
    return fnmatch.fnmatchcase(text, pattern)


def expand_args(words: list[Word], state: ShellState, vfs: VFS) -> list[Arg]:
    out: list[Arg] = []
    for word in words:
        out.extend(_expand(word.text, state, vfs, split=True))
    return out


def expand_one(word: Word | str, state: ShellState, vfs: VFS) -> Arg:
    """One word without splitting or globbing (assignments, ``case`` subjects, redirections)."""
    text = word.text if isinstance(word, Word) else word
    fields = _expand(text, state, vfs, split=False)
    if not fields:
        return Arg("")
    return Arg(" ".join(f.text for f in fields), any(f.symbolic for f in fields))


def to_val(arg: Arg) -> Val:
    return Val(arg.text, known=not arg.symbolic)


# ---------------------------------------------------------------- fallback expansion
# Used until ``validator.simulate.expand`` provides the full implementation.

_PARAM = re.compile(r"\$(?:\{(?P<brace>[^}]*)\}|(?P<name>[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-]))")


@dataclass
class _Piece:
    text: str
    quoted: bool
    symbolic: bool = False


def _expand(text: str, state: ShellState, vfs: VFS, split: bool) -> list[Arg]:
    pieces = _pieces(text, state)
    # "$@" makes one field per positional argument
    if len(pieces) == 1 and pieces[0].text == "\0@":
        return [Arg(v.text, not v.known) for v in state.positional]
    fields: list[list[_Piece]] = [[]]
    for piece in pieces:
        if piece.text == "\0@":
            for i, v in enumerate(state.positional):
                if i:
                    fields.append([])
                fields[-1].append(_Piece(v.text, True, not v.known))
            continue
        if split and not piece.quoted and piece.symbolic is False and " " in piece.text.strip():
            parts = piece.text.split()
            for i, part in enumerate(parts):
                if i:
                    fields.append([])
                fields[-1].append(_Piece(part, False))
            continue
        fields[-1].append(piece)
    out: list[Arg] = []
    for f in fields:
        if not f:
            continue
        joined = "".join(p.text for p in f)
        symbolic = any(p.symbolic for p in f)
        quoted_any = any(p.quoted for p in f)
        if not quoted_any and joined == "" and split:
            continue
        glob_text = "".join(p.text if p.quoted is False else _escape_glob(p.text) for p in f)
        if split and any(not p.quoted and has_glob(p.text) for p in f):
            matches = glob(glob_text, state.cwd, vfs)
            if matches:
                out.extend(Arg(m, symbolic) for m in matches)
                continue
            out.append(Arg(joined, symbolic, unmatched_glob=True))
            continue
        out.append(Arg(joined, symbolic))
    return out


def _escape_glob(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def _pieces(text: str, state: ShellState) -> list[_Piece]:
    pieces: list[_Piece] = []
    i = 0
    n = len(text)
    buf = ""
    quoted = False

    def flush() -> None:
        nonlocal buf
        if buf:
            pieces.append(_Piece(buf, quoted))
            buf = ""

    if text.startswith("~") and (len(text) == 1 or text[1] == "/"):
        pieces.append(_Piece(HOME, True))
        i = 1
    in_double = False
    while i < n:
        c = text[i]
        if c == "'" and not in_double:
            flush()
            j = text.find("'", i + 1)
            j = n if j < 0 else j
            pieces.append(_Piece(text[i + 1 : j], True))
            i = j + 1
            continue
        if c == '"':
            flush()
            in_double = not in_double
            quoted = in_double
            i += 1
            continue
        if c == "\\" and i + 1 < n:
            flush()
            pieces.append(_Piece(text[i + 1], True))
            i += 2
            continue
        if c == "$" and text.startswith("$(", i):
            flush()
            depth, j = 0, i + 1
            while j < n:
                if text[j] == "(":
                    depth += 1
                elif text[j] == ")":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            pieces.append(_Piece(text[i : j + 1], True, symbolic=True))
            i = j + 1
            continue
        if c == "$":
            m = _PARAM.match(text, i)
            if m:
                flush()
                pieces.append(_param(m, state, in_double))
                i = m.end()
                continue
        if c == "`":
            flush()
            j = text.find("`", i + 1)
            j = n if j < 0 else j
            pieces.append(_Piece(text[i : j + 1], True, symbolic=True))
            i = j + 1
            continue
        buf += c
        i += 1
    flush()
    return pieces


def _param(m: re.Match[str], state: ShellState, quoted: bool) -> _Piece:
    brace = m.group("brace")
    name = m.group("name") if brace is None else re.match(r"[#!]?([A-Za-z_][A-Za-z0-9_]*|[0-9@*#?]+)", brace)
    raw = m.group(0)
    if brace is None:
        assert isinstance(name, str)
        if name in ("@", "*"):
            return _Piece("\0@", quoted)
        value = state.get(name)
        if name == "#":
            return _Piece(str(len(state.positional)), quoted)
        if value is None:
            return _Piece("", quoted) if name.isdigit() else _Piece("${" + name + "}", quoted, True)
        return _Piece(value.text, quoted, not value.known)
    if not isinstance(name, re.Match):
        return _Piece(raw, quoted, True)
    var = name.group(1)
    rest = brace[name.end():]
    value = state.get(var)
    if rest.startswith((":-", "-")):
        default = rest.split("-", 1)[1]
        if value is None or (rest.startswith(":") and value.known and value.text == ""):
            inner = _pieces(default, state)
            return _Piece("".join(p.text for p in inner), quoted, any(p.symbolic for p in inner))
        return _Piece(value.text, quoted, not value.known)
    if rest == "" and not brace.startswith(("#", "!")):
        if value is None:
            return _Piece("", quoted) if var.isdigit() else _Piece("${" + var + "}", quoted, True)
        return _Piece(value.text, quoted, not value.known)
    if value is not None and value.known and rest.startswith(("%", "#", "/", ":")):
        result = _operate(value.text, rest)
        if result is not None:
            return _Piece(result, quoted)
    return _Piece(raw, quoted, True)


def _operate(text: str, op: str) -> str | None:
    if op.startswith("%%"):
        return _trim(text, op[2:], suffix=True, longest=True)
    if op.startswith("%"):
        return _trim(text, op[1:], suffix=True, longest=False)
    if op.startswith("##"):
        return _trim(text, op[2:], suffix=False, longest=True)
    if op.startswith("#"):
        return _trim(text, op[1:], suffix=False, longest=False)
    m = re.fullmatch(r":(\d+)(?::(\d+))?", op)
    if m:
        start = int(m.group(1))
        return text[start : start + int(m.group(2))] if m.group(2) else text[start:]
    return None


def _trim(text: str, pattern: str, suffix: bool, longest: bool) -> str:
    rng = range(len(text) + 1)
    cuts = list(rng) if suffix == longest else list(reversed(rng))
    for k in cuts:
        part = text[k:] if suffix else text[:k]
        if fnmatch.fnmatchcase(part, pattern):
            return text[:k] if suffix else text[k:]
    return text


def glob(pattern: str, cwd: str, vfs: VFS) -> list[str]:
    """Pathname expansion against the virtual tree (no dotfiles unless the pattern has one)."""
    absolute = pattern.startswith("/")
    parts = [p for p in pattern.split("/") if p]
    trailing = pattern.endswith("/")
    bases = ["/" if absolute else ""]
    for k, part in enumerate(parts):
        last = k == len(parts) - 1
        nxt: list[str] = []
        for base in bases:
            if not has_glob(part):
                nxt.append(base + part + ("" if last else "/"))
                continue
            real = normalize(base or ".", cwd)
            for name in vfs.listdir(real) or []:
                if name.startswith(".") and not part.startswith("."):
                    continue
                if fnmatch.fnmatchcase(name, part):
                    nxt.append(base + name + ("" if last else "/"))
        bases = nxt
    found = [b for b in bases if vfs.exists(normalize(b, cwd))]
    if trailing:
        found = [b + "/" for b in found if vfs.is_dir(normalize(b, cwd))]
    return sorted(found)
