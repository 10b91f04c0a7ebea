"""Commands that create files the simulation cannot list: other languages' builds,
dependency installs, downloads, archives unpacked, clones, virtual environments.

Each is modelled for what it makes exist (``npm ci`` makes ``node_modules/``, ``go build``
makes the binary, ``tar -x -C out`` fills ``out/``): the folder is marked as holding
unknown files, so a later copy from it is unknown, never "missing", and an archive zipped
from it is marked incomplete instead of being judged on files the tool never saw.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from validator.model import FileKind
from validator.model.paths import WORKSPACE
from validator.simulate.commands.options import parse
from validator.simulate.context import Invocation, UnknownCommand
from validator.simulate.vfs import VFile
from validator.simulate.words import Arg

Handler = Callable[[Invocation], "bool | None"]


def unknown_dir(inv: Invocation, path: str, what: str) -> bool:
    """Mark ``path`` as a folder of unknown files made by this command.  A folder of the
    checkout (the workspace root included) is not marked: what the command adds there may be
    anything, but the repository's files stay known (an ``unzip awscliv2.zip`` at the root
    must not hide a missing source)."""
    vfs = inv.ctx.vfs
    if not (path == WORKSPACE or (vfs.is_dir(path) and vfs.dirs[path].from_repo)):
        vfs.make_unknown(path, f"{what} at line {inv.span.line}", origin=inv.span)
    inv.ctx.unknown.append(UnknownCommand(inv.span, " ".join(a.text for a in inv.args), [path],
                                          inv.ctx.commands, what=f"({what}) writes files the tool cannot list into"))
    return True


def _generated(inv: Invocation, path: str) -> bool:
    """A single output file whose content is unknown (a binary, a download)."""
    vfs = inv.ctx.vfs
    vfs.mkdir(posixpath.dirname(path), parents=True, origin=inv.span)
    vfs.put(path, VFile(FileKind.GENERATED, origin=inv.span))
    return True


def _known(args: list[Arg]) -> bool:
    return not any(a.symbolic for a in args)


def go(inv: Invocation) -> bool | None:
    """``go build [-o OUT] [PKG]``: the binary is OUT, else named after the folder."""
    words = inv.args[1:]
    if not words or words[0].text != "build" or not _known(words):
        return None
    p = parse(words[1:], short_with_value="o")
    out = p.value("-o")
    if out is not None:
        path = inv.path(out)
        return unknown_dir(inv, path, "go build") if out.text.endswith("/") else _generated(inv, path)
    return _generated(inv, posixpath.join(inv.state.cwd, _go_binary_name(inv)))


def _go_binary_name(inv: Invocation) -> str:
    """The last element of go.mod's module path (``go build`` names the binary so), else the folder's name."""
    text = inv.ctx.vfs.read_text(posixpath.join(inv.state.cwd, "go.mod")) or ""
    for line in text.splitlines():
        words = line.split()
        if len(words) >= 2 and words[0] == "module":
            return words[1].strip('"').rstrip("/").rsplit("/", 1)[-1]
    return posixpath.basename(inv.state.cwd) or "main"


def cargo(inv: Invocation) -> bool | None:
    """``cargo build`` / ``cargo lambda build``: everything lands in ``target/``."""
    words = [a.text for a in inv.args[1:]]
    if "build" not in words[:2]:
        return None
    return unknown_dir(inv, inv.path("target"), "cargo build")


def node(inv: Invocation) -> bool | None:
    """``npm ci``/``npm install``/``yarn``/``pnpm install``: ``node_modules/`` in the folder."""
    words = [a.text for a in inv.args[1:] if not a.text.startswith("-")]
    name = inv.name.rsplit("/", 1)[-1]
    installs = (name == "yarn" and (not words or words[0] == "install")) or (words and words[0] in ("ci", "install", "i"))
    if not installs:
        return None
    return unknown_dir(inv, inv.path("node_modules"), f"{name} {words[0] if words else 'install'}")


def dotnet(inv: Invocation) -> bool | None:
    """``dotnet publish -o DIR``."""
    words = inv.args[1:]
    if not words or words[0].text != "publish" or not _known(words):
        return None
    out = parse(words[1:], short_with_value="ocfr", long_with_value=frozenset({"--output"})).value("-o", "--output")
    return unknown_dir(inv, inv.path(out) if out is not None else inv.path("bin"), "dotnet publish")


def tar(inv: Invocation) -> bool | None:
    """``tar -x … [-C DIR]``: files of unknown names appear in DIR (or the current folder)."""
    words = [a.text for a in inv.args[1:]]
    first = words[0] if words else ""
    extracting = any(w in ("-x", "--extract", "--get") for w in words) or (
        not first.startswith("-") and "x" in first) or (first.startswith("-") and not first.startswith("--") and "x" in first)
    if not extracting or not _known(inv.args[1:]):
        return None
    target = inv.state.cwd
    for i, w in enumerate(words):
        if w in ("-C", "--directory") and i + 1 < len(words):
            target = inv.path(words[i + 1])
        elif w.startswith("--directory="):
            target = inv.path(w.split("=", 1)[1])
    return unknown_dir(inv, target, "tar -x")


def unzip(inv: Invocation) -> bool | None:
    """``unzip ARCHIVE [-d DIR]`` (``-l`` only lists)."""
    words = [a.text for a in inv.args[1:]]
    if "-l" in words or "-t" in words or "-Z" in words or not _known(inv.args[1:]):
        return None if not _known(inv.args[1:]) else True
    target = inv.state.cwd
    if "-d" in words and words.index("-d") + 1 < len(words):
        target = inv.path(words[words.index("-d") + 1])
    return unknown_dir(inv, target, "unzip")


def download(inv: Invocation) -> bool | None:
    """``curl -o FILE`` / ``wget -O FILE`` (``-O`` of curl keeps the URL's name)."""
    name = inv.name.rsplit("/", 1)[-1]
    words = inv.args[1:]
    if not _known(words):
        return None
    flag = "o" if name == "curl" else "O"
    long = "--output" if name == "curl" else "--output-document"
    texts = [a.text for a in words]
    remote = False
    for i, t in enumerate(texts):
        cluster = t[1:] if t.startswith("-") and not t.startswith("--") else ""
        if (t == long or cluster.endswith(flag)) and i + 1 < len(texts):
            return _generated(inv, inv.path(texts[i + 1]))
        if t.startswith(long + "="):
            return _generated(inv, inv.path(t.split("=", 1)[1]))
        remote = remote or (name == "curl" and ("O" in cluster or t == "--remote-name"))
    if remote:
        urls = [t for t in texts if "://" in t]
        if urls:
            return _generated(inv, inv.path(posixpath.basename(urls[-1].split("?", 1)[0]) or "index.html"))
    return True  # to stdout: nothing is written (a pipe or redirect decides)


def git(inv: Invocation) -> bool | None:
    """``git clone URL [DIR]``; other git commands change no file the analysis follows."""
    words = [a for a in inv.args[1:] if not a.text.startswith("-")]
    if not words or words[0].text != "clone":
        return None
    rest = words[1:]
    if not rest or not _known(rest):
        return None
    folder = rest[1].text if len(rest) > 1 else posixpath.basename(rest[0].text.rstrip("/")).removesuffix(".git")
    return unknown_dir(inv, inv.path(folder), "git clone")


def venv(inv: Invocation, args: list[Arg]) -> bool | None:
    """``python -m venv DIR`` / ``virtualenv DIR``."""
    folders = [a for a in args if not a.text.startswith("-")]
    if not folders or not _known(folders):
        return None
    return unknown_dir(inv, inv.path(folders[-1]), "a virtual environment")


def virtualenv(inv: Invocation) -> bool | None:
    return venv(inv, inv.args[1:])


HANDLERS: dict[str, Handler] = {
    "go": go, "cargo": cargo, "npm": node, "yarn": node, "pnpm": node, "dotnet": dotnet, "tar": tar,
    "unzip": unzip, "curl": download, "wget": download, "git": git, "virtualenv": virtualenv,
}
