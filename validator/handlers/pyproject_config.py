"""Explicit handler mapping in ``[tool.validate-imports]`` of the root ``pyproject.toml``.

When no infrastructure code is in the repository (or it is ambiguous), the user
says which handler each package has::

    [tool.validate-imports]
    packages = { ingestion = "src.lambdas.ingestion.handler.lambda_handler" }

    [tool.validate-imports.packages.analysis]
    handler = "handler.lambda_handler"
    source = "src/lambdas/analysis"
"""

from __future__ import annotations

import re
import sys
from typing import Any

from validator.model import HandlerConfig, Span, Unmodelled
from validator.model.repo import Repo

PATH = "pyproject.toml"
SECTION = "validate-imports"


def collect(repo: Repo, path: str = PATH) -> tuple[list[HandlerConfig], list[Unmodelled]]:
    if not repo.is_file(path):
        return [], []
    text = repo.read_text(path)
    if text is None or SECTION not in text:
        return [], []
    # imported here, not at start-up: most runs never get this far
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib

    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = int(getattr(exc, "lineno", 1) or 1)
        return [], [Unmodelled(Span(path, line, 1, line, 2),
                               f"{path} is not valid TOML ({exc}); its [tool.{SECTION}] handlers are not used",
                               could_touch_package=True)]
    tool = doc.get("tool", {}).get(SECTION, {})
    packages = tool.get("packages") if isinstance(tool, dict) else None
    if not isinstance(packages, dict):
        return [], []
    section = text.find(f"[tool.{SECTION}")
    out: list[HandlerConfig] = []
    for name, spec in packages.items():
        handler, source = _spec(spec)
        if not handler:
            continue
        out.append(HandlerConfig(
            handler=handler,
            span=_span(path, text, max(section, 0), name, handler),
            origin="config",
            resource=str(name),
            code_uri=source,
        ))
    return out, []


def _spec(spec: Any) -> tuple[str | None, str | None]:
    if isinstance(spec, str):
        return spec, None
    if isinstance(spec, dict):
        handler, source = spec.get("handler"), spec.get("source")
        return (handler if isinstance(handler, str) else None,
                source.strip("/") if isinstance(source, str) else None)
    return None, None


def _span(path: str, text: str, start: int, name: str, handler: str) -> Span:
    """The handler's string literal, searched after the package's own key when there is one."""
    key = re.compile(rf"(^|[\s{{,.\[])[\"']?{re.escape(name)}[\"']?\s*(=|\]|\.)", re.M)
    km = key.search(text, start)
    from_ = km.start() if km else start
    for quote in ('"', "'"):
        pos = text.find(f"{quote}{handler}{quote}", from_)
        if pos < 0:
            pos = text.find(f"{quote}{handler}{quote}", start)
        if pos >= 0:
            begin = pos + 1
            line = text.count("\n", 0, begin) + 1
            col = begin - (text.rfind("\n", 0, begin) + 1) + 1
            return Span(path, line, col, line, col + len(handler))
    line = text.count("\n", 0, start) + 1
    return Span(path, line, 1, line, 2)
