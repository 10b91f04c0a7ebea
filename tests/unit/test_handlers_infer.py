"""The last-resort handler read from the package tree."""

from __future__ import annotations

from pathlib import Path

from handlers_support import make_repo

from validator.handlers import infer_handler, link_handlers
from validator.model import FileKind, Package, PackageFile, Span


def package(name: str, files: dict[str, str | None], installed: tuple[str, ...] = ()) -> Package:
    pkg = Package(name=name, archive=f"{name}.zip", span=Span("wf.yml", 1, 1, 1, 2))
    for path, source in files.items():
        pkg.files[path] = PackageFile(path, FileKind.SOURCE if source else FileKind.GENERATED, source)
    for path in installed:
        pkg.files[path] = PackageFile(path, FileKind.INSTALLED)
    return pkg


def test_root_entry_module_without_source_uses_the_convention() -> None:
    guess = infer_handler(package("x", {"lambda_function.py": None}))
    assert guess is not None and guess.handler == "lambda_function.lambda_handler"


def test_function_name_is_read_from_the_source(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {
        "src/a/handler.py": "import json\n\ndef handler(event, context):\n    return {}\n",
        "src/b/app.py": "from mangum import Mangum\napp = object()\nhandler = Mangum(app)\n",
        "src/c/main.py": "async def main(evt, ctx):\n    pass\n",
        "src/d/handler.py": "def process(event, context):\n    pass\n",
        "src/e/handler.py": "def helper():\n    pass\n",
    })
    def guess(entry: str, source: str) -> str | None:
        got = infer_handler(package("x", {entry: source}), repo)
        return got.handler if got else None

    assert guess("handler.py", "src/a/handler.py") == "handler.handler"
    assert guess("app.py", "src/b/app.py") == "app.handler"
    assert guess("main.py", "src/c/main.py") == "main.main"
    assert guess("handler.py", "src/d/handler.py") == "handler.process"  # (event, context) signature
    assert guess("handler.py", "src/e/handler.py") is None


def test_root_wins_over_nested(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"h.py": "def lambda_handler(event, context):\n    pass\n"})
    pkg = package("ingestion", {"handler.py": "h.py", "src/lambdas/ingestion/handler.py": "h.py"})
    got = infer_handler(pkg, repo)
    assert got is not None and got.handler == "handler.lambda_handler"


def test_unique_nested_entry_in_dotted_form(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"h.py": "def lambda_handler(event, context):\n    pass\n"})
    pkg = package("ingestion", {
        "src/lambdas/ingestion/handler.py": "h.py",
        "src/lambdas/ingestion/alerting.py": "h.py",
        "src/lambdas/shared/utils.py": "h.py",
        "tests/handler.py": "h.py",
    }, installed=("requests/__init__.py", "yaml/main.py"))
    got = infer_handler(pkg, repo)
    assert got is not None and got.handler == "src.lambdas.ingestion.handler.lambda_handler"


def test_several_nested_entries_prefer_the_folder_named_like_the_package(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"h.py": "def lambda_handler(event, context):\n    pass\n"})
    files: dict[str, str | None] = {"src/lambdas/ingestion/handler.py": "h.py", "src/lambdas/shared/handler.py": "h.py"}
    got = infer_handler(package("ingestion", files), repo)
    assert got is not None and got.handler == "src.lambdas.ingestion.handler.lambda_handler"
    assert infer_handler(package("other", files), repo) is None


def test_nothing_plausible_gives_none() -> None:
    pkg = package("x", {"utils.py": None, "my-lib/handler.py": None}, installed=("boto3/handler.py",))
    assert infer_handler(pkg) is None
    assert link_handlers([pkg], [], []) == [None]


def test_inferred_link_is_marked() -> None:
    (link,) = link_handlers([package("x", {"index.py": None})], [], [])
    assert link is not None
    assert (link.handler, link.how, link.inferred, link.config) == ("index.handler", "inferred", True, None)
    assert "no handler configuration matches" in link.explanation
