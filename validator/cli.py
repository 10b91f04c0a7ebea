"""Command line: ``validate-imports [PATH ...]`` and ``validate-imports rule CODE``.

Exit status: 0 no error findings, 1 error findings, 2 the tool could not do its job
(bad arguments, unreadable or invalid input, internal error) with a one-line message
on stderr; a traceback only with ``--debug``.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from validator import __version__
from validator.report.output import EXIT_ERROR, EXIT_OK, emit, exit_status, render
from validator.usage import UsageError, _Parser

if TYPE_CHECKING:

    pass

FORMATS = ("text", "json", "sarif", "github")


def _codes(value: str) -> list[str]:
    codes = [c.strip().upper() for c in value.split(",") if c.strip()]
    if not codes:  # ``--select ''`` selects nothing by accident: a usage error, as in ruff
        raise argparse.ArgumentTypeError("expected rule codes or prefixes, e.g. LPK-003 or LPK")
    return codes


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="validate-imports",
        description="Rebuild the Lambda ZIPs a CI workflow builds and check them against their handler and imports.",
        epilog="Subcommands: `validate-imports rule CODE` (or `rule --all`) prints a rule's documentation; "
               "`validate-imports smoke PKG.zip` imports a built archive's handler (runs its code).",
    )
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                   help="workflow files or directories (default: the repository's .github/workflows)")
    p.add_argument("--root", type=Path, metavar="DIR", help="repository root (default: found upward from PATH)")
    built = p.add_argument_group("built archives (static: nothing in them runs)")
    built.add_argument("--zip", type=Path, action="append", default=[], metavar="PKG.zip",
                       help="check this built archive (or folder) as it is, instead of the workflows; repeatable")
    built.add_argument("--handler", action="append", default=[], metavar="MODULE.FUNCTION",
                       help="the handler of each --zip, in order (one applies to all; default: the "
                            "repository's configuration, linked by the archive's path and name)")
    built.add_argument("--layer", type=Path, action="append", default=[], metavar="LAYER.zip",
                       help="a layer attached to the function(s); repeatable")
    built.add_argument("--runtime", metavar="python3.X", help="the function's runtime (default: its configuration's)")
    built.add_argument("--architecture", choices=("x86_64", "arm64"), help="the function's architecture")
    p.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    p.add_argument("--select", type=_codes, metavar="CODES", help="only these rule codes or prefixes (comma-separated)")
    p.add_argument("--extend-select", type=_codes, default=[], metavar="CODES", help="add rule codes to the selection")
    p.add_argument("--ignore", type=_codes, default=[], metavar="CODES", help="skip these rule codes or prefixes")
    p.add_argument("--fix", action="store_true", help="apply safe fixes to the workflow files")
    p.add_argument("--unsafe-fixes", action="store_true", help="also apply fixes whose choice is a guess")
    p.add_argument("--diff", action="store_true", help="print the fixes as a unified diff; write nothing")
    p.add_argument("--exit-zero", action="store_true", help="exit 0 even when errors are found")
    p.add_argument("--show-packages", action="store_true",
                   help="draw each reconstructed package with where each file came from "
                        "(with --format json: each package's members as data)")
    p.add_argument("--statistics", action="store_true", help="print the number of findings per rule")
    p.add_argument("--config", type=Path, metavar="FILE", help="configuration file (default: .validate-imports.toml or pyproject.toml)")
    p.add_argument("--output-file", type=Path, metavar="FILE", help="write the report to this file instead of stdout")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="colour the text output")
    p.add_argument("-q", "--quiet", action="store_true", help="print only findings and the summary when there are any")
    p.add_argument("--debug", action="store_true", help="show tracebacks for internal errors")
    p.add_argument("-V", "--version", action="version", version=f"validate-imports {__version__}")
    return p


def build_rule_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="validate-imports rule", description="Print a rule's documentation.")
    p.add_argument("code", nargs="?", help="rule code, e.g. LPK-003")
    p.add_argument("--all", action="store_true", help="list every rule with its summary")
    p.add_argument("--format", choices=("text", "json"), default="text")
    return p


def entry() -> None:
    """The console script: ``main`` in a process that ends as soon as its output is out.

    One run allocates many short-lived objects and then exits, so the cyclic
    collector's frequent passes and the interpreter's final teardown cost time and
    free nothing that matters: collection runs rarely, and once stdout and stderr are
    flushed the process ends without tearing down (files it wrote are already closed)."""
    gc.set_threshold(100_000, 50, 100)
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # the reader went away; nothing left to say
        pass
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        if args and args[0] == "rule":
            return rule_command(args[1:])
        if args and args[0] == "smoke":
            from validator.smoke.command import smoke_command

            return smoke_command(args[1:])
        return check_command(build_parser().parse_args(args))
    except UsageError as exc:
        print(f"validate-imports: error: {exc}", file=sys.stderr)
        print("Run `validate-imports --help` for usage.", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("validate-imports: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if debug:
            raise
        print(f"validate-imports: error: {describe_error(exc)}", file=sys.stderr)
        return EXIT_ERROR


def describe_error(exc: BaseException) -> str:
    """A one-line message for an exception: known input errors say what is wrong, others
    are internal errors that point at --debug."""
    from validator.archive.safety import ArchiveError
    from validator.config import ConfigError
    from validator.model.repo import RepoError
    from validator.workflow import WorkflowError

    text = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, (WorkflowError, RepoError, ConfigError, UsageError, ArchiveError)):
        return text
    if isinstance(exc, OSError):
        return f"{exc.strerror or text}: {exc.filename}" if exc.filename else text
    if isinstance(exc, (RecursionError, MemoryError)):
        return f"input too deeply nested or too large ({type(exc).__name__})"
    return f"internal error: {type(exc).__name__}: {text} (run with --debug for a traceback)"


def rule_command(argv: list[str]) -> int:
    import json

    from rules import all_rules, get_rule

    args = build_rule_parser().parse_args(argv)
    if args.all or not args.code:
        rules = all_rules()
        if args.format == "json":
            print(json.dumps([{"code": r.code, "name": r.name, "severity": r.severity.value,
                               "summary": r.summary, "fix": r.fix} for r in rules], indent=2))
        else:
            for r in rules:
                print(f"{r.code}  {r.name:<22} {r.severity.value:<8} {r.summary}")
        return EXIT_OK
    rule = get_rule(args.code)
    if rule is None:
        known = ", ".join(r.code for r in all_rules())
        raise UsageError(f"unknown rule {args.code!r} (known: {known})")
    if args.format == "json":
        print(json.dumps({"code": rule.code, "name": rule.name, "severity": rule.severity.value,
                          "summary": rule.summary, "fix": rule.fix, "doc": rule.doc}, indent=2))
    else:
        fix = {"always": "Fix is always available.", "sometimes": "Fix is sometimes available.",
               "never": "No automatic fix."}[rule.fix]
        print(f"{rule.doc.rstrip()}\n\nSeverity: {rule.severity.value}. {fix}")
    return EXIT_OK


def check_command(args: argparse.Namespace) -> int:
    from rules import all_rules
    from validator.config import load_config, validate_codes

    known = [r.code for r in all_rules()]
    for codes in (args.select or [], args.ignore, args.extend_select):
        try:
            validate_codes(codes, known)
        except Exception as exc:
            raise UsageError(str(exc)) from exc
    for path in args.paths:
        if not path.exists():
            raise UsageError(f"no such file or directory: {path}")
    if (args.handler or args.layer or args.runtime or args.architecture) and not args.zip:
        raise UsageError("--handler, --layer, --runtime and --architecture go with --zip PKG.zip")
    if args.root is not None and not args.root.is_dir():
        raise UsageError(f"--root {args.root} is not a directory")
    if args.config is not None and not args.config.is_file():
        raise UsageError(f"--config {args.config}: no such file")
    if args.output_file is not None:
        check_writable(args.output_file)

    from validator.model.repo import find_root, start_listing

    root = (args.root or find_root(args.paths[0] if args.paths else Path.cwd())).resolve()
    start_listing(root)  # git lists the files while the analysis modules load
    from validator.engine import Selection, run

    config = load_config(root, args.config, known_codes=known)
    selection = Selection(select=args.select, ignore=args.ignore, extend_select=args.extend_select)
    if args.zip:
        return zip_command(args, root, config, selection)
    if args.fix or args.diff:
        from validator.autofix.command import fix_command

        return fix_command(args, root, config, selection)
    from validator.report.progress import progress

    with progress("Rebuilding the Lambda packages…", enabled=not args.quiet):
        analysis = run(args.paths, root=root, config=config, selection=selection)
    result = analysis.result
    output = render(result, args)
    emit(output, args)
    if args.format == "github" and os.environ.get("GITHUB_STEP_SUMMARY"):
        from validator.report.github import write_step_summary

        write_step_summary(result, Path(os.environ["GITHUB_STEP_SUMMARY"]))
    return exit_status(result, args)


def zip_command(args: argparse.Namespace, root: Path, config: Any, selection: Any) -> int:
    """``--zip``: the real archives, read statically, checked by the same rules."""
    from validator.engine import archive_targets, run_archives

    if args.paths:
        raise UsageError("--zip checks archives instead of workflows: give no workflow PATH with it")
    if args.fix or args.diff:
        raise UsageError("--fix and --diff edit workflows; a built archive has nothing to fix in place")
    targets = archive_targets(args.zip, args.handler, args.layer, args.runtime, args.architecture)
    analysis = run_archives(targets, root=root, config=config, selection=selection)
    result = analysis.result
    if args.format == "text" and not args.quiet:
        for report in result.packages:
            link = report.link
            how = f"handler {link.handler} ({link.how}: {link.explanation})" if link else \
                "no handler: none given with --handler and no configuration names this archive; nothing was checked"
            print(f"{report.package.archive}: {len(report.package.files)} files; {how}", file=sys.stderr)
    emit(render(result, args), args)
    if args.format == "github" and os.environ.get("GITHUB_STEP_SUMMARY"):
        from validator.report.github import write_step_summary

        write_step_summary(result, Path(os.environ["GITHUB_STEP_SUMMARY"]))
    if any(r.link is None for r in result.packages) and not args.exit_zero:
        missing = ", ".join(r.package.archive for r in result.packages if r.link is None)
        print(f"validate-imports: error: no handler for {missing}: pass --handler MODULE.FUNCTION", file=sys.stderr)
        return max(exit_status(result, args), EXIT_ERROR)
    return exit_status(result, args)


def check_writable(path: Path) -> None:
    parent = path.resolve().parent
    if not parent.is_dir():
        raise UsageError(f"--output-file {path}: folder {parent} does not exist")
    if path.exists() and (path.is_dir() or not os.access(path, os.W_OK)):
        raise UsageError(f"--output-file {path}: not writable")
    if not path.exists() and not os.access(parent, os.W_OK):
        raise UsageError(f"--output-file {path}: folder {parent} is not writable")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
