"""Scripts that only read: ``echo``, tests, listings, variables.

Large deploy workflows are mostly steps like these (reports, summaries, checks, waits).
A step made only of them cannot change a package, a later step or a deploy, so the
simulator does not need to interpret it, nor the parser to build its tree.  The check
runs on the lexer's tokens and is conservative: a command it does not know, an output
redirection to a file, a command or process substitution, arithmetic in command
position, ``find`` with an action that runs or deletes, or anything the lexer could
not finish make the script count as one that may write.
"""

from __future__ import annotations

import re
from functools import lru_cache

from validator.syntax.shell import lexed_script

__all__ = ["reads_only"]

#: commands that neither write files nor run other commands (with no output redirection);
#: ``cd`` is not one: a failing ``cd`` is worth a note even in a step that only reads
READ_ONLY_COMMANDS = frozenset({
    "echo", "printf", "true", "false", ":", "test", "[", "cat", "head", "tail", "sort", "uniq", "wc",
    "grep", "egrep", "fgrep", "cut", "tr", "ls", "find", "du", "df", "date", "pwd", "whoami", "id",
    "uname", "hostname", "nproc", "basename", "dirname", "realpath", "readlink", "stat", "file", "which",
    "type", "sleep", "exit", "return", "break", "continue", "shift", "set", "unset",
    "shopt", "local", "export", "declare", "typeset", "readonly", "read", "wait", "jq", "column",
    "md5sum", "sha256sum", "sha1sum", "cmp", "diff",
})
#: shell words that structure a script
KEYWORDS = frozenset({"if", "then", "else", "elif", "fi", "for", "in", "do", "done", "while", "until", "case",
                      "esac", "{", "}", "!", "time"})
#: ``find`` actions that run a command, delete, or write a file
_FIND_ACTIONS = frozenset({"-exec", "-execdir", "-ok", "-okdir", "-delete", "-fprint", "-fprint0",
                           "-fprintf", "-fls"})
_OUTPUT = frozenset({">", ">>", ">|", "&>", "&>>", ">&", "<>"})
_HARMLESS_TARGETS = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr", "-"})
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=")


@lru_cache(maxsize=1024)
def reads_only(text: str) -> bool:
    """Whether every command of ``text`` only reads (see the module docstring)."""
    try:
        replaced, _, lexed = lexed_script(text)
    except RecursionError:
        return False
    if lexed.unterminated:
        return False
    tokens = lexed.tokens
    words: set[str] = set()
    for i, token in enumerate(tokens):
        value = token.value
        if _substitutes(value):
            return False  # a command substitution runs a command
        if token.kind == "word":
            words.add(value)
            if value.startswith(("<(", ">(")):
                return False
            if not token.command_position or _ASSIGNMENT.match(value):
                continue
            if value not in READ_ONLY_COMMANDS and value not in KEYWORDS:
                return False
        elif token.kind == "op":
            if value in _OUTPUT:
                target = tokens[i + 1] if i + 1 < len(tokens) else None
                if target is None or target.kind != "word" or not (
                        target.value in _HARMLESS_TARGETS or target.value.isdigit()):
                    return False
            doc = token.heredoc
            if doc is not None:
                body = replaced[doc.body_start : doc.body_end] if doc.body_start >= 0 else ""
                if _substitutes(body):
                    return False
        elif token.kind == "arith" and token.command_position:
            return False  # ``(( … ))`` commands are not read by the simulator either
    return "find" not in words or not words & _FIND_ACTIONS


def _substitutes(text: str) -> bool:
    """``$(…)`` or a backquote (``$((…))`` is arithmetic, which runs nothing)."""
    if "`" in text:
        return True
    i = text.find("$(")
    while i >= 0:
        if not text.startswith("$((", i):
            return True
        i = text.find("$(", i + 3)
    return False
