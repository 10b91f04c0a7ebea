"""Handlers declared in serverless.yml and in [tool.validate-imports]."""

from __future__ import annotations

from pathlib import Path

from handlers_support import by_resource, make_repo

from validator.handlers import collect_handler_configs

SERVERLESS = '''
service: billing
frameworkVersion: "3"
provider:
  name: aws
  runtime: python3.12
  architecture: arm64
  stage: ${opt:stage, 'dev'}
  environment:
    TABLE: ${self:custom.table}
package:
  individually: true
  patterns:
    - "!node_modules/**"
    - "src/**"
plugins:
  - serverless-python-requirements
functions:
  invoices:
    handler: src/handlers/invoices.handler   # slash form, relative to the service
    name: ${self:service}-${sls:stage}-invoices
    environment:
      KIND: invoices
  payments:
    handler: payments.lambda_handler
    module: src/payments
    runtime: python3.11
    package:
      artifact: dist/payments.zip
  broken:
    events: []
'''


def test_serverless_functions(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"services/billing/serverless.yml": SERVERLESS})
    configs, problems = collect_handler_configs(repo)
    assert problems == []
    got = by_resource(configs)
    assert set(got) == {"invoices", "payments"}
    inv = got["invoices"]
    assert inv.origin == "serverless"
    assert inv.handler == "src/handlers/invoices.handler"
    assert (inv.span.path, inv.span.line, inv.span.column) == ("services/billing/serverless.yml", 19, 14)
    assert inv.span.end_column == 14 + len(inv.handler)
    assert inv.runtime == "python3.12"
    assert inv.architectures == ["arm64"]
    assert inv.code_uri == "services/billing"
    assert inv.function_name == "${self:service}-${sls:stage}-invoices"
    assert inv.environment == {"TABLE": "${self:custom.table}", "KIND": "invoices"}
    assert inv.patterns == ["!node_modules/**", "src/**"]
    pay = got["payments"]
    assert pay.code_uri == "services/billing/src/payments"
    assert pay.filename == "services/billing/dist/payments.zip"
    assert pay.runtime == "python3.11"


def test_invalid_serverless_yaml_is_unmodelled(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"serverless.yml": "functions:\n  a:\n    handler: [x\n"})
    configs, problems = collect_handler_configs(repo)
    assert configs == []
    assert [p.span.path for p in problems] == ["serverless.yml"]
    assert problems[0].could_touch_package


def test_invalid_pyproject_is_unmodelled(tmp_path: Path) -> None:
    # an inline table cannot be extended by a later [tool.validate-imports.packages.x] table
    repo = make_repo(tmp_path, {"pyproject.toml": '''
        [tool.validate-imports]
        packages = { ingestion = "src.lambdas.ingestion.handler.lambda_handler" }

        [tool.validate-imports.packages.analysis]
        handler = "handler.lambda_handler"
    '''})
    configs, problems = collect_handler_configs(repo)
    assert configs == []
    (problem,) = problems
    assert problem.span.path == "pyproject.toml"
    assert "not valid TOML" in problem.reason


def test_pyproject_inline_table(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"pyproject.toml": '''
        [tool.validate-imports]
        packages = { ingestion = "src.lambdas.ingestion.handler.lambda_handler" }
    '''})
    (cfg,) = collect_handler_configs(repo)[0]
    assert (cfg.resource, cfg.origin, cfg.span.line, cfg.span.column) == ("ingestion", "config", 2, 27)


def test_pyproject_mapping(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"pyproject.toml": '''
        [tool.validate-imports.packages]
        ingestion = "src.lambdas.ingestion.handler.lambda_handler"
        analysis = { handler = "handler.lambda_handler", source = "src/lambdas/analysis/" }
    '''})
    configs, problems = collect_handler_configs(repo)
    assert problems == []
    got = by_resource(configs)
    assert got["ingestion"].origin == "config"
    assert (got["ingestion"].span.line, got["ingestion"].span.column) == (2, 14)
    assert got["analysis"].handler == "handler.lambda_handler"
    assert got["analysis"].code_uri == "src/lambdas/analysis"
    assert got["analysis"].span.line == 3


def test_pyproject_without_section_is_ignored(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\n"})
    assert collect_handler_configs(repo) == ([], [])
