"""Why a module is not where its import looks: the shared reasoning behind "one root
cause, one finding".

A missing module is explained by a copy that put its file elsewhere (LPK-003), by the
``zip`` that stored it under another prefix (LPK-002/LPK-003), or by a copy that fails in
CI (LPK-004).  Only an import nothing explains is LPK-001.  The rules ask these
questions; this module answers them from the package's provenance.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from validator.models import CopyRecord, FileKind, Package, PackageFile, Span, UnresolvedImport

WORKSPACE = "/w"


@dataclass(frozen=True)
class Misplacement:
    """Files of a repository path that are in the package, but not at the path an import needs."""

    repo_path: str  # the repository file or folder the import means
    expected: str  # where the import looks (archive path of the module file or folder)
    actual: str  # where the package has it instead (same kind of path)
    placed_by: Span | None  # the command that put it there
    copy: CopyRecord | None  # that command, when it is a copy


def module_paths(module: str) -> tuple[str, str, str]:
    """The archive paths a module may live at: ``a/b.py``, ``a/b/__init__.py``, ``a/b``."""
    base = module.replace(".", "/")
    return f"{base}.py", f"{base}/__init__.py", base


def files_from(package: Package, repo_path: str) -> list[PackageFile]:
    """Package files copied from ``repo_path`` (a file, or any file below a folder)."""
    prefix = repo_path.rstrip("/") + "/"
    return [
        f for f in package.files.values()
        if f.kind is FileKind.SOURCE and f.source and (f.source == repo_path or f.source.startswith(prefix))
    ]


def find_misplacement(package: Package, module: str, repo_path: str | None) -> Misplacement | None:
    """Where the package holds ``repo_path`` instead of at ``module``'s import path, if it does."""
    if not repo_path:
        return None
    placed = files_from(package, repo_path)
    if not placed:
        return None
    as_file, _as_init, as_dir = module_paths(module)
    best: PackageFile | None = None
    expected = as_file
    for pfile in sorted(placed, key=lambda f: f.path):
        assert pfile.source is not None
        if pfile.source == repo_path:  # the module is a file
            expected = as_file if repo_path.endswith(".py") else posixpath.join(as_dir, posixpath.basename(repo_path))
            if pfile.path != expected:
                best = pfile
                break
        else:  # the module is a folder: compare the file's place below it
            rel = pfile.source[len(repo_path.rstrip("/")) + 1:]
            expected = f"{as_dir}/{rel}"
            if pfile.path != expected:
                best = pfile
                break
    if best is None:
        return None
    actual_root = best.path
    if best.source != repo_path:  # report the folder, not one file in it
        rel = best.source[len(repo_path.rstrip("/")) + 1:] if best.source else ""
        actual_root = best.path[: -len(rel) - 1] if rel and best.path.endswith(rel) else posixpath.dirname(best.path)
        expected = as_dir
    if zip_prefix(package, best.path, expected if best.source != repo_path else expected) is not None:
        return Misplacement(repo_path, expected, actual_root or ".", package.span, None)
    copy = next((c for c in package.copies if best.origin is not None and c.span == best.origin), None)
    return Misplacement(repo_path, expected, actual_root or ".", best.origin, copy)


def zip_prefix(package: Package, actual: str, expected: str) -> str | None:
    """The folder prefix the ``zip`` stored every file under (``packages/x-build/`` for
    ``zip -r x.zip packages/x-build``), when it alone separates ``actual`` from ``expected``.

    Then the archive root is wrong, not the copy: the copy put the file where it belongs
    inside the build folder."""
    expected = expected.rstrip("/")
    if not actual.endswith("/" + expected) and not (actual + "/").endswith("/" + expected + "/"):
        return None
    prefix = actual[: len(actual) - len(expected)]
    if not prefix.endswith("/"):
        return None
    if all(path.startswith(prefix) for path in package.files):
        return prefix
    return None


def same_job(copy: CopyRecord, package: Package) -> bool:
    """Whether a copy ran in the job run (job and matrix combination) that built ``package``."""
    if copy.span.path != package.span.path:
        return False
    if copy.job_key:
        return copy.job_key == package_job_key(package)
    return True


def package_job_key(package: Package) -> str:
    combo = ",".join(f"{k}={v}" for k, v in sorted(package.matrix.items()))
    return f"{package.job}[{combo}]" if combo else package.job


def failed_copies_for(package: Package, copies: list[CopyRecord]) -> list[CopyRecord]:
    """Copies that fail in CI and would have fed this package: the same job run, and a
    target inside the package's folder, or the same run step as its ``zip``.

    Under GitHub's default ``bash -e`` a failing ``cp`` stops the step, so such a copy is
    the root cause of whatever the package then lacks."""
    found = []
    for copy in copies:
        if not copy.failed or not same_job(copy, package):
            continue
        inside = bool(package.root_dir) and (
            copy.target == package.root_dir or copy.target.startswith(str(package.root_dir).rstrip("/") + "/")
        )
        same_step = bool(copy.step_key) and copy.step_key == package.step_key
        if inside or same_step:
            found.append(copy)
    return found


def misplaced_imports(package: Package, unresolved: list[UnresolvedImport]) -> list[tuple[UnresolvedImport, Misplacement]]:
    """The unresolved imports whose code is in the package, only at another path."""
    found = []
    for item in unresolved:
        if item.reason and item.reason != "missing":
            continue
        where = find_misplacement(package, item.module, item.repo_path)
        if where is not None:
            found.append((item, where))
    return found


def handler_module_path(handler: str) -> str | None:
    """The archive path of a handler's module file (``a/b.py``), per awslambdaric's grammar."""
    module, dot, _fn = handler.rpartition(".")
    if not dot or not module:
        return None
    return module.replace("/", ".").replace(".", "/") + ".py"


def find_handler_elsewhere(package: Package, handler: str) -> PackageFile | None:
    """A package file that is the handler's module, stored at another path than the
    handler string names (nested when the handler says root, under a ``zip`` prefix …)."""
    wanted = handler_module_path(handler)
    if wanted is None:
        return None
    name = posixpath.basename(wanted)
    candidates = [
        f for f in package.files.values()
        if f.kind is FileKind.SOURCE and posixpath.basename(f.path) == name and f.path != wanted
    ]
    # prefer the file whose repository path ends with the handler's path (src/lambdas/x/handler.py)
    candidates.sort(key=lambda f: (not (f.source or "").endswith(wanted), f.path.count("/"), f.path))
    return candidates[0] if candidates else None
