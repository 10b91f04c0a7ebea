"""# LPK-006 native-wheel-mismatch

## What it does
Reports a `pip install -t` into a Lambda package that fetches wheels for another platform,
Python version or architecture than the function's `runtime` and `architectures`, when
it installs a distribution that ships native code (pydantic-core, numpy, cryptography …,
from the shipped wheel data):

- a `macos-*` or `windows-*` runner without `--platform manylinux…`;
- an arm64 function with x86_64 wheels (`ubuntu-latest` is x86_64, or `--platform
  …x86_64`), or an x86_64 function with `--platform …aarch64`;
- `--python-version`, or without it the job's `actions/setup-python` version (or the
  `docker run` image's), other than the function's runtime;
- `--platform manylinux_2_28`/`_2_34` wheels for python3.9–3.11 (Amazon Linux 2 has glibc
  2.26).
- `uv pip install --python-platform` for another system (macOS, Windows, musl) or
  architecture; a target that accepts wheels needing a newer glibc than 2.26 (`linux`,
  `x86_64-unknown-linux-gnu` and `…-manylinux_2_28` do) for python3.9–3.11 is a warning:
  uv takes such a wheel only where the distribution publishes one.

It also reports `--platform`/`--python-version`/`--abi`/`--implementation` without
`--only-binary=:all:` (or `--no-deps`): pip refuses to run (uv does not).

## Why is this bad?
The extension modules do not load in the function: `No module named
'pydantic_core._pydantic_core'`, `GLIBC_2.28 not found`, or the install step fails.

## Example
```yaml
runs-on: macos-latest
steps:
  - run: pip install pydantic -t build/
```

## Use instead
```yaml
  - run: pip install pydantic -t build/ --platform manylinux2014_x86_64 --implementation cp
         --python-version 3.12 --only-binary=:all:
```

## Fix safety
No fix is offered: the right platform flags depend on the function.

## Exceptions
Pure-Python distributions install the same everywhere and are not reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from validator.model import Finding, PipInstall, Related, Severity
from validator.model.context import RuleContext
from validator.model.dists import PURE_FALLBACK, lookup, marker_environments, runtime_version
from validator.model.provision import resolve

CODE = "LPK-006"
NAME = "native-wheel-mismatch"
SEVERITY = "error"
SUMMARY = "pip installs native wheels for another platform, Python version or architecture than the function's"
FIX = "never"

_PLATFORM_FLAGS = ("--platform", "--python-version", "--abi", "--implementation")


def _version(text: str | None) -> str | None:
    """``3.12``, ``312``, ``cp312``, ``3.12.4`` -> ``3.12``; None for ``3.x`` or expressions."""
    if not text:
        return None
    text = text.strip().strip("'\"")
    m = re.fullmatch(r"(?:cp|py)?3\.?(\d{1,2})(?:\.\d+)?", text)
    return f"3.{m.group(1)}" if m else None


def _image_python(image: str | None) -> str | None:
    m = re.search(r"python:?(3\.\d+)", image or "")
    return m.group(1) if m else None


def check(ctx: RuleContext) -> Iterator[Finding]:
    seen: set[tuple[int, str]] = set()
    for report in ctx.packages:
        pkg = report.package
        config = report.link.config if report.link is not None else None
        for pip in pkg.pip_installs:
            refused = _refused(pip)
            if refused and (id(pip), "refused") not in seen:
                seen.add((id(pip), "refused"))
                yield Finding(CODE, f"package {pkg.name}: {refused}", pip.span, Severity.ERROR, package=pkg.name,
                              hint="add --only-binary=:all: to the pip command")
            if config is None or refused:
                continue
            python = runtime_version(config.runtime)
            arm = any(a.lower() in ("arm64", "aarch64") for a in config.architectures)
            native = _native(ctx, pip, python, config.architectures)
            if not native:
                continue
            for problem, severity in _mismatches(pip, python, arm):
                named = native
                if problem.startswith("pip installs wheels for Python"):
                    # abi3 wheels of cpXY load on every CPython from X.Y on
                    named = [n for n in native if not _stable_abi_fits(n, python)]
                    if not named:
                        continue
                key = (id(pip), problem)
                if key in seen:
                    continue
                seen.add(key)
                names = ", ".join(named[:4]) + (" …" if len(named) > 4 else "")
                yield Finding(CODE, f"package {pkg.name}: {problem}; native distributions installed: {names}",
                              pip.span, severity, package=pkg.name,
                              related=[Related(config.span.path, config.span.line,
                                               f"function {config.resource}: runtime {config.runtime or '?'}, "
                                               f"architectures {', '.join(config.architectures) or 'x86_64'}")],
                              hint=_hint(python, arm, pip.tool))


def _refused(pip: PipInstall) -> str | None:
    if pip.tool != "pip":
        return None  # uv resolves for --python-platform without asking for binary-only
    used = [f for f in _PLATFORM_FLAGS if f in pip.options]
    binary = pip.options.get("--only-binary", "")
    if used and ":all:" not in binary and "--no-deps" not in pip.options:
        return (f"pip refuses {', '.join(used)} without --only-binary=:all: (or --no-deps): the install step "
                "fails")
    return None


def _native(ctx: RuleContext, pip: PipInstall, python: str | None, architectures: list[str]) -> list[str]:
    prov = resolve(pip, marker_environments(python, architectures), ctx.repo)
    keys = dict.fromkeys(p.dist for p in prov.modules.values())
    out = []
    for key in keys:
        dist = lookup(key)
        if dist is not None and dist.native and dist.key not in PURE_FALLBACK:
            out.append(dist.name)
    return out


def _stable_abi_fits(name: str, python: str | None) -> bool:
    """Every wheel tag of the distribution is ``cpXY-abi3`` with X.Y at most the function's Python."""
    dist = lookup(name)
    if dist is None or python is None or not dist.tags:
        return False
    want = tuple(int(x) for x in python.split(".")[:2])
    for tag in dist.tags:
        m = re.match(r"cp(\d)(\d+)-abi3-", tag)
        if m is None or (int(m.group(1)), int(m.group(2))) > want:
            return False
    return True


def uv_platform(value: str) -> tuple[str, str, int | None]:
    """``uv pip install --python-platform`` -> (system, machine, glibc minor or None), per
    ``uv help pip install`` (uv 0.13): ``linux`` is ``x86_64-unknown-linux-gnu``, which is
    ``x86_64-manylinux_2_28``; ``…-manylinux2014`` is ``…-manylinux_2_17``."""
    value = value.strip().strip("'\"").lower()
    value = {"linux": "x86_64-unknown-linux-gnu", "macos": "aarch64-apple-darwin",
             "windows": "x86_64-pc-windows-msvc"}.get(value, value)
    machine = value.split("-", 1)[0]
    if "windows" in value:
        return "windows", machine, None
    if "apple" in value:
        return "macos", machine, None
    if "musl" in value:
        return "musl", machine, None
    if "android" in value or "pyodide" in value:
        return "other", machine, None
    m = re.search(r"manylinux_2_(\d+)", value)
    glibc = int(m.group(1)) if m else 17 if "manylinux2014" in value else 28 if value.endswith("linux-gnu") else None
    return "linux", machine, glibc


def _mismatches(pip: PipInstall, python: str | None, arm: bool) -> list[tuple[str, Severity]]:
    out: list[tuple[str, Severity]] = []
    error, warning = Severity.ERROR, Severity.WARNING
    platform = pip.options.get("--platform", "")
    uv_target = pip.options.get("--python-platform", "") if pip.tool == "uv" else ""
    runner = (pip.runner or "").lower()
    in_container = pip.image is not None
    if not platform and not uv_target and not in_container and re.match(r"^(macos|windows)", runner):
        out.append((f"pip install runs on {pip.runner} without --platform manylinux…: it installs "
                    f"{'macOS' if runner.startswith('macos') else 'Windows'} wheels, which Lambda cannot load", error))
    if uv_target:
        system, machine, glibc = uv_platform(uv_target)
        flag = f"uv pip install --python-platform {uv_target}"
        if system in ("windows", "macos", "other"):
            out.append((f"{flag} installs {system if system == 'other' else system.capitalize()} wheels, "
                        "which Lambda cannot load", error))
        elif system == "musl":
            out.append((f"{flag} installs musllinux wheels; Lambda's Amazon Linux has glibc, not musl", error))
        elif arm and machine == "x86_64":
            out.append((f"{flag} installs x86_64 wheels for an arm64 function", error))
        elif not arm and machine in ("aarch64", "arm64"):
            out.append((f"{flag} installs aarch64 wheels for an x86_64 function", error))
        elif glibc is not None and glibc > 26 and python in ("3.9", "3.10", "3.11"):
            out.append((f"{flag} accepts wheels that need glibc 2.{glibc}; the python{python} runtime (Amazon "
                        f"Linux 2) has glibc 2.26, so a distribution that publishes such a wheel fails to load", warning))
    elif platform:
        if arm and "x86_64" in platform:
            out.append((f"--platform {platform} installs x86_64 wheels for an arm64 function", error))
        elif not arm and ("aarch64" in platform or "arm64" in platform):
            out.append((f"--platform {platform} installs aarch64 wheels for an x86_64 function", error))
        m = re.search(r"manylinux_2_(\d+)", platform)
        if m and python in ("3.9", "3.10", "3.11") and int(m.group(1)) > 26:
            out.append((f"--platform {platform} needs glibc 2.{m.group(1)}; the python{python} runtime "
                        "(Amazon Linux 2) has glibc 2.26", error))
    elif arm:
        image_platform = (pip.image_platform or "").lower()
        if in_container and ("arm64" in image_platform or "aarch64" in image_platform):
            pass
        elif "arm" not in runner and runner.startswith("ubuntu"):
            where = f"docker run {pip.image}" if in_container else pip.runner
            out.append((f"pip install on {where} (x86_64) without --platform …aarch64 installs x86_64 wheels for "
                        "an arm64 function", error))
    if python is not None:
        declared = _version(pip.options.get("--python-version"))
        source = "--python-version"
        if declared is None and "--python-version" not in pip.options:
            if in_container:
                declared, source = _image_python(pip.image), f"the image {pip.image}"
            else:
                declared, source = _version(pip.setup_python), "actions/setup-python"
        if declared is not None and declared != python:
            out.append((f"pip installs wheels for Python {declared} ({source}) but the function runs python{python}",
                        error))
    return out


def _hint(python: str | None, arm: bool, tool: str = "pip") -> str:
    version = f" --python-version {python}" if python else ""
    if tool == "uv":
        return f"install with --python-platform {'aarch64' if arm else 'x86_64'}-manylinux2014{version}"
    plat = "manylinux2014_aarch64" if arm else "manylinux2014_x86_64"
    return f"install with --platform {plat} --implementation cp{version} --only-binary=:all:"
