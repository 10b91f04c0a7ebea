"""pip install -t and deploy references."""

from __future__ import annotations

from pathlib import Path

from test_simulate_support import job, package, run

SRC = {"app/handler.py": "", "requirements.txt": "requests==2.31\n# comment\nPyYAML>=6 ; python_version>'3'\n"
       "-r extra.txt\n", "extra.txt": "pydantic\n"}


def test_pip_target_with_requirements_file(tmp_path: Path) -> None:
    script = ("mkdir package\npython3.12 -m pip install -r requirements.txt --target=package "
              "--platform manylinux2014_x86_64 --only-binary=:all: --python-version 3.12\n"
              "cp app/handler.py package/\ncd package && zip -r ../app-lambda.zip .")
    r = run(tmp_path, SRC, script)
    pkg = package(r, "app-lambda")
    [pip] = pkg.pip_installs
    assert pip.prefix == ""
    assert pip.requirement_files == ["requirements.txt"]
    assert pip.requirements == ["requests==2.31", "PyYAML>=6", "pydantic"]
    assert pip.options == {"--platform": "manylinux2014_x86_64", "--only-binary": ":all:",
                           "--python-version": "3.12"}
    assert {"requests/", "pyyaml/", "pydantic/"} <= set(pkg.files)
    assert pkg.files["requests/"].kind.value == "installed"


def test_pip_prefix_when_zipping_parent(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, "pip install boto3 -t build/python\ncp app/handler.py build/\n"
                           "cd build && zip -r ../layer.zip .")
    pkg = r.packages[0]
    assert [p.prefix for p in pkg.pip_installs] == ["python"]


def test_pip_without_target_is_ignored(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, "pip install -r requirements.txt\nzip -r app.zip app")
    assert r.packages[0].pip_installs == []


def test_deploy_refs(tmp_path: Path) -> None:
    script = """cd app && zip -r ../ingestion.zip . && cd ..
aws s3 cp ingestion.zip s3://bucket/lambdas/ingestion.zip
aws lambda update-function-code --function-name ingest --zip-file fileb://ingestion.zip
aws lambda update-function-code --function-name ingest --s3-bucket bucket --s3-key lambdas/ingestion.zip
aws lambda create-function --function-name x --handler app.handler --runtime python3.12 --zip-file fileb://other.zip
aws lambda update-function-configuration --function-name ingest --handler handler.lambda_handler
aws s3api put-object --bucket b --key k.zip --body ingestion.zip
"""
    r = run(tmp_path, SRC, script)
    kinds = [(d.kind, d.archive, d.resolved) for d in r.deploys]
    assert kinds == [("s3", "ingestion.zip", True), ("zip-file", "ingestion.zip", True),
                     ("s3-key", "ingestion.zip", True), ("create-function", "other.zip", False),
                     ("configuration", "", False), ("s3", "ingestion.zip", True)]
    assert r.deploys[0].s3_key == "lambdas/ingestion.zip"
    assert r.deploys[3].handler == "app.handler"
    other = package(r, "other")
    assert other.opaque and other.span == r.deploys[3].span


def test_opaque_package_names_the_unknown_builder(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, "python3 scripts/create_zip.py --out dist/ingestion.zip\n"
                           "aws lambda update-function-code --function-name f --zip-file fileb://dist/ingestion.zip")
    pkg = package(r, "ingestion")
    assert pkg.opaque and "create_zip.py" in pkg.opaque_reason


def test_cross_job_artifact_is_the_same_package(tmp_path: Path) -> None:
    build = job("mkdir -p dist\ncd app && zip -r ../dist/ingestion-${GITHUB_SHA}.zip .", job_id="build")
    deploy = job("aws lambda update-function-code --function-name f "
                 "--zip-file fileb://artifacts/ingestion-abc123.zip", job_id="deploy")
    r = run(tmp_path, SRC, build, deploy)
    assert [p.name for p in r.packages] == ["ingestion"]
    assert not r.packages[0].opaque
    assert r.deploys[0].resolved


def test_uv_pip_options_take_their_values(tmp_path: Path) -> None:
    """``uv pip install``'s own options (``--python-platform``, ``-p``, ``--index-strategy``)
    take a value: it is not a requirement, and the install is marked as uv's."""
    script = ("uv pip install -p 3.12 orjson --target build --python-platform aarch64-manylinux2014 "
              "--index-strategy unsafe-best-match\ncp app/handler.py build/\ncd build && zip -r ../app.zip .")
    pkg = package(run(tmp_path, SRC, script), "app")
    [pip] = pkg.pip_installs
    assert (pip.tool, pip.requirements) == ("uv", ["orjson"])
    assert pip.options == {"--python-platform": "aarch64-manylinux2014"}
    assert pip.reqs.problems == []


def test_uv_python_platform_names() -> None:
    """``uv help pip install`` (uv 0.13): ``linux`` is ``x86_64-unknown-linux-gnu``, which is
    ``x86_64-manylinux_2_28``; ``manylinux2014`` is ``manylinux_2_17``."""
    from rules.lpk006_native_wheel_mismatch import uv_platform

    assert uv_platform("linux") == ("linux", "x86_64", 28)
    assert uv_platform("aarch64-unknown-linux-gnu") == ("linux", "aarch64", 28)
    assert uv_platform("x86_64-manylinux2014") == ("linux", "x86_64", 17)
    assert uv_platform("'aarch64-manylinux_2_34'") == ("linux", "aarch64", 34)
    assert uv_platform("x86_64-unknown-linux-musl") == ("musl", "x86_64", None)
    assert uv_platform("macos") == ("macos", "aarch64", None)
    assert uv_platform("windows")[0] == "windows"
