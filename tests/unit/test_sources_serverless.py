"""The ZIPs the Serverless Framework builds, against what its own code decides.

``data/serverless-oracle.json`` was made by running the real Framework (serverless 3.40.0,
its globby, fast-glob, micromatch and archiver-utils; see scripts/build_serverless_oracle.py):
each case is a file tree and a ``package`` setting with the archive names the Framework's
``resolveFilePathsFunction``/``resolveFilePathsAll`` and ``zipFiles`` give.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from handlers_support import by_resource, make_repo

from validator.handlers import collect_handler_configs
from validator.model import HandlerConfig, Package
from validator.sources.serverless import matches, resolve, serverless_package, union

ORACLE = json.loads((Path(__file__).parent / "data" / "serverless-oracle.json").read_text())


@pytest.mark.parametrize("pattern", sorted(ORACLE["match"]))
def test_matching_is_micromatch(pattern: str) -> None:
    want = set(ORACLE["match"][pattern])
    got = {path for path in ORACLE["paths"] if matches(pattern, path)}
    if pattern == "!(a).py":
        # picomatch's negated extglob also refuses names that merely start like the
        # excluded one; wcmatch follows bash. Known, and absent from real serverless.yml files.
        assert got - want == {"ab.py", "a*.py"} and not want - got
        return
    assert got == want, f"only micromatch: {sorted(want - got)}; only here: {sorted(got - want)}"


def _service(case: dict[str, object]) -> str:
    function: dict[str, object] = {"handler": "a.main"}
    fpackage = dict(case["function"])  # type: ignore[call-overload]
    if case["individually"]:
        fpackage["individually"] = True
    if fpackage:
        function["package"] = fpackage
    doc: dict[str, object] = {"service": "svc", "provider": {"name": "aws", "runtime": "python3.12"},
                              "functions": {"fn": function}}
    if case["service"]:
        doc["package"] = case["service"]
    if case["layers"]:
        doc["layers"] = case["layers"]
    return json.dumps(doc, indent=1)  # JSON is YAML


def _package(tmp_path: Path, files: dict[str, str], name: str = "fn") -> tuple[Package | None, HandlerConfig]:
    repo = make_repo(tmp_path, files)
    configs, problems = collect_handler_configs(repo)
    assert problems == []
    config = by_resource(configs)[name]
    return serverless_package(config, repo), config


@pytest.mark.parametrize("case", ORACLE["cases"], ids=[c["name"] for c in ORACLE["cases"]])
def test_archive_is_the_frameworks(tmp_path: Path, case: dict[str, object]) -> None:
    files = {rel: f"# {rel}\n" for rel in ORACLE["tree"] if rel != "svc/serverless.yml"}
    files["svc/serverless.yml"] = _service(case)
    pkg, _config = _package(tmp_path, files)
    assert pkg is not None
    if "error" in case:  # "No file matches include / exclude patterns": the deploy stops
        assert pkg.files == {}
    else:
        assert sorted(pkg.files) == case["files"]
    assert all(f.source == f"svc/{path}" or f.source == path for path, f in pkg.files.items())


def test_order_decides_and_exclusions_are_named(tmp_path: Path) -> None:
    got = resolve(["s/a/x.py", "s/a/y.py", "s/b.py"], "s", ["!**/*", "a/**", "!a/y.py"], [".git/**"])
    assert got.files == {"a/x.py": "s/a/x.py"}
    assert got.included_by == {"a/x.py": "a/**"}
    assert got.excluded_by == {"s/a/y.py": "!a/y.py", "s/b.py": "!**/*"}


def test_a_pruned_folder_is_named_by_its_pattern(tmp_path: Path) -> None:
    got = resolve(["s/venv/lib.py", "s/h.py"], "s", ["!venv"], [])
    assert got.files == {"h.py": "s/h.py"}
    assert got.excluded_by == {"s/venv/lib.py": "!venv"}


def test_paths_above_the_service_lose_their_dots() -> None:
    got = resolve(["svc/h.py", "lib/m.py", "x/n.py"], "svc", ["../lib/**"], ["**"])
    assert got.files == {"lib/m.py": "lib/m.py"}
    assert resolve(["h.py"], "", ["../lib/**"], []).files == {"h.py": "h.py"}  # nothing above the checkout


def test_union_keeps_the_first_place() -> None:
    assert union(["a", "!b"], ["c", "a", "!b", "d"]) == ["a", "!b", "c", "d"]


SERVICE = """
service: billing
frameworkVersion: "3"
provider:
  name: aws
  runtime: python3.12
package:
  individually: true
  patterns:
    - "!**/*"
    - "shared/**"
plugins:
  - serverless-python-requirements
custom:
  pythonRequirements:
    fileName: requirements-lambda.txt
functions:
  invoices:
    handler: handler.main
    module: functions/invoices
    package:
      patterns:
        - "functions/invoices/**"
  payments:
    handler: functions/payments/handler.main
    package:
      patterns:
        - "functions/payments/*.py"
"""


def test_python_requirements_module_moves_its_folder_up(tmp_path: Path) -> None:
    files = {"svc/serverless.yml": SERVICE, "svc/shared/util.py": "", "svc/functions/invoices/handler.py": "",
             "svc/functions/invoices/requirements-lambda.txt": "requests\n",
             "svc/functions/payments/handler.py": "", "svc/requirements-lambda.txt": "boto3\n"}
    invoices, config = _package(tmp_path, files, "invoices")
    assert invoices is not None
    # inject.js moveModuleUp: only what is under the module, at the root; shared/ is dropped
    assert sorted(invoices.files) == ["handler.py", "requirements-lambda.txt"]
    assert invoices.archive == "svc/.serverless/functions/invoices-billing-${sls:stage}-invoices.zip"
    assert [p.requirement_files for p in invoices.pip_installs] == [["svc/functions/invoices/requirements-lambda.txt"]]
    assert config.serverless is not None and config.serverless.individually
    payments, _ = _package(tmp_path, files, "payments")
    assert payments is not None
    assert sorted(payments.files) == ["functions/payments/handler.py", "shared/util.py"]
    assert payments.archive == "svc/.serverless/payments.zip"
    assert [p.requirement_files for p in payments.pip_installs] == [["svc/requirements-lambda.txt"]]
    assert not payments.incomplete


def test_module_is_not_moved_without_individually(tmp_path: Path) -> None:
    text = SERVICE.replace("  individually: true\n", "")
    files = {"svc/serverless.yml": text, "svc/shared/util.py": "", "svc/functions/invoices/handler.py": ""}
    pkg, config = _package(tmp_path, files, "invoices")
    assert pkg is not None and config.serverless is not None
    assert not config.serverless.individually
    assert pkg.archive == "svc/.serverless/billing.zip"
    assert sorted(pkg.files) == ["shared/util.py"]  # the function's own patterns do not count


def test_a_requirements_layer_takes_the_requirements_and_keeps_module_in_place(tmp_path: Path) -> None:
    # inject.js L101-L105: with custom.pythonRequirements.layer nothing is injected, and
    # moveModuleUp (L122-L151) never runs
    text = SERVICE.replace("    fileName: requirements-lambda.txt\n",
                           "    fileName: requirements-lambda.txt\n    layer: true\n")
    files = {"svc/serverless.yml": text, "svc/shared/util.py": "", "svc/functions/invoices/handler.py": "",
             "svc/functions/invoices/requirements-lambda.txt": "requests\n",
             "svc/functions/payments/handler.py": "", "svc/requirements-lambda.txt": "boto3\n"}
    invoices, config = _package(tmp_path, files, "invoices")
    assert invoices is not None and config.serverless is not None and config.serverless.requirements_layer
    assert invoices.archive == "svc/.serverless/invoices.zip"
    assert sorted(invoices.files) == ["functions/invoices/handler.py", "functions/invoices/requirements-lambda.txt",
                                      "shared/util.py"]
    assert invoices.pip_installs == []
    payments, _ = _package(tmp_path, files, "payments")
    assert payments is not None and payments.pip_installs == []


def test_unknown_plugins_and_variables_make_the_tree_incomplete(tmp_path: Path) -> None:
    text = SERVICE.replace("  - serverless-python-requirements\n", "  - serverless-wsgi\n").replace(
        '    - "shared/**"\n', '    - "shared/**"\n    - "${self:custom.extra}"\n')
    files = {"svc/serverless.yml": text, "svc/functions/payments/handler.py": ""}
    pkg, _ = _package(tmp_path, files, "payments")
    assert pkg is not None
    assert pkg.incomplete == (
        "`${self:custom.extra}` in the service's package.patterns (svc/serverless.yml:11) holds a variable; "
        "the plugin serverless-wsgi may change what Serverless packages")


def test_artifact_disable_and_neutral_plugins(tmp_path: Path) -> None:
    text = """
    service: jobs
    plugins:
      - serverless-step-functions
      - serverless-iam-roles-per-function
    functions:
      built:
        handler: h.main
        package:
          artifact: dist/built.zip
      off:
        handler: h.main
        package:
          disable: true
      whole:
        handler: h.main
    """
    repo = make_repo(tmp_path, {"serverless.yml": text, "h.py": "", ".env": "", "notes.md": ""})
    configs = by_resource(collect_handler_configs(repo)[0])
    assert configs["built"].serverless is None and configs["off"].serverless is None
    pkg = serverless_package(configs["whole"], repo)
    assert pkg is not None and not pkg.incomplete
    assert pkg.archive == ".serverless/jobs.zip"
    assert sorted(pkg.files) == [".env", "h.py", "notes.md"]  # dot files too; serverless.yml never


def test_functions_from_file_references(tmp_path: Path) -> None:
    text = """
    service: login
    package:
      individually: true
      patterns:
        - '!./**'
        - ../../lib/**
    functions:
      - ${file(routes.yml)}
    """
    routes = """
    register:
      handler: src/register.main
      package:
        patterns:
          - ../../src/register.py
    """
    repo = make_repo(tmp_path, {"services/login/serverless.yml": text, "services/login/routes.yml": routes,
                                "lib/jwt.py": "", "src/register.py": "", "services/login/stray.py": ""})
    config = by_resource(collect_handler_configs(repo)[0])["register"]
    assert (config.span.path, config.span.line) == ("services/login/routes.yml", 2)
    pkg = serverless_package(config, repo)
    assert pkg is not None
    assert pkg.archive == "services/login/.serverless/register.zip"
    assert sorted(pkg.files) == ["lib/jwt.py", "src/register.py"]
    assert pkg.files["src/register.py"].origin is not None
    assert pkg.files["src/register.py"].origin.path == "services/login/routes.yml"
    assert pkg.left_out["services/login/stray.py"].rule == (
        "`!./**` in the service's package.patterns (services/login/serverless.yml:5)")


@pytest.mark.parametrize("script, origins", [
    ("sls deploy --stage prod", {"serverless"}),
    ("npx serverless package --package build && npx serverless deploy --package build", {"serverless"}),
    ("sls package", {"serverless"}),
    ("serverless-offline start", set()),
    ("echo packaging", set()),
])
def test_serverless_runs_are_seen(script: str, origins: set[str]) -> None:
    from validator.model.deploytools import origins_run

    assert origins_run([script], []) == origins
    assert origins_run([], ["serverless/github-action@v3.2"]) == {"serverless"}


def test_a_plugin_that_may_rewrite_the_archive_is_said_once(tmp_path: Path) -> None:
    from validator.engine import analyze

    make_repo(tmp_path, {
        "serverless.yml": """
        service: web
        provider:
          name: aws
          runtime: python3.12
        plugins:
          - serverless-step-functions
          - serverless-wsgi
        functions:
          api:
            handler: wsgi_handler.handler
          cron:
            handler: jobs.run
        """,
        "app.py": "import flask\n",
        "jobs.py": "import missing_helper\n\ndef run(event, context):\n    pass\n",
        ".github/workflows/deploy.yml": """
        on: push
        jobs:
          deploy:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: npx serverless deploy
        """,
    })
    result = analyze(root=tmp_path)
    # wsgi_handler.py comes from the plugin: no LPK-002, no LPK-001, one LPK-000 at the plugin
    assert [(f.id, f.span.line, f.span.column) for f in result.findings] == [("LPK-000", 7, 5)]
    assert result.findings[0].message == (
        "cannot fully verify 2 packages (api, cron): the plugin serverless-wsgi may change what Serverless "
        "packages; modules absent from the reconstructed archive are not reported")
