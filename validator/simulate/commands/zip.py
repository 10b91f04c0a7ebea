"""``zip`` (Info-ZIP 3.0) and ``python -m zipfile -c``: which stored paths an archive gets.

Paths are stored as given relative to the cwd (leading ``/``, ``./`` and ``../``
dropped): ``zip -r x.zip build`` stores ``build/…``, ``cd build && zip -r ../x.zip .``
stores the contents.  ``-j`` keeps basenames, ``-x``/``-i`` match stored paths with
``*`` crossing ``/``, a directory without ``-r`` adds only its entry, and zipping into
an existing archive updates it (``-FS`` syncs it to the inputs).
"""

from __future__ import annotations

import fnmatch
import posixpath
from dataclasses import replace

from validator.model import FileKind, PackageFile, PipInstall
from validator.model.paths import relative, workspace_relative
from validator.simulate.context import Archive, Invocation
from validator.simulate.vfs import VFile
from validator.simulate.words import Arg, has_glob

#: single-letter options that take a value (the next argument, or the rest of the word)
VALUE_OPTIONS = "bnPZOstL"
LONG_FLAGS = {
    "--recurse-paths": "r", "--junk-paths": "j", "--quiet": "q", "--filesync": "FS", "--grow": "g",
    "--symlinks": "y", "--no-dir-entries": "D", "--move": "m", "--delete": "d", "--update": "u",
    "--freshen": "f", "--test": "T", "--no-extra": "X", "--recurse-patterns": "R", "--verbose": "v",
}


class ZipCall:
    """A parsed ``zip`` command line (a plain slotted class: no dataclass method
    generation at start-up)."""

    __slots__ = ("archive", "excludes", "flags", "includes", "names", "stdin_names")

    def __init__(self) -> None:
        self.flags: set[str] = set()
        self.archive: Arg | None = None
        self.names: list[Arg] = []
        self.excludes: list[str] = []
        self.includes: list[str] = []
        self.stdin_names = False


def parse_zip(args: list[Arg]) -> ZipCall:
    call = ZipCall()
    pattern_list: list[str] | None = None
    i = 0
    while i < len(args):
        a = args[i]
        t = a.text
        i += 1
        if t.startswith("-") and len(t) > 1:
            pattern_list = None
            if t.startswith("--"):
                name, eq, value = t.partition("=")
                if name in ("--exclude", "--include"):
                    pattern_list = call.excludes if name == "--exclude" else call.includes
                    if eq:
                        pattern_list.append(value)
                elif name in LONG_FLAGS:
                    call.flags.add(LONG_FLAGS[name])
                elif name in ("--out", "--temp-path", "--suffixes", "--password") and not eq:
                    i += 1
                continue
            if t in ("-FS", "-FF", "-FI", "-DF", "-MM", "-TT", "-UN", "-ws", "-sf", "-so", "-sc", "-nw"):
                call.flags.add(t[1:])
                continue
            if t[1] in "xi":
                pattern_list = call.excludes if t[1] == "x" else call.includes
                if len(t) > 2:
                    pattern_list.append(t[2:])
                continue
            for k, ch in enumerate(t[1:]):
                if ch == "@":
                    call.stdin_names = True
                elif ch in VALUE_OPTIONS:
                    if k + 2 >= len(t):
                        i += 1
                    break
                else:
                    call.flags.add(ch)
            continue
        if pattern_list is not None:
            pattern_list.append(t)
            continue
        if call.archive is None:
            call.archive = a
        else:
            call.names.append(a)
    return call


def pattern_files(inv: Invocation, patterns: list[str], option: str) -> list[str]:
    """``-x@exclude.lst``: the patterns listed in a repository file, one per line; a list
    whose content is unknown is noted and leaves the other patterns in force."""
    out: list[str] = []
    for pattern in patterns:
        if not pattern.startswith("@") or len(pattern) == 1:
            out.append(pattern)
            continue
        text = inv.ctx.vfs.read_text(inv.path(pattern[1:]))
        if text is None:
            inv.unmodelled(f"zip {option}{pattern} reads patterns from {pattern[1:]}, whose content is not known")
            continue
        out += [line.strip() for line in text.splitlines() if line.strip()]
    return out


def stored_name(text: str) -> str:
    """The path zip stores for an argument: ``/``, ``./`` and ``../`` prefixes dropped."""
    parts = [p for p in text.split("/") if p not in ("", ".")]
    while parts and parts[0] == "..":
        parts.pop(0)
    return "/".join(parts)


def archive_path(inv: Invocation, archive: Arg) -> str:
    text = archive.text
    if "." not in posixpath.basename(text):
        text += ".zip"
    return inv.path(text)


class Inputs:
    """What one zip command adds: stored path -> virtual file, plus the directories it read."""

    __slots__ = ("dirs", "files", "missing")

    def __init__(self, dirs: list[tuple[str, str]] | None = None) -> None:
        self.files: dict[str, tuple[str, VFile]] = {}
        self.dirs: list[tuple[str, str]] = [] if dirs is None else dirs  # (virtual dir, stored prefix)
        self.missing: list[str] = []


def collect(inv: Invocation, names: list[Arg], recursive: bool, skip: set[str]) -> Inputs:
    vfs = inv.ctx.vfs
    out = Inputs()
    for name in names:
        path = inv.path(name)
        stored = stored_name(name.text)
        if vfs.is_file(path):
            if path not in skip:
                out.files[stored or posixpath.basename(path)] = (path, vfs.files[path])
        elif vfs.is_dir(path):
            out.dirs.append((path, stored))
            if not recursive:
                continue
            for f in vfs.walk_files(path):
                if f in skip:
                    continue
                rel = relative(f, path)
                out.files[f"{stored}/{rel}" if stored else rel] = (f, vfs.files[f])
        elif name.symbolic:
            inv.unmodelled(f"cannot resolve zip input {name.text!r}: it depends on a value not known statically")
        elif has_glob(name.text):
            # a quoted wildcard: zip matches it against the files under the cwd itself
            for f in vfs.walk_files(inv.state.cwd):
                rel = relative(f, inv.state.cwd)
                if fnmatch.fnmatchcase(rel, stored_name(name.text)) and f not in skip:
                    out.files[rel] = (f, vfs.files[f])
        else:
            out.missing.append(workspace_relative(path))
    return out


def recurse_patterns(inv: Invocation, patterns: list[Arg], skip: set[str]) -> Inputs:
    """``zip -R x.zip '*.py'``: every file under the cwd whose name matches."""
    out = Inputs()
    cwd = inv.state.cwd
    for f in inv.ctx.vfs.walk_files(cwd):
        rel = relative(f, cwd)
        if f not in skip and any(fnmatch.fnmatchcase(posixpath.basename(rel), p.text) for p in patterns):
            out.files[rel] = (f, inv.ctx.vfs.files[f])
    out.dirs.append((cwd, ""))
    return out


def run(inv: Invocation) -> bool | None:
    call = parse_zip(inv.args[1:])
    if call.archive is None or call.archive.text == "-":
        return True
    if call.stdin_names:
        inv.unmodelled("zip -@ reads the file list from stdin: the archive contents are unknown")
    call.excludes = pattern_files(inv, call.excludes, "-x")
    call.includes = pattern_files(inv, call.includes, "-i")
    path = archive_path(inv, call.archive)
    existing = inv.ctx.archive_at(path)
    skip = {path} | (existing.aliases if existing else set())
    if "d" in call.flags:
        if existing is not None:
            pats = [stored_name(n.text) for n in call.names]
            for name in [n for n in existing.entries if any(fnmatch.fnmatchcase(n, p) for p in pats)]:
                del existing.entries[name]
        return True
    if "R" in call.flags:
        inputs = recurse_patterns(inv, call.names, skip)
    else:
        inputs = collect(inv, call.names, "r" in call.flags, skip)
    files = {k: v for k, v in inputs.files.items() if keep(k, call)}
    if "j" in call.flags:
        files = {posixpath.basename(k): v for k, v in files.items()}
    unknown = [p for n in call.names if not n.symbolic and inv.ctx.vfs.unknown_below(p := inv.path(n))]
    if not files and existing is None and not inputs.dirs and unknown:
        # its inputs were made by commands whose files the tool cannot list: an archive of
        # unknown content (incomplete), not a zip with nothing to do
        archive = new_archive(inv, path)
        archive.inputs += [p for p in unknown if p not in archive.inputs]
        archive.root_dir = archive.root_dir or inv.state.cwd
        return True
    if not files and existing is None and not inputs.dirs:
        inv.unmodelled(f"zip has nothing to add to {call.archive.text}: "
                       f"{', '.join(inputs.missing) or 'no input'} not found", could_touch=True)
        return False
    archive = existing if existing is not None else new_archive(inv, path)
    if existing is not None and "FS" in call.flags:
        archive.entries.clear()
        archive.pip.clear()
    for stored, (_vpath, vfile) in files.items():
        if "f" in call.flags and stored not in archive.entries:
            continue
        archive.entries[stored] = PackageFile(stored, vfile.kind, vfile.source, vfile.origin or inv.span)
        for record in vfile.history:
            archive.add_copy(record)
    if "r" in call.flags or "R" in call.flags:
        add_installed(inv, archive, inputs, call)
        add_failed_copies(inv, archive, inputs)
    if archive.root_dir is None and "j" not in call.flags:
        archive.root_dir = inv.state.cwd
    note_inputs(inv, archive, inputs)
    if "m" in call.flags and not inv.state.uncertain:
        for _stored, (vpath, _vfile) in files.items():
            inv.ctx.vfs.remove(vpath)
    return True


def keep(stored: str, call: ZipCall) -> bool:
    if call.includes and not any(fnmatch.fnmatchcase(stored, p) for p in call.includes):
        return False
    return not any(fnmatch.fnmatchcase(stored, p) for p in call.excludes)


def new_archive(inv: Invocation, path: str) -> Archive:
    vfs = inv.ctx.vfs
    parent = posixpath.dirname(path)
    if not vfs.is_dir(parent):
        inv.unmodelled(f"zip cannot write {workspace_relative(path)}: directory "
                       f"{workspace_relative(parent)} was never created")
        vfs.mkdir(parent, parents=True)
    archive = inv.ctx.new_archive(path, inv.span)
    vfs.put(path, VFile(FileKind.GENERATED, origin=inv.span, archive=archive.id))
    return archive


def add_installed(inv: Invocation, archive: Archive, inputs: Inputs, call: ZipCall) -> None:
    """pip targets inside the zipped directories become ``pip_installs`` (prefix = the target's
    stored path) and their distributions INSTALLED placeholder entries."""
    vfs = inv.ctx.vfs
    for root, stored in inputs.dirs:
        for d in vfs.walk_dirs(root):
            info = vfs.dirs[d]
            rel = relative(d, root)
            prefix = "/".join(p for p in (stored, rel) if p)
            if "j" in call.flags:
                prefix = ""
            for pip in info.pip:
                archive.pip[(id(pip), prefix)] = _with_prefix(pip, prefix)
            if info.installed is not None and keep(prefix + "/", call):
                entry = prefix + "/"
                archive.entries.setdefault(entry, PackageFile(entry, FileKind.INSTALLED, None,
                                                              info.installed.span))
                parent = posixpath.dirname(prefix)
                archive.pip.setdefault((id(info.installed), parent), _with_prefix(info.installed, parent))


def _with_prefix(pip: PipInstall, prefix: str) -> PipInstall:
    return replace(pip, prefix=prefix, requirements=list(pip.requirements),
                   requirement_files=list(pip.requirement_files), options=dict(pip.options))


def add_failed_copies(inv: Invocation, archive: Archive, inputs: Inputs) -> None:
    """A copy that failed towards a zipped directory explains files missing from the archive."""
    for record in inv.ctx.copies_towards([root for root, _stored in inputs.dirs]):
        archive.add_copy(record)


def run_python_zipfile(inv: Invocation) -> bool | None:
    """``python -m zipfile -c out.zip PATH…``: each PATH is stored under its basename
    (``.``/``..`` and ``dir/`` contents at the root), recursively (CPython ``zipfile.main``)."""
    args = inv.args[1:]
    if not args or args[0].text not in ("-c", "--create") or len(args) < 2:
        return True
    archive_arg, names = args[1], args[2:]
    path = inv.path(archive_arg)
    vfs = inv.ctx.vfs
    files: dict[str, VFile] = {}
    dirs: list[tuple[str, str]] = []
    for name in names:
        src = inv.path(name)
        text = name.text
        zippath = posixpath.basename(text) or posixpath.basename(posixpath.dirname(text))
        if zippath in ("", ".", ".."):
            zippath = ""
        if vfs.is_file(src) and src != path:
            files[zippath or posixpath.basename(src)] = vfs.files[src]
        elif vfs.is_dir(src):
            dirs.append((src, zippath))
            for f in vfs.walk_files(src):
                if f != path:
                    rel = relative(f, src)
                    files[f"{zippath}/{rel}" if zippath else rel] = vfs.files[f]
        elif name.symbolic:
            inv.unmodelled(f"cannot resolve zipfile input {text!r}: it depends on a value not known statically")
    write_archive(inv, path, files, dirs)
    return True


def archive_folder(inv: Invocation, folder: str, path: str, excludes: list[str] | None = None) -> None:
    """The contents of ``folder`` zipped at its root into ``path``, as Terraform's
    ``archive_file`` with ``source_dir`` does (``excludes`` are folder-relative paths)."""
    vfs = inv.ctx.vfs
    files = {}
    for f in vfs.walk_files(folder):
        rel = relative(f, folder)
        if f != path and not any(rel == e or rel.startswith(e.rstrip("/") + "/") for e in excludes or []):
            files[rel] = vfs.files[f]
    write_archive(inv, path, files, [(folder, "")])


def write_archive(inv: Invocation, path: str, files: dict[str, VFile], dirs: list[tuple[str, str]]) -> None:
    """Create (or recreate) the archive at ``path`` holding ``files`` and the pip installs
    of ``dirs`` (each a folder and the stored path of its contents)."""
    if inv.ctx.archive_at(path) is not None:
        inv.ctx.vfs.remove(path)  # written anew, not updated
    archive = new_archive(inv, path)
    for stored, vfile in files.items():
        archive.entries[stored] = PackageFile(stored, vfile.kind, vfile.source, vfile.origin or inv.span)
        for record in vfile.history:
            archive.add_copy(record)
    inputs = Inputs(dirs=dirs)
    add_installed(inv, archive, inputs, ZipCall())
    add_failed_copies(inv, archive, inputs)
    archive.root_dir = dirs[0][0] if len(dirs) == 1 and not dirs[0][1] else inv.state.cwd
    note_inputs(inv, archive, inputs)


def note_inputs(inv: Invocation, archive: Archive, inputs: Inputs) -> None:
    for d, _stored in inputs.dirs:
        if d not in archive.inputs:
            archive.inputs.append(d)
    archive.order = inv.ctx.commands

