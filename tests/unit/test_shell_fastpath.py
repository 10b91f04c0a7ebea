"""The bashlex-free path against bashlex itself.

For every statement of a large corpus (the fixture workflows, the bench workflow, the
strings of the shell tests, generated statements), whenever bashlex reads the statement
the direct path must give exactly the IR bashlex plus ``convert`` give, or decline.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_shell_properties import FRAGMENTS

from validator.model.repo import Repo
from validator.syntax.shell import backend, ir, parse_script
from validator.syntax.shell.convert import ConversionError, convert
from validator.syntax.shell.lex import lex
from validator.syntax.shell.mask import mask_expressions
from validator.syntax.shell.parser import Parser
from validator.syntax.shell.split import split
from validator.workflow import read_workflow

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = settings(
    max_examples=int(os.environ.get("FASTPATH_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def bashlex_ir(parser: Parser, tokens: list) -> list[ir.Node] | None:
    """What bashlex (with the usual masks) and ``convert`` make of a statement, if anything."""
    start, end = tokens[0].start, max(t.extent for t in tokens)
    for attempt in (parser.masked, parser.masked_substitutions):
        try:
            parsed = backend.parse(attempt[start:end])
        except backend.ShellSyntaxError:
            continue
        try:
            return convert(parsed, parser.source, start)
        except (ConversionError, AttributeError):
            return None
    return None


def compare(text: str) -> tuple[int, int]:
    """Check every statement of ``text``; (statements read directly, statements compared)."""
    replaced, _ = mask_expressions(text)
    lexed = lex(replaced)
    parser = Parser(text, replaced, lexed)
    direct = compared = 0
    statements = split(lexed.tokens)
    for tokens in statements:
        fast = parser.direct.statement(tokens)
        if fast is None:
            continue
        direct += 1
        # ``cmd <<EOF ; next``: the here-document ends after ``next``, so the text bashlex
        # would get for this statement holds the next one too; nothing to compare
        start, end = tokens[0].start, max(t.extent for t in tokens)
        if any(start < t.start < end for other in statements if other is not tokens for t in other):
            continue
        slow = bashlex_ir(parser, tokens)
        if slow is None:
            continue
        if re.search(r"[<>&|]\\\n", text[start:end]):
            # bashlex ends the word at a line continuation after an operator (`a<\⏎b`); bash
            # removes the continuation first and reads `a < b`, as the fast path does
            # (tests/unit/test_shell_constructs.py checks that reading against bash)
            continue
        compared += 1
        assert fast == slow, (text[tokens[0].start : tokens[-1].extent], fast, slow)
    return direct, compared


def workflow_scripts(path: Path, root: Path, text: str | None = None) -> list[str]:
    workflow = read_workflow(path, Repo.open(root), text)
    return [step.run for job in workflow.jobs for step in job.steps if step.run]


@cache
def fixture_scripts() -> list[str]:
    scripts: list[str] = []
    for path in sorted(ROOT.glob("tests/fixtures/*/repo/.github/workflows/*.yml")):
        scripts += workflow_scripts(path, path.parents[2])
    return sorted(set(scripts))


@cache
def bench_scripts() -> list[str]:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench/generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = module.workflow(module.lambda_names(5), 8)
    return workflow_scripts(ROOT / ".github/workflows/bench.yml", ROOT, text)


@cache
def shell_test_strings() -> list[str]:
    """String constants of the shell tests (most are scripts)."""
    found: set[str] = set()
    for path in sorted((ROOT / "tests/unit").glob("test_shell_*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.strip():
                found.add(node.value)
    return sorted(found)


@pytest.mark.parametrize("corpus", [fixture_scripts, bench_scripts, shell_test_strings])
def test_corpus_matches_bashlex(corpus) -> None:  # type: ignore[no-untyped-def]
    direct = compared = 0
    for text in corpus():
        d, c = compare(text)
        direct += d
        compared += c
    assert compared > 20 and direct >= compared


def test_bench_workflow_never_needs_bashlex(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str) -> list[object]:
        raise AssertionError(f"bashlex asked for {text!r}")

    monkeypatch.setattr(backend, "parse", refuse)
    for text in bench_scripts():
        assert not parse_script.__wrapped__(text).unread(), text


# -- generated statements ----------------------------------------------------------------

NAMES = st.sampled_from(["A", "b_1", "PATH", "x", "é"])
PLAIN = st.sampled_from(["cp", "-r", "src/*", "build/", "zip", "-q", "x.zip", ".", "do", "done", "in",
                         "then", "}", "{", "!", "[", "]", "test", "-d", "0", "12", "a=b", "=x", "-", "{a}",
                         "--", "if", "time", "-p", "fi", "*.py", "~/x", "a#b", "[[", "]]"])  # fmt: skip
QUOTED = st.sampled_from(['"$HOME/x y"', "'a b'", '"${X:-d}"', "$'a\\n'", '"$(pwd)"', "`date`",
                          "$(ls | wc -l)", "${{ matrix.fn }}", "$((1+2))", '"a"b', "\\$x", "x\\ y",
                          "<(ls)", "$(echo ')')", "${a[@]}", "$#", "$@"])  # fmt: skip
WORD = st.one_of(PLAIN, QUOTED, st.builds(lambda n, v: f"{n}={v}", NAMES, st.one_of(PLAIN, QUOTED)),
                 st.builds(lambda n, v: f"{n}+={v}", NAMES, PLAIN), st.builds("".join, st.lists(PLAIN, max_size=3)))  # fmt: skip
REDIRECT = st.sampled_from([">out", ">> log", "<in", "2>&1", ">&2", "2> /dev/null", "&>all", "&>>all",
                            "<<< \"$x\"", ">|f", "<>f", "1>f", "2>>e", ">&-", ">& file", "3<&0", "{fd}>x",
                            "2<&-", "<<EOF", "<<-'E'", "0<<EOF", "<<\"D\""])  # fmt: skip
HEREDOC_BODIES = "\nline $x\n\tE\nEOF\nD\n"


def command() -> st.SearchStrategy[str]:
    part = st.one_of(WORD, WORD, REDIRECT)
    decl = st.builds(lambda b, o, a: " ".join([b, *o, *a]), st.sampled_from(["export", "local", "declare",
                     "readonly", "typeset"]), st.lists(st.sampled_from(["-r", "-x", "-p", "-f", "+x"]), max_size=2),
                     st.lists(st.one_of(NAMES, st.builds(lambda n, v: f"{n}={v}", NAMES, QUOTED)), max_size=3))  # fmt: skip
    simple = st.lists(part, min_size=1, max_size=6).map(" ".join)
    tests = st.sampled_from(
        ["[ -d x ]", "test -f y", "[[ -n $a && $b == c* ]]", "((i++))", "[ a", "A=1 [[ x ]]"]
    )
    return st.one_of(simple, simple, decl, tests)


def pipeline() -> st.SearchStrategy[str]:
    pipe = st.sampled_from([" | ", " |& ", "|", " |\n"])
    items = st.lists(command(), min_size=1, max_size=3)
    neg = st.sampled_from(["", "! ", "time ", "!"])
    return st.builds(lambda n, cs, p: n + p.join(cs), neg, items, pipe)


def statement() -> st.SearchStrategy[str]:
    op = st.sampled_from([" && ", " || ", "&&", " &&\n  ", " ; ", " & "])
    chain = st.builds(lambda ps, o: o.join(ps), st.lists(pipeline(), min_size=1, max_size=3), op)
    wrappers = st.sampled_from(["@", "@ &", "{ @; }", "( @ )", "if @; then @; fi", "if @; then @; else @; fi",
                                "for f in a b; do @; done", "while @; do @; done > log", "f() { @; }",
                                "{ @; } 2>&1 | tee x", "until @; do\n@\ndone", "@ # comment", "@ \\\n -x",
                                "function g { @\n}", "if @\nthen\n  @\nelif @; then @\nfi"])  # fmt: skip
    return st.builds(_fill, wrappers, st.lists(chain, min_size=4, max_size=4))


def _fill(wrapper: str, pieces: list[str]) -> str:
    out = wrapper
    for piece in pieces:
        out = out.replace("@", piece.replace("@", "at"), 1)
    return out


@SETTINGS
@given(statement(), st.sampled_from(["", HEREDOC_BODIES]))
def test_generated_statements_match_bashlex(text: str, tail: str) -> None:
    compare(text + tail)


@SETTINGS
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join))
def test_fragment_soup_matches_bashlex(text: str) -> None:
    compare(text)


def test_repeated_scripts_are_parsed_once() -> None:
    text = "mkdir -p build && cp -r src/* build/\n"
    assert parse_script(text) is parse_script(text)
