"""Static import analysis of Lambda handlers: parse once, resolve inside the package tree."""

from __future__ import annotations

from validator.pyimports.closure import compute_closure, parse_handler
from validator.pyimports.source import ParsedSource, SourceCache

__all__ = ["ParsedSource", "SourceCache", "compute_closure", "parse_handler"]
