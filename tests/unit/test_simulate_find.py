"""``find … -exec``/``-delete`` and ``… | xargs`` run their commands through the normal
dispatch; what stays unmodelled and feeds a zipped folder marks the package incomplete."""

from __future__ import annotations

from pathlib import Path

from test_simulate_support import files, package, run

from validator.simulate import findexpr

SRC = ["src/__init__.py", "src/api/__init__.py", "src/api/handler.py", "src/core/models.py",
       "src/tests/test_models.py", "src/api/__pycache__/handler.cpython-312.pyc"]
ZIP = "\ncd build/api && zip -qr ../api.zip ."


def test_exec_cp_parents_per_match(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, "mkdir -p build/api\n"
                           "find src -name '*.py' -not -path '*/tests/*' -exec cp --parents {} build/api/ \\;" + ZIP)
    assert files(r, "api") == ["src/__init__.py", "src/api/__init__.py", "src/api/handler.py", "src/core/models.py"]
    assert all(c.command == "cp" and not c.failed for c in r.copies)
    assert not package(r, "api").incomplete


def test_exec_plus_batches_and_delete(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, "mkdir -p build/api && cp -r src build/api/\n"
                           "find build -type d -name __pycache__ -exec rm -rf {} +\n"
                           "find build/api -path '*/tests/*' -delete" + ZIP)
    assert files(r, "api") == ["src/__init__.py", "src/api/__init__.py", "src/api/handler.py", "src/core/models.py"]


def test_xargs_runs_per_item(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, "mkdir -p build/api\n"
                           "find src -name '*.py' | grep -v tests | xargs -I{} cp --parents {} build/api/\n"
                           "find src/api -maxdepth 1 -name '*.py' | xargs cp -t build/api" + ZIP)
    # a three-command pipeline is not evaluated; the two-command one is
    assert files(r, "api") == ["__init__.py", "handler.py"]
    assert package(r, "api").incomplete  # the unmodelled xargs names build/api


def test_unmodelled_find_exec_into_zipped_folder_is_incomplete(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, "mkdir -p build/api\nfind src -newer src/__init__.py -exec cp {} build/api/ \\;" + ZIP)
    pkg = package(r, "api") if r.packages else None
    assert pkg is None or pkg.incomplete
    assert any("build/api" in u.reason for u in r.unmodelled)


def test_find_that_only_prints_changes_nothing(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, "mkdir -p build/api && cp src/api/handler.py build/api/\nfind build -type f" + ZIP)
    assert files(r, "api") == ["handler.py"]
    assert r.unmodelled == []


def test_parse_subset() -> None:
    spec = findexpr.parse(["src", "(", "-name", "*.py", "-o", "-name", "*.txt", ")", "!", "-path", "*/x/*",
                           "-exec", "cp", "{}", "b/", ";"])
    assert spec is not None and spec.roots == ["src"] and [a.kind for a in spec.actions] == ["exec"]
    assert findexpr.parse(["src", "-size", "+1k"]) is None
    assert findexpr.parse(["src", "-exec", "cp", "{}", "b/"]) is None  # unterminated


WORKFLOW = """name: p
on: push
jobs:
  zip:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: |
          mkdir -p build/api
          find src -newer src/__init__.py -exec cp --parents {} build/api/ \\;
          cd build/api && zip -r ../api.zip .
      - run: aws lambda update-function-code --function-name api --zip-file fileb://build/api.zip
"""


def test_incomplete_package_gets_lpk000_not_absence_errors(tmp_path: Path) -> None:
    from validator import DockerImportValidator

    for rel in SRC:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("from src.core import models\n" if rel.endswith("handler.py") else "")
    (tmp_path / ".github/workflows").mkdir(parents=True)
    (tmp_path / ".github/workflows/p.yml").write_text(WORKFLOW)
    (tmp_path / "serverless.yml").write_text("service: s\nprovider:\n  name: aws\n  runtime: python3.12\n"
                                             "functions:\n  api:\n    handler: src/api/handler.handle\n")
    (tmp_path / "src/api/handler.py").write_text("from src.core import models\ndef handle(e, c):\n    pass\n")
    result = DockerImportValidator().validate(tmp_path)
    codes = sorted({f.id for f in result.findings})
    assert codes == ["LPK-000"], [f.message for f in result.findings]
