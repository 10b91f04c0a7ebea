"""GitHub expression placeholders and same-length masks."""

from __future__ import annotations

import re

from validator.syntax.shell import parse_script
from validator.syntax.shell.mask import Mask, apply_masks, mask_expressions, parameter_placeholder


def test_expression_becomes_placeholder_of_same_length() -> None:
    text = 'echo "${{ matrix.function }}-x"'
    masked, expressions = mask_expressions(text)
    assert len(masked) == len(text)
    name = re.search(r"\$\{(_GHA0_*)\}", masked)
    assert name is not None
    assert expressions == {name.group(1): "matrix.function"}
    assert masked.replace(name.group(0), "X") == 'echo "X-x"'


def test_each_occurrence_gets_its_own_name() -> None:
    masked, expressions = mask_expressions("${{ a }} ${{ a }} ${{ b.c }}")
    assert len(expressions) == 3
    assert sorted(expressions.values()) == ["a", "a", "b.c"]
    assert all(f"${{{name}}}" in masked for name in expressions)


def test_short_expressions_use_shorter_names() -> None:
    masked, expressions = mask_expressions("${{x}}${{}}")
    assert len(masked) == len("${{x}}${{}}")
    assert set(expressions.values()) == {"x", ""}
    assert all(len(name) in (2, 3) for name in expressions)


def test_more_very_short_expressions_than_names_fit() -> None:
    text = "${{}}" * 12
    masked, expressions = mask_expressions(text)
    assert len(masked) == len(text)
    assert len(expressions) == 10  # `_0` … `_9`; the rest become plain underscores
    assert masked.endswith("_" * 10)


def test_closing_braces_inside_string_literals() -> None:
    text = "echo ${{ format('{0}}', x) }} done"
    masked, expressions = mask_expressions(text)
    assert list(expressions.values()) == ["format('{0}}', x)"]
    assert masked.endswith(" done")


def test_unterminated_expression_is_left_alone() -> None:
    assert mask_expressions("echo ${{ x") == ("echo ${{ x", {})


def test_expressions_are_replaced_in_single_quotes_and_heredocs() -> None:
    script = parse_script("echo '${{ a }}'\ncat <<'EOF'\n${{ b }}\nEOF\n")
    assert sorted(script.expressions.values()) == ["a", "b"]
    assert "${{" not in script.body[1].redirects[0].heredoc  # type: ignore[attr-defined]


def test_apply_masks_keeps_length_and_range() -> None:
    text = "abcdefgh"
    masks = [Mask(1, 3, "XY"), Mask(5, 7, "ZZ")]
    assert apply_masks(text, masks) == "aXYdeZZh"
    assert apply_masks(text, masks, 0, 4) == "aXYd"
    assert parameter_placeholder(8, "_ARITH") == "${_ARIT}"
