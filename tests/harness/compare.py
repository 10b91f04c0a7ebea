"""Matching what bash built with what the engine predicts: archive paths with symbolic parts,
and package file sets reduced to what a static analysis can know exactly."""

from __future__ import annotations

import posixpath
import re
from typing import Any

_SYMBOLIC = re.compile(r"\$\{\{.*?\}\}|\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_][A-Za-z0-9_]*")


def _substitute_matrix(text: str, matrix: dict) -> str:
    for key, value in (matrix or {}).items():
        text = re.sub(r"\$\{\{\s*matrix\." + re.escape(str(key)) + r"\s*\}\}", str(value), text)
    return text


def archive_pattern(archive: str, matrix: dict | None = None) -> tuple[re.Pattern[str], int]:
    """A regex for a symbolic archive path, and how many literal characters it has."""
    text = _substitute_matrix(archive.strip().strip("\"'"), matrix or {})
    if text.startswith("./"):
        text = text[2:]
    parts, literal, pos = [], 0, 0
    for m in _SYMBOLIC.finditer(text):
        chunk = text[pos : m.start()]
        parts.append(re.escape(chunk))
        literal += len(chunk)
        parts.append(r"[^/]*")
        pos = m.end()
    parts.append(re.escape(text[pos:]))
    literal += len(text) - pos
    return re.compile("".join(parts)), literal


def find_package(real_archive: str, packages: list) -> Any:
    """The engine package built as ``real_archive`` (best literal match; exact path before suffix)."""
    scored = []
    for pkg in packages:
        archive = posixpath.normpath(pkg.archive) if "${{" not in pkg.archive else pkg.archive
        pattern, literal = archive_pattern(archive, getattr(pkg, "matrix", None))
        if pattern.fullmatch(real_archive):
            scored.append((2, literal, pkg))
        elif any(pattern.fullmatch(real_archive[i + 1 :]) for i, ch in enumerate(real_archive) if ch == "/"):
            scored.append((1, literal, pkg))  # archive written relative to a working directory
    if not scored:
        return None
    scored.sort(key=lambda t: (t[0], t[1]), reverse=True)
    best = [s for s in scored if s[:2] == scored[0][:2]]
    if len(best) > 1:  # same specificity: prefer the package named in the archive file name
        stem = posixpath.basename(real_archive)
        named = [s for s in best if s[2].name and s[2].name in stem]
        best = named or best
    return best[0][2]


def package_file_set(pkg, real_members: set[str]) -> tuple[set[str], set[str]]:
    """(ours, real) reduced to what the simulation can know exactly.

    Files ``pip install -t`` put in (content unknown to a static analysis) are left out
    on both sides; a symbolic path in our package matches real members as a wildcard.
    """
    from validator.model import FileKind

    ours: set[str] = set()
    installed_prefixes: list[str] = []
    symbolic: list[re.Pattern[str]] = []
    for path, f in pkg.files.items():
        if path.endswith("/"):
            continue
        if f.kind is FileKind.INSTALLED:
            installed_prefixes.append(path.rstrip("/"))
        elif f.kind is FileKind.SYMBOLIC and _SYMBOLIC.search(path):
            symbolic.append(archive_pattern(path)[0])
        else:
            ours.add(path)
    for pip in getattr(pkg, "pip_installs", []):
        for req in pip.requirements:
            name = re.split(r"[=<>~!\[;@ ]", req, maxsplit=1)[0].lower().replace("-", "_")
            if name and not name.startswith("-"):
                installed_prefixes.append(posixpath.join(pip.prefix, name) if pip.prefix else name)
    real = set()
    for member in real_members:
        if any(member == p or member.startswith(p + "/") for p in installed_prefixes):
            continue
        matched = [p for p in symbolic if p.fullmatch(member)]
        if matched:
            ours.add(member)
        real.add(member)
    return ours, real


