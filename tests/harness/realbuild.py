"""Build a repository's Lambda ZIPs with real bash, the way GitHub's runner would, and import
each handler from the archives the way the Lambda runtime does.

The engine's simulation is checked against this: the differential tests over the fixtures and
the fuzzer (``tests/fuzz``) both call :func:`real_build`.

How a repository is built:

* it is copied to a temporary folder, once per (workflow, job, matrix combination);
* each ``run:`` step runs with ``bash --noprofile --norc -eo pipefail -c SCRIPT`` (GitHub's
  default shell), in ``defaults.run.working-directory`` or the step's ``working-directory``, with
  ``env:`` of the workflow, job and step and the ``KEY=value`` lines earlier steps appended to
  ``$GITHUB_ENV``; ``${{ matrix.x }}`` is the combination's value, any other ``${{ … }}`` becomes
  :data:`PLACEHOLDER`; the first failing step ends the job run;
* ``pip``/``pip3`` are stubs: ``pip install NAME… -t DIR`` (and ``-r FILE``) creates
  ``DIR/<name>/__init__.py``; ``aws``, ``terraform``, ``sam`` do nothing; ``docker run`` runs its
  command on the host with bind mounts (``-v``, ``--mount type=bind``) and ``-w`` mapped back;
* every ZIP under the copy is recorded after each step (a later cleanup does not hide it);
* each requested handler is imported from its extracted archive in a fresh interpreter the way
  the bootstrap does it: the standard-library modules the bootstrap has already imported come
  first (the measured list in ``validator/model/data/preimported.json``; after the entries of a
  ``PYTHONPATH`` the function sets, which the interpreter puts on ``sys.path`` at start), then
  the archive root goes first on ``sys.path`` (plus a stub for the modules the runtime provides,
  boto3 …); a handler whose top-level module is built in gets
  ``Runtime.BuiltInModuleConflict``; the handler is called once with ``({}, None)``;
* a function given with its layers (:class:`Function`) gets them extracted, in order, into one
  folder that stands for ``/opt`` (later layers overwrite earlier files, as Lambda merges them),
  and its ``sys.path`` built the way the runtime's bootstrap builds it: ``PYTHONPATH`` entries
  (``/opt`` and ``/var/task`` mapped to the extracted folders) first when the function sets it;
  otherwise ``/opt/python/lib/python3.X/site-packages`` (X its runtime's version) and
  ``/opt/python``; then the archive root in front, and ``site.addsitedir`` for the archive root
  (and for the two layer folders when ``PYTHONPATH`` is not set).

Sandbox: when ``bwrap`` works, bash and the imports run in a read-only view of the machine where
only the temporary folder is writable (``/tmp`` a private tmpfs, no network), so a script that
``cd``s above its copy cannot write anywhere else; otherwise they are plain subprocesses whose
working directory is inside the temporary folder.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PLACEHOLDER = "x"
GITHUB_SHA = "abcdef1234567"
STEP_TIMEOUT = 60  # seconds; a generated script never needs more

_PIP = r'''#!/usr/bin/env bash
# pip stub: `install NAME… -t DIR` (and -r FILE) creates DIR/<name>/__init__.py for each NAME
target=""; prev=""; names=()
for a in "$@"; do
  case "$prev" in
    -t|--target) target="$a" ;;
    -r|--requirement)
      [ -f "$a" ] || { echo "ERROR: Could not open requirements file: $a" >&2; exit 1; }
      while IFS= read -r line || [ -n "$line" ]; do
        line="${line%%#*}"; line="${line%%;*}"; line="$(printf '%s' "$line" | tr -d '[:space:]')"
        case "$line" in ""|-*) ;; *) names+=("$line") ;; esac
      done < "$a" ;;
    --platform|--implementation|--python-version|-c|--constraint|--abi|--only-binary|--no-binary|-i|--index-url) ;;
    *) case "$a" in -*|install) ;; *) names+=("$a") ;; esac ;;
  esac
  case "$a" in --target=*) target="${a#--target=}" ;; esac
  prev="$a"
done
if [ -n "$target" ]; then
  mkdir -p "$target"
  for n in "${names[@]}"; do
    [ "$n" = "." ] && continue
    m=$(printf '%s' "${n%%[=<>~!\[@ ]*}" | tr 'A-Z-' 'a-z_')
    [ -n "$m" ] && mkdir -p "$target/$m" && touch "$target/$m/__init__.py"
  done
fi
exit 0
'''

_NOOP = "#!/bin/sh\nexit 0\n"

_DOCKER = r'''
"""docker stub: `docker run` runs the container's command here, bind mounts mapped back."""
import os, subprocess, sys
argv = sys.argv[1:]
if not argv or argv[0] != "run":
    sys.exit(0)
argv, mounts, workdir, entry = argv[1:], [], None, None
WITH_VALUE = {"-v", "--volume", "-w", "--workdir", "--entrypoint", "--mount", "-e", "--env", "--name",
              "--user", "-u", "--platform", "--network", "--env-file"}
while argv and argv[0].startswith("-"):
    key, eq, val = argv.pop(0).partition("=")
    if key in WITH_VALUE and not eq:
        val = argv.pop(0) if argv else ""
    if key in ("-v", "--volume"):
        host, _, ctr = val.partition(":")
        mounts.append((ctr.split(":")[0], os.path.abspath(host)))
    elif key == "--mount":
        kv = dict(part.partition("=")[::2] for part in val.split(","))
        if kv.get("type", "bind") == "bind":
            mounts.append((kv.get("target") or kv.get("dst") or kv.get("destination") or "",
                           os.path.abspath(kv.get("source") or kv.get("src") or ".")))
    elif key in ("-w", "--workdir"):
        workdir = val
    elif key == "--entrypoint":
        entry = val
if not argv:
    sys.exit(0)
cmd = ([entry] if entry else []) + argv[1:]
mounts.sort(key=lambda m: -len(m[0]))
def on_host(text):
    for ctr, host in mounts:
        ctr = ctr.rstrip("/")
        if not ctr:
            continue
        text = text.replace(ctr + "/", host + "/")
        if text == ctr:
            text = host
    return text
cmd = [on_host(c) for c in cmd]
cwd = on_host(workdir) if workdir else os.getcwd()
if not os.path.isdir(cwd):
    cwd = os.getcwd()
if cmd and os.path.basename(cmd[0]) in ("bash", "sh") and "-c" in cmd:
    sys.exit(subprocess.call(["bash", "-eo", "pipefail", "-c", cmd[cmd.index("-c") + 1]], cwd=cwd))
sys.exit(subprocess.call(cmd, cwd=cwd) if cmd else 0)
'''

_IMPORTER = r'''
import importlib, importlib.abc, importlib.machinery, os, site, sys, types
root, opt, version, pythonpath, preload = sys.argv[1:6]
handlers = sys.argv[6:]
def bootstrap_imports():
    """The bootstrap's order: its modules are imported before the task root goes first on sys.path."""
    for name in preload.split():
        try:
            importlib.import_module(name)
        except Exception:
            pass
if opt:
    def mapped(entry):
        for real, extracted in (("/opt", opt), ("/var/task", root)):
            if entry == real or entry.startswith(real + "/"):
                return extracted + entry[len(real):]
        return entry if os.path.isabs(entry) else os.path.join(root, entry)
    site_dir = opt + "/python/lib/python" + version + "/site-packages"
    if pythonpath != "-":  # the interpreter puts PYTHONPATH first; the bootstrap then adds no /opt folder
        sys.path[:0] = [mapped(e) for e in pythonpath.split(":") if e]
        bootstrap_imports()
    else:
        bootstrap_imports()
        sys.path.insert(0, opt + "/python")
        sys.path.insert(0, site_dir)
    sys.path.insert(0, root)
    site.addsitedir(root)
    if pythonpath == "-":
        site.addsitedir(site_dir)
        site.addsitedir(opt + "/python")
else:
    bootstrap_imports()
    sys.path[:0] = [root]
PROVIDED = {"boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six"}
class RuntimeStub(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """What the Lambda runtime provides (boto3 …) unless the archive ships it: any name resolves."""
    def find_spec(self, name, path=None, target=None):
        top = name.split(".")[0]
        if top in PROVIDED and importlib.machinery.PathFinder.find_spec(top, [root]) is None:
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
        return None
    def create_module(self, spec):
        module = types.ModuleType(spec.name)
        module.__path__ = []
        module.__getattr__ = lambda attr: type(attr, (Exception,), {"__init__": lambda self, *a, **k: None,
                                                                   "__call__": lambda self, *a, **k: None})
        return module
    def exec_module(self, module):
        pass
sys.meta_path.append(RuntimeStub())
def verdict(handler):
    mod, _, fn = handler.rpartition(".")
    if mod.split(".")[0] in sys.builtin_module_names:
        return f"Runtime.BuiltInModuleConflict: Cannot use built-in module {mod} as a handler module"
    try:
        m = importlib.import_module(mod.replace("/", "."))
    except ImportError as e:
        return f"Runtime.ImportModuleError: {e}"
    except SyntaxError as e:
        return f"Runtime.UserCodeSyntaxError: {e}"
    except Exception as e:
        return f"Runtime.ImportModuleError: {type(e).__name__}: {e}"
    f = getattr(m, fn, None)
    if f is None:
        return f"Runtime.HandlerNotFound: Handler '{fn}' missing on module '{mod}'"
    try:
        f({}, None)
    except ImportError as e:
        return f"invoke ImportError: {e}"
    except Exception:
        pass
    return "OK"
for h in handlers:
    # each handler in a clean module table: one package's handlers must not see each other's imports
    saved = dict(sys.modules)
    print("@@verdict", verdict(h).replace("\n", " "), flush=True)
    for name in set(sys.modules) - set(saved):
        del sys.modules[name]
    importlib.invalidate_caches()
'''


def _preload() -> str:
    """The standard-library modules the Lambda bootstrap has imported before the handler on
    this interpreter's version (measured with the real runtime interface client:
    ``scripts/build_preimported.py``), space-separated."""
    from validator.model.dists import preimported, stdlib

    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    names = [m for m in preimported(version).always if m in stdlib(version) and not m.startswith("_")
             and m not in ("__main__", "__future__")]
    # ``os`` first: under ``-S`` nothing has imported it yet, and ``genericpath`` before it is a cycle
    return " ".join(sorted(names, key=lambda m: (m != "os", m)))


@dataclass
class Function:
    """How a function runs an archive: its layers (archives the workflow builds, or
    ``folder:PATH`` for a repository folder an infrastructure tool zips as it is), its
    runtime and its ``PYTHONPATH`` (None when it sets none)."""

    layers: list[str] = field(default_factory=list)
    runtime: str = "python3.12"
    pythonpath: str | None = None

    @classmethod
    def from_json(cls, spec: Mapping[str, Any]) -> Function:
        env = spec.get("environment") or {}
        return cls(layers=list(spec.get("layers") or []), runtime=str(spec.get("runtime") or "python3.12"),
                   pythonpath=env.get("PYTHONPATH"))


@dataclass
class StepRun:
    """One ``run:`` step as bash ran it."""

    workflow: str
    job: str
    matrix: dict[str, Any]
    step: int  # index in the job's ``steps:``
    exit: int
    stderr: str  # the last line bash wrote to stderr

    def as_dict(self) -> dict[str, Any]:
        return {"workflow": self.workflow, "job": self.job, "matrix": self.matrix, "step": self.step,
                "exit": self.exit, "stderr": self.stderr}


@dataclass
class RealBuild:
    """What bash built: steps run (and the failing ones), archives and their members, handler verdicts."""

    steps: list[StepRun] = field(default_factory=list)
    archives: dict[str, list[str]] = field(default_factory=dict)  # repo-relative path -> sorted members
    handlers: dict[str, str] = field(default_factory=dict)  # "ARCHIVE=HANDLER" -> verdict
    #: the archive built by each (workflow, job, matrix) run, for callers that need one run's view
    built_by: dict[str, list[str]] = field(default_factory=dict)

    @property
    def failed_steps(self) -> list[StepRun]:
        return [s for s in self.steps if s.exit]

    def as_dict(self) -> dict[str, Any]:
        """The shape ``shared/tools/real-build`` prints (``failed_steps``, ``archives``, ``handlers``)."""
        return {"failed_steps": [s.as_dict() for s in self.failed_steps], "archives": self.archives,
                "handlers": self.handlers}


@functools.lru_cache(maxsize=1)
def _visible_under_tmp() -> list[str]:
    """Folders below /tmp the sandboxed processes need to read: the Python running the tests
    (a venv's prefix and its base), and this project (imported by the handlers' stubs)."""
    wanted = {sys.prefix, sys.base_prefix, sys.exec_prefix, str(Path(__file__).resolve().parents[2])}
    out = []
    for path in sorted(wanted):
        resolved = str(Path(path).resolve())
        if resolved == "/tmp" or resolved.startswith("/tmp/"):
            out.append(resolved)
    return out


def bwrap_works() -> bool:
    """bubblewrap is installed and may create its namespaces here (not in every container)."""
    exe = shutil.which("bwrap")
    if exe is None:
        return False
    try:
        probe = subprocess.run([exe, "--ro-bind", "/", "/", "--dev", "/dev", "--unshare-net", "true"],
                               capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return probe.returncode == 0


def tools_missing() -> list[str]:
    """The programs a real build needs that this machine lacks."""
    return [tool for tool in ("bash", "zip") if shutil.which(tool) is None]


class _Sandbox:
    """Runs commands so that only ``tmp`` can be written (bubblewrap), or plainly inside ``tmp``."""

    def __init__(self, tmp: Path, use_bwrap: bool | None = None) -> None:
        self.tmp = tmp
        self.bwrap = bwrap_works() if use_bwrap is None else use_bwrap

    def run(self, argv: list[str], cwd: Path, env: Mapping[str, str] | None = None,
            timeout: float = STEP_TIMEOUT) -> subprocess.CompletedProcess[str]:
        if self.bwrap:
            # /tmp first, then what must stay visible below it: the interpreter and the project
            # (a checkout, and its venv, may live under /tmp), then the writable temporary folder
            keep = [a for path in _visible_under_tmp() for a in ("--ro-bind", path, path)]
            argv = ["bwrap", "--ro-bind", "/", "/", "--tmpfs", "/tmp", *keep, "--bind", str(self.tmp), str(self.tmp),
                    "--dev", "/dev", "--proc", "/proc", "--unshare-net", "--die-with-parent",
                    "--chdir", str(cwd), "--", *argv]
        try:
            return subprocess.run(argv, cwd=cwd, env=dict(env) if env is not None else None,
                                  capture_output=True, text=True, timeout=timeout, errors="replace")
        except subprocess.TimeoutExpired:
            return subprocess.CompletedProcess(argv, 124, "", f"timed out after {timeout} s")


# --------------------------------------------------------------------------- workflows


def _env(*levels: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for level in levels:
        values = level.get("env") if isinstance(level, dict) else None
        if isinstance(values, dict):
            for key, value in values.items():
                out[str(key)] = "" if value is None else (str(value).lower() if isinstance(value, bool) else str(value))
    return out


def _working_dir(doc_or_job: Any, default: str | None) -> str | None:
    run = ((doc_or_job.get("defaults") or {}).get("run") or {}) if isinstance(doc_or_job, dict) else {}
    value = run.get("working-directory", default) if isinstance(run, dict) else default
    return None if value is None else str(value)


def _combinations(job: dict) -> list[dict[str, Any]]:
    matrix = (job.get("strategy") or {}).get("matrix") or {}
    if not isinstance(matrix, dict):
        return [{}]
    keys = [k for k, v in matrix.items() if isinstance(v, list) and k not in ("include", "exclude")]
    combos = [dict(zip(keys, values, strict=True)) for values in itertools.product(*(matrix[k] for k in keys))]
    return combos or [{}]


def _expand(text: str, combo: Mapping[str, Any]) -> str:
    def value(m: re.Match[str]) -> str:
        expr = m.group(1).strip()
        if expr.startswith("matrix."):
            v = combo.get(expr[len("matrix."):], "")
            return str(v).lower() if isinstance(v, bool) else str(v)
        return PLACEHOLDER
    return re.sub(r"\$\{\{(.*?)\}\}", value, text, flags=re.S)


@dataclass
class _JobRun:
    workflow: str
    job: str
    combo: dict[str, Any]
    steps: list[tuple[int, str | None, str, dict[str, str]]]  # index, working dir, script, env


def _job_runs(workflow: str, doc: Any) -> Iterator[_JobRun]:
    if not isinstance(doc, dict) or not isinstance(doc.get("jobs"), dict):
        return
    default_wd = _working_dir(doc, None)
    for job_id, job in doc["jobs"].items():
        if not isinstance(job, dict):
            continue
        job_wd = _working_dir(job, default_wd)
        steps = [(i, str(st["working-directory"]) if st.get("working-directory") is not None else job_wd,
                  st["run"], _env(doc, job, st))
                 for i, st in enumerate(job.get("steps") or [])
                 if isinstance(st, dict) and isinstance(st.get("run"), str)]
        if steps:
            for combo in _combinations(job):
                yield _JobRun(workflow, str(job_id), combo, steps)


def _load_yaml(path: Path) -> Any:
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- the build


def _write_stubs(stubs: Path) -> None:
    stubs.mkdir()
    docker = f"#!{sys.executable}\n" + _DOCKER
    for name, body in (("pip", _PIP), ("pip3", _PIP), ("aws", _NOOP), ("terraform", _NOOP), ("sam", _NOOP),
                       ("docker", docker)):
        (stubs / name).write_text(body, encoding="utf-8")
        (stubs / name).chmod(0o755)


def _record_archives(work: Path, keep: Path, result: RealBuild, built: dict[str, Path], run_key: str) -> None:
    for z in sorted(work.rglob("*.zip")):
        rel = z.relative_to(work).as_posix()
        try:
            with zipfile.ZipFile(z) as zf:
                members = sorted(zf.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            continue
        result.archives[rel] = members
        copy = keep / rel
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(z, copy)
        built[rel] = copy
        if rel not in result.built_by.setdefault(run_key, []):
            result.built_by[run_key].append(rel)


def _handler_specs(handlers: Mapping[str, str | Iterable[str]] | None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for archive, spec in (handlers or {}).items():
        out[archive] = [spec] if isinstance(spec, str) else list(spec)
    return out


def _extract_layers(function: Function, built: dict[str, Path], repo: Path, opt: Path) -> str | None:
    """Extract the function's layers into ``opt`` in order; the reason when one is missing."""
    opt.mkdir(parents=True)
    for layer in function.layers:
        if layer.startswith("folder:"):
            folder = repo / layer[len("folder:"):]
            if not folder.is_dir():
                return f"layer folder {folder} does not exist"
            shutil.copytree(folder, opt, dirs_exist_ok=True)
            continue
        z = built.get(layer)
        if z is None:
            return f"layer {layer} was not built"
        try:
            with zipfile.ZipFile(z) as zf:
                zf.extractall(opt)
        except (zipfile.BadZipFile, OSError) as exc:
            return f"unreadable layer {layer}: {exc}"
    return None


def real_build(repo: Path, handlers: Mapping[str, str | Iterable[str]] | None = None,
               workflows: Iterable[Path] | None = None, use_bwrap: bool | None = None,
               functions: Mapping[str, Function] | None = None) -> RealBuild:
    """Run ``repo``'s workflows with bash and import ``handlers`` (archive path -> handler(s));
    an archive in ``functions`` runs with those layers, runtime and ``PYTHONPATH``."""
    repo = Path(repo).resolve()
    wf_files = [Path(w) for w in workflows] if workflows is not None else sorted(
        (repo / ".github" / "workflows").glob("*.y*ml"))
    result = RealBuild()
    with tempfile.TemporaryDirectory(prefix="realbuild-") as tmp_name:
        tmp = Path(tmp_name).resolve()
        sandbox = _Sandbox(tmp, use_bwrap)
        stubs = tmp / "stubs"
        _write_stubs(stubs)
        built: dict[str, Path] = {}
        runs = [run for wf in wf_files
                for run in _job_runs((wf if not wf.is_absolute() else wf.relative_to(repo)).as_posix(),
                                     _load_yaml(wf if wf.is_absolute() else repo / wf))]
        for n, run in enumerate(runs):
            work = tmp / f"w{n}"
            shutil.copytree(repo, work, symlinks=True, ignore=shutil.ignore_patterns(".git"))
            github_env = tmp / f"github_env{n}"
            base = {**os.environ, "PATH": f"{stubs}:{os.environ.get('PATH', '/usr/bin:/bin')}",
                    "GITHUB_SHA": GITHUB_SHA, "GITHUB_OUTPUT": str(tmp / f"github_output{n}"),
                    "GITHUB_ENV": str(github_env), "GITHUB_WORKSPACE": str(work), "GITHUB_REF_NAME": "main",
                    "CI": "true", "HOME": str(tmp / "home"), "TMPDIR": str(tmp / "tmpdir")}
            for name in ("home", "tmpdir"):
                (tmp / name).mkdir(exist_ok=True)
            for key in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"):
                base.pop(key, None)
            run_key = f"{run.workflow}:{run.job}:{sorted(run.combo.items())}"
            for index, wd, script, step_env in run.steps:
                cwd = work / _expand(wd, run.combo) if wd else work
                env = dict(base, **{k: _expand(v, run.combo) for k, v in step_env.items()})
                if github_env.exists():
                    for line in github_env.read_text(encoding="utf-8", errors="replace").splitlines():
                        key, eq, value = line.partition("=")
                        if eq and key.isidentifier():
                            env[key] = value
                if not cwd.is_dir():
                    result.steps.append(StepRun(run.workflow, run.job, run.combo, index, 1,
                                                f"working-directory {wd} does not exist"))
                    break
                proc = sandbox.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                                    _expand(script, run.combo)], cwd, env)
                tail = (proc.stderr.strip().splitlines() or [""])[-1]
                result.steps.append(StepRun(run.workflow, run.job, run.combo, index, proc.returncode, tail))
                _record_archives(work, tmp / "built" / f"w{n}", result, built, run_key)
                if proc.returncode:
                    break
            shutil.rmtree(work, ignore_errors=True)
        specs = _handler_specs(handlers)
        for archive, names in specs.items():
            z = built.get(archive)
            if z is None:
                for h in names:
                    result.handlers[f"{archive}={h}"] = "no such archive was built"
                continue
            out = tmp / "x" / archive
            try:
                with zipfile.ZipFile(z) as zf:
                    zf.extractall(out)
            except (zipfile.BadZipFile, OSError) as exc:
                for h in names:
                    result.handlers[f"{archive}={h}"] = f"unreadable archive: {exc}"
                continue
            function = (functions or {}).get(archive)
            opt, version, pythonpath = "", "", "-"
            if function is not None:
                opt_dir = tmp / "opt" / archive
                missing = _extract_layers(function, built, repo, opt_dir)
                if missing is not None:
                    for h in names:
                        result.handlers[f"{archive}={h}"] = missing
                    continue
                opt, version = str(opt_dir), function.runtime.removeprefix("python")
                pythonpath = function.pythonpath if function.pythonpath is not None else "-"
            proc = sandbox.run([sys.executable, "-I", "-S", "-B", "-c", _IMPORTER, str(out), opt, version, pythonpath,
                                _preload(), *names], out, {"PATH": "/usr/bin:/bin", "HOME": str(tmp / "home")})
            lines = [line[len("@@verdict "):] for line in proc.stdout.splitlines() if line.startswith("@@verdict ")]
            for i, h in enumerate(names):
                result.handlers[f"{archive}={h}"] = (
                    lines[i] if i < len(lines) else (proc.stderr.strip().splitlines() or ["no output"])[-1])
    return result
