"""Real archives: a built ZIP (or a folder) read safely into the package model.

The stage beside ``validator/sources``: it produces the same ``Package`` records the
workflow simulation produces, so the rules apply unchanged; ``safety`` holds every
check that protects the machine (bombs, zip-slip, links, duplicates, encryption).
"""

from __future__ import annotations

from validator.archive.read import (
           ArchiveSources,
           ReadArchive,
           build_package,
           native_module,
           package_name,
           read_package,
)
from validator.archive.safety import Archive, ArchiveError, Limits, Member, open_archive, safe_extract

__all__ = ["Archive", "ArchiveError", "ArchiveSources", "Limits", "Member", "ReadArchive", "build_package",
           "native_module", "open_archive", "package_name", "read_package", "safe_extract"]
