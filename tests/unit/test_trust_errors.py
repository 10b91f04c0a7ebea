"""An error only where the deploy really breaks: a failing copy is LPK-004 only when it
feeds a Lambda package and its failure stops the step (``set -e`` on, status untested)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from validator.engine import analyze

TF = textwrap.dedent("""\
    resource "aws_lambda_function" "api" {
      function_name = "api"
      filename      = "dist/api.zip"
      handler       = "handler.lambda_handler"
      runtime       = "python3.12"
    }
    """)
HANDLER = "def lambda_handler(event, context):\n    return 1\n"


def repo(tmp_path: Path, script: str, files: dict[str, str] | None = None, tf: bool = True) -> Path:
    body = textwrap.indent(textwrap.dedent(script).strip("\n"), " " * 10)
    workflow = ("name: deploy\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - uses: actions/checkout@v4\n      - run: |\n" + body + "\n")
    everything = {".github/workflows/deploy.yml": workflow, "src/api/handler.py": HANDLER, **(files or {})}
    if tf:
        everything["infra/main.tf"] = TF
    for rel, text in everything.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


def codes(root: Path) -> list[tuple[str, str | None]]:
    return [(f.code, f.package) for f in analyze(root=root).findings]


def test_copy_of_build_outputs_in_a_workflow_that_packages_nothing(tmp_path: Path) -> None:
    root = repo(tmp_path, """
        cargo build --release
        mkdir -p dist
        cp target/release/tool dist/tool
        mv target/debug/tool target/debug/tool-baseline
        tar czf dist/tool.tar.gz -C dist tool
        """, tf=False)
    assert codes(root) == []


def test_failing_copy_into_a_deployed_package_stops_the_step(tmp_path: Path) -> None:
    root = repo(tmp_path, """
        mkdir -p build dist
        cp -r src/apii/* build/
        cd build && zip -qr ../dist/api.zip .
        """)
    assert codes(root) == [("LPK-004", "api")]


def test_tolerated_failure_is_not_an_error(tmp_path: Path) -> None:
    root = repo(tmp_path, """
        mkdir -p build dist
        cp -r src/api/* build/
        cp -r src/api/templates build/ 2>/dev/null || true
        if cp src/api/extra.py build/; then echo copied; fi
        cd build && zip -qr ../dist/api.zip .
        """)
    assert codes(root) == []


def test_copy_in_a_script_without_errexit_does_not_stop_it(tmp_path: Path) -> None:
    root = repo(tmp_path, "bash scripts/package.sh\n", files={"scripts/package.sh": textwrap.dedent("""\
        mkdir -p build dist
        cp -r src/api/* build/
        cp -r src/api/templates build/
        cd build && zip -qr ../dist/api.zip .
        """)})
    assert codes(root) == []


def test_find_exec_into_a_missing_folder_exits_zero(tmp_path: Path) -> None:
    root = repo(tmp_path, """
        mkdir -p build dist
        cp -r src/api/* build/
        find src/api -name '*.txt' -exec cp {} build/missing/ \\;
        cd build && zip -qr ../dist/api.zip .
        """, files={"src/api/notes.txt": "x\n"})
    assert codes(root) == []


def test_tolerated_failure_that_leaves_the_handler_out_is_reported_on_the_package(tmp_path: Path) -> None:
    root = repo(tmp_path, """
        mkdir -p build dist
        cp src/api/handlr.py build/ || echo "no handler"
        touch build/VERSION
        cd build && zip -qr ../dist/api.zip .
        """)
    assert codes(root) == [("LPK-002", "api")]


def test_zip_of_a_site_is_not_a_lambda_package(tmp_path: Path) -> None:
    root = repo(tmp_path, "zip -r site.zip site\naws s3 cp site.zip s3://bucket/site.zip\n",
                files={"site/index.html": "<html></html>\n"}, tf=False)
    result = analyze(root=root)
    assert (result.findings, result.packages) == ([], [])


def test_no_warning_about_a_job_that_packages_nothing(tmp_path: Path) -> None:
    """A `cd` into a folder a frontend job creates with npm is unknown there, but that job
    builds no Lambda package: no LPK-000 for it, while the packaging job is still checked."""
    workflow = textwrap.dedent("""\
        name: ci
        on: push
        jobs:
          site:
            runs-on: ubuntu-latest
            steps:
              - run: |
                  cd frontend-build
                  ./node_modules/.bin/wrangler deploy
          package:
            runs-on: ubuntu-latest
            steps:
              - run: |
                  mkdir -p build dist
                  cp -r src/api/* build/
                  ./tools/unknown-writer build/
                  cd build && zip -qr ../dist/api.zip .
        """)
    root = repo(tmp_path, "true\n", files={".github/workflows/deploy.yml": workflow})
    found = [(f.code, f.span.line) for f in analyze(root=root).findings]
    assert found == [("LPK-000", 16)]


def test_archives_with_one_file_name_are_linked_by_path_and_function_name(tmp_path: Path) -> None:
    """``alpha/code.zip`` and ``beta/code.zip``, each deployed to an ARN whose environment is
    an expression: each package gets its own function's handler (no false LPK-002)."""
    tf = textwrap.dedent("""\
        resource "aws_lambda_function" "alpha" {
          function_name = "${var.team}-${var.project}-alpha-processor-${var.environment}"
          filename      = "placeholder.zip"
          handler       = "lambda_function.lambda_handler"
          runtime       = "python3.13"
        }
        resource "aws_lambda_function" "beta" {
          function_name = "${var.team}-${var.project}-beta-${var.environment}"
          filename      = "placeholder.zip"
          handler       = "callback_function.lambda_handler"
          runtime       = "python3.13"
        }
        """)
    script = """
        cd alpha && zip -r code.zip ./*.py && cd ..
        aws lambda update-function-code --function-name arn:aws:lambda:eu-west-2:${{ secrets.ACCOUNT }}:function:acme-comms-alpha-processor-${{ inputs.environment }} --zip-file fileb://alpha/code.zip
        cd beta && zip -r code.zip ./*.py && cd ..
        aws lambda update-function-code --function-name arn:aws:lambda:eu-west-2:${{ secrets.ACCOUNT }}:function:acme-comms-beta-${{ inputs.environment }} --zip-file fileb://beta/code.zip
        """
    root = repo(tmp_path, script, tf=False, files={
        "infra/main.tf": tf, "alpha/lambda_function.py": HANDLER, "beta/callback_function.py": HANDLER})
    result = analyze(root=root)
    links = {r.package.archive: r.link.handler for r in result.packages if r.link}
    assert links == {"alpha/code.zip": "lambda_function.lambda_handler",
                     "beta/code.zip": "callback_function.lambda_handler"}
    assert result.findings == []


SAM = textwrap.dedent("""\
    AWSTemplateFormatVersion: '2010-09-09'
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Trading:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: src/trading/
          Handler: app.lambda_handler
          Runtime: python3.12
    """)


def test_a_template_no_workflow_deploys_is_not_checked_on_its_own(tmp_path: Path) -> None:
    files = {"template.yaml": SAM, "src/trading/main.py": HANDLER}
    stale = repo(tmp_path / "stale", "docker build -t trading src/trading\n", files=files, tf=False)
    assert codes(stale) == []
    deployed = repo(tmp_path / "deployed", "sam build\nsam deploy --no-confirm-changeset\n", files=files, tf=False)
    assert codes(deployed) == [("LPK-002", "Trading")]


def test_a_go_function_gets_no_python_findings(tmp_path: Path) -> None:
    root = repo(tmp_path, """
        cd fn && go build && zip fn.zip fn
        aws lambda update-function-code --function-name fn --zip-file fileb://fn.zip
        """, files={"fn/main.go": "package main\n"}, tf=False)
    result = analyze(root=root)
    assert (result.findings, result.packages) == ([], [])
    assert result.out_of_scope == ["fn/fn.zip"]


def test_modules_a_layer_may_provide_are_one_warning_for_the_package(tmp_path: Path) -> None:
    tf = TF.replace('  runtime       = "python3.12"\n', '  runtime       = "python3.12"\n  layers        = [var.deps_layer_arn]\n')
    handler = "import jwt\nimport requests\n\n\ndef lambda_handler(event, context):\n    return 1\n"
    root = repo(tmp_path, """
        mkdir -p build dist
        cp -r src/api/* build/
        cd build && zip -qr ../dist/api.zip .
        """, files={"infra/main.tf": tf, "src/api/handler.py": handler}, tf=False)
    [finding] = analyze(root=root).findings
    assert (finding.code, finding.severity.value, finding.package) == ("LPK-005", "warning", "api")
    assert "2 third-party modules (jwt, requests)" in finding.message
    assert "layers (${var.deps_layer_arn})" in finding.message


def test_a_finding_shown_fixable_is_one_fix_can_apply(tmp_path: Path) -> None:
    """A fix that edits a file --fix cannot write (one the workflow generates, a binary)
    becomes a stated 'by hand' note; a fix of a repository text file stays a fix."""
    from validator.engine import only_fixable_in_repository
    from validator.model import Applicability, Edit, Finding, Fix, Severity, Span
    from validator.model.repo import Repo

    (tmp_path / "requirements.txt").write_text("boto3\n")
    (tmp_path / "blob.bin").write_bytes(b"\0\1")
    repo = Repo.open(tmp_path)
    span = Span(".github/workflows/deploy.yml", 3, 1, 3, 5)

    def fix(path: str) -> Finding:
        return Finding("LPK-005", "m", span, Severity.ERROR,
                       fix=Fix(f"Add httpx to {path}", [Edit(path, 0, 0, "httpx\n")], Applicability.UNSAFE))

    in_repo, generated, binary = fix("requirements.txt"), fix("build/requirements.txt"), fix("blob.bin")
    only_fixable_in_repository([in_repo, generated, binary], repo)
    assert in_repo.fix is not None and generated.fix is None and binary.fix is None
    assert generated.fix_declined == ("--fix cannot edit build/requirements.txt (not a file of the repository); "
                                      "by hand: add httpx to build/requirements.txt")
    assert binary.fix_declined is not None and "blob.bin" in binary.fix_declined


def test_a_layer_published_inside_a_command_substitution_is_deployed(tmp_path: Path) -> None:
    """`VERSION=$(aws lambda publish-layer-version --zip-file …)` publishes the layer: a copy
    that fails in the step before leaves that layer without its library (the bug of a real
    repository, reduced)."""
    workflow = textwrap.dedent("""\
        name: layer
        on: push
        jobs:
          layer:
            runs-on: ubuntu-latest
            steps:
              - run: mkdir -p python/lib/python3.13/site-packages
              - run: cp -r mylib python/lib/python3.13/site-packages/
              - run: zip -r mylib-layer.zip python/
              - run: |
                  VERSION=$(aws lambda publish-layer-version --layer-name mylib \\
                    --zip-file fileb://mylib-layer.zip --query Version --output text)
                  echo "published $VERSION"
        """)
    root = repo(tmp_path, "true\n", files={".github/workflows/deploy.yml": workflow, "mylib.py": "X = 1\n"}, tf=False)
    assert codes(root) == [("LPK-004", "mylib-layer")]


def test_a_copy_run_in_the_background_does_not_stop_the_step(tmp_path: Path) -> None:
    root = repo(tmp_path, """
        mkdir -p build dist
        cp -r src/api/* build/
        cp README.md build/ &
        wait
        cd build && zip -qr ../dist/api.zip .
        """)
    assert codes(root) == []


def test_a_wheel_for_another_python_breaks_only_a_required_compiled_part(tmp_path: Path) -> None:
    """PyYAML's C loader is optional (it falls back to pure Python); pydantic-core's is not."""
    def workflow(dist: str) -> str:
        return textwrap.dedent(f"""\
            name: deploy
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/setup-python@v5
                    with:
                      python-version: "3.11"
                  - run: |
                      mkdir -p build dist
                      pip install {dist} -t build
                      cp -r src/api/* build/
                      cd build && zip -qr ../dist/api.zip .
            """)
    handler = "import yaml\nimport pydantic\n\n\ndef lambda_handler(event, context):\n    return 1\n"
    soft = repo(tmp_path / "soft", "true\n", files={".github/workflows/deploy.yml": workflow("pyyaml markupsafe"),
                                                    "src/api/handler.py": handler.replace("import pydantic\n", "")})
    assert [c for c, _ in codes(soft)] == []
    hard = repo(tmp_path / "hard", "true\n", files={".github/workflows/deploy.yml": workflow("pyyaml pydantic"),
                                                    "src/api/handler.py": handler})
    assert [c for c, _ in codes(hard)] == ["LPK-006"]


def test_a_repository_module_that_may_come_another_way_is_not_reported(tmp_path: Path) -> None:
    """`import mylib` with one `lib/python/mylib/` in the repository: not an error when an
    install of unknown content may bring it, or when the handler extends `sys.path`."""
    files = {"lib/python/mylib/__init__.py": "X = 1\n",
             "src/api/handler.py": "import mylib\n\n\ndef lambda_handler(event, context):\n    return mylib.X\n"}
    private = repo(tmp_path / "private", """
        mkdir -p build dist
        pip install --index-url https://pkgs.example.invalid/simple acme-mylib -t build
        cp -r src/api/* build/
        cd build && zip -qr ../dist/api.zip .
        """, files=files)
    assert [f.code for f in analyze(root=private).findings if f.severity.value == "error"] == []
    vendored = {**files, "src/api/vendor/mylib/__init__.py": "X = 1\n",
                "src/api/handler.py": "import os\nimport sys\n\nfor d in ('vendor',):\n"
                                      "    sys.path.insert(0, os.path.join(os.path.dirname(__file__), d))\n"
                                      "import mylib\n\n\ndef lambda_handler(event, context):\n    return mylib.X\n"}
    added = repo(tmp_path / "syspath", """
        mkdir -p build dist
        cp -r src/api/* build/
        cd build && zip -qr ../dist/api.zip .
        """, files=vendored)
    assert [f.code for f in analyze(root=added).findings if f.severity.value == "error"] == []


def test_an_image_copying_what_a_build_script_wrote_is_unknown_not_broken(tmp_path: Path) -> None:
    dockerfile = ("FROM public.ecr.aws/lambda/python:3.12\nCOPY deps/ ${LAMBDA_TASK_ROOT}/\n"
                  "COPY app/ ${LAMBDA_TASK_ROOT}/\nCMD [\"handler.lambda_handler\"]\n")
    root = repo(tmp_path, """
        python3 scripts/vendor.py
        docker build -t acme-fn:latest .
        aws lambda update-function-code --function-name acme-fn --image-uri 1.dkr.ecr.us-east-1.amazonaws.com/acme-fn:latest
        """, files={"Dockerfile": dockerfile, "scripts/vendor.py": ("import subprocess\nsubprocess.check_call(['pip', 'install', "
                                                          "'-r', 'requirements.txt', '-t', 'deps'])\n"),
                    "app/handler.py": HANDLER}, tf=False)
    found = [(f.code, f.severity.value) for f in analyze(root=root).findings]
    assert found == [("LPK-000", "warning")]


def test_deploying_lambda_code_with_nothing_checked_is_never_a_silent_pass(tmp_path: Path) -> None:
    workflow = textwrap.dedent("""\
        name: deploy
        on: push
        jobs:
          deploy:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - uses: serverless/github-action@v3.2
                with:
                  args: deploy
        """)
    root = repo(tmp_path, "true\n", files={".github/workflows/deploy.yml": workflow}, tf=False)
    [finding] = analyze(root=root).findings
    assert (finding.code, finding.severity.value, finding.span.line) == ("LPK-000", "warning", 8)
    assert "deploy Lambda code (1 deployment found) but no package could be checked" in finding.message


IMAGE_WORKFLOW = textwrap.dedent("""\
    name: deploy
    on: push
    jobs:
      deploy:
        runs-on: ubuntu-latest
        steps:
          - uses: actions/checkout@v4
          - id: login-ecr
            uses: aws-actions/amazon-ecr-login@v2
          - id: build-image
            env:
              ECR_REGISTRY: ${{ steps.login-ecr.outputs.registry }}
            run: |
              docker build -f Dockerfile.lambda -t $ECR_REGISTRY/scraper:${{ github.sha }} .
              docker push $ECR_REGISTRY/scraper:${{ github.sha }}
              echo "image=$ECR_REGISTRY/scraper:${{ github.sha }}" >> "$GITHUB_OUTPUT"
          - run: aws lambda update-function-code --function-name scraper --image-uri ${{ steps.build-image.outputs.image }}
    """)
IMAGE_DOCKERFILE = ("FROM public.ecr.aws/lambda/python:3.13\nCOPY requirements.txt .\n"
                    "RUN pip install --no-cache-dir -r requirements.txt\nCOPY app.py ${LAMBDA_TASK_ROOT}/\n"
                    'CMD ["app.handler"]\n')


def test_an_image_deployed_through_a_step_output_is_linked_and_utf16_requirements_are_read(tmp_path: Path) -> None:
    """``--image-uri ${{ steps.build-image.outputs.image }}`` is the tag the step wrote to
    ``$GITHUB_OUTPUT``, which names the image ``docker build -t`` made; its requirements file,
    written by PowerShell's ``>`` as UTF-16 with a byte-order mark, is read as pip reads it."""
    root = repo(tmp_path, "true\n", files={
        ".github/workflows/deploy.yml": IMAGE_WORKFLOW, "Dockerfile.lambda": IMAGE_DOCKERFILE,
        "app.py": "import requests\n\n\ndef handler(event, context):\n    return requests.__name__\n"}, tf=False)
    (root / "requirements.txt").write_bytes("requests==2.32.3\r\n".encode("utf-16"))
    result = analyze(root=root)
    assert [f.code for f in result.findings] == []
    [report] = result.packages
    assert report.package.name == "scraper" and "app.py" in report.package.files
    (root / "requirements.txt").write_bytes("boto3\r\n".encode("utf-16"))
    [finding] = analyze(root=root).findings
    assert (finding.code, finding.severity.value) == ("LPK-005", "error")
    assert "third-party module requests (distribution requests)" in finding.message


def test_repository_name_of_a_reference_with_expression_tags() -> None:
    from validator.model.images import repository_name

    assert repository_name("${{ steps.login-ecr.outputs.registry }}/orders:${{ github.sha }}") == "orders"
    assert repository_name("123.dkr.ecr.eu-west-1.amazonaws.com/orders:${TAG}") == "orders"
    assert repository_name("orders@sha256:abc") == "orders"


def test_an_image_pythonpath_is_an_import_root(tmp_path: Path) -> None:
    """``ENV PYTHONPATH="/var/task/app:${PYTHONPATH}"`` puts ``/var/task/app`` on
    ``sys.path``: ``import lib.store`` finds ``/var/task/app/lib`` (a real repository's
    image, reduced: without the ENV line the import fails, and that is reported)."""
    dockerfile = ("FROM public.ecr.aws/lambda/python:3.12\nWORKDIR /var/task\n"
                  "COPY fn/app/ /var/task/app\nCOPY lib/ /var/task/app/lib\n"
                  'ENV PYTHONPATH="/var/task/app:${PYTHONPATH}"\nCMD ["app.handler.handler"]\n')
    files = {"fn/Dockerfile": dockerfile, "fn/app/__init__.py": "",
             "fn/app/handler.py": "from lib.store import put\n\n\ndef handler(event, context):\n    return put(event)\n",
             "lib/__init__.py": "", "lib/store.py": "def put(item):\n    return item\n"}
    script = ("docker build -f fn/Dockerfile -t 1.dkr.ecr.eu-west-1.amazonaws.com/fn:${{ github.sha }} .\n"
              "aws lambda update-function-code --function-name fn "
              "--image-uri 1.dkr.ecr.eu-west-1.amazonaws.com/fn:${{ github.sha }}\n")
    root = repo(tmp_path, script, files=files, tf=False)
    assert [f.code for f in analyze(root=root).findings] == []
    (root / "fn/Dockerfile").write_text(dockerfile.replace('ENV PYTHONPATH="/var/task/app:${PYTHONPATH}"\n', ""))
    assert [f.code for f in analyze(root=root).findings] == ["LPK-003"]


def test_a_layer_named_after_a_distribution_provides_it(tmp_path: Path) -> None:
    """A public layer ``…:layer:acme-pandas:3`` is there to provide pandas (and numpy, which
    pandas requires): no warning for those; a module nothing names stays a warning."""
    tf = TF.replace('runtime       = "python3.12"', 'runtime       = "python3.12"\n  layers        = '
                    '["arn:aws:lambda:us-east-1:123456789012:layer:acme-pandas:3"]')
    handler = "import numpy\nimport pandas\nimport yaml\n\n\ndef lambda_handler(event, context):\n    return 1\n"
    root = repo(tmp_path, """
        mkdir -p build dist
        cp -r src/api/* build/
        cd build && zip -qr ../dist/api.zip .
        """, files={"infra/main.tf": tf, "src/api/handler.py": handler}, tf=False)
    [finding] = analyze(root=root).findings
    assert (finding.code, finding.severity.value) == ("LPK-005", "warning")
    assert "third-party module yaml (distribution PyYAML)" in finding.message


def test_layer_names() -> None:
    from validator.model.explain import layer_name

    assert layer_name("arn:aws:lambda:us-east-1:1:layer:palpiteiro-pandas:1") == "palpiteiro-pandas"
    assert layer_name("arn:aws:lambda:eu-west-1:770693421928:layer:Klayers-p312-requests:9") == "Klayers-p312-requests"
    assert layer_name("${var.requests_layer_arn}") == "requests_layer_arn"


DISPATCH_WORKFLOW = textwrap.dedent("""\
    name: deploy
    on: push
    jobs:
      build:
        runs-on: ubuntu-latest
        steps:
          - uses: actions/checkout@v4
          - run: echo "VERSION=$(date +%s)" >> $GITHUB_ENV
          - run: |
              mkdir -p dist build/pkg/python
              cp -r app build/pkg/python/
              cd build/pkg && zip -qr "../../dist/app-${VERSION}.zip" . && cd ../..
          - uses: peter-evans/repository-dispatch@v3
            with:
              token: ${{ secrets.PAT }}
              repository: acme/infrastructure
              event-type: lambda-changed
              client-payload: |
                {"version": "${{ env.VERSION }}", "lambda_package": "app-${{ env.VERSION }}.zip",
                 "handlers": {"api": "app.handlers.api.handler", "jobs": "app.handlers.jobs.handler"}}
    """)


def test_handlers_handed_to_another_repository_in_a_dispatch_payload(tmp_path: Path) -> None:
    """The handlers a ``repository_dispatch`` payload hands to the infrastructure repository
    run the archive built under that name: a python/ tree (a layer's layout) is then a
    function whose handlers are not at the ZIP root (a real bug/fix pair, reduced)."""
    files = {".github/workflows/deploy.yml": DISPATCH_WORKFLOW, "app/__init__.py": "",
             "app/handlers/__init__.py": "", "app/handlers/api.py": HANDLER.replace("lambda_handler", "handler"),
             "app/handlers/jobs.py": HANDLER.replace("lambda_handler", "handler")}
    root = repo(tmp_path, "true\n", files=files, tf=False)
    found = [(f.code, f.package) for f in analyze(root=root).findings]
    assert found == [("LPK-002", "pkg")]
    fixed = DISPATCH_WORKFLOW.replace("build/pkg/python", "build/pkg").replace("build/pkg/python/", "build/pkg/")
    (root / ".github/workflows/deploy.yml").write_text(fixed)
    assert [f.code for f in analyze(root=root).findings] == []


def test_uv_sync_makes_a_virtual_environment_of_unknown_content(tmp_path: Path) -> None:
    """``uv sync`` creates the project's ``.venv``: a step whose working-directory is its
    site-packages runs, and what it zips there is unknown, not missing (no LPK-005 about the
    libraries uv installed)."""
    workflow = textwrap.dedent("""\
        name: deploy
        on: push
        jobs:
          deploy:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - uses: astral-sh/setup-uv@v6
              - run: uv sync --frozen --no-dev
                working-directory: api
              - working-directory: api/.venv/lib/python3.12/site-packages
                run: |
                  cp ../../../../*.py .
                  zip -qr ../../../../api.zip .
              - run: aws lambda update-function-code --function-name api --zip-file fileb://api/api.zip
        """)
    files = {".github/workflows/deploy.yml": workflow, "api/pyproject.toml": "[project]\nname = 'api'\n",
             "api/handler.py": "import httpx\n\n\ndef handler(event, context):\n    return httpx.__name__\n"}
    root = repo(tmp_path, "true\n", files=files, tf=False)
    found = [(f.code, f.severity.value) for f in analyze(root=root).findings]
    assert ("LPK-005", "warning") not in found and ("LPK-005", "error") not in found
    assert all(code == "LPK-000" for code, _ in found)
    assert not any("does not exist when this step runs" in f.message for f in analyze(root=root).findings)


def test_a_module_named_like_a_removed_stdlib_module_with_the_runtime_unknown(tmp_path: Path) -> None:
    """``parser`` left the standard library in 3.10: with the runtime unknown, a root
    ``parser.py`` is the package's own module, not a shadowing one."""
    root = repo(tmp_path, """
        mkdir -p build
        cp src/api/*.py build/
        cd build && zip -qr ../api.zip .
        aws lambda update-function-code --function-name api --zip-file fileb://api.zip
        """, files={"src/api/handler.py": "import parser\n\n\ndef lambda_handler(event, context):\n"
                                          "    return parser.parse(event)\n",
                    "src/api/parser.py": "def parse(event):\n    return event\n"}, tf=False)
    assert [f.code for f in analyze(root=root).findings if f.code == "LPK-009"] == []


def test_a_deploy_action_that_packages_itself_is_never_a_silent_pass(tmp_path: Path) -> None:
    workflow = textwrap.dedent("""\
        name: deploy
        on: push
        jobs:
          deploy:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - uses: qubitro/action-lambda-python-zip@v1.0
                with:
                  lambda_function_name: api
        """)
    root = repo(tmp_path, "true\n", files={".github/workflows/deploy.yml": workflow}, tf=False)
    [finding] = analyze(root=root).findings
    assert finding.code == "LPK-000" and "it packages the code itself" in finding.message


def test_an_image_retagged_for_ecr_links_to_a_terraform_function_by_its_tag(tmp_path: Path) -> None:
    """``docker build -t fn`` then ``docker tag fn:latest <ecr>/repo:extract-latest``: the
    image carries that tag too, and ``image_uri = "${var.repository_url}:extract-latest"``
    names it (the repository is a variable, the tag is not)."""
    dockerfile = ('FROM public.ecr.aws/lambda/python:3.12\nCOPY app/ ${LAMBDA_TASK_ROOT}/\n'
                  'CMD ["main.handler"]\n')
    tf = textwrap.dedent("""\
        variable "repository_url" {}

        resource "aws_lambda_function" "extract" {
          function_name = "extract"
          role          = "arn:aws:iam::123456789012:role/extract"
          package_type  = "Image"
          image_uri     = "${var.repository_url}:extract-latest"
        }
        """)
    script = ("docker build -t extract-function -f Dockerfile .\n"
              "docker tag extract-function:latest 1.dkr.ecr.eu-west-2.amazonaws.com/pipeline:extract-latest\n"
              "docker push 1.dkr.ecr.eu-west-2.amazonaws.com/pipeline:extract-latest\n"
              "terraform -chdir=infra apply -auto-approve\n")
    files = {"Dockerfile": dockerfile, "infra/main.tf": tf,
             "app/main.py": "from helpers import clean\n\n\ndef handler(event, context):\n    return clean(event)\n",
             "lib/helpers.py": "def clean(event):\n    return event\n"}
    root = repo(tmp_path, script, files=files, tf=False)
    [finding] = analyze(root=root).findings
    assert (finding.code, finding.package) == ("LPK-001", "extract-function")
    assert "helpers" in finding.message
