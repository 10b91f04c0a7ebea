"""Builders for the import-closure tests: a repository on disk and a package over it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from validator.model import FileKind, ImportClosure, Package, PackageFile, PipInstall, Span
from validator.model.repo import Repo
from validator.pyimports import SourceCache, compute_closure

SPAN = Span(".github/workflows/deploy.yml", 1, 1, 1, 2)


def write_repo(root: Path, files: dict[str, str]) -> Repo:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return Repo.open(root)


def package(layout: Mapping[str, str | None], pip: list[PipInstall] | None = None,
            installed: list[str] | None = None) -> Package:
    """``layout`` maps archive paths to repository sources (None: a generated file)."""
    files: dict[str, PackageFile] = {}
    for path, source in layout.items():
        kind = FileKind.SOURCE if source is not None else FileKind.GENERATED
        files[path] = PackageFile(path=path, kind=kind, source=source)
    for path in installed or []:
        files[path] = PackageFile(path=path, kind=FileKind.INSTALLED)
    return Package(name="fn", archive="fn.zip", span=SPAN, files=files, pip_installs=pip or [])


def copy_tree(repo_files: dict[str, str], src_prefix: str, dest_prefix: str) -> dict[str, str | None]:
    """The layout of ``cp -r src_prefix/* dest_prefix/`` (prefixes without trailing slash)."""
    out: dict[str, str | None] = {}
    for rel in repo_files:
        if src_prefix and not rel.startswith(src_prefix + "/"):
            continue
        tail = rel[len(src_prefix) + 1:] if src_prefix else rel
        out[f"{dest_prefix}/{tail}" if dest_prefix else tail] = rel
    return out


def pip(*requirements: str, prefix: str = "", files: tuple[str, ...] = ()) -> PipInstall:
    return PipInstall(prefix=prefix, requirements=list(requirements), requirement_files=list(files), span=SPAN)


def closure_of(tmp_path: Path, repo_files: dict[str, str], layout: Mapping[str, str | None], handler: str,
               pip: list[PipInstall] | None = None, installed: list[str] | None = None) -> ImportClosure:
    repo = write_repo(tmp_path, repo_files)
    pkg = package(layout, pip=pip, installed=installed)
    return compute_closure(pkg, handler, repo, SourceCache())


def unresolved_modules(closure: ImportClosure) -> list[str]:
    return [u.module for u in closure.unresolved]


def leaf_modules(closure: ImportClosure) -> dict[str, str | None]:
    return {leaf.module: leaf.provided_by for leaf in closure.third_party}
