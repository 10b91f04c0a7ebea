"""Commands whose outputs exist but cannot be listed: a copy from them is unknown (never
"missing"), and an archive zipped from them is incomplete."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_simulate_support import files, package, run

SRC = {"src/api/handler.py": "def lambda_handler(e, c):\n    return 1\n", "go/main.go": "package main\n",
       "web/package.json": "{}\n"}


@pytest.mark.parametrize("make, copy", [
    ("cd web && npm ci && cd ..", "cp -r web/node_modules/lib build/"),
    ("cargo build --release", "cp target/release/tool build/"),
    ("cargo lambda build --release", "cp -r target/lambda/tool build/"),
    ("mkdir vendor && tar -xzf deps.tgz -C vendor", "cp -r vendor/pkg build/"),
    ("unzip -q layer.zip -d extracted", "cp -r extracted/python build/"),
    ("git clone https://example.invalid/org/shared-lib.git", "cp -r shared-lib/src build/"),
    ("python -m venv .venv", "cp -r .venv/lib/python3.12/site-packages/x build/"),
    ("dotnet publish -c Release -o out", "cp -r out/* build/"),
])
def test_copy_from_an_unlisted_output_is_unknown_not_missing(tmp_path: Path, make: str, copy: str) -> None:
    script = f"mkdir -p build\ncp src/api/handler.py build/\n{make}\n{copy}\ncd build && zip -qr ../api.zip ."
    r = run(tmp_path, SRC, script)
    assert not [c.failed for c in r.copies if c.failed], make
    pkg = package(r, "api")
    assert "build/" not in pkg.files and "handler.py" in pkg.files
    assert "cannot list" in pkg.incomplete, (make, pkg.incomplete)


def test_a_download_is_a_file_of_unknown_content(tmp_path: Path) -> None:
    for fetch in ("curl -sSL -o tool.bin https://example.invalid/tool", "wget -q -O tool.bin https://example.invalid/t",
                  "curl -sSLO https://example.invalid/dl/tool.bin?x=1"):
        r = run(tmp_path / str(len(fetch)), SRC, f"mkdir -p build\n{fetch}\ncp tool.bin build/\nzip -qr api.zip build")
        assert package(r, "api").files["build/tool.bin"].kind.value == "generated", fetch
        assert not [c for c in r.copies if c.failed]


def test_go_build_makes_the_binary_named_after_the_folder(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, "cd go && go build && zip fn.zip go")
    assert files(r, "fn") == ["go"]
    assert not r.unmodelled
    named = run(tmp_path / "mod", {**SRC, "go/go.mod": "module github.com/acme/stats_etl\n\ngo 1.22\n"},
                "cd go && go build && zip fn.zip stats_etl")
    assert files(named, "fn") == ["stats_etl"]


def test_a_zip_of_an_unknown_folder_is_an_archive_of_unknown_content(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, "cd web && npm install && cd .. && zip -qr web.zip web/node_modules")
    pkg = package(r, "web")
    assert pkg.files == {} and "npm install" in pkg.incomplete


def test_other_forms_stay_unknown_commands(tmp_path: Path) -> None:
    """`tar -czf` and `npm run build` are not modelled: they may write into a zipped folder,
    which makes its archive incomplete."""
    for command in ("tar -czf build/x.tgz src", "npm run build -- --out build/"):
        r = run(tmp_path / str(len(command)), SRC, f"mkdir -p build\ncp src/api/handler.py build/\n{command}\n"
                                                    "cd build && zip -qr ../api.zip .")
        assert "not modelled" in package(r, "api").incomplete, command


def test_an_extraction_into_the_checkout_keeps_the_repository_known(tmp_path: Path) -> None:
    """``unzip awscliv2.zip`` at the workspace root (the AWS CLI install): a later copy of a
    folder the repository lacks still fails."""
    r = run(tmp_path, SRC, "curl -sSo awscliv2.zip https://example.invalid/cli.zip\nunzip -q awscliv2.zip\n"
                           "mkdir -p build\ncp -r src/apii build/\ncd build && zip -qr ../api.zip .")
    assert [c.failed for c in r.copies] == ["missing-source"]
