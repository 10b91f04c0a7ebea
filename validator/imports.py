"""Import closure of a handler inside a package.  INTERFACE STUB."""

from __future__ import annotations

from validator.models import ImportClosure, Package
from validator.repo import Repo


class SourceCache:
    """Parses each repository source file once per run."""


def compute_closure(package: Package, handler: str, repo: Repo, cache: SourceCache) -> ImportClosure:
    raise NotImplementedError
