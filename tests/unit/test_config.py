"""Configuration loading and ruff-style rule selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from validator.config import (
    Config,
    ConfigError,
    PackageMapping,
    load_config,
    rule_enabled,
    validate_codes,
)

KNOWN = ["LPK-000", "LPK-001", "LPK-002", "LPK-003", "LPK-004", "LPK-100"]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_when_nothing_configured(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config == Config()
    assert config.source is None
    assert all(rule_enabled(code, config, ".github/workflows/deploy.yml") for code in KNOWN)


def test_pyproject_without_table_gives_defaults(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[project]\nname = 'x'\n")
    assert load_config(tmp_path) == Config()


def test_every_key_from_pyproject(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        """
[tool.validate-imports]
select = ["LPK"]
ignore = ["LPK-000"]
extend-select = ["LPK-100"]
workflows = [".github/workflows/deploy.yml"]
runtime-modules = ["awslambdaric"]
python-version = "3.12"

[tool.validate-imports.per-file-ignores]
".github/workflows/legacy-*.yml" = ["LPK-003"]

[tool.validate-imports.packages]
ingestion = "src.lambdas.ingestion.handler.lambda_handler"
billing = { handler = "handler.main", source = "src/lambdas/billing" }
""",
    )
    config = load_config(tmp_path)
    assert config.select == ["LPK"]
    assert config.ignore == ["LPK-000"]
    assert config.extend_select == ["LPK-100"]
    assert config.per_file_ignores == {".github/workflows/legacy-*.yml": ["LPK-003"]}
    assert config.workflows == [".github/workflows/deploy.yml"]
    assert config.runtime_modules == ["awslambdaric"]
    assert config.python_version == "3.12"
    assert config.packages == {
        "ingestion": PackageMapping("src.lambdas.ingestion.handler.lambda_handler"),
        "billing": PackageMapping("handler.main", "src/lambdas/billing"),
    }
    assert config.source == tmp_path / "pyproject.toml"


def test_search_order_dotfile_before_pyproject(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.validate-imports]\nignore = ["LPK-001"]\n')
    write(tmp_path / ".validate-imports.toml", 'ignore = ["LPK-002"]\n')
    assert load_config(tmp_path).ignore == ["LPK-002"]
    explicit = write(tmp_path / "ci.toml", 'ignore = ["LPK-004"]\n')
    assert load_config(tmp_path, explicit).ignore == ["LPK-004"]
    assert load_config(tmp_path, tmp_path / "pyproject.toml").ignore == ["LPK-001"]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('selct = ["LPK"]\n', "unknown key 'selct' (did you mean 'select'?)"),
        ('select = "LPK-003"\n', "select: expected a list of strings, got a string"),
        ("python-version = 3.10\n", "python-version: expected a string"),
        ('python-version = "2.7"\n', "python-version: expected a version"),
        ("per-file-ignores = 3\n", "per-file-ignores: expected a table"),
        ('[per-file-ignores]\n"a.yml" = "LPK-003"\n', "per-file-ignores.'a.yml': expected a list"),
        ("[packages]\nx = 3\n", "packages.x: expected a handler string"),
        ('[packages]\nx = { source = "src" }\n', "packages.x.handler: a handler string is required"),
        ('[packages]\nx = { handler = "h.f", dir = "src" }\n', "packages.x: unknown key 'dir'"),
        ("select = [\n", "invalid TOML"),
    ],
)
def test_bad_config_is_one_line_error_naming_file_and_key(tmp_path: Path, text: str, needle: str) -> None:
    path = write(tmp_path / ".validate-imports.toml", text)
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    message = str(info.value)
    assert needle in message
    assert ".validate-imports.toml" in message
    assert "\n" not in message
    assert path.read_text(encoding="utf-8") == text  # nothing written


def test_pyproject_error_names_the_table(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.validate-imports]\nworkflow = ["x"]\n')
    with pytest.raises(ConfigError, match=r"pyproject.toml: \[tool.validate-imports\] unknown key 'workflow'"):
        load_config(tmp_path)


def test_missing_explicit_config_and_non_utf8(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path, tmp_path / "nope.toml")
    (tmp_path / "bad.toml").write_bytes(b"select = ['\xff']\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(tmp_path, tmp_path / "bad.toml")
    write(tmp_path / "pyproject.toml", "[project]\n")
    with pytest.raises(ConfigError, match=r"no \[tool.validate-imports\] table"):
        load_config(tmp_path, tmp_path / "pyproject.toml")


def test_validate_codes_accepts_prefixes_and_rejects_unknown() -> None:
    validate_codes(["LPK", "LPK00", "LPK-00", "LPK-003", "lpk003", "LPK1"], KNOWN)
    for bad in ["LPK-999", "XYZ", "LPK-0031", "", "*", "ALL"]:
        with pytest.raises(ConfigError, match="unknown rule code"):
            validate_codes([bad], KNOWN, where="--select")
    with pytest.raises(ConfigError, match=r"^--select: unknown rule code 'LPK-030' \(did you mean LPK-\d{3}\?\)$"):
        validate_codes(["LPK-030"], KNOWN, where="--select")


def test_load_config_checks_codes_when_known_given(tmp_path: Path) -> None:
    write(tmp_path / ".validate-imports.toml", 'ignore = ["LPK-042"]\n')
    load_config(tmp_path)  # codes are not checked without the catalogue
    with pytest.raises(ConfigError, match=r"\.validate-imports\.toml: ignore: unknown rule code 'LPK-042'"):
        load_config(tmp_path, known_codes=KNOWN)


def enabled(config: Config, path: str = "w.yml") -> set[str]:
    return {code for code in KNOWN if rule_enabled(code, config, path)}


def test_select_restricts_and_extend_select_adds() -> None:
    assert enabled(Config(select=["LPK-003"])) == {"LPK-003"}
    assert enabled(Config(select=["LPK-003"], extend_select=["LPK-1"])) == {"LPK-003", "LPK-100"}
    assert enabled(Config(select=[])) == set()


def test_more_specific_selector_wins_and_ignore_wins_ties() -> None:
    assert enabled(Config(select=["LPK"], ignore=["LPK00"])) == {"LPK-100"}
    assert enabled(Config(select=["LPK-003"], ignore=["LPK"])) == {"LPK-003"}
    assert enabled(Config(select=["LPK-003"], ignore=["LPK-003"])) == set()
    assert enabled(Config(ignore=["LPK-000"])) == set(KNOWN) - {"LPK-000"}


def test_cli_layer_overrides_the_file() -> None:
    file = Config(select=["LPK-001"], ignore=["LPK-003"])
    # A CLI --select restarts the selection: the file's ignore no longer applies.
    assert enabled(file.with_overrides(select=["LPK-003"])) == {"LPK-003"}
    # A CLI --ignore refines what the file selected.
    assert enabled(file.with_overrides(ignore=["LPK-001"])) == set()
    # A CLI --extend-select adds to the file's selection.
    assert enabled(file.with_overrides(extend_select=["LPK-002"])) == {"LPK-001", "LPK-002"}
    # Non-selection flags replace file values.
    assert file.with_overrides(python_version="python3.11").python_version == "3.11"
    assert file.with_overrides(workflows=["a.yml"]).workflows == ["a.yml"]
    assert file.with_overrides() == file


def test_cli_override_codes_are_checked() -> None:
    config = Config().with_overrides(ignore=["LPK-777"])
    with pytest.raises(ConfigError, match=r"^--ignore: unknown rule code 'LPK-777'"):
        config.check_codes(KNOWN)


def test_per_file_ignores_match_repo_relative_globs_and_basenames() -> None:
    config = Config(per_file_ignores={".github/workflows/legacy-*.yml": ["LPK-003"], "nightly.yml": ["LPK00"]})
    assert not rule_enabled("LPK-003", config, ".github/workflows/legacy-deploy.yml")
    assert rule_enabled("LPK-003", config, ".github/workflows/deploy.yml")
    assert not rule_enabled("LPK-001", config, ".github/workflows/nightly.yml")
    assert rule_enabled("LPK-100", config, ".github/workflows/nightly.yml")
    assert rule_enabled("LPK-003", config, None)
    assert not rule_enabled("LPK-003", Config(per_file_ignores={"./.github/*": ["LPK-003"]}), ".github/x.yml")
