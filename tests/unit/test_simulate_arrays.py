"""Bash indexed arrays: literals, element assignment, the array expansions (compared with
real bash), ``mapfile``/``readarray``, and loops over arrays in a simulated build."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import ClassVar

import pytest
from test_simulate_support import files, run

from validator.simulate import arrays
from validator.simulate.expand import Value, expand_words

TREE = ["src/a/handler.py", "src/b c/handler.py", "src/c/handler.py", "VERSION"]

#: (name, literal) assignments run in order, then the words below are expanded
ASSIGNMENTS = [
    ("X", None, "two words"),
    ("A", "(a \"b c\" $X 'd'\"e\" src/*)", ""),
    ("E", "()", ""),
    ("S", "([3]=three [1]=one)", ""),
    ("P", "(x)", ""),
]
APPENDS = [("P", "(y z)")]
ELEMENTS = [("P", "5", "five"), ("P", "-1", "last")]

WORDS = [
    '"${A[@]}"', "${A[@]}", '"${A[*]}"', "${A[*]}", "${A[1]}", '"${A[1]}"', "${A[-1]}", "${#A[@]}",
    "${#A[1]}", "${!A[@]}", '"${A[@]:1:2}"', "${A[@]:2}", '"${A[@]: -2}"', "$A", "${A}", "${A[0]}",
    '"${E[@]}"', "${#E[@]}", "${E[@]:-empty}", '"${A[@]%/*}"', '"${A[@]/b/B}"', "${!S[@]}", '"${S[@]}"',
    "${S[3]}", "${#S[*]}", '"${P[@]}"', "${P[-2]}", "x${A[@]}y", '"x${A[@]}y"', '"${A[i+1]}"',
]


def _ours(tmp: Path) -> list[list[str]]:
    class FS:
        def listdir(self, path: str) -> list[str] | None:
            return sorted(os.listdir(path)) if os.path.isdir(path) else None

    values: dict[str, Value] = {"i": Value("1")}

    class Vars:
        positional: ClassVar[list[Value]] = []

        def lookup(self, name: str) -> Value | None:
            return values.get(name)

    vars, fs, cwd = Vars(), FS(), str(tmp)
    for name, literal, scalar in ASSIGNMENTS:
        values[name] = Value(scalar) if literal is None else arrays.assign_literal(
            name, literal, values.get(name), False, vars, fs, cwd)
    for name, literal in APPENDS:
        values[name] = arrays.assign_literal(name, literal, values.get(name), True, vars, fs, cwd)
    for name, sub, raw in ELEMENTS:
        values[name] = arrays.assign_element(name, sub, raw, False, values.get(name), vars, fs, cwd)
    return [[f.text for f in expand_words([w], vars, fs, cwd)] for w in WORDS]


def _bash(tmp: Path) -> list[list[str]]:
    lines = ["i=1"]
    for name, literal, scalar in ASSIGNMENTS:
        lines.append(f"{name}={shlex.quote(scalar)}" if literal is None else f"{name}={literal}")
    lines += [f"{name}+={literal}" for name, literal in APPENDS]
    lines += [f"{name}[{sub}]={raw}" for name, sub, raw in ELEMENTS]
    for word in WORDS:
        lines.append(f"printf '%s\\0' MARK {word}; printf '\\1'")
    result = subprocess.run(["bash", "--norc", "--noprofile", "-s"], input="\n".join(lines).encode(), cwd=tmp,
                            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"},
                            capture_output=True, timeout=30, check=True)
    return [chunk.split("\0")[1:-1] for chunk in result.stdout.decode().split("\1")[: len(WORDS)]]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_array_expansions_match_real_bash(tmp_path: Path) -> None:
    for rel in TREE:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    ours, real = _ours(tmp_path), _bash(tmp_path)
    mismatches = [(w, o, r) for w, o, r in zip(WORDS, ours, real, strict=True) if o != r]
    assert mismatches == []


def test_literal_words_keep_quotes_and_substitutions() -> None:
    assert arrays.literal_words(' a "b c" $(ls x y) ${X:-1 2} # note\n d\\ e ') == \
        ["a", '"b c"', "$(ls x y)", "${X:-1 2}", "d\\ e"]


def test_unknown_array_stays_symbolic() -> None:
    class Vars:
        positional: ClassVar[list[Value]] = []

        def lookup(self, name: str) -> Value | None:
            return arrays.unknown("M") if name == "M" else None

    out = expand_words(['"${M[key]}"', '"${M[@]}"', "${#M[@]}"], Vars(), None, "/")  # type: ignore[arg-type]
    assert all(f.symbolic for f in out)


SRC = ["src/billing/handler.py", "src/invoices/handler.py", "src/invoices/pdf.py"]


def test_for_loop_over_array_builds_each_package(tmp_path: Path) -> None:
    script = ("FUNCTIONS=(billing invoices)\nfor fn in \"${FUNCTIONS[@]}\"; do\n"
              "  mkdir -p build/$fn && cp -r src/$fn/* build/$fn/\n"
              "  (cd build/$fn && zip -qr ../../dist-$fn.zip .)\ndone")
    r = run(tmp_path, SRC, script)
    assert files(r, "dist-billing") == ["handler.py"]
    assert files(r, "dist-invoices") == ["handler.py", "pdf.py"]


@pytest.mark.parametrize("decl", ["declare -a FNS=(billing)\nFNS+=(invoices)",
                                  "FNS=()\nFNS[0]=billing\nFNS[${#FNS[@]}]=invoices",
                                  "f() { local -a FNS=(billing invoices); build \"${FNS[@]}\"; }",
                                  "readonly FNS=(billing invoices)",
                                  "mapfile -t FNS < <(ls src)",
                                  "readarray -t FNS < <(find src -mindepth 1 -maxdepth 1 -type d -printf '%f\\n')"])
def test_array_forms(tmp_path: Path, decl: str) -> None:
    body = "build() { for fn in \"$@\"; do mkdir -p b/$fn && cp src/$fn/handler.py b/$fn/ && " \
           "(cd b/$fn && zip -q ../../$fn.zip handler.py); done; }\n"
    call = "f" if decl.startswith("f()") else 'build "${FNS[@]}"'
    r = run(tmp_path, SRC, body + decl + "\n" + call)
    assert sorted(p.name for p in r.packages) == ["billing", "invoices"]


def test_assoc_array_and_unknown_mapfile_give_no_guess(tmp_path: Path) -> None:
    script = ("declare -A H=([billing]=handler [invoices]=handler)\nH[x]=y\n"
              "mapfile -t CHANGED < <(git diff --name-only HEAD~1)\n"
              "mkdir -p build && cp src/billing/${H[billing]}.py build/ || true\n"
              "cd build && zip -qr ../billing.zip .")
    r = run(tmp_path, SRC, script)
    assert not any(c.failed == "missing-source" for c in r.copies)
    assert r.unmodelled == [] or all("H[billing]" in u.reason or "H" in u.reason for u in r.unmodelled)
