"""The oracle for Python build scripts: run the script with the real interpreter and compare
with what the simulation's evaluator (``validator/simulate/pybuild.py``) says it does.

The real run: the repository is written to a temporary folder and the script runs there with
this interpreter (``sys.executable``), from ``fn/`` or from the repository root as the shell
step would, in the sandbox of ``tests/harness/realbuild.py`` when bubblewrap works (only the
temporary folder writable, no network).  Every ``*.zip`` left in the repository is read back
with ``zipfile.ZipFile(path).namelist()``.

The evaluator is driven through the public simulation entry point with the shell step::

    cd fn                                  # or nothing, for python3 fn/build.py
    if python3 build.py; then s=ok; else s=failed; fi
    cd <root> && zip -qr .probe-$s.zip fn

The probe archive tells the status the evaluator gave the script (``ok``/``failed``) and,
through ``Package.incomplete``, whether it gave up (the script was then an unknown command
that may have written into ``fn``).

Agreement, when the evaluator did not give up:

* the script's exit status is 0 exactly when the evaluator's status is ``ok``;
* every archive the real run wrote with ``zipfile`` and left is a package of the simulation
  at the same path with the same member names (directory entries left out); an archive the
  real run left unreadable (a ``ZipFile`` never closed has no central directory) agrees with
  no claimed content; a copy of an archive (``shutil.copy``) is another path of its source;
* the simulation has no archive the real run did not write (one written and then removed
  stays a package, as after ``zip …; rm …`` in a shell step).

When it gave up, nothing it evaluated may be kept: no archive of the script's.

Absolute source paths without an arcname are stored with the checkout's path (``ZipInfo``
strips the leading slash only); the simulation's checkout is ``/w``, the real one a temporary
folder, so that prefix is the one thing rewritten before comparing member names.
"""

from __future__ import annotations

import functools
import os
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from harness.realbuild import _Sandbox, bwrap_works

from validator.model import JobRun, Step, Workflow
from validator.model.repo import Repo
from validator.simulate import simulate

WF = ".github/workflows/deploy.yml"
PROBE = ".probe-"
TIMEOUT = 30


@dataclass
class Real:
    status: int
    stderr: str
    archives: dict[str, list[str] | None]  # repository-relative path -> members (None: unreadable)
    written: set[str]  # every .zip zipfile opened for writing (some may be gone at the end)


#: installed in the real run through ``sitecustomize``: an audit hook that logs every ``.zip``
#: ``zipfile`` opens for writing (modes ``w+b``, ``x+b``, ``r+b``; a copy is opened ``wb``),
#: so that an archive the script wrote and then removed is known, and a copy is told apart
_HOOK = """
import os, sys
_LOG = os.environ["PYBUILD_WRITES"]
def _hook(event, args):
    if event == "open" and isinstance(args[0], str) and args[0].endswith(".zip") \\
            and isinstance(args[1], str) and "+" in args[1]:
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(os.path.abspath(args[0]) + "\\n")
sys.addaudithook(_hook)
"""


@dataclass
class Simulated:
    status: str  # "ok" / "failed"
    gave_up: str  # why, "" when the evaluator followed the script
    archives: dict[str, list[str]]


@dataclass
class PyOutcome:
    real: Real
    simulated: Simulated
    problems: list[str] = field(default_factory=list)

    def report(self) -> str:
        real_archives = "\n".join(f"  {a}: {m}" for a, m in sorted(self.real.archives.items())) or "  (none)"
        sim_archives = "\n".join(f"  {a}: {m}" for a, m in sorted(self.simulated.archives.items())) or "  (none)"
        return (f"real: exit {self.real.status}\n{real_archives}\n{self.real.stderr.strip()[-600:]}\n"
                f"simulated: {self.simulated.status}{' (gave up: ' + self.simulated.gave_up + ')' if self.simulated.gave_up else ''}\n"
                f"{sim_archives}")


def _write(files: dict[str, str], root: Path) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _archives(root: Path) -> dict[str, list[str] | None]:
    out: dict[str, list[str] | None] = {}
    for path in sorted(root.rglob("*.zip")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(PROBE):
            continue
        try:
            with zipfile.ZipFile(path) as z:
                out[rel] = z.namelist()
        except (zipfile.BadZipFile, OSError):
            out[rel] = None
    return out


def run_real(files: dict[str, str], cwd: str, tmp: Path, sandbox: _Sandbox) -> Real:
    root = tmp / "repo"
    root.mkdir()
    _write(files, root)
    script = "build.py" if cwd == "fn" else "fn/build.py"
    hook = tmp / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(_HOOK, encoding="utf-8")
    log = tmp / "writes.log"
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp), "PYTHONDONTWRITEBYTECODE": "1",
           "LANG": "C.UTF-8", "PYTHONPATH": str(hook), "PYBUILD_WRITES": str(log)}
    done = sandbox.run([sys.executable, script], cwd=root / cwd if cwd else root, env=env, timeout=TIMEOUT)
    written = set()
    if log.exists():
        for line in log.read_text(encoding="utf-8").splitlines():
            path = Path(os.path.normpath(line))
            if path.is_relative_to(root):
                written.add(path.relative_to(root).as_posix())
    archives = _archives(root)
    prefix = str(root).lstrip("/") + "/"
    for name, members in archives.items():
        if members is not None:
            archives[name] = ["w/" + m[len(prefix):] if m.startswith(prefix) else m for m in members]
    return Real(done.returncode, done.stderr, archives, written)


def run_simulated(files: dict[str, str], cwd: str, command: str, tmp: Path) -> Simulated:
    root = tmp / "sim"
    root.mkdir()
    _write(files, root)
    lines = [f"cd {cwd}"] if cwd else []
    lines += [f"if {command}; then s=ok; else s=failed; fi"]
    if cwd:
        lines.append("cd ..")
    lines.append(f"zip -qr {PROBE}$s.zip fn")
    script = "\n".join(lines)
    step = Step(index=0, line=9, run=script, run_line=10)
    result = simulate(Workflow(WF, "", [JobRun(WF, "build", 5, steps=[step])]), Repo.open(root), every_job=True)
    status, gave_up, archives = "?", "", {}
    for pkg in result.packages:
        if pkg.archive.startswith(PROBE):
            status = pkg.archive[len(PROBE):-len(".zip")]
            if pkg.incomplete and f"`{command}`" in pkg.incomplete:
                gave_up = pkg.incomplete
            continue
        archives[pkg.archive] = sorted(f for f in pkg.files if not f.endswith("/"))
    return Simulated(status, gave_up, archives)


@functools.lru_cache(maxsize=1)
def _use_bwrap() -> bool:
    return bwrap_works()


def check(files: dict[str, str], cwd: str, command: str) -> PyOutcome:
    with tempfile.TemporaryDirectory(prefix="pybuild-") as name:
        tmp = Path(name)
        real = run_real(files, cwd, tmp, _Sandbox(tmp, _use_bwrap()))
        sim = run_simulated(files, cwd, command, tmp)
    out = PyOutcome(real, sim)
    if sim.status not in ("ok", "failed"):
        out.problems.append(f"no probe archive in the simulation ({sorted(sim.archives)})")
        return out
    if sim.gave_up:
        if sim.archives:
            out.problems.append(f"gave up but kept archives {sorted(sim.archives)}")
        return out
    if (real.status == 0) != (sim.status == "ok"):
        out.problems.append(f"status: real exit {real.status}, simulated {sim.status}")
    for archive, members in sorted(real.archives.items()):
        if archive not in real.written:
            continue  # a copy of an archive (copytree, shutil.copy): another path of its source
        ours = sim.archives.get(archive)
        if ours is None:
            out.problems.append(f"{archive}: written by the real run, not by the simulation")
        elif members is None:
            out.problems.append(f"{archive}: not a readable zip after the real run; simulated with {ours}")
        else:
            theirs = sorted({m for m in members if not m.endswith("/")})
            if theirs != ours:
                out.problems.append(f"{archive}: only simulated {sorted(set(ours) - set(theirs))}, "
                                    f"only real {sorted(set(theirs) - set(ours))}")
    # an archive the script wrote and then removed stays a package, as after ``zip …; rm …``
    for archive in sorted(set(sim.archives) - set(real.archives) - real.written):
        out.problems.append(f"{archive}: simulated, never written by the real run")
    return out
