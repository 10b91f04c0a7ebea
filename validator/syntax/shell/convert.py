"""bashlex AST -> IR.

bashlex positions are relative to the statement text it was given; ``offset`` moves
them back into the script.  Word text is always sliced from the script (with GitHub
placeholders), never taken from bashlex, which strips quotes.
"""

from __future__ import annotations

import re
from typing import Any

from validator.syntax.shell import ir
from validator.syntax.shell.lex import Heredoc, Token

_ASSIGNMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?)(\+?)=")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_DECLARATIONS = {"export": "export", "local": "local", "readonly": "readonly", "declare": "declare",
                 "typeset": "declare"}  # fmt: skip
#: options after which a declaration builtin does not assign (print, functions, unexport)
_NOT_ASSIGNING = frozenset("pfFn")
#: the reason of the ``Unread`` an arithmetic command becomes
ARITHMETIC = "arithmetic command ((…)) is not modelled"


class ConversionError(Exception):
    """A bashlex node shape this converter does not know."""


class Source:
    """What conversion needs besides the bashlex nodes."""

    __slots__ = ("heredocs", "original", "placeholders", "text")

    def __init__(
        self, text: str, original: str, heredocs: dict[int, Heredoc], placeholders: dict[int, Token]
    ) -> None:
        self.text = text  # script text with GitHub placeholders (Word.text comes from here)
        self.original = original  # the script as written (Unread.text comes from here)
        self.heredocs = heredocs  # by operator start
        self.placeholders = placeholders  # masked ``[[ ]]`` / ``(( ))`` by start


class Converter:
    def __init__(self, source: Source, offset: int) -> None:
        self.source = source
        self.offset = offset

    # -- helpers ------------------------------------------------------------------------------

    def span(self, node: Any) -> tuple[int, int]:
        start, end = node.pos
        return start + self.offset, end + self.offset

    def word(self, node: Any) -> ir.Word:
        start, end = self.span(node)
        return ir.Word(start, end, self.source.text[start:end])

    def text_word(self, start: int, end: int) -> ir.Word:
        return ir.Word(start, end, self.source.text[start:end])

    # -- statement lists ------------------------------------------------------------------

    def nodes(self, parsed: list[Any]) -> list[ir.Node]:
        result: list[ir.Node] = []
        for node in parsed:
            result += self.body(node)
        return result

    def body(self, node: Any) -> list[ir.Node]:
        """A statement list (bashlex gives a ListNode or a single node)."""
        if node.kind != "list":
            return [self.node(node)]
        result: list[ir.Node] = []
        chain: list[ir.Node] = []
        ops: list[str] = []

        def flush() -> None:
            if not chain:
                return
            if len(chain) == 1:
                result.append(chain[0])
            else:
                result.append(ir.AndOr(chain[0].start, chain[-1].end, list(chain), list(ops)))
            chain.clear()
            ops.clear()

        for part in node.parts:
            if part.kind == "operator":
                if part.op in ("&&", "||"):
                    ops.append(part.op)
                    continue
                if part.op == "&" and chain:
                    mark_background(chain[-1])
                flush()
            else:
                chain.append(self.node(part))
        flush()
        return result

    # -- single nodes -------------------------------------------------------------------------

    def node(self, node: Any) -> ir.Node:
        kind = node.kind
        if kind == "command":
            return self.command(node)
        if kind == "pipeline":
            return self.pipeline(node)
        if kind == "list":
            items = self.body(node)
            if len(items) == 1:
                return items[0]
            start, end = self.span(node)
            return ir.Group(start, end, items)
        if kind == "compound":
            return self.compound(node)
        if kind == "if":
            return self.if_(node)
        if kind == "for":
            return self.for_(node)
        if kind in ("while", "until"):
            return self.while_(node, [])
        if kind == "function":
            return self.function(node)
        raise ConversionError(f"unexpected {kind} node")

    def command(self, node: Any) -> ir.Node:
        start, end = self.span(node)
        words: list[ir.Word] = []
        assignments: list[ir.Assignment] = []
        redirects: list[ir.Redirect] = []
        for part in node.parts:
            if part.kind == "assignment" and not words:
                assignments.append(assignment(self.word(part), "plain", self.source.text))
            elif part.kind in ("word", "assignment"):
                words.append(self.word(part))
            elif part.kind == "redirect":
                redirects.append(self.redirect(part))
            else:
                raise ConversionError(f"unexpected {part.kind} in a command")
        return finish_command(self.source, start, end, words, assignments, redirects)

    def redirect(self, node: Any) -> ir.Redirect:
        start, end = self.span(node)
        doc = self.source.heredocs.get(start)
        if doc is not None:
            op = "<<-" if doc.strip_tabs else "<<"
            target = self.text_word(doc.word_start, doc.word_end)
            return ir.Redirect(doc.op_start, doc.word_end, op, target, heredoc_text(self.source.text, doc))
        output = getattr(node, "output", None)
        if output is None or isinstance(output, (int, str)):
            # ``>&2`` (bashlex: an int) and ``>&-``/``<&-`` closing a descriptor (a str)
            return ir.Redirect(start, end, self.source.text[start:end], None)
        target = self.word(output)
        return ir.Redirect(start, end, self.source.text[start : target.start].strip(), target)

    def redirects(self, node: Any) -> list[ir.Redirect]:
        return [self.redirect(r) for r in getattr(node, "redirects", None) or []]

    def pipeline(self, node: Any) -> ir.Node:
        start, end = self.span(node)
        negated = False
        commands: list[ir.Node] = []
        for part in node.parts:
            if part.kind == "reservedword" and part.word == "!":
                negated = True
            elif part.kind != "pipe":
                commands.append(self.node(part))
        return ir.Pipeline(start, end, commands, negated)

    def compound(self, node: Any) -> ir.Node:
        start, end = self.span(node)
        parts = list(node.list)
        opener = parts[0] if parts and parts[0].kind == "reservedword" else None
        if opener is None and len(parts) == 1:
            inner = parts[0]
            if inner.kind in ("while", "until"):
                return self.while_(inner, self.redirects(node), end)
            converted = self.node(inner)
            converted.end = max(converted.end, end)
            return converted
        body: list[ir.Node] = []
        for part in parts:
            if part.kind != "reservedword":
                body += self.body(part)
        if opener is not None and opener.word == "(":
            return ir.Subshell(start, end, body, self.redirects(node))
        return ir.Group(start, end, body, self.redirects(node))

    def split_parts(self, node: Any) -> list[tuple[str, list[Any]]]:
        """Reserved words of a compound with the parts that follow each."""
        sections: list[tuple[str, list[Any]]] = []
        for part in node.parts:
            if part.kind == "reservedword" and part.word not in (";", "!"):
                sections.append((part.word, []))
            elif part.kind == "reservedword":
                continue
            elif sections:
                sections[-1][1].append(part)
        return sections

    def lists(self, parts: list[Any]) -> list[ir.Node]:
        result: list[ir.Node] = []
        for part in parts:
            result += self.body(part)
        return result

    def if_(self, node: Any) -> ir.Node:
        start, end = self.span(node)
        clauses: list[ir.IfClause] = []
        else_body: list[ir.Node] | None = None
        condition: list[ir.Node] = []
        for word, parts in self.split_parts(node):
            if word in ("if", "elif"):
                condition = self.lists(parts)
            elif word == "then":
                clauses.append(ir.IfClause(condition, self.lists(parts)))
            elif word == "else":
                else_body = self.lists(parts)
        return ir.If(start, end, clauses, else_body)

    def for_(self, node: Any) -> ir.Node:
        start, end = self.span(node)
        var = ""
        words: list[ir.Word] | None = None
        body: list[ir.Node] = []
        for word, parts in self.split_parts(node):
            if word == "for":
                var = self.word(parts[0]).text if parts else ""
            elif word == "in":
                words = [self.word(p) for p in parts]
            elif word == "do":
                body = self.lists(parts)
        return ir.For(start, end, var, words, body)

    def while_(self, node: Any, redirects: list[ir.Redirect], end: int | None = None) -> ir.Node:
        start, own_end = self.span(node)
        condition: list[ir.Node] = []
        body: list[ir.Node] = []
        for word, parts in self.split_parts(node):
            if word in ("while", "until"):
                condition = self.lists(parts)
            elif word == "do":
                body = self.lists(parts)
        return ir.While(
            start, own_end if end is None else end, condition, body, node.kind == "until", redirects
        )

    def function(self, node: Any) -> ir.Node:
        start, end = self.span(node)
        name = ""
        body: list[ir.Node] = []
        for part in node.parts:
            if part.kind == "word" and not name:
                name = self.word(part).text
            elif part.kind == "compound":
                converted = self.compound(part)
                body = converted.body if isinstance(converted, ir.Group) else [converted]
        return ir.FunctionDef(start, end, name, body)


def finish_command(
    source: Source,
    start: int,
    end: int,
    words: list[ir.Word],
    assignments: list[ir.Assignment],
    redirects: list[ir.Redirect],
) -> ir.Node:
    """A simple command's node: a test, a masked ``[[ ]]``/``(( ))``, a declaration or a Command."""
    if len(words) == 1 and not assignments and words[0].start in source.placeholders:
        token = source.placeholders[words[0].start]
        if token.kind == "dbltest":
            inner = [ir.Word(a, b, source.text[a:b]) for a, b in token.inner]
            return ir.Test(start, end, inner, double=True)
        return ir.Unread(start, end, source.original[start:end], ARITHMETIC)
    if words and words[0].text in ("[", "test") and not assignments:
        inner = words[1:]
        if words[0].text == "[" and inner and inner[-1].text == "]":
            inner = inner[:-1]
        return ir.Test(start, end, inner)
    if words and words[0].text in _DECLARATIONS and not assignments:
        declared = _declaration(words, source.text)
        if declared is not None:
            return ir.Command(start, end, [], declared, redirects)
    return ir.Command(start, end, words, assignments, redirects)


def assignment(word: ir.Word, scope: str, text: str) -> ir.Assignment:
    """``NAME=value`` / ``NAME+=value`` split into name and value (a bare name has none)."""
    match = _ASSIGNMENT.match(word.text)
    if match is None:
        return ir.Assignment(word.start, word.end, word.text, None, scope=scope)
    value_start = word.start + match.end()
    value = ir.Word(value_start, word.end, text[value_start : word.end])
    return ir.Assignment(word.start, word.end, match.group(1), value, bool(match.group(2)), scope)


def _declaration(words: list[ir.Word], text: str) -> list[ir.Assignment] | None:
    """``export A=1 B`` -> assignments; None when the builtin does something else."""
    scope = _DECLARATIONS[words[0].text]
    result: list[ir.Assignment] = []
    for word in words[1:]:
        if word.text.startswith(("-", "+")):
            if set(word.text[1:]) & _NOT_ASSIGNING:
                return None
            continue
        if _ASSIGNMENT.match(word.text):
            result.append(assignment(word, scope, text))
        elif _NAME.match(word.text):
            result.append(ir.Assignment(word.start, word.end, word.text, None, scope=scope))
        else:
            return None
    return result or None


def heredoc_text(text: str, doc: Heredoc) -> str:
    """The body of a here-document, with leading tabs removed for ``<<-``."""
    body = text[doc.body_start : doc.body_end]
    if doc.strip_tabs:
        body = "".join(line.lstrip("\t") for line in body.splitlines(keepends=True))
    return body


def mark_background(node: ir.Node) -> None:
    """What a trailing ``&`` sends to the background, as bashlex groups it."""
    if isinstance(node, ir.Command):
        node.background = True
    elif isinstance(node, ir.Pipeline) and node.commands:
        mark_background(node.commands[-1])
    elif isinstance(node, ir.AndOr) and node.items:
        mark_background(node.items[-1])


def convert(parsed: list[Any], source: Source, offset: int) -> list[ir.Node]:
    """IR nodes for bashlex's top-level nodes of a statement starting at ``offset``."""
    return Converter(source, offset).nodes(parsed)
