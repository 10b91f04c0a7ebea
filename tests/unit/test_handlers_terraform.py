"""Handlers declared in Terraform: resources, module calls, archive_file, variables."""

from __future__ import annotations

from pathlib import Path

from handlers_support import by_resource, make_repo

from validator.handlers import collect_handler_configs

MAIN_TF = '''
variable "env" {
  type    = string
  default = "dev"
}

data "archive_file" "ingestion" {
  type        = "zip"
  source_dir  = "${path.module}/../../src/lambdas/ingestion"
  output_path = "${path.module}/build/ingestion.zip"
  excludes    = ["tests"]
}

resource "aws_lambda_function" "ingestion" {
  function_name    = "${var.env}-ingestion"
  role             = aws_iam_role.lambda.arn
  handler          = "handler.lambda_handler"
  runtime          = "python3.12"
  filename         = data.archive_file.ingestion.output_path
  source_code_hash = data.archive_file.ingestion.output_base64sha256
  architectures    = ["arm64"]
  layers           = [aws_lambda_layer_version.shared.arn]

  environment {
    variables = {
      LOG_LEVEL = "INFO"
      STAGE     = var.env
    }
  }
}

resource "aws_lambda_function" "analysis" {
  function_name = "analysis"
  handler       = "src.lambdas.analysis.handler.lambda_handler"   # nested package
  runtime       = "python3.11"
  s3_bucket     = var.artifact_bucket
  s3_key        = "lambdas/analysis.zip"
}
'''


def test_resource_fields_and_exact_span(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"infrastructure/terraform/main.tf": MAIN_TF})
    configs, problems = collect_handler_configs(repo)
    assert problems == []
    cfg = by_resource(configs)["ingestion"]
    assert cfg.origin == "terraform"
    assert cfg.handler == "handler.lambda_handler"
    assert (cfg.span.path, cfg.span.line, cfg.span.column) == ("infrastructure/terraform/main.tf", 16, 23)
    assert cfg.span.end_column - cfg.span.column == len("handler.lambda_handler")
    assert cfg.runtime == "python3.12"
    assert cfg.function_name == "${var.env}-ingestion"  # stays symbolic: prod deploys use another value
    assert cfg.architectures == ["arm64"]
    assert cfg.layers == ["${aws_lambda_layer_version.shared.arn}"]
    assert cfg.environment == {"LOG_LEVEL": "INFO", "STAGE": "${var.env}"}
    # the archive Terraform builds itself, resolved to repository paths
    assert cfg.filename == "infrastructure/terraform/build/ingestion.zip"
    assert cfg.code_uri == "src/lambdas/ingestion"
    assert cfg.patterns == ["!tests"]

    analysis = by_resource(configs)["analysis"]
    assert analysis.s3_key == "lambdas/analysis.zip"
    assert analysis.s3_bucket == "${var.artifact_bucket}"
    assert analysis.span.line == 33


def test_handler_from_variable_default_points_at_the_default(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {
        "tf/variables.tf": '''
            variable "handler" {
              default = "app.handler"
            }
            variable "runtime" {
              default = "python3.12"
            }
        ''',
        "tf/main.tf": '''
            resource "aws_lambda_function" "api" {
              function_name = "api"
              handler       = var.handler
              runtime       = var.runtime
              filename      = "../dist/api.zip"
            }
        ''',
    })
    configs, _ = collect_handler_configs(repo)
    (cfg,) = configs
    assert cfg.handler == "app.handler"
    assert cfg.runtime == "python3.12"
    assert cfg.filename == "dist/api.zip"
    assert (cfg.span.path, cfg.span.line, cfg.span.column) == ("tf/variables.tf", 2, 14)


def test_tfvars_override_defaults_and_locals_resolve(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {
        "tf/main.tf": '''
            variable "handler" {
              default = "app.handler"
            }
            locals {
              runtime = "python3.11"
            }
            resource "aws_lambda_function" "api" {
              handler = var.handler
              runtime = local.runtime
            }
        ''',
        "tf/terraform.tfvars": 'handler = "main.handler"\n',
    })
    (cfg,) = collect_handler_configs(repo)[0]
    assert cfg.handler == "main.handler"
    assert cfg.runtime == "python3.11"


def test_unresolvable_handler_stays_symbolic(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"main.tf": '''
        resource "aws_lambda_function" "api" {
          handler = var.handler
        }
    '''})
    (cfg,) = collect_handler_configs(repo)[0]
    assert cfg.handler == "${var.handler}"
    assert cfg.span.line == 2


def test_module_calls_that_pass_a_handler(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {
        "infra/lambdas.tf": '''
            module "ingestion_lambda" {
              source        = "terraform-aws-modules/lambda/aws"
              function_name = "ingestion"
              handler       = "src.lambdas.ingestion.handler.lambda_handler"
              runtime       = "python3.12"
              source_path   = "../src/lambdas/ingestion"
            }

            module "notify" {
              source        = "./modules/lambda"
              handler       = "handler.lambda_handler"
              s3_existing_package = {
                bucket = "artifacts"
                key    = "notify/notify.zip"
              }
            }

            module "vpc" {
              source = "terraform-aws-modules/vpc/aws"
              name   = "main"
            }
        ''',
        # the module's own resource takes the handler from its caller: not a declaration
        "infra/modules/lambda/main.tf": '''
            variable "handler" {}
            resource "aws_lambda_function" "this" {
              function_name = "x"
              handler       = var.handler
            }
        ''',
    })
    configs, problems = collect_handler_configs(repo)
    assert problems == []
    got = by_resource(configs)
    assert set(got) == {"ingestion_lambda", "notify"}
    assert got["ingestion_lambda"].code_uri == "src/lambdas/ingestion"
    assert got["ingestion_lambda"].function_name == "ingestion"
    assert got["ingestion_lambda"].span.line == 4
    assert got["notify"].s3_key == "notify/notify.zip"


def test_for_each_over_a_locals_map(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"main.tf": '''
        locals {
          lambdas = {
            ingestion = { handler = "src.lambdas.ingestion.handler.lambda_handler" }
            analysis  = { handler = "handler.lambda_handler" }
          }
        }
        resource "aws_lambda_function" "fn" {
          for_each      = local.lambdas
          function_name = "app-${each.key}"
          handler       = each.value.handler
          s3_key        = "lambdas/${each.key}.zip"
        }
    '''})
    configs, _ = collect_handler_configs(repo)
    got = by_resource(configs)
    assert set(got) == {'fn["ingestion"]', 'fn["analysis"]'}
    ing = got['fn["ingestion"]']
    assert ing.handler == "src.lambdas.ingestion.handler.lambda_handler"
    assert ing.function_name == "app-ingestion"
    assert ing.s3_key == "lambdas/ingestion.zip"
    assert ing.span.line == 3  # where the literal is written
    assert got['fn["analysis"]'].span.line == 4


def test_s3_object_uploaded_by_terraform(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"infra/main.tf": '''
        resource "aws_s3_object" "ingestion" {
          bucket = "artifacts"
          key    = "lambdas/ingestion.zip"
          source = "../packages/ingestion.zip"
        }
        resource "aws_lambda_function" "ingestion" {
          handler   = "handler.lambda_handler"
          s3_bucket = "artifacts"
          s3_key    = aws_s3_object.ingestion.key
        }
    '''})
    (cfg,) = collect_handler_configs(repo)[0]
    assert cfg.s3_key == "lambdas/ingestion.zip"
    assert cfg.filename == "packages/ingestion.zip"


def test_image_functions_are_marked(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"main.tf": '''
        resource "aws_lambda_function" "img" {
          package_type = "Image"
          image_uri    = "x"
        }
        resource "aws_lambda_function" "zip_with_handler" {
          package_type = "Image"
          handler      = "app.handler"
        }
    '''})
    img, with_handler = sorted(collect_handler_configs(repo)[0], key=lambda c: c.resource)
    # an image function has no handler of its own: the image's CMD (or image_config.command) is it
    assert (img.package_type, img.handler, img.image_uri) == ("Image", "", "x")
    assert with_handler.package_type == "Image" and with_handler.handler == "app.handler"


def test_broken_tf_is_unmodelled_and_others_still_read(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {
        "tf/broken.tf": 'resource "aws_lambda_function" "x" {\n  handler = "a.b"\n',
        "tf/good.tf": 'resource "aws_lambda_function" "y" {\n  handler = "app.handler"\n}\n',
        "tf/binary.tf": "",
    })
    (tmp_path / "tf/binary.tf").write_bytes(b"\x00\x01\x02handler")
    configs, problems = collect_handler_configs(repo)
    assert [c.handler for c in configs] == ["app.handler"]
    reasons = {p.span.path: p for p in problems}
    assert set(reasons) == {"tf/broken.tf", "tf/binary.tf"}
    assert reasons["tf/broken.tf"].could_touch_package is True
    assert "not valid HCL" in reasons["tf/broken.tf"].reason


def test_heredocs_comments_and_nested_braces_do_not_confuse_positions(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"main.tf": '''
        /* resource "aws_lambda_function" "commented" { handler = "no.no" } */
        resource "aws_iam_policy" "p" {
          policy = <<EOF
        { "handler": "not.this" }
        EOF
        }
        resource "aws_lambda_function" "real" {
          # handler = "old.handler"
          tags = { handler = "tag.value", nested = { a = "}" } }
          handler = "real.handler"
        }
    '''})
    (cfg,) = collect_handler_configs(repo)[0]
    assert cfg.handler == "real.handler"
    assert (cfg.span.line, cfg.span.column) == (10, 14)


def test_github_directory_is_not_scanned(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {".github/x.tf": 'resource "aws_lambda_function" "x" {\n  handler = "a.b"\n}\n'})
    assert collect_handler_configs(repo) == ([], [])


def test_for_each_over_toset_of_a_local_list(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"infra/tf/lambdas.tf": '''
        locals {
          projections = ["orders", "inventory"]
        }
        resource "aws_lambda_function" "projection" {
          for_each      = toset(local.projections)
          function_name = "shop-${each.key}"
          handler       = "src.lambdas.${each.key}.handler.lambda_handler"
          filename      = "${path.module}/../../dist/${each.key}.zip"
        }
        resource "aws_lambda_function" "inline" {
          for_each = toset(["a", "b"])
          handler  = "${each.value}.handler"
        }
    '''})
    got = by_resource(collect_handler_configs(repo)[0])
    assert set(got) == {'projection["orders"]', 'projection["inventory"]', 'inline["a"]', 'inline["b"]'}
    orders = got['projection["orders"]']
    assert orders.handler == "src.lambdas.orders.handler.lambda_handler"
    assert orders.filename == "dist/orders.zip"
    assert orders.function_name == "shop-orders"
    assert orders.span.line == 7
    assert got['inline["b"]'].handler == "b.handler"


def test_for_each_archive_file_instances(tmp_path: Path) -> None:
    """A ``for_each`` ``archive_file``: a function names its instance by key, or with
    ``[each.key]`` when it is a ``for_each`` function over the same keys; an unknown key
    links no archive."""
    tf = '''
locals {
  fns = { api = "x", worker = "y" }
}

data "archive_file" "fn" {
  for_each    = local.fns
  type        = "zip"
  source_dir  = "${path.module}/../build/${each.key}"
  output_path = "${path.module}/../dist/${each.key}.zip"
}

resource "aws_lambda_function" "api" {
  handler  = "app.handler"
  runtime  = "python3.12"
  filename = data.archive_file.fn["api"].output_path
}

resource "aws_lambda_function" "each" {
  for_each = local.fns
  handler  = "app.handler"
  runtime  = "python3.12"
  filename = data.archive_file.fn[each.key].output_path
}

resource "aws_lambda_function" "ghost" {
  handler  = "app.handler"
  runtime  = "python3.12"
  filename = data.archive_file.fn["ghost"].output_path
}
'''
    configs = by_resource(collect_handler_configs(make_repo(tmp_path, {"infra/main.tf": tf}))[0])
    assert (configs["api"].code_uri, configs["api"].filename) == ("build/api", "dist/api.zip")
    assert (configs['each["worker"]'].code_uri, configs['each["worker"]'].filename) == ("build/worker",
                                                                                          "dist/worker.zip")
    assert configs["ghost"].code_uri is None
