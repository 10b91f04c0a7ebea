"""The text-edit layer: statements inserted as lines or inline, words joined as written."""

from __future__ import annotations

import pytest

from validator.autofix.apply import Edit, combine, overlaps, unified_diff
from validator.fixes import words
from validator.fixes.edits import Declined, apply_script_edits, insert_after, insert_before, stands_alone
from validator.model import Fix


def test_line_insertions_keep_indentation_and_comments() -> None:
    script = "set -e\n  cp -r a/* b/  # flat\nzip x .\n"
    start = script.index("cp")
    end = script.index("  # flat")
    assert stands_alone(script, start, end)
    after = insert_after(script, start, end, ["mkdir -p n", "cp -r a/* n/"], lines=True)
    assert apply_script_edits(script, [after]) == "set -e\n  cp -r a/* b/  # flat\n  mkdir -p n\n  cp -r a/* n/\nzip x .\n"
    before = insert_before(script, start, end, ["mkdir -p b"], lines=True)
    assert apply_script_edits(script, [before]).startswith("set -e\n  mkdir -p b\n  cp -r")


def test_inline_insertions_in_and_lists() -> None:
    script = "mkdir -p b && cp -r a/* b/ && zip x ."
    start, end = script.index("cp"), script.index(" && zip")
    assert not stands_alone(script, start, end)
    edit = insert_after(script, start, end, ["mkdir -p n"], lines=True)
    assert apply_script_edits(script, [edit]) == "mkdir -p b && cp -r a/* b/ && mkdir -p n && zip x ."
    with pytest.raises(Declined):
        insert_before("false || cp a b", 9, 15, ["mkdir -p b"], lines=False)
    with pytest.raises(Declined):
        insert_after("cp a b | tee log", 0, 6, ["x"], lines=False)


def test_continued_previous_line_is_not_alone() -> None:
    script = "mkdir -p b &&\n  cp a b/\n"
    assert not stands_alone(script, script.index("cp"), script.index("\n", 15))


@pytest.mark.parametrize(("base", "suffix", "slash", "out"), [
    ("packages/x-build/", "src/lambdas/x", True, "packages/x-build/src/lambdas/x/"),
    ('"${dest}/"', "src/lambdas/${name}", True, '"${dest}/src/lambdas/${name}/"'),
    ('"$BUILD"', "src/lib", False, '"$BUILD/src/lib"'),
    ("build", '"src/x"', True, 'build/"src/x"/'),
])
def test_join(base: str, suffix: str, slash: bool, out: str) -> None:
    assert words.join(base, suffix, slash) == out


def test_container_and_matches() -> None:
    assert words.container("src/lambdas/${name}/*") == "src/lambdas/${name}"
    assert words.container("./src/lambdas/x") == "src/lambdas"
    assert words.matches("src/functions/${{ matrix.function }}", "src/functions/billing")
    assert not words.matches("src/functions/${{ matrix.function }}", "lib/functions/billing")
    assert words.drop_suffix("build/x/lib/", "lib") == "build/x"
    assert words.drop_suffix("build/x/other", "lib") is None


def test_overlapping_fixes_wait_and_identical_edits_apply_once() -> None:
    a = Fix("a", [Edit("w", 5, 5, "x")])
    b = Fix("b", [Edit("w", 5, 5, "x")])
    c = Fix("c", [Edit("w", 3, 8, "y")])
    edits, taken, left = combine([a, b, c])
    assert edits == [Edit("w", 3, 8, "y")] and taken == [c] and left == [a, b]
    edits, taken, left = combine([a, b])
    assert edits == [Edit("w", 5, 5, "x")] and taken == [a, b] and left == []
    assert overlaps(Edit("w", 3, 8, ""), Edit("w", 5, 5, "x"))
    # a fix over two files (a workflow and its Dockerfile) is taken whole, or left whole
    d = Fix("d", [Edit("w", 4, 6, "z"), Edit("Dockerfile", 3, 8, "COPY")])
    assert not overlaps(Edit("w", 3, 8, ""), Edit("Dockerfile", 3, 8, ""))
    edits, taken, left = combine([c, d])
    assert taken == [c] and left == [d] and edits == [Edit("w", 3, 8, "y")]


def test_diff_marks_missing_final_newline_and_keeps_crlf() -> None:
    diff = unified_diff("w.yml", "a\r\nb", "a\r\nc\r\nb")
    assert diff.startswith("--- a/w.yml\n+++ b/w.yml\n")
    assert "+c\r\n" in diff and diff.endswith("\\ No newline at end of file\n")
