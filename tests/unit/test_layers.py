"""Layers: what a layer archive puts on sys.path, how functions attach layers (Terraform,
SAM, serverless, the CLI), what PYTHONPATH hides, and LPK-008 with LPK-001/LPK-005 around it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from handlers_support import by_resource, make_repo

from validator.engine import analyze, run
from validator.handlers import collect_iac
from validator.model import FileKind, Package, PackageFile, PipInstall, Span
from validator.model.layers import (
    EnvSetting,
    hidden_folders,
    scan_layer,
    task_folders,
    unknown_entries,
    visible_folders,
)
from validator.simulate.commands.aws import environment_variables

SPAN = Span(".github/workflows/deploy.yml", 1, 1, 1, 2)


def layer(paths: list[str], installs: list[PipInstall] | None = None) -> Package:
    files = {p: PackageFile(p, FileKind.INSTALLED if p.endswith("/") else FileKind.SOURCE, origin=SPAN)
             for p in paths}
    return Package(name="deps", archive="deps.zip", span=SPAN, files=files, pip_installs=installs or [],
                   is_layer=True)


# --------------------------------------------------------------------------- what a layer holds


def test_modules_under_python_are_provided_and_at_the_root_are_misplaced() -> None:
    scan = scan_layer(layer(["python/common/__init__.py", "python/common/db.py", "shared.py", "tools/x.py",
                             "requests/"]), "3.12")
    assert scan.provides["common"] == ("python/", "python/common/")
    assert scan.provides["common.db"] == ("python/", "python/common/")
    # (a folder pip filled counts by the modules its install provides, not by its name)
    assert {m: (p.prefix, p.right) for m, p in scan.misplaced.items()} == {
        "shared": ("", "python/"), "tools": ("", "python/")}


def test_site_packages_count_for_the_function_version_only() -> None:
    paths = ["python/lib/python3.11/site-packages/yaml/__init__.py", "python/lib/python3.12/site-packages/attr/"]
    scan = scan_layer(layer(paths), "3.12")
    assert "attr" in scan.provides and "yaml" not in scan.provides
    assert scan.misplaced["yaml"].right == "python/lib/python3.12/site-packages/"
    unknown_version = scan_layer(layer(paths), None)
    assert {"attr", "yaml"} <= set(unknown_version.provides) and not unknown_version.misplaced


def test_layer_folders_that_are_not_python_are_left_alone() -> None:
    scan = scan_layer(layer(["bin/ffmpeg", "lib/libsndfile.so.1", "lib/libz.so", "python/soundfile.py"]), "3.12")
    assert set(scan.provides) >= {"soundfile"} and scan.misplaced == {}


def test_a_zip_that_stores_the_layer_folder_moves_everything_under_it() -> None:
    scan = scan_layer(layer(["layer/python/shared/__init__.py", "layer/python/util.py"]), "3.12")
    assert scan.provides == {}
    assert {m: p.prefix for m, p in scan.misplaced.items()} == {"shared": "layer/python/", "util": "layer/python/"}


def test_one_package_at_the_root_is_that_package_not_a_wrapper() -> None:
    scan = scan_layer(layer(["shared_utils/__init__.py", "shared_utils/log.py"]), "3.12")
    assert list(scan.misplaced) == ["shared_utils"]


def test_pip_installs_count_by_their_target_folder() -> None:
    root = PipInstall(prefix="", requirements=["requests"], requirement_files=[], span=SPAN)
    right = PipInstall(prefix="python", requirements=["PyYAML"], requirement_files=[], span=SPAN)
    scan = scan_layer(layer([], [root, right]), "3.12")
    assert "yaml" in scan.provides
    assert scan.misplaced["requests"].install is root
    assert "urllib3" in scan.misplaced  # a dependency lands beside it


def test_an_install_of_unknown_content_into_python_leaves_the_layer_unknown() -> None:
    pip = PipInstall(prefix="python", requirements=["some-private-dist-nobody-knows"], requirement_files=[],
                     span=SPAN)
    assert scan_layer(layer([], [pip]), "3.12").unknown


# --------------------------------------------------------------------------- PYTHONPATH


def test_pythonpath_lists_the_folders_it_keeps() -> None:
    assert visible_folders(None) is None
    assert visible_folders(EnvSetting("/var/task/src", SPAN)) == frozenset()
    assert visible_folders(EnvSetting("/var/task:/opt/python/", SPAN)) == frozenset({"python/"})
    kept = visible_folders(EnvSetting("/opt/python/lib/python3.12/site-packages", SPAN))
    assert kept is not None
    assert hidden_folders("3.12", kept) == ["/opt/python"]
    assert task_folders(EnvSetting("/var/task/src:lib:/opt/python:$LAMBDA_TASK_ROOT/x", SPAN)) == ["src", "lib"]
    assert unknown_entries(EnvSetting("/var/task:/mnt/efs/lib:/opt/python:/var/runtime", SPAN)) == ["/mnt/efs/lib"]


def test_cli_environment_variables() -> None:
    assert environment_variables("Variables={PYTHONPATH=/var/task/src,STAGE=prod}") == {
        "PYTHONPATH": "/var/task/src", "STAGE": "prod"}
    assert environment_variables('{"Variables": {"PYTHONPATH": "/opt/python"}}') == {"PYTHONPATH": "/opt/python"}
    assert environment_variables("Variables={PYTHONPATH=$DIR}") == {}


# --------------------------------------------------------------------------- declarations


def test_iac_layers_and_the_references_functions_use(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {
        "infra/main.tf": """
            resource "aws_lambda_layer_version" "deps" {
              layer_name          = "deps"
              filename            = "../dist/deps.zip"
              compatible_runtimes = ["python3.12"]
            }
            resource "aws_lambda_function" "api" {
              function_name = "api"
              handler       = "app.handler"
              runtime       = "python3.12"
              filename      = "../dist/api.zip"
              layers        = [aws_lambda_layer_version.deps.arn]
              environment {
                variables = {
                  PYTHONPATH = "/var/task/src"
                }
              }
            }
            """,
        "template.yaml": """
            AWSTemplateFormatVersion: "2010-09-09"
            Transform: AWS::Serverless-2016-10-31
            Resources:
              DepsLayer:
                Type: AWS::Serverless::LayerVersion
                Properties:
                  ContentUri: layers/deps
                  CompatibleRuntimes: [python3.12]
                Metadata:
                  BuildMethod: python3.12
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: app.handler
                  Runtime: python3.12
                  CodeUri: src/
                  Layers:
                    - !Ref DepsLayer
                  Environment:
                    Variables:
                      PYTHONPATH: /var/task/vendor
            """,
        "svc/serverless.yml": """
            service: svc
            provider:
              name: aws
              runtime: python3.12
            layers:
              my-deps:
                path: layer
            functions:
              hello:
                handler: handler.hello
                layers:
                  - Ref: MyDashdepsLambdaLayer
            """,
    })
    configs, layers, _problems = collect_iac(repo)
    fns = by_resource(configs)
    declared = {c.resource: c for c in layers}
    assert fns["api"].layers == ["${aws_lambda_layer_version.deps.arn}"]
    assert fns["api"].layers[0] in declared["deps"].refs
    assert declared["deps"].filename == "dist/deps.zip"
    assert (fns["api"].environment_spans["PYTHONPATH"].line, fns["api"].layers_span.line) == (14, 11)
    assert fns["Fn"].layers == ["${DepsLayer}"] and "${DepsLayer}" in declared["DepsLayer"].refs
    assert (declared["DepsLayer"].code_uri, declared["DepsLayer"].build_method) == ("layers/deps", "python3.12")
    assert fns["Fn"].environment_spans["PYTHONPATH"].line == 21
    assert fns["hello"].layers == ["${MyDashdepsLambdaLayer}"]
    assert declared["my-deps"].refs == ["${MyDashdepsLambdaLayer}"] and declared["my-deps"].code_uri == "svc/layer"


# --------------------------------------------------------------------------- the rules together

APP = "import requests\n\n\ndef handler(event, context):\n    return requests.get('https://example.com').status_code\n"


def workflow(script: str) -> str:
    body = textwrap.indent(textwrap.dedent(script).strip("\n"), " " * 10)
    return ("name: deploy\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: actions/checkout@v4\n      - run: |\n" + body + "\n")


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(textwrap.dedent(text).lstrip("\n"))
    return root


def found(root: Path) -> list[tuple[str, str, str | None]]:
    return sorted((f.code, f.severity.value, f.package) for f in analyze(root=root).findings)


TF_FN = """
    resource "aws_lambda_function" "api" {{
      function_name = "api"
      handler       = "app.handler"
      runtime       = "python3.12"
      filename      = "dist/api.zip"
      layers        = [{layers}]{env}
    }}
    """
TF_LAYER = """
    resource "aws_lambda_layer_version" "deps" {
      layer_name = "deps"
      filename   = "dist/deps.zip"
    }
    """
BUILD = """
    mkdir -p build/layer/{target} dist
    pip install requests -t build/layer/{target}
    (cd build/layer && zip -qr ../../dist/deps.zip .)
    (cd src && zip -qr ../dist/api.zip .)
    terraform apply -auto-approve
    """


def tf_repo(tmp_path: Path, target: str, layers: str = "aws_lambda_layer_version.deps.arn", env: str = "") -> Path:
    env_block = f'\n  environment {{\n    variables = {{ PYTHONPATH = "{env}" }}\n  }}' if env else ""
    return write(tmp_path, {".github/workflows/deploy.yml": workflow(BUILD.format(target=target)),
                            "src/app.py": APP,
                            "main.tf": TF_LAYER + TF_FN.format(layers=layers, env=env_block)})


def test_a_module_of_a_layer_built_right_is_resolved(tmp_path: Path) -> None:
    assert found(tf_repo(tmp_path, "python")) == []


def test_a_layer_built_at_the_root_is_lpk008_alone(tmp_path: Path) -> None:
    [finding] = analyze(root=tf_repo(tmp_path, ".")).findings
    assert (finding.code, finding.severity.value, finding.package) == ("LPK-008", "error", "api")
    assert "holds requests at the archive root" in finding.message
    assert finding.fix is not None


def test_another_layer_of_unknown_content_makes_it_a_warning(tmp_path: Path) -> None:
    root = tf_repo(tmp_path, ".", layers='aws_lambda_layer_version.deps.arn, var.powertools_arn')
    [finding] = analyze(root=root).findings
    assert (finding.code, finding.severity.value) == ("LPK-008", "warning")
    assert "unless another of the function's layers (${var.powertools_arn}) provides it" in finding.message


def test_a_layer_built_here_that_lacks_the_module_is_an_error_of_lpk005(tmp_path: Path) -> None:
    root = tf_repo(tmp_path, "python")
    (root / ".github/workflows/deploy.yml").write_text(
        workflow(BUILD.format(target="python").replace("pip install requests", "pip install PyYAML")))
    assert found(root) == [("LPK-005", "error", "api")]


def test_pythonpath_without_the_layer_folders_hides_the_layer(tmp_path: Path) -> None:
    [finding] = analyze(root=tf_repo(tmp_path, "python", env="/var/task")).findings
    assert (finding.code, finding.severity.value, finding.span.path) == ("LPK-008", "error", "main.tf")
    assert "the function sets PYTHONPATH=/var/task" in finding.message
    assert "holds requests in /opt/python" in finding.message
    assert finding.fix is not None and finding.fix.title == "Add /opt/python to PYTHONPATH"
    assert [(e.path, e.content) for e in finding.fix.edits] == [("main.tf", "/var/task:/opt/python")]


@pytest.mark.parametrize("env", ["/var/task:/opt/python", "${var.pythonpath}"])
def test_pythonpath_that_lists_the_folder_or_is_unknown_keeps_the_layer(tmp_path: Path, env: str) -> None:
    assert found(tf_repo(tmp_path, "python", env=env)) == []


def test_pythonpath_hides_layers_of_unknown_content_too(tmp_path: Path) -> None:
    root = tf_repo(tmp_path, "python", layers="var.deps_arn", env="/var/task")
    [finding] = analyze(root=root).findings
    assert (finding.code, finding.severity.value) == ("LPK-008", "error")
    assert "where its layers (${var.deps_arn}) put their modules; requests is not in the package" in finding.message


def test_unknown_layers_without_pythonpath_stay_an_lpk005_warning(tmp_path: Path) -> None:
    root = tf_repo(tmp_path, "python", layers="var.deps_arn")
    assert found(root) == []  # the layer built here may be the one the variable names
    (root / "src/app.py").write_text("import jwt\n\n\ndef handler(event, context):\n    return jwt\n")
    assert found(root) == [("LPK-005", "warning", "api")]


def test_pythonpath_folders_of_the_zip_are_searched(tmp_path: Path) -> None:
    root = tf_repo(tmp_path, "python", env="/var/task/lib:/opt/python")
    write(root, {"src/app.py": "from helpers import ping\n\n\ndef handler(event, context):\n    return ping()\n",
                 "src/lib/helpers.py": "import requests\n\n\ndef ping():\n    return requests.get('x')\n"})
    assert found(root) == []


def test_a_broken_layer_nobody_imports_from_is_a_warning(tmp_path: Path) -> None:
    root = tf_repo(tmp_path, ".")
    (root / "src/app.py").write_text("def handler(event, context):\n    return 1\n")
    [finding] = analyze(root=root).findings
    assert (finding.code, finding.severity.value, finding.package) == ("LPK-008", "warning", "deps")
    assert "no function can import them from this layer" in finding.message


def test_sam_layer_built_by_sam_or_zipped_as_it_is(tmp_path: Path) -> None:
    template = textwrap.dedent("""
        AWSTemplateFormatVersion: "2010-09-09"
        Transform: AWS::Serverless-2016-10-31
        Resources:
          CommonLayer:
            Type: AWS::Serverless::LayerVersion
            Properties:
              ContentUri: layers/common
            {metadata}
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Handler: app.handler
              Runtime: python3.12
              CodeUri: src/
              Layers: [!Ref CommonLayer]
        """)
    files = {".github/workflows/deploy.yml": workflow("sam build && sam deploy --no-confirm-changeset"),
             "src/app.py": "from common import helper\n\n\ndef handler(event, context):\n    return helper()\n",
             "layers/common/common.py": "def helper():\n    return 1\n"}
    built = write(tmp_path / "built", {**files, "template.yaml": template.format(
        metadata="Metadata:\n        BuildMethod: python3.12")})
    assert found(built) == []
    as_is = write(tmp_path / "as-is", {**files, "template.yaml": template.format(metadata="")})
    [finding] = analyze(root=as_is).findings
    assert (finding.code, finding.severity.value) == ("LPK-008", "error")
    assert "move layers/common/common.py into layers/common/python/" in (finding.hint or "")


def test_cli_layers_are_tied_by_the_published_arn_or_the_layer_name(tmp_path: Path) -> None:
    script = """
        mkdir -p layer dist
        pip install requests -t layer/
        (cd layer && zip -qr ../dist/deps.zip .)
        (cd src && zip -qr ../dist/api.zip .)
        aws lambda publish-layer-version --layer-name api-deps --zip-file fileb://dist/deps.zip
        aws lambda update-function-code --function-name api --zip-file fileb://dist/api.zip
        aws lambda update-function-configuration --function-name api \\
          --layers arn:aws:lambda:eu-west-1:123456789012:layer:api-deps:7 arn:aws:lambda:eu-west-1:1:layer:other:1
        """
    root = write(tmp_path, {".github/workflows/deploy.yml": workflow(script), "src/app.py": APP})
    [finding] = analyze(root=root).findings
    assert (finding.code, finding.severity.value) == ("LPK-008", "warning")  # the other layer may provide it
    assert "arn:aws:lambda:eu-west-1:1:layer:other:1" in finding.message


def test_a_cli_pythonpath_hides_a_layer_named_by_its_arn(tmp_path: Path) -> None:
    """One workflow publishes the layer (built for Python 3.13, published for 3.11), another
    attaches it by an ARN that spells its name and sets PYTHONPATH=/opt/python (a real
    repository's layout, reduced)."""
    layer_wf = ("name: layer\non: push\njobs:\n  layer:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - run: |\n"
                "          mkdir -p build/python/lib/python3.13/site-packages\n"
                "          cp -r shared build/python/lib/python3.13/site-packages/\n"
                "          cd build && zip -r ../layer.zip .\n"
                "      - run: |\n"
                "          NAME=my-shared\n"
                "          aws lambda publish-layer-version --layer-name \"$NAME\" --zip-file fileb://layer.zip \\\n"
                "            --compatible-runtimes python3.11\n")
    function_wf = workflow("""
        (cd src && zip -r ../fn.zip .)
        aws lambda update-function-code --function-name fn --zip-file fileb://fn.zip
        LAYER_ARN="arn:aws:lambda:us-east-1:$ACCOUNT:layer:my-shared:$LAYER_VERSION"
        aws lambda update-function-configuration --function-name fn --layers "$LAYER_ARN" \\
          --environment Variables="{PYTHONPATH=/opt/python}"
        """)
    root = write(tmp_path, {".github/workflows/layer.yml": layer_wf, ".github/workflows/fn.yml": function_wf,
                            "shared/__init__.py": "X = 1\n",
                            "src/app.py": "from shared import X\n\n\ndef handler(event, context):\n    return X\n"})
    findings = sorted(analyze(root=root).findings, key=lambda f: f.span.path)
    assert [(f.code, f.severity.value, f.span.path) for f in findings] == [
        ("LPK-008", "error", ".github/workflows/fn.yml"), ("LPK-008", "warning", ".github/workflows/layer.yml")]
    assert "holds shared in /opt/python/lib/python3.13/site-packages" in findings[0].message
    assert findings[0].hint == ("add /opt/python/lib/python3.13/site-packages to PYTHONPATH "
                                "(/opt/python:/opt/python/lib/python3.13/site-packages)")
    assert "(the layer is published for Python 3.11)" in findings[1].message


# --------------------------------------------------------------------------- serverless-python-requirements' layer

LIBS = """
service: libs
plugins:
  - serverless-python-requirements
custom:
  pythonRequirements:
    layer: {layer}
provider:
  name: aws
  runtime: python3.12
  stage: ${{opt:stage, 'dev'}}
"""
USERS = """
service: users
custom:
  layer_config: ${file(../../config/layers.yml):layer_config}
provider:
  name: aws
  runtime: python3.12
functions:
  - ${file(routes.yml)}
"""
ROUTES = """
me:
  handler: handler.main
  layers:
    - ${self:custom.layer_config.arn}
"""
LAYERS_YML = "layer_config:\n  arn: arn:aws:lambda:eu-west-1:${aws:accountId}:layer:libs-dev:4\n"
DEPLOY = ("name: deploy\non: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
          "      - uses: actions/checkout@v4\n      - run: npm ci\n"
          "      - run: (cd services/libs && npx serverless deploy) && (cd services/users && npx serverless deploy)\n")


def sls_layer_repo(tmp_path: Path, layer: str = "\n      name: libs-${self:provider.stage}",
                   code: str = "import jwt\n\n\ndef main(event, context):\n    return jwt.__name__\n",
                   extra: dict[str, str] | None = None) -> Path:
    return write(tmp_path, {".github/workflows/deploy.yml": DEPLOY,
                            "services/libs/serverless.yml": LIBS.format(layer=layer),
                            "services/libs/requirements.txt": "PyJWT==2.8.0\n",
                            "config/layers.yml": LAYERS_YML,
                            "services/users/serverless.yml": USERS,
                            "services/users/routes.yml": ROUTES,
                            "services/users/handler.py": code, **(extra or {})})


def test_the_plugins_layer_is_declared_with_its_name_and_requirements(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"services/libs/serverless.yml": LIBS.format(layer="true"),
                                "services/libs/requirements.txt": "PyJWT\n"})
    _configs, [layer], _problems = collect_iac(repo)
    # layer.js L71-L73: <service>-<stage>-python-requirements; L76: [provider.runtime]
    assert (layer.resource, layer.layer_name, layer.refs) == (
        "pythonRequirements", "libs-dev-python-requirements", ["${PythonRequirementsLambdaLayer}"])
    assert layer.compatible_runtimes == ["python3.12"]
    assert (layer.requirements, layer.unknown) == ("services/libs/requirements.txt", "")
    assert layer.built_archive == "services/libs/.serverless/pythonRequirements.zip"
    assert (layer.span.path, layer.span.line) == ("services/libs/serverless.yml", 6)


@pytest.mark.parametrize(("layer", "files", "unknown"), [
    ("true", {"services/libs/Pipfile": "[packages]\n"},
     "serverless-python-requirements installs what services/libs/Pipfile locks"),
    ("true", {"services/libs/pyproject.toml": '[build-system]\nrequires = ["poetry-core"]\n'},
     "serverless-python-requirements exports the requirements of services/libs/pyproject.toml with Poetry"),
    ("true\n    vendor: ./vendored", {}, "the plugin's vendor folder is copied into it"),
    ("true\n    pipCmdExtraArgs: ['--no-deps']", {}, "pipCmdExtraArgs (--no-deps) change the pip command"),
    ("true\n    fileName: reqs/layer.txt", {}, "services/libs/reqs/layer.txt is not in the repository"),
])
def test_what_the_plugin_reads_besides_a_requirements_file_leaves_the_layer_unknown(
        tmp_path: Path, layer: str, files: dict[str, str], unknown: str) -> None:
    repo = make_repo(tmp_path, {"services/libs/serverless.yml": LIBS.format(layer=layer),
                                "services/libs/requirements.txt": "PyJWT\n", **files})
    [config] = collect_iac(repo)[1]
    assert (config.unknown, config.requirements) == (unknown, None)


def test_usepipenv_false_and_a_setuptools_pyproject_keep_the_requirements_file(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"services/libs/serverless.yml": LIBS.format(layer="true\n    usePipenv: false"),
                                "services/libs/requirements.txt": "PyJWT\n", "services/libs/Pipfile": "",
                                "services/libs/pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n'})
    [config] = collect_iac(repo)[1]
    assert (config.unknown, config.requirements) == ("", "services/libs/requirements.txt")


@pytest.mark.parametrize("layer", ["false", "${env:WITH_LAYER}"])
def test_no_layer_when_the_option_is_off_or_unknown(tmp_path: Path, layer: str) -> None:
    repo = make_repo(tmp_path, {"services/libs/serverless.yml": LIBS.format(layer=layer)})
    assert collect_iac(repo)[1] == []


def test_a_function_of_another_service_attaches_it_by_its_arn(tmp_path: Path) -> None:
    root = sls_layer_repo(tmp_path)
    assert found(root) == []
    (root / "services/users/handler.py").write_text("import jwt\nimport yaml\n\n\ndef main(event, context):\n"
                                                     "    return jwt, yaml\n")
    [finding] = analyze(root=root).findings
    assert (finding.code, finding.severity.value, finding.package) == ("LPK-005", "error", "me")
    assert ("third-party module yaml (distribution PyYAML) is imported but no pip install -t puts it into the "
            "package, nor does layer libs-dev (services/libs/.serverless/pythonRequirements.zip) that the function "
            "attaches") in finding.message
    assert [(r.path, r.line) for r in finding.related] == [("services/users/handler.py", 2),
                                                           ("services/users/routes.yml", 3)]
    assert finding.hint == "add PyYAML to the install that builds the package, or to what layer libs-dev installs"


def test_a_layer_of_unknown_content_keeps_it_a_warning_that_says_why(tmp_path: Path) -> None:
    root = sls_layer_repo(tmp_path, code="import yaml\n\n\ndef main(event, context):\n    return yaml\n",
                          extra={"services/libs/Pipfile": "[packages]\npyjwt = '*'\n"})
    [finding] = analyze(root=root).findings
    assert (finding.code, finding.severity.value) == ("LPK-005", "warning")
    assert finding.message.endswith(
        "— unless what layer libs-dev holds is not known (serverless-python-requirements installs what "
        "services/libs/Pipfile locks), it may provide it")


def test_an_arn_that_names_another_layer_stays_unknown(tmp_path: Path) -> None:
    root = sls_layer_repo(tmp_path, layer="\n      name: shared-${self:provider.stage}")
    (root / "services/users/handler.py").write_text("import yaml\n\n\ndef main(event, context):\n    return yaml\n")
    [finding] = analyze(root=root).findings
    assert (finding.code, finding.severity.value) == ("LPK-005", "warning")
    assert "the function's layers (arn:aws:lambda:eu-west-1:${aws:accountId}:layer:libs-dev:4) are not built here" \
        in finding.message


def test_a_function_of_the_layers_service_gets_the_requirements_only_through_the_layer(tmp_path: Path) -> None:
    service = LIBS.format(layer="true") + (
        "functions:\n  - ${file(routes.yml)}\n")
    routes = ("with_layer:\n  handler: handler.main\n  layers:\n    - Ref: PythonRequirementsLambdaLayer\n"
              "without:\n  handler: handler.main\n")
    root = write(tmp_path, {".github/workflows/deploy.yml": DEPLOY.replace(" && (cd services/users && npx serverless "
                                                                           "deploy)", ""),
                            "services/libs/serverless.yml": service, "services/libs/routes.yml": routes,
                            "services/libs/requirements.txt": "PyJWT\n",
                            "services/libs/handler.py": "import jwt\n\n\ndef main(event, context):\n    return jwt\n"})
    # inject.js L101-L105: the archive gets no requirements; the function without the layer misses jwt
    assert found(root) == [("LPK-005", "error", "without")]
    reports = {r.package.name: r for r in run(root=root).context.packages}
    [attached] = reports["with_layer"].layers  # (the Ref written in routes.yml names the service's layer)
    assert attached.known and attached.layer is not None and attached.layer.name == "libs-dev-python-requirements"
    assert attached.how == ("${PythonRequirementsLambdaLayer} is serverless layer pythonRequirements "
                            "(services/libs/serverless.yml:6)")
