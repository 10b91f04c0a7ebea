"""``terraform plan`` / ``terraform apply``: Terraform zips each ``archive_file`` source
folder when it evaluates the data source, so the archive holds the folder as the job left
it at that moment (a folder a build script filled, ``pip install -t`` included).

The folders and archive paths come from the Terraform reader (``handlers/terraform``)
through the engine, as plain ``(source, output, excludes)`` of repository paths: only a
folder this job built or changed is archived here; one that is only the checkout is
packaged from the repository by ``sources/iac``.
"""

from __future__ import annotations

import posixpath

from validator.model.paths import WORKSPACE
from validator.simulate.commands.zip import archive_folder
from validator.simulate.context import Invocation

#: subcommands that evaluate data sources (``archive_file``)
EVALUATING = frozenset({"plan", "apply", "refresh"})


def run(inv: Invocation) -> bool | None:
    sub = next((a.text for a in inv.args[1:] if not a.text.startswith("-")), None)
    if sub not in EVALUATING or not inv.ctx.terraform_archives:
        return True
    vfs = inv.ctx.vfs
    for source, output, excludes in inv.ctx.terraform_archives:
        folder = posixpath.normpath(posixpath.join(WORKSPACE, source))
        path = posixpath.normpath(posixpath.join(WORKSPACE, output))
        if vfs.is_dir(folder) and _built_here(inv, folder):
            vfs.mkdir(posixpath.dirname(path), parents=True, origin=inv.span)  # archive_file creates it
            archive_folder(inv, folder, path, list(excludes))
    return True


def _built_here(inv: Invocation, folder: str) -> bool:
    """Whether a command of the job put something into ``folder`` (a copy, an install)."""
    vfs = inv.ctx.vfs
    if any(vfs.dirs[d].pip or vfs.dirs[d].installed is not None or not vfs.dirs[d].from_repo
           for d in vfs.walk_dirs(folder)):
        return True
    return any(vfs.files[f].origin is not None for f in vfs.walk_files(folder))
