"""GNU ``cp``/``mv`` placement rules, shared by ``cp.py`` and ``mv.py``.

``cp -r A B``: when B is an existing directory the copy is ``B/basename(A)``,
otherwise B becomes the copy; ``A/.`` copies A's contents; several sources need an
existing directory target.  A command that would fail in CI is recorded on its
``CopyRecord`` (``failed``) and the simulation goes on with what would still happen.
"""

from __future__ import annotations

import posixpath
from dataclasses import replace

from validator.model import CopyRecord
from validator.model.paths import WORKSPACE, is_under, workspace_relative
from validator.simulate.context import Invocation, UnknownCommand
from validator.simulate.vfs import CopyHook, VFile
from validator.simulate.words import Arg, has_glob


def fail(record: CopyRecord, kind: str, detail: str) -> None:
    """Keep the first failure kind; add every detail."""
    if record.failed is None:
        record.failed = kind
    record.failure_detail = f"{record.failure_detail}; {detail}" if record.failure_detail else detail


def copy_hook(inv: Invocation, record: CopyRecord) -> CopyHook:
    """How a copied file is recorded at its destination: same kind and repository source,
    new origin (this command) and copy record."""

    def hook(vfile: VFile) -> VFile:
        return replace(vfile, origin=inv.span, copy=record, history=(*vfile.history, record))

    return hook


def source_exists(inv: Invocation, src: Arg, record: CopyRecord) -> bool:
    """True when the source is in the tree; otherwise records why (missing, or unknown)."""
    path = inv.path(src)
    if inv.ctx.vfs.exists(path):
        return True
    if src.symbolic:
        inv.unmodelled(f"cannot resolve {inv.name} source {src.text!r}: it depends on a value "
                       "not known statically")
        record.sources = [s for s in record.sources if s != path]
        return False
    if is_external(path):
        # a runner path such as /etc/ssl/certs: its content is unknown, not missing
        record.sources = [s for s in record.sources if s != path]
        return False
    unknown = inv.ctx.vfs.unknown_below(path)
    if unknown:
        # made by a command whose files the tool cannot list: unknown, not missing; what
        # it copies is unknown too, so an archive of the target is incomplete
        record.sources = [s for s in record.sources if s != path]
        inv.ctx.unknown.append(UnknownCommand(inv.span, inv.name, [record.target], inv.ctx.commands,
                                              what=f"copies files the tool cannot list ({unknown}) into"))
        return False
    shown = workspace_relative(path)
    detail = f"the pattern {shown} matches nothing" if has_glob(src.text) else f"{shown} does not exist"
    fail(record, "missing-source", detail)
    record.missing = record.missing or path
    return False


#: folders a script may create outside the workspace; anything else absolute is the runner's
SCRATCH_ROOTS = ("/tmp", "/home/runner", "/var/tmp")


def is_external(path: str) -> bool:
    """A path on the runner outside the workspace and outside scratch folders."""
    return not is_under(path, WORKSPACE) and not any(is_under(path, root) for root in SCRATCH_ROOTS)


def is_contents(src: Arg) -> bool:
    """``dir/.`` (or ``.``) names the directory's contents."""
    t = src.text.rstrip("/")
    return t == "." or t.endswith("/.")


def transfer(inv: Invocation, record: CopyRecord, sources: list[Arg], target: Arg, *,
             target_is_dir: bool, no_target_dir: bool, recursive: bool, remove: bool,
             no_clobber: bool = False, parents: bool = False) -> bool:
    """Place each source the way GNU cp/mv do.  Failures are recorded on ``record``; where
    the failure stops the step the command counts as done (status True: the rest is simulated
    as intended, one root cause, one finding), where the step goes on its status is bash's
    (``cp … && zip …`` skips the zip, ``cp … || true`` runs the ``true``)."""
    vfs = inv.ctx.vfs
    tpath = inv.path(target)
    if target.symbolic and not vfs.exists(tpath) and not vfs.is_dir(posixpath.dirname(tpath)):
        inv.unmodelled(f"cannot resolve {inv.name} target {target.text!r}: it depends on a value "
                       "not known statically")
        return True
    many = len(sources) > 1 or target_is_dir
    if many and not vfs.is_dir(tpath):
        if vfs.exists(tpath):
            fail(record, "not-a-directory",
                 f"target {workspace_relative(tpath)} is not a directory (several sources)")
            for src in sources:
                source_exists(inv, src, record)
            return _status(record)
        # reported, then simulated as intended so later steps see the files where the
        # author meant them (one root cause, one finding); when the step goes on past the
        # failure (``|| true``, ``find -exec … \;``, no ``set -e``), it goes on without them
        fail(record, "missing-target-dir", f"target directory {workspace_relative(tpath)} was never created")
        if not record.stops:
            for src in sources:
                source_exists(inv, src, record)
            return _status(record)
        vfs.mkdir(tpath, parents=True, origin=inv.span)
    hook = copy_hook(inv, record)
    for src in sources:
        if not source_exists(inv, src, record):
            continue
        spath = inv.path(src)
        if parents:
            dest = inv.path(posixpath.join(tpath, src.text.lstrip("/")))
            vfs.mkdir(posixpath.dirname(dest), parents=True, origin=inv.span)
        elif many:
            dest = tpath if is_contents(src) else posixpath.join(tpath, posixpath.basename(spath))
        elif no_target_dir or (is_contents(src) and not vfs.is_file(tpath)):
            dest = tpath
        elif vfs.is_dir(tpath):
            dest = posixpath.join(tpath, posixpath.basename(spath))
        else:
            dest = tpath
        parent = posixpath.dirname(dest)
        if not vfs.is_dir(parent):
            fail(record, "missing-target-dir", f"directory {workspace_relative(parent)} was never created")
            if not record.stops:
                continue  # the step goes on, and bash copied nothing
            vfs.mkdir(parent, parents=True, origin=inv.span)
        if vfs.is_dir(spath):
            if not recursive:
                fail(record, "omitting-directory",
                     f"{workspace_relative(spath)} is a directory and {inv.name} has no -r")
                continue
            if vfs.is_file(dest):
                fail(record, "not-a-directory",
                     f"cannot overwrite non-directory {workspace_relative(dest)} with a directory")
                continue
            if is_under(dest, spath) and dest != spath:
                fail(record, "into-itself", f"cannot copy {workspace_relative(spath)} into itself")
                continue
            for old, new in vfs.copy_tree(spath, dest, hook, no_clobber=no_clobber):
                note_placed(inv, record, old, new)
            if remove and not inv.state.uncertain and dest != spath:
                vfs.remove(spath)
        else:
            if target.text.endswith("/") and not many and not vfs.is_dir(tpath):
                fail(record, "missing-target-dir", f"directory {workspace_relative(tpath)} was never created")
                if not record.stops:
                    continue  # the step goes on, and bash copied nothing
                vfs.mkdir(tpath, parents=True, origin=inv.span)
                dest = posixpath.join(tpath, posixpath.basename(spath))
            if vfs.is_dir(dest):
                fail(record, "not-a-directory",
                     f"cannot overwrite directory {workspace_relative(dest)} with a file")
                continue
            if (no_clobber and vfs.is_file(dest)) or dest == spath:
                continue
            vfs.put(dest, hook(vfs.files[spath]))
            note_placed(inv, record, spath, dest)
            if remove and not inv.state.uncertain:
                vfs.remove(spath)
    return _status(record)


def _status(record: CopyRecord) -> bool:
    """The command's exit status as the shell sees it (see ``transfer``)."""
    return record.failed is None or record.stops


def note_placed(inv: Invocation, record: CopyRecord, old: str, new: str) -> None:
    vfile = inv.ctx.vfs.files.get(new)
    if vfile is None:
        return
    if vfile.source is not None:
        record.placed[vfile.source] = new
    if vfile.archive is not None and vfile.archive in inv.ctx.archives:
        inv.ctx.archives[vfile.archive].aliases.add(new)
