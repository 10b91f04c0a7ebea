"""The small shell IR the simulator interprets.

The front end (``validator.syntax.shell.parse_script``) turns a ``run:`` script into these
nodes.  Every node carries ``start``/``end`` offsets into the *original* script text
(before any masking), so findings and fixes point at the exact characters the user
wrote.  Words keep their raw source text (quotes and ``$`` expansions included);
expansion is the simulator's job, because it needs variables and the virtual tree.

GitHub ``${{ expr }}`` expressions are replaced before parsing by a parameter
expansion of exactly the same length, ``${_GHA<n>_…}``; ``Script.expressions`` maps
each placeholder variable name to the expression text (``matrix.function``), so the
simulator can bind the variable to the resolved value.  Because the placeholder has
the same length, every offset still matches the original text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from validator.model.base import Record


@dataclass(eq=False, repr=False)
class Node(Record):
    start: int
    end: int


@dataclass(eq=False, repr=False)
class Word(Node):
    """One shell word as written: ``"$BUILD_DIR/src"``, ``src/lambdas/*``, ``${{ matrix.x }}``
    (the latter appears as its placeholder ``${_GHA0_…}`` in ``text``)."""

    text: str


@dataclass(eq=False, repr=False)
class Redirect(Node):
    """``>`` ``>>`` ``<`` ``2>&1`` …; ``target`` is None for fd duplications."""

    op: str
    target: Word | None
    #: the here-document body for ``<<`` / ``<<-`` (already stripped of the delimiter)
    heredoc: str | None = None


@dataclass(eq=False, repr=False)
class Assignment(Node):
    """``NAME=value`` (alone, as a command prefix, or after ``local``/``export``/``readonly``/``declare``)."""

    name: str
    value: Word | None  # None for a bare ``export NAME`` / ``local NAME``
    append: bool = False  # ``NAME+=value``
    scope: str = "plain"  # "plain", "local", "export", "readonly", "declare"


@dataclass(eq=False, repr=False)
class Command(Node):
    """A simple command.  ``words[0]`` is the command name; ``assignments`` are prefixes
    (``FOO=1 cmd``) or, with no words, plain assignments."""

    words: list[Word] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    redirects: list[Redirect] = field(default_factory=list)
    background: bool = False


@dataclass(eq=False, repr=False)
class Pipeline(Node):
    """``a | b | c``; ``negated`` for ``! a``.  Each command runs (in a subshell in bash)."""

    commands: list[Node]
    negated: bool = False


@dataclass(eq=False, repr=False)
class AndOr(Node):
    """``a && b || c``: ``ops[i]`` joins ``items[i]`` and ``items[i+1]``."""

    items: list[Node]
    ops: list[str]


@dataclass(eq=False, repr=False)
class Subshell(Node):
    """``( … )``: changes to cwd and variables do not leak out; file changes do."""

    body: list[Node]
    redirects: list[Redirect] = field(default_factory=list)


@dataclass(eq=False, repr=False)
class Group(Node):
    """``{ …; }``."""

    body: list[Node]
    redirects: list[Redirect] = field(default_factory=list)


@dataclass(eq=False, repr=False)
class Test(Node):
    """``[ … ]``, ``test …`` or ``[[ … ]]`` with its words (without the brackets)."""

    words: list[Word]
    double: bool = False  # ``[[ ]]``


@dataclass(eq=False, repr=False)
class IfClause(Record):
    condition: list[Node]
    body: list[Node]


@dataclass(eq=False, repr=False)
class If(Node):
    """``if c1; then b1; elif c2; then b2; else e; fi``."""

    clauses: list[IfClause]
    else_body: list[Node] | None = None


@dataclass(eq=False, repr=False)
class For(Node):
    """``for var in words; do body; done`` (``words`` None means ``"$@"``)."""

    var: str
    words: list[Word] | None
    body: list[Node]


@dataclass(eq=False, repr=False)
class While(Node):
    """``while``/``until`` loops: the body runs an unknown number of times."""

    condition: list[Node]
    body: list[Node]
    until: bool = False
    redirects: list[Redirect] = field(default_factory=list)


@dataclass(eq=False, repr=False)
class CaseArm(Record):
    patterns: list[Word]
    body: list[Node]


@dataclass(eq=False, repr=False)
class Case(Node):
    word: Word
    arms: list[CaseArm]


@dataclass(eq=False, repr=False)
class FunctionDef(Node):
    name: str
    body: list[Node]


@dataclass(eq=False, repr=False)
class Unread(Node):
    """A statement the front end could not read.  The simulator decides whether it could
    touch a package (it mentions zip/cp/a build dir …) and then reports LPK-000."""

    text: str
    reason: str


@dataclass(eq=False, repr=False)
class Script(Record):
    """A parsed ``run:`` script."""

    text: str  # the original script text
    body: list[Node]
    #: placeholder variable name -> GitHub expression text (without ``${{ }}``), e.g.
    #: ``{"_GHA0_____": "matrix.function"}``
    expressions: dict[str, str] = field(default_factory=dict)

    def unread(self) -> list[Unread]:
        """Every ``Unread`` node, wherever it is nested."""
        found: list[Unread] = []

        def walk(nodes: list[Node]) -> None:
            for node in nodes:
                if isinstance(node, Unread):
                    found.append(node)
                for child in children(node):
                    walk(child)

        walk(self.body)
        return found


def children(node: Node) -> list[list[Node]]:
    """The nested statement lists of a node, for generic walks."""
    if isinstance(node, Pipeline):
        return [node.commands]
    if isinstance(node, AndOr):
        return [node.items]
    if isinstance(node, (Subshell, Group, FunctionDef)):
        return [node.body]
    if isinstance(node, If):
        lists = []
        for clause in node.clauses:
            lists += [clause.condition, clause.body]
        if node.else_body is not None:
            lists.append(node.else_body)
        return lists
    if isinstance(node, (For,)):
        return [node.body]
    if isinstance(node, While):
        return [node.condition, node.body]
    if isinstance(node, Case):
        return [arm.body for arm in node.arms]
    return []
