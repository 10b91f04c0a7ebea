"""Word expansion: table-driven cases, a differential test against real bash, properties."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from validator.simulate.expand import (
    Field,
    Value,
    brace_expand,
    expand_pattern,
    expand_single,
    expand_words,
    glob_match,
    has_glob,
    pattern_match,
    render_unknown,
)

# ---------------------------------------------------------------------------------------
# Fakes
# ---------------------------------------------------------------------------------------


class FakeVars:
    def __init__(self, values: dict[str, Value] | None = None, positional: Iterable[Value] = ()) -> None:
        self.values = dict(values or {})
        self._positional = list(positional)

    def lookup(self, name: str) -> Value | None:
        return self.values.get(name)

    @property
    def positional(self) -> list[Value]:
        return self._positional


class FakeFS:
    """A tree given as absolute file paths (directories are implied; ``dir/`` adds an
    empty directory)."""

    def __init__(self, paths: Iterable[str]) -> None:
        self.dirs: dict[str, set[str]] = {"/": set()}
        for path in paths:
            parts = [p for p in path.split("/") if p]
            for depth in range(len(parts)):
                parent = "/" + "/".join(parts[:depth])
                self.dirs.setdefault(parent, set()).add(parts[depth])
                if depth < len(parts) - 1 or path.endswith("/"):
                    self.dirs.setdefault("/" + "/".join(parts[: depth + 1]), set())

    def listdir(self, abs_dir: str) -> list[str] | None:
        norm = os.path.normpath(abs_dir)
        norm = "/" + norm.lstrip("/")
        entries = self.dirs.get(norm)
        return None if entries is None else sorted(entries)


class RealFS:
    def listdir(self, abs_dir: str) -> list[str] | None:
        return sorted(os.listdir(abs_dir)) if os.path.isdir(abs_dir) else None


TREE = [
    "src/lambdas/ingestion/handler.py",
    "src/lambdas/ingestion/alerting.py",
    "src/lambdas/ingestion/.hidden",
    "src/lambdas/billing/handler.py",
    "src/lib/util.py",
    "src/shared/x.py",
    "a.py",
    "b.py",
    "c d.txt",
    ".dot",
    "build/",
    "[x].txt",
]

KNOWN = {
    "A": "abc",
    "P": "src/lambdas",
    "E": "",
    "S": "a  b\tc",
    "G": "*.py",
    "FN": "ingestion",
    "F": "pkg/x-1.2.zip",
    "N": "5",
    "DIR": "build/out/",
    "REF": "A",
    "SP": " lead trail ",
}
POSITIONAL = ["one", "two words", ""]

CWD = "/repo"


def fake_env() -> tuple[FakeVars, FakeFS]:
    vars = FakeVars({k: Value(v) for k, v in KNOWN.items()}, [Value(p) for p in POSITIONAL])
    return vars, FakeFS(CWD + "/" + p for p in TREE)


def texts(fields: list[Field]) -> list[str]:
    return [f.text for f in fields]


# ---------------------------------------------------------------------------------------
# Words with known values: expected fields, also checked against real bash
# ---------------------------------------------------------------------------------------

KNOWN_CASES: list[tuple[str, list[str]]] = [
    # literals and quoting
    ("hello", ["hello"]),
    ("a=b", ["a=b"]),
    ("'a b'", ["a b"]),
    ('"a b"', ["a b"]),
    ("a\\ b", ["a b"]),
    ('"a\\$b\\"c\\\\d\\`e\\q"', ['a$b"c\\d`e\\q']),
    ("$'a\\tb\\x41\\101\\'\\cb'", ["a\tbAA'\x02"]),
    ("'it'\\''s'", ["it's"]),
    ('""', [""]),
    ("''", [""]),
    ("a\\\nb", ["ab"]),
    ('$"x y"', ["x y"]),
    ("'$A'", ["$A"]),
    ("$", ["$"]),
    ("a$", ["a$"]),
    ("$%", ["$%"]),
    # parameters
    ("$A", ["abc"]),
    ("${A}", ["abc"]),
    ("${A}x", ["abcx"]),
    ("$A/x", ["abc/x"]),
    ('"$E"', [""]),
    ("$E", []),
    ("x${E}y", ["xy"]),
    ("$1", ["one"]),
    ("$2", ["two", "words"]),
    ('"$2"', ["two words"]),
    ("${3}", []),
    ('"$3"', [""]),
    ("$4", []),
    ("$10", ["one0"]),
    ("$#", ["3"]),
    ("$?", ["0"]),
    ('"$@"', ["one", "two words", ""]),
    ("$@", ["one", "two", "words"]),
    ("$*", ["one", "two", "words"]),
    ('"$*"', ["one two words "]),
    ('"x$@y"', ["xone", "two words", "y"]),
    ('"${@}"', ["one", "two words", ""]),
    ('"${@:2}"', ["two words", ""]),
    ('"${@:1:1}"', ["one"]),
    ("${#A}", ["3"]),
    ("${#}", ["3"]),
    ("${#@}", ["3"]),
    ("${A:-d}", ["abc"]),
    ("${E:-d}", ["d"]),
    ("${E-d}", []),
    ("${E:+alt}", []),
    ("${A:+alt}", ["alt"]),
    ("${A+alt}", ["alt"]),
    ("${A:=z}", ["abc"]),
    ("${E:=z}", ["z"]),
    ("${A:?boom}", ["abc"]),
    ("${UNSET_X:-d f}", ["d", "f"]),
    ('"${UNSET_X:-d f}"', ["d f"]),
    ("${UNSET_X:-'q r'}", ["q r"]),
    ("\"${UNSET_X:-'q r'}\"", ["'q r'"]),
    ('${UNSET_X:-"$A $A"}', ["abc abc"]),
    ('"${UNSET_X:-"$A $A"}"', ["abc abc"]),
    ("${UNSET_X:-$A}", ["abc"]),
    ("${UNSET_X:+x}", []),
    ("${A:1}", ["bc"]),
    ("${A:0:2}", ["ab"]),
    ("${A: -2}", ["bc"]),
    ("${A:1:-1}", ["b"]),
    ("${A:10}", []),
    ("${A:N-4}", ["bc"]),
    ("${F#*/}", ["x-1.2.zip"]),
    ("${F##*.}", ["zip"]),
    ("${F%.*}", ["pkg/x-1.2"]),
    ("${F%%.*}", ["pkg/x-1"]),
    ("${F%/*}", ["pkg"]),
    ("${F#'pkg'}", ["/x-1.2.zip"]),
    ('${F#"*"}', ["pkg/x-1.2.zip"]),
    ("${F#\\*}", ["pkg/x-1.2.zip"]),
    ("${F#[a-p]}", ["kg/x-1.2.zip"]),
    ("${F%[!z]ip}", ["pkg/x-1.2.zip"]),
    ("${F%[!.]zip}", ["pkg/x-1.2.zip"]),
    ("${F%.[!.]ip}", ["pkg/x-1.2"]),
    ("${F/x/y}", ["pkg/y-1.2.zip"]),
    ("${F//./_}", ["pkg/x-1_2_zip"]),
    ("${F/#pkg/P}", ["P/x-1.2.zip"]),
    ("${F/%zip/tar}", ["pkg/x-1.2.tar"]),
    ("${F/zip}", ["pkg/x-1.2."]),
    ("${F//[0-9]/N}", ["pkg/x-N.N.zip"]),
    ("${F/*./}", ["zip"]),
    ("${A/#/z}", ["zabc"]),
    ("${A/%/z}", ["abcz"]),
    ("${A//}", ["abc"]),
    ("${A/b/[&]}", ["a[b]c"]),
    ('"${A/b/[&]}"', ["a[b]c"]),
    ('"${A/b/\\&}"', ["a&c"]),
    ("${A/b/'&'}", ["a&c"]),
    ("${A/b/ }", ["a", "c"]),
    ("${A^^}", ["ABC"]),
    ("${A^}", ["Abc"]),
    ("${A,,}", ["abc"]),
    ("${FN^^[aeiou]}", ["IngEstIOn"]),
    ("${A@U}", ["ABC"]),
    ("${!REF}", ["abc"]),
    ("${A[0]}", ["abc"]),
    ("${#S}", ["6"]),
    # word splitting
    ("$S", ["a", "b", "c"]),
    ('"$S"', ["a  b\tc"]),
    ("x${S}y", ["xa", "b", "cy"]),
    ('"$S"x$S', ["a  b\tcxa", "b", "c"]),
    ("$SP", ["lead", "trail"]),
    ("=$SP=", ["=", "lead", "trail", "="]),
    # command substitution
    ("$(echo hi)", ["hi"]),
    ("$(echo a b)", ["a", "b"]),
    ('"$(echo a   b)"', ["a b"]),
    ('"$(echo "a   b")"', ["a   b"]),
    ("`echo hi`", ["hi"]),
    ("`echo \\`echo in\\``", ["in"]),
    ("$(basename src/lib/util.py .py)", ["util"]),
    ("$(basename src/lib/)", ["lib"]),
    ("$(basename -s .py a.py b.py)", ["a", "b"]),
    ("$(dirname src/lib/util.py)", ["src/lib"]),
    ("$(dirname util.py)", ["."]),
    ("$(dirname /x)", ["/"]),
    ("$(printf '%s-%s' a b c)", ["a-bc-"]),
    ("$(printf '%05d' 42)", ["00042"]),
    ("$(printf '%s\\n' a b)", ["a", "b"]),
    ("$(echo $(echo nested))", ["nested"]),
    ('$(echo "$(echo "a  b")")', ["a", "b"]),
    ("$(echo -n x)", ["x"]),
    ("$(echo -e 'a\\tb')", ["a", "b"]),
    ("$(echo $A)", ["abc"]),
    ("$(echo *.py)", ["a.py", "b.py"]),
    ("$(true)", []),
    ("$(echo a; echo b)", ["a", "b"]),
    ("$(cd src && echo *)", ["lambdas", "lib", "shared"]),
    ("$(cd src/lib; basename $(pwd))", ["lib"]),
    ("x$(echo)y", ["xy"]),
    # arithmetic
    ("$((1+2*3))", ["7"]),
    ("$((N*2))", ["10"]),
    ("$(($N-7))", ["-2"]),
    ("$((-5/2))", ["-2"]),
    ("$((-7%3))", ["-1"]),
    ("$((2**10))", ["1024"]),
    ("$((0x10 + 010))", ["24"]),
    ("$(( (1+2) * 3 ))", ["9"]),
    ("$((N > 3 ? 1 : 0))", ["1"]),
    ("$((N == 5 && 1))", ["1"]),
    ("$((1 << 4 | 1))", ["17"]),
    ("$((2#101))", ["5"]),
    ("$(( ${#A} + 1 ))", ["4"]),
    ("$[N+1]", ["6"]),
    # brace expansion
    ("{a,b,c}", ["a", "b", "c"]),
    ("src/{lib,shared}", ["src/lib", "src/shared"]),
    ("x{1..3}", ["x1", "x2", "x3"]),
    ("{a..c}", ["a", "b", "c"]),
    ("{01..03}", ["01", "02", "03"]),
    ("{1..10..3}", ["1", "4", "7", "10"]),
    ("{3..1}", ["3", "2", "1"]),
    ("{-1..1}", ["-1", "0", "1"]),
    ("a{b,c{d,e}}f", ["abf", "acdf", "acef"]),
    ("{a}", ["{a}"]),
    ("x{}y", ["x{}y"]),
    ('"{a,b}"', ["{a,b}"]),
    ("\\{a,b}", ["{a,b}"]),
    ("${A}{1,2}", ["abc1", "abc2"]),
    ("{,a}", ["a"]),
    ("{a,b}{1,2}", ["a1", "a2", "b1", "b2"]),
    ("{a,'b c'}", ["a", "b c"]),
    ("{$A,x}", ["abc", "x"]),
    ("{a..c..}", ["{a..c..}"]),
    ("src/{lib,nope}/*.py", ["src/lib/util.py", "src/nope/*.py"]),
    # tilde
    ("~", ["/home/runner"]),
    ("~/x", ["/home/runner/x"]),
    ("~:x", ["/home/runner:x"]),
    ("'~'", ["~"]),
    ("x~", ["x~"]),
    ("\\~", ["~"]),
    # pathname expansion
    ("*", ["[x].txt", "a.py", "b.py", "build", "c d.txt", "src"]),
    ("*.py", ["a.py", "b.py"]),
    ("src/lambdas/ingestion/*", ["src/lambdas/ingestion/alerting.py", "src/lambdas/ingestion/handler.py"]),
    ("src/lambdas/*/handler.py", ["src/lambdas/billing/handler.py", "src/lambdas/ingestion/handler.py"]),
    ("src/lambdas/$FN/*.py", ["src/lambdas/ingestion/alerting.py", "src/lambdas/ingestion/handler.py"]),
    ("src/*/", ["src/lambdas/", "src/lib/", "src/shared/"]),
    ("*/", ["build/", "src/"]),
    (".*", [".dot"]),
    ("src/lambdas/ingestion/.*", ["src/lambdas/ingestion/.hidden"]),
    ("[ab].py", ["a.py", "b.py"]),
    ("[!a].py", ["b.py"]),
    ("[^a].py", ["b.py"]),
    ("[[:alpha:]].py", ["a.py", "b.py"]),
    ("[[]x].txt", ["[x].txt"]),
    ("'*'.py", ["*.py"]),
    ('"*".py', ["*.py"]),
    ("\\*.py", ["*.py"]),
    ("*.nomatch", ["*.nomatch"]),
    ("src/l?b/*", ["src/lib/util.py"]),
    ("src/**/util.py", ["src/lib/util.py"]),
    ("$G", ["a.py", "b.py"]),
    ('"$G"', ["*.py"]),
    ("c*", ["c d.txt"]),
    ("./*.py", ["./a.py", "./b.py"]),
    ("nonexist/*", ["nonexist/*"]),
    ("src/[l]ib", ["src/lib"]),
    ("src/[l]ib/", ["src/lib/"]),
    ("src/lib/[u]til.py/", ["src/lib/[u]til.py/"]),
    ("src/../*.py", ["src/../a.py", "src/../b.py"]),
    ("src//l*", ["src//lambdas", "src//lib"]),
    ("*.py*", ["a.py", "b.py"]),
    ("[", ["["]),
    ("a[", ["a["]),
    ("[]", ["[]"]),
    ("?", ["?"]),
    ("?.py", ["a.py", "b.py"]),
    ("*/*/*/handler.py", ["src/lambdas/billing/handler.py", "src/lambdas/ingestion/handler.py"]),
]


@pytest.mark.parametrize(("word", "expected"), KNOWN_CASES)
def test_known_expansion(word: str, expected: list[str]) -> None:
    vars, fs = fake_env()
    fields = expand_words([word], vars, fs, CWD)
    assert texts(fields) == expected
    assert not any(f.symbolic for f in fields)


def _bash_fields(words: list[str], tmp: Path, *, extra: str = "") -> list[list[str]]:
    """Each word's fields as real bash produces them, in a directory holding TREE."""
    for rel in TREE:
        path = tmp / rel
        if rel.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("")
    lines = ["set -- " + " ".join(shlex.quote(p) for p in POSITIONAL)]
    lines += [f"{name}={shlex.quote(value)}" for name, value in KNOWN.items()]
    lines.append(extra)
    for word in words:
        lines.append(f"printf '%s\\0' MARK {word}")
        lines.append("printf '\\1'")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/home/runner", "LC_ALL": "C"}
    result = subprocess.run(
        ["bash", "--norc", "--noprofile", "-s"],
        input="\n".join(lines).encode(),
        cwd=tmp,
        env=env,
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    chunks = result.stdout.decode().split("\1")[: len(words)]
    out = []
    for chunk in chunks:
        fields = chunk.split("\0")[:-1]
        assert fields[0] == "MARK"
        out.append(fields[1:])
    return out


bash_required = pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")


@bash_required
def test_known_cases_match_real_bash(tmp_path: Path) -> None:
    words = [w for w, _ in KNOWN_CASES]
    real = _bash_fields(words, tmp_path)
    vars = FakeVars({k: Value(v) for k, v in KNOWN.items()}, [Value(p) for p in POSITIONAL])
    cwd = str(tmp_path)
    mismatches = []
    for word, (_, expected), bash in zip(words, KNOWN_CASES, real, strict=True):
        ours = texts(expand_words([word], vars, RealFS(), cwd))
        if ours != bash or expected != bash:
            mismatches.append((word, expected, ours, bash))
    assert mismatches == []


@bash_required
def test_pwd_and_realpath_match_bash(tmp_path: Path) -> None:
    words = [
        "$(pwd)",
        "$(realpath src/../a.py)",
        "$(readlink -f ./src/lib/)",
        "~+",
        "$(cd src/lib && pwd)",
        '$(cd "$P"/.. ; pwd)/x',
    ]
    real = _bash_fields(words, tmp_path)
    vars, _ = fake_env()
    ours = [texts(expand_words([w], vars, RealFS(), str(tmp_path))) for w in words]
    assert ours == real


@bash_required
def test_nullglob_matches_bash(tmp_path: Path) -> None:
    words = ["*.nomatch", "x", "*.py", "'*'.none"]
    real = _bash_fields(words, tmp_path, extra="shopt -s nullglob")
    vars, _ = fake_env()
    ours = [texts(expand_words([w], vars, RealFS(), str(tmp_path), nullglob=True)) for w in words]
    assert ours == real == [[], ["x"], ["a.py", "b.py"], ["*.none"]]


@bash_required
def test_custom_ifs_matches_bash(tmp_path: Path) -> None:
    words = ["$V", '"$V"', "$*", '"$*"']
    real = _bash_fields(words, tmp_path, extra="IFS=': '; V=' :a : b::c:'")
    vars = FakeVars({"IFS": Value(": "), "V": Value(" :a : b::c:")}, [Value(p) for p in POSITIONAL])
    ours = [texts(expand_words([w], vars, RealFS(), str(tmp_path))) for w in words]
    assert ours == real


FRAGMENTS = [
    "a", "/", ".", "*", "?", "[ab]", "[!a]", "{a,b}", "{1..2}", "$A", "${A}", "$S", '"$S"', "'x y'", "\\*",
    '"*"', "$E", '"$E"', "${F%.*}", "${F##*/}", "${A:1}", "${A/b/X}", "$(echo q)", "$1", '"$@"', "$@", "src",
    "lib", "py", "${UNSET_Q:-d}", "$((1+N))", "${A^^}", "{x,y{1,2}}", "~", ":", "=", "-", "${#A}", "$G", "'*'",
    "$SP", '"$SP"', '"a\\$b"', "'\\'", '"${A:-"x y"}"', "${UNSET_Q:-'p q'}", "${F//[.-]/_}", "${F%%[0-9]*}",
    "${A#?}", "${A%?}", '$(printf "%s," a b)', '"$(echo "a  b")"', "${S:1:3}", '"${S:1:3}"', "$*", '"$*"',
    "${@:2}", '"${@:2}"', '"x"', "'", '"', "\\", "{", "}", ",", "..", "{a..c}", "{,x}", "${A/#a/}",
    "${A/%c/[&]}", "$'\\x41 '", '$"q"', "$(( N % 3 ))", "${N}0", "${#S}", "${!REF}", "`echo r`",
    "$(basename src/a.py .py)", "$(dirname $P)", "${A:+z z}", "*/", "[[:alpha:]]", "$(cd src && echo l*)",
]  # fmt: skip


def _random_words(seed: int, count: int) -> list[str]:
    import random

    rng = random.Random(seed)
    words: list[str] = []
    while len(words) < count:
        word = "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 4)))
        # bash quirks not modelled: a trailing bare "$" disables splitting; "x//" globs
        if not word.endswith(("$", "/")):
            words.append(word)
    return words


@bash_required
def test_random_words_match_real_bash(tmp_path: Path) -> None:
    """Differential test: random concatenations of fragments, each word evaluated by bash
    in its own subshell (so a syntax or expansion error only skips that word)."""
    words = _random_words(20240601, 600)
    _bash_fields([], tmp_path)  # create the tree
    lines = ["set -- " + " ".join(shlex.quote(p) for p in POSITIONAL)]
    lines += [f"{name}={shlex.quote(value)}" for name, value in KNOWN.items()]
    for word in words:
        command = "printf '%s\\0' MARK " + word
        lines.append(f"( eval {shlex.quote(command)} ) 2>/dev/null || printf '\\2'")
        lines.append("printf '\\1'")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/home/runner", "LC_ALL": "C"}
    result = subprocess.run(
        ["bash", "--norc", "--noprofile", "-s"],
        input="\n".join(lines).encode(),
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    chunks = result.stdout.decode("utf-8", "replace").split("\1")[: len(words)]
    vars = FakeVars({k: Value(v) for k, v in KNOWN.items()}, [Value(p) for p in POSITIONAL])
    compared, mismatches = 0, []
    for word, chunk in zip(words, chunks, strict=True):
        if "\2" in chunk or not chunk.startswith("MARK\0"):
            continue  # bash rejected the word
        fields = expand_words([word], vars, RealFS(), str(tmp_path))
        if any(f.symbolic for f in fields):
            continue  # e.g. "$A" followed by "lib" reads the unset "$Alib"
        compared += 1
        if texts(fields) != chunk.split("\0")[1:-1]:
            mismatches.append((word, texts(fields), chunk.split("\0")[1:-1]))
    assert compared > 400
    assert mismatches == []


# ---------------------------------------------------------------------------------------
# Unknown values stay symbolic and readable
# ---------------------------------------------------------------------------------------

SYMBOLIC_VARS = {
    "SHA": Value("${SHA}", symbolic=True),
    "ZIP": Value("packages/ingestion-${SHA}.zip", symbolic=True),
    "FN": Value("ingestion"),
}

SYMBOLIC_CASES: list[tuple[str, list[tuple[str, bool]]]] = [
    ("$SHA", [("${SHA}", True)]),
    ("pkg-${SHA}.zip", [("pkg-${SHA}.zip", True)]),
    ("pkg-${SHA:0:7}.zip", [("pkg-${SHA:0:7}.zip", True)]),
    ("${#SHA}", [("${#SHA}", True)]),
    ("${SHA^^}", [("${SHA^^}", True)]),
    ("${SHA/a/b}", [("${SHA/a/b}", True)]),
    ("${SHA:-dev}", [("${SHA}", True)]),
    ("${SHA:+set}", [("set", False)]),
    ("$UNSET", [("${UNSET}", True)]),
    ("${UNSET}/x", [("${UNSET}/x", True)]),
    ("${UNSET:0:3}", [("${UNSET:0:3}", True)]),
    ("${UNSET:-dflt}", [("dflt", False)]),
    ("${UNSET-dflt}", [("dflt", False)]),
    ("${UNSET:=dflt}", [("dflt", False)]),
    ("${UNSET:?missing}", [("${UNSET:?missing}", True)]),
    ("${UNSET:-$SHA}", [("${SHA}", True)]),
    ("${ZIP%.zip}", [("packages/ingestion-${SHA}", True)]),
    ("${ZIP#packages/}", [("ingestion-${SHA}.zip", True)]),
    ("${ZIP##*/}", [("${ZIP##*/}", True)]),
    ("$(git rev-parse HEAD)", [("$(git rev-parse HEAD)", True)]),
    ("$(git rev-parse --short HEAD)-x", [("$(git rev-parse --short HEAD)-x", True)]),
    ("`date +%s`", [("$(date +%s)", True)]),
    ("$(cat VERSION)", [("$(cat VERSION)", True)]),
    ("$(a || b)", [("$(a || b)", True)]),
    ('$(cd "$(dirname "$0")" && pwd)', [('$(cd "$(dirname "$0")" && pwd)', True)]),
    ("$(cd $SHA && pwd)", [("$(cd $SHA && pwd)", True)]),
    ("$(X=1 pwd)", [("$(X=1 pwd)", True)]),
    ("$(pwd > f)", [("$(pwd > f)", True)]),
    ("$(ls | head -1)", [("src", False)]),
    ("$(echo $SHA | cut -c1-7)", [("$(echo $SHA | cut -c1-7)", True)]),
    ("$(echo src/x | sed -n p)", [("$(echo src/x | sed -n p)", True)]),
    ("$(echo a ||  echo b)", [("$(echo a ||  echo b)", True)]),
    ("$(echo $SHA)", [("${SHA}", True)]),
    ("$(echo build-$(git rev-parse HEAD))", [("build-$(git rev-parse HEAD)", True)]),
    ("$(basename $ZIP .zip)", [("$(basename $ZIP .zip)", True)]),
    ("$(basename ${SHA}/handler.py)", [("handler.py", False)]),
    ("$((UNSET + 1))", [("$((UNSET + 1))", True)]),
    ("$((SHA + 1))", [("$((SHA + 1))", True)]),
    ("$((1/0))", [("$((1/0))", True)]),
    ("$((i++))", [("$((i++))", True)]),
    ("$$", [("$$", True)]),
    ("$!", [("$!", True)]),
    ("${SHA}/*", [("${SHA}/*", True)]),
    ("src/$UNSET/*", [("src/${UNSET}/*", True)]),
    ('"$SHA"', [("${SHA}", True)]),
    ("${ARR[1]}", [("${ARR[1]}", True)]),
    ("${!prefix*}", [("${!prefix*}", True)]),
    ("${FN@Q}", [("${FN@Q}", True)]),
    ("${_GHA0_____}", [("${_GHA0_____}", True)]),
    ("$(echo $(echo $(echo $(echo deep))))", [("deep", False)]),
]


@pytest.mark.parametrize(("word", "expected"), SYMBOLIC_CASES)
def test_symbolic_expansion(word: str, expected: list[tuple[str, bool]]) -> None:
    vars = FakeVars(SYMBOLIC_VARS)
    fs = FakeFS(["/repo/src/a.py"])
    fields = expand_words([word], vars, fs, "/repo")
    assert [(f.text, f.symbolic) for f in fields] == expected


def test_github_placeholder_bound_by_interpreter() -> None:
    vars = FakeVars({"_GHA0_____": Value("billing")})
    fs = FakeFS(["/repo/src/lambdas/billing/handler.py"])
    fields = expand_words(["src/lambdas/${_GHA0_____}/*"], vars, fs, "/repo")
    assert texts(fields) == ["src/lambdas/billing/handler.py"]


def test_symbolic_positional_in_quoted_at() -> None:
    vars = FakeVars({}, [Value("${X}", symbolic=True), Value("a b")])
    fields = expand_words(['"$@"'], vars, FakeFS([]), "/")
    assert fields == [Field("${X}", True, True), Field("a b", False, True)]


def test_symbolic_value_is_never_split() -> None:
    vars = FakeVars({"V": Value("$(git log -1 --format=%h)", symbolic=True)})
    assert texts(expand_words(["$V"], vars, FakeFS([]), "/")) == ["$(git log -1 --format=%h)"]


# ---------------------------------------------------------------------------------------
# Field flags, expand_single, helpers
# ---------------------------------------------------------------------------------------


def test_quoted_flag() -> None:
    vars, fs = fake_env()
    assert expand_words(['"$A"'], vars, fs, CWD) == [Field("abc", False, True)]
    assert expand_words(["$A"], vars, fs, CWD) == [Field("abc", False, False)]
    assert expand_words(["x'y'"], vars, fs, CWD) == [Field("xy", False, True)]
    assert expand_words(["~/x"], vars, fs, CWD) == [Field("/home/runner/x", False, False)]
    assert expand_words(['"*.py"'], vars, fs, CWD) == [Field("*.py", False, True)]


def test_several_words_and_empty_input() -> None:
    vars, fs = fake_env()
    assert texts(expand_words(["cp", "-r", "src/lib/*", "$E", "build/"], vars, fs, CWD)) == [
        "cp",
        "-r",
        "src/lib/util.py",
        "build/",
    ]
    assert expand_words([], vars, fs, CWD) == []
    assert expand_words([""], vars, fs, CWD) == []


def test_home_variable_drives_tilde() -> None:
    vars = FakeVars({"HOME": Value("/root")})
    assert expand_single("~/x", vars).text == "/root/x"


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("$S", Field("a  b\tc", False, False)),
        ("*.py", Field("*.py", False, False)),
        ("{a,b}", Field("{a,b}", False, False)),
        ('"$@"', Field("one two words ", False, True)),
        ("$E", Field("", False, False)),
        ('""', Field("", False, True)),
        ("~/x", Field("/home/runner/x", False, False)),
        ("${SHA}-x", Field("${SHA}-x", True, False)),
        ("$(pwd)/out", Field("/repo/out", False, False)),
        ("'a'\"b\"c", Field("abc", False, True)),
    ],
)
def test_expand_single(word: str, expected: Field) -> None:
    vars, fs = fake_env()
    assert expand_single(word, vars, fs, CWD) == expected


def test_expand_single_without_fs() -> None:
    assert expand_single("$(echo *)", FakeVars()) == Field("*", False, False)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("*.py", True),
        ("src/?", True),
        ("[ab]", True),
        ("src/lambdas/${FN}/*", True),
        ("'*.py'", False),
        ('"*"', False),
        ("\\*", False),
        ("${X#*}", False),
        ("$(ls *)", False),
        ("[", False),
        ("plain/path", False),
        ("{a,*}", True),
        ("$G", False),
    ],
)
def test_has_glob(word: str, expected: bool) -> None:
    assert has_glob(word) is expected


@pytest.mark.parametrize(
    ("word", "text", "matches", "symbolic"),
    [
        ("*.py", "a.py", True, False),
        ("'*'.py", "a.py", False, False),
        ("'*'.py", "*.py", True, False),
        ("$G", "x.py", True, False),
        ('"$G"', "x.py", False, False),
        ("${FN}-*", "ingestion-x", True, False),
        ("$SHA*", "abc", False, True),
        ("\\[x]", "[x]", True, False),
    ],
)
def test_expand_pattern(word: str, text: str, matches: bool, symbolic: bool) -> None:
    vars = FakeVars({"G": Value("*.py"), "FN": Value("ingestion"), "SHA": Value("${SHA}", True)})
    pattern, sym = expand_pattern(word, vars)
    assert sym is symbolic
    assert pattern_match(pattern, text) is matches


def test_render_unknown() -> None:
    assert render_unknown("SHA") == "${SHA}"


@pytest.mark.parametrize(
    ("pattern", "name", "expected"),
    [
        ("*.py", "a.py", True),
        ("*.py", ".a.py", False),
        (".*", ".a", True),
        ("\\.*", ".a", True),
        ("?", "a", True),
        ("?", "", False),
        ("[a-c]x", "bx", True),
        ("[!a-c]x", "bx", False),
        ("[]]", "]", True),
        ("[!]]", "a", True),
        ("[[:digit:]]*", "1abc", True),
        ("a\\*", "a*", True),
        ("a\\*", "ab", False),
        ("[", "[", True),
        ("*", "", True),
        ("**", "abc", True),
    ],
)
def test_glob_match(pattern: str, name: str, expected: bool) -> None:
    assert glob_match(pattern, name) is expected


@pytest.mark.parametrize(
    ("pattern", "text", "slash", "expected"),
    [
        ("*.pyc", "a/b/c.pyc", True, True),
        ("*.pyc", "a/b/c.pyc", False, False),
        ("a/*/c", "a/b/c", False, True),
        ("a/?/c", "a///c", False, False),
        ("*/tests/*", "pkg/tests/x.py", True, True),
        ("*", ".hidden", True, True),
        ("ab*cd*ef", "abxxcdyyef", True, True),
        ("ab*cd*ef", "abxxcdyye", True, False),
    ],
)
def test_pattern_match(pattern: str, text: str, slash: bool, expected: bool) -> None:
    assert pattern_match(pattern, text, slash=slash) is expected


def test_brace_expand_limits() -> None:
    assert brace_expand("{1..100000000}") == ["{1..100000000}"]
    huge = "{a,b}" * 20
    assert brace_expand(huge) == [huge]


@pytest.mark.parametrize(
    "word",
    [
        "a" * 50_000,
        "*" * 5_000,
        "{" * 3_000 + "}" * 3_000,
        "$(" * 3_000,
        "${X:-" * 3_000 + "}" * 3_000,
        "$((" + "(" * 3_000 + "1" + ")" * 3_000 + "))",
        "${A//" + "*a" * 200 + "/x}",
        "${A%%" + "*a" * 200 + "}",
        "[" * 5_000,
        '"' * 5_001,
        "'" * 5_001,
        "`" * 5_001,
    ],
)
def test_pathological_words_terminate(word: str) -> None:
    vars = FakeVars({"A": Value("ab" * 1_000 + "x")})
    expand_words([word], vars, FakeFS(["/x/" + "a" * 10]), "/x")
    expand_single(word, vars)
    has_glob(word)


def test_pathological_patterns_terminate() -> None:
    assert not pattern_match("*a" * 300 + "b", "a" * 3_000)
    assert not glob_match("*a*a*a*a*a*a*a*a*b", "a" * 3_000)


# ---------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------

SAFE = st.text(
    alphabet=st.sampled_from("abcXYZ019-_./=:,@%+^"),
    min_size=1,
    max_size=30,
)


@settings(max_examples=300)
@given(SAFE)
def test_plain_words_are_identity(word: str) -> None:
    vars, fs = fake_env()
    assert expand_words([word], vars, fs, CWD) == [Field(word, False, False)]
    assert expand_single(word, vars, fs, CWD) == Field(word, False, False)
    assert not has_glob(word)


SHELLISH = st.lists(
    st.sampled_from([*"ab/.*?[]{},$'\"\\`~():-=#%^@!&| \t\n01", "${", "$(", "$((", "{1..2}", "$A"]),
    max_size=30,
).map("".join)


@settings(max_examples=500)
@given(SHELLISH)
def test_shellish_words_never_raise(word: str) -> None:
    vars, fs = fake_env()
    for field in expand_words([word], vars, fs, CWD):
        assert isinstance(field, Field)
    assert isinstance(expand_single(word, vars, fs, CWD), Field)
    assert isinstance(has_glob(word), bool)


@settings(max_examples=300)
@given(st.text(max_size=60))
def test_arbitrary_text_never_raises(word: str) -> None:
    vars, fs = fake_env()
    expand_words([word], vars, fs, CWD)
    expand_single(word, vars, fs, CWD)
    has_glob(word)
    pattern_match(word, "some/text.py")
    glob_match(word, "text.py")
