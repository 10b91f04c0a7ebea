"""Build ``validator/model/data/preimported.json``: the modules the Lambda Python runtime has
already imported when it imports the handler, measured with the real runtime interface client.

The managed runtime starts ``/var/lang/bin/python3.X /var/runtime/bootstrap.py``. That script
imports ``json, logging, os, site, sys, time, traceback, warnings`` and
``awslambdaric.__main__``, then puts ``LAMBDA_TASK_ROOT`` (``/var/task``) first on
``sys.path``, adds it as a site directory and calls ``awslambdaric.__main__.main([task root,
handler])``, which imports the handler module (``bootstrap._get_handler``).  Copies of that
``bootstrap.py`` taken from the python3.10 and python3.11 images are cited in
``lambda-facts.md`` §1 and ``deps-images-facts.md`` §4.3; the runtime interface client
(``awslambdaric``) is published at github.com/aws/aws-lambda-python-runtime-interface-client
and on PyPI.

For each Python version found here (``python3.X`` on PATH or under ``~/.pyenv/versions``) and
each listed ``awslambdaric`` release, this script installs the release's wheel (with its
dependencies, ``simplejson`` and ``snapshot-restore-py``) into a fresh virtual environment,
runs a launcher that does what ``bootstrap.py`` does in that order, with the environment the
runtime sets (``AWS_EXECUTION_ENV=AWS_Lambda_python3.X``, ``LAMBDA_TASK_ROOT``, ``_HANDLER``,
an unreachable ``AWS_LAMBDA_RUNTIME_API``), and lets the real ``main()`` import a probe
handler that records ``sys.modules``.  A second run also imports
``awslambdaric.lambda_multi_concurrent_utils`` first (what the multi-concurrency mode,
``AWS_LAMBDA_MAX_CONCURRENCY``, imports before it starts its workers).  Then it imports
handlers named like a pre-imported and a built-in module and records the exact error lines
the real client prints.

Per Python version the output keeps: ``always`` (top-level modules imported in every
standard-mode run), ``sometimes`` (imported in some runs only: another client release, the
multi-concurrency mode) and ``builtin`` (``sys.builtin_module_names``); for the pre-imported
standard-library modules, ``names`` holds what a ``from M import NAME`` can get on any of the
versions (``dir(M)`` and, for a package, its submodules), and ``packages`` says which are
packages.  ``breaks`` lists, for each standard-library module S, the standard-library
modules M (never pre-imported) whose shadowing by a module file ``M.py`` first on
``sys.path`` makes ``import S`` fail, because importing S imports a submodule of M
(``urllib.request`` imports ``email.parser``): each pair measured by importing S with an
empty ``M.py`` in front of the standard library, after the bootstrap's modules, with the
error text and the versions it was seen on.  Caveats: these are CPython builds from python.org sources, not
Amazon's build of the runtime (whose built-in modules were not inspected), and a virtual
environment without the runtime's own ``pip``/``setuptools``.

Run: ``python scripts/build_preimported.py`` (needs the package index for the wheels).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_stdlib import interpreter  # a sibling script, not a package

OUT = Path(__file__).resolve().parent.parent / "validator" / "model" / "data" / "preimported.json"
PYTHONS = ("3.9", "3.10", "3.11", "3.12", "3.13")
#: 3.1.1 is the release a live python3.11 function reported (deps-images-facts §4.2); the
#: other is the newest release for that Python (4.1 and later require Python 3.10)
RELEASES = {"3.9": ("3.1.1", "4.0.4")} | {v: ("3.1.1", "4.2.2") for v in PYTHONS[1:]}
RIC_REPOSITORY = "https://github.com/aws/aws-lambda-python-runtime-interface-client"
#: the handlers whose real error lines are recorded, with the files the task root holds for each
PROBE_HANDLERS = {"json.handler": ("json.py",), "logging.handler": ("logging.py",), "time.handler": ("time.py",),
                  "sys.lambda_handler": ("sys.py",),
                  "logging.handler.main": ("logging/__init__.py", "logging/handler.py"),
                  "os.sub.handler": ("os/__init__.py", "os/sub.py"), "csv.handler": ("csv.py",)}

#: what /var/runtime/bootstrap.py does before the handler, in that order
LAUNCHER = '''
import json, logging, os, site, sys, time, traceback, warnings
import awslambdaric.__main__ as ric_main
if os.environ.get("PROBE_MULTI_CONCURRENCY"):
    try:
        import awslambdaric.lambda_multi_concurrent_utils
    except ImportError:
        pass
task = os.environ["LAMBDA_TASK_ROOT"]
sys.path.insert(0, task)
site.addsitedir(task)
os.chdir(task)
ric_main.main([task, os.environ["_HANDLER"]])
'''

#: the probe handler: records the modules imported before it, then ends the process
PROBE = '''
import os, sys
names = sorted(n for n in sys.modules if n != __name__)
with open(os.environ["PROBE_OUT"], "w") as fh:
    fh.write("\\n".join(names))
os._exit(0)
'''

#: the names ``from M import NAME`` finds in a standard-library module M
NAMES = '''
import importlib, json, pkgutil, sys
out = {}
for name in sys.argv[1:]:
    try:
        module = importlib.import_module(name)
    except ImportError:
        continue
    names = set(dir(module))
    if hasattr(module, "__path__"):
        names |= {m.name for m in pkgutil.iter_modules(module.__path__)}
    out[name] = [sorted(names), hasattr(module, "__path__")]
print(json.dumps(out))
'''

#: every importable standard-library module (top-level names given, submodules walked), one a line
WALK = '''
import importlib, pkgutil, sys
SKIP = {"antigravity", "this", "idlelib", "turtledemo", "tkinter", "turtle", "test", "lib2to3", "ensurepip",
        "venv", "pydoc_data", "encodings", "msilib", "msvcrt", "winreg", "winsound", "distutils"}
for top in sys.argv[1:]:
    if top in SKIP or top.startswith("_"):
        continue
    try:
        module = importlib.import_module(top)
    except Exception:
        continue
    print(top)
    for info in pkgutil.walk_packages(getattr(module, "__path__", []), top + ".", onerror=lambda name: None):
        parts = info.name.split(".")
        if any(p.startswith("_") or p in ("test", "tests", "idle_test") for p in parts[1:]):
            continue
        print(info.name)
'''

#: the modules importing argv[2] adds to sys.modules, after the bootstrap's (argv[1])
PULLS = '''
import importlib, sys
for name in sys.argv[1].split():
    try:
        importlib.import_module(name)
    except Exception:
        pass
before = set(sys.modules)
try:
    importlib.import_module(sys.argv[2])
except BaseException:
    sys.exit(0)
print(" ".join(sorted(set(sys.modules) - before)))
'''

#: importing argv[3] with an empty ``argv[2].py`` first on sys.path (after the bootstrap's modules)
SHADOWED = '''
import importlib, sys
for name in sys.argv[1].split():
    try:
        importlib.import_module(name)
    except Exception:
        pass
sys.path.insert(0, sys.argv[4])
try:
    importlib.import_module(sys.argv[3])
except ImportError as exc:
    print(f"{type(exc).__name__}: {exc}")
'''


def install(python: str, version: str, release: str, where: Path) -> Path:
    """A virtual environment of ``python`` with ``awslambdaric==release`` from its wheel."""
    env = where / "venv"
    subprocess.run([python, "-m", "venv", "--without-pip", str(env)], check=True)
    site = env / "lib" / f"python{version}" / "site-packages"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "--no-compile", "--only-binary=:all:", "--platform", "manylinux2014_x86_64",
                    "--python-version", version, "--implementation", "cp", "--target", str(site),
                    f"awslambdaric=={release}"], check=True)
    return env / "bin" / "python"


def launch(python: Path, version: str, task: Path, handler: str, extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    runtime = task.parent / "runtime"
    runtime.mkdir(exist_ok=True)
    (runtime / "bootstrap.py").write_text(LAUNCHER, encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "LANG": "en_US.UTF-8", "LAMBDA_TASK_ROOT": str(task),
           "LAMBDA_RUNTIME_DIR": str(runtime), "_HANDLER": handler, "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9",
           "AWS_EXECUTION_ENV": f"AWS_Lambda_python{version}", **extra}
    return subprocess.run([str(python), str(runtime / "bootstrap.py")], env=env, capture_output=True, text=True,
                          timeout=120)


def modules_before_handler(python: Path, version: str, where: Path, multi: bool) -> list[str]:
    task = where / ("task-mc" if multi else "task")
    task.mkdir()
    (task / "lpk_probe.py").write_text(PROBE, encoding="utf-8")
    out = where / ("modules-mc.txt" if multi else "modules.txt")
    extra = {"PROBE_OUT": str(out)} | ({"PROBE_MULTI_CONCURRENCY": "1"} if multi else {})
    proc = launch(python, version, task, "lpk_probe.handler", extra)
    if not out.is_file():
        raise SystemExit(f"the probe handler did not run ({python}):\n{proc.stdout}\n{proc.stderr}")
    return out.read_text(encoding="utf-8").split()


def handler_errors(python: Path, version: str, where: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for n, (handler, files) in enumerate(PROBE_HANDLERS.items()):
        task = where / f"task-errors-{n}"
        for filename in files:
            (task / filename).parent.mkdir(parents=True, exist_ok=True)
            # a module of the task root that does get imported says so and ends the process
            # (the invocation loop would wait for a runtime API that is not there)
            (task / filename).write_text(f"def {handler.rpartition('.')[2]}(event, context):\n    return 1\n"
                                         f"import os\nos.write(1, b'[IMPORTED] {filename}\\n')\nos._exit(0)\n",
                                         encoding="utf-8")
        proc = launch(python, version, task, handler, {})
        lines = [line.strip() for line in (proc.stdout + proc.stderr).splitlines()
                 if line.startswith(("[ERROR]", "[IMPORTED]"))]
        if not lines:
            raise SystemExit(f"{handler}: no error and no import ({python}):\n{proc.stdout}\n{proc.stderr}")
        found[handler] = (lines[0].removeprefix("[ERROR]").strip() if lines[0].startswith("[ERROR]")
                          else "imports the task root's " + lines[0].removeprefix("[IMPORTED]").strip())
    return found


def builtin_names(python: str) -> list[str]:
    out = subprocess.run([python, "-I", "-c", "import sys; print(' '.join(sorted(sys.builtin_module_names)))"],
                         capture_output=True, text=True, check=True)
    return out.stdout.split()


def stdlib_names(python: str, modules: list[str]) -> dict[str, tuple[list[str], bool]]:
    out = subprocess.run([python, "-I", "-c", NAMES, *modules], capture_output=True, text=True, check=True)
    loaded: dict[str, tuple[list[str], bool]] = json.loads(out.stdout)
    return loaded


def breaks(python: str, preloaded: set[str], stdlib: set[str], where: Path) -> dict[str, dict[str, str]]:
    """For each standard-library module S: the top-level modules M whose shadowing by an empty
    ``M.py`` first on ``sys.path`` makes ``import S`` raise ImportError, because importing S
    imports a submodule of M (``urllib.request`` -> ``email.parser``), with the error text.

    A module file has no submodules, whatever it defines, so these failures hold for any
    ``M.py`` at the ZIP root; only M that the bootstrap has not imported can be shadowed."""
    from concurrent.futures import ThreadPoolExecutor

    # ``os`` first: under ``-S`` nothing has imported it yet, and ``genericpath`` before it is a cycle
    preload = " ".join(sorted((m for m in preloaded if m in stdlib and not m.startswith("_")),
                              key=lambda m: (m != "os", m)))
    walk = subprocess.run([python, "-I", "-c", WALK, *sorted(stdlib)], capture_output=True, text=True, timeout=600)
    candidates = walk.stdout.split()

    def pulls(name: str) -> tuple[str, list[str]]:
        try:
            out = subprocess.run([python, "-I", "-S", "-c", PULLS, preload, name], capture_output=True, text=True,
                                 timeout=60, stdin=subprocess.DEVNULL, cwd=where)
        except subprocess.TimeoutExpired:
            return name, []
        return name, out.stdout.split()

    pairs: list[tuple[str, str]] = []
    with ThreadPoolExecutor(max_workers=2) as pool:
        for name, pulled in pool.map(pulls, candidates):
            own = name.split(".")[0]
            tops = {m.split(".")[0] for m in pulled if "." in m}
            pairs += [(name, top) for top in sorted(tops) if top != own and top in stdlib and top not in preloaded
                      and not top.startswith("_")]

    def shadowed(pair: tuple[str, str]) -> tuple[str, str, str]:
        name, top = pair
        folder = where / f"shadow-{top}"
        folder.mkdir(exist_ok=True)
        (folder / f"{top}.py").write_text("", encoding="utf-8")
        try:
            out = subprocess.run([python, "-I", "-S", "-c", SHADOWED, preload, top, name, str(folder)],
                                 capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, cwd=where)
        except subprocess.TimeoutExpired:
            return name, top, ""
        error = out.stdout.strip()
        # only a submodule import fails whatever a module file of that name defines
        return name, top, error if error.endswith(f"; '{top}' is not a package") else ""

    found: dict[str, dict[str, str]] = {}
    with ThreadPoolExecutor(max_workers=2) as pool:
        for name, top, error in pool.map(shadowed, pairs):
            if error:
                found.setdefault(name, {})[top] = error
    return found


def stdlib_of(python: str) -> set[str]:
    out = subprocess.run([python, "-I", "-c", "import sys; print(' '.join(getattr(sys, 'stdlib_module_names', ())))"],
                         capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def _by_version(errors: dict[str, str]) -> dict[str, str]:
    """``{error text: "3.9 3.10 …"}``: the versions each text was seen on."""
    out: dict[str, list[str]] = {}
    for version, error in errors.items():
        out.setdefault(error, []).append(version)
    return {error: " ".join(versions) for error, versions in out.items()}


def main() -> int:
    configurations: list[dict[str, object]] = []
    versions: dict[str, dict[str, object]] = {}
    errors: dict[str, dict[str, str]] = {}
    names: dict[str, set[str]] = {}
    packages: set[str] = set()
    shadow_breaks: dict[str, dict[str, dict[str, str]]] = {}
    stdlib_data = json.loads((OUT.parent / "stdlib.json").read_text(encoding="utf-8"))["versions"]
    for version in PYTHONS:
        python = interpreter(version)
        if python is None:
            raise SystemExit(f"python{version} not found")
        full = subprocess.run([python, "-c", "import platform; print(platform.python_version())"],
                              capture_output=True, text=True, check=True).stdout.strip()
        standard: list[set[str]] = []
        every: set[str] = set()
        for release in RELEASES[version]:
            with tempfile.TemporaryDirectory(prefix="preimported-") as tmp:
                where = Path(tmp)
                venv_python = install(python, version, release, where)
                for multi in (False, True):
                    loaded = modules_before_handler(venv_python, version, where, multi)
                    tops = sorted({n.split(".")[0] for n in loaded})
                    configurations.append({"python": full, "awslambdaric": release,
                                           "mode": "multi-concurrency" if multi else "standard",
                                           "modules": " ".join(tops)})
                    every |= set(tops)
                    if not multi:
                        standard.append(set(tops))
                errors[f"{full} awslambdaric {release}"] = handler_errors(venv_python, version, where)
        always = set.intersection(*standard)
        stdlib = set(stdlib_data[version])
        versions[version] = {
            "python": full,
            "awslambdaric": list(RELEASES[version]),
            "always": " ".join(sorted(always)),
            "sometimes": " ".join(sorted(every - always)),
            "builtin": " ".join(builtin_names(python)),
        }
        for module, (found, is_package) in stdlib_names(python, sorted(m for m in every if m in stdlib
                                                                        and not m.startswith("_"))).items():
            names.setdefault(module, set()).update(found)
            if is_package:
                packages.add(module)
        with tempfile.TemporaryDirectory(prefix="preimported-") as tmp:
            for name, tops in breaks(python, always | (every - always), stdlib, Path(tmp)).items():
                for top, error in tops.items():
                    shadow_breaks.setdefault(name, {}).setdefault(top, {})[version] = error
        print(f"python {full}: {len(always)} always, {len(every - always)} sometimes", file=sys.stderr)
    ric_commit = os.environ.get("RIC_COMMIT", "")
    out = {
        "about": __doc__.split("\n\n")[0] + " See scripts/build_preimported.py.",
        "sources": {
            "bootstrap.py": "imports json, logging, os, site, sys, time, traceback, warnings, "
                            "awslambdaric.__main__; inserts LAMBDA_TASK_ROOT at sys.path[0]; site.addsitedir; "
                            "awslambdaric.__main__.main([LAMBDA_TASK_ROOT, _HANDLER]) (copies of "
                            "/var/runtime/bootstrap.py from the python3.10 and python3.11 images)",
            "awslambdaric": f"{RIC_REPOSITORY} (releases from PyPI: "
                            + ", ".join(sorted({r for rs in RELEASES.values() for r in rs})) + ")"
                            + (f"; source read at commit {ric_commit}" if ric_commit else ""),
            "interpreters": "CPython " + ", ".join(v["python"] for v in versions.values())  # type: ignore[misc]
                            + " (python.org sources via pyenv, not Amazon's build)",
        },
        "versions": versions,
        "names": {module: " ".join(sorted(found)) for module, found in sorted(names.items())},
        "packages": " ".join(sorted(packages)),
        "breaks": {name: {top: _by_version(errors) for top, errors in sorted(tops.items())}
                   for name, tops in sorted(shadow_breaks.items())},
        "handler_errors": errors,
        "configurations": configurations,
    }
    OUT.write_text(json.dumps(out, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
