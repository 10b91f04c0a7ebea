"""LPK-009 shadowed-module: the findings on small repositories, their messages against the error
lines the real runtime interface client printed (``preimported.json``), and the import
semantics the rule rests on, checked with the real interpreters found here."""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from validator.engine import analyze
from validator.model.dists import preimported, shadow_breaks, stdlib_names

DATA = Path(__file__).resolve().parents[2] / "validator" / "model" / "data" / "preimported.json"


def repo(tmp_path: Path, files: dict[str, str], handler: str = "handler.lambda_handler",
         runtime: str | None = "python3.11", script: str = "") -> Path:
    """One function: ``src/fn/*`` copied flat into the ZIP (plus ``script`` lines)."""
    runtime_line = f'  runtime       = "{runtime}"\n' if runtime else ""
    tf = ('resource "aws_lambda_function" "fn" {\n  function_name = "fn"\n  filename      = "dist/fn.zip"\n'
          f'  handler       = "{handler}"\n{runtime_line}}}\n')
    body = textwrap.indent(textwrap.dedent(f"""\
        set -euo pipefail
        mkdir -p build dist
        cp -r src/fn/* build/
        {script}
        cd build && zip -qr ../dist/fn.zip .
        """), " " * 10)
    workflow = ("name: deploy\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - uses: actions/checkout@v4\n      - run: |\n" + body)
    everything = {".github/workflows/deploy.yml": workflow, "infra/main.tf": tf,
                  **{f"src/fn/{k}": textwrap.dedent(v) for k, v in files.items()}}
    for rel, text in everything.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


def findings(root: Path, code: str | None = None) -> list:
    return [f for f in analyze(root=root).findings if code is None or f.code == code]


def one(root: Path) -> tuple[str, str]:
    found = findings(root)
    assert len(found) == 1, [(f.code, f.message) for f in found]
    return found[0].severity.value, found[0].message


HANDLER = "def lambda_handler(event, context):\n    return 1\n"


# --------------------------------------------------------------------------- handlers


def _recorded() -> dict[str, str]:
    """handler -> the error line every measured (Python, awslambdaric) pair printed."""
    errors = json.loads(DATA.read_text(encoding="utf-8"))["handler_errors"]
    lines = {json.dumps(v, sort_keys=True) for v in errors.values()}
    assert len(lines) == 1, "the client printed different lines on different versions"
    recorded: dict[str, str] = json.loads(lines.pop())
    return recorded


@pytest.mark.parametrize("handler,files", [
    ("json.handler", {"json.py": "def handler(event, context):\n    return 1\n"}),
    ("logging.handler", {"logging.py": "def handler(event, context):\n    return 1\n"}),
    ("time.handler", {"time.py": "def handler(event, context):\n    return 1\n"}),
    ("sys.lambda_handler", {"sys.py": HANDLER}),
    ("logging.handler.main", {"logging/__init__.py": "", "logging/handler.py": "def main(event, context):\n    return 1\n"}),
    ("os.sub.handler", {"os/__init__.py": "", "os/sub.py": "def handler(event, context):\n    return 1\n"}),
])
def test_handler_message_is_the_clients_own_line(tmp_path: Path, handler: str, files: dict[str, str]) -> None:
    severity, message = one(repo(tmp_path, files, handler=handler))
    assert severity == "error"
    assert f"({_recorded()[handler]})" in message


def test_handler_module_the_runtime_has_not_imported_is_imported(tmp_path: Path) -> None:
    # the client imported the task root's csv.py for csv.handler: only the shadowing is reported
    assert _recorded()["csv.handler"] == "imports the task root's csv.py"
    severity, message = one(repo(tmp_path, {"csv.py": "def handler(event, context):\n    return 1\n"},
                                 handler="csv.handler"))
    assert severity == "warning" and "csv.py at the ZIP root shadows the standard library's csv" in message


def test_handler_pre_imported_on_one_version_only(tmp_path: Path) -> None:
    files = {"queue.py": HANDLER}
    assert "queue" in preimported("3.12").always and "queue" not in preimported("3.11").always | preimported("3.11").maybe
    severity, message = one(repo(tmp_path / "a", files, handler="queue.lambda_handler", runtime="python3.12"))
    assert severity == "error" and "Handler 'lambda_handler' missing on module 'queue'" in message
    severity, message = one(repo(tmp_path / "b", files, handler="queue.lambda_handler", runtime="python3.11"))
    assert severity == "warning" and "shadows the standard library's queue" in message
    severity, message = one(repo(tmp_path / "c", files, handler="queue.lambda_handler", runtime=None))
    assert severity == "warning" and "the function's runtime is not known" in message


# --------------------------------------------------------------------------- a pre-imported name


LOGGER = """\
    def get_logger(name):
        return name

    def info(message):
        return message
    """


def test_from_import_of_a_name_only_the_root_file_defines(tmp_path: Path) -> None:
    root = repo(tmp_path, {"logging.py": LOGGER, "handler.py": "from logging import get_logger\n" + HANDLER})
    severity, message = one(root)
    assert severity == "error"
    assert "logging.py at the ZIP root is never imported" in message
    assert "cannot import name 'get_logger' from 'logging'" in message


def test_names_both_define_and_attributes_only_the_file_has_are_warnings(tmp_path: Path) -> None:
    severity, message = one(repo(tmp_path / "a", {"logging.py": LOGGER, "handler.py": "from logging import info\n" + HANDLER}))
    assert severity == "warning" and "gets the standard library's info, not the root file's" in message
    code = "import logging\n\ndef lambda_handler(event, context):\n    return logging.get_logger('x')\n"
    severity, message = one(repo(tmp_path / "b", {"logging.py": LOGGER, "handler.py": code}))
    assert severity == "warning" and "handler.py:4 uses logging.get_logger" in message and "AttributeError" in message


def test_quiet_when_the_code_means_the_standard_library(tmp_path: Path) -> None:
    code = "import logging\nfrom logging import getLogger\n\nlog = logging.getLogger(__name__)\n" + HANDLER
    assert findings(repo(tmp_path, {"logging.py": LOGGER, "handler.py": code})) == []


def test_optional_import_is_no_error(tmp_path: Path) -> None:
    code = "try:\n    from logging import get_logger\nexcept ImportError:\n    get_logger = None\n" + HANDLER
    severity, _message = one(repo(tmp_path, {"logging.py": LOGGER, "handler.py": code}))
    assert severity == "warning"


# --------------------------------------------------------------------------- shadowing the standard library


def test_from_import_the_root_file_lacks(tmp_path: Path) -> None:
    files = {"csv.py": "def to_csv(rows):\n    return ''\n", "handler.py": "from csv import DictReader\n" + HANDLER}
    severity, message = one(repo(tmp_path / "a", files))
    assert severity == "error" and "it defines no DictReader" in message
    # names made at run time cannot be listed: only the shadowing is reported
    files["csv.py"] = "globals().update(DictReader=dict)\n"
    severity, message = one(repo(tmp_path / "b", files))
    assert severity == "warning" and "shadows the standard library's csv for every module" in message


def test_submodule_of_a_shadowed_package_is_one_finding(tmp_path: Path) -> None:
    files = {"email.py": "def send(to):\n    return to\n", "handler.py": "import email.mime.text\n" + HANDLER}
    found = findings(repo(tmp_path, files))
    assert [(f.code, f.severity.value) for f in found] == [("LPK-009", "error")]
    assert "No module named 'email.mime'; 'email' is not a package" in found[0].message


def test_module_nothing_measured_breaks_is_a_warning(tmp_path: Path) -> None:
    files = {"typing.py": "Any = object\n", "handler.py": "from typing import Any\n" + HANDLER}
    severity, message = one(repo(tmp_path, files))
    assert severity == "warning" and "installed libraries that import typing get this file" in message


def test_nested_module_named_like_the_standard_library_is_quiet(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/email.py": "def send(to):\n    return to\n",
             "app/logging.py": LOGGER,
             "handler.py": "import urllib.request\nfrom app.logging import get_logger\nfrom app import email\n" + HANDLER}
    assert findings(repo(tmp_path, files)) == []


# --------------------------------------------------------------------------- installed modules, namespaces


def test_root_module_an_install_provides(tmp_path: Path) -> None:
    files = {"requests.py": "def fetch(url):\n    return url\n", "handler.py": "import requests\n" + HANDLER}
    severity, message = one(repo(tmp_path, files, script="pip install requests -t build/"))
    assert severity == "warning" and "installs the distribution requests, which provides requests too" in message


def test_regular_package_hides_a_layers_portion(tmp_path: Path) -> None:
    files = {"google/__init__.py": "", "google/sheets.py": "X = 1\n",
             "handler.py": "from google.protobuf import json_format\nfrom google.sheets import X\n" + HANDLER}
    found = findings(repo(tmp_path, files))
    assert [(f.code, f.severity.value) for f in found] == [("LPK-009", "error")]
    assert "makes google a regular package" in found[0].message


def test_namespace_joining_init_is_quiet(tmp_path: Path) -> None:
    files = {"google/__init__.py": "__path__ = __import__('pkgutil').extend_path(__path__, __name__)\n",
             "handler.py": "from google.protobuf import json_format\n" + HANDLER}
    assert [f.code for f in findings(repo(tmp_path, files))] == ["LPK-001"]  # missing, not hidden


def test_module_file_hides_an_installed_portion(tmp_path: Path) -> None:
    files = {"google.py": "def post(text):\n    return text\n",
             "handler.py": "from google.protobuf import timestamp_pb2\n" + HANDLER}
    severity, message = one(repo(tmp_path, files, script="pip install protobuf -t build/"))
    assert severity == "error" and "'google' is not a package" in message


# --------------------------------------------------------------------------- the semantics, for real


def _interpreters() -> list[str]:
    """This interpreter and the CPython 3.9-3.13 builds found under ~/.pyenv or on PATH that run."""
    found = {os.path.realpath(sys.executable)}
    for version in ("3.9", "3.10", "3.11", "3.12", "3.13"):
        candidates = glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python{version}"))
        exe = shutil.which(f"python{version}")
        for path in candidates + ([exe] if exe else []):
            ok = subprocess.run([path, "-c", "pass"], capture_output=True).returncode == 0
            if ok:
                found.add(os.path.realpath(path))
                break
    return sorted(found)


PROBE = textwrap.dedent("""\
    import sys
    first, second = sys.argv[1], sys.argv[2]
    sys.path[:0] = [first, second]
    import requests
    print(requests.WHO)
    import google
    print(google.WHO)
    try:
        import google.protobuf
        print("imported")
    except ImportError as exc:
        print(exc)
    import acme
    try:
        import acme.portion
        print("imported")
    except ImportError as exc:
        print(exc)
    """)


@pytest.mark.parametrize("python", _interpreters())
def test_path_finder_precedence(tmp_path: Path, python: str) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for path, text in {"first/requests/__init__.py": "WHO = 'package'", "first/requests.py": "WHO = 'file'",
                       "first/google.py": "WHO = 'file'", "first/google/protobuf/__init__.py": "",
                       "first/acme/__init__.py": "", "second/acme/portion/__init__.py": ""}.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    out = subprocess.run([python, "-I", "-c", PROBE, str(first), str(second)], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out == [
        "package",  # a package directory wins over a module file in the same folder
        "file",  # a module file wins over a namespace folder in the same folder
        "No module named 'google.protobuf'; 'google' is not a package",
        "No module named 'acme.portion'",  # a regular package hides portions in later entries
    ]


def test_measured_standard_library_failure_is_real(tmp_path: Path) -> None:
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    expected = shadow_breaks("urllib.request", "email", version)
    assert expected is not None
    (tmp_path / "email.py").write_text("def send(to):\n    return to\n")
    code = ("import sys, json, logging, os, re, traceback, warnings\nsys.path.insert(0, sys.argv[1])\n"
            "try:\n    import urllib.request\nexcept ImportError as e:\n    print(f'{type(e).__name__}: {e}')\n")
    out = subprocess.run([sys.executable, "-I", "-c", code, str(tmp_path)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == expected


def test_pre_imported_names_are_the_interpreters() -> None:
    import logging

    names = stdlib_names("logging")
    assert names is not None and {"getLogger", "Handler", "handlers"} <= names and "get_logger" not in names
    assert set(dir(logging)) <= names


# --------------------------------------------------------------------------- a namespace across the ZIP and a layer


NAMESPACE_FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "shadow-installed" / "repo"


@pytest.mark.parametrize("regular", [True, False], ids=["regular-package", "namespace"])
def test_namespace_split_between_the_zip_and_a_layer(tmp_path: Path, regular: bool) -> None:
    """billing's ``acme/`` at the ZIP root and the attached layer's ``python/acme/common``: with
    ``acme/__init__.py`` the root package hides the layer's portion (LPK-009, and the real
    import fails); without it the namespace joins both (quiet, and the real import works)."""
    from harness.realbuild import Function, real_build, tools_missing

    root = tmp_path / "repo"
    shutil.copytree(NAMESPACE_FIXTURE, root)
    if not regular:
        (root / "src/billing/acme/__init__.py").unlink()
    billing = [f for f in findings(root) if f.package == "billing"]
    assert [(f.code, f.severity.value) for f in billing] == ([("LPK-009", "error")] if regular else [])
    if tools_missing():
        pytest.skip("bash or zip missing")
    real = real_build(root, {"dist/billing.zip": "handler.lambda_handler"},
                      functions={"dist/billing.zip": Function(layers=["dist/acme-common-layer.zip"])})
    verdict = real.handlers["dist/billing.zip=handler.lambda_handler"]
    assert verdict == ("Runtime.ImportModuleError: No module named 'acme.common'" if regular else "OK")
