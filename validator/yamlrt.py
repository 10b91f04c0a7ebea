"""ruamel.yaml's round-trip loader with the limits ``yamlload`` promises.

Kept apart so that importing ``yamlload`` does not import ruamel.yaml (~20 ms): the
fast reader (``yamlfast``) handles most workflows without it.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.scanner import RoundTripScanner, ScannerError

from validator.yamlload import MAX_DEPTH, MAX_EXPANDED_NODES


class _FlowDepthScanner(RoundTripScanner):
    """Refuses deeply nested flow collections while scanning.

    The scanner re-checks every open flow level for each token, so ``[[[[…`` costs
    quadratic time long before the composer's depth limit is reached.
    """

    def fetch_flow_collection_start(self, TokenClass: Any, to_push: str) -> None:
        if len(self.flow_context) >= MAX_DEPTH:
            raise ScannerError(
                problem=f"flow collections nested deeper than {MAX_DEPTH} levels",
                problem_mark=self.reader.get_mark(),
            )
        super().fetch_flow_collection_start(TokenClass, to_push)


class _BudgetComposer(Composer):
    """A composer that tracks the alias-expanded size of what it builds.

    Each finished node gets a weight (itself plus its children's weights); an alias adds
    the weight of the node it names.  Weights are summed into the enclosing collection,
    so a document that would expand beyond the budget is refused as soon as the running
    sum crosses it, without ever expanding anything.
    """

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader=loader)
        self._weights: dict[int, int] = {}
        self._open: list[int] = []
        self.budget = MAX_EXPANDED_NODES

    def _add(self, weight: int, mark: Any) -> None:
        if self._open:
            self._open[-1] += weight
            if self._open[-1] > self.budget:
                raise MarkedYAMLError(
                    problem=f"document expands to more than {self.budget} nodes through aliases",
                    problem_mark=mark,
                )

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.parser.check_event(AliasEvent):
            event = self.parser.peek_event()
            target = self.anchors.get(event.anchor)
            if target is not None:
                weight = self._weights.get(id(target))
                if weight is None:
                    raise MarkedYAMLError(
                        problem=f"alias *{event.anchor} refers to a node that contains it",
                        problem_mark=event.start_mark,
                    )
                self._add(weight, event.start_mark)
            return super().compose_node(parent, index)
        mark = self.parser.peek_event().start_mark
        self._open.append(0)
        try:
            node = super().compose_node(parent, index)
        finally:
            children = self._open.pop()
        weight = children + 1
        if getattr(node, "anchor", None) is not None:
            self._weights[id(node)] = weight
        self._add(weight, mark)
        return node


def round_trip_yaml() -> YAML:
    """A pure-Python round-trip loader with the flow-depth, alias-budget and depth limits."""
    yaml = YAML(typ="rt", pure=True)
    yaml.Scanner = _FlowDepthScanner
    yaml.Composer = _BudgetComposer
    yaml.max_depth = MAX_DEPTH
    return yaml
