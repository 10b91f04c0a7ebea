"""Serverless Framework variables: ``${file()}``, ``${self:}``, ``${sls:stage}``, fallbacks,
and what stays symbolic (missing files, unknown sources, cycles)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from handlers_support import make_repo

from validator.handlers import yamlsrc
from validator.handlers.slsvars import Files, Variables
from validator.model import Unmodelled

SERVICE = """
service: users
provider:
  name: aws
  runtime: python3.12
  stage: ${opt:stage, 'dev'}
  region: eu-west-1
custom:
  layer_config: ${file(../../config/layer-config.yml):layer_config}
  nested: ${file(../../config/layer-config.yml):layer_config.arn}
  whole: ${file(../../config/settings.json)}
  prefix: acme
  table: ${self:custom.prefix}-${sls:stage}-users
  retention: 7
  flags:
    - ${self:custom.retention}
"""
LAYER_CONFIG = """
layer_config:
  arn: arn:aws:lambda:${self:provider.region}:${aws:accountId}:layer:libs-${self:provider.stage}:1
  name: libs
"""


def variables(tmp_path: Path, service: str = SERVICE, extra: dict[str, str] | None = None,
              problems: list[Unmodelled] | None = None) -> Variables:
    files = {"services/users/serverless.yml": service, "config/layer-config.yml": LAYER_CONFIG,
             "config/settings.json": '{"memory": 512, "tags": {"team": "identity"}}', **(extra or {})}
    repo = make_repo(tmp_path, files)
    rel = "services/users/serverless.yml"
    doc = yamlsrc.load(repo.read_text(rel) or "", rel)
    return Variables(repo, rel, doc, Files(repo, problems if problems is not None else []))


def test_file_with_a_key_then_self_inside_it_resolves_against_the_service(tmp_path: Path) -> None:
    v = variables(tmp_path)
    assert v.text("${self:custom.layer_config.arn}") == "arn:aws:lambda:eu-west-1:${aws:accountId}:layer:libs-dev:1"
    found = v.node("${self:custom.layer_config}")
    assert found.path == "config/layer-config.yml" and found.value["name"] == "libs"


def test_file_with_a_nested_key_and_a_whole_json_file(tmp_path: Path) -> None:
    v = variables(tmp_path)
    assert v.text("${self:custom.nested}") == "arn:aws:lambda:eu-west-1:${aws:accountId}:layer:libs-dev:1"
    assert v.text("${file(../../config/layer-config.yml):layer_config.name}") == "libs"
    assert v.node("${self:custom.whole}").value == {"memory": 512, "tags": {"team": "identity"}}
    assert v.text("${self:custom.whole.tags.team}-${self:custom.whole.memory}") == "identity-512"


def test_self_values_and_numbers_are_written_into_strings(tmp_path: Path) -> None:
    v = variables(tmp_path)
    assert v.text("${self:custom.table}") == "acme-dev-users"
    assert v.text("${self:custom.retention}") == "7"
    assert v.node("${self:custom.retention}").value == 7
    assert v.text("days-${self:custom.flags.0}") == "days-7"
    # a mapping cannot be written into a string: the variable stays as written
    assert v.text("x-${self:custom.layer_config}") == "x-${self:custom.layer_config}"


@pytest.mark.parametrize(("written", "value"), [
    ("${opt:stage, 'dev'}", "dev"),
    ('${opt:stage, "qa"}', "qa"),
    ("${opt:stage,'dev'}", "dev"),
    ("${opt:memory, 1024}", "1024"),
    ("${opt:stage, self:provider.region}", "eu-west-1"),
    ("${opt:stage, self:custom.missing, 'last'}", "last"),
    ("${self:custom.missing, 'fallback'}", "fallback"),
    ("${sls:stage}", "dev"),
])
def test_fallbacks_decide_when_the_first_source_has_no_value(tmp_path: Path, written: str, value: str) -> None:
    assert variables(tmp_path).text(written) == value


@pytest.mark.parametrize("written", [
    "${opt:stage}",  # no fallback: the option's value is not in the repository
    "${self:custom.missing}",
    "${aws:accountId}",
    "${env:STAGE, 'dev'}",  # the environment may set it: the fallback would be a guess
    "${ssm:/acme/layer-arn}",
    "${cf:libs-dev.PythonRequirementsLambdaLayerQualifiedArn}",
    "${AWS::Region}",  # not a Framework variable (CloudFormation's own)
    "${Token}",
    "${file(../../config/absent.yml):layer_config}",  # a missing file stays symbolic
    "${file(../../config/absent.yml):layer_config, 'x'}",  # and its fallback is not taken
    "${file(../../../../outside.yml)}",  # outside the repository
    "${file(./handler.js):value}",  # code the Framework runs
    "${file(../../config/layer-config.yml):nope}",
    "${self:custom.layer_config.arn.more}",  # a string has no properties
])
def test_what_the_repository_cannot_tell_stays_as_written(tmp_path: Path, written: str) -> None:
    assert variables(tmp_path).text(written) == written


def test_sls_stage_follows_provider_stage(tmp_path: Path) -> None:
    literal = SERVICE.replace("stage: ${opt:stage, 'dev'}", "stage: prod")
    assert variables(tmp_path / "a", literal).text("${sls:stage}") == "prod"
    unknown = SERVICE.replace("stage: ${opt:stage, 'dev'}", "stage: ${env:STAGE}")
    assert variables(tmp_path / "b", unknown).text("libs-${sls:stage}") == "libs-${sls:stage}"
    absent = SERVICE.replace("  stage: ${opt:stage, 'dev'}\n", "")
    assert variables(tmp_path / "c", absent).text("${sls:stage}") == "dev"


def test_a_variable_in_a_file_path_or_an_address(tmp_path: Path) -> None:
    v = variables(tmp_path, extra={"config/dev.yml": "table: users-dev\n"})
    assert v.text("${file(../../config/${sls:stage}.yml):table}") == "users-dev"
    assert v.text("${self:custom.${opt:which, 'prefix'}}") == "acme"


def test_reference_cycles_stay_symbolic(tmp_path: Path) -> None:
    service = SERVICE + "  a: ${self:custom.b}\n  b: x-${self:custom.a}\n  me: ${self:custom.me}\n"
    v = variables(tmp_path, service, extra={"config/loop.yml": "x: ${file(../../config/loop.yml):x}\n"})
    assert v.text("${self:custom.me}") == "${self:custom.me}"
    assert v.text("${self:custom.a}") == "x-${self:custom.a}"
    assert v.text("${file(../../config/loop.yml):x}") == "${file(../../config/loop.yml):x}"


def test_a_long_chain_and_a_doubling_chain_are_bounded(tmp_path: Path) -> None:
    chain = "".join(f"  c{i}: ${{self:custom.c{i + 1}}}\n" for i in range(200)) + "  c200: end\n"
    assert variables(tmp_path / "a", SERVICE + chain).text("${self:custom.c0}") == "${self:custom.c0}"
    doubling = "".join(f"  d{i}: ${{self:custom.d{i + 1}}}${{self:custom.d{i + 1}}}\n" for i in range(35))
    v = variables(tmp_path / "b", SERVICE + doubling + "  d35: ab\n")
    start = time.perf_counter()
    top = v.text("${self:custom.d0}")  # 2^36 characters are not written out: the deep parts stay symbolic
    assert top.startswith("${self:custom.d") and len(top) < 10_000
    assert v.text("${self:custom.d30}") == "ab" * 32
    assert time.perf_counter() - start < 5
    nested = "${self:" * 5000 + "custom.prefix" + "}" * 5000  # no RecursionError
    assert variables(tmp_path / "c").text(nested) == nested


def test_an_invalid_file_is_reported_once_and_stays_symbolic(tmp_path: Path) -> None:
    problems: list[Unmodelled] = []
    v = variables(tmp_path, extra={"config/broken.yml": "handler: [unclosed\n"}, problems=problems)
    assert v.text("${file(../../config/broken.yml):handler}") == "${file(../../config/broken.yml):handler}"
    assert v.text("${file(../../config/broken.yml)}") == "${file(../../config/broken.yml)}"
    [problem] = problems
    assert problem.span.path == "config/broken.yml" and "is not valid YAML" in problem.reason
    assert problem.could_touch_package
    v = variables(tmp_path / "json", extra={"config/fns.json": '{"f": {"handler": "h.main"}'}, problems=problems)
    assert v.node("${file(../../config/fns.json)}").value == "${file(../../config/fns.json)}"
    assert (problems[1].span.path, problems[1].span.line) == ("config/fns.json", 1)
    assert "is not valid JSON" in problems[1].reason and problems[1].could_touch_package


def test_unterminated_and_malformed_variables_do_not_crash(tmp_path: Path) -> None:
    v = variables(tmp_path)
    for text in ("${self:custom.prefix", "${file(}", "${file(x.yml", "${self:}", "${opt:stage, }",
                 "${opt:stage, dev}", "$${self:custom.prefix}", "\\${self:custom.prefix}", "${}", "${{ github.sha }}"):
        v.text(text)
    assert v.text("\\${self:custom.prefix}") == "\\${self:custom.prefix}"  # escaped
    assert v.text("$${self:custom.prefix}") == "$acme"


def test_node_and_get(tmp_path: Path) -> None:
    v = variables(tmp_path)
    assert v.get("custom", "prefix") is not None and v.get("custom", "prefix").value == "acme"  # type: ignore[union-attr]
    assert v.get("custom", "missing") is None
    assert v.node(["not", "a", "string"]).value == ["not", "a", "string"]
    assert v.node("${self:custom.unknown_thing}").value == "${self:custom.unknown_thing}"
