"""A real archive read into the ``Package`` the workflow simulation would have built.

Files a ``*.dist-info/RECORD`` lists are ``INSTALLED`` (third-party: they resolve, the
closure does not walk into them), every other file is ``SOURCE`` whose ``source`` is
its position in the archive (``dist/pkg.zip!/handler.py``), so findings point into the
archive and the closure reads the text through ``ArchiveSources``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.parser import HeaderParser
from pathlib import Path, PurePosixPath

from validator.archive.safety import Archive, ArchiveError, Limits, Member, open_archive
from validator.model import FileKind, InstalledDist, NativeModule, Package, PackageFile, Span
from validator.model.base import Record

#: a source file larger than this is not parsed (as for repository files)
MAX_TEXT_BYTES = 8 * 1024 * 1024
_MAX_META = 256 * 1024
_VERSION_SUFFIX = re.compile(r"[-_.](?:v?\d[\w.]*|[0-9a-f]{7,40}|latest|SNAPSHOT|\$\{[^}]*\})$", re.I)
_CPYTHON = re.compile(r"^(cpython-\d+[a-z]*|cp\d+[a-z]*|pypy\d*-?\w*|abi3)(?:-(.+))?$")


def member_prefix(archive: Archive) -> str:
    """How a member's position starts: ``dist/pkg.zip!/`` inside a ZIP, ``build/`` in a folder."""
    return f"{archive.display.rstrip('/')}/" if archive.is_dir else f"{archive.display}!/"


class ArchiveSources:
    """The text of an archive's members, for the import closure (a ``SourceReader``)."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.prefix = member_prefix(archive)
        self._members = {m.path: m for m in archive.members}
        self._errors: dict[str, str] = {}

    @property
    def root(self) -> str:
        return f"archive:{self.archive.location.resolve()}"

    def read_text(self, rel: str) -> str | None:
        path = rel[len(self.prefix):] if rel.startswith(self.prefix) else rel
        member = self._members.get(path)
        if member is None:
            self._errors[rel] = f"{rel} is not in the archive"
            return None
        if member.size > MAX_TEXT_BYTES:
            self._errors[rel] = f"{rel} is {member.size // 1_000_000} MB, larger than the read limit"
            return None
        try:
            data = self.archive.read(member, MAX_TEXT_BYTES + 1)
        except (ArchiveError, OSError) as exc:
            self._errors[rel] = str(exc)
            return None
        if b"\0" in data[:8192]:
            self._errors[rel] = f"{rel} is a binary file"
            return None
        return data.decode("utf-8-sig", errors="replace")

    def error(self, rel: str) -> str:
        return self._errors.get(rel, "")


@dataclass(eq=False, repr=False)
class ReadArchive(Record):
    """A package read from a real archive, with the reader for its sources."""

    package: Package
    sources: ArchiveSources
    archive: Archive
    layers: list[Archive] = field(default_factory=list)

    def close(self) -> None:
        self.archive.close()
        for layer in self.layers:
            layer.close()


def package_name(path: str) -> str:
    """The short name a package answers to: the archive's stem without version suffixes."""
    stem = PurePosixPath(path.rstrip("/")).name
    for ext in (".zip", ".ZIP", ".jar"):
        stem = stem.removesuffix(ext)
    while True:
        shorter = _VERSION_SUFFIX.sub("", stem)
        if shorter == stem or not shorter:
            return stem
        stem = shorter


def read_package(location: Path, display: str, layers: list[tuple[Path, str]] | None = None,
                 limits: Limits | None = None, verify: bool = True) -> ReadArchive:
    """Open, check and read ``location`` (a ZIP or a folder) and its layers; raises ArchiveError."""
    archive = open_archive(location, display, limits)
    opened: list[Archive] = []
    try:
        if verify:
            archive.verify()
        package = build_package(archive)
        for layer_path, layer_display in layers or []:
            layer = open_archive(layer_path, layer_display, limits)
            opened.append(layer)
            if verify:
                layer.verify()
            add_layer(package, layer)
    except BaseException:
        archive.close()
        for layer in opened:
            layer.close()
        raise
    return ReadArchive(package, ArchiveSources(archive), archive, opened)


def build_package(archive: Archive) -> Package:
    """The package model of a checked archive."""
    display = archive.display
    span = Span(display, 1, 1, 1, 1)
    package = Package(name=package_name(display), archive=display, span=span,
                      built="directory" if archive.is_dir else "archive",
                      root_dir=display if archive.is_dir else None)
    prefix = member_prefix(archive)
    installed = read_dists(archive, "")
    owned = {f: d.name for d in installed for f in d.files}
    package.installed = installed
    for member in archive.members:
        path = member.path
        dist = owned.get(path)
        if dist is not None or ".dist-info/" in path:
            package.files[path] = PackageFile(path, FileKind.INSTALLED, origin=span)
        else:
            package.files[path] = PackageFile(path, FileKind.SOURCE, source=prefix + path, origin=span)
        native = native_module(path)
        if native is not None:
            native.dist = dist or ""
            package.native.append(native)
    if not package.files:
        raise ArchiveError(f"{display}: the archive holds no files")
    return package


def add_layer(package: Package, layer: Archive) -> None:
    """Record what a layer provides: top-level modules under ``python/`` and
    ``python/lib/python3.X/site-packages/`` (the folders Lambda puts on ``sys.path``)."""
    for member in layer.members:
        parts = member.path.split("/")
        if parts[0] != "python" or len(parts) < 2:
            continue
        if len(parts) > 4 and parts[1] == "lib" and parts[2].startswith("python") and parts[3] == "site-packages":
            rest = parts[4:]
        else:
            rest = parts[1:]
        top = _top_name(rest)
        if top:
            package.provided.setdefault(top, layer.display)
    for prefix in _site_dirs(layer):
        for dist in read_dists(layer, prefix):
            dist.layer = layer.display
            package.installed.append(dist)


def _site_dirs(layer: Archive) -> list[str]:
    dirs = {"python"}
    for member in layer.members:
        parts = member.path.split("/")
        if len(parts) > 4 and parts[:2] == ["python", "lib"] and parts[3] == "site-packages":
            dirs.add("/".join(parts[:4]))
    return sorted(dirs)


def _top_name(rest: list[str]) -> str | None:
    if not rest or rest[0] in ("__pycache__", "bin") or rest[0].endswith((".dist-info", ".egg-info", ".data")):
        return None
    first = rest[0]
    if len(rest) > 1:
        return first if first.isidentifier() else None
    for ext in (".py", ".pyc"):
        if first.endswith(ext):
            first = first[: -len(ext)]
            return first if first.isidentifier() else None
    if first.endswith((".so", ".pyd")):
        name = first.split(".", 1)[0]
        return name if name.isidentifier() else None
    return None


def read_dists(archive: Archive, prefix: str) -> list[InstalledDist]:
    """Every ``*.dist-info`` directly under ``prefix`` ("" = the archive root)."""
    base = f"{prefix}/" if prefix else ""
    by_path = {m.path: m for m in archive.members}
    folders = sorted({m.path[len(base):].split("/", 1)[0] for m in archive.members
                      if m.path.startswith(base) and m.path[len(base):].split("/", 1)[0].endswith(".dist-info")
                      and "/" in m.path[len(base):]})
    out = []
    for folder in folders:
        where = f"{base}{folder}"
        stem = folder[: -len(".dist-info")]
        name, _, version = stem.partition("-")
        meta = _text(archive, by_path.get(f"{where}/METADATA"))
        if meta:
            headers = HeaderParser().parsestr(meta, headersonly=True)
            name = headers.get("Name", name) or name
            version = headers.get("Version", version) or version
        files = []
        for line in _text(archive, by_path.get(f"{where}/RECORD")).splitlines():
            rel = line.rsplit(",", 2)[0].strip().strip('"') if line.count(",") >= 2 else line.strip()
            if not rel or rel.startswith("/") or ".." in rel.split("/"):
                continue
            files.append(f"{base}{rel}")
        tops = [t.strip() for t in _text(archive, by_path.get(f"{where}/top_level.txt")).splitlines() if t.strip()]
        if not tops:
            tops = sorted({t for f in files if (t := _top_name(f[len(base):].split("/")))})
        tags = [line.split(":", 1)[1].strip() for line in _text(archive, by_path.get(f"{where}/WHEEL")).splitlines()
                if line.lower().startswith("tag:")]
        out.append(InstalledDist(name=name, version=version, dist_info=where, top_level=tops, tags=tags,
                                 files=files))
    return out


def _text(archive: Archive, member: Member | None) -> str:
    if member is None:
        return ""
    return archive.read(member, _MAX_META).decode("utf-8", errors="replace")


def native_module(path: str) -> NativeModule | None:
    """What an extension module's file name says (``_x.cpython-311-x86_64-linux-gnu.so``)."""
    name = path.rsplit("/", 1)[-1]
    if name.endswith(".pyd"):
        module, _, tag = name[:-4].partition(".")
        abi, _, platform = tag.partition("-")
        return NativeModule(path, module, abi=abi, platform=platform or "win")
    if not name.endswith(".so") or ".so." in name:
        return None
    module, _, tag = name[:-3].partition(".")
    if not module:
        return None
    if not tag:
        return NativeModule(path, module)
    m = _CPYTHON.match(tag)
    if m is None:
        return NativeModule(path, module, platform=tag)
    return NativeModule(path, module, abi=m.group(1), platform=m.group(2) or "")
