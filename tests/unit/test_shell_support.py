"""Walking helpers shared by the shell front-end tests."""

from __future__ import annotations

from collections.abc import Iterator

from validator.syntax.shell import ir


def walk(nodes: list[ir.Node]) -> Iterator[ir.Node]:
    """Every node, nested ones included, in source order."""
    for node in nodes:
        yield node
        for child in ir.children(node):
            yield from walk(child)


def words(node: ir.Node) -> Iterator[ir.Word]:
    """Every Word a node tree holds."""
    for item in walk([node]):
        if isinstance(item, ir.Word):
            yield item
        if isinstance(item, (ir.Command, ir.Test)):
            yield from item.words
        if isinstance(item, ir.Command):
            for assignment in item.assignments:
                if assignment.value is not None:
                    yield assignment.value
        if isinstance(item, (ir.Command, ir.Subshell, ir.Group, ir.While)):
            for redirect in item.redirects:
                if redirect.target is not None:
                    yield redirect.target
        if isinstance(item, ir.For) and item.words:
            yield from item.words
        if isinstance(item, ir.Case):
            yield item.word
            for arm in item.arms:
                yield from arm.patterns


def texts(command: ir.Node) -> list[str]:
    assert isinstance(command, ir.Command), command
    return [word.text for word in command.words]
