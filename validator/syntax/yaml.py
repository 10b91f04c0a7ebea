"""The one YAML loader: workflows, composite actions, SAM templates and serverless.yml.

ruamel.yaml's C parser (libyaml) composes the document into nodes with marks, which
become ``YMap``/``YSeq`` with positions and plain scalars (``yamltree``).  What a
hostile or broken file could do is bounded here, once, for every reader:

* size: a text above ``MAX_YAML_CHARS`` is refused before parsing;
* nesting: the C composer recurses on the C stack and kills the process near 30,000
  nested collections, so a text that could nest deeper than ``_SAFE_DEPTH`` (an upper
  bound counted from its brackets and line prefixes) is first read event by event,
  which stops at ``MAX_DEPTH``; the built tree is capped at ``MAX_DEPTH``, aliases
  included;
* aliases: composing does not expand them; the tree is built once per node with
  memoised weights (a node weighs as often as it is referenced), so a document that
  would expand beyond ``MAX_EXPANDED_NODES`` is refused without expanding it, and so is
  an alias inside the node it names;
* errors are one line with ``path:line:col``.

Without the C extension ruamel's pure-Python parser composes the same nodes.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent
from ruamel.yaml.reader import Reader, ReaderError
from ruamel.yaml.resolver import VersionedResolver

from validator.syntax.yamltree import KeyAt, Tagged, YMap, YSeq

try:
    from ruamel.yaml.cyaml import CParser
except ImportError:  # no C extension for this interpreter
    CParser = None

#: larger texts are refused: real workflows and templates are far below this
MAX_YAML_CHARS = 2 * 1024 * 1024

#: nodes the document may hold with every alias expanded
MAX_EXPANDED_NODES = 500_000

#: deepest nesting of collections accepted
MAX_DEPTH = 100

#: nesting the C composer survives with a wide margin (it crashes near 30,000)
_SAFE_DEPTH = 1_000

_TAG = "tag:yaml.org,2002:"
_STR, _NULL, _BOOL, _INT, _MERGE = (_TAG + name for name in ("str", "null", "bool", "int", "merge"))
_DECIMAL = re.compile(r"[-+]?[0-9]+\Z")
#: what may stand before a block collection on its line: indentation, indicators, properties
_PREFIX = re.compile(r"(?:^|(?<=[\r\n\x85\u2028\u2029]))(?:[-?: \t]|[&!][^ \t\r\n\x85\u2028\u2029]*)*")
#: blank and comment lines after an empty value
_GAP = re.compile(r"(?:[ \t]*(?:#[^\r\n]*)?(?:\r\n|\r|\n))*[ \t]*")
_ANCHOR = re.compile(r"(?:![^ \t\r\n]*[ \t\r\n]+)?&([^ \t\r\n,\[\]{}]+)")


class YamlError(Exception):
    """The YAML text cannot be loaded; the message is one line with ``path:line:col``."""


if CParser is not None:

    class _CLoader(CParser, VersionedResolver):
        """libyaml's parser and composer, resolving implicit tags as ruamel's YAML 1.2 loader does."""

        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            VersionedResolver.__init__(self, loader=self)


def load_tree(text: str, path: str, *, first_key_wins: bool = False) -> Any:
    """One YAML document as ``YMap``/``YSeq`` with positions and plain scalars.

    ``text`` is the decoded file (a leading BOM is allowed).  A duplicate key is an
    error unless ``first_key_wins`` (then the first is kept, as CloudFormation tools
    read templates).  Raises ``YamlError`` for anything that makes the document
    unusable; never lets a ``RecursionError`` out.
    """
    if len(text) > MAX_YAML_CHARS:
        raise YamlError(f"{path}: file too large ({len(text)} characters, limit {MAX_YAML_CHARS})")
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if _possible_depth(text) > _SAFE_DEPTH:
                _check_depth(text, path)
            root = _compose(text)
            return None if root is None else _Builder(text, path, first_key_wins).node(root, 1)[0]
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = _one_line(exc.problem or exc.context or "invalid YAML")
        if mark is None:
            raise YamlError(f"{path}: invalid YAML: {problem}") from None
        raise YamlError(f"{path}:{mark.line + 1}:{mark.column + 1}: invalid YAML: {problem}") from None
    except ReaderError:
        found = Reader.NON_PRINTABLE.search(text)
        index = found.start() if found else 0
        line, col = _position(text, index)
        char = ord(text[index]) if found else 0
        raise YamlError(f"{path}:{line}:{col}: invalid YAML: character U+{char:04X} is not allowed") from None
    except RecursionError:
        raise YamlError(f"{path}: invalid YAML: nesting too deep") from None
    except YAMLError as exc:
        raise YamlError(f"{path}: invalid YAML: {_one_line(str(exc))}") from None
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError) as exc:
        # ruamel's constructor raises plain Python errors for some malformed values
        # (bad base64 in !!binary, impossible timestamps …)
        raise YamlError(f"{path}: invalid YAML: {_one_line(str(exc)) or type(exc).__name__}") from None


def _compose(text: str) -> Any:
    """The document's root node (None for an empty document).

    libyaml refuses some valid YAML that ruamel's pure-Python parser reads (a tab
    starting a block scalar's first line), so a text libyaml refuses is decided by
    ruamel's parser, whose errors are then the ones reported.
    """
    if CParser is not None:
        try:
            return _CLoader(text).get_single_node()
        except YAMLError:
            pass
    return YAML(typ="safe", pure=True).compose(text)


def _events(text: str) -> Iterator[Any]:
    if CParser is not None:
        parser = _CLoader(text)
        while parser.check_event():
            yield parser.get_event()
    else:
        yield from YAML(typ="safe", pure=True).parse(text)


def _possible_depth(text: str) -> int:
    """An upper bound of the text's nesting.

    Each flow level opens with a bracket; block levels along a path start at
    non-decreasing columns, at most two at one column (a mapping and its indentless
    sequence), and a block collection starts after its line's prefix.
    """
    prefix = max(len(p) for p in _PREFIX.findall(text))
    return text.count("[") + text.count("{") + 2 * prefix + 2


def _check_depth(text: str, path: str) -> None:
    """Refuse nesting beyond ``MAX_DEPTH`` from the event stream (parsed without recursion);
    a syntax error is left to ``_compose``."""
    depth = 0
    try:
        for event in _events(text):
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _too_deep(path, event.start_mark)
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except YAMLError:
        return


def _too_deep(path: str, mark: Any) -> YamlError:
    return YamlError(f"{path}:{mark.line + 1}:{mark.column + 1}: invalid YAML: "
                     f"collections nested deeper than {MAX_DEPTH} levels")


class _Builder:
    """Turns composed nodes into the tree, each node once, enforcing the limits."""

    def __init__(self, text: str, path: str, first_key_wins: bool) -> None:
        self.text = text
        self.path = path
        self.first_key_wins = first_key_wins
        #: id(node) -> (value, alias-expanded weight, nesting height)
        self.built: dict[int, tuple[Any, int, int]] = {}
        self.open: set[int] = set()
        self.constructor: Any = None

    def node(self, node: Any, depth: int) -> tuple[Any, int, int]:
        """The value of ``node`` reached at nesting ``depth``, its weight and its height."""
        if node.id == "scalar":
            return self.scalar(node), 1, 0
        key = id(node)
        done = self.built.get(key)
        if done is not None:
            if depth + done[2] - 1 > MAX_DEPTH:
                raise _too_deep(self.path, node.start_mark)
            return done
        if key in self.open:
            raise self.recursive(node)
        if depth > MAX_DEPTH:
            raise _too_deep(self.path, node.start_mark)
        self.open.add(key)
        result = self.mapping(node, depth) if node.id == "mapping" else self.sequence(node, depth)
        self.open.discard(key)
        if result[1] > MAX_EXPANDED_NODES:
            raise self.error(node.start_mark, f"document expands to more than {MAX_EXPANDED_NODES} "
                                              "nodes through aliases")
        self.built[key] = result
        return result

    def sequence(self, node: Any, depth: int) -> tuple[YSeq, int, int]:
        mark = node.start_mark
        out = YSeq(mark.line, mark.column, _local_tag(node.tag))
        weight, height = 1, 0
        for item in node.value:
            value, w, h = self.node(item, depth + 1)
            out.append(value)
            out.items_at.append((item.start_mark.line, item.start_mark.column))
            weight += w
            height = max(height, h)
        return out, weight, height + 1

    def mapping(self, node: Any, depth: int) -> tuple[YMap, int, int]:
        """Own keys in order, then keys merged with ``<<`` that are not written here
        (the first merged mapping that has a key wins), as ruamel's round-trip loader."""
        mark = node.start_mark
        out = YMap(mark.line, mark.column, _local_tag(node.tag))
        flow = bool(node.flow_style)
        weight, height = 1, 0
        merged: list[Any] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merged += value_node.value if value_node.id == "sequence" else [value_node]
                continue
            key, kw, kh = self.node(key_node, depth + 1)
            value, w, h = self.node(value_node, depth + 1)
            weight += kw + w
            height = max(height, kh, h)
            key = _hashable(key)
            if key in out:
                if self.first_key_wins:
                    continue
                raise self.error(key_node.start_mark, f'found duplicate key "{key}" with value "{value}" '
                                                      f'(original value: "{out[key]}")')
            out[key] = value
            line0, col0 = self.value_position(key_node, value_node, flow)
            out.keys_at[key] = KeyAt(key_node.start_mark.line, key_node.start_mark.column, line0, col0, flow)
        for source in merged:
            if source.id != "mapping":
                raise self.error(source.start_mark, "expected a mapping or list of mappings for merging")
            values, w, h = self.node(source, depth + 1)
            weight += w
            height = max(height, h)
            for key, value in values.items():
                if key not in out:
                    out[key] = value
                    out.keys_at[key] = values.keys_at[key]
        return out, weight, height + 1

    def value_position(self, key: Any, node: Any, flow: bool) -> tuple[int, int]:
        """Where a mapping value starts; an empty one (``key:``) where ruamel's round-trip
        parser puts it: after the ``:`` (as libyaml does) when a comment follows it and a
        sibling key comes next, else at the next token."""
        mark = node.start_mark
        if flow or node.id != "scalar" or node.value or node.style or node.end_mark.index != mark.index:
            return mark.line, mark.column
        text = self.text
        colon = key.end_mark.index
        while text.startswith((" ", "\t"), colon):
            colon += 1
        if not text.startswith(":", colon):
            return mark.line, mark.column
        start = colon + 1
        after = _position(text, start)
        gap = _GAP.match(text, start)
        skipped = text[start : gap.end() if gap else start]
        breaks = skipped.count("\n") + skipped.count("\r") - skipped.count("\r\n")
        column = len(skipped) - max(skipped.rfind("\n"), skipped.rfind("\r")) - 1
        commented = skipped.lstrip(" \t").startswith("#")
        if commented and breaks and column == key.start_mark.column and gap and gap.end() < len(text):
            return after[0] - 1, after[1] - 1
        if not breaks:
            return after[0] - 1, after[1] - 1 + len(skipped)
        return after[0] - 1 + breaks, column

    def scalar(self, node: Any) -> Any:
        tag, value = node.tag, node.value
        if tag == _STR:
            return value
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return value[:1] in ("t", "T")
        if tag == _INT and _DECIMAL.match(value):
            return int(value)
        if tag.startswith("!"):
            return Tagged(value, tag)
        return self.construct(node)

    def construct(self, node: Any) -> Any:
        """Other scalars (floats, hex and octal ints, timestamps, ``!!binary`` …) as ruamel's
        round-trip constructor makes them, with its number and boolean types made plain."""
        from ruamel.yaml.comments import TaggedScalar
        from ruamel.yaml.scalarbool import ScalarBoolean

        if self.constructor is None:
            self.constructor = YAML(typ="rt", pure=True).constructor
        value = self.constructor.construct_object(node, deep=True)
        if isinstance(value, (bool, ScalarBoolean)):
            return bool(value)
        if isinstance(value, int):
            return int(value)
        if isinstance(value, float):
            return float(value)
        if isinstance(value, TaggedScalar):
            return Tagged(str(value.value), node.tag)
        return value

    def recursive(self, node: Any) -> YamlError:
        """An alias inside the node it names, reported at the alias."""
        found = _ANCHOR.match(self.text, node.start_mark.index)
        if found is None:
            return self.error(node.start_mark, "an alias refers to a node that contains it")
        name = found.group(1)
        at = self.text.find("*" + name, found.end(), node.end_mark.index)
        line, col = _position(self.text, at) if at >= 0 else (node.start_mark.line + 1, node.start_mark.column + 1)
        return YamlError(f"{self.path}:{line}:{col}: invalid YAML: alias *{name} refers to a node that contains it")

    def error(self, mark: Any, problem: str) -> YamlError:
        return YamlError(f"{self.path}:{mark.line + 1}:{mark.column + 1}: invalid YAML: {_one_line(problem)}")


def _local_tag(tag: str) -> str | None:
    return tag if tag.startswith("!") else None


def _hashable(key: Any) -> Any:
    """A collection used as a key (``? [a, b]``) as a tuple."""
    if isinstance(key, dict):
        return tuple((k, _hashable(v)) for k, v in key.items())
    if isinstance(key, list):
        return tuple(_hashable(v) for v in key)
    return key


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of character ``index`` (lines end at LF, CRLF or CR)."""
    index = max(0, min(index, len(text)))
    head = text[:index]
    line_start = max(head.rfind("\n"), head.rfind("\r")) + 1
    line = head.count("\n") + head.count("\r") - head.count("\r\n") + 1
    return line, index - line_start + 1


def _one_line(message: str) -> str:
    return " ".join(str(message).split())
