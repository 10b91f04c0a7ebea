"""Linking packages to handler strings: explicit, archive journey, names, inference."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from handlers_support import make_repo

from validator.handlers import collect_handler_configs, link_handlers
from validator.model import DeployRef, FileKind, HandlerConfig, Package, PackageFile, Span

WF = ".github/workflows/deploy.yml"


def span(line: int, path: str = WF) -> Span:
    return Span(path, line, 1, line, 10)


def package(name: str, archive: str | None = None, files: dict[str, str] | None = None,
            **kw: Any) -> Package:
    pkg = Package(name=name, archive=archive or f"packages/{name}-${{SHA}}.zip", span=span(100), **kw)
    for path, source in (files or {}).items():
        pkg.files[path] = PackageFile(path=path, kind=FileKind.SOURCE, source=source)
    return pkg


def tf(resource: str, handler: str, line: int = 10, **kw: Any) -> HandlerConfig:
    return HandlerConfig(handler=handler, span=span(line, "infra/main.tf"), origin="terraform",
                         resource=resource, **kw)


# --------------------------------------------------------------------------- journey


def test_s3_upload_with_versioned_key_links_to_terraform_s3_key() -> None:
    """The seed repository: the zip carries ${SHA}, Terraform names a stable key."""
    pkgs = [package("ingestion"), package("analysis")]
    configs = [
        tf("analysis", "src.lambdas.analysis.handler.lambda_handler", s3_key="lambdas/analysis.zip"),
        tf("ingestion", "handler.lambda_handler", 268, s3_key="lambdas/ingestion.zip",
           function_name="${var.env}-sentiment-ingestion"),
    ]
    deploys = [
        DeployRef(archive="packages/ingestion-${SHA}.zip", kind="s3", span=span(170),
                  s3_key="s3://${{ secrets.BUCKET }}/lambdas/ingestion-${SHA}.zip"),
        DeployRef(archive="packages/analysis-${{ github.sha }}.zip", kind="s3", span=span(171),
                  s3_key="lambdas/analysis.zip"),
    ]
    ing, ana = link_handlers(pkgs, configs, deploys)
    assert ing is not None and ana is not None
    assert (ing.handler, ing.how, ing.inferred) == ("handler.lambda_handler", "s3-key", False)
    assert ing.config is configs[1]
    assert "infra/main.tf:268" in ing.explanation and f"{WF}:170" in ing.explanation
    assert (ana.handler, ana.how) == ("src.lambdas.analysis.handler.lambda_handler", "s3-key")


def test_s3_key_folder_named_after_the_function() -> None:
    pkgs = [package("ingestion")]
    configs = [tf("ingestion_fn", "handler.main", s3_key="${var.prefix}/ingestion/${var.version}.zip"),
               tf("other", "other.main", s3_key="other/${var.version}.zip")]
    deploys = [DeployRef("packages/ingestion-${SHA}.zip", "s3", span(5), s3_key="ingestion/${GITHUB_SHA}.zip")]
    (link,) = link_handlers(pkgs, configs, deploys)
    assert link is not None and link.how == "s3-key" and link.handler == "handler.main"


def test_zip_file_with_function_name_links_to_terraform_function_name() -> None:
    pkgs = [package("ingestion", "ingestion.zip")]
    configs = [tf("ingest", "src.lambdas.ingestion.handler.lambda_handler",
                  function_name="${var.env}-ingestion"),
               tf("ingest_v2", "app.handler", function_name="${var.env}-ingestion-v2")]
    deploys = [DeployRef("ingestion.zip", "zip-file", span(50), function_name="preprod-ingestion")]
    (link,) = link_handlers(pkgs, configs, deploys)
    assert link is not None
    assert (link.handler, link.how) == ("src.lambdas.ingestion.handler.lambda_handler", "zip-file")
    assert "preprod-ingestion" in link.explanation


def test_create_function_handler_is_the_strongest_link() -> None:
    pkgs = [package("api", "build/api.zip")]
    configs = [tf("api", "handler.lambda_handler")]
    deploys = [DeployRef("build/api.zip", "create-function", span(60), function_name="api",
                         handler="app.handler")]
    (link,) = link_handlers(pkgs, configs, deploys)
    assert link is not None
    assert (link.handler, link.how) == ("app.handler", "cli")
    assert link.config is not None and link.config.origin == "cli" and link.config.span == span(60)


def test_update_function_configuration_reaches_the_zip_through_the_function_name() -> None:
    pkgs = [package("api", "build/api.zip")]
    deploys = [
        DeployRef("build/api.zip", "zip-file", span(61), function_name="my-api"),
        DeployRef("", "update-function-configuration", span(62), function_name="my-api",
                  handler="src.api.app.handler"),
    ]
    (link,) = link_handlers(pkgs, [tf("api", "handler.lambda_handler", function_name="other-api")], deploys)
    assert link is not None
    assert (link.handler, link.how) == ("src.api.app.handler", "zip-file")


def test_update_function_code_from_s3_key() -> None:
    pkgs = [package("api", "api.zip")]
    deploys = [
        DeployRef("api.zip", "s3", span(10), s3_key="builds/api-${SHA}.zip"),
        DeployRef("", "s3-key", span(11), s3_key="builds/api-${SHA}.zip", function_name="prod-api"),
    ]
    configs = [tf("api_lambda", "main.handler", function_name="${local.prefix}-api")]
    (link,) = link_handlers(pkgs, configs, deploys)
    assert link is not None and link.handler == "main.handler" and link.how == "zip-file"


@pytest.mark.parametrize("filename", ["packages/ingestion.zip", "infra/../packages/ingestion.zip"])
def test_terraform_filename_is_the_archive(filename: str) -> None:
    pkgs = [package("ingestion", "packages/ingestion.zip")]
    configs = [tf("lambda_a", "handler.lambda_handler", filename=filename),
               tf("lambda_b", "other.handler", filename="packages/other.zip")]
    (link,) = link_handlers(pkgs, configs, [])
    assert link is not None and (link.handler, link.how) == ("handler.lambda_handler", "filename")


def test_sam_codeuri_pointing_at_the_archive() -> None:
    cfg = HandlerConfig(handler="app.handler", span=span(8, "template.yaml"), origin="sam",
                        resource="Fn", filename="dist/fn.zip", code_uri="dist/fn.zip")
    (link,) = link_handlers([package("fn", "dist/fn.zip")], [cfg], [])
    assert link is not None and link.how == "filename" and "CodeUri" in link.explanation


def test_symbolic_prefix_does_not_link_another_function() -> None:
    """``ingestion-${SHA}.zip`` must not match ``ingestion-analysis-${SHA}.zip``."""
    pkgs = [package("ingestion")]
    deploys = [DeployRef("packages/ingestion-analysis-${SHA}.zip", "zip-file", span(5),
                         function_name="ingestion-analysis")]
    configs = [tf("ingestion_analysis", "a.handler", function_name="ingestion-analysis")]
    (link,) = link_handlers(pkgs, configs, deploys)
    assert link is None  # no journey, no name match, no tree to infer from


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize("resource", ["IngestionFunction", "ingestion_lambda", "ingestion-fn", "ingestion"])
def test_names_link_case_and_separator_insensitive(resource: str) -> None:
    configs = [tf(resource, "handler.lambda_handler"), tf("AnalysisFunction", "x.handler")]
    (link,) = link_handlers([package("ingestion")], configs, [])
    assert link is not None and (link.handler, link.how) == ("handler.lambda_handler", "name")
    assert "infra/main.tf:10" in link.explanation


def test_names_link_through_the_handler_source_folder() -> None:
    configs = [tf("main", "src.lambdas.ingestion.handler.lambda_handler"), tf("other", "src.lambdas.x.h.f")]
    (link,) = link_handlers([package("ingestion")], configs, [])
    assert link is not None and link.how == "name" and "source folder" in link.explanation


def test_ambiguous_names_fall_through_to_inference(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"src/h.py": "def lambda_handler(event, context):\n    return 1\n"})
    configs = [tf("ingestion", "a.handler", 10), tf("IngestionFunction", "b.handler", 20)]
    pkg = package("ingestion", files={"handler.py": "src/h.py"})
    (link,) = link_handlers([pkg], configs, [], repo=repo)
    assert link is not None and link.inferred and link.how == "inferred"
    assert link.handler == "handler.lambda_handler"
    assert "several handlers match equally" in link.explanation


def test_agreeing_configs_are_not_ambiguous() -> None:
    configs = [tf("ingestion", "handler.lambda_handler", 10),
               HandlerConfig("handler.lambda_handler", span(3, "template.yaml"), "sam", "IngestionFunction")]
    (link,) = link_handlers([package("ingestion")], configs, [])
    assert link is not None and link.handler == "handler.lambda_handler" and not link.inferred


def test_config_claimed_by_a_stronger_link_is_not_reused_by_name() -> None:
    # "ingestion" is linked through its S3 key to the config named "worker"; the package
    # named "worker" must not take that config by name
    configs = [tf("worker", "ingestion_handler.main", s3_key="lambdas/ingestion.zip")]
    deploys = [DeployRef("packages/ingestion-${SHA}.zip", "s3", span(9), s3_key="lambdas/ingestion.zip")]
    ing, worker = link_handlers([package("ingestion"), package("worker")], configs, deploys)
    assert ing is not None and ing.how == "s3-key"
    assert worker is None


def test_partial_name_only_when_unique() -> None:
    one = [tf("myapp_ingestion_prod", "a.handler")]
    (link,) = link_handlers([package("ingestion")], one, [])
    assert link is not None and link.how == "name" and "partly" in link.explanation
    two = [*one, tf("myapp_ingestion_dev", "b.handler")]
    assert link_handlers([package("ingestion")], two, []) == [None]


# --------------------------------------------------------------------------- explicit, layers, images


def test_explicit_mapping_wins_over_everything() -> None:
    deploys = [DeployRef("packages/ingestion-${SHA}.zip", "create-function", span(5), handler="x.y")]
    (link,) = link_handlers([package("ingestion")], [tf("ingestion", "a.b")], deploys,
                            explicit={"ingestion": "src.lambdas.ingestion.handler.lambda_handler"})
    assert link is not None
    assert (link.handler, link.how, link.config) == ("src.lambdas.ingestion.handler.lambda_handler", "config", None)


def test_pyproject_config_is_explicit(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"pyproject.toml": '''
        [tool.validate-imports.packages]
        ingestion = "src.lambdas.ingestion.handler.lambda_handler"
    '''})
    configs, _ = collect_handler_configs(repo)
    (link,) = link_handlers([package("ingestion")], [*configs, tf("ingestion", "a.b")], [],
                            explicit={"ingestion": "src.lambdas.ingestion.handler.lambda_handler"})
    assert link is not None and link.how == "config"
    assert link.config is configs[0] and "pyproject.toml:2" in link.explanation


def test_layers_get_no_handler() -> None:
    layer = package("shared", "layers/shared.zip", is_layer=True)
    assert link_handlers([layer], [tf("shared", "a.b")], []) == [None]


def test_image_configs_are_not_linked_to_zips() -> None:
    cfg = tf("ingestion", "app.handler", package_type="Image")
    assert link_handlers([package("ingestion")], [cfg], []) == [None]


def test_symbolic_handler_is_replaced_by_inference_but_keeps_its_config(tmp_path: Path) -> None:
    cfg = tf("ingestion", "${var.handler}", s3_key="lambdas/ingestion.zip")
    deploys = [DeployRef("packages/ingestion-${SHA}.zip", "s3", span(9), s3_key="lambdas/ingestion.zip")]
    pkg = package("ingestion", files={"lambda_function.py": "src/lf.py"})
    (link,) = link_handlers([pkg], [cfg], deploys)
    assert link is not None and link.inferred
    assert link.handler == "lambda_function.lambda_handler" and link.config is cfg
    assert "cannot be resolved statically" in link.explanation


def test_malformed_configured_handler_is_kept_for_lpk002() -> None:
    (link,) = link_handlers([package("ingestion")], [tf("ingestion", "lambda_handler")], [])
    assert link is not None and link.handler == "lambda_handler" and not link.inferred


def test_end_to_end_with_terraform_files(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"infrastructure/terraform/main.tf": '''
        resource "aws_lambda_function" "ingestion" {
          function_name = "${var.environment}-sentiment-ingestion"
          handler       = "handler.lambda_handler"
          runtime       = "python3.13"
          s3_bucket     = aws_s3_bucket.lambda_deployments.id
          s3_key        = "ingestion/lambda.zip"
        }
        resource "aws_lambda_function" "dashboard" {
          function_name = "${var.environment}-sentiment-dashboard"
          handler       = "src.lambdas.dashboard.handler.lambda_handler"
          s3_key        = "dashboard/lambda.zip"
        }
    '''})
    configs, _ = collect_handler_configs(repo)
    pkgs = [package("ingestion"), package("dashboard")]
    deploys = [DeployRef(f"packages/{n}-${{SHA}}.zip", "s3", span(200 + i),
                         s3_key=f"s3://${{BUCKET}}/{n}/lambda.zip") for i, n in enumerate(["ingestion", "dashboard"])]
    ing, dash = link_handlers(pkgs, configs, deploys, repo=repo)
    assert ing is not None and dash is not None
    assert ing.handler == "handler.lambda_handler" and ing.how == "s3-key"
    assert "infrastructure/terraform/main.tf:3" in ing.explanation
    assert dash.handler == "src.lambdas.dashboard.handler.lambda_handler"


def test_one_artifact_for_several_functions_is_not_ambiguous() -> None:
    """A serverless ``package.artifact`` shared by two functions: check one, list the other."""
    def sls(name: str, handler: str, line: int) -> HandlerConfig:
        return HandlerConfig(handler, span(line, "serverless.yml"), "serverless", name,
                             filename="dist/service.zip", code_uri="")
    api, worker = sls("api", "src/handlers/api.main", 16), sls("worker", "src/handlers/worker.process", 22)
    (link,) = link_handlers([package("service", "dist/service.zip")], [api, worker], [])
    assert link is not None and not link.inferred
    assert (link.handler, link.how, link.config, link.also) == ("src/handlers/api.main", "filename", api, [worker])
