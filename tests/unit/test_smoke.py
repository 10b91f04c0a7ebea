"""``validate-imports smoke``: the handler imported in an isolated process, as Lambda would."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from archive_support import make_zip, zip_tree

from validator.cli import main


@pytest.fixture(autouse=True)
def own_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every temporary folder smoke makes goes under this test's tmp, so it can be seen removed."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    yield scratch
    assert list(scratch.iterdir()) == [], "smoke left its temporary folder behind"


def smoke(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    code = main(["smoke", *argv, "--format", "json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, json.loads(out)


def one(tmp_path: Path, files: dict[str, str | bytes], capsys, *extra: str, handler: str = "handler.main"):
    pkg = make_zip(tmp_path / "pkg.zip", files)
    code, doc = smoke([str(pkg), "--handler", handler, "--root", str(tmp_path), *extra], capsys)
    return code, doc["results"][0]


OK = "def main(event, context):\n    return 1\n"


def test_a_clean_import_is_exit_0(tmp_path: Path, capsys):
    code, result = one(tmp_path, {"handler.py": "import json\n" + OK}, capsys)
    assert code == 0 and result["status"] == "ok"


def test_missing_third_party_module(tmp_path: Path, capsys):
    code, result = one(tmp_path, {"handler.py": "import os\nimport httpx\n" + OK}, capsys)
    assert code == 1
    assert result["error_type"] == "Runtime.ImportModuleError"
    assert result["message"] == "Unable to import module 'handler': No module named 'httpx'"
    assert result["frame"] == {"path": "pkg.zip!/handler.py", "line": 2, "function": "<module>",
                               "text": "import httpx"}


def test_nothing_of_this_environment_leaks_in(tmp_path: Path, capsys):
    """rich and ruamel are installed next to the tool, not in the package."""
    code, result = one(tmp_path, {"handler.py": "import rich\n" + OK}, capsys)
    assert code == 1 and result["message"].endswith("No module named 'rich'")
    code, result = one(tmp_path, {"handler.py": "import validator\n" + OK}, capsys)
    assert code == 1 and result["message"].endswith("No module named 'validator'")


def test_bundled_dependency(tmp_path: Path, capsys, tinydep_tree: Path):
    build = tmp_path / "build"
    shutil.copytree(tinydep_tree, build)
    (build / "handler.py").write_text("import tinydep\nassert tinydep.VALUE == 42\n" + OK)
    pkg = zip_tree(tmp_path / "dist" / "pkg.zip", build)
    code, doc = smoke([str(pkg), "--handler", "handler.main", "--root", str(tmp_path)], capsys)
    assert code == 0, doc


def test_handler_not_found(tmp_path: Path, capsys):
    code, result = one(tmp_path, {"handler.py": OK}, capsys, handler="handler.nothere")
    assert code == 1 and result["error_type"] == "Runtime.HandlerNotFound"
    assert result["message"] == "Handler 'nothere' missing on module 'handler'"


def test_an_import_that_raises(tmp_path: Path, capsys):
    code, result = one(tmp_path, {"handler.py": "import os\nTABLE = os.environ['ORDERS_TABLE']\n" + OK}, capsys)
    assert code == 1 and result["error_type"] == "KeyError" and result["message"] == "'ORDERS_TABLE'"
    assert result["frame"]["line"] == 2
    code, result = one(tmp_path, {"handler.py": "import os\nTABLE = os.environ['ORDERS_TABLE']\n" + OK}, capsys,
                       "--env", "ORDERS_TABLE=orders")
    assert code == 0


def test_syntax_error(tmp_path: Path, capsys):
    code, result = one(tmp_path, {"handler.py": "def main(event, context)\n    return 1\n"}, capsys)
    assert code == 1 and result["error_type"] == "Runtime.UserCodeSyntaxError"
    assert result["message"].startswith("Syntax error in module 'handler': ")
    assert "(handler.py, line 1)" in result["message"]


def test_nested_handler_and_a_flat_folder(tmp_path: Path, capsys):
    build = tmp_path / "build"
    (build / "src" / "app").mkdir(parents=True)
    (build / "src" / "app" / "handler.py").write_text("from src.app import util\n" + OK)
    (build / "src" / "app" / "util.py").write_text("X = 1\n")
    code, doc = smoke([str(build), "--handler", "src.app.handler.main", "--root", str(tmp_path)], capsys)
    assert code == 0, doc


def test_layer_provides_a_module(tmp_path: Path, capsys):
    layer = make_zip(tmp_path / "layer.zip", {"python/shared_tools/__init__.py": "X = 1\n",
                                             f"python/lib/python3.{sys.version_info[1]}/site-packages/sp.py": "Y = 2\n"})
    files = {"handler.py": "import shared_tools, sp\n" + OK}
    code, result = one(tmp_path, files, capsys)
    assert code == 1
    code, result = one(tmp_path, files, capsys, "--layer", str(layer))
    assert code == 0, result


def test_wrong_platform_extension_module(tmp_path: Path, capsys):
    code, result = one(tmp_path, {"handler.py": "import fast\n" + OK, "fast.cpython-311-darwin.so": b"\xcf\xfa\xed\xfe"},
                       capsys)
    assert code == 1 and result["message"] == "Unable to import module 'handler': No module named 'fast'"


def test_runtime_modules_are_recorded_not_checked(tmp_path: Path, capsys):
    files = {"handler.py": "import boto3\nfrom botocore.exceptions import ClientError\n"
                           "s3 = boto3.client('s3')\nclass Mine(ClientError):\n    pass\n" + OK}
    code, result = one(tmp_path, files, capsys)
    assert code == 0, result
    assert result["runtime_modules"] == ["boto3", "botocore"]


def test_exit_fork_hang_and_output_are_stopped(tmp_path: Path, capsys):
    code, result = one(tmp_path, {"handler.py": "import sys\nsys.exit(3)\n"}, capsys)
    assert code == 1 and result["error_type"] == "Runtime.ExitError" and "sys.exit(3)" in result["message"]
    code, result = one(tmp_path, {"handler.py": "import os\nos._exit(4)\n"}, capsys)
    assert code == 1 and "exit status 4" in result["message"]
    code, result = one(tmp_path, {"handler.py": "import time\nwhile True:\n    time.sleep(0.05)\n"}, capsys,
                       "--timeout", "1")
    assert code == 1 and result["error_type"] == "Task timed out"
    forked = "import os, time\nif os.fork() == 0:\n    time.sleep(600)\n    os._exit(0)\n" + OK
    code, result = one(tmp_path, {"handler.py": forked}, capsys)
    assert code == 0 and any("still running" in n for n in result["notes"])
    code, result = one(tmp_path, {"handler.py": "import sys\nwhile True:\n    sys.stdout.write('x' * 65536)\n"},
                       capsys)
    assert code == 1 and result["error_type"] == "Output limit"
    assert len(result["stdout"]) <= 64 * 1024


def test_memory_limit(tmp_path: Path, capsys):
    code, result = one(tmp_path, {"handler.py": "blob = bytearray(2 * 1024 ** 3)\n" + OK}, capsys,
                       "--memory", "256")
    assert code == 1 and result["error_type"] == "MemoryError"


def test_version_note(tmp_path: Path, capsys):
    other = "python3.9" if sys.version_info[:2] != (3, 9) else "python3.12"
    code, result = one(tmp_path, {"handler.py": OK}, capsys, "--runtime", other)
    assert code == 0 and any(f"the function runs {other}" in n for n in result["notes"])


def test_handler_from_configuration_and_text_output(tmp_path: Path, capsys):
    (tmp_path / ".git").mkdir()
    (tmp_path / "template.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n"
        "  Orders:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: dist/orders.zip\n"
        "      Handler: app.main\n      Runtime: python3.12\n"
        "      Environment:\n        Variables:\n          ORDERS_TABLE: orders\n")
    pkg = make_zip(tmp_path / "dist" / "orders.zip",
                   {"app.py": "import os\nTABLE = os.environ['ORDERS_TABLE']\n" + OK})
    code = main(["smoke", str(pkg), "--root", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "dist/orders.zip: handler app.main (" in out and "template.yaml" in out


@pytest.mark.parametrize("files", [{"../evil.py": "x"}, {"/abs.py": "x"}])
def test_unsafe_archives_are_never_extracted(tmp_path: Path, capsys, files):
    pkg = make_zip(tmp_path / "pkg.zip", files)
    code, doc = smoke([str(pkg), "--handler", "handler.main", "--root", str(tmp_path)], capsys)
    assert code == 2 and "zip-slip" in doc["results"][0]["message"]
    assert not (tmp_path / "evil.py").exists()


def test_not_a_zip_and_no_handler(tmp_path: Path, capsys):
    bad = tmp_path / "pkg.zip"
    bad.write_text("no")
    code, doc = smoke([str(bad), "--handler", "handler.main", "--root", str(tmp_path)], capsys)
    assert code == 2 and "not a ZIP archive" in doc["results"][0]["message"]
    pkg = make_zip(tmp_path / "fn.zip", {"handler.py": OK})
    code, doc = smoke([str(pkg), "--root", str(tmp_path)], capsys)
    assert code == 2 and "pass --handler" in doc["results"][0]["message"]
    assert main(["smoke", str(pkg), "--env", "NOEQUALS"]) == 2


def test_ctrl_c_kills_the_import_and_removes_the_folder(tmp_path: Path, own_tmp: Path):
    import os
    import signal
    import subprocess
    import time

    pkg = make_zip(tmp_path / "pkg.zip", {"handler.py": "import time\ntime.sleep(600)\n"})
    env = {**os.environ, "TMPDIR": str(own_tmp)}
    proc = subprocess.Popen([sys.executable, "-m", "validator", "smoke", str(pkg), "--handler", "handler.main",
                             "--root", str(tmp_path)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for _ in range(1000):  # until the package is extracted and its import has started
            if list(own_tmp.glob("*/task/handler.py")):
                break
            time.sleep(0.01)
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130 and b"interrupted" in err


def test_with_runtime_modules_imports_them_from_this_environment(tmp_path: Path, capsys):
    """Nothing here installs boto3, so importing it for real fails the way a missing module does."""
    pytest.importorskip("validator")  # the tool itself; boto3 is deliberately not a dependency
    try:
        import boto3  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("boto3 is installed here")
    code, result = one(tmp_path, {"handler.py": "import boto3\n" + OK}, capsys, "--with-runtime-modules")
    assert code == 1 and result["message"].endswith("No module named 'boto3'")
    assert result["runtime_modules"] == []
