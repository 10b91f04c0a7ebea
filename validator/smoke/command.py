"""``validate-imports smoke PKG.zip [--handler M.F]``: extract, import, report the runtime's error.

Each archive is checked with the same safety rules as ``--zip`` before anything is
written, extracted into a temporary folder (removed at the end, on a timeout and on
Ctrl-C too), and its handler imported in a separate isolated process
(``validator/smoke/child.py``).  The handler comes from ``--handler`` or, as for the
workflow analysis, from the repository's configuration by the archive's path and name.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from validator.model.base import Record
from validator.smoke.run import RunLimits, RunOutcome, run_child

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2

DESCRIPTION = """\
Import each archive's handler the way the AWS Lambda Python runtime does, and report the
error the runtime would give at cold start (Runtime.ImportModuleError, HandlerNotFound,
UserCodeSyntaxError, or the exception the import raised).

THIS RUNS THE ARCHIVE'S CODE: the handler module and everything it imports execute in a
separate `python -I` process, with placeholder AWS settings and no credentials, a time
limit and a memory limit. Run it only on archives you would deploy. `validate-imports
--zip` checks the same archives without running anything."""


class SmokeError(Exception):
    """The check could not be made (exit 2)."""


@dataclass(eq=False, repr=False)
class SmokeResult(Record):
    archive: str
    handler: str | None
    link: str  # how the handler was found
    ok: bool
    error_type: str | None = None
    message: str = ""
    frame: dict[str, Any] | None = None  # last user frame: path (inside the archive), line, function, text
    runtime_modules: list[str] = field(default_factory=list)  # provided by the runtime, not checked
    notes: list[str] = field(default_factory=list)
    stdout: str = ""
    stderr: str = ""
    seconds: float = 0.0
    problem: str = ""  # set when the check could not be made (exit 2)

    def as_dict(self) -> dict[str, Any]:
        return {"archive": self.archive, "handler": self.handler, "handler_link": self.link,
                "status": "error" if self.problem else ("ok" if self.ok else "failed"),
                "error_type": self.error_type, "message": self.message or self.problem, "frame": self.frame,
                "runtime_modules": self.runtime_modules, "notes": self.notes, "seconds": self.seconds,
                "stdout": self.stdout, "stderr": self.stderr}


def build_parser() -> argparse.ArgumentParser:
    from validator.usage import _Parser

    p = _Parser(prog="validate-imports smoke", description=DESCRIPTION)
    p.add_argument("archives", nargs="+", type=Path, metavar="PKG.zip", help="built archives (or folders)")
    p.add_argument("--handler", action="append", default=[], metavar="MODULE.FUNCTION",
                   help="the handler of each archive, in order (one applies to all; default: the repository's "
                        "configuration, linked by the archive's path and name)")
    p.add_argument("--layer", type=Path, action="append", default=[], metavar="LAYER.zip",
                   help="a layer attached to the function(s), extracted under /opt as Lambda does; repeatable")
    p.add_argument("--runtime", metavar="python3.X", help="the function's runtime (default: its configuration's)")
    p.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                   help="an environment variable for the import (repeatable; on top of the configuration's)")
    p.add_argument("--with-runtime-modules", action="store_true",
                   help="import boto3 and the runtime's other modules from this environment instead of "
                        "recording them as provided by the runtime")
    p.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="time limit (default: 30)")
    p.add_argument("--memory", type=int, default=2048, metavar="MB", help="memory limit (default: 2048)")
    p.add_argument("--root", type=Path, help="repository root for the handler configuration (default: found upward)")
    p.add_argument("--config", type=Path, help="configuration file (default: .validate-imports.toml or pyproject.toml)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.add_argument("--debug", action="store_true", help="show tracebacks for internal errors")
    return p


def smoke_command(argv: list[str]) -> int:
    from validator.usage import UsageError

    args = build_parser().parse_args(argv)
    env_extra: dict[str, str] = {}
    for item in args.env:
        key, eq, value = item.partition("=")
        if not eq or not key or not key.replace("_", "a").isalnum():
            raise UsageError(f"--env {item}: expected KEY=VALUE")
        env_extra[key] = value
    if args.timeout <= 0 or args.memory < 64:
        raise UsageError("--timeout must be positive and --memory at least 64 MB")
    if args.runtime is not None and _minor(args.runtime) is None:
        raise UsageError(f"--runtime {args.runtime}: expected python3.X")
    from validator.config import load_config
    from validator.engine import archive_targets
    from validator.model.repo import find_root

    targets = archive_targets(args.archives, args.handler, args.layer, args.runtime, None)
    root = (args.root or find_root(args.archives[0])).resolve()
    config = load_config(root, args.config)
    limits = RunLimits(timeout=args.timeout, memory_mb=args.memory)
    results = []
    with _terminate_as_interrupt():
        for target in targets:
            try:
                results.append(smoke_one(target, root, config, env_extra, args.with_runtime_modules, limits))
            except SmokeError as exc:
                results.append(SmokeResult(archive=str(target.path), handler=target.handler, link="", ok=False,
                                           problem=str(exc)))
    emit(results, args.format)
    if any(r.problem for r in results):
        return EXIT_ERROR
    return EXIT_OK if all(r.ok for r in results) else EXIT_FAILED


class _terminate_as_interrupt:
    """SIGTERM (a CI job cancelled) unwinds like Ctrl-C, so temporary folders are removed."""

    def __enter__(self) -> None:
        self.previous = signal.getsignal(signal.SIGTERM)
        try:
            signal.signal(signal.SIGTERM, _raise_interrupt)
        except ValueError:  # not the main thread
            self.previous = None

    def __exit__(self, *exc: object) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGTERM, self.previous)


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _minor(runtime: str | None) -> int | None:
    if not runtime or not runtime.startswith("python3."):
        return None
    tail = runtime[len("python3."):]
    return int(tail) if tail.isdigit() else None


def smoke_one(target: Any, root: Path, config: Any, env_extra: dict[str, str], with_runtime: bool,
              limits: RunLimits) -> SmokeResult:
    """Check, extract and import one archive; the temporary folder never outlives this call."""
    from validator.archive import ArchiveError, open_archive, read_package, safe_extract
    from validator.engine import archive_links, display_path
    from validator.handlers import collect_handler_configs
    from validator.model.repo import Repo
    from validator.pyimports.classify import RUNTIME

    display = display_path(target.path, root)
    try:
        read = read_package(target.path, display, verify=False)
    except ArchiveError as exc:
        raise SmokeError(str(exc)) from None
    package = read.package
    try:
        repo = Repo.open(root)
        configs, _ = collect_handler_configs(repo) if target.handler is None else ([], [])
        link = archive_links([package], [target.handler], repo, config, configs)[0]
        if link is None or link.inferred:
            guess = f"; its tree suggests {link.handler}" if link is not None else ""
            raise SmokeError(f"{display}: no handler: pass --handler MODULE.FUNCTION (no configuration in "
                             f"{root} names this archive{guess})")
        runtime = target.runtime or (link.config.runtime if link.config else None) or ""
        environment = dict(link.config.environment) if link.config else {}
        how = f"{link.how}: {link.explanation}"
        folder = Path(tempfile.mkdtemp(prefix="validate-imports-smoke-"))
        try:
            task = folder / "task"
            opt = folder / "opt"
            task.mkdir()
            opt.mkdir()
            try:
                safe_extract(read.archive, task)
                for layer_path in target.layers:
                    layer = open_archive(layer_path, display_path(layer_path, root))
                    try:
                        safe_extract(layer, opt, overwrite=True)
                    finally:
                        layer.close()
            except ArchiveError as exc:
                raise SmokeError(str(exc)) from None
            minor = _minor(runtime) or sys.version_info[1]
            paths = [str(task), str(opt / "python" / "lib" / f"python3.{minor}" / "site-packages"), str(opt / "python")]
            env = lambda_environment(package.name, runtime or f"python3.{sys.version_info[1]}", link.handler, task,
                                     folder, {**environment, **env_extra})
            spec = {"handler": link.handler, "paths": paths, "runtime_modules": sorted(RUNTIME | set(config.runtime_modules)),
                    "with_runtime": with_runtime, "env_site": _site_packages()}
            outcome = run_child(spec, env, task, limits)
            result = interpret(outcome, display, link.handler, how, paths, limits)
            if environment:
                result.notes.append(f"{len(environment)} environment variable(s) from {link.config.span.path if link.config else 'the configuration'}")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        read.close()
    here = f"python3.{sys.version_info[1]}"
    if runtime and runtime != here:
        result.notes.append(f"imported with {here} ({sys.version.split()[0]}), but the function runs {runtime}: "
                            "native wheels and version-specific syntax may load here and not there, or the reverse")
    return result


def lambda_environment(name: str, runtime: str, handler: str, task: Path, folder: Path,
                       extra: dict[str, str]) -> dict[str, str]:
    """What the runtime sets (placeholders, no credentials), then the function's own variables."""
    env = {
        "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_LAMBDA_FUNCTION_NAME": name or "function", "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128", "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{name or 'function'}",
        "AWS_LAMBDA_LOG_STREAM_NAME": "2024/01/01/[$LATEST]00000000000000000000000000000000",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand", "AWS_EXECUTION_ENV": f"AWS_Lambda_{runtime}",
        "AWS_EC2_METADATA_DISABLED": "true",  # no credentials: boto3 must not look for them on the network
        "LAMBDA_TASK_ROOT": str(task), "LAMBDA_RUNTIME_DIR": str(folder / "runtime"), "_HANDLER": handler,
        "LANG": "en_US.UTF-8", "TZ": ":UTC", "PATH": "/usr/local/bin:/usr/bin:/bin", "TMPDIR": str(folder),
        "HOME": str(folder),
    }
    reserved = {k for k in env if k.startswith(("AWS_LAMBDA_", "LAMBDA_"))} | {"_HANDLER", "AWS_EXECUTION_ENV"}
    env.update({k: v for k, v in extra.items() if k not in reserved})
    return env


def _site_packages() -> list[str]:
    import site

    dirs = [*site.getsitepackages()]
    user = site.getusersitepackages()
    return [d for d in [*dirs, user] if os.path.isdir(d)]


def interpret(outcome: RunOutcome, display: str, handler: str, how: str, paths: list[str],
              limits: RunLimits) -> SmokeResult:
    result = SmokeResult(archive=display, handler=handler, link=how, ok=False, seconds=outcome.seconds,
                         stdout=outcome.stdout, stderr=outcome.stderr)
    report = outcome.report
    if outcome.dropped:
        result.notes.append(f"{outcome.dropped} bytes of output not kept")
    if outcome.lingering:
        result.notes.append("the import started processes that were still running; they were killed")
    if report is not None:
        result.ok = report.get("status") == "ok"
        result.error_type = report.get("error_type")
        result.message = str(report.get("message", ""))
        result.runtime_modules = list(report.get("runtime_imports") or [])
        result.frame = _frame(report.get("frame"), display, paths)
        if result.ok and not report.get("callable", True):
            result.ok = False
            result.error_type = "Runtime.HandlerNotFound"
            result.message = f"{handler.rpartition('.')[2]} in {handler.rpartition('.')[0]} is not callable"
        if outcome.too_much_output or outcome.timed_out:
            result.notes.append("stopped after the import finished: it left threads printing or running")
        return result
    if outcome.timed_out:
        result.error_type = "Task timed out"
        result.message = f"the import did not finish within {limits.timeout:g} s; it was stopped"
    elif outcome.too_much_output:
        result.error_type = "Output limit"
        result.message = f"the import printed more than {limits.max_output // (1024 * 1024)} MB; it was stopped"
    elif outcome.returncode is not None and outcome.returncode < 0:
        sig = -outcome.returncode
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = f"signal {sig}"
        result.error_type = "Runtime.ExitError"
        result.message = f"Runtime exited with error: {name} during the import"
        if sig in (signal.SIGKILL, signal.SIGSEGV):
            result.message += f" (memory limit {limits.memory_mb} MB, or a crash in native code)"
    else:
        result.error_type = "Runtime.ExitError"
        result.message = f"Runtime exited with error: exit status {outcome.returncode} during the import (os._exit?)"
    return result


def _frame(raw: Any, display: str, paths: list[str]) -> dict[str, Any] | None:
    if not isinstance(raw, list) or len(raw) != 4:
        return None
    filename, line, function, text = raw
    where = str(filename)
    for prefix, label in ((paths[0], f"{display}!/"), (paths[1], "/opt/python/lib/…/site-packages/"),
                          (paths[2], "/opt/python/")):
        if where.startswith(prefix.rstrip("/") + "/"):
            where = label + where[len(prefix.rstrip("/")) + 1:]
            break
    return {"path": where, "line": line, "function": function, "text": text}


def emit(results: list[SmokeResult], fmt: str) -> None:
    if fmt == "json":
        doc = {"version": 1, "results": [r.as_dict() for r in results],
               "summary": {"ok": sum(r.ok for r in results),
                           "failed": sum(1 for r in results if not r.ok and not r.problem),
                           "errors": sum(1 for r in results if r.problem)}}
        print(json.dumps(doc, indent=2))
        return
    for r in results:
        if r.problem:
            print(f"{r.archive}: error: {r.problem}")
            continue
        print(f"{r.archive}: handler {r.handler} ({r.link})")
        if r.ok:
            print(f"  ok: {r.message} in {r.seconds:g} s")
        else:
            print(f"  {r.error_type}: {r.message}")
            if r.frame:
                print(f"  at {r.frame['path']}:{r.frame['line']} in {r.frame['function']}: {r.frame['text']}")
        if r.runtime_modules:
            print(f"  provided by the runtime, not checked: {', '.join(r.runtime_modules)} "
                  "(--with-runtime-modules imports them from this environment)")
        for note in r.notes:
            print(f"  note: {note}")
        if not r.ok and r.stderr.strip():
            tail = r.stderr.strip().splitlines()[-5:]
            print("  stderr (last lines):")
            for line in tail:
                print(f"    {line[:200]}")
    ok = sum(r.ok for r in results)
    print(f"{ok} of {len(results)} archive{'s' if len(results) != 1 else ''} import cleanly.")
