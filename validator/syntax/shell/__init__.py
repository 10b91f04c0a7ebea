"""Shell front end: ``parse_script(text) -> Script`` (node types in ``ir.py``).

What the simulator can rely on beyond ``ir.py``:

- Statements are parsed one by one; what cannot be read becomes an ``Unread`` node at
  the smallest unit found (a list item, a loop body line, a ``case`` arm statement),
  never a missing statement.  ``parse_script`` never raises.
- ``export``/``local``/``readonly``/``declare``/``typeset`` with only names and
  ``NAME=value`` operands become a ``Command`` with no words and one ``Assignment`` per
  operand (``scope`` says which builtin; ``value`` None for a bare name).
- ``[ … ]``/``test …`` and ``[[ … ]]`` become ``Test``; arrays (``a=(x y)``) become an
  ``Assignment`` whose value is the raw ``(x y)``; ``$(( … ))`` stays raw in word text;
  ``(( … ))`` commands become ``Unread`` (reason says arithmetic), and ``for (( … ))``
  becomes a ``While`` whose condition is that ``Unread``.
- Here-documents are ``Redirect(op="<<"|"<<-", target=<delimiter word>, heredoc=<body>)``.
- The same text gives the same ``Script`` object (identical steps repeat across deploy
  jobs and environments), so the IR is shared and must be treated as read-only.
"""

from __future__ import annotations

from functools import lru_cache

from validator.syntax.shell.ir import Script, Unread
from validator.syntax.shell.lex import Lexed, lex
from validator.syntax.shell.mask import mask_expressions
from validator.syntax.shell.parser import Parser

__all__ = ["parse_script"]


@lru_cache(maxsize=1024)
def lexed_script(text: str) -> tuple[str, dict[str, str], Lexed]:
    """The script with ``${{ }}`` masked, the expressions, and its tokens (cached: both
    ``parse_script`` and ``readonly.reads_only`` start from them; never modified)."""
    replaced, expressions = mask_expressions(text)
    return replaced, expressions, lex(replaced)


@lru_cache(maxsize=1024)
def parse_script(text: str) -> Script:
    """Parse a ``run:`` script into the IR, recovering from what cannot be read."""
    try:
        replaced, expressions, lexed = lexed_script(text)
        body = Parser(text, replaced, lexed).statements(lexed.tokens)
    except RecursionError:
        body = [Unread(0, len(text), text, "too deeply nested")] if text.strip() else []
    return Script(text, body, expressions)
