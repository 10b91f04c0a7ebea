"""Requirements exported by ``poetry export`` / ``uv export`` or compiled by ``pip-compile``:
the file the command writes holds what the lock (or the input file) says, and a later
``pip install -r`` of it installs that; without a readable lock the content is unknown."""

from __future__ import annotations

import textwrap
from pathlib import Path

from test_simulate_support import package, run

from validator.syntax.lockfiles import read_poetry_lock, read_pyproject, read_uv_lock

INSTALL = "mkdir -p build\n{export}\npip install -r requirements.txt -t build\ncd build && zip -qr ../fn.zip ."

POETRY_LOCK_21 = textwrap.dedent('''
    [[package]]
    name = "requests"
    version = "2.32.3"
    optional = false
    groups = ["main"]

    [package.dependencies]
    idna = ">=2.5"

    [[package]]
    name = "idna"
    version = "3.10"
    optional = false
    groups = ["main"]

    [[package]]
    name = "tabulate"
    version = "0.9.0"
    optional = false
    groups = ["dev"]

    [[package]]
    name = "sphinx"
    version = "8.1.3"
    optional = false
    groups = ["docs"]

    [[package]]
    name = "colorama"
    version = "0.4.6"
    optional = false
    groups = ["main"]
    markers = "sys_platform == \\"win32\\""

    [[package]]
    name = "orjson"
    version = "3.10.15"
    optional = true
    groups = ["main"]

    [extras]
    fast = ["orjson"]

    [metadata]
    lock-version = "2.1"
    ''')

POETRY_PYPROJECT = textwrap.dedent('''
    [tool.poetry]
    name = "fn"
    package-mode = false

    [tool.poetry.dependencies]
    python = "^3.12"
    requests = "^2.32"
    orjson = { version = "^3.10", optional = true }

    [tool.poetry.extras]
    fast = ["orjson"]

    [tool.poetry.group.dev.dependencies]
    tabulate = "*"

    [tool.poetry.group.docs]
    optional = true

    [tool.poetry.group.docs.dependencies]
    sphinx = "*"
    ''')


def exported(tmp_path: Path, files: dict[str, str], export: str, script: str = INSTALL) -> list[str]:
    r = run(tmp_path, files, script.format(export=export))
    [install] = package(r, "fn").pip_installs
    assert not [p for p in install.reqs.problems if p.kind.startswith("unknown")], install.reqs.problems
    return sorted(line.text for line in install.reqs.lines)


def unknown(tmp_path: Path, files: dict[str, str], export: str) -> list[str]:
    r = run(tmp_path, files, INSTALL.format(export=export))
    [install] = package(r, "fn").pip_installs
    return [p.message for p in install.reqs.problems if p.kind == "unknown-content"]


POETRY = {"pyproject.toml": POETRY_PYPROJECT, "poetry.lock": POETRY_LOCK_21}


def test_poetry_exports_the_main_group_by_default(tmp_path: Path) -> None:
    assert exported(tmp_path, POETRY, "poetry export -f requirements.txt -o requirements.txt --without-hashes") == [
        'colorama==0.4.6 ; sys_platform == "win32"', "idna==3.10", "requests==2.32.3"]


def test_poetry_groups_and_extras(tmp_path: Path) -> None:
    assert "tabulate==0.9.0" in exported(tmp_path / "a", POETRY, "poetry export --with dev -o requirements.txt")
    assert exported(tmp_path / "b", POETRY, "poetry export --only docs -o requirements.txt") == ["sphinx==8.1.3"]
    assert "tabulate==0.9.0" not in exported(tmp_path / "c", POETRY,
                                               "poetry export --with dev --without dev -o requirements.txt")
    assert "orjson==3.10.15" in exported(tmp_path / "d", POETRY, "poetry export -E fast -o requirements.txt")
    assert "orjson==3.10.15" not in exported(tmp_path / "e", POETRY, "poetry export -o requirements.txt")


def test_poetry_to_standard_output(tmp_path: Path) -> None:
    assert exported(tmp_path, POETRY, "poetry export --without-hashes > requirements.txt") == [
        'colorama==0.4.6 ; sys_platform == "win32"', "idna==3.10", "requests==2.32.3"]


def test_poetry_lock_format_1_categories(tmp_path: Path) -> None:
    lock = POETRY_LOCK_21.replace('groups = ["main"]', 'category = "main"').replace(
        'groups = ["dev"]', 'category = "dev"').replace('groups = ["docs"]', 'category = "dev"').replace(
        'lock-version = "2.1"', 'lock-version = "1.1"')
    files = {"pyproject.toml": POETRY_PYPROJECT, "poetry.lock": lock}
    assert "tabulate==0.9.0" not in exported(tmp_path / "a", files, "poetry export -o requirements.txt")
    assert "tabulate==0.9.0" in exported(tmp_path / "b", files, "poetry export --with dev -o requirements.txt")


def test_poetry_lock_format_2_0_follows_the_edges_from_pyproject(tmp_path: Path) -> None:
    lock = "\n".join(line for line in POETRY_LOCK_21.splitlines() if not line.startswith("groups"))
    files = {"pyproject.toml": POETRY_PYPROJECT, "poetry.lock": lock.replace('"2.1"', '"2.0"')}
    assert exported(tmp_path / "a", files, "poetry export -o requirements.txt") == ["idna==3.10", "requests==2.32.3"]
    # without pyproject.toml the groups cannot be told
    assert unknown(tmp_path / "b", {"poetry.lock": files["poetry.lock"]}, "poetry export -o requirements.txt")


def test_poetry_without_a_lock_is_unknown_and_says_why(tmp_path: Path) -> None:
    assert unknown(tmp_path / "a", {"pyproject.toml": POETRY_PYPROJECT}, "poetry export -o requirements.txt") == [
        "the content of requirements.txt is not known statically (poetry export; poetry.lock is not in the "
        "repository)"]
    broken = {"pyproject.toml": POETRY_PYPROJECT, "poetry.lock": "[[package]\nname = "}
    assert "cannot be read" in unknown(tmp_path / "b", broken, "poetry export -o requirements.txt")[0]


def test_poetry_export_in_a_subfolder_and_an_append_is_unknown(tmp_path: Path) -> None:
    files = {"svc/pyproject.toml": POETRY_PYPROJECT, "svc/poetry.lock": POETRY_LOCK_21}
    script = "mkdir -p build\n{export}\npip install -r svc/requirements.txt -t build\ncd build && zip -qr ../fn.zip ."
    r = run(tmp_path / "a", files, script.format(export="cd svc && poetry export -o requirements.txt && cd .."))
    [install] = package(r, "fn").pip_installs
    assert sorted(line.name or "" for line in install.reqs.lines) == ["colorama", "idna", "requests"]
    r = run(tmp_path / "b", files, script.format(export="poetry export -C svc >> svc/requirements.txt"))
    [install] = package(r, "fn").pip_installs
    assert [p.kind for p in install.reqs.problems] == ["unknown-content"]


UV_LOCK = textwrap.dedent('''
    version = 1
    requires-python = ">=3.12"

    [[package]]
    name = "fn"
    version = "0.1.0"
    source = { editable = "." }
    dependencies = [
        { name = "httpx" },
        { name = "pydantic", extra = ["email"] },
        { name = "tomli", marker = "python_full_version < '3.11'" },
    ]

    [package.optional-dependencies]
    cli = [{ name = "click" }]

    [package.dev-dependencies]
    dev = [{ name = "pytest" }]
    lint = [{ name = "ruff" }]

    [[package]]
    name = "httpx"
    version = "0.28.1"
    source = { registry = "https://pypi.org/simple" }
    dependencies = [{ name = "idna" }]

    [[package]]
    name = "idna"
    version = "3.10"
    source = { registry = "https://pypi.org/simple" }

    [[package]]
    name = "pydantic"
    version = "2.10.6"
    source = { registry = "https://pypi.org/simple" }

    [package.optional-dependencies]
    email = [{ name = "email-validator" }]

    [[package]]
    name = "email-validator"
    version = "2.2.0"
    source = { registry = "https://pypi.org/simple" }
    dependencies = [{ name = "idna" }]

    [[package]]
    name = "tomli"
    version = "2.2.1"
    source = { registry = "https://pypi.org/simple" }

    [[package]]
    name = "click"
    version = "8.1.8"
    source = { registry = "https://pypi.org/simple" }

    [[package]]
    name = "pytest"
    version = "8.3.5"
    source = { registry = "https://pypi.org/simple" }

    [[package]]
    name = "ruff"
    version = "0.9.6"
    source = { registry = "https://pypi.org/simple" }
    ''')
UV = {"pyproject.toml": '[project]\nname = "fn"\nversion = "0.1.0"\n', "uv.lock": UV_LOCK}
UV_BASE = ["email-validator==2.2.0", "httpx==0.28.1", "idna==3.10", "pydantic==2.10.6",
           "tomli==2.2.1 ; python_full_version < '3.11'"]


def test_uv_exports_the_project_and_the_dev_group_by_default(tmp_path: Path) -> None:
    got = exported(tmp_path, UV, "uv export --no-hashes -o requirements.txt")
    assert got == sorted([".", "pytest==8.3.5", *UV_BASE])


def test_uv_groups_extras_and_the_project_line(tmp_path: Path) -> None:
    assert exported(tmp_path / "a", UV, "uv export --no-dev --no-emit-project -o requirements.txt") == UV_BASE
    assert exported(tmp_path / "b", UV, "uv export --only-dev --no-emit-project -o requirements.txt") == [
        "pytest==8.3.5"]
    got = exported(tmp_path / "c", UV, "uv export --no-dev --group lint --extra cli --no-emit-project "
                                       "-o requirements.txt")
    assert got == sorted(["click==8.1.8", "ruff==0.9.6", *UV_BASE])
    got = exported(tmp_path / "d", UV, "uv export --no-dev > requirements.txt")
    assert got == sorted([".", *UV_BASE])


def test_uv_virtual_project_is_not_emitted(tmp_path: Path) -> None:
    files = {**UV, "uv.lock": UV_LOCK.replace('source = { editable = "." }', 'source = { virtual = "." }')}
    assert exported(tmp_path, files, "uv export --no-dev -o requirements.txt") == UV_BASE


def test_uv_other_formats_and_a_missing_lock_are_unknown(tmp_path: Path) -> None:
    assert unknown(tmp_path / "a", UV, "uv export --format pylock.toml -o requirements.txt")
    assert unknown(tmp_path / "b", {"pyproject.toml": UV["pyproject.toml"]}, "uv export -o requirements.txt") == [
        "the content of requirements.txt is not known statically (uv export; uv.lock is not in the repository)"]


def test_pip_compile_resolves_from_the_distribution_data(tmp_path: Path) -> None:
    files = {"requirements.in": "requests>=2.31\nacme-internal-sdk\n"}
    got = exported(tmp_path / "a", files, "pip-compile requirements.in")
    # requests' Requires-Dist from the data; a name the data does not know stays, unresolved
    assert {"requests", "idna", "urllib3", "certifi", "charset-normalizer", "acme-internal-sdk"} <= set(got)
    assert exported(tmp_path / "b", files, "pip-compile") == got
    got = exported(tmp_path / "c", {"pyproject.toml": '[project]\nname = "fn"\ndependencies = ["httpx"]\n'},
                   "pip-compile pyproject.toml -o requirements.txt")
    assert {"httpx", "httpcore", "anyio", "h11"} <= set(got)
    assert "idna" in exported(tmp_path / "d", files, "uv pip compile requirements.in -o requirements.txt")
    assert unknown(tmp_path / "e", {"setup.py": ""}, "pip-compile setup.py -o requirements.txt")


def test_lock_readers_reject_what_is_not_a_lock() -> None:
    assert read_poetry_lock("not toml [") is None
    assert read_poetry_lock("package = 3\n") is None
    assert read_uv_lock('[[package]]\nversion = "1"\n') is None
    declared = read_pyproject('[project]\nname = "x"\ndynamic = ["dependencies"]\n')
    assert declared is not None and declared.dynamic_dependencies


def test_poetry_writes_its_output_in_the_project_folder(tmp_path: Path) -> None:
    files = {"svc/pyproject.toml": POETRY_PYPROJECT, "svc/poetry.lock": POETRY_LOCK_21}
    script = "mkdir -p build\npoetry export -C svc -o requirements.txt\npip install -r svc/requirements.txt -t build\n" \
             "cd build && zip -qr ../fn.zip ."
    r = run(tmp_path, files, script)
    [install] = package(r, "fn").pip_installs
    assert sorted(line.name or "" for line in install.reqs.lines) == ["colorama", "idna", "requests"]
