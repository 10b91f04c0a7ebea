"""Imports that may not run: TYPE_CHECKING, functions, try/except chains, version switches."""

from __future__ import annotations

from pathlib import Path

from test_imports_support import closure_of, leaf_modules, unresolved_modules

from validator.model import ImportClosure

HANDLER = "handler.main"


def run(tmp_path: Path, handler_text: str, extra: dict[str, str] | None = None,
        packaged: tuple[str, ...] = ()) -> ImportClosure:
    files = {"handler.py": handler_text, "shared/util.py": "", "shared/__init__.py": "", **(extra or {})}
    layout: dict[str, str | None] = {"handler.py": "handler.py", **{p: p for p in packaged}}
    return closure_of(tmp_path, files, layout, HANDLER)


def test_type_checking_imports_are_skipped(tmp_path: Path) -> None:
    text = (
        "from typing import TYPE_CHECKING\nimport typing\n"
        "if TYPE_CHECKING:\n    from shared.util import X\n"
        "if typing.TYPE_CHECKING:\n    import mypy_boto3_s3\n"
        "def main(e, c):\n    return 1\n"
    )
    c = run(tmp_path, text)
    assert c.unresolved == [] and c.third_party == []


def test_type_checking_else_branch_runs(tmp_path: Path) -> None:
    text = "if TYPE_CHECKING:\n    pass\nelse:\n    from shared.util import X\ndef main(e, c):\n    return 1\n"
    assert unresolved_modules(run(tmp_path, text)) == ["shared"]


def test_main_guard_is_skipped(tmp_path: Path) -> None:
    text = "def main(e, c):\n    return 1\n\nif __name__ == '__main__':\n    from shared.util import run_locally\n"
    assert run(tmp_path, text).unresolved == []


def test_function_level_imports_are_reported(tmp_path: Path) -> None:
    text = "def main(e, c):\n    from shared.util import x\n    return x\n"
    c = run(tmp_path, text)
    (u,) = c.unresolved
    assert u.site.in_function is True
    assert u.site.line == 2


def test_method_and_lambda_imports_are_in_function(tmp_path: Path) -> None:
    text = (
        "import importlib\n"
        "class H:\n    def run(self):\n        import shared.util\n"
        "load = lambda: importlib.import_module('yaml')\n"
        "def main(e, c):\n    return 1\n"
    )
    c = run(tmp_path, text)
    assert [u.site.in_function for u in c.unresolved] == [True]
    assert [leaf.site.in_function for leaf in c.third_party] == [True]


def test_try_fallback_that_resolves_is_fine(tmp_path: Path) -> None:
    text = (
        "try:\n    from src.shared.util import x\nexcept ImportError:\n    from shared.util import x\n"
        "def main(e, c):\n    return x\n"
    )
    c = run(tmp_path, text, extra={"src/shared/util.py": ""}, packaged=("shared/__init__.py", "shared/util.py"))
    assert c.unresolved == []
    assert "shared.util" in c.modules


def test_try_first_branch_resolves(tmp_path: Path) -> None:
    text = (
        "try:\n    from shared.util import x\nexcept ModuleNotFoundError:\n    from util import x\n"
        "def main(e, c):\n    return x\n"
    )
    c = run(tmp_path, text, extra={"util.py": ""}, packaged=("shared/__init__.py", "shared/util.py"))
    assert c.unresolved == []


def test_try_chain_where_nothing_resolves_reports_first_branch(tmp_path: Path) -> None:
    text = (
        "try:\n    from src.shared.util import x\nexcept (ImportError, KeyError):\n    from shared.util import x\n"
        "def main(e, c):\n    return x\n"
    )
    c = run(tmp_path, text, extra={"src/shared/util.py": ""})
    (u,) = c.unresolved
    assert u.site.module == "src.shared.util"
    assert u.site.alternatives == ("from shared.util import x",)
    assert u.site.optional is False


def test_relative_then_absolute_fallback(tmp_path: Path) -> None:
    """A common idiom for code run both as a package and flat."""
    text = "try:\n    from .helpers import h\nexcept ImportError:\n    from helpers import h\ndef main(e, c):\n    return h\n"
    c = run(tmp_path, text, extra={"helpers.py": ""}, packaged=("helpers.py",))
    assert c.unresolved == []


def test_except_branch_without_imports_makes_optional(tmp_path: Path) -> None:
    text = (
        "import logging\n"
        "try:\n    import sentry_sdk\n    from shared.util import tracing\nexcept ImportError:\n"
        "    sentry_sdk = None\n    logging.warning('no sentry')\n"
        "def main(e, c):\n    return 1\n"
    )
    c = run(tmp_path, text)
    assert c.unresolved == []
    (leaf,) = c.third_party
    assert leaf.module == "sentry_sdk" and leaf.site.optional is True


def test_except_pass_makes_optional(tmp_path: Path) -> None:
    text = "try:\n    import shared.util\nexcept Exception:\n    pass\ndef main(e, c):\n    return 1\n"
    assert run(tmp_path, text).unresolved == []


def test_except_that_raises_is_not_a_fallback(tmp_path: Path) -> None:
    text = (
        "try:\n    import shared.util\nexcept ImportError as exc:\n    raise RuntimeError('install') from exc\n"
        "def main(e, c):\n    return 1\n"
    )
    assert unresolved_modules(run(tmp_path, text)) == ["shared"]


def test_other_exceptions_do_not_guard(tmp_path: Path) -> None:
    text = "try:\n    import shared.util\nexcept KeyError:\n    pass\ndef main(e, c):\n    return 1\n"
    assert unresolved_modules(run(tmp_path, text)) == ["shared"]


def test_modules_reached_only_optionally_are_optional(tmp_path: Path) -> None:
    text = "try:\n    import plugins\nexcept ImportError:\n    plugins = None\ndef main(e, c):\n    return 1\n"
    extra = {"plugins.py": "import shared.util\nimport ujson\n"}
    c = run(tmp_path, text, extra=extra, packaged=("plugins.py",))
    assert c.unresolved == []
    assert [(leaf.module, leaf.site.optional) for leaf in c.third_party] == [("ujson", True)]


def test_module_reached_optionally_then_required_is_checked(tmp_path: Path) -> None:
    text = (
        "try:\n    import plugins\nexcept ImportError:\n    plugins = None\n"
        "import core\n"
        "def main(e, c):\n    return 1\n"
    )
    extra = {"plugins.py": "import shared.util\n", "core.py": "import plugins\n"}
    c = run(tmp_path, text, extra=extra, packaged=("plugins.py", "core.py"))
    (u,) = c.unresolved
    assert u.chain == ["handler", "core", "plugins"]


def test_version_switch_accepts_either_branch(tmp_path: Path) -> None:
    text = (
        "import sys\n"
        "if sys.version_info >= (3, 11):\n    import tomllib\nelse:\n    import tomli as tomllib\n"
        "if sys.version_info < (3, 8):\n    import importlib_metadata\n"
        "def main(e, c):\n    return 1\n"
    )
    c = run(tmp_path, text)
    assert c.unresolved == []
    assert all(leaf.site.optional for leaf in c.third_party)


def test_other_conditions_are_checked_normally(tmp_path: Path) -> None:
    text = "import os\nif os.environ.get('X'):\n    import shared.util\ndef main(e, c):\n    return 1\n"
    assert unresolved_modules(run(tmp_path, text)) == ["shared"]


def test_contextlib_suppress_makes_optional(tmp_path: Path) -> None:
    text = (
        "import contextlib\nwith contextlib.suppress(ImportError):\n    import shared.util\n"
        "def main(e, c):\n    return 1\n"
    )
    assert run(tmp_path, text).unresolved == []


def test_third_party_fallback_to_stdlib(tmp_path: Path) -> None:
    text = "try:\n    import ujson as json\nexcept ImportError:\n    import json\ndef main(e, c):\n    return 1\n"
    c = run(tmp_path, text)
    assert leaf_modules(c) == {"ujson": None}
    assert c.third_party[0].site.optional is True
    assert c.third_party[0].site.alternatives == ("import json",)
