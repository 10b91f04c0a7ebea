"""Handlers declared in SAM / CloudFormation templates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from handlers_support import by_resource, make_repo

from validator.handlers import collect_handler_configs
from validator.handlers.sam import candidate_files

SAM = '''
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  Env:
    Type: String
  ApiHandler:
    Type: String
    Default: app.lambda_handler
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Globals:
  Function:
    Runtime: python3.12
    Handler: "handler.lambda_handler"
    Architectures: [arm64]
    Environment:
      Variables:
        STAGE: !Ref Env
Resources:
  IngestionFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ../src/lambdas/ingestion/
      FunctionName: !Sub "${Env}-ingestion"
      Layers:
        - !Ref SharedLayer
        - !GetAtt Other.Arn
      Role: !If [IsProd, !GetAtt ProdRole.Arn, !Ref "AWS::NoValue"]
      Policies:
        - !Join ["", ["arn:aws:iam::", !Ref "AWS::AccountId", ":policy/x"]]
  ApiFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: !Ref ApiHandler
      Runtime: python3.11
      CodeUri:
        Bucket: artifacts
        Key: !Sub "api/${Env}/api.zip"
  RawFunction:
    Type: AWS::Lambda::Function
    Properties:
      Handler: 'src/lambdas/raw/handler.main'
      Runtime: python3.12
      Code:
        S3Bucket: artifacts
        S3Key: lambdas/raw.zip
  ImageFunction:
    Type: AWS::Serverless::Function
    Properties:
      PackageType: Image
      ImageUri: x
  SharedLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/shared
'''


def test_sam_with_short_tags_globals_and_raw_functions(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"infra/template.yaml": SAM})
    configs, problems = collect_handler_configs(repo)
    assert problems == []
    got = by_resource(configs)
    # the image function inherits the Globals handler but is marked as an image
    assert set(got) == {"IngestionFunction", "ApiFunction", "RawFunction", "ImageFunction"}
    assert got["ImageFunction"].package_type == "Image"

    ing = got["IngestionFunction"]
    assert ing.origin == "sam"
    assert ing.handler == "handler.lambda_handler"
    # inherited from Globals: the span points there, inside the quotes
    assert (ing.span.path, ing.span.line, ing.span.column) == ("infra/template.yaml", 14, 15)
    assert ing.span.end_column == 15 + len("handler.lambda_handler")
    assert ing.runtime == "python3.12"
    assert ing.architectures == ["arm64"]
    assert ing.code_uri == "src/lambdas/ingestion"
    assert ing.function_name == "${Env}-ingestion"
    assert ing.layers[0] == "${SharedLayer}"
    assert ing.environment == {"STAGE": "${Env}"}

    api = got["ApiFunction"]
    assert api.handler == "app.lambda_handler"  # !Ref to a parameter with a default
    assert api.span.line == 8  # the Default line, where the value is written
    assert api.s3_key == "api/${Env}/api.zip"
    assert api.s3_bucket == "artifacts"
    assert api.runtime == "python3.11"

    raw = got["RawFunction"]
    assert raw.handler == "src/lambdas/raw/handler.main"
    assert raw.s3_key == "lambdas/raw.zip"
    assert (raw.span.line, raw.span.column) == (42, 17)


def test_codeuri_pointing_at_a_zip(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"template.yml": '''
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Handler: app.handler
              CodeUri: packages/fn.zip
          Fn2:
            Type: AWS::Serverless::Function
            Properties:
              Handler: app.handler
              CodeUri: s3://bucket/deploy/fn2.zip
    '''})
    got = by_resource(collect_handler_configs(repo)[0])
    assert got["Fn"].filename == "packages/fn.zip"
    assert got["Fn2"].s3_key == "deploy/fn2.zip"
    assert got["Fn2"].s3_bucket == "bucket"


def test_json_template(tmp_path: Path) -> None:
    doc = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Fn": {
        "Type": "AWS::Lambda::Function",
        "Properties": {"Handler": "index.handler", "Code": {"S3Bucket": {"Ref": "B"}, "S3Key": "fn.zip"},
                       "FunctionName": {"Fn::Sub": "${AWS::StackName}-fn"}}}}}
    repo = make_repo(tmp_path, {"stack.template.json": json.dumps(doc, indent=2)})
    (cfg,) = collect_handler_configs(repo)[0]
    assert cfg.handler == "index.handler"
    assert cfg.s3_key == "fn.zip"
    assert cfg.s3_bucket == "${B}"
    assert cfg.function_name == "${AWS::StackName}-fn"
    assert cfg.span.line == 7


def test_candidates_by_name_or_sniff_only(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {
        "template.yaml": "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n",
        "deploy/stack.yml": "Resources:\n  F:\n    Type: AWS::Lambda::Function\n",
        "docker-compose.yml": "services: {}\n",
        "config/app.yaml": "key: value\n",
        ".github/workflows/template.yml": "on: push\n",
        "serverless.yml": "service: x\n",
    })
    assert candidate_files(repo) == ["deploy/stack.yml", "template.yaml"]


def test_invalid_template_is_unmodelled(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"template.yaml": '''
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties: {Handler: app.handler
    '''})
    configs, problems = collect_handler_configs(repo)
    assert configs == []
    (problem,) = problems
    assert problem.span.path == "template.yaml"
    assert problem.could_touch_package is True
    assert "not checked" in problem.reason


def test_yaml_alias_bomb_is_bounded(tmp_path: Path) -> None:
    lines = ["AWSTemplateFormatVersion: '2010-09-09'", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    lines.append("Resources: {}")
    repo = make_repo(tmp_path, {"template.yaml": "\n".join(lines) + "\n"})
    configs, problems = collect_handler_configs(repo)
    assert configs == []
    (problem,) = problems
    assert "through aliases" in problem.reason and (problem.span.line, problem.span.column) == (7, 5)


def test_sniff_reads_only_the_head_of_unnamed_yaml(tmp_path: Path) -> None:
    """Unrelated YAML costs a 4 KB read, not a full read; a template shows itself in its head."""
    raw_cfn = "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Handler: a.b\n"
    late_marker = "items:\n" + "  - x\n" * 2000 + "note: AWS::Lambda::Function\n"
    repo = make_repo(tmp_path, {
        "infra/stack.yml": raw_cfn,            # no AWSTemplateFormatVersion: a top-level section says it
        "config/data.yaml": late_marker,       # marker only after the first 4 KB: not a template
        "config/app.yml": "name: x\nvalues: [1, 2]\n",
    })
    assert candidate_files(repo) == ["infra/stack.yml"]
    assert repo._text.keys() == {"infra/stack.yml"}  # the others were never read whole


def test_sniff_skips_huge_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from validator.handlers import sam

    repo = make_repo(tmp_path, {"infra/stack.yml": SAM})
    monkeypatch.setattr(sam, "_MAX_SNIFF_BYTES", 10)
    assert candidate_files(repo) == []
    repo = make_repo(tmp_path, {"infra/template.yml": SAM})  # a template by name is still read
    assert candidate_files(repo) == ["infra/template.yml"]
