"""The ``run:`` script map: every script character points back at the workflow text."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    PlainScalarString,
    SingleQuotedScalarString,
)

from validator.model import Step
from validator.model.repo import Repo
from validator.syntax.scalars import scalar_source
from validator.workflow import read_workflow


def _read(tmp_path: Path, text: str) -> list[Step]:
    path = tmp_path / "wf.yml"
    path.write_bytes(text.encode("utf-8"))
    workflow = read_workflow(path, Repo(root=tmp_path))
    assert workflow.text == text
    return [s for job in workflow.jobs for s in job.steps]


def _file_position(text: str, offset: int) -> tuple[int, int]:
    """Line/column as an editor counts them (LF, CRLF, CR end a line)."""
    head = text[:offset]
    if head.endswith("\r") and text[offset : offset + 1] == "\n":
        head = head[:-1]  # the LF of a CRLF is still on the line the CR ends
    line = head.count("\n") + head.count("\r") - head.count("\r\n") + 1
    start = max(head.rfind("\n"), head.rfind("\r")) + 1
    return line, offset - start + 1


def _check_map(text: str, step: Step) -> None:
    """Verbatim characters sit at their file offset; the others are YAML's own (folds, escapes)."""
    assert step.run is not None and step.script_map is not None
    smap = step.script_map
    previous = -1
    for i, ch in enumerate(step.run):
        off = smap.file_offset(i)
        assert off > previous, "script characters come from increasing file offsets"
        previous = off
        assert smap.position(i) == _file_position(text, off)
        if text[off] != ch:
            artifact = (
                (ch == " " and text[off] in "\r\n")  # a folded line break
                or (ch == "\n" and text[off] == "\r")  # CR read as LF
                or text[off] == "\\"  # an escape sequence
            )
            assert artifact, (i, ch, text[off])


SCRIPT = "mkdir -p build\ncp -r src/lambdas/x/* build/  # copy\ncd build && zip -r ../x.zip .\n"


def _workflow(run_block: str) -> str:
    return "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - name: b\n" + run_block


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize(
    ("block", "style", "expected"),
    [
        ("        run: |\n          a\n            b\n\n          c  # not a comment\n", "|", "a\n  b\n\nc  # not a comment\n"),
        ("        run: |-\n          a\n          b\n\n\n", "|-", "a\nb"),
        ("        run: |+\n          a\n\n      - run: x\n", "|+", "a\n\n"),
        ("        run: >\n          a\n          b\n\n          c\n            d\n          e\n", ">", "a b\nc\n  d\ne\n"),
        ("        run: >-\n          echo one\n          two\n", ">-", "echo one two"),
        ("        run: |2\n            indented first\n          second\n", "|", "  indented first\nsecond\n"),
        ("        run: |  # a comment on the header\n          x\n", "|", "x\n"),
        ("        run: plain words\n          continue  # comment\n", "plain", "plain words continue"),
        ("        run:\n          on the next line\n\n          after blank\n", "plain", "on the next line\nafter blank"),
        ("        run: 'it''s\n          folded\n\n          kept'\n", "single", "it's folded\nkept"),
        (
            '        run: "a\\tb \\"q\\" \\\\ \\x41\\u00e9 \\\n          joined\n          folded"\n',
            "double",
            'a\tb "q" \\ Aé joined folded',
        ),
        ("        run: &script |\n          anchored\n", "|", "anchored\n"),
        ("        run: !!str |\n          tagged\n", "|", "tagged\n"),
        ("        run: |\n          tab\there\n          \tleading tab\n", "|", "tab\there\n\tleading tab\n"),
    ],
)
def test_each_style_maps_back(tmp_path: Path, block: str, style: str, expected: str, newline: str) -> None:
    text = _workflow(block).replace("\n", newline)
    steps = _read(tmp_path, text)
    step = steps[0]
    assert step.run == expected
    assert step.run_style == style
    _check_map(text, step)


def test_positions_of_a_literal_script(tmp_path: Path) -> None:
    text = _workflow("        run: |\n" + "".join("          " + line + "\n" for line in SCRIPT.splitlines()))
    step = _read(tmp_path, text)[0]
    smap = step.script_map
    assert smap is not None
    cp = SCRIPT.index("cp -r")
    assert smap.position(cp) == (9, 11)
    assert step.run_line == 7
    span = smap.span(cp, cp + len("cp -r src/lambdas/x/* build/"))
    assert (span.line, span.column, span.end_line, span.end_column) == (9, 11, 9, 39)
    assert text[smap.file_offset(cp) : smap.file_offset(cp) + 5] == "cp -r"


def test_bom_and_crlf_keep_offsets(tmp_path: Path) -> None:
    text = "\ufeff" + _workflow("        run: |\n          echo hi\n          ls\n").replace("\n", "\r\n")
    step = _read(tmp_path, text)[0]
    assert step.run == "echo hi\nls\n"
    _check_map(text, step)
    assert step.script_map is not None
    assert step.script_map.position(step.run.index("ls")) == (9, 11)


def test_alias_to_a_script_defined_elsewhere(tmp_path: Path) -> None:
    text = (
        "x-scripts:\n  build: &build |\n    echo built\n    ls\n"
        "jobs:\n  a:\n    steps:\n      - run: *build\n"
    )
    step = _read(tmp_path, text)[0]
    assert step.run == "echo built\nls\n"
    _check_map(text, step)
    assert step.script_map is not None
    assert step.script_map.position(0) == (3, 5)


def test_flow_mapping_step(tmp_path: Path) -> None:
    text = "jobs:\n  a:\n    steps:\n      - {name: x, run: echo hi there}\n"
    step = _read(tmp_path, text)[0]
    assert step.run == "echo hi there"
    _check_map(text, step)


def test_unmappable_scalar_falls_back_to_the_value_start() -> None:
    assert scalar_source("run: |\n  abc\n", 5, "something else", 0) is None


# --------------------------------------------------------------------------- property

_CHARS = st.sampled_from([*"abcxyz019 _-./*$#:'\"\\{}[]|>&!%@,?`=~\t", "${{ matrix.x }}", "é", "  "])
_LINE = st.lists(_CHARS, max_size=12).map("".join)
_SCRIPT = st.lists(_LINE, min_size=1, max_size=5).map("\n".join).flatmap(
    lambda body: st.sampled_from([body, body + "\n", body + "\n\n", "\n" + body])
)
_STYLES = [LiteralScalarString, FoldedScalarString, SingleQuotedScalarString, DoubleQuotedScalarString,
           PlainScalarString]


def _dump(script: str, style: type, mapping: int, sequence: int, offset: int) -> str:
    yaml = YAML()
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    yaml.width = 40
    step = {"name": "s", "run": style(script)}
    doc = {"on": "push", "jobs": {"build": {"runs-on": "x", "steps": [{"uses": "a@v1"}, step]}}}
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    script=_SCRIPT,
    style=st.sampled_from(_STYLES),
    indent=st.sampled_from([(2, 2, 0), (2, 4, 2), (4, 4, 2), (3, 5, 2)]),
    crlf=st.booleans(),
)
def test_property_script_map_points_into_the_file(
    tmp_path: Path, script: str, style: type, indent: tuple[int, int, int], crlf: bool
) -> None:
    text = _dump(script, style, *indent)
    if crlf:
        text = text.replace("\n", "\r\n")
    path = tmp_path / "p.yml"
    path.write_bytes(text.encode("utf-8"))
    workflow = read_workflow(path, Repo(root=tmp_path))
    step = workflow.jobs[0].steps[1]
    loaded = YAML().load(text)["jobs"]["build"]["steps"][1]["run"]
    assert step.run == loaded
    _check_map(text, step)


_WORD = st.text(alphabet="abcxyz019_-./*$=@%", min_size=1, max_size=8).filter(lambda w: w[0] not in "-*%@")
_PLAIN_LINE = st.lists(_WORD, min_size=1, max_size=4).map(" ".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=st.lists(st.tuples(_PLAIN_LINE, st.integers(0, 2), st.integers(0, 3)), min_size=1, max_size=5),
    quote=st.sampled_from(["", "'", '"']),
    first_on_next_line=st.booleans(),
    crlf=st.booleans(),
    comment=st.booleans(),
)
def test_property_multiline_flow_scalars(
    tmp_path: Path,
    lines: list[tuple[str, int, int]],
    quote: str,
    first_on_next_line: bool,
    crlf: bool,
    comment: bool,
) -> None:
    """Plain and quoted scalars folded over lines, blank lines and extra indentation."""
    body = []
    for i, (words, blanks, extra) in enumerate(lines):
        if i:
            body.extend([""] * blanks)
        body.append(" " * extra + words)
    head, rest = body[0], body[1:]
    indent = " " * 10
    value = quote + head.strip() + ("\n" + "\n".join(indent + r if r else "" for r in rest) if rest else "")
    value += quote
    if comment:
        value += "  # trailing comment"
    run = f"        run: {value}\n" if not first_on_next_line else f"        run:\n{indent}{value}\n"
    text = _workflow(run) + "      - run: next\n"
    if crlf:
        text = text.replace("\n", "\r\n")
    loaded = YAML().load(text)["jobs"]["build"]["steps"][0]["run"]
    assume(isinstance(loaded, str))  # ``run: 0`` is a number, reported as a problem elsewhere
    steps = _read(tmp_path, text)
    assert steps[0].run == loaded
    _check_map(text, steps[0])
