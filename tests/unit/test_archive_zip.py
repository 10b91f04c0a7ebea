"""``validate-imports --zip``: real archives read statically, checked by the same rules."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from archive_support import make_zip, zip_tree

from validator.archive import ArchiveError, Limits, native_module, open_archive, package_name, read_package
from validator.cli import main

HANDLER = "import os\nfrom lib.util import helper\n\n\ndef main(event, context):\n    return helper()\n"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "src" / "lib").mkdir(parents=True)
    (root / "src" / "lib" / "__init__.py").write_text("")
    (root / "src" / "lib" / "util.py").write_text("def helper():\n    return 1\n")
    return root


def test_a_complete_archive_passes_and_says_which_link(repo: Path, capsys):
    pkg = make_zip(repo / "dist" / "orders.zip", {"handler.py": HANDLER, "lib/__init__.py": "",
                                                  "lib/util.py": "def helper():\n    return 1\n"})
    code, out, err = run(["--zip", str(pkg), "--handler", "handler.main", "--root", str(repo)], capsys)
    assert code == 0, out + err
    assert "All checks passed (1 built package)" in out
    assert "dist/orders.zip: 3 files; handler handler.main (option: --handler handler.main" in err


def test_missing_first_party_module_points_into_the_archive(repo: Path, capsys):
    pkg = make_zip(repo / "dist" / "orders.zip", {"handler.py": HANDLER})
    code, out, _ = run(["--zip", str(pkg), "--handler", "handler.main", "--root", str(repo), "--format", "json"],
                       capsys)
    assert code == 1
    doc = json.loads(out)
    [finding] = doc["findings"]
    assert finding["code"] == "LPK-001"
    assert finding["path"] == "dist/orders.zip"
    assert finding["related"][0]["path"] == "dist/orders.zip!/handler.py"
    assert finding["related"][0]["line"] == 2
    assert doc["packages"][0]["handler_link"] == "option"
    code, out, _ = run(["--zip", str(pkg), "--handler", "handler.main", "--root", str(repo)], capsys)
    assert "dist/orders.zip!/handler.py:2" in out and "2 | from lib.util import helper" in out


def test_missing_handler_function_and_module(repo: Path, capsys):
    pkg = make_zip(repo / "dist" / "orders.zip", {"handler.py": "def other(e, c):\n    pass\n"})
    code, out, _ = run(["--zip", str(pkg), "--handler", "handler.main", "--root", str(repo)], capsys)
    assert code == 1 and "LPK-002" in out and "Runtime.HandlerNotFound" in out
    code, out, _ = run(["--zip", str(pkg), "--handler", "app.main", "--root", str(repo)], capsys)
    assert code == 1 and "needs app.py, which is not in the package" in out


def test_sarif_and_github_formats(repo: Path, capsys):
    pkg = make_zip(repo / "dist" / "orders.zip", {"handler.py": "def other(e, c):\n    pass\n"})
    code, out, _ = run(["--zip", str(pkg), "--handler", "handler.main", "--root", str(repo), "--format", "sarif"],
                       capsys)
    assert code == 1
    sarif = json.loads(out)
    assert sarif["runs"][0]["results"][0]["ruleId"] == "LPK-002"
    code, out, _ = run(["--zip", str(pkg), "--handler", "handler.main", "--root", str(repo), "--format", "github"],
                       capsys)
    assert code == 1 and out.startswith("::error file=dist/orders.zip")


def test_handler_from_the_repository_configuration(repo: Path, capsys):
    (repo / "infra").mkdir()
    (repo / "infra" / "main.tf").write_text(
        'resource "aws_lambda_function" "orders" {\n  function_name = "orders"\n'
        '  filename      = "../dist/orders.zip"\n  handler       = "handler.main"\n  runtime = "python3.12"\n}\n')
    pkg = make_zip(repo / "dist" / "orders.zip", {"handler.py": "def nope(e, c):\n    pass\n"})
    code, out, err = run(["--zip", str(pkg), "--root", str(repo)], capsys)
    assert code == 1 and "LPK-002" in out
    assert "handler handler.main (filename: filename ../dist/orders.zip" in err or "handler handler.main (filename" in err
    assert "infra/main.tf" in err


def test_no_handler_anywhere_is_exit_2(repo: Path, capsys):
    pkg = make_zip(repo / "dist" / "orders.zip", {"lib/util.py": "x = 1\n"})
    code, _, err = run(["--zip", str(pkg), "--root", str(repo)], capsys)
    assert code == 2 and "no handler for dist/orders.zip" in err


def test_bundled_dependency_installed_by_pip(repo: Path, tmp_path: Path, capsys, tinydep_tree: Path):
    build = tmp_path / "build"
    shutil.copytree(tinydep_tree, build)
    (build / "handler.py").write_text("import tinydep\n\n\ndef main(e, c):\n    return tinydep.VALUE\n")
    pkg = zip_tree(repo / "dist" / "orders.zip", build)
    read = read_package(pkg, "dist/orders.zip")
    try:
        [dist] = read.package.installed
        assert (dist.name, dist.version, dist.top_level, dist.tags) == ("tinydep", "1.0", ["tinydep"], ["py3-none-any"])
        assert dist.pure is True
        assert read.package.files["tinydep/__init__.py"].kind.value == "installed"
        assert read.package.files["handler.py"].source == "dist/orders.zip!/handler.py"
    finally:
        read.close()
    code, out, err = run(["--zip", str(pkg), "--handler", "handler.main", "--root", str(repo)], capsys)
    assert code == 0, out + err


def test_a_flat_folder_is_read_as_its_archive(repo: Path, capsys):
    build = repo / "build"
    (build / "lib").mkdir(parents=True)
    (build / "handler.py").write_text(HANDLER)
    (build / "lib" / "util.py").write_text("def helper():\n    return 1\n")
    code, out, err = run(["--zip", str(build), "--handler", "handler.main", "--root", str(repo)], capsys)
    assert code == 0, out + err
    read = read_package(build, "build")
    assert read.package.files["handler.py"].source == "build/handler.py" and read.package.built == "directory"


def test_layer_provides_a_module(repo: Path, tmp_path: Path):
    from validator.engine import ArchiveTarget, run_archives

    pkg = make_zip(repo / "dist" / "fn.zip", {"handler.py": "import shared_tools\n\ndef main(e, c):\n    pass\n"})
    layer = make_zip(tmp_path / "layer.zip", {"python/shared_tools/__init__.py": "X = 1\n"})
    analysis = run_archives([ArchiveTarget(path=pkg, handler="handler.main", layers=[layer])], root=repo)
    report = analysis.result.packages[0]
    assert report.package.provided == {"shared_tools": str(layer)}
    assert [(t.module, t.provided_by) for t in report.closure.third_party] == [("shared_tools", "layer")]


def test_native_module_tags():
    assert (native_module("x/_a.cpython-311-x86_64-linux-gnu.so").abi, native_module("_a.cpython-311-x86_64-linux-gnu.so").platform) == ("cpython-311", "x86_64-linux-gnu")
    darwin = native_module("fast.cpython-311-darwin.so")
    assert (darwin.module, darwin.platform) == ("fast", "darwin")
    assert native_module("m.abi3.so").abi == "abi3"
    assert native_module("m.cp311-win_amd64.pyd").platform == "win_amd64"
    assert native_module("libfoo.so.1") is None and native_module("a.py") is None


def test_wrong_platform_so_is_recorded_for_the_native_rule(repo: Path):
    pkg = make_zip(repo / "dist" / "fn.zip", {"handler.py": "import fast\n", "fast.cpython-311-darwin.so": b"\0ELF"})
    read = read_package(pkg, "dist/fn.zip")
    read.close()
    assert [(n.module, n.abi, n.platform) for n in read.package.native] == [("fast", "cpython-311", "darwin")]


def test_package_name_drops_version_suffixes():
    assert package_name("dist/ingestion-1.2.3.zip") == "ingestion"
    assert package_name("orders-abc1234f.zip") == "orders"
    assert package_name("build") == "build"


# --------------------------------------------------------------------------- bad input


def _encrypted(path: Path) -> Path:
    make_zip(path, {"handler.py": "x = 1\n"})
    data = bytearray(path.read_bytes())
    # set the "encrypted" flag bit in the local header and the central directory entry
    for sig in (b"PK\x03\x04", b"PK\x01\x02"):
        at = data.find(sig)
        offset = at + (6 if sig == b"PK\x03\x04" else 8)
        data[offset] |= 0x1
    path.write_bytes(bytes(data))
    return path


def _symlink(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        info = zipfile.ZipInfo("link.py")
        info.create_system = 3
        info.external_attr = (0o120777 << 16)
        zf.writestr(info, "/etc/passwd")
    return path


def _duplicate(path: Path) -> Path:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("handler.py", "a = 1\n")
            zf.writestr("handler.py", "a = 2\n")
    return path


def _corrupt(path: Path) -> Path:
    make_zip(path, {"handler.py": "x = 1\n" * 200})
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x03\x04") + 30 + len("handler.py") + 5
    data[at] ^= 0xFF
    path.write_bytes(bytes(data))
    return path


def _truncated(path: Path) -> Path:
    make_zip(path, {"handler.py": "x = 1\n" * 200})
    path.write_bytes(path.read_bytes()[:60])
    return path


def _bomb(path: Path) -> Path:
    return make_zip(path, {"big.bin": b"\0" * (8 * 1024 * 1024), "handler.py": "x = 1\n"})


BAD = {
    "not a zip": (lambda p: (p.write_text("hello"), p)[1], "not a ZIP archive"),
    "truncated": (_truncated, "not a ZIP archive (or truncated"),
    "corrupt member": (_corrupt, "is corrupt"),
    "encrypted": (_encrypted, "is encrypted"),
    "absolute path": (lambda p: make_zip(p, {"/etc/cron.d/x": "x"}), "absolute path (zip-slip)"),
    "dot-dot": (lambda p: make_zip(p, {"a/../../evil.py": "x"}), "climbs out of the archive with '..'"),
    "backslash dot-dot": (lambda p: make_zip(p, {"..\\evil.py": "x"}), "(zip-slip)"),
    "symlink member": (_symlink, "is a symbolic link"),
    "duplicate names": (_duplicate, "duplicate member 'handler.py'"),
    "zip bomb": (_bomb, "a ZIP bomb?"),
    "empty": (lambda p: make_zip(p, {}), "holds no files"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_archives_are_a_clear_exit_2(case: str, tmp_path: Path, capsys):
    build, expected = BAD[case]
    pkg = build(tmp_path / "pkg.zip")
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = run(["--zip", str(pkg), "--handler", "handler.main", "--root", str(tmp_path)], capsys)
    assert code == 2, out + err
    assert expected in err and "Traceback" not in err
    assert len(err.strip().splitlines()) <= 2
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_total_size_limit_is_checked_before_reading(tmp_path: Path):
    pkg = make_zip(tmp_path / "pkg.zip", {f"m{i}.py": "x = 1\n" * 100 for i in range(5)})
    with pytest.raises(ArchiveError, match="unzips to more than"):
        open_archive(pkg, "pkg.zip", Limits(max_total=1000))
    with pytest.raises(ArchiveError, match="members, more than"):
        open_archive(pkg, "pkg.zip", Limits(max_members=2))


def test_a_folder_with_a_link_out_of_it_is_refused(tmp_path: Path, capsys):
    build = tmp_path / "build"
    build.mkdir()
    (build / "handler.py").write_text("x = 1\n")
    (build / "secrets.py").symlink_to("/etc/hostname")
    code, _, err = run(["--zip", str(build), "--handler", "handler.main", "--root", str(tmp_path)], capsys)
    assert code == 2 and "symbolic link that leaves the folder" in err


def test_usage_errors(tmp_path: Path, capsys):
    pkg = make_zip(tmp_path / "pkg.zip", {"handler.py": "x = 1\n"})
    assert run(["--handler", "h.main"], capsys)[0] == 2
    assert run(["--zip", str(pkg), "--handler", "nodot"], capsys)[0] == 2
    assert run(["--zip", str(tmp_path / "missing.zip")], capsys)[0] == 2
    assert run(["--zip", str(pkg), "--zip", str(pkg), "--handler", "a.b", "--handler", "c.d", "--handler", "e.f"],
               capsys)[0] == 2


def test_a_third_party_module_missing_from_the_archive_is_an_error(repo: Path, capsys):
    """With --zip the archive and its --layer archives are all that ships: no doubt is left."""
    source = "import httpx\n\n\ndef main(event, context):\n    return 1\n"
    pkg = make_zip(repo / "dist" / "api.zip", {"handler.py": source})
    code, out, _ = run(["--zip", str(pkg), "--handler", "handler.main", "--root", str(repo), "--runtime",
                        "python3.12", "--format", "json"], capsys)
    [finding] = json.loads(out)["findings"]
    assert (code, finding["code"], finding["severity"]) == (1, "LPK-005", "error")
    assert "not in the archive (nor in a --layer given)" in finding["message"]
    layer = make_zip(repo / "dist" / "deps.zip", {"python/httpx/__init__.py": ""})
    code, out, _ = run(["--zip", str(pkg), "--handler", "handler.main", "--layer", str(layer), "--root", str(repo),
                        "--runtime", "python3.12", "--format", "json"], capsys)
    assert (code, json.loads(out)["findings"]) == (0, [])
