"""Realistic benchmark inputs: a large deploy workflow over a Lambda monorepo.

``make_repo(dest, lambdas, modules_per_lambda)`` writes a repository with
``src/lambdas/<name>/`` packages (handler + modules that import each other and the
shared code), ``src/lambdas/shared`` and ``src/lib``, Terraform for every function, and a
``.github/workflows/deploy.yml`` in the style of real deploy pipelines: lint and test
jobs, one packaging block per Lambda (mkdir, cp, pip -t, zip, with `case`, `[[ ]]`,
arrays, heredocs and `${{ }}` around it), artifact upload, and deploy jobs per
environment that push each ZIP to S3 and update the function.
"""

from __future__ import annotations

import argparse
from pathlib import Path

DEFAULT_NAMES = ["ingestion", "analysis", "metrics", "notification", "dashboard"]


def lambda_names(count: int) -> list[str]:
    if count <= len(DEFAULT_NAMES):
        return DEFAULT_NAMES[:count]
    return [f"fn{i:03d}" for i in range(count)]


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def module_source(package: str, index: int, count: int) -> str:
    nxt = (index + 1) % count
    return (
        f'"""Module {index} of {package}."""\n\n'
        "from __future__ import annotations\n\n"
        "import json\nimport logging\nfrom typing import TYPE_CHECKING\n\n"
        f"from {package}.mod{nxt:02d} import helper_{nxt:02d}\n"
        "from src.lib.util00 import util_00\n\n"
        "if TYPE_CHECKING:\n    from collections.abc import Mapping\n\n"
        "logger = logging.getLogger(__name__)\n\n\n"
        f"def helper_{index:02d}(event: dict) -> str:\n"
        f"    return json.dumps({{'m': {index}, 'u': util_00(), 'n': helper_{nxt:02d}.__name__}})\n"
    )


def make_repo(dest: Path, lambdas: int = 5, modules: int = 30, shared: int = 20, lib: int = 30,
              pad_steps: int = 0) -> Path:
    names = lambda_names(lambdas)
    for i in range(lib):
        write(dest / f"src/lib/util{i:02d}.py", f"def util_{i:02d}() -> int:\n    return {i}\n")
    write(dest / "src/lib/__init__.py", "")
    for i in range(shared):
        write(dest / f"src/lambdas/shared/common{i:02d}.py",
              f"from src.lib.util{i % lib:02d} import util_{i % lib:02d}\n\n\ndef common_{i:02d}():\n"
              f"    return util_{i % lib:02d}()\n")
    write(dest / "src/__init__.py", "")
    write(dest / "src/lambdas/__init__.py", "")
    write(dest / "src/lambdas/shared/__init__.py", "")
    for name in names:
        package = f"src.lambdas.{name}"
        for i in range(modules):
            write(dest / f"src/lambdas/{name}/mod{i:02d}.py", module_source(package, i, modules))
        write(dest / f"src/lambdas/{name}/__init__.py", "")
        write(dest / f"src/lambdas/{name}/handler.py",
              f"import os\n\nimport boto3\n\nfrom {package}.mod00 import helper_00\n"
              "from src.lambdas.shared.common00 import common_00\n\n\n"
              "def lambda_handler(event, context):\n    return {'ok': helper_00(event), 'c': common_00()}\n")
        write(dest / f"src/lambdas/{name}/requirements.txt", "requests==2.32.3\npydantic==2.9.2\n")
    tf = []
    for name in names:
        tf.append(
            f'resource "aws_lambda_function" "{name}" {{\n'
            f'  function_name = "${{var.env}}-{name}"\n'
            f'  handler       = "src.lambdas.{name}.handler.lambda_handler"\n'
            '  runtime       = "python3.12"\n'
            '  s3_bucket     = var.artifact_bucket\n'
            f'  s3_key        = "lambdas/{name}.zip"\n'
            '  role          = aws_iam_role.lambda.arn\n}\n')
    write(dest / "infrastructure/terraform/main.tf",
          'variable "env" {\n  default = "dev"\n}\n\nvariable "artifact_bucket" {}\n\n' + "\n".join(tf))
    write(dest / ".github/workflows/deploy.yml", workflow(names, pad_steps))
    return dest


def build_block(name: str) -> str:
    return f"""      - name: Package {name}
        run: |
          set -euo pipefail
          echo "::group::package {name}"
          BUILD=packages/{name}-build
          rm -rf "$BUILD" && mkdir -p "$BUILD/src/lambdas/{name}" "$BUILD/src/lambdas/shared" "$BUILD/src/lib"
          cp -r src/lambdas/{name}/* "$BUILD/src/lambdas/{name}/"
          cp -r src/lambdas/shared/* "$BUILD/src/lambdas/shared/"
          cp -r src/lib/* "$BUILD/src/lib/"
          cp src/__init__.py "$BUILD/src/" && cp src/lambdas/__init__.py "$BUILD/src/lambdas/"
          if [[ -f src/lambdas/{name}/requirements.txt ]]; then
            pip install -q -r src/lambdas/{name}/requirements.txt -t "$BUILD" \\
              --platform manylinux2014_x86_64 --only-binary=:all: --python-version 3.12
          fi
          case "${{{{ github.ref_name }}}}" in
            main) STAGE=prod ;;
            release/*) STAGE=preprod ;;
            *) STAGE=dev ;;
          esac
          EXTRAS=(--quiet --recurse-paths)
          COUNT=$(( $(find "$BUILD" -name '*.py' | wc -l) + 0 ))
          echo "packaging $COUNT files for $STAGE"
          cat > "$BUILD/BUILD_INFO" <<EOF
          name={name}
          sha=${{{{ github.sha }}}}
          EOF
          (cd "$BUILD" && zip -r "../{name}-${{SHA}}.zip" . -x '*.pyc' -x '__pycache__/*')
          ls -la packages/
          echo "::endgroup::"
"""


def deploy_job(env: str, names: list[str]) -> str:
    steps = []
    for name in names:
        steps.append(f"""      - name: Upload {name} ({env})
        working-directory: packages
        run: |
          aws s3 cp "{name}-${{SHA}}.zip" "s3://${{{{ vars.ARTIFACT_BUCKET }}}}/lambdas/{name}.zip"
          aws lambda update-function-code --function-name "{env}-{name}" \\
            --s3-bucket "${{{{ vars.ARTIFACT_BUCKET }}}}" --s3-key "lambdas/{name}.zip" --publish >/dev/null
          aws lambda wait function-updated --function-name "{env}-{name}"
          echo "deployed {name} to {env}"
""")
    return f"""  deploy-{env}:
    needs: [build{', deploy-' + ('dev' if env == 'preprod' else 'preprod') if env != 'dev' else ''}]
    runs-on: ubuntu-latest
    environment: {env}
    env:
      SHA: ${{{{ needs.build.outputs.sha }}}}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/download-artifact@v4
        with:
          name: lambda-packages
          path: packages
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: ${{{{ secrets.DEPLOY_ROLE }}}}
          aws-region: eu-west-1
{''.join(steps)}      - name: Terraform apply
        working-directory: infrastructure/terraform
        run: |
          terraform init -input=false -backend-config="key={env}/terraform.tfstate"
          terraform apply -input=false -auto-approve -var "env={env}"
      - name: Smoke test
        run: |
          for fn in {' '.join(names)}; do
            out=$(aws lambda invoke --function-name "{env}-$fn" --payload '{{}}' /tmp/out.json)
            if [[ "$out" == *FunctionError* ]]; then echo "$fn failed"; exit 1; fi
          done
"""


def padding_steps(count: int) -> str:
    out = []
    for i in range(count):
        out.append(f"""      - name: Report {i}
        if: always()
        run: |
          # collect diagnostics {i}
          echo "run ${{{{ github.run_id }}}} attempt ${{{{ github.run_attempt }}}}"
          if [ -d reports ]; then
            find reports -name '*.xml' | sort | head -n 20
          fi
          declare -A seen=([a]=1 [b]=2)
          echo "${{#seen[@]}} keys"
""")
    return "".join(out)


def workflow(names: list[str], pad_steps: int) -> str:
    builds = "".join(build_block(n) for n in names)
    return f"""name: deploy

on:
  push:
    branches: [main, "release/**"]
  workflow_dispatch:

permissions:
  id-token: write
  contents: read

env:
  PYTHON_VERSION: "3.12"

jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: ${{{{ env.PYTHON_VERSION }}}}
      - run: pip install ruff mypy
      - run: ruff check src && mypy src
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: ${{{{ env.PYTHON_VERSION }}}}
      - run: |
          pip install -r requirements-dev.txt
          pytest -q --junitxml=reports/junit.xml
{padding_steps(pad_steps // 2)}
  build:
    needs: [lint, test]
    runs-on: ubuntu-latest
    outputs:
      sha: ${{{{ steps.sha.outputs.sha }}}}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: ${{{{ env.PYTHON_VERSION }}}}
      - id: sha
        run: |
          SHA=$(git rev-parse --short HEAD)
          echo "sha=$SHA" >> "$GITHUB_OUTPUT"
          echo "SHA=$SHA" >> "$GITHUB_ENV"
{builds}      - uses: actions/upload-artifact@v4
        with:
          name: lambda-packages
          path: packages/*.zip
{padding_steps(pad_steps - pad_steps // 2)}
{deploy_job('dev', names)}
{deploy_job('preprod', names)}
{deploy_job('prod', names)}"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dest", type=Path)
    ap.add_argument("--lambdas", type=int, default=5)
    ap.add_argument("--modules", type=int, default=30)
    ap.add_argument("--pad-steps", type=int, default=30)
    a = ap.parse_args()
    make_repo(a.dest, a.lambdas, a.modules, pad_steps=a.pad_steps)
    lines = (a.dest / ".github/workflows/deploy.yml").read_text().count("\n")
    files = sum(1 for _ in a.dest.rglob("*.py"))
    print(f"{a.dest}: workflow {lines} lines, {files} Python files")


if __name__ == "__main__":
    main()
