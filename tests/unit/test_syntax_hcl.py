"""HCL through tree-sitter: values in the shape the Terraform reader uses, exact
positions, recovery from bad syntax, and no tree_sitter import without Terraform."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from validator.syntax import hcl

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def values(text: str) -> dict[str, Any]:
    doc = hcl.parse(textwrap.dedent(text))
    assert doc.error is None, doc.error
    return {name: attr.value for name, attr in doc.attributes.items()}


def one(expression: str) -> Any:
    return values(f"x = {expression}\n")["x"]


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize(("written", "value"), [
    ('"app.handler"', "app.handler"),
    ('""', ""),
    (r'"a\"b\\c\n\t\u00e9\U0001F600"', 'a"b\\c\n\té\U0001f600'),
    ('"${var.env}-ingestion"', "${var.env}-ingestion"),
    ('"${ var.env }"', "${ var.env }"),
    ('"pre ${upper("x")} post"', 'pre ${upper("x")} post'),
    ('"$${literal} %%{also}"', "$${literal} %%{also}"),
    ('"%{ if var.x }yes%{ endif }"', "%{ if var.x }yes%{ endif }"),
    ('"${~ var.x ~}"', "${~ var.x ~}"),
    ('"  spaced  "', "  spaced  "),
    ('"é✓ unicode"', "é✓ unicode"),
])
def test_strings_are_template_text(written: str, value: str) -> None:
    assert one(written) == value


@pytest.mark.parametrize(("written", "value"), [
    ("0", 0), ("256", 256), ("1.5", 1.5), ("1.5e3", 1500.0), ("2.5E-1", 0.25),
    ("-1", -1), ("- 3.5", -3.5), ("true", True), ("false", False), ("null", None),
])
def test_literals(written: str, value: Any) -> None:
    got = one(written)
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize(("written", "value"), [
    ("var.handler", "${var.handler}"),
    ("local.lambdas[each.key]", "${local.lambdas[each.key]}"),
    ("data.archive_file.zip.output_path", "${data.archive_file.zip.output_path}"),
    ('toset(["a", "b"])', '${toset(["a", "b"])}'),
    ("merge(var.a, { b = 1 })", "${merge(var.a, { b = 1 })}"),
    ('provider::aws::arn_parse("x")', '${provider::aws::arn_parse("x")}'),
    ("-var.n", "${-var.n}"),
    ("1 + 2", "${1 + 2}"),
    ("(1)", "${(1)}"),
    ('var.a ? "x" : "y"', '${var.a ? "x" : "y"}'),
    ("[for s in var.names : upper(s) if s != \"\"]", "${[for s in var.names : upper(s) if s != \"\"]}"),
    ("{ for k, v in var.m : k => v }", "${{ for k, v in var.m : k => v }}"),
    ("aws_instance.x[*].id", "${aws_instance.x[*].id}"),
    ("aws_instance.x.*.id", "${aws_instance.x.*.id}"),
    ("[1, 2][0]", "${[1, 2][0]}"),
    ("f(var.args...)", "${f(var.args...)}"),
])
def test_other_expressions_are_their_source(written: str, value: str) -> None:
    assert one(written) == value


def test_multi_line_expression_keeps_its_source() -> None:
    got = values('''
        x = concat(
          ["a"],   # first
          var.more,
        )
    ''')["x"]
    assert got == '${concat(\n  ["a"],   # first\n  var.more,\n)}'


def test_numbers_outside_the_grammar_are_not_misread() -> None:
    # tree-sitter-hcl wants a fraction before an exponent, and lexes hex that HCL lacks
    doc = hcl.parse("a = 1e3\nb = 2\nc = 0x1f\n")
    assert doc.error is not None and doc.error.line == 2
    assert {k: a.value for k, a in doc.attributes.items()} == {"c": "${0x1f}"}


def test_collections() -> None:
    got = values('''
        l = [
          1, "two", # a comment
          [true, null],
          { k = "v" },
        ]
        o = {
          name = "n"
          "quoted-key" : 2, other = var.x
          nested = { deep = ["d"] }
          (local.k) = 3
          4 = "four"
        }
        empty = [ ]
        none = {}
    ''')
    assert got == {
        "l": [1, "two", [True, None], {"k": "v"}],
        "o": {"name": "n", "quoted-key": 2, "other": "${var.x}", "nested": {"deep": ["d"]},
              "${(local.k)}": 3, "4": "four"},
        "empty": [],
        "none": {},
    }


def test_heredocs() -> None:
    got = values('''
        plain = <<EOF
          {"handler": "not.this"}
        ${var.x} \\n $${y}
        EOF
        flush = <<-EOT
            first
              indented

            ${local.y}
            EOT
        empty = <<EOF
        EOF
        after = "still read"
    ''')
    assert got == {
        "plain": '  {"handler": "not.this"}\n${var.x} \\n $${y}\n',
        "flush": "first\n  indented\n\n${local.y}\n",
        "empty": "",
        "after": "still read",
    }


# --------------------------------------------------------------------------- structure


def test_blocks_labels_and_nested_blocks() -> None:
    doc = hcl.parse(textwrap.dedent('''
        resource "aws_lambda_function" "f" {
          handler = "app.handler"
          environment {
            variables = { A = "1" }
          }
          dynamic "layer" {
            for_each = var.layers
            content {
              arn = layer.value
            }
          }
        }
        locals {
          a = 1
        }
        provider aws {}
        terraform { required_version = ">= 1.5" }
    ''').lstrip())
    assert doc.error is None
    assert [(b.type, b.labels) for b in doc.blocks] == [
        ("resource", ["aws_lambda_function", "f"]), ("locals", []), ("provider", ["aws"]), ("terraform", [])]
    fn = doc.blocks[0]
    assert [(b.type, b.labels) for b in fn.blocks] == [("environment", []), ("dynamic", ["layer"])]
    assert fn.body() == {
        "handler": "app.handler",
        "environment": [{"variables": {"A": "1"}}],
        "dynamic": [{"for_each": "${var.layers}", "content": [{"arn": "${layer.value}"}]}],
    }
    r = fn.range
    assert (r.line, r.column, r.end_line, r.end_column) == (1, 1, 12, 2)


def test_comments_are_not_content() -> None:
    doc = hcl.parse(textwrap.dedent('''
        # resource "aws_lambda_function" "a" { handler = "no.1" }
        // resource "aws_lambda_function" "b" { handler = "no.2" }
        /* resource "aws_lambda_function" "c" {
             handler = "no.3"
           } */
        resource "aws_lambda_function" "real" {
          # handler = "old.handler"
          handler = "real.handler" /* inline */ // trailing
        }
    '''))
    assert doc.error is None
    assert [b.labels[1] for b in doc.blocks] == ["real"]
    assert doc.blocks[0].body() == {"handler": "real.handler"}


def test_value_positions_count_characters() -> None:
    text = 'tags = { owner = "Zoë ✓" }\nhandler = "app.handler"\n'
    doc = hcl.parse(text)
    r = doc.attributes["handler"].range
    assert (r.line, r.column, r.end_line, r.end_column) == (2, 11, 2, 24)
    assert text[r.start : r.end] == '"app.handler"'
    t = doc.attributes["tags"].range
    assert (t.column, t.end_column) == (8, 27)
    assert doc.position(r.start + 1) == (2, 12)


def test_crlf_line_endings() -> None:
    text = 'resource "aws_lambda_function" "f" {\r\n  handler = "app.h"\r\n  p = <<EOF\r\nx\r\nEOF\r\n}\r\n'
    doc = hcl.parse(text)
    assert doc.error is None
    attrs = doc.blocks[0].attributes
    assert attrs["handler"].value == "app.h"
    assert attrs["p"].value == "x\r\n"
    r = attrs["handler"].range
    assert (r.line, r.column, r.end_column) == (2, 13, 20)


def test_duplicate_attribute_keeps_the_first() -> None:
    doc = hcl.parse('a = 1\na = 2\n')
    assert doc.attributes["a"].value == 1


# --------------------------------------------------------------------------- errors


def test_syntax_error_keeps_the_clean_blocks_and_reports_where() -> None:
    doc = hcl.parse('resource "a" "good" {\n  x = 1\n}\nresource "a" "bad" {\n  handler = "a.b"\n')
    assert [b.labels for b in doc.blocks] == [["a", "good"]]
    assert doc.error is not None and doc.error.line == 6


@pytest.mark.parametrize("text", [
    "", "}", "{{{{", 'x = "unterminated\n', "x = <<EOF\nno end\n", "x = [1, 2\n", "= 1\n",
    'a "b" {\n  c = \n}\n', "x = ${}\n", "\x00\x01", "é = 1\n", 'x = "\\ud800"\n', "x =" + " [" * 300,
])
def test_bad_text_never_raises(text: str) -> None:
    doc = hcl.parse(text)
    assert text == "" or doc.error is not None or doc.attributes or doc.blocks


def test_fixture_files_parse_cleanly() -> None:
    paths = sorted(FIXTURES.glob("*/repo/**/*.tf"))
    assert paths
    for path in paths:
        assert hcl.parse(path.read_text()).error is None, path


# --------------------------------------------------------------------------- imports


def test_tree_sitter_is_imported_only_for_terraform(tmp_path: Path) -> None:
    (tmp_path / "none").mkdir()
    (tmp_path / "none" / "template.yaml").write_text("Resources: {}\n")
    (tmp_path / "tf").mkdir()
    (tmp_path / "tf" / "main.tf").write_text(
        'locals {\n  upper = [for s in ["a"] : upper(s)]\n}\n'
        'resource "aws_lambda_function" "f" {\n  handler = "app.handler"\n}\n')
    code = (
        "import sys; from pathlib import Path\n"
        "from validator.handlers import collect_handler_configs\n"
        "from validator.model.repo import Repo\n"
        "for d in ('none', 'tf'):\n"
        f"    configs, problems = collect_handler_configs(Repo.open(Path({str(tmp_path)!r}) / d))\n"
        "    print(d, [(c.handler, c.span.line) for c in configs], problems, 'tree_sitter' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["none [] [] False", "tf [('app.handler', 5)] [] True"]


# --------------------------------------------------------------------------- generated

_NAMES = st.from_regex(r"[a-z_][a-z0-9_-]{0,6}", fullmatch=True).filter(
    lambda n: n not in ("true", "false", "null", "for", "in", "if"))
_CHARS = st.text(alphabet='ab \\"\n\t$%{}é✓~/', max_size=6)
_REFS = st.sampled_from(["var.env", "local.name", 'upper(var.x)', "each.value.handler", 'lookup(var.m, "k")'])
_GAPS = st.sampled_from(["\n", "\n\n", " # note\n", " // note\n", " /* c */\n", "\n  /* two\n lines */\n"])


def _escape(literal: str) -> tuple[str, str]:
    """How a piece of literal text is written in a quoted string, and its template text."""
    written = literal.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return (written.replace("${", "$${").replace("%{", "%%{"),
            literal.replace("${", "$${").replace("%{", "%%{"))


@st.composite
def _string(draw: st.DrawFn) -> tuple[str, Any]:
    pieces = draw(st.lists(st.one_of(_CHARS.map(lambda c: (False, c)),
                                     _REFS.map(lambda r: (True, "${" + r + "}"))), max_size=4))
    merged: list[tuple[bool, str]] = []  # adjacent literal pieces form one literal
    for ref, piece in pieces:
        if merged and not ref and not merged[-1][0]:
            merged[-1] = (False, merged[-1][1] + piece)
        else:
            merged.append((ref, piece))
    written, value = [], []
    for i, (ref, piece) in enumerate(merged):
        if ref:
            written.append(piece)
            value.append(piece)
            continue
        if piece[-1:] in ("$", "%") and i + 1 < len(merged):
            piece += " "  # ``$`` right before ``${`` would write the ``$${`` escape instead
        w, v = _escape(piece)
        # tree-sitter-hcl 1.2 reads ``%%%{`` / ``$$${`` as an escaped sign followed by a
        # template opening (HCL's scanner takes the escape after the first sign); a known
        # grammar gap, kept out of the generated text
        assume("%%%{" not in w and "$$${" not in w)
        written.append(w)
        value.append(v)
    return '"' + "".join(written) + '"', "".join(value)


def _number() -> st.SearchStrategy[tuple[str, Any]]:
    return st.one_of(
        st.integers(-10**12, 10**12).map(lambda i: (str(i), i)),
        st.tuples(st.integers(0, 10**6), st.integers(0, 999)).map(lambda p: (f"{p[0]}.{p[1]}", float(f"{p[0]}.{p[1]}"))),
        st.tuples(st.integers(1, 9), st.integers(-5, 5)).map(lambda p: (f"{p[0]}.5e{p[1]}", float(f"{p[0]}.5e{p[1]}"))),
    )


_SCALARS = st.one_of(
    _string(), _number(),
    st.sampled_from([("true", True), ("false", False), ("null", None)]),
    _REFS.map(lambda r: (r, "${" + r + "}")),
)


def _containers(inner: st.SearchStrategy[tuple[str, Any]]) -> st.SearchStrategy[tuple[str, Any]]:
    def tuple_(items: list[tuple[str, Any]], multi: bool) -> tuple[str, Any]:
        if multi:
            return "[\n" + "".join(f"  {w},\n" for w, _ in items) + "]", [v for _, v in items]
        return "[" + ", ".join(w for w, _ in items) + "]", [v for _, v in items]

    def object_(items: dict[str, tuple[str, Any]], quoted: bool, multi: bool) -> tuple[str, Any]:
        keys = {k: f'"{k}"' if quoted else k for k in items}
        sep = "\n  " if multi else ", "
        body = sep.join(f"{keys[k]} = {w}" for k, (w, _) in items.items())
        return ("{\n  " + body + "\n}" if multi else "{" + body + "}"), {k: v for k, (_, v) in items.items()}

    return st.one_of(
        st.builds(tuple_, st.lists(inner, max_size=4), st.booleans()),
        st.builds(object_, st.dictionaries(_NAMES, inner, max_size=4), st.booleans(), st.booleans()),
    )


_VALUES = st.recursive(_SCALARS, _containers, max_leaves=8)


@st.composite
def _document(draw: st.DrawFn) -> tuple[str, list[tuple[tuple[str, ...], Any, int, int]], list[tuple[str, list[str], int]]]:
    """HCL text, each attribute's (path, value, start, end offsets) and each block's
    (type, labels, start offset)."""
    parts: list[str] = []
    attrs: list[tuple[tuple[str, ...], Any, int, int]] = []
    blocks: list[tuple[str, list[str], int]] = []
    size = 0

    def emit(text: str) -> int:
        nonlocal size
        parts.append(text)
        size += len(text)
        return size - len(text)

    def attributes(prefix: tuple[str, ...], indent: str) -> None:
        for name in draw(st.lists(_NAMES, unique=True, max_size=4)):
            written, value = draw(_VALUES)
            emit(f"{indent}{name}{draw(st.sampled_from([' = ', '=', '   =  ']))}")
            start = emit(written)
            attrs.append(((*prefix, name), value, start, start + len(written)))
            emit(draw(_GAPS))

    attributes((), "")
    for i in range(draw(st.integers(0, 3))):
        kind = draw(_NAMES)
        labels = draw(st.lists(_NAMES, max_size=2))
        blocks.append((kind, labels, emit(kind)))
        emit("".join(f' "{lab}"' if draw(st.booleans()) else f" {lab}" for lab in labels) + " {\n")
        attributes((str(i),), "  ")
        emit("}" + draw(_GAPS))
    return "".join(parts), attrs, blocks


def _line_column(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


@settings(max_examples=150, deadline=None)
@given(_document(), st.booleans())
def test_generated_documents_round_trip(generated: Any, crlf: bool) -> None:
    text, attrs, blocks = generated
    if crlf:  # every line break outside strings (strings hold none: they are escaped)
        shift = [text.count("\n", 0, i) for i in range(len(text) + 1)]
        attrs = [(p, v, s + shift[s], e + shift[e]) for p, v, s, e in attrs]
        blocks = [(k, labels, s + shift[s]) for k, labels, s in blocks]
        text = text.replace("\n", "\r\n")
    doc = hcl.parse(text)
    assert doc.error is None, text
    assert [(b.type, b.labels) for b in doc.blocks] == [(k, labels) for k, labels, _ in blocks]
    for block, (_, _, start) in zip(doc.blocks, blocks, strict=True):
        assert (block.range.start, (block.range.line, block.range.column)) == (start, _line_column(text, start))
    for path, value, start, end in attrs:
        where = doc.attributes if len(path) == 1 else doc.blocks[int(path[0])].attributes
        attr = where[path[-1]]
        assert attr.value == value, (text, path)
        r = attr.range
        assert (r.start, r.end) == (start, end)
        assert (r.line, r.column) == _line_column(text, start)
        assert (r.end_line, r.end_column) == _line_column(text, end)


_REALISTIC = '''resource "aws_lambda_function" "f" {
  handler = "app.${var.name}"   # c
  tags    = { a = [1, 2.5, true], "b" : null }
  policy  = <<-EOF
    {"x": "${local.y}"}
    EOF
  dynamic "d" { content { v = [for s in var.l : upper(s)] } }
}
'''


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(_REALISTIC)), st.integers(0, 12), st.text(alphabet='{}[]()"=<-\n$#/*\\ éa,:', max_size=4))
def test_damaged_text_never_raises(at: int, cut: int, insert: str) -> None:
    doc = hcl.parse(_REALISTIC[:at] + insert + _REALISTIC[at + cut :])
    for attr in doc.attributes.values():
        assert 1 <= attr.range.line <= attr.range.end_line
