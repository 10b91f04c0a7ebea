"""Shell front end: ``parse_script(text) -> Script`` (see ``ir.py``).  INTERFACE STUB."""

from __future__ import annotations

from validator.shell.ir import Script


def parse_script(text: str) -> Script:
    raise NotImplementedError
