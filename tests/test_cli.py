"""The command line's contract: exit status, output formats, bad input, the Python API."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from validator import DockerImportValidator
from validator.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "seed-scenario" / "repo"
QUIET = FIXTURES / "working-directory" / "repo"


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(SEED, repo)
    return repo


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_findings_exit_1_and_clean_exit_0(capsys):
    code, out, _ = run([str(SEED)], capsys)
    assert code == 1
    assert out.count("LPK-003") >= 3
    code, out, _ = run([str(QUIET)], capsys)
    assert code == 0
    assert "All checks passed" in out


def test_exit_zero_and_select_ignore(capsys):
    assert run([str(SEED), "--exit-zero"], capsys)[0] == 0
    assert run([str(SEED), "--ignore", "LPK-003"], capsys)[0] == 0
    assert run([str(SEED), "--select", "LPK-001"], capsys)[0] == 0
    assert run([str(SEED), "--select", "LPK"], capsys)[0] == 1


def test_json_matches_the_documented_shape(capsys):
    code, out, _ = run([str(SEED), "--format", "json"], capsys)
    assert code == 1
    doc = json.loads(out)
    assert doc["version"] == 1
    assert set(doc) >= {"findings", "packages", "summary"}
    finding = doc["findings"][0]
    for key in ("code", "severity", "message", "path", "line", "column", "end_line", "end_column",
                "package", "fixable", "related"):
        assert key in finding
    assert finding["path"] == ".github/workflows/deploy.yml"
    assert {p["name"] for p in doc["packages"]} == {"ingestion", "analysis", "metrics", "notification", "dashboard"}
    package = next(p for p in doc["packages"] if p["name"] == "ingestion")
    assert package["handler"] == "handler.lambda_handler"
    assert package["handler_source"].startswith("infrastructure/terraform/")
    assert package["archive"].startswith("packages/ingestion-")
    assert doc["summary"] == {"errors": 3, "warnings": 0, "packages": 5}


def test_json_show_packages_gives_each_package_its_members(capsys):
    plain = json.loads(run([str(SEED), "--format", "json"], capsys)[1])
    assert all("members" not in p for p in plain["packages"])
    code, out, _ = run([str(SEED), "--format", "json", "--show-packages"], capsys)
    assert code == 1
    doc = json.loads(out)
    package = next(p for p in doc["packages"] if p["name"] == "ingestion")
    assert len(package["members"]) == package["files"]
    by_path = {m["path"]: m for m in package["members"]}
    assert by_path["handler.py"] == {"path": "handler.py", "kind": "source",
                                     "source": "src/lambdas/ingestion/handler.py",
                                     "origin": {"path": ".github/workflows/deploy.yml", "line": 71}}
    assert {m["kind"] for m in package["members"]} <= {"source", "installed", "generated", "symbolic"}
    assert package["pip_installs"] == []


def test_json_show_packages_lists_pip_installs(tmp_path, capsys):
    wf = tmp_path / ".github" / "workflows" / "deploy.yml"
    wf.parent.mkdir(parents=True)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("import requests\n\ndef handler(event, context):\n    return 1\n")
    wf.write_text("on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n"
                  "          mkdir -p build\n          cp src/app.py build/\n"
                  "          pip install requests -t build\n          touch build/VERSION\n"
                  "          cd build && zip -r ../fn.zip .\n"
                  "          aws lambda update-function-code --function-name fn --zip-file fileb://../fn.zip\n")
    doc = json.loads(run([str(tmp_path), "--format", "json", "--show-packages", "--exit-zero"], capsys)[1])
    (package,) = doc["packages"]
    by_path = {m["path"]: m for m in package["members"]}
    assert by_path["app.py"]["kind"] == "source" and by_path["app.py"]["source"] == "src/app.py"
    assert by_path["app.py"]["origin"] == {"path": ".github/workflows/deploy.yml", "line": 8}
    assert by_path["VERSION"]["kind"] == "generated" and by_path["VERSION"]["source"] is None
    (pip,) = package["pip_installs"]
    assert pip == {"prefix": "", "requirements": ["requests"], "requirement_files": [],
                   "origin": {"path": ".github/workflows/deploy.yml", "line": 9}}


def test_every_format_keeps_the_exit_status(capsys):
    for fmt in ("text", "json", "sarif", "github"):
        code, out, _ = run([str(SEED), "--format", fmt], capsys)
        assert code == 1, fmt
        assert out
    sarif = json.loads(run([str(SEED), "--format", "sarif"], capsys)[1])
    assert sarif["version"] == "2.1.0"
    github = run([str(SEED), "--format", "github"], capsys)[1]
    assert "::error file=.github/workflows/deploy.yml,line=" in github


def test_text_has_no_colour_in_a_pipe(capsys):
    out = run([str(SEED)], capsys)[1]
    assert "\x1b[" not in out
    out = run([str(SEED), "--color", "always"], capsys)[1]
    assert "\x1b[" in out


def test_output_file_is_written_and_stdout_stays_empty(tmp_path, capsys):
    target = tmp_path / "report.json"
    code, out, _ = run([str(SEED), "--format", "json", "--output-file", str(target)], capsys)
    assert code == 1 and out == ""
    assert json.loads(target.read_text())["summary"]["errors"] == 3


def test_unwritable_output_file_is_exit_2(tmp_path, capsys):
    code, out, err = run([str(SEED), "--output-file", str(tmp_path / "missing" / "x.json")], capsys)
    assert code == 2 and out == ""
    assert err.startswith("validate-imports: error:") and "does not exist" in err


@pytest.mark.parametrize("content", [
    "jobs: [unclosed\n",
    "a: &a [1]\n" + "".join(f"b{i}: &b{i} [*{'a' if i == 0 else f'b{i-1}'}, *{'a' if i == 0 else f'b{i-1}'}]\n"
                            for i in range(40)),
    "\x00\x01binary",
])
def test_bad_workflow_is_one_finding_and_the_others_are_still_checked(tmp_path, capsys, content):
    """One broken workflow never stops the run: it is one LPK-000 at its position (never a
    traceback, the file unchanged), and a broken package in another workflow still fails it."""
    repo = tmp_path / "repo"
    shutil.copytree(SEED, repo)
    wf = repo / ".github" / "workflows" / "wip.yml"
    wf.write_bytes(content.encode("latin-1") if "\x00" in content else content.encode())
    before = wf.read_bytes()
    code, out, err = run(["--root", str(repo), "--format", "json"], capsys)
    findings = json.loads(out)["findings"]
    bad = [f for f in findings if f["path"] == ".github/workflows/wip.yml"]
    assert code == 1 and err == ""
    assert [f["code"] for f in bad] == ["LPK-000"] and "cannot be read" in bad[0]["message"]
    assert "\n" not in bad[0]["message"] and len(bad[0]["message"]) < 400
    assert sorted(f["code"] for f in findings if f not in bad) == ["LPK-003", "LPK-003", "LPK-003"]
    assert wf.read_bytes() == before


def test_non_utf8_workflow_is_one_finding(tmp_path, capsys):
    wf = tmp_path / ".github" / "workflows" / "deploy.yml"
    wf.parent.mkdir(parents=True)
    wf.write_bytes("name: d\xe9ploy\njobs: {}\n".encode("latin-1"))
    code, out, err = run([str(wf), "--format", "json"], capsys)
    [finding] = json.loads(out)["findings"]
    assert code == 0 and "Traceback" not in err
    assert (finding["code"], finding["line"]) == ("LPK-000", 1) and "not UTF-8" in finding["message"]


def test_empty_workflow_builds_nothing(tmp_path, capsys):
    wf = tmp_path / ".github" / "workflows" / "deploy.yml"
    wf.parent.mkdir(parents=True)
    wf.write_text("# to be written\n")
    code, out, _ = run([str(wf), "--format", "json"], capsys)
    assert (code, json.loads(out)["findings"]) == (0, [])


def test_missing_path_and_unknown_codes_are_usage_errors(tmp_path, capsys):
    assert run([str(tmp_path / "nope.yml")], capsys)[0] == 2
    code, _, err = run([str(SEED), "--select", "LPK-999"], capsys)
    assert code == 2 and "LPK-999" in err
    assert run([str(tmp_path)], capsys)[0] == 2  # no workflows there


def test_malformed_config_is_exit_2(seed, capsys):
    (seed / ".validate-imports.toml").write_text("select = 3\n")
    code, _, err = run([str(seed)], capsys)
    assert code == 2 and "select" in err


def test_suppression_comment_silences_a_finding(seed, capsys):
    wf = seed / ".github" / "workflows" / "deploy.yml"
    text = wf.read_text()
    line = "cp -r src/lambdas/ingestion/* packages/ingestion-build/"
    assert line in text
    wf.write_text(text.replace(line, line + "  # validate-imports: ignore[LPK-003] root handler only", 1))
    _, out, _ = run([str(seed), "--format", "json"], capsys)
    doc = json.loads(out)
    assert "ingestion" not in {f["package"] for f in doc["findings"] if f["code"] == "LPK-003"}
    assert doc["summary"]["errors"] == 2


def test_script_paths_never_escape_or_change_the_repository(tmp_path, capsys):
    repo = tmp_path / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / "src").mkdir()
    (repo / "src" / "handler.py").write_text("def lambda_handler(event, context):\n    return 1\n")
    (repo / ".github" / "workflows" / "deploy.yml").write_text(
        "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n"
        "          cd / && rm -rf /\n          cp ../../../etc/passwd build/\n          mkdir -p build\n"
        "          cp src/handler.py build/\n          cd build && zip -r ../x.zip .\n")
    before = sorted(p.relative_to(repo) for p in repo.rglob("*"))
    code, _, err = run([str(repo)], capsys)
    assert code in (0, 1) and "Traceback" not in err
    assert sorted(p.relative_to(repo) for p in repo.rglob("*")) == before


def test_rule_documentation_command(capsys):
    code, out, _ = run(["rule", "LPK-004"], capsys)
    assert code == 0 and "## Fix safety" in out


def test_console_script_reports_without_traceback(tmp_path):
    cmd_dir = tmp_path / "not-a-repo"
    exe = Path(sys.executable).with_name("validate-imports")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "validator"]
    proc = subprocess.run([*cmd, str(cmd_dir / "missing.yml")], capture_output=True, text=True,
                          env=dict(os.environ, NO_COLOR="1"), check=False)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stderr.startswith("validate-imports: error:")


def test_python_api_shape():
    result = DockerImportValidator().validate(SEED)
    ids = sorted(f.id for f in result.findings)
    assert ids == ["LPK-003", "LPK-003", "LPK-003"]
    first = result.findings[0]
    assert first.file == ".github/workflows/deploy.yml"
    assert isinstance(first.line, int) and first.message
    assert first.severity.value == "error"
    assert not result.ok
    assert DockerImportValidator(ignore=["LPK-003"]).validate(SEED).ok


def test_unknown_code_in_a_suppression_is_exit_2(seed, capsys):
    wf = seed / ".github" / "workflows" / "deploy.yml"
    text = wf.read_text()
    line = "cp -r src/lambdas/ingestion/* packages/ingestion-build/"
    wf.write_text(text.replace(line, line + "  # validate-imports: ignore[LPK-030] typo", 1))
    code, out, err = run([str(seed)], capsys)
    assert code == 2 and out == ""
    assert "LPK-030" in err and "deploy.yml:" in err


def test_console_script_output_survives_its_quick_exit(tmp_path):
    """The console script ends with ``os._exit`` once its output is flushed: the report,
    an ``--output-file`` and a closed pipe must all come out right."""
    exe = Path(sys.executable).with_name("validate-imports")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "validator"]
    env = dict(os.environ, NO_COLOR="1")
    proc = subprocess.run([*cmd, str(SEED)], capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 1 and proc.stdout.count("LPK-003") >= 3 and proc.stdout.rstrip().endswith("--fix`.")
    out = tmp_path / "report.sarif"
    proc = subprocess.run([*cmd, str(SEED), "--format", "sarif", "--output-file", str(out)], capture_output=True,
                          text=True, env=env, check=False)
    assert proc.returncode == 1 and json.loads(out.read_text())["runs"][0]["results"]
    head = subprocess.run(f"{' '.join(cmd)} {SEED} --format json | head -c 10", shell=True, capture_output=True,
                          text=True, env=env, check=False)
    assert "Traceback" not in head.stderr


def test_output_file_keeps_its_mode_and_accepts_a_device(tmp_path, capsys):
    kept = tmp_path / "report.json"
    kept.write_text("old")
    kept.chmod(0o640)
    assert run([str(SEED), "--format", "json", "--output-file", str(kept)], capsys)[0] == 1
    assert (kept.stat().st_mode & 0o777) == 0o640 and json.loads(kept.read_text())["version"] == 1
    new = tmp_path / "new.json"
    old_umask = os.umask(0o027)
    try:
        run([str(SEED), "--output-file", str(new)], capsys)
    finally:
        os.umask(old_umask)
    assert (new.stat().st_mode & 0o777) == 0o640
    proc = subprocess.run([sys.executable, "-m", "validator", str(SEED), "--format", "json", "--output-file",
                           "/dev/stdout"], capture_output=True, text=True, check=False)
    assert proc.returncode == 1 and json.loads(proc.stdout)["summary"]["errors"] == 3


def test_select_nothing_and_short_version_flag(capsys):
    code, _, err = run([str(SEED), "--select", ""], capsys)
    assert code == 2 and "--select" in err
    with pytest.raises(SystemExit) as exc:
        main(["-V"])
    assert exc.value.code == 0 and capsys.readouterr().out.startswith("validate-imports ")
