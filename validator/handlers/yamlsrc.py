"""Loading SAM, CloudFormation and serverless YAML with positions kept.

The one YAML loader (``syntax.yaml``) keeps line/column for every mapping value and
loads CloudFormation short tags (``!Ref``, ``!Sub``, ``!GetAtt``, ``!If`` …) as tagged
values instead of failing; :func:`scalar` turns those into symbolic text.
"""

from __future__ import annotations

import re
from typing import Any

from validator.model import Span
from validator.syntax.yamltree import Tagged, YMap, YSeq

#: the position and problem of a ``YamlError`` message
_WHERE = re.compile(r"[^:]*:(\d+):(\d+): (?:invalid YAML: )?(.*)")


class YamlLoadError(Exception):
    """The file is not YAML that can be loaded; ``line``/``column`` are 1-based."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


def load(text: str, path: str) -> Any:
    """The document, a duplicate key keeping its first value (as before: templates are
    read leniently, CloudFormation itself reports duplicates).  The loader (and ruamel)
    is imported on first use: most repositories have no template at all."""
    from validator.syntax.yaml import YamlError, load_tree

    try:
        return load_tree(text, path, first_key_wins=True)
    except YamlError as exc:
        found = _WHERE.match(str(exc))
        if found is None:
            raise YamlLoadError(str(exc).split(": ", 1)[-1]) from None
        raise YamlLoadError(found.group(3), int(found.group(1)), int(found.group(2))) from None


def is_tagged_scalar(node: Any) -> bool:
    """``!Ref Name``-style values."""
    return isinstance(node, Tagged)


def tag_of(node: Any) -> str | None:
    tag = getattr(node, "tag", None)
    return tag if isinstance(tag, str) and tag.startswith("!") else None


def scalar(node: Any, params: dict[str, str] | None = None) -> str | None:
    """A YAML value as text: strings as they are, ``!Ref P`` as P's literal default or
    ``${P}``, ``!Sub`` as its template, ``Fn::…`` maps and other tags as ``${…}``."""
    params = params or {}
    if node is None:
        return None
    if isinstance(node, bool):
        return "true" if node else "false"
    if isinstance(node, (int, float)):
        return str(node)
    if isinstance(node, Tagged):
        tag = tag_of(node)
        val = str(node.value)
        if tag == "!Ref":
            return params.get(val, "${" + val + "}")
        if tag == "!Sub":
            return _sub(val, params)
        return "${" + f"{tag} {val}" + "}"
    if isinstance(node, str):
        return node
    if isinstance(node, YSeq) and tag_of(node) == "!Sub" and node:
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
    line0, col0 = 0, 0
    if isinstance(mapping, YMap):
        at = mapping.keys_at.get(key)
        line0, col0 = (at.value_line0, at.value_col0) if at is not None else (mapping.line0, mapping.col0)
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
