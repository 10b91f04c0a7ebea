"""Requirements files as pip reads them, and what the shipped distribution data provides."""

from __future__ import annotations

from validator.model import PipInstall, Span
from validator.model.dists import lookup, marker_applies, marker_environments, providers, removed_in, stdlib
from validator.model.provision import resolve
from validator.model.requirements import ReqSet, logical_lines, parse_file, parse_requirement

SPAN = Span("w.yml", 1, 1, 1, 1)


def _read(files: dict[str, str]):  # type: ignore[no-untyped-def]
    return files.get


def test_logical_lines_join_continuations_and_drop_comments() -> None:
    text = "# c\nrequests==2 \\\n  --hash=sha256:x  # pinned\n\nidna\n"
    assert logical_lines(text) == [(2, "requests==2    --hash=sha256:x"), (5, "idna")]


def test_parse_file_nested_constraints_self_include_missing_and_unparsable() -> None:
    files = {"r.txt": "-r sub/base.txt\n-c c.txt\nPyJWT[crypto]>=2; python_version>='3.8'\n-r nope.txt\n!!bad\n",
             "sub/base.txt": "-r ../r.txt\nbeautifulsoup4\n", "c.txt": "urllib3<3\n"}
    out = parse_file("r.txt", _read(files))
    assert [line.name for line in out.lines] == ["beautifulsoup4", "PyJWT"]
    assert out.lines[1].extras == ("crypto",) and out.lines[1].marker is not None
    assert [c.name for c in out.constraints] == ["urllib3"]
    kinds = sorted(p.kind for p in out.problems)
    assert kinds == ["missing-file", "self-include", "unparsable"]
    missing = next(p for p in out.problems if p.kind == "missing-file")
    assert (missing.file, missing.line, missing.text, missing.fatal) == ("r.txt", 4, "nope.txt", True)


def test_urls_vcs_and_local_paths() -> None:
    vcs = parse_requirement("git+https://github.com/x/y.git#egg=acme", None, 0)
    assert vcs.url and vcs.name == "acme"  # type: ignore[union-attr]
    direct = parse_requirement("httpx @ https://example.com/httpx.whl", None, 0)
    assert direct.url and direct.name == "httpx"  # type: ignore[union-attr]
    local = parse_requirement("-e ./libs/common", None, 0)
    assert local.local_path == "libs/common" and local.editable  # type: ignore[union-attr]


def test_data_import_names_differ_from_distribution_names() -> None:
    assert lookup("PyJWT").modules == ("jwt",)  # type: ignore[union-attr]
    assert lookup("beautifulsoup4").modules == ("bs4",)  # type: ignore[union-attr]
    assert lookup("python-json-logger").modules == ("pythonjsonlogger",)  # type: ignore[union-attr]
    assert "google.protobuf" in lookup("protobuf").modules  # type: ignore[union-attr]
    assert providers("yaml") == ("pyyaml",)
    assert lookup("pydantic-core").native and not lookup("requests").native  # type: ignore[union-attr]


def test_requests_provides_its_dependencies_and_no_deps_does_not() -> None:
    envs = marker_environments("3.12")
    install = PipInstall(prefix="", requirements=["requests"], requirement_files=[], span=SPAN)
    prov = resolve(install, envs)
    assert {"requests", "urllib3", "idna", "certifi", "charset_normalizer"} <= set(prov.modules)
    bare = PipInstall(prefix="", requirements=["requests"], requirement_files=[], span=SPAN, options={"--no-deps": ""})
    prov = resolve(bare, envs)
    assert set(prov.modules) == {"requests"} and "idna" in prov.skipped


def test_unknown_distribution_is_said_so() -> None:
    install = PipInstall(prefix="", requirements=["acme-internal-sdk"], requirement_files=[], span=SPAN,
                         reqs=ReqSet())
    prov = resolve(install, marker_environments(None))
    assert prov.unknown and prov.unknown[0][0] == "acme-internal-sdk"
    assert "acme_internal_sdk" in prov.modules  # the guess keeps it quiet, the rule lowers the finding


def test_markers_for_the_function_runtime() -> None:
    assert not marker_applies('python_version < "3.11"', marker_environments("3.12"))
    assert marker_applies('python_version < "3.11"', marker_environments("3.10"))
    assert marker_applies('python_version < "3.11"', marker_environments(None))  # unknown: any version
    assert marker_applies('platform_machine == "aarch64"', marker_environments("3.12", ["arm64"]))
    assert marker_applies("extra == 'socks'", marker_environments("3.12"), ("socks",))


def test_stdlib_per_version() -> None:
    assert "imp" in stdlib("3.11") and "imp" not in stdlib("3.12")
    assert "telnetlib" in stdlib("3.12") and "telnetlib" not in stdlib("3.13")
    assert "tomllib" in stdlib("3.11") and "tomllib" not in stdlib("3.10")
    assert removed_in("distutils", "3.13") == "3.12"
    assert "imp" in stdlib(None)
