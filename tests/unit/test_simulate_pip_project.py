"""``pip install . -t DIR``: the local project's own modules land in the target as pip
builds them, so a later copy into them (or an import of them) is not "missing"."""

from __future__ import annotations

from pathlib import Path

from test_simulate_support import files, package, run

SRC_LAYOUT = {
    "pyproject.toml": '[project]\nname = "tours"\ndependencies = ["httpx>=0.27", "pydantic"]\n',
    "src/tours/__init__.py": "",
    "src/tours/handlers/api.py": "def handler(e, c):\n    return 1\n",
    "src/tours/handlers/__init__.py": "",
    "tests/test_api.py": "",
}
BUILD = "mkdir -p build/pkg dist\npip install . -t build/pkg/\n{extra}cd build/pkg && zip -qr ../../dist/tours.zip ."


def test_src_layout_project_is_installed_with_its_package(tmp_path: Path) -> None:
    r = run(tmp_path, SRC_LAYOUT, BUILD.format(extra="cp -r src/tours/* build/pkg/tours/\n"))
    assert files(r, "tours") == ["tours/__init__.py", "tours/handlers/__init__.py", "tours/handlers/api.py"]
    assert not [c for c in r.copies if c.failed]
    [install] = package(r, "tours").pip_installs
    assert install.requirements == [".", "httpx>=0.27", "pydantic"]


def test_flat_layout_skips_tests_and_setup(tmp_path: Path) -> None:
    flat = {"setup.py": "from setuptools import setup\nsetup()\n", "app/__init__.py": "", "app/main.py": "",
            "tests/__init__.py": "", "tests/test_main.py": "", "worker.py": ""}
    r = run(tmp_path, flat, BUILD.format(extra=""))
    assert files(r, "tours") == ["app/__init__.py", "app/main.py", "worker.py"]


def test_folder_that_is_no_project_installs_nothing_of_its_own(tmp_path: Path) -> None:
    r = run(tmp_path, {"lib/x.py": "", "app.py": ""}, "mkdir -p build\npip install ./lib -t build\n"
                                                        "cp app.py build/\ncd build && zip -qr ../tours.zip .")
    assert files(r, "tours") == ["app.py"]


def test_requirement_names_that_start_like_urls_are_distributions(tmp_path: Path) -> None:
    r = run(tmp_path, {"app.py": ""}, "mkdir -p build\npip install httpx http-ece -t build\n"
                                      "cp app.py build/\ncd build && zip -qr ../api.zip .")
    pkg = package(r, "api")
    assert [f for f, v in pkg.files.items() if v.kind.value == "installed"] == ["http_ece/", "httpx/"]
