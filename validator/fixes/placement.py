"""Where a copy's files should go, written with the user's own words.

Given a copy and the archive folder its files belong in, this works out the new
target word: the package folder as the copy's target names it (``packages/${n}-build``)
plus the folder inside the ZIP, taken from the source word when that can stand for it
(``src/lambdas/${n}``), else written out literally.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from validator.fixes import words
from validator.fixes.edits import Declined
from validator.fixes.sites import CopySite
from validator.model import CopyRecord, Package, UnresolvedImport
from validator.model.base import FrozenRecord


@dataclass(frozen=True, eq=False, repr=False)
class Location(FrozenRecord):
    """A copy's place in its package and the words for a new folder inside it."""

    root_word: str  # the package folder, as the target word writes it
    target_arch: str  # the copy's target inside the archive ("" = root)
    container_repo: str  # repository folder the copied items live in
    source_container: str | None  # the source word's folder part, as written
    #: the source word names the copied folder itself and the target became its copy
    #: (``cp -r src/x build/y`` with no ``build/y``): a fix copies its contents (``src/x/.``)
    copy_as: bool = False


def archive_path(package: Package, virtual: str) -> str | None:
    """``virtual`` relative to the package folder (``""`` for the folder itself)."""
    root = (package.root_dir or "").rstrip("/")
    virtual = virtual.rstrip("/") or "/"
    if not root:
        return None
    if virtual == root:
        return ""
    if virtual.startswith(root + "/"):
        return virtual[len(root) + 1:]
    return None


def container_repo(copy: CopyRecord) -> str | None:
    """The repository folder whose items the copy placed below its target (one folder,
    or None when the copy renames or mixes folders)."""
    target = copy.target.rstrip("/")
    found: set[str] = set()
    for source, dest in copy.placed.items():
        if not dest.startswith(target + "/"):
            return None
        rel = dest[len(target) + 1:]
        if source == rel:
            found.add("")
        elif source.endswith("/" + rel):
            found.add(source[: -len(rel) - 1])
        else:
            return None
    return found.pop() if len(found) == 1 else None


def locate(site: CopySite, copy: CopyRecord, package: Package) -> Location:
    """The copy's ``Location``, or ``Declined`` with the reason."""
    if package.root_dir is None:
        raise Declined("the package folder is not known (the zip does not run inside one folder)")
    target_arch = archive_path(package, copy.target)
    if target_arch is None:
        raise Declined("the copy's target is outside the package folder")
    root_word = words.drop_suffix(site.target.text, target_arch)
    if root_word is None:
        raise Declined(f"the target `{site.target.text}` does not name the package folder plus {target_arch}")
    repo_dir = container_repo(copy)
    if repo_dir is None:
        raise Declined("the copy renames what it copies or mixes folders")
    source = words.container(site.sources[0].text) if len(site.sources) == 1 else None
    copy_as = False
    if len(site.sources) == 1:
        item, _slash = words.strip_trailing_slash(site.sources[0].text)
        if words.balanced(item) and words.matches(item, repo_dir):
            source, copy_as = item, True
    return Location(root_word, target_arch, repo_dir, source, copy_as)


def folder_word(loc: Location, arch: str, strip: str = "") -> tuple[str, bool]:
    """The word for archive folder ``arch`` below the package folder, and whether it is
    literal (True) or reuses the source word (False, variables kept)."""
    candidates = []
    if loc.source_container:
        candidates.append(loc.source_container)
        if strip and loc.source_container.startswith(strip):
            candidates.append(loc.source_container[len(strip):])
    for word in candidates:
        if word and words.balanced(word) and words.matches(word, arch):
            return word, False
    return words.shell_quote(arch), True


def import_root(item: UnresolvedImport) -> str | None:
    """The repository prefix of the import root: ``""`` when ``src.lambdas.x`` lives at
    ``src/lambdas/x``, ``src/`` when ``lambdas.x`` lives at ``src/lambdas/x``."""
    if not item.repo_path:
        return None
    repo = item.repo_path
    for suffix in ("/__init__.py", ".py"):
        if repo.endswith(suffix):
            repo = repo[: -len(suffix)]
            break
    for module in (item.site.module, item.module):
        path = module.replace(".", "/")
        at = repo.find(path)
        while at >= 0:
            if (at == 0 or repo[at - 1] == "/") and (len(repo) == at + len(path) or repo[at + len(path)] == "/"):
                return repo[:at]
            at = repo.find(path, at + 1)
    return None


def expected_arch(repo_path: str, strip: str) -> str | None:
    if strip and not repo_path.startswith(strip):
        return None
    return repo_path[len(strip):]


def relative_source(path: str) -> str:
    return posixpath.normpath(path)
