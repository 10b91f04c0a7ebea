"""A span-keeping shell lexer: words, operators, newlines, here-documents.

It is not a full shell parser.  It knows enough of bash's quoting and nesting rules to
split a script into statements and to find (and mask) the constructs bashlex rejects:
``[[ … ]]``, ``((…))``, ``$((…))``, array assignments, quoted here-document delimiters.
It never raises: unterminated quotes or expansions simply run to the end of the text.
"""

from __future__ import annotations

import re

from validator.syntax.shell.mask import Mask, blank, glue, parameter_placeholder

#: operators, longest first
_OPERATORS = (
    ";;&", "<<<", "<<-", "&>>",
    "&&", "||", ";;", ";&", "|&", "<<", ">>", "<&", ">&", "<>", ">|", "&>",
    ";", "&", "|", "(", ")", "<", ">",
)  # fmt: skip
_METACHARS = frozenset(" \t\n;&|()<>")
#: operators by their first character, longest first
_OPERATORS_AT = {c: tuple(o for o in _OPERATORS if o[0] == c) for c in ";&|()<>"}
#: a run of characters that cannot end or nest a word (scanned in one step)
_PLAIN = re.compile(r"[^ \t\n;&|()<>\\'\"`$]+")
#: characters that may start something other than a plain word
_LEADERS = frozenset(" \t\\\n#;&|()<>[")
_SPECIAL_COMMANDS = frozenset({"case", "esac", "time", "for"})
_IN_DOUBLE = re.compile(r'[^\\"$`]+')
_IN_BRACE = re.compile(r"[^\\'\"$`{}]+")
#: characters that end a word wherever it stands
_WORD_ENDS = frozenset(" \t\n;&|<>)")
_BLANKS = re.compile(r"(?:[ \t]|\\\n)+")
_REDIRECTS = frozenset({"<", ">", ">>", "<&", ">&", "<>", ">|", "&>", "&>>", "<<<", "<<", "<<-"})
#: after these words the next word is again in command position
_KEEP_COMMAND = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{", "}", "time",
                           "fi", "done", "esac"})  # fmt: skip
_ARRAY_ASSIGN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=\Z")
_ASSIGN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=")


class Heredoc:
    """A ``<<``/``<<-`` here-document: operator, delimiter word, and body lines.

    Plain slotted classes here and below: thousands of tokens per run, and dataclass
    creation would add to the import time every cold start pays.
    """

    __slots__ = (
        "body_end",
        "body_start",
        "delimiter",
        "end",
        "op_start",
        "strip_tabs",
        "word_end",
        "word_start",
    )

    def __init__(
        self, op_start: int, word_start: int, word_end: int, delimiter: str, strip_tabs: bool
    ) -> None:
        self.op_start = op_start
        self.word_start = word_start
        self.word_end = word_end
        self.delimiter = delimiter
        self.strip_tabs = strip_tabs
        self.body_start = -1
        self.body_end = -1
        #: end of the delimiter line (the newline itself is not included)
        self.end = -1

    def __repr__(self) -> str:
        return f"Heredoc({self.delimiter!r}, {self.op_start}..{self.end})"


class Token:
    """``kind`` is "word", "op", "newline", "dbltest" or "arith"."""

    __slots__ = ("command_position", "end", "heredoc", "inner", "kind", "start", "value")

    def __init__(
        self,
        kind: str,
        start: int,
        end: int,
        value: str,
        command_position: bool = False,
        inner: list[tuple[int, int]] | None = None,
    ) -> None:
        self.kind = kind
        self.start = start
        self.end = end
        self.value = value
        #: the token stands where a command name may stand (keywords count only there)
        self.command_position = command_position
        #: words inside ``[[ … ]]`` as (start, end) spans
        self.inner: list[tuple[int, int]] = inner if inner is not None else []
        self.heredoc: Heredoc | None = None

    def __repr__(self) -> str:
        return f"Token({self.kind!r}, {self.start}, {self.end}, {self.value!r})"

    @property
    def extent(self) -> int:
        """End of the token including a here-document body it introduces."""
        if self.heredoc is not None and self.heredoc.end >= 0:
            return max(self.end, self.heredoc.end)
        return self.end

    def is_word(self, *values: str) -> bool:
        return self.kind == "word" and self.command_position and self.value in values

    def is_op(self, *values: str) -> bool:
        return self.kind == "op" and self.value in values


class Lexed:
    """The lexer's result."""

    __slots__ = ("heredocs", "masks", "placeholders", "special", "substitutions", "tokens", "unterminated")

    def __init__(
        self,
        tokens: list[Token],
        masks: list[Mask],
        substitutions: list[tuple[int, int]],
        heredocs: list[Heredoc],
        placeholders: dict[int, Token],
        unterminated: bool,
        special: list[int],
    ) -> None:
        self.tokens = tokens
        #: masks that every parse attempt applies
        self.masks = masks
        #: ``$(…)`` and backtick spans, masked only when bashlex fails on them
        self.substitutions = substitutions
        self.heredocs = heredocs
        #: start offset of a masked ``[[``/``((`` command -> its token
        self.placeholders = placeholders
        #: some quote, expansion or escape is not closed before the end of the text
        self.unterminated = unterminated
        #: indexes of masked ``[[ ]]``/``(( ))`` and ``<( )`` tokens (bashlex may glue them)
        self.special = special


class _Lexer:
    def __init__(self, text: str) -> None:
        self.s = text
        self.n = len(text)
        self.masks: list[Mask] = []
        self.substitutions: list[tuple[int, int]] = []
        self.heredocs: list[Heredoc] = []
        self.placeholders: dict[int, Token] = {}
        self.depth = 0  # nesting of $( … ) sub-lexers, to bound recursion
        #: a quote, expansion or escape ran into the end of the text
        self.unterminated = False
        #: indexes of masked ``[[ ]]``/``(( ))`` and ``<( )`` tokens
        self.special: list[int] = []

    def open_end(self) -> int:
        """Where an unclosed construct ends: the end of the text (bashlex may stop sooner)."""
        self.unterminated = True
        return self.n

    # -- low level scanners: each returns the index just past what it scanned ----------

    def single_quote(self, i: int) -> int:
        end = self.s.find("'", i)
        return self.open_end() if end < 0 else end + 1

    def ansi_quote(self, i: int) -> int:
        s, n = self.s, self.n
        while i < n:
            if s[i] == "\\":
                i += 2
            elif s[i] == "'":
                return i + 1
            else:
                i += 1
        return self.open_end()

    def double_quote(self, i: int) -> int:
        s, n = self.s, self.n
        while i < n:
            ch = s[i]
            if ch == "\\":
                i += 2
            elif ch == '"':
                return i + 1
            elif ch == "$":
                i = self.dollar(i)
            elif ch == "`":
                i = self.backtick(i)
            else:
                i = _IN_DOUBLE.match(s, i).end()  # type: ignore[union-attr]  # ch matches
        return self.open_end()

    def backtick(self, i: int) -> int:
        s, n = self.s, self.n
        j = i + 1
        while j < n:
            if s[j] == "\\":
                j += 2
            elif s[j] == "`":
                self.substitutions.append((i, j + 1))
                return j + 1
            else:
                j += 1
        return self.open_end()

    def brace(self, i: int) -> int:
        """``${ … }`` starting at the ``$``."""
        s, n = self.s, self.n
        j = i + 2
        level = 1
        while j < n:
            ch = s[j]
            if ch == "\\":
                j += 2
            elif ch == "'":
                j = self.single_quote(j + 1)
            elif ch == '"':
                j = self.double_quote(j + 1)
            elif ch == "$":
                j = self.dollar(j)
            elif ch == "`":
                j = self.backtick(j)
            elif ch == "{":
                level += 1
                j += 1
            elif ch == "}":
                level -= 1
                j += 1
                if level == 0:
                    return j
            else:
                j = _IN_BRACE.match(s, j).end()  # type: ignore[union-attr]  # ch matches
        return self.open_end()

    def parens(self, i: int, level: int) -> tuple[int, bool]:
        """Scan to the ``)`` that closes ``level`` open parens; report whether the last
        two closers were adjacent (``))``, as arithmetic requires)."""
        s, n = self.s, self.n
        j = i
        while j < n:
            ch = s[j]
            if ch == "\\":
                j += 2
            elif ch == "'":
                j = self.single_quote(j + 1)
            elif ch == '"':
                j = self.double_quote(j + 1)
            elif ch == "`":
                j = self.backtick(j)
            elif ch == "$" and s[j + 1 : j + 2] in ("(", "{"):
                j = self.dollar(j)
            elif ch == "(":
                level += 1
                j += 1
            elif ch == ")":
                level -= 1
                j += 1
                if level == 1 and s[j : j + 1] == ")":
                    return j + 1, True
                if level == 0:
                    return j, False
            else:
                j += 1
        return self.open_end(), False

    def dollar(self, i: int) -> int:
        """An expansion starting with ``$`` at ``i``."""
        s = self.s
        nxt = s[i + 1 : i + 2]
        if s[i + 1 : i + 3] == "((":
            end, arithmetic = self.parens(i + 3, 2)
            if arithmetic:
                self.masks.append(Mask(i, end, parameter_placeholder(end - i, "_ARITH")))
                return end
            return self.command_substitution(i)
        if nxt == "(":
            return self.command_substitution(i)
        if nxt == "{":
            return self.brace(i)
        if nxt == "'":
            return self.ansi_quote(i + 2)
        if nxt == '"':
            return self.double_quote(i + 2)
        return i + 1

    def command_substitution(self, i: int) -> int:
        if self.depth > 50:
            end, _ = self.parens(i + 2, 1)
        else:
            sub = _Lexer(self.s)
            sub.depth = self.depth + 1
            _, end = sub.run(i + 2, nested=True)
            self.unterminated |= sub.unterminated or end >= self.n
            end = min(end + 1, self.n)
            self.masks += sub.masks
            self.substitutions += sub.substitutions
            self.heredocs += sub.heredocs
        self.substitutions.append((i, end))
        return end

    def word(self, i: int, regex: bool = False) -> int:
        """One shell word starting at ``i``; ``regex`` allows ``( ) |`` (``[[ =~ ]]``)."""
        s, n = self.s, self.n
        start = i
        level = 0
        plain = _PLAIN.match
        while i < n:
            run = plain(s, i)
            if run is not None:
                i = run.end()
                if i >= n:
                    break
            ch = s[i]
            if ch in _METACHARS:
                if regex and ch in "()|<>&" and not (ch == ")" and level == 0):
                    level += {"(": 1, ")": -1}.get(ch, 0)
                    i += 1
                    continue
                if ch == "(" and _ARRAY_ASSIGN.match(s, start, i):
                    end, _ = self.parens(i + 1, 1)
                    self.masks.append(Mask(i, end, glue(s[i:end])))
                    i = end
                    continue
                break
            if ch == "\\":
                i += 2
            elif ch == "'":
                i = self.single_quote(i + 1)
            elif ch == '"':
                i = self.double_quote(i + 1)
            elif ch == "`":
                i = self.backtick(i)
            elif ch == "$":
                i = self.dollar(i)
            else:
                i += 1
        return self.open_end() if i > n else i

    def skip_blanks(self, i: int, newlines: bool = False) -> int:
        s, n = self.s, self.n
        while i < n:
            if s[i] in " \t" or (newlines and s[i] == "\n"):
                i += 1
            elif s.startswith("\\\n", i):
                i += 2
            else:
                break
        return i

    # -- compound scanners -----------------------------------------------------------------

    def double_bracket(self, i: int) -> Token | None:
        """``[[ … ]]`` starting at ``i``; None if it is not closed by a ``]]`` word."""
        s, n = self.s, self.n
        j = i + 2
        inner: list[tuple[int, int]] = []
        regex = False
        while True:
            j = self.skip_blanks(j, newlines=True)
            if j >= n:
                return None
            if s.startswith("&&", j) or s.startswith("||", j):
                end = j + 2
            elif s[j] in "()!<>":
                end = j + 1
            elif s[j] in ";&|":
                return None
            else:
                end = self.word(j, regex=regex)
                if end == j:
                    return None
            word = s[j:end]
            if word == "]]":
                return Token("dbltest", i, end, s[i:end], True, inner)
            inner.append((j, end))
            regex = word == "=~"
            j = end

    def heredoc_word(self, op: str, op_start: int, i: int) -> tuple[Heredoc, int] | None:
        j = self.skip_blanks(i)
        end = self.word(j)
        if end == j:
            return None
        raw = self.s[j:end]
        delimiter = re.sub(r"""\\(.)|['"]""", lambda m: m.group(1) or "", raw)
        return Heredoc(op_start, j, end, delimiter, op == "<<-"), end

    def heredoc_bodies(self, pending: list[Heredoc], i: int) -> int:
        """Read the bodies of ``pending`` here-documents starting at line offset ``i``."""
        s, n = self.s, self.n
        for doc in pending:
            doc.body_start = i
            while True:
                if i >= n:
                    doc.body_end = doc.end = n
                    self.unterminated = True
                    break
                eol = s.find("\n", i)
                eol = n if eol < 0 else eol
                line = s[i:eol]
                if (line.lstrip("\t") if doc.strip_tabs else line) == doc.delimiter:
                    doc.body_end = i
                    doc.end = eol
                    i = eol + 1
                    break
                i = eol + 1
            self.heredocs.append(doc)
            self.masks.append(
                Mask(doc.op_start, doc.word_end, "<" + glue(s[doc.op_start + 1 : doc.word_end]))
            )
            self.masks.append(Mask(doc.body_start, doc.end, blank(s[doc.body_start : doc.end])))
        pending.clear()
        return min(i, n)

    # -- the token loop ----------------------------------------------------------------------

    def run(self, i: int = 0, nested: bool = False) -> tuple[list[Token], int]:
        """Tokens from ``i``; ``nested`` stops at the ``)`` closing a ``$(``."""
        s, n = self.s, self.n
        tokens: list[Token] = []
        pending: list[Heredoc] = []
        command = True
        after_redirect = False
        function_name = False
        level = 0
        cases = 0
        blanks = _BLANKS.match
        plain = _PLAIN.match
        while i < n:
            ch = s[i]
            if ch in _LEADERS:  # anything else starts a plain word
                if ch in " \t\\":
                    skipped = blanks(s, i)
                    if skipped is not None:
                        i = skipped.end()
                        continue
                if ch == "\n":
                    tokens.append(Token("newline", i, i + 1, "\n", command))
                    i += 1
                    if pending:
                        i = self.heredoc_bodies(pending, i)
                    command = True
                    continue
                if ch == "#":
                    eol = s.find("\n", i)
                    i = n if eol < 0 else eol
                    continue
                if nested and ch == ")" and level == 0 and cases == 0:
                    return tokens, i
                if ch in "<>" and s[i + 1 : i + 2] == "(":
                    end, _ = self.parens(i + 2, 1)  # process substitution: one word
                    self.special.append(len(tokens))
                    tokens.append(Token("word", i, end, s[i:end], False))
                    i = end
                    command = False
                    after_redirect = False  # it was the target of ``< <(…)``, if any
                    continue
                candidates = _OPERATORS_AT.get(ch)
                op = next((o for o in candidates if s.startswith(o, i)), None) if candidates else None
                if op is not None:
                    if command and op == "(" and s.startswith("((", i):
                        end, arithmetic = self.parens(i + 2, 2)
                        if arithmetic:
                            token = Token("arith", i, end, s[i:end], True)
                            self.special.append(len(tokens))
                            tokens.append(token)
                            self.placeholders[i] = token
                            self.masks.append(Mask(i, end, glue(s[i:end])))
                            i = end
                            command = False
                            continue
                    token = Token("op", i, i + len(op), op, command)
                    tokens.append(token)
                    i += len(op)
                    if op in ("<<", "<<-"):
                        found = self.heredoc_word(op, token.start, i)
                        if found is not None:
                            token.heredoc, i = found
                            pending.append(token.heredoc)
                            continue
                    if op == "(":
                        level += 1
                    elif op == ")":
                        level = max(level - 1, 0)
                    if op in _REDIRECTS:
                        after_redirect = True
                        continue
                    command = True
                    continue
                if command and s.startswith("[[", i) and s[i + 2 : i + 3] in (" ", "\t", "\n", "\\"):
                    token_or_none = self.double_bracket(i)
                    if token_or_none is not None:
                        self.special.append(len(tokens))
                        tokens.append(token_or_none)
                        self.placeholders[i] = token_or_none
                        self.masks.append(Mask(i, token_or_none.end, glue(token_or_none.value)))
                        i = token_or_none.end
                        command = False
                        continue
            run = plain(s, i)
            end = i if run is None else run.end()
            if end < n and s[end] not in _WORD_ENDS:
                end = self.word(i)  # quotes, expansions, escapes or an array follow
            if end == i:  # a lone metachar the operator table missed; never loop forever
                end = i + 1
            value = s[i:end]
            at_command = command and not after_redirect
            tokens.append(Token("word", i, end, value, at_command))
            if not at_command or value not in _SPECIAL_COMMANDS:
                pass
            elif value == "case":
                cases += 1
            elif value == "esac":
                cases = max(cases - 1, 0)
            elif value == "time":
                self.masks.append(Mask(i, end, " " * (end - i)))
            elif value == "for" and s.startswith("((", self.skip_blanks(end)):
                j = self.skip_blanks(end)
                stop, _ = self.parens(j + 2, 2)
                tokens.append(Token("arith", j, stop, s[j:stop], False))
                i = stop
                command = False
                continue
            i = end
            while i < n and s[i] == " ":
                i += 1
            if after_redirect:
                after_redirect = False
            elif function_name:
                function_name = False
                command = True
            elif at_command:
                command = value in _KEEP_COMMAND or bool(_ASSIGN.match(value))
                function_name = value == "function"
        if pending:
            self.heredoc_bodies(pending, n)
        return tokens, n


def lex(text: str) -> Lexed:
    """Tokens of ``text`` and the masks that make it readable for bashlex."""
    lexer = _Lexer(text)
    tokens, _ = lexer.run()
    return Lexed(
        tokens,
        lexer.masks,
        lexer.substitutions,
        lexer.heredocs,
        lexer.placeholders,
        lexer.unterminated,
        lexer.special,
    )
