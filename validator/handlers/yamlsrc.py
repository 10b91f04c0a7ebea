"""Loading SAM, CloudFormation and serverless YAML with positions kept.

ruamel's round-trip loader keeps line/column for every mapping value and loads
CloudFormation short tags (``!Ref``, ``!Sub``, ``!GetAtt``, ``!If`` …) as tagged
nodes instead of failing; :func:`scalar` turns those into symbolic text.  ruamel
is imported on first use: most repositories have no template at all.
"""

from __future__ import annotations

from typing import Any

from validator.model import Span


class YamlLoadError(Exception):
    """The file is not YAML ruamel can load; ``line``/``column`` are 1-based."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


def load(text: str) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = True
    try:
        return yaml.load(text)
    except Exception as exc:  # ruamel raises scanner, parser, constructor and composer errors
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = getattr(mark, "line", 0) + 1 if mark is not None else 1
        col = getattr(mark, "column", 0) + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or (str(exc).splitlines() or [type(exc).__name__])[0]
        raise YamlLoadError(str(problem), line, col) from exc


def is_tagged_scalar(node: Any) -> bool:
    """``!Ref Name``-style nodes (only ruamel builds them, so it is already imported)."""
    from ruamel.yaml.comments import TaggedScalar

    return isinstance(node, TaggedScalar)


def tag_of(node: Any) -> str | None:
    tag = getattr(node, "tag", None)
    if tag is None:
        return None
    val = getattr(tag, "value", tag)
    return val if isinstance(val, str) and val.startswith("!") else None


def scalar(node: Any, params: dict[str, str] | None = None) -> str | None:
    """A YAML value as text: strings as they are, ``!Ref P`` as P's literal default or
    ``${P}``, ``!Sub`` as its template, ``Fn::…`` maps and other tags as ``${…}``."""
    from ruamel.yaml.comments import CommentedSeq, TaggedScalar

    params = params or {}
    if node is None:
        return None
    if isinstance(node, bool):
        return "true" if node else "false"
    if isinstance(node, (int, float)):
        return str(node)
    if isinstance(node, TaggedScalar):
        tag = tag_of(node)
        val = str(node.value)
        if tag == "!Ref":
            return params.get(val, "${" + val + "}")
        if tag == "!Sub":
            return _sub(val, params)
        return "${" + f"{tag} {val}" + "}"
    if isinstance(node, str):
        return node
    if isinstance(node, CommentedSeq) and tag_of(node) == "!Sub" and node:
        first = node[0]
        return _sub(str(first), params) if isinstance(first, str) else None
    if isinstance(node, dict) and len(node) == 1:
        key = next(iter(node))
        if key == "Ref":
            ref = str(node[key])
            return params.get(ref, "${" + ref + "}")
        if key == "Fn::Sub":
            inner = node[key]
            tmpl = inner[0] if isinstance(inner, list) and inner else inner
            return _sub(str(tmpl), params) if isinstance(tmpl, str) else None
        if str(key).startswith("Fn::"):
            return "${" + str(key) + "}"
    if tag_of(node):
        return "${" + str(tag_of(node)) + "}"
    return None


def _sub(template: str, params: dict[str, str]) -> str:
    for name, val in params.items():
        template = template.replace("${" + name + "}", val)
    return template


def scalar_list(node: Any, params: dict[str, str] | None = None) -> list[str]:
    if isinstance(node, list) and tag_of(node) is None:
        return [s for s in (scalar(v, params) for v in node) if s is not None]
    s = scalar(node, params)
    return [s] if s is not None else []


def value_span(path: str, lines: list[str], mapping: Any, key: str, value: str | None) -> Span:
    """The span of ``mapping[key]``'s value; inside the quotes, and over the text of
    ``value`` when the file has it there."""
    from ruamel.yaml.comments import CommentedMap

    line0, col0 = 0, 0
    if isinstance(mapping, CommentedMap):
        try:
            line0, col0 = mapping.lc.value(key)
        except (KeyError, TypeError, AttributeError):
            try:
                line0, col0 = mapping.lc.key(key)
            except (KeyError, TypeError, AttributeError):
                line0, col0 = getattr(mapping.lc, "line", 0), getattr(mapping.lc, "col", 0)
    text = lines[line0] if 0 <= line0 < len(lines) else ""
    # a tag (``!Ref H``) or a quote before the value itself
    if text.startswith("!", col0):
        sp = text.find(" ", col0)
        if sp > 0:
            col0 = sp + 1
            while col0 < len(text) and text[col0] == " ":
                col0 += 1
    if col0 < len(text) and text[col0] in "'\"":
        col0 += 1
    end = col0 + 1
    if value and text.startswith(value, col0):
        end = col0 + len(value)
    else:
        stripped = text.rstrip()
        quote = text[col0 - 1] if col0 > 0 and text[col0 - 1] in "'\"" else ""
        close = text.find(quote, col0) if quote else -1
        end = close if close > col0 else max(len(stripped), col0 + 1)
        hash_ = text.find(" #", col0)
        if not quote and hash_ > col0:
            end = len(text[:hash_].rstrip())
    return Span(path, line0 + 1, col0 + 1, line0 + 1, end + 1)
