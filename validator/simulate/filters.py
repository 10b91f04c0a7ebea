"""Text filters after a pure command in ``$( … | … )``: ``cut``, ``tr``, ``sed s///``,
``awk '{print $N}'``, ``head``, ``tail``, ``sort``, ``uniq``, ``rev``, ``wc -l``,
``xargs`` (``echo`` of its input), ``grep``/``grep -v`` with fixed strings.

Packaging scripts derive folder and function names from known values this way
(``NAME=$(echo "$DIR" | cut -d/ -f2)``, ``FN=$(basename "$f" .py | tr '_' '-')``).  Each
filter follows GNU coreutils/sed/grep for the options it accepts and returns None for
any other option, so an unmodelled form leaves the value unknown rather than wrong.
These are small text functions with no library equivalent in Python; GNU's own
behaviour is the specification (checked against real bash in the tests).
"""

from __future__ import annotations

import re
from collections.abc import Callable

Filter = Callable[[list[str], str], "str | None"]


def run_filter(words: list[str], text: str) -> str | None:
    """``text`` through the filter command ``words``; None when it is not modelled."""
    if not words:
        return None
    handler = FILTERS.get(words[0])
    return handler(words[1:], text) if handler is not None else None


def _lines(text: str) -> list[str]:
    if not text:
        return []
    return text[:-1].split("\n") if text.endswith("\n") else text.split("\n")


def _join(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


# --------------------------------------------------------------------------- cut


def _ranges(spec: str) -> list[tuple[int, int]] | None:
    out = []
    for part in spec.split(","):
        m = re.fullmatch(r"(\d*)(-?)(\d*)", part)
        if not m or not (m.group(1) or m.group(3)):
            return None
        lo = int(m.group(1)) if m.group(1) else 1
        hi = int(m.group(3)) if m.group(3) else (lo if not m.group(2) else 1 << 30)
        if lo < 1 or hi < lo:
            return None
        out.append((lo, hi))
    return out


def _cut(args: list[str], text: str) -> str | None:
    delim, fields, chars, only_delimited = "\t", None, None, False
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-d", "-f", "-c") and i + 1 < len(args):
            value, i = args[i + 1], i + 2
        elif a.startswith(("-d", "-f", "-c")) and len(a) > 2:
            value, i = a[2:], i + 1
        elif a.startswith("--delimiter=") or a.startswith("--fields="):
            key, _, value = a.partition("=")
            a, i = "-d" if key == "--delimiter" else "-f", i + 1
        elif a in ("-s", "--only-delimited"):
            only_delimited, i = True, i + 1
            continue
        else:
            return None
        if a.startswith("-d"):
            if len(value) != 1:
                return None
            delim = value
        elif a.startswith("-f"):
            fields = _ranges(value)
        else:
            chars = _ranges(value)
    if (fields is None) == (chars is None):
        return None
    out = []
    for line in _lines(text):
        if chars is not None:
            out.append("".join(c for n, c in enumerate(line, 1) if any(lo <= n <= hi for lo, hi in chars)))
            continue
        assert fields is not None
        if delim not in line:
            if not only_delimited:
                out.append(line)
            continue
        parts = line.split(delim)
        out.append(delim.join(p for n, p in enumerate(parts, 1) if any(lo <= n <= hi for lo, hi in fields)))
    return _join(out)


# --------------------------------------------------------------------------- tr

_CLASSES = {
    "[:upper:]": "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "[:lower:]": "abcdefghijklmnopqrstuvwxyz",
    "[:digit:]": "0123456789", "[:space:]": " \t\n\r\f\v", "[:blank:]": " \t",
}
_CLASSES["[:alpha:]"] = _CLASSES["[:upper:]"] + _CLASSES["[:lower:]"]
_CLASSES["[:alnum:]"] = _CLASSES["[:alpha:]"] + _CLASSES["[:digit:]"]
_CLASSES["[:punct:]"] = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "/": "/"}


def _set(spec: str) -> str | None:
    out: list[str] = []
    i = 0
    while i < len(spec):
        cls = next((c for c in _CLASSES if spec.startswith(c, i)), None)
        if cls is not None:
            out.append(_CLASSES[cls])
            i += len(cls)
            continue
        c = spec[i]
        if c == "\\" and i + 1 < len(spec):
            if spec[i + 1] not in _ESCAPES:
                return None
            c, i = _ESCAPES[spec[i + 1]], i + 1
        elif (c == "[" and spec.startswith(("[=", "[."), i)) or (c == "[" and "*" in spec[i:i + 4]):
            return None  # equivalence classes and [c*n] repeats are not modelled
        if i + 2 < len(spec) and spec[i + 1] == "-":
            hi = spec[i + 2]
            if ord(hi) < ord(c):
                return None
            out.append("".join(chr(k) for k in range(ord(c), ord(hi) + 1)))
            i += 3
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _tr(args: list[str], text: str) -> str | None:
    if args and args[0] == "-d" and len(args) == 2:
        chars = _set(args[1])
        return None if chars is None else "".join(c for c in text if c not in chars)
    if len(args) != 2 or args[0].startswith("-"):
        return None
    src, dst = _set(args[0]), _set(args[1])
    if src is None or dst is None or not dst:
        return None
    dst = dst + dst[-1] * (len(src) - len(dst)) if len(dst) < len(src) else dst
    table: dict[int, str] = {}
    for a, b in zip(src, dst, strict=False):
        table[ord(a)] = b  # the last mapping of a repeated character wins, as in GNU tr
    return text.translate(table)


# --------------------------------------------------------------------------- sed s///


def _bre_to_python(pattern: str, extended: bool) -> str | None:
    """A POSIX basic (or extended) regular expression in Python's syntax."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            n = pattern[i + 1]
            if not extended and n in "(){}+?|":
                out.append(n)
            elif n.isdigit() or n in ".*[]^$\\/" or n in "(){}+?|" or n in "nt":
                out.append("\\" + n)
            else:
                return None  # \w, \b … GNU extensions: not modelled
            i += 2
            continue
        if c == "[":
            end = pattern.find("]", i + 2 if pattern[i + 1:i + 2] in ("]", "^") else i + 1)
            if end < 0:
                return None
            body = pattern[i + 1:end]
            if "[:" in body:
                for cls, chars in _CLASSES.items():
                    body = body.replace(cls, re.escape(chars))
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = end + 1
            continue
        if not extended and c in "(){}+?|":
            out.append("\\" + c)
        else:
            out.append(c)
        i += 1
    return "".join(out)


def _replacement(rep: str) -> str | None:
    out: list[str] = []
    i = 0
    while i < len(rep):
        c = rep[i]
        if c == "\\" and i + 1 < len(rep):
            n = rep[i + 1]
            if n.isdigit():
                out.append(f"\\g<{n}>")
            elif n == "n":
                out.append("\n")
            elif n in "&\\/":
                out.append("\\\\" if n == "\\" else n)
            else:
                return None
            i += 2
            continue
        out.append("\\g<0>" if c == "&" else c.replace("\\", "\\\\"))
        i += 1
    return "".join(out)


def _substitutions(script: str, extended: bool) -> list[tuple[re.Pattern[str], str, int]] | None:
    out = []
    rest = script.strip()
    while rest:
        if len(rest) < 4 or rest[0] != "s":
            return None
        d = rest[1]
        if d.isalnum() or d in "\\\n ":
            return None
        parts: list[str] = []
        i, cur = 2, []
        while i < len(rest) and len(parts) < 2:
            if rest[i] == "\\" and i + 1 < len(rest) and rest[i + 1] == d:
                cur.append(d if d not in ".*[]^$" else "\\" + d)
                i += 2
                continue
            if rest[i] == d:
                parts.append("".join(cur))
                cur = []
            else:
                cur.append(rest[i])
            i += 1
        if len(parts) < 2:
            return None
        m = re.match(r"([gI0-9]*)\s*(?:;\s*|$)", rest[i:])
        if m is None:
            return None
        flags, rest = m.group(1), rest[i + m.end():].strip()
        pattern = _bre_to_python(parts[0], extended)
        rep = _replacement(parts[1])
        if pattern is None or rep is None or re.search(r"\d", flags):
            return None
        try:
            compiled = re.compile(pattern, re.I if "I" in flags else 0)
        except re.error:
            return None
        out.append((compiled, rep, 0 if "g" in flags else 1))
    return out


def _sed(args: list[str], text: str) -> str | None:
    scripts: list[str] = []
    extended = False
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-E", "-r", "--regexp-extended"):
            extended = True
        elif a == "-e" and i + 1 < len(args):
            scripts.append(args[i + 1])
            i += 1
        elif a.startswith("-"):
            return None
        elif not scripts:
            scripts.append(a)
        else:
            return None  # a file operand: sed reads the file, not the pipe
        i += 1
    subs = []
    for script in scripts:
        parsed = _substitutions(script, extended)
        if parsed is None:
            return None
        subs += parsed
    if not subs:
        return None
    out = []
    for line in _lines(text):
        for pattern, rep, count in subs:
            try:
                line = pattern.sub(rep, line, count=count)
            except (re.error, IndexError):
                return None
        out.append(line)
    return _join(out)


# --------------------------------------------------------------------------- the rest


def _awk(args: list[str], text: str) -> str | None:
    sep: str | None = None
    if args and args[0].startswith("-F"):
        sep, args = (args[0][2:], args[1:]) if len(args[0]) > 2 else (args[1] if len(args) > 1 else None, args[2:])
    if len(args) != 1 or sep == "":
        return None
    m = re.fullmatch(r"\s*\{\s*print\s+\$(\d+|NF)\s*;?\s*\}\s*", args[0])
    if m is None or (sep is not None and len(sep) != 1):
        return None
    out = []
    for line in _lines(text):
        parts = line.split() if sep is None else line.split(sep)
        if m.group(1) == "NF":
            out.append(parts[-1] if parts else "")
        else:
            n = int(m.group(1))
            out.append(line if n == 0 else parts[n - 1] if n <= len(parts) else "")
    return _join(out)


def _count(args: list[str], default: int = 10) -> int | None:
    if not args:
        return default
    if len(args) == 2 and args[0] == "-n" and args[1].isdigit():
        return int(args[1])
    if len(args) == 1 and re.fullmatch(r"-n?\d+", args[0]):
        return int(args[0].lstrip("-n"))
    return None


def _head(args: list[str], text: str) -> str | None:
    n = _count(args)
    return None if n is None else _join(_lines(text)[:n])


def _tail(args: list[str], text: str) -> str | None:
    n = _count(args)
    if n is None:
        return None
    lines = _lines(text)
    return _join(lines[len(lines) - n:] if n else [])


def _sort(args: list[str], text: str) -> str | None:
    if args not in ([], ["-u"]):
        return None
    lines = sorted(_lines(text), key=lambda s: s.encode())  # LC_ALL=C, as on a runner without locales
    return _join(list(dict.fromkeys(lines)) if args else lines)


def _uniq(args: list[str], text: str) -> str | None:
    if args:
        return None
    out: list[str] = []
    for line in _lines(text):
        if not out or out[-1] != line:
            out.append(line)
    return _join(out)


def _rev(args: list[str], text: str) -> str | None:
    return None if args else _join([line[::-1] for line in _lines(text)])


def _wc(args: list[str], text: str) -> str | None:
    return f"{text.count(chr(10))}\n" if args == ["-l"] else None


def _xargs(args: list[str], text: str) -> str | None:
    if args not in ([], ["echo"]):
        return None
    words = text.split()
    return " ".join(words) + "\n" if words else "\n"


def _grep(args: list[str], text: str) -> str | None:
    invert = False
    fixed = False
    while args and args[0].startswith("-") and len(args) > 1:
        flag = args[0]
        if flag == "-v":
            invert = True
        elif flag == "-F":
            fixed = True
        else:
            return None
        args = args[1:]
    if len(args) != 1:
        return None
    needle = args[0]
    if not fixed and re.search(r"[.*\[\]^$\\+?(){}|]", needle):
        return None  # a pattern, not a fixed string: not modelled
    return _join([line for line in _lines(text) if (needle in line) != invert])


FILTERS: dict[str, Filter] = {
    "cut": _cut, "tr": _tr, "sed": _sed, "awk": _awk, "head": _head, "tail": _tail, "sort": _sort,
    "uniq": _uniq, "rev": _rev, "wc": _wc, "xargs": _xargs, "grep": _grep,
}
