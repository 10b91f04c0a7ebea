"""Statement-by-statement parsing with recovery.

Each top-level statement is first read without bashlex: simple commands, pipelines and
``&&``/``||`` lists straight from the tokens (``direct.py``), compound commands by the
hand parser below, whose pieces are read the same way.  Only a statement that path
declines goes to bashlex, with the standard masks applied and, if that fails, with
command substitutions masked too.  If bashlex fails as well, the statement is taken
apart by hand at its top level (``&&``/``||`` lists, pipelines, ``if``, loops, ``case``,
groups, subshells, functions) and the pieces are parsed the same way, so that only the
smallest piece that cannot be read becomes an ``Unread``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from itertools import pairwise

from validator.syntax.shell import backend, ir
from validator.syntax.shell.convert import ARITHMETIC, ConversionError, Source, convert, heredoc_text
from validator.syntax.shell.direct import Direct, glued_words
from validator.syntax.shell.lex import Lexed, Token
from validator.syntax.shell.mask import Mask, apply_masks, glue, parameter_placeholder
from validator.syntax.shell.split import depths, split

_TERMINATORS = frozenset({";;", ";&", ";;&"})
_REDIRECT_OPS = frozenset({"<", ">", ">>", "<&", ">&", "<>", ">|", "&>", "&>>", "<<<", "<<", "<<-"})


def _substitution_mask(start: int, end: int, text: str) -> Mask:
    length = end - start
    replacement = parameter_placeholder(length, "_SUBST") if length >= 4 else glue(text[start:end])
    return Mask(start, end, replacement)


class Parser:
    def __init__(self, original: str, text: str, lexed: Lexed) -> None:
        self.original = original
        self.text = text
        self.lexed = lexed
        self.source = Source(text, original, {d.op_start: d for d in lexed.heredocs}, lexed.placeholders)
        #: statements the direct path declined so far
        self.fallbacks = 0
        self.direct = Direct(
            self.source, self.compound, lexed.unterminated, glued_words(lexed.tokens, lexed.special)
        )

    # the masked texts are only needed when a statement goes to bashlex

    @cached_property
    def masked(self) -> str:
        return apply_masks(self.text, self.lexed.masks)

    @cached_property
    def masked_substitutions(self) -> str:
        substitutions = [_substitution_mask(a, b, self.text) for a, b in self.lexed.substitutions]
        return apply_masks(self.masked, substitutions)

    # -- entry points ---------------------------------------------------------------------------

    def statements(self, tokens: list[Token]) -> list[ir.Node]:
        result: list[ir.Node] = []
        for statement in split(tokens):
            result += self.statement(statement)
        return result

    def statement(self, tokens: list[Token]) -> list[ir.Node]:
        try:
            return self._statement(tokens)
        except RecursionError:
            return [self.unread(*_span(tokens), "too deeply nested")]
        except Exception as error:  # a parser bug must cost one statement, not the script
            return [self.unread(*_span(tokens), f"internal error: {error!r}")]

    def unread(self, start: int, end: int, reason: str) -> ir.Unread:
        return ir.Unread(start, end, self.original[start:end], reason)

    # -- one statement -------------------------------------------------------------------------

    def _statement(self, tokens: list[Token]) -> list[ir.Node]:
        direct = self.direct.statement(tokens)
        if direct is not None:
            return direct
        self.fallbacks += 1
        start, end = _span(tokens)
        reason = "unreadable statement"
        if not any(t.is_word("case") for t in tokens):
            for attempt in (self.masked, self.masked_substitutions):
                try:
                    parsed = backend.parse(attempt[start:end])
                except backend.ShellSyntaxError as error:
                    if attempt is self.masked:
                        reason = str(error)
                    continue
                try:
                    return convert(parsed, self.source, start)
                except ConversionError as error:
                    reason = str(error)
                    break
        return self.recover(tokens, reason)

    def recover(self, tokens: list[Token], reason: str) -> list[ir.Node]:
        """Take a statement apart at its top level and parse the pieces."""
        start, end = _span(tokens)
        level = depths(tokens)
        for ops in (("&&", "||"), ("|", "|&")):
            cuts = [i for i, t in enumerate(tokens) if level[i] == 0 and t.is_op(*ops)]
            if cuts:
                return [self.chain(tokens, cuts, ops[0] == "&&")]
        background = level[-1] == 0 and tokens[-1].is_op("&") and len(tokens) > 1
        if background:
            nodes = self.recover(tokens[:-1], reason)
            for node in nodes:
                if isinstance(node, ir.Command):
                    node.background = True
            return nodes
        handler = self.handler(tokens)
        if handler is not None:
            recovered = handler(tokens, level)
            if recovered is not None:
                return recovered
            reason = f"unterminated or malformed {tokens[0].value!r}"
        return [self.unread(start, end, reason)]

    def handler(self, tokens: list[Token]) -> _Handler | None:
        """The hand parser for the compound command ``tokens`` starts with, if any."""
        first = tokens[0]
        handler = {
            "if": self.if_, "for": self.for_, "select": self.for_, "while": self.while_,
            "until": self.while_, "case": self.case, "{": self.group, "function": self.function,
        }.get(first.value if first.is_word(*_KEYWORDS) else "")  # fmt: skip
        if handler is None and first.is_op("("):
            handler = self.subshell
        if handler is None and len(tokens) > 3 and tokens[1].is_op("(") and tokens[2].is_op(")"):
            handler = self.function
        return handler

    def compound(self, tokens: list[Token]) -> list[ir.Node] | None:
        """A compound command read by hand, for the direct path; None unless it reads cleanly."""
        handler = self.handler(tokens)
        if handler is None:
            return None
        fallbacks = self.fallbacks
        nodes = handler(tokens, depths(tokens))
        if nodes is None or len(nodes) != 1 or self.fallbacks != fallbacks or _unsure(nodes):
            return None  # a piece needed bashlex: bashlex reads the whole compound, as it would
        return nodes

    def chain(self, tokens: list[Token], cuts: list[int], and_or: bool) -> ir.Node:
        start, end = _span(tokens)
        pieces: list[list[Token]] = []
        previous = 0
        for cut in [*cuts, len(tokens)]:
            pieces.append([t for t in tokens[previous:cut] if t.kind != "newline"])
            previous = cut + 1
        items: list[ir.Node] = []
        negated = False
        for index, piece in enumerate(pieces):
            if not and_or and index == 0 and piece and piece[0].is_word("!"):
                negated = True
                piece = piece[1:]
            if not piece:
                items.append(self.unread(start, end, "empty command in a list"))
                continue
            nodes = self.statement(piece)
            items.append(nodes[0] if len(nodes) == 1 else ir.Group(*_span(piece), nodes))
        if and_or:
            return ir.AndOr(start, end, items, [tokens[c].value for c in cuts])
        return ir.Pipeline(start, end, items, negated)

    # -- compounds: each returns None when the shape is not what it expects -----------------

    def closing(self, tokens: list[Token], level: list[int], *words: str) -> list[int]:
        """Indexes of the compound's own keywords (depth 1), up to its closer (last word)."""
        found: list[int] = []
        for i, token in enumerate(tokens):
            if i and level[i] == 1 and token.is_word(*words):
                found.append(i)
                if token.value == words[-1]:
                    return found
        return []

    def finish(self, node: ir.Node, tokens: list[Token], close: int) -> list[ir.Node]:
        """``node`` ends at ``tokens[close]``; what follows is redirects or unreadable."""
        node.end = max(tokens[close].end, node.end)
        rest = [t for t in tokens[close + 1 :] if t.kind != "newline"]
        if not rest:
            return [node]
        redirects = self.trailing_redirects(rest)
        if redirects is None:
            return [node, self.unread(*_span(rest), "unexpected text after a compound command")]
        if isinstance(node, (ir.While, ir.Group, ir.Subshell)):
            node.redirects += redirects
        node.end = max(node.end, redirects[-1].end if redirects else node.end)
        return [node]

    def trailing_redirects(self, tokens: list[Token]) -> list[ir.Redirect] | None:
        result: list[ir.Redirect] = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if (
                token.kind == "word"
                and token.value.isdigit()
                and i + 1 < len(tokens)
                and tokens[i + 1].start == token.end
                and tokens[i + 1].is_op(*_REDIRECT_OPS)
            ):
                i += 1  # an fd number glued to the operator
                continue
            if not token.is_op(*_REDIRECT_OPS):
                return None
            start = tokens[i - 1].start if i and tokens[i - 1].end == token.start else token.start
            if token.heredoc is not None:
                doc = token.heredoc
                target = ir.Word(doc.word_start, doc.word_end, self.text[doc.word_start : doc.word_end])
                op = "<<-" if doc.strip_tabs else "<<"
                result.append(ir.Redirect(start, doc.word_end, op, target, heredoc_text(self.text, doc)))
                i += 1
                continue
            if i + 1 >= len(tokens) or tokens[i + 1].kind != "word":
                return None
            target_token = tokens[i + 1]
            if token.value in (">&", "<&") and target_token.value.isdigit():
                end = target_token.end
                result.append(ir.Redirect(start, end, self.text[start:end], None))
            else:
                target = ir.Word(target_token.start, target_token.end, target_token.value)
                result.append(ir.Redirect(start, target.end, self.text[start : token.end], target))
            i += 2
        return result

    def if_(self, tokens: list[Token], level: list[int]) -> list[ir.Node] | None:
        marks = self.closing(tokens, level, "then", "elif", "else", "fi")
        if not marks:
            return None
        clauses: list[ir.IfClause] = []
        else_body: list[ir.Node] | None = None
        bounds = [0, *marks]
        condition: list[ir.Node] | None = None
        for a, b in pairwise(bounds):
            keyword = tokens[a].value
            nodes = self.statements(tokens[a + 1 : b])
            if keyword in ("if", "elif"):
                condition = nodes
            elif keyword == "then" and condition is not None:
                clauses.append(ir.IfClause(condition, nodes))
                condition = None
            elif keyword == "else":
                else_body = nodes
            else:
                return None
        if not clauses:
            return None
        node = ir.If(tokens[0].start, tokens[marks[-1]].end, clauses, else_body)
        return self.finish(node, tokens, marks[-1])

    def loop_parts(self, tokens: list[Token], level: list[int]) -> tuple[int, int] | None:
        marks = self.closing(tokens, level, "do", "done")
        if len(marks) != 2 or tokens[marks[0]].value != "do":
            return None
        return marks[0], marks[1]

    def for_(self, tokens: list[Token], level: list[int]) -> list[ir.Node] | None:
        parts = self.loop_parts(tokens, level)
        if parts is None or len(tokens) < 2:
            return None
        do, done = parts
        body = self.statements(tokens[do + 1 : done])
        header = tokens[1]
        node: ir.Node
        if header.kind == "arith":
            condition: list[ir.Node] = [self.unread(header.start, header.end, "arithmetic for loop header")]
            node = ir.While(tokens[0].start, tokens[done].end, condition, body)
            return self.finish(node, tokens, done)
        if header.kind != "word":
            return None
        words: list[ir.Word] | None = None
        head = [t for t in tokens[2:do] if t.kind != "newline" and not t.is_op(";")]
        if head and head[0].kind == "word" and head[0].value == "in":
            if any(t.kind != "word" for t in head[1:]):
                return None
            words = [ir.Word(t.start, t.end, t.value) for t in head[1:]]
        elif head:
            return None
        node = ir.For(tokens[0].start, tokens[done].end, header.value, words, body)
        return self.finish(node, tokens, done)

    def while_(self, tokens: list[Token], level: list[int]) -> list[ir.Node] | None:
        parts = self.loop_parts(tokens, level)
        if parts is None:
            return None
        do, done = parts
        condition = self.statements(tokens[1:do])
        body = self.statements(tokens[do + 1 : done])
        node = ir.While(tokens[0].start, tokens[done].end, condition, body, tokens[0].value == "until")
        return self.finish(node, tokens, done)

    def case(self, tokens: list[Token], level: list[int]) -> list[ir.Node] | None:
        if len(tokens) < 4 or tokens[1].kind != "word" or tokens[2].value != "in":
            return None
        subject = ir.Word(tokens[1].start, tokens[1].end, tokens[1].value)
        arms: list[ir.CaseArm] = []
        i = 3
        n = len(tokens)
        while i < n:
            token = tokens[i]
            if token.kind == "newline":
                i += 1
                continue
            if level[i] == 1 and token.kind == "word" and token.value == "esac":
                node = ir.Case(tokens[0].start, token.end, subject, arms)
                return self.finish(node, tokens, i)
            if token.is_op("("):
                i += 1
            patterns: list[ir.Word] = []
            while i < n and not tokens[i].is_op(")"):
                if tokens[i].kind == "word":
                    patterns.append(ir.Word(tokens[i].start, tokens[i].end, tokens[i].value))
                elif not tokens[i].is_op("|"):
                    return None
                i += 1
            i += 1
            body_start = i
            while i < n and not (
                level[i] == 1
                and (tokens[i].is_op(*_TERMINATORS) or (tokens[i].is_word("esac") and i > body_start))
            ):
                i += 1
            if i >= n or not patterns:
                return None
            arms.append(ir.CaseArm(patterns, self.statements(tokens[body_start:i])))
            if tokens[i].is_op(*_TERMINATORS):
                i += 1
        return None

    def group(self, tokens: list[Token], level: list[int]) -> list[ir.Node] | None:
        marks = self.closing(tokens, level, "}")
        if not marks:
            return None
        node = ir.Group(tokens[0].start, tokens[marks[0]].end, self.statements(tokens[1 : marks[0]]))
        return self.finish(node, tokens, marks[0])

    def subshell(self, tokens: list[Token], level: list[int]) -> list[ir.Node] | None:
        close = next((i for i in range(1, len(tokens)) if level[i] == 1 and tokens[i].is_op(")")), None)
        if close is None:
            return None
        node = ir.Subshell(tokens[0].start, tokens[close].end, self.statements(tokens[1:close]))
        return self.finish(node, tokens, close)

    def function(self, tokens: list[Token], level: list[int]) -> list[ir.Node] | None:
        i = 1 if tokens[0].is_word("function") else 0
        if i >= len(tokens) or tokens[i].kind != "word":
            return None
        name = tokens[i].value
        i += 1
        if i + 1 < len(tokens) and tokens[i].is_op("(") and tokens[i + 1].is_op(")"):
            i += 2
        while i < len(tokens) and tokens[i].kind == "newline":
            i += 1  # the body may start on the next line; its own newlines separate statements
        rest = tokens[i:]
        if not rest:
            return None
        nodes = self.statement(rest)
        if len(nodes) != 1 or isinstance(nodes[0], ir.Unread):
            return None
        body = nodes[0].body if isinstance(nodes[0], ir.Group) else nodes
        return [ir.FunctionDef(tokens[0].start, nodes[0].end, name, body)]


_Handler = Callable[[list[Token], list[int]], "list[ir.Node] | None"]
_KEYWORDS = ("if", "for", "select", "while", "until", "case", "{", "function")


def _unsure(nodes: list[ir.Node]) -> bool:
    """Whether a piece of ``nodes`` could not be read (arithmetic commands are read fine)."""
    for node in nodes:
        if isinstance(node, ir.Unread) and node.reason != ARITHMETIC:
            return True
        if any(_unsure(child) for child in ir.children(node)):
            return True
    return False


def _span(tokens: list[Token]) -> tuple[int, int]:
    return tokens[0].start, max(t.extent for t in tokens)
