"""Literal sys.path additions become extra search roots."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from test_imports_support import closure_of

from validator.pyimports.pathexpr import PathValue, evaluate, to_archive_dir

SHARED = {"shared/util.py": "VALUE = 1\n", "lib/dep.py": "import util\n"}


def handler_with(setup: str) -> dict[str, str]:
    return {"app/handler.py": f"import os, sys\nfrom pathlib import Path\n{setup}\nimport util\n\ndef main(e, c):\n    return 1\n",
            **SHARED}


@pytest.mark.parametrize(
    ("setup", "root"),
    [
        ("sys.path.append('./shared')", "shared"),
        ("sys.path.append('shared')", "shared"),
        ("sys.path.insert(0, '/var/task/shared')", "shared"),
        ("sys.path.append(os.path.join(os.path.dirname(__file__), '..', 'shared'))", "shared"),
        ("sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'shared'))", "app/shared"),
        ("sys.path.append(str(Path(__file__).parent / 'shared'))", "app/shared"),
        ("sys.path.append(str(Path(__file__).resolve().parents[1] / 'shared'))", "shared"),
        ("HERE = os.path.dirname(__file__)\nsys.path.append(os.path.join(HERE, 'shared'))", "app/shared"),
        ("sys.path.append(f'{os.environ[\"LAMBDA_TASK_ROOT\"]}/shared')", "shared"),
        ("sys.path.extend(['shared', '/opt/python'])", "shared"),
    ],
)
def test_forms(tmp_path: Path, setup: str, root: str) -> None:
    files = handler_with(setup)
    layout: dict[str, str | None] = {"app/handler.py": "app/handler.py", f"{root}/util.py": "shared/util.py"}
    c = closure_of(tmp_path, files, layout, "app.handler.main")
    assert c.extra_roots == [root]
    assert c.unresolved == [] and c.third_party == []
    assert c.modules["util"] == f"{root}/util.py"


def test_additions_from_reached_modules_apply(tmp_path: Path) -> None:
    files = {
        "handler.py": "import bootstrap_paths\nimport dep\n\ndef main(e, c):\n    return 1\n",
        "bootstrap_paths.py": "import sys\nsys.path.append('lib')\n",
        **SHARED,
        "lib/util.py": "",
    }
    layout: dict[str, str | None] = {"handler.py": "handler.py", "bootstrap_paths.py": "bootstrap_paths.py",
                                     "lib/dep.py": "lib/dep.py"}
    c = closure_of(tmp_path, files, layout, "handler.main")
    assert c.extra_roots == ["lib"]
    # lib/dep.py imports util, which sits beside it in the repository but is not packaged
    assert [(u.module, u.repo_path) for u in c.unresolved] == [("util", "lib/util.py")]
    assert c.unresolved[0].chain == ["handler", "dep"]


def test_addition_outside_the_archive_is_ignored(tmp_path: Path) -> None:
    files = {"handler.py": "import sys, os\nsys.path.append(os.path.dirname(os.path.dirname(__file__)))\n"
                           "def main(e, c):\n    return 1\n"}
    c = closure_of(tmp_path, files, {"handler.py": "handler.py"}, "handler.main")
    assert c.extra_roots == []


def test_non_literal_addition_is_ignored(tmp_path: Path) -> None:
    files = {"handler.py": "import sys, os\nsys.path.append(os.environ['EXTRA'])\ndef main(e, c):\n    return 1\n"}
    c = closure_of(tmp_path, files, {"handler.py": "handler.py"}, "handler.main")
    assert c.extra_roots == []


def _eval(expr: str) -> PathValue | None:
    return evaluate(ast.parse(expr, mode="eval").body, {})


def test_evaluate_and_place() -> None:
    value = _eval("os.path.realpath(os.path.join(os.path.dirname(__file__), 'vendor'))")
    assert value == PathValue("file", ("..", "vendor"))
    assert to_archive_dir(value, "src/app/handler.py") == "src/app/vendor"
    assert to_archive_dir(PathValue("root", ("a", "..", "b")), "x.py") == "b"
    assert _eval("'/opt/python'") is None
    assert _eval("os.getcwd()") == PathValue("root")
    assert _eval("os.path.dirname(__file__) + '/lib'") == PathValue("file", ("..", "lib"))
    assert _eval("x" + " + 'a'" * 200) is None  # deep expressions give up, never recurse without bound
