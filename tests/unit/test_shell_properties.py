"""Properties of the shell front end on arbitrary and shell-like text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_shell_support import walk, words

from validator.syntax.shell import ir, parse_script
from validator.syntax.shell.mask import mask_expressions

FRAGMENTS = [
    *"abc xyz\n\t;&|()<>{}[]$\"'`\\#=*!-~01",
    "${{ a.b }}", "${{x}}", "$((", "))", "[[ ", " ]]", "case ", " in ", " esac", ";;", "if ", " then ",
    " fi", "for ", " do ", " done", "<<EOF\n", "\nEOF\n", "<<-'E'\n", "\n\tE\n", "$(", "${", "}", "a=(",
    "function ", "f() ", "while ", "until ", "elif ", "else ", " && ", " || ", " | ", "\\\n", "# c\n",
    "cp -r src/* build/", "zip -r x.zip .", "cd build", "export A=1", "local x=$1", "time ", "((i++))",
]  # fmt: skip
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

shell_like = st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join)
any_text = st.text(max_size=200)


def check(text: str) -> None:
    script = parse_script(text)
    assert script.text == text
    masked, _ = mask_expressions(text)
    placeholders = _expression_spans(text, masked)
    for node in walk(script.body):
        assert 0 <= node.start <= node.end <= len(text), node
        if isinstance(node, ir.Unread):
            assert node.text == text[node.start : node.end]
            assert "internal error" not in node.reason, node
        for word in words(node):
            assert 0 <= word.start <= word.end <= len(text), word
            assert masked[word.start : word.end] == word.text, word
            if not any(a < word.end and word.start < b for a, b in placeholders):
                assert text[word.start : word.end] == word.text, word


def _expression_spans(text: str, masked: str) -> list[tuple[int, int]]:
    """One-character spans where the placeholder differs from the original."""
    return [(i, i + 1) for i, (a, b) in enumerate(zip(text, masked, strict=True)) if a != b]


@SETTINGS
@given(any_text)
def test_arbitrary_text_never_raises(text: str) -> None:
    check(text)


@SETTINGS
@given(shell_like)
def test_shell_like_text_keeps_offsets(text: str) -> None:
    check(text)


@SETTINGS
@given(shell_like)
def test_expression_masking_keeps_length(text: str) -> None:
    masked, expressions = mask_expressions(text)
    assert len(masked) == len(text)
    assert "${{" not in masked or text.count("${{") > len(expressions)
