"""Differential tests with the real pip: install what the workflow installs into a folder
from the package index, zip it, and import the handler from the ZIP in a fresh
interpreter, to check that LPK-005 fires exactly when the import really fails.

They need the package index: deselect them offline with ``-m 'not realpip'``.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from validator.engine import analyze

pytestmark = pytest.mark.realpip

WORKFLOW = """name: Deploy
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: |
          pip install {reqs} -t build/
          cp app.py build/
          cd build && zip -r ../app.zip .
      - run: aws lambda update-function-code --function-name app --zip-file fileb://app.zip
"""

TF = """resource "aws_lambda_function" "app" {{
  function_name = "app"
  handler       = "app.handler"
  runtime       = "python{py}"
  filename      = "app.zip"
}}
"""


def _build(tmp: Path, reqs: list[str], code: str) -> tuple[list[str], bool]:
    repo = tmp / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True)
    py = f"{sys.version_info[0]}.{sys.version_info[1]}"
    (repo / ".github" / "workflows" / "deploy.yml").write_text(WORKFLOW.format(reqs=" ".join(reqs)))
    (repo / "main.tf").write_text(TF.format(py=py))
    (repo / "app.py").write_text(code)
    codes = [f.code for f in analyze(root=repo).findings if f.code == "LPK-005"]
    build = tmp / "build"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "--no-compile", *reqs, "-t", str(build)], check=True, capture_output=True)
    (build / "app.py").write_text(code)
    archive = tmp / "app.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in build.rglob("*"):
            zf.write(f, f.relative_to(build).as_posix())
    unzipped = tmp / "task"
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(unzipped)
    # -S: no site-packages of the test environment, as in a function without the runtime's libraries
    run = subprocess.run([sys.executable, "-S", "-c", "import sys; sys.path.insert(0, sys.argv[1]); import app",
                          str(unzipped)], capture_output=True, text=True)
    return codes, run.returncode == 0


def test_requests_brings_its_dependencies(tmp_path: Path) -> None:
    codes, ok = _build(tmp_path, ["requests"], "import requests\nimport idna\nimport certifi\n"
                                               "def handler(e, c):\n    return 1\n")
    assert ok and codes == []


def test_no_deps_leaves_a_dependency_out(tmp_path: Path) -> None:
    codes, ok = _build(tmp_path, ["requests", "--no-deps"], "import idna\ndef handler(e, c):\n    return 1\n")
    assert not ok and codes == ["LPK-005"]


def test_import_name_differs_from_distribution(tmp_path: Path) -> None:
    codes, ok = _build(tmp_path, ["PyJWT", "python-json-logger"],
                       "import jwt\nfrom pythonjsonlogger import jsonlogger\ndef handler(e, c):\n    return 1\n")
    assert ok and codes == []


def test_missing_library(tmp_path: Path) -> None:
    codes, ok = _build(tmp_path, ["six"], "import six\nimport httpx\ndef handler(e, c):\n    return 1\n")
    assert not ok and codes == ["LPK-005"]


EMAIL_MODEL = ("from pydantic import BaseModel, EmailStr\n\nclass User(BaseModel):\n    email: EmailStr\n\n"
               "def handler(e, c):\n    return User(email=e['email']).email\n")


def test_emailstr_without_the_email_extra(tmp_path: Path) -> None:
    # pydantic imports email-validator when a model with an EmailStr field is defined
    codes, ok = _build(tmp_path, ["pydantic"], EMAIL_MODEL)
    assert not ok and codes == ["LPK-005"]


def test_emailstr_with_the_email_extra(tmp_path: Path) -> None:
    codes, ok = _build(tmp_path, ["pydantic[email]"], EMAIL_MODEL)
    assert ok and codes == []


TRACED = ("from aws_lambda_powertools import Tracer\n\ntracer = Tracer(service='orders')\n\n"
          "@tracer.capture_lambda_handler\ndef handler(e, c):\n    return 1\n")


def test_tracer_without_the_tracer_extra(tmp_path: Path) -> None:
    codes, ok = _build(tmp_path, ["aws-lambda-powertools"], TRACED)
    assert not ok and codes == ["LPK-005"]


def test_tracer_with_the_tracer_extra(tmp_path: Path) -> None:
    codes, ok = _build(tmp_path, ["aws-lambda-powertools[tracer]"], TRACED)
    assert ok and codes == []
