"""``make TARGET`` in a step: the Makefile's recipes run as the shell they are.

Many repositories package their Lambdas with ``make package``.  The Makefile of the
folder (``-C DIR``, ``-f FILE``) is read as GNU make reads the parts that matter here:
variables (``=``, ``:=``, ``?=``, ``+=``, ``export``, command-line ``NAME=value``),
explicit rules with their prerequisites (run first, each target once), recipe lines
with ``@``/``-``/``+`` prefixes, ``$@ $< $^ $*``, ``$$``, and ``.ONESHELL``.  Each
recipe line runs in its own shell in the Makefile's folder, as make runs it.  What make
computes from the file system or other programs (``$(shell …)``, ``$(wildcard …)``,
most functions) stays symbolic, and pattern rules, ``include`` and conditionals are
noted rather than guessed.  Recipes keep their Makefile line numbers.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from validator.model import ScriptMap
from validator.model.base import Record

MAKEFILES = ("GNUmakefile", "makefile", "Makefile")
#: options that take a value as the next word
_VALUE_OPTIONS = frozenset({"-C", "-f", "-j", "-l", "-I", "-o", "-W", "--file", "--directory", "--makefile",
                            "--jobs", "--load-average", "--include-dir", "--old-file", "--what-if"})
_ASSIGN = re.compile(r"^(?:(export|override)\s+)?([A-Za-z_.][\w.-]*)\s*(::=|:=|\?=|\+=|!=|=)(.*)$", re.S)
_DIRECTIVES = ("ifeq", "ifneq", "ifdef", "ifndef", "else", "endif", "include", "-include", "sinclude",
               "define", "endef", "vpath", "unexport")
#: recursion guard for variables that refer to each other
_MAX_EXPANSION = 20


@dataclass(eq=False, repr=False)
class Rule(Record):
    target: str
    prerequisites: list[str]
    #: recipe lines: (text, file offset of the text, line number, column)
    recipe: list[tuple[str, int, int, int]] = field(default_factory=list)


@dataclass(eq=False, repr=False)
class Makefile(Record):
    """A Makefile as far as this module reads it."""

    path: str  # repository-relative
    variables: dict[str, tuple[str, bool]]  # name -> (value, recursive)
    exported: set[str]
    rules: dict[str, Rule]
    default: str | None  # the first target that does not start with "."
    one_shell: bool
    #: what was not read (conditionals, include, pattern rules …), with the line
    notes: list[tuple[int, str]]
    #: ``make NAME=value``: they win over the Makefile's own assignments
    overrides: dict[str, str] = field(default_factory=dict)
    #: names the environment sets (``?=`` leaves them to it)
    environment: frozenset[str] = frozenset()
    #: variables being expanded (a variable that refers to itself expands to nothing)
    expanding: set[str] = field(default_factory=set, repr=False, compare=False)


def parse_makefile(path: str, text: str, overrides: dict[str, str] | None = None,
                   environment: frozenset[str] = frozenset()) -> Makefile:
    mk = Makefile(path, {}, set(), {}, None, False, [], dict(overrides or {}), environment)
    for name, value in mk.overrides.items():
        mk.variables[name] = (value, False)
        mk.exported.add(name)  # make passes command-line variables to its recipes
    lines = text.split("\n")
    offsets = []
    pos = 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    current: list[Rule] = []
    i = 0
    while i < len(lines):
        raw, number, offset = lines[i], i + 1, offsets[i]
        if raw.startswith("\t") and current:
            body = raw[1:]
            start = offset + 1
            while body.endswith("\\") and i + 1 < len(lines):  # the shell reads the continuation
                i += 1
                body += "\n" + lines[i]
            for rule in current:
                rule.recipe.append((body, start, number, 2))
            i += 1
            continue
        logical = raw
        while logical.endswith("\\") and i + 1 < len(lines):
            i += 1
            logical = logical[:-1] + " " + lines[i].lstrip()
        i += 1
        stripped = _strip_comment(logical).strip()
        if not stripped:
            continue
        word = stripped.split(None, 1)[0]
        if word in _DIRECTIVES:
            mk.notes.append((number, f"make `{word}` is not evaluated: {mk.path} is read as if it were not there"))
            current = [] if word in ("define", "include", "-include", "sinclude") else current
            continue
        assign = _ASSIGN.match(stripped)
        if assign and ":" not in stripped[: assign.start(3)]:
            _assign(mk, assign.group(1), assign.group(2), assign.group(3), assign.group(4).strip())
            current = []
            continue
        if ":" in stripped:
            current = _rule(mk, stripped, number, offset + raw.find(stripped))
            continue
        if stripped.startswith("export "):
            mk.exported.update(stripped.split()[1:])
            continue
        mk.notes.append((number, f"this Makefile line is not understood: {stripped[:60]}"))
    return mk


def _strip_comment(line: str) -> str:
    i = line.find("#")
    while i > 0 and line[i - 1] == "\\":
        i = line.find("#", i + 1)
    return line if i < 0 else line[:i]


def _assign(mk: Makefile, modifier: str | None, name: str, op: str, value: str) -> None:
    if modifier == "export":
        mk.exported.add(name)
    if name in mk.overrides and modifier != "override":
        return
    if op == "?=" and (name in mk.variables or name in mk.environment):
        return
    if op == "+=" and name in mk.variables:
        old, recursive = mk.variables[name]
        mk.variables[name] = (f"{old} {value}".strip(), recursive)
    elif op in (":=", "::="):
        mk.variables[name] = (expand(mk, value, {}), False)
    elif op == "!=":
        mk.variables[name] = (f"$(shell {value})", False)
    else:
        mk.variables[name] = (value, True)


def _rule(mk: Makefile, line: str, number: int, offset: int) -> list[Rule]:
    head, _, rest = line.partition(":")
    rest = rest.lstrip(":")  # ``::`` rules
    inline = None
    if ";" in rest:
        rest, _, inline = rest.partition(";")
    # make expands target and prerequisite lists as it reads the rule
    targets = expand(mk, head, {}).split()
    rest = expand(mk, rest, {})
    if any("%" in t for t in targets):
        mk.notes.append((number, f"pattern rule {head.strip()} is not used"))
        return [Rule(head, [])]  # collects its recipe lines, which are not used either
    if _ASSIGN.match(rest.strip()):  # ``target: VAR = value``
        mk.notes.append((number, f"target-specific variable for {head.strip()} is not used"))
        return []
    rules = []
    for target in targets:
        if target == ".ONESHELL":
            mk.one_shell = True
        if target.startswith(".") and "/" not in target:
            continue
        rule = mk.rules.setdefault(target, Rule(target, []))
        rule.prerequisites += [p for p in rest.replace("|", " ").split() if p]
        if inline is not None and inline.strip():
            rule.recipe.append((inline.strip(), offset + line.find(inline.strip()), number,
                                line.find(inline.strip()) + 1))
        if mk.default is None:
            mk.default = target
        rules.append(rule)
    return rules


def expand(mk: Makefile, text: str, automatic: dict[str, str], depth: int = 0,
           pieces: list[tuple[int, int]] | None = None) -> str:
    """Make's expansion of ``text``: variables, automatic variables and ``$$``; anything
    make computes itself stays as written (``$(shell …)`` then reads as a command
    substitution, unknown).  ``pieces`` collects (output offset, input offset) at each
    literal run, so positions can be mapped back to the Makefile."""
    out: list[str] = []
    length = 0
    i = 0
    while i < len(text):
        j = text.find("$", i)
        if j < 0:
            j = len(text)
        if j > i:
            if pieces is not None:
                pieces.append((length, i))
                k = text.find("\n", i, j)  # a continued recipe line: anchor each line
                while k >= 0:
                    pieces.append((length + k + 1 - i, k + 1))
                    k = text.find("\n", k + 1, j)
            out.append(text[i:j])
            length += j - i
        if j >= len(text):
            break
        value, end = _reference(mk, text, j, automatic, depth)
        if pieces is not None:
            pieces.append((length, j))
            if len(value) > 1:  # the value's last character stands for the reference's last
                pieces.append((length + len(value) - 1, end - 1))
        out.append(value)
        length += len(value)
        i = end
    return "".join(out)


def _reference(mk: Makefile, text: str, i: int, automatic: dict[str, str], depth: int) -> tuple[str, int]:
    """The value of the reference at ``text[i] == "$"`` and the index after it."""
    if i + 1 >= len(text):
        return "$", i + 1
    ch = text[i + 1]
    if ch == "$":
        return "$", i + 2
    if ch in "({":
        close = ")" if ch == "(" else "}"
        end = _matching(text, i + 1, ch, close)
        inner = text[i + 2 : end]
        if " " in inner.strip() or "," in inner:  # a function call: make computes it
            if inner.split(None, 1)[0] == "shell":
                return "$(" + inner[5:].strip() + ")", end + 1  # the shell sees a command substitution
            return _symbolic(inner), end + 1
        name = expand(mk, inner, automatic, depth + 1) if "$" in inner else inner
        return _variable(mk, name, automatic, depth), end + 1
    return _variable(mk, ch, automatic, depth), i + 2


def _variable(mk: Makefile, name: str, automatic: dict[str, str], depth: int) -> str:
    if name in automatic:
        return automatic[name]
    if len(name) == 2 and name[0] in automatic and name[1] in "DF":  # ``$(@D)``, ``$(<F)`` …
        words = automatic[name[0]].split()
        part = posixpath.dirname if name[1] == "D" else posixpath.basename
        return " ".join((part(w) or ".") if name[1] == "D" else part(w) for w in words)
    if name in mk.variables and depth < _MAX_EXPANSION:
        value, recursive = mk.variables[name]
        if not recursive:
            return value
        if name in mk.expanding:
            return ""  # GNU make stops here: "Recursive variable references itself"
        mk.expanding.add(name)
        try:
            return expand(mk, value, automatic, depth + 1)
        finally:
            mk.expanding.discard(name)
    if name in ("@", "<", "^", "*", "?", "+", "|"):
        return ""
    # not defined in the Makefile: make takes it from the environment
    return "${" + name + "}"


def _symbolic(inner: str) -> str:
    """A make function's value, unknown statically: a shell word that stays symbolic."""
    return "${MAKE_" + re.sub(r"\W+", "_", inner.split(None, 1)[0]).upper() + "}"


def _matching(text: str, i: int, open_: str, close: str) -> int:
    depth = 0
    for j in range(i, len(text)):
        if text[j] == open_:
            depth += 1
        elif text[j] == close:
            depth -= 1
            if depth == 0:
                return j
    return len(text) - 1


def recipe_line(mk: Makefile, rule: Rule, index: int, automatic: dict[str, str]) -> tuple[str, ScriptMap]:
    """A recipe line expanded for the shell (prefixes ``@ - +`` dropped), and the map of
    its offsets to the Makefile's lines."""
    text, offset, number, column = rule.recipe[index]
    lead = len(text) - len(text.lstrip(" \t@-+"))
    text = text[lead:]
    pieces: list[tuple[int, int]] = []
    expanded = expand(mk, text, automatic, pieces=pieces)
    starts = [0]
    for k, ch in enumerate(text):
        if ch == "\n":
            starts.append(k + 1)
    anchors = []
    for out_at, in_at in pieces or [(0, 0)]:
        line_index = max(n for n, s in enumerate(starts) if s <= in_at)
        col = (column + lead + in_at) if line_index == 0 else (in_at - starts[line_index] + 1)
        anchors.append((out_at, offset + lead + in_at, number + line_index, col))
    return expanded, ScriptMap(mk.path, anchors)


def recipe_script(mk: Makefile, rule: Rule, automatic: dict[str, str]) -> tuple[str, ScriptMap]:
    """With ``.ONESHELL``: the whole recipe as one script, and its map."""
    texts: list[str] = []
    anchors: list[tuple[int, int, int, int]] = []
    at = 0
    for index in range(len(rule.recipe)):
        text, line_map = recipe_line(mk, rule, index, automatic)
        anchors += [(out + at, off, line, col) for out, off, line, col in line_map.anchors]
        texts.append(text)
        at += len(text) + 1
    return "\n".join(texts), ScriptMap(mk.path, anchors)


@dataclass(eq=False, repr=False)
class MakeCall(Record):
    """A ``make`` command line: the folder it runs in, the Makefile, targets, overrides."""

    directory: str  # virtual absolute folder
    makefile: str | None  # virtual absolute path given with -f, else None (the folder's)
    targets: list[str]
    overrides: dict[str, str]


def parse_make_args(words: list[str], cwd: str) -> MakeCall | None:
    """None for forms this module leaves alone (``make -n``, ``make -q``, ``--version``)."""
    directory, makefile = cwd, None
    targets: list[str] = []
    overrides: dict[str, str] = {}
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if word in ("-n", "--dry-run", "--just-print", "-q", "--question", "--version", "-v", "-p", "-h", "--help"):
            return None
        if word in _VALUE_OPTIONS:
            value = words[i] if i < len(words) else ""
            i += 1
            if word in ("-C", "--directory"):
                directory = posixpath.normpath(posixpath.join(directory, value))
            elif word in ("-f", "--file", "--makefile"):
                makefile = posixpath.normpath(posixpath.join(directory, value))
            continue
        if word.startswith("-C") and len(word) > 2:
            directory = posixpath.normpath(posixpath.join(directory, word[2:]))
        elif word.startswith(("--directory=", "--file=", "--makefile=")):
            key, _, value = word.partition("=")
            if key == "--directory":
                directory = posixpath.normpath(posixpath.join(directory, value))
            else:
                makefile = posixpath.normpath(posixpath.join(directory, value))
        elif word.startswith("-"):
            continue
        elif "=" in word and re.match(r"^[A-Za-z_][\w.-]*=", word):
            name, _, value = word.partition("=")
            overrides[name] = value
        else:
            targets.append(word)
    return MakeCall(directory, makefile, targets, overrides)
