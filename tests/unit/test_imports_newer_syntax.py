"""Files in a grammar newer than the interpreter running the tool (PEP 758's ``except A,
B:`` of Python 3.14): read for their imports, and a syntax problem only for a function
whose runtime is older than that grammar."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
from test_imports_support import package, write_repo

from validator.pyimports import SourceCache, compute_closure
from validator.pyimports.source import newer_syntax

NEWER = "import json\n\n\ndef parse(raw):\n    try:\n        return json.loads(raw)\n    except ValueError, TypeError:\n        return None\n"
FILES = {"handler.py": "from common.response import parse\n\n\ndef handler(e, c):\n    return parse(e)\n",
         "common/__init__.py": "", "common/response.py": NEWER + "import yaml\n"}

pytestmark = pytest.mark.skipif(sys.version_info >= (3, 14), reason="this interpreter parses PEP 758 itself")


def _error(text: str) -> SyntaxError:
    with pytest.raises(SyntaxError) as exc:
        ast.parse(text)
    return exc.value


def test_unparenthesised_except_is_read_as_python_3_14() -> None:
    fixed, version = newer_syntax(NEWER, _error(NEWER)) or ("", "")
    assert version == "3.14" and "except (ValueError, TypeError):" in fixed
    ast.parse(fixed)


def test_except_with_as_stays_an_error_in_every_version() -> None:
    text = "try:\n    pass\nexcept ValueError, TypeError as exc:\n    pass\n"
    assert newer_syntax(text, _error(text)) is None


def test_other_syntax_errors_are_not_repaired() -> None:
    text = "def f(:\n    pass\n"
    assert newer_syntax(text, _error(text)) is None


@pytest.mark.parametrize(("python", "error"), [
    ("3.14", None), (None, None),
    ("3.12", ("common/response.py", 7, "multiple exception types must be parenthesized "
                                       "(valid from Python 3.14; the function runs python3.12)")),
])
def test_closure_syntax_error_depends_on_the_runtime(tmp_path: Path, python: str | None,
                                                     error: tuple[str, int, str] | None) -> None:
    repo = write_repo(tmp_path, FILES)
    pkg = package({p: p for p in FILES})
    closure = compute_closure(pkg, "handler.handler", repo, SourceCache(), python)
    assert closure.problems == []
    assert [(e.path, e.line, e.message) for e in closure.syntax_errors] == ([error] if error else [])
    assert all(e.cold and e.chain == ["handler", "common.response"] for e in closure.syntax_errors)
    assert [leaf.module for leaf in closure.third_party] == ["yaml"]  # its imports are still read


@pytest.mark.parametrize(("python", "line", "message"), [
    ("3.9", 2, "Pattern matching is only supported in Python 3.10 and greater (Python 3.9)"),
    ("3.10", None, None),
])
def test_older_runtime_grammar(tmp_path: Path, python: str, line: int | None, message: str | None) -> None:
    """A module the host parses but the function's older Python refuses (``match`` before
    3.10), and one that nobody parses, imported inside a function: when it runs."""
    files = {"handler.py": "def handler(e, c):\n    match e:\n        case 1:\n            import broken\n",
             "broken.py": "def f(:\n    pass\n"}
    repo = write_repo(tmp_path, files)
    closure = compute_closure(package({p: p for p in files}), "handler.handler", repo, SourceCache(), python)
    got = [(e.path, e.line, e.message, e.cold) for e in closure.syntax_errors]
    expected = [("broken.py", 1, f"invalid syntax (Python {python})", False)]
    if line is not None:
        expected.insert(0, ("handler.py", line, message, True))
    assert sorted(got) == sorted(expected)
