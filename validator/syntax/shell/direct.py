"""Simple commands, pipelines and ``&&``/``||`` lists built straight from the lexer's tokens.

Importing bashlex costs about 0.1 s and it parses about 1 ms a statement, while most
``run:`` statements are plain commands the lexer has already cut into words.  This
module builds the IR that bashlex plus ``convert`` would build for them, following
bashlex's own rules (which words are assignments, when digits are a file descriptor,
where spans start and end).  Whenever a statement has a shape it does not reproduce
exactly it returns None, and the caller asks bashlex.  ``tests/unit/test_shell_fastpath``
holds it to bashlex's output.
"""

from __future__ import annotations

from collections.abc import Callable

from validator.syntax.shell import ir
from validator.syntax.shell.convert import Source, assignment, finish_command, heredoc_text, mark_background
from validator.syntax.shell.lex import Token
from validator.syntax.shell.split import depths

#: a compound piece (``{ …; }``, ``if``, a loop …) parsed by the caller, None if unsure
Compound = Callable[[list[Token]], "list[ir.Node] | None"]

_REDIRECTS = frozenset({"<", ">", ">>", "<&", ">&", "<>", ">|", "&>", "&>>", "<<<", "<<", "<<-"})
_LIST_OPS = frozenset({"&&", "||"})
_PIPES = frozenset({"|", "|&"})
_ENDS = frozenset({";", "&", ";;", ";&", ";;&"})
#: words bashlex reads as reserved after an operator or another reserved word
_RESERVED = frozenset({"if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while",
                       "until", "do", "done", "in", "function", "time", "{", "}", "!", "[[", "]]",
                       "coproc"})  # fmt: skip
#: bashlex lets a reserved word follow a word with one of these values
_RESERVED_AFTER = frozenset("\n;()|&{}")
_WORDLIKE = frozenset({"word", "dbltest", "arith"})
_COMPOUND_START = frozenset({"if", "for", "select", "while", "until", "case", "{", "function"})


class Direct:
    """Builds IR for one statement's tokens; ``compound`` reads compound pieces.

    ``unterminated`` says the lexer ran an unclosed quote or expansion to the end of the
    text; bashlex ends those elsewhere, so statements reaching the end are declined.
    ``glued`` comes from ``glued_words`` over the whole script.
    """

    def __init__(self, source: Source, compound: Compound, unterminated: bool, glued: frozenset[int]) -> None:
        self.source = source
        self.compound = compound
        self.open_end = len(source.text) if unterminated else -1
        #: see ``glued_words``: statements holding one of these are left to bashlex
        self.glued = glued

    def statement(self, tokens: list[Token]) -> list[ir.Node] | None:
        if not tokens or (self.glued and any(t.start in self.glued for t in tokens)):
            return None
        if self.open_end >= 0 and max(t.extent for t in tokens) >= self.open_end:
            return None
        tokens = [t for t in tokens if not (t.command_position and t.value == "time" and t.kind == "word")]
        background = bool(tokens) and tokens[-1].kind == "op" and tokens[-1].value == "&"
        if background:
            tokens = tokens[:-1]
        if not tokens:
            return None
        node = self.and_or(tokens, depths(tokens))
        if node is None:
            return None
        if background:
            mark_background(node)
        return [node]

    def and_or(self, tokens: list[Token], level: list[int]) -> ir.Node | None:
        """``a | b && c``: cut at the top-level operators, then read each command."""
        items: list[ir.Node] = []
        ops: list[str] = []
        pipeline: list[list[Token]] = []
        start = 0
        for i, token in enumerate(tokens):
            if token.kind == "word" or level[i]:
                continue
            if token.kind == "newline":
                return None
            value = token.value
            if value in _PIPES:
                pipeline.append(tokens[start:i])
            elif value in _LIST_OPS:
                pipeline.append(tokens[start:i])
                item = self.pipeline(pipeline)
                if item is None:
                    return None
                items.append(item)
                ops.append(value)
                pipeline = []
            elif value in _ENDS:
                return None
            else:
                continue
            start = i + 1
        pipeline.append(tokens[start:])
        item = self.pipeline(pipeline)
        if item is None:
            return None
        if not ops:
            return item
        items.append(item)
        return ir.AndOr(items[0].start, items[-1].end, items, ops)

    def pipeline(self, parts: list[list[Token]]) -> ir.Node | None:
        head = parts[0][0] if parts[0] else None
        negated = head is not None and head.kind == "word" and head.command_position and head.value == "!"
        if negated:
            parts[0] = parts[0][1:]
        commands: list[ir.Node] = []
        for part in parts:
            command = self.item(part)
            if command is None:
                return None
            commands.append(command)
        if not negated and len(commands) == 1:
            return commands[0]
        assert head is not None
        return ir.Pipeline(head.start, commands[-1].end, commands, negated)

    def item(self, tokens: list[Token]) -> ir.Node | None:
        if not tokens:
            return None
        head = tokens[0]
        compound = (
            (head.kind == "word" and head.command_position and head.value in _COMPOUND_START)
            or (head.kind == "op" and head.value == "(")
            or (len(tokens) > 2 and tokens[1].kind == "op" and tokens[1].value == "(")
        )
        if compound:
            nodes = self.compound(tokens)
            if nodes is None or len(nodes) != 1:
                return None
            return nodes[0]
        return self.command(tokens)

    def command(self, tokens: list[Token]) -> ir.Node | None:
        """A simple command, or None when bashlex might read it differently."""
        words: list[ir.Word] = []
        assignments: list[ir.Assignment] = []
        redirects: list[ir.Redirect] = []
        after_redirect = False
        previous: Token | None = None
        i = 0
        n = len(tokens)
        while i < n:
            token = tokens[i]
            following = tokens[i + 1] if i + 1 < n else None
            if token.kind == "op":
                if token.value not in _REDIRECTS:
                    return None
                redirect = self.redirect(token, following, None)
                if redirect is None:
                    return None
                redirects.append(redirect)
                after_redirect = True
                i += 1 if token.heredoc is not None else 2
                previous = tokens[i - 1]
                continue
            if token.kind in ("dbltest", "arith"):
                if token.start not in self.source.placeholders:
                    return None
            elif token.kind != "word":
                return None
            value = token.value
            if token.command_position and value in _RESERVED:
                return None
            if value in _RESERVED and (
                previous is None or previous.kind == "op" or previous.value in _RESERVED_AFTER
            ):
                return None
            if following is not None and following.kind == "op" and following.start == token.end:
                if value.isdigit() and following.value[0] in "<>":
                    if not value.isascii() or following.heredoc is not None:
                        return None
                    redirect = self.redirect(following, tokens[i + 2] if i + 2 < n else None, token)
                    if redirect is None:
                        return None
                    redirects.append(redirect)
                    after_redirect = True
                    i += 2 if following.heredoc is not None else 3
                    previous = tokens[i - 1]
                    continue
                if value[:1] == "{" and value[-1:] == "}" and following.value[0] in "<>":
                    return None  # {fd}>file
            word = ir.Word(token.start, token.end, value)
            # bashlex takes NAME=value as an assignment only where a command may start
            if (
                not words
                and "=" in value
                and _is_assignment(value)
                and _starts_command(previous, after_redirect)
            ):
                assignments.append(assignment(word, "plain", self.source.text))
            else:
                words.append(word)
            previous = token
            i += 1
        if not (words or assignments or redirects):
            return None
        end = max(words[-1].end if words else 0, assignments[-1].end if assignments else 0,
                  redirects[-1].end if redirects else 0)  # fmt: skip
        return finish_command(self.source, tokens[0].start, end, words, assignments, redirects)

    def redirect(self, op: Token, target: Token | None, fd: Token | None) -> ir.Redirect | None:
        start = op.start if fd is None else fd.start
        doc = op.heredoc
        if doc is not None:
            kind = "<<-" if doc.strip_tabs else "<<"
            word = ir.Word(doc.word_start, doc.word_end, self.source.text[doc.word_start : doc.word_end])
            return ir.Redirect(doc.op_start, doc.word_end, kind, word, heredoc_text(self.source.text, doc))
        if op.value in ("<<", "<<-") or target is None or target.kind != "word":
            return None
        if fd is not None and op.value in ("&>", "&>>"):
            return None
        text = self.source.text
        if op.value in ("<&", ">&") and target.value.isdigit():
            if not target.value.isascii():
                return None
            return ir.Redirect(start, target.end, text[start : target.end], None)
        if op.value in ("<&", ">&") and target.value == "-":
            return None
        word = ir.Word(target.start, target.end, target.value)
        # bash removes a line continuation before it reads the operator (`cat<\⏎in` is `cat < in`)
        return ir.Redirect(start, target.end, text[start : target.start].replace("\\\n", "").strip(), word)


def _is_assignment(value: str) -> bool:
    """bashlex's test: a name (``isalpha``/``isalnum``/``_``) then ``=`` or ``+=``."""
    if not value or not (value[0].isalpha() or value[0] == "_"):
        return False
    for i, ch in enumerate(value):
        if ch == "=":
            return True
        if ch == "+" and value[i + 1 : i + 2] == "=":
            return True
        if not (ch.isalnum() or ch == "_"):
            return False
    return False


def _starts_command(previous: Token | None, after_redirect: bool) -> bool:
    """bashlex's test for a command position, given the token before a word."""
    if previous is None or not after_redirect:
        return True  # start, an operator, ``!`` or an assignment
    return previous.kind == "word" and previous.value in _RESERVED_AFTER


def glued_words(tokens: list[Token], special: list[int]) -> frozenset[int]:
    """Starts of the ``special`` tokens (masked ``[[ ]]``/``(( ))``, ``<( )``) touching
    another word: bashlex reads those as one word with their neighbour."""
    found: set[int] = set()
    for i in special:
        token = tokens[i]
        before = tokens[i - 1] if i else None
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        if before is not None and before.kind in _WORDLIKE and before.end == token.start:
            found.add(token.start)
        if after is not None and after.kind in _WORDLIKE and after.start == token.end:
            found.add(token.start)
    return frozenset(found)
