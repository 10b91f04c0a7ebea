"""Open a ZIP (or a folder) as a list of checked members, before anything is read.

Every check that protects the machine happens here, on the central directory, before
one byte is decompressed: the member count, the total uncompressed size and the
compression ratio (ZIP bombs), absolute paths and ``..`` (zip-slip), symlink members,
duplicate names and encrypted members.  Reading a member later is bounded by the size
its header declares, so a header that lies cannot make the reader inflate more.
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from validator.model.base import Record


class ArchiveError(Exception):
    """The archive cannot be read safely or at all (exit 2 with this message)."""


@dataclass(eq=False, repr=False)
class Limits(Record):
    """What a Lambda archive may plausibly be; Lambda itself stops at 250 MB unzipped."""

    max_members: int = 100_000
    max_total: int = 1024 * 1024 * 1024  # uncompressed bytes, all members
    max_member: int = 512 * 1024 * 1024  # uncompressed bytes, one member
    #: a member this much larger than its compressed size is a bomb (zlib's own limit is ~1032)
    max_ratio: int = 200
    ratio_floor: int = 1024 * 1024  # members smaller than this are not judged by their ratio


@dataclass(eq=False, repr=False)
class Member(Record):
    """A regular file of the archive, with a checked POSIX path."""

    path: str
    size: int  # uncompressed, as the header declares (a folder member: exact)
    info: zipfile.ZipInfo | None = None  # None for a file of a folder
    disk: str | None = None  # the file on disk, for a folder


@dataclass(eq=False, repr=False)
class Archive(Record):
    """The checked members of one archive or folder; ``read`` decompresses one of them."""

    location: Path  # the archive file or folder on disk
    display: str  # how findings name it (``dist/pkg.zip``)
    members: list[Member] = field(default_factory=list)
    is_dir: bool = False
    _zip: zipfile.ZipFile | None = field(default=None, repr=False)

    def read(self, member: Member, limit: int | None = None) -> bytes:
        """The member's bytes (at most ``limit``); CRC and size are checked as it inflates."""
        if member.disk is not None:
            with open(member.disk, "rb") as fh:
                return fh.read(limit if limit is not None else member.size + 1)
        assert self._zip is not None and member.info is not None
        try:
            with self._zip.open(member.info) as fh:
                return fh.read(limit if limit is not None else member.size)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
            raise ArchiveError(f"{self.display}: member {member.path} is corrupt ({describe(exc)})") from None

    def copy_to(self, member: Member, out: object, chunk: int = 1 << 16) -> int:
        """Stream the member into the binary file ``out``; never more than its declared size."""
        written = 0
        write = out.write  # type: ignore[attr-defined]
        if member.disk is not None:
            with open(member.disk, "rb") as fh:
                while block := fh.read(chunk):
                    written += len(block)
                    write(block)
            return written
        assert self._zip is not None and member.info is not None
        try:
            with self._zip.open(member.info) as fh:
                while block := fh.read(chunk):
                    written += len(block)
                    if written > member.size:
                        raise ArchiveError(f"{self.display}: member {member.path} inflates past the "
                                           f"{member.size} bytes its header declares")
                    write(block)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
            raise ArchiveError(f"{self.display}: member {member.path} is corrupt ({describe(exc)})") from None
        return written

    def verify(self) -> None:
        """Inflate every member once (bounded by the checked sizes): a corrupt or truncated
        member is an error here, as Lambda refuses an archive it cannot unzip."""
        if self.is_dir:
            return
        sink = _Sink()
        for member in self.members:
            self.copy_to(member, sink)

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
            self._zip = None


class _Sink:
    def write(self, data: bytes) -> int:
        return len(data)


def describe(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def open_archive(location: Path, display: str, limits: Limits | None = None) -> Archive:
    """The checked member list of a ZIP file or a folder; raises ArchiveError."""
    limits = limits or Limits()
    if location.is_dir():
        return _open_dir(location, display, limits)
    if not location.exists():
        raise ArchiveError(f"{display}: no such file")
    if not location.is_file():
        raise ArchiveError(f"{display}: not a regular file")
    try:
        zf = zipfile.ZipFile(location)
    except zipfile.BadZipFile as exc:
        why = describe(exc)
        if why == "File is not a zip file":
            raise ArchiveError(f"{display}: not a ZIP archive (or truncated: no end-of-archive record)") from None
        raise ArchiveError(f"{display}: corrupt ZIP archive ({why})") from None
    except (OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise ArchiveError(f"{display}: cannot read the ZIP archive ({describe(exc)})") from None
    try:
        members = _check_zip(zf, display, limits)
    except BaseException:
        zf.close()
        raise
    return Archive(location=location, display=display, members=members, _zip=zf)


def check_name(name: str, display: str) -> str | None:
    """The member's normalised POSIX path (None for a folder entry); zip-slip raises."""
    if "\0" in name:
        raise ArchiveError(f"{display}: member name {name!r} contains a NUL byte")
    unified = name.replace("\\", "/")
    if unified.startswith("/") or (len(unified) > 1 and unified[1] == ":" and unified[0].isalpha()):
        raise ArchiveError(f"{display}: member {name!r} has an absolute path (zip-slip): refusing the archive")
    parts = [p for p in unified.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise ArchiveError(f"{display}: member {name!r} climbs out of the archive with '..' (zip-slip): "
                           "refusing the archive")
    if not parts or unified.endswith("/"):
        return None
    return "/".join(parts)


def _check_zip(zf: zipfile.ZipFile, display: str, limits: Limits) -> list[Member]:
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise ArchiveError(f"{display}: {len(infos)} members, more than the {limits.max_members} allowed")
    members: list[Member] = []
    seen: dict[str, str] = {}
    total = 0
    for info in infos:
        path = check_name(info.filename, display)
        mode = (info.external_attr >> 16) & 0xFFFF
        if path is None or info.is_dir():
            continue
        if info.create_system == 3 and stat.S_ISLNK(mode):
            raise ArchiveError(f"{display}: member {info.filename!r} is a symbolic link; Lambda archives must "
                               "hold regular files (zip with --symlinks off, the default)")
        if info.flag_bits & 0x1:
            raise ArchiveError(f"{display}: member {info.filename!r} is encrypted; Lambda cannot unzip "
                               "password-protected archives")
        if path in seen:
            raise ArchiveError(f"{display}: duplicate member {info.filename!r} (also stored as "
                               f"{seen[path]!r}); which copy Lambda keeps is undefined")
        seen[path] = info.filename
        if info.file_size > limits.max_member:
            raise ArchiveError(f"{display}: member {path} unzips to {info.file_size} bytes, more than the "
                               f"{limits.max_member} allowed")
        if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise ArchiveError(f"{display}: member {path} expands {info.file_size // max(info.compress_size, 1)}"
                               f"-fold ({info.compress_size} -> {info.file_size} bytes): a ZIP bomb? refusing "
                               "the archive")
        total += info.file_size
        if total > limits.max_total:
            raise ArchiveError(f"{display}: unzips to more than {limits.max_total} bytes: refusing the archive")
        members.append(Member(path=path, size=info.file_size, info=info))
    # folder entries count too: a member and a folder of the same name cannot both exist
    folders = {p.rsplit("/", 1)[0] for p in seen if "/" in p}
    clash = next((seen[f] for f in folders if f in seen), None)
    if clash is not None:
        raise ArchiveError(f"{display}: member {clash!r} is both a file and a folder")
    return members


def _open_dir(location: Path, display: str, limits: Limits) -> Archive:
    """A folder read as the archive it would zip into: regular files only; a symlink is
    followed only when it stays inside the folder."""
    root = location.resolve()
    members: list[Member] = []
    total = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in ("__pycache__", ".git"))
        for d in list(dirnames):
            full = Path(dirpath, d)
            if full.is_symlink():
                dirnames.remove(d)  # not walked: a link may loop or leave the folder
        for name in sorted(filenames):
            full = Path(dirpath, name)
            rel = full.relative_to(root).as_posix()
            if full.is_symlink():
                target = full.resolve()
                if root not in target.parents or not target.is_file():
                    raise ArchiveError(f"{display}: {rel} is a symbolic link that leaves the folder")
            try:
                st = full.stat()
            except OSError as exc:
                raise ArchiveError(f"{display}: cannot read {rel} ({describe(exc)})") from None
            if not stat.S_ISREG(st.st_mode):
                continue
            total += st.st_size
            if len(members) >= limits.max_members or total > limits.max_total:
                raise ArchiveError(f"{display}: more than {limits.max_members} files or {limits.max_total} "
                                   "bytes: refusing the folder")
            members.append(Member(path=rel, size=st.st_size, disk=str(full)))
    return Archive(location=location, display=display, members=members, is_dir=True)


def safe_extract(archive: Archive, dest: Path, overwrite: bool = False) -> None:
    """Write every member under ``dest`` (already checked: no absolute path, no ``..``,
    no links); files are created without following links, folders 0700."""
    dest = dest.resolve()
    made: set[str] = set()
    for member in archive.members:
        parts = PurePosixPath(member.path).parts
        folder = dest
        for part in parts[:-1]:
            folder = folder / part
            key = str(folder)
            if key not in made:
                try:
                    os.mkdir(folder, 0o700)
                except FileExistsError:
                    if folder.is_symlink() or not folder.is_dir():
                        raise ArchiveError(f"{archive.display}: {member.path} collides with a file") from None
                made.add(key)
        target = folder / parts[-1]
        flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | (os.O_TRUNC if overwrite else os.O_EXCL)
        try:
            fd = os.open(target, flags, 0o600)
        except OSError as exc:
            raise ArchiveError(f"{archive.display}: cannot extract {member.path} ({describe(exc)})") from None
        with os.fdopen(fd, "wb") as out:
            archive.copy_to(member, out)
