"""The program ``smoke`` runs in ``python -I -S -c``: import a handler as Lambda's bootstrap does.

It is passed as source text, never imported by the tool: nothing of validate-imports is
importable in the child.  Its one argument is a JSON spec; it writes one JSON object to
the file descriptor the spec names, and the parent reads nothing else from it.

The order follows ``/var/runtime/bootstrap.py`` and ``awslambdaric.bootstrap._get_handler``:
the runtime's own modules are imported first (so a user ``logging.py`` does not shadow
them), then the task root and the layers go in front of ``sys.path`` and their ``.pth``
files are processed, then the handler string is split, checked and imported, and each
failure gets the error type the runtime reports.
"""

import contextlib
import json
import os
import sys

SPEC = json.loads(sys.argv[1])
_OUT = os.fdopen(SPEC["fd"], "w", encoding="utf-8")
_DONE: list[bool] = []


def _report(**fields):
    if _DONE:
        return
    _DONE.append(True)
    _OUT.write(json.dumps(fields))
    _OUT.flush()


# what bootstrap.py and awslambdaric import before the user's code
import decimal  # noqa: E402,F401
import enum  # noqa: E402,F401
import importlib  # noqa: E402
import importlib.abc  # noqa: E402
import importlib.machinery  # noqa: E402
import importlib.util  # noqa: E402
import logging  # noqa: E402,F401
import math  # noqa: E402,F401
import site  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
import types  # noqa: E402
import warnings  # noqa: E402,F401

RUNTIME = frozenset(SPEC["runtime_modules"])
RECORDED: list[str] = []


class _StubMeta(type):
    """Anything a module-level ``boto3.client("s3")`` or ``except ClientError`` needs."""

    def __getattr__(cls, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _stub_class(f"{cls.__name__}.{name}")

    def __call__(cls, *args, **kwargs):
        return cls

    def __iter__(cls):
        return iter(())

    def __len__(cls):
        return 0

    def __getitem__(cls, key):
        return _stub_class(f"{cls.__name__}[]")


def _stub_class(name):
    return _StubMeta(name, (Exception,), {})


class _StubModule(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _stub_class(f"{self.__name__}.{name}")


class _RuntimeFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Last on ``sys.meta_path``: a runtime module (boto3 and its closure) that neither the
    package nor a layer holds is what the Lambda runtime provides.  With
    ``--with-runtime-modules`` it comes from this machine's site-packages; otherwise a
    stub stands in and the import is recorded as provided by the runtime, not checked."""

    def find_spec(self, fullname, path=None, target=None):
        top = fullname.partition(".")[0]
        if top not in RUNTIME:
            return None
        if SPEC["with_runtime"]:
            if "." in fullname:
                return None
            return importlib.machinery.PathFinder.find_spec(fullname, SPEC["env_site"])
        if top not in RECORDED:
            RECORDED.append(top)
        return importlib.util.spec_from_loader(fullname, self, is_package=True)

    def create_module(self, spec):
        module = _StubModule(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module):
        return None


def _user_frame(tb):
    """The last traceback frame inside the package or a layer: (path, line, function, text)."""
    roots = [os.path.join(p, "") for p in SPEC["paths"]]
    found = None
    for frame in traceback.extract_tb(tb):
        if frame.filename.startswith("<"):
            continue  # ``<frozen os>``, ``<string>``: not a file of the package
        filename = os.path.abspath(frame.filename)
        if any(filename.startswith(r) for r in roots):
            found = [filename, frame.lineno, frame.name, (frame.line or "").strip()]
    return found


def _syntax_frame(exc):
    filename = os.path.abspath(exc.filename) if exc.filename else ""
    return [filename, exc.lineno or 1, "<module>", (exc.text or "").strip()] if filename else None


def main():
    handler = SPEC["handler"]
    sys.path[:0] = SPEC["paths"]
    for directory in SPEC["paths"]:
        if os.path.isdir(directory):
            site.addsitedir(directory)
    sys.meta_path.append(_RuntimeFinder())
    importlib.invalidate_caches()
    os.chdir(SPEC["paths"][0])
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as exc:
        return _report(status="error", error_type="Runtime.MalformedHandlerName",
                       message=f"Bad handler '{handler}': {exc}")
    if modname.split(".")[0] in sys.builtin_module_names:
        return _report(status="error", error_type="Runtime.BuiltInModuleConflict",
                       message=f"Cannot use built-in module {modname} as a handler module")
    started = time.monotonic()
    try:
        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as exc:
        return _report(status="error", error_type="Runtime.ImportModuleError",
                       message=f"Unable to import module '{modname}': {exc}",
                       missing=getattr(exc, "name", None), frame=_user_frame(exc.__traceback__),
                       runtime_imports=RECORDED)
    except SyntaxError as exc:
        return _report(status="error", error_type="Runtime.UserCodeSyntaxError",
                       message=f"Syntax error in module '{modname}': {exc}",
                       frame=_syntax_frame(exc) or _user_frame(exc.__traceback__), runtime_imports=RECORDED)
    except SystemExit as exc:
        return _report(status="error", error_type="Runtime.ExitError",
                       message=f"the import called sys.exit({exc.code!r}): Runtime exited during init",
                       frame=_user_frame(exc.__traceback__), runtime_imports=RECORDED)
    except BaseException as exc:  # what the import raised is what the runtime reports
        return _report(status="error", error_type=type(exc).__name__, message=str(exc),
                       frame=_user_frame(exc.__traceback__), runtime_imports=RECORDED)
    seconds = round(time.monotonic() - started, 3)
    try:
        target = getattr(module, fname)
    except AttributeError:
        return _report(status="error", error_type="Runtime.HandlerNotFound",
                       message=f"Handler '{fname}' missing on module '{modname}'", runtime_imports=RECORDED)
    return _report(status="ok", error_type=None, message=f"imported {modname} and found {fname}",
                   callable=callable(target), seconds=seconds, runtime_imports=RECORDED,
                   module_file=getattr(module, "__file__", None))


main()
for _stream in (sys.stdout, sys.stderr):
    with contextlib.suppress(Exception):
        _stream.flush()
_OUT.close()
os._exit(0)  # threads or atexit hooks the user's code started do not keep the check alive
