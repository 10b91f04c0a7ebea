"""Handler grammar and symbolic-name matching used by the handler linkage."""

from __future__ import annotations

import pytest

from validator.handlers import handler_module_path, parse_handler
from validator.handlers import patterns as pt


@pytest.mark.parametrize(
    ("handler", "expected"),
    [
        ("handler.lambda_handler", ("handler", "lambda_handler")),
        ("src.lambdas.ingestion.handler.lambda_handler", ("src.lambdas.ingestion.handler", "lambda_handler")),
        ("src/lambdas/ingestion/handler.main", ("src.lambdas.ingestion.handler", "main")),
        ("src/pkg.mod.fn", ("src.pkg.mod", "fn")),
        ("pkg/mod.py.fn", ("pkg.mod.py", "fn")),  # the runtime imports pkg.mod.py and fails
        ("lambda_handler", None),
        ("", None),
        ("mod.", None),
        (".fn", None),
        ("a b.fn", None),
        ("pkg..mod.fn", None),
    ],
)
def test_parse_handler_follows_awslambdaric(handler: str, expected: tuple[str, str] | None) -> None:
    assert parse_handler(handler) == expected


def test_handler_module_path() -> None:
    assert handler_module_path("src/lambdas/x/handler.main") == "src/lambdas/x/handler.py"
    assert handler_module_path("nodot") is None


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("ingestion-${SHA}.zip", "ingestion-abc123.zip", True),
        ("ingestion-${{ github.sha }}.zip", "ingestion-$GITHUB_SHA.zip", True),
        ("${var.env}-ingestion", "prod-ingestion", True),
        ("${var.env}-ingestion", "prod-analysis", False),
        ("ingestion-$(git rev-parse --short HEAD).zip", "ingestion-1a2b3c4.zip", True),
        ("${NAME}.zip", "anything.zip", False),  # wildcards alone say nothing
    ],
)
def test_symbolic_matches(a: str, b: str, same: bool) -> None:
    assert pt.matches(a, b) is same


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("IngestionFunction", ("ingestion",)),
        ("ingestion_lambda", ("ingestion",)),
        ("ingestion-fn", ("ingestion",)),
        ("${var.env}-ingestion", ("ingestion",)),
        ("ingestion-${SHA}.zip", ("ingestion",)),
        ("ingestion-1.2.3.zip", ("ingestion",)),
        ("DataIngestionFunction", ("data", "ingestion")),
        ("lambda", ("lambda",)),  # nothing but noise: keep it
    ],
)
def test_name_tokens(text: str, words: tuple[str, ...]) -> None:
    assert pt.name_tokens(text) == words


def test_key_identity_uses_folder_when_basename_is_a_version() -> None:
    assert pt.key_identity("s3://bucket/lambdas/ingestion/${GITHUB_SHA}.zip") == ("ingestion",)
    assert pt.key_identity("lambdas/ingestion.zip") == ("ingestion",)
    assert pt.key_identity("builds/1f3e9a7c.zip") == ("builds",)
