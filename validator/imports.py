"""Import closure of a handler inside a package (implemented in ``validator.pyimports``)."""

from __future__ import annotations

from validator.pyimports import ParsedSource, SourceCache, compute_closure, parse_handler

__all__ = ["ParsedSource", "SourceCache", "compute_closure", "parse_handler"]
