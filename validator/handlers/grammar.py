"""The handler string grammar, exactly as the Lambda Python runtime reads it.

awslambdaric does ``modname, fname = handler.rsplit(".", 1)`` and imports
``modname.replace("/", ".")``; the Serverless Framework's ``path/file.function``
is the same grammar, so one parser serves every source.
"""

from __future__ import annotations

import re

#: what Lambda's API accepts for ``Handler`` (``[^\s]+``, at most 128 characters)
_API_PATTERN = re.compile(r"^\S{1,128}$")


def parse_handler(handler: str) -> tuple[str, str] | None:
    """``(dotted module, function)`` for a handler string, or None when the runtime would
    reject it as malformed (no dot, empty module or function part, whitespace)."""
    if not handler or not _API_PATTERN.match(handler) or "." not in handler:
        return None
    modname, fname = handler.rsplit(".", 1)
    module = modname.replace("/", ".")
    if not module or not fname or module.startswith(".") or module.endswith(".") or ".." in module:
        return None
    return module, fname


def handler_module_path(handler: str) -> str | None:
    """The repository-style file path of the handler's module (``src/x/handler.py``)."""
    parsed = parse_handler(handler)
    if parsed is None:
        return None
    return parsed[0].replace(".", "/") + ".py"
