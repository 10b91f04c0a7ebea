"""``pip install -t DIR`` (also ``pip3``, ``python -m pip``, ``uv pip``): what a package gets
from PyPI.

Only installs with a target directory can reach a ZIP.  The install is recorded on
the target directory (``VDir.pip``) with one placeholder directory per named
distribution (``VDir.installed``), so a later ``cp``/``zip`` carries both along and the
package knows which requirements it holds and under which prefix.
"""

from __future__ import annotations

import posixpath
import re

from validator.model import PipInstall
from validator.model.paths import WORKSPACE, is_under, relative
from validator.simulate.commands.options import parse
from validator.simulate.context import Invocation

LONG_WITH_VALUE = frozenset({
    "--target", "--requirement", "--constraint", "--platform", "--python-version", "--implementation",
    "--abi", "--only-binary", "--no-binary", "--index-url", "--extra-index-url", "--find-links",
    "--prefix", "--root", "--cache-dir", "--progress-bar", "--trusted-host", "--editable", "--src",
    "--upgrade-strategy", "--log", "--timeout", "--retries", "--python", "--report",
})
#: options copied to ``PipInstall.options`` (what LPK-006 checks)
PLATFORM_OPTIONS = ("--platform", "--python-version", "--implementation", "--abi", "--only-binary",
                    "--no-binary")
PLATFORM_FLAGS = ("--no-deps", "--upgrade", "--pre", "--no-compile", "--force-reinstall", "--ignore-installed")

NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def run(inv: Invocation) -> bool | None:
    args = inv.args
    words = [a.text for a in args]
    if "install" not in words:
        return True
    p = parse(args[words.index("install") + 1 :], short_with_value="trcieif",
              long_with_value=LONG_WITH_VALUE)
    target = p.value("-t", "--target")
    if target is None:
        return True  # installs into the runner's environment: never reaches a ZIP
    if target.symbolic and not inv.ctx.vfs.is_dir(inv.path(target)):
        inv.unmodelled(f"cannot resolve pip target {target.text!r}: it depends on a value not known statically")
        return True
    tpath = inv.path(target)
    requirement_files: list[str] = []
    names: list[str] = []
    for req in p.all("-r", "--requirement"):
        rel, listed = read_requirements(inv, req.text)
        requirement_files.append(rel)
        names += listed
    requirements = [o.text for o in p.operands] + names
    options = {k: v.text for k in PLATFORM_OPTIONS if (v := p.value(k)) is not None}
    options.update({k: "" for k in PLATFORM_FLAGS if p.has(k)})
    if p.has("U"):
        options["--upgrade"] = ""
    install = PipInstall(prefix="", requirements=requirements, requirement_files=requirement_files,
                         span=inv.span, options=options)
    vfs = inv.ctx.vfs
    vfs.mkdir(tpath, parents=True, origin=inv.span)
    vfs.dirs[tpath].pip.append(install)
    for name in requirements:
        dist = distribution(name)
        if dist is None:
            continue
        placeholder = posixpath.join(tpath, dist)
        if vfs.mkdir(placeholder, origin=inv.span):
            vfs.dirs[placeholder].installed = install
    return True


def distribution(requirement: str) -> str | None:
    """``PyYAML[extra]>=6`` -> ``pyyaml``; paths, URLs and options -> None."""
    if requirement.startswith((".", "/", "-", "git+", "http")) or "://" in requirement:
        return None
    m = NAME.match(requirement)
    if not m:
        return None
    return m.group(1).lower().replace("-", "_").replace(".", "_")


def read_requirements(inv: Invocation, text: str, depth: int = 0) -> tuple[str, list[str]]:
    """Repository-relative path of a ``-r`` file and the requirement names it lists."""
    path = inv.path(text)
    vfile = inv.ctx.vfs.files.get(path)
    rel = vfile.source if vfile is not None and vfile.source else (
        relative(path, WORKSPACE) if is_under(path, WORKSPACE) else path)
    content = inv.ctx.repo.read_text(vfile.source) if vfile is not None and vfile.source else None
    if content is None:
        return rel, []
    names: list[str] = []
    for line in content.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(("-r ", "--requirement")) and depth < 5:
            nested = line.split(None, 1)[1] if " " in line else line.split("=", 1)[-1]
            _rel, more = read_requirements(inv, posixpath.join(posixpath.dirname(text) or ".", nested), depth + 1)
            names += more
            continue
        if line.startswith("-"):
            continue
        names.append(line.split(";", 1)[0].strip())
    return rel, names
