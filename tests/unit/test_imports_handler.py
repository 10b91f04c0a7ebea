"""Handler strings, the handler function, and files that cannot be parsed."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_imports_support import closure_of, package, write_repo

from validator.pyimports import SourceCache, compute_closure, parse_handler


@pytest.mark.parametrize(
    ("handler", "parsed"),
    [
        ("handler.lambda_handler", ("handler", "lambda_handler")),
        ("src/lambdas/x/handler.main", ("src.lambdas.x.handler", "main")),
        ("src/pkg.mod.fn", ("src.pkg.mod", "fn")),
        ("lambda_handler", None),
        ("handler.", None),
        (".fn", None),
        ("a..b.fn", None),
    ],
)
def test_parse_handler(handler: str, parsed: tuple[str, str] | None) -> None:
    assert parse_handler(handler) == parsed


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("def main(e, c):\n    return 1\n", True),
        ("async def main(e, c):\n    return 1\n", True),
        ("from app import create\nmain = create()\n", True),
        ("from mangum import Mangum\nfrom app import api\nmain = Mangum(api)\n", True),
        ("from impl import handle as main\n", True),
        ("class main:\n    pass\n", True),
        ("try:\n    from fast import main\nexcept ImportError:\n    from slow import main\n", True),
        ("def __getattr__(name):\n    return lambda e, c: 1\n", True),
        ("def other(e, c):\n    return 1\n", False),
        ("def outer():\n    def main(e, c):\n        return 1\n", False),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from x import main\n", False),
        ("from impl import *\n", None),
    ],
)
def test_handler_function(tmp_path: Path, text: str, found: bool | None) -> None:
    c = closure_of(tmp_path, {"handler.py": text}, {"handler.py": "handler.py"}, "handler.main")
    assert c.handler_file == "handler.py"
    assert c.handler_function_found is found


def test_handler_module_missing(tmp_path: Path) -> None:
    c = closure_of(tmp_path, {"src/handler.py": "def main(e, c):\n    return 1\n"},
                   {"handler.py": "src/handler.py"}, "src/handler.main")
    assert (c.handler_module, c.handler_file, c.handler_function_found) == ("src.handler", None, None)


def test_malformed_handler(tmp_path: Path) -> None:
    c = closure_of(tmp_path, {"handler.py": ""}, {"handler.py": "handler.py"}, "lambda_handler")
    assert c.handler_file is None and c.handler_function_found is None


def test_handler_in_package_init(tmp_path: Path) -> None:
    files = {"app/__init__.py": "from .core import main\n", "app/core.py": "def main(e, c):\n    return 1\n"}
    c = closure_of(tmp_path, files, {p: p for p in files}, "app.main")
    assert c.handler_file == "app/__init__.py" and c.handler_function_found is True
    assert c.modules["app.core"] == "app/core.py"


def test_handler_with_unknown_content(tmp_path: Path) -> None:
    c = closure_of(tmp_path, {}, {"handler.py": None}, "handler.main")
    assert c.handler_file == "handler.py" and c.handler_function_found is None


def test_syntax_error_in_handler_is_a_problem(tmp_path: Path) -> None:
    c = closure_of(tmp_path, {"handler.py": "def main(e, c)\n    return 1\n"}, {"handler.py": "handler.py"},
                   "handler.main")
    assert c.handler_function_found is None
    assert len(c.problems) == 1 and "handler.py:1" in c.problems[0]


def test_syntax_error_in_reached_module_is_a_problem(tmp_path: Path) -> None:
    files = {"handler.py": "import broken\ndef main(e, c):\n    return 1\n", "broken.py": "print 'py2'\n"}
    c = closure_of(tmp_path, files, {p: p for p in files}, "handler.main")
    assert c.handler_function_found is True
    assert len(c.problems) == 1 and "broken.py" in c.problems[0]


def test_binary_and_undecodable_sources(tmp_path: Path) -> None:
    repo = write_repo(tmp_path, {"handler.py": "import blob\nimport latin\ndef main(e, c):\n    return 1\n"})
    (tmp_path / "blob.py").write_bytes(b"\0\1\2")
    (tmp_path / "latin.py").write_bytes(b"x = '\xe9'\n")
    repo = type(repo).open(tmp_path)
    pkg = package({"handler.py": "handler.py", "blob.py": "blob.py", "latin.py": "latin.py"})
    c = compute_closure(pkg, "handler.main", repo, SourceCache())
    assert len(c.problems) == 1 and "binary" in c.problems[0]
    assert c.modules["latin"] == "latin.py"


def test_cache_parses_each_file_once(tmp_path: Path) -> None:
    repo = write_repo(tmp_path, {"handler.py": "import os\ndef main(e, c):\n    return 1\n"})
    cache = SourceCache()
    first = cache.get(repo, "handler.py")
    assert first is not None and cache.get(repo, "handler.py") is first
    assert cache.get(repo, "missing.py") is None
    assert cache.problem(repo, "missing.py")
