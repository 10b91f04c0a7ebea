"""Optional extras a used symbol needs: the table, the uses the import closure records,
which uses need the extra, the configuration entries, and LPK-005's verdicts on them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from validator.config import ConfigError, load_config
from validator.engine import analyze
from validator.model import ImportClosure, ImportSite, SymbolUse, ThirdPartyLeaf
from validator.model.extras import catches, from_mapping, shipped, table, uses_needing, watched
from validator.pyimports.source import parse_source

WATCH = watched(shipped())


def uses(src: str) -> list[tuple[str, str, int, bool]]:
    parsed = parse_source("app.py", textwrap.dedent(src), WATCH)
    return [(u.symbol, u.how, u.line, u.in_function) for u in parsed.uses]


def test_every_shipped_entry_is_well_formed() -> None:
    entries = shipped()
    assert len(entries) >= 20
    for e in entries:
        assert e.fails and e.error and e.source and e.verified, e.symbol
        assert e.kind != "call-keyword" or e.keyword
        if e.extra:
            assert e.extra_name and e.extra.split("[")[0].lower().replace("_", "-") == e.distribution
    symbols = {s for e in entries for s in e.symbols}
    assert {"pydantic.EmailStr", "aws_lambda_powertools.Tracer", "aws_lambda_powertools.utilities.parser",
            "aws_lambda_powertools.utilities.validation", "fastapi.Form", "fastapi.File", "fastapi.UploadFile",
            "httpx.Client"} <= symbols


def test_entry_validation_names_the_field() -> None:
    with pytest.raises(ValueError, match="needs: required"):
        from_mapping({"symbol": "acme.Widget"})
    with pytest.raises(ValueError, match="kind: expected one of"):
        from_mapping({"symbol": "acme.Widget", "needs": "x", "kind": "sometimes"})
    with pytest.raises(ValueError, match="keyword"):
        from_mapping({"symbol": "acme.Client", "needs": "x", "kind": "call-keyword"})
    with pytest.raises(ValueError, match="dotted import path"):
        from_mapping({"symbol": "acme-sdk.Widget", "needs": "x"})
    with pytest.raises(ValueError, match="unknown key 'nedds'"):
        from_mapping({"symbol": "acme.Widget", "nedds": "x"})


def test_configured_entry_replaces_the_shipped_one_for_the_same_symbol() -> None:
    mine = from_mapping({"symbol": "pydantic.EmailStr", "needs": "email-validator", "kind": "call"}, "pyproject.toml")
    merged = table([mine])
    assert [e.kind for e in merged if "pydantic.EmailStr" in e.symbols] == ["call"]
    assert len(merged) == len(shipped())


def test_fields_calls_and_decorated_parameters_are_recorded() -> None:
    assert uses("""
        from pydantic import BaseModel, EmailStr
        import httpx as hx
        from fastapi import FastAPI, File
        from aws_lambda_powertools.tracing import Tracer
        app = FastAPI()
        tracer = Tracer()

        class User(BaseModel):
            email: EmailStr

        class Plain:
            email: EmailStr

        @app.post("/u")
        def upload(f: bytes = File()):
            return hx.Client(http2=True)

        def helper(e: EmailStr):
            return e
        """) == [
        ("aws_lambda_powertools.tracing.Tracer", "call", 7, False),
        ("pydantic.EmailStr", "field", 10, False),
        ("fastapi.File", "call", 16, False),
        ("fastapi.File", "parameter", 15, False),
        ("httpx.Client", "call", 17, True),
    ]


def test_keywords_and_caught_exceptions_are_kept() -> None:
    parsed = parse_source("app.py", textwrap.dedent("""
        import os
        import httpx
        try:
            a = httpx.Client(http2=True, timeout=3)
        except (ImportError, OSError):
            a = None
        b = httpx.AsyncClient(http2=os.environ.get("H2") == "1")
        def f():
            try:
                pass
            finally:
                httpx.Client(http2=False)
        """), WATCH)
    got = [(u.line, u.keywords, u.caught) for u in parsed.uses]
    assert got == [(5, (("http2", True), ("timeout", True)), ("ImportError", "OSError")),
                   (8, (("http2", None),), ()),
                   (13, (("http2", False),), ())]


def test_a_file_that_spells_no_watched_name_records_nothing() -> None:
    assert uses("import httpx\nc = httpx.get('https://x')\n") == []


def _closure(leaves: list[ThirdPartyLeaf], symbol_uses: list[SymbolUse]) -> ImportClosure:
    return ImportClosure(handler_module="app", handler_file="app.py", handler_function_found=True,
                         third_party=leaves, symbol_uses=symbol_uses)


def _use(symbol: str, how: str = "call", keywords: tuple[tuple[str, bool | None], ...] = (),
         caught: tuple[str, ...] = (), in_function: bool = False) -> SymbolUse:
    return SymbolUse(symbol=symbol, how=how, path="app.py", line=3, column=1, end_line=3, end_column=9, text="x",
                     in_function=in_function, keywords=keywords, caught=caught)


def test_which_uses_need_the_extra() -> None:
    closure = _closure([], [
        _use("aws_lambda_powertools.event_handler.BedrockAgentResolver"),  # validation on by default
        _use("aws_lambda_powertools.event_handler.APIGatewayRestResolver"),  # off by default
        _use("aws_lambda_powertools.event_handler.APIGatewayRestResolver", keywords=(("enable_validation", None),)),
        _use("httpx.Client", keywords=(("http2", True),), caught=("ImportError",)),
        _use("fastapi.File"),  # a call outside a parameter list needs nothing
        _use("pydantic.EmailStr", how="field"),
    ])
    found = [(u.need.symbol, u.what) for u in uses_needing(closure, shipped())]
    assert found == [("aws_lambda_powertools.event_handler.BedrockAgentResolver", "the call"),
                     ("pydantic.EmailStr", "the class definition")]


def test_imports_of_a_module_that_needs_an_extra() -> None:
    def leaf(module: str, names: tuple[str, ...], optional: bool = False) -> ThirdPartyLeaf:
        site = ImportSite(module=module, path="app.py", line=1, text="from …", names=names, optional=optional)
        return ThirdPartyLeaf(module=module, site=site, chain=["app"], provided_by="pip")

    closure = _closure([leaf("aws_lambda_powertools.utilities", ("parser",)),
                        leaf("aws_lambda_powertools.utilities.validation.envelopes", ()),
                        leaf("aws_lambda_powertools.utilities", ("batch",)),
                        leaf("aws_lambda_powertools.utilities.data_masking", ("DataMasking",), optional=True)], [])
    assert [u.need.needs for u in uses_needing(closure, shipped())] == ["pydantic", "fastjsonschema"]


def test_what_an_except_catches() -> None:
    assert catches(("ImportError",), "ModuleNotFoundError")
    assert catches(("Exception",), "RuntimeError")
    assert not catches(("ImportError",), "RuntimeError")
    assert not catches(("KeyError",), "ImportError")


def test_configuration_entries(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent("""
        [[tool.validate-imports.extras]]
        symbol = "acme.Client"
        needs = "requests"
        kind = "call-keyword"
        keyword = "sync"
        default = true
        """))
    config = load_config(tmp_path)
    assert [(e.symbol, e.needs, e.kind, e.keyword, e.default) for e in config.extras] == [
        ("acme.Client", "requests", "call-keyword", "sync", True)]
    (tmp_path / "pyproject.toml").write_text('[tool.validate-imports]\nextras = [{symbol = "acme.Client"}]\n')
    with pytest.raises(ConfigError, match=r"extras\[0\]: needs: required"):
        load_config(tmp_path)


TF = """resource "aws_lambda_function" "api" {
  function_name = "api"
  filename      = "api.zip"
  handler       = "app.handler"
  runtime       = "python3.12"
%s}
"""


def _repo(tmp_path: Path, install: str, code: str, files: dict[str, str] | None = None, layers: str = "") -> Path:
    workflow = ("name: deploy\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - uses: actions/checkout@v4\n      - run: |\n"
                f"          {install} -t build/\n          cp app.py build/\n"
                "          cd build && zip -r ../api.zip .\n")
    everything = {".github/workflows/deploy.yml": workflow, "app.py": textwrap.dedent(code),
                  "main.tf": TF % layers, **(files or {})}
    for rel, text in everything.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


MODEL = """
    from pydantic import BaseModel, EmailStr

    class User(BaseModel):
        email: EmailStr

    def handler(event, context):
        return User(**event).email
    """


def _verdicts(root: Path) -> list[tuple[str, str, int]]:
    return [(f.severity.value, f.span.path, f.span.line) for f in analyze(root=root).findings if f.code == "LPK-005"]


def test_emailstr_without_the_extra_is_an_error_at_the_field(tmp_path: Path) -> None:
    assert _verdicts(_repo(tmp_path, "pip install pydantic", MODEL)) == [("error", "app.py", 5)]


@pytest.mark.parametrize("install", ["pip install 'pydantic[email]'", "pip install pydantic email-validator",
                                     "pip install 'fastapi[standard]'", "pip install 'pydantic[email,timezone]>=2'"])
def test_the_extra_installed_directly_or_through_another_distribution(tmp_path: Path, install: str) -> None:
    assert _verdicts(_repo(tmp_path, install, MODEL)) == []


def test_the_library_itself_missing_is_the_ordinary_finding(tmp_path: Path) -> None:
    findings = [f for f in analyze(root=_repo(tmp_path, "pip install requests", MODEL)).findings]
    assert [(f.code, "uses pydantic.EmailStr" in f.message) for f in findings] == [("LPK-005", False)]


def test_an_unknown_install_lowers_it_to_a_warning(tmp_path: Path) -> None:
    root = _repo(tmp_path, "pip install pydantic acme-internal-sdk", MODEL)
    assert _verdicts(root) == [("warning", "app.py", 5)]


def test_a_model_defined_in_a_function_is_a_warning(tmp_path: Path) -> None:
    code = """
        from pydantic import BaseModel, EmailStr

        def handler(event, context):
            class User(BaseModel):
                email: EmailStr
            return User(**event).email
        """
    assert _verdicts(_repo(tmp_path, "pip install pydantic", code)) == [("warning", "app.py", 6)]


def test_layers_not_built_here_lower_it_to_a_warning(tmp_path: Path) -> None:
    root = _repo(tmp_path, "pip install pydantic", MODEL, layers='  layers        = ["arn:aws:lambda:us-east-1:1:layer:x:1"]\n')
    assert _verdicts(root) == [("warning", "app.py", 5)]


def test_the_fix_adds_the_extra_in_the_requirements_file(tmp_path: Path) -> None:
    root = _repo(tmp_path, "pip install -r requirements.txt", MODEL,
                 {"requirements.txt": "requests\npydantic[timezone]>=2.6  # models\n"})
    [finding] = [f for f in analyze(root=root).findings if f.code == "LPK-005"]
    assert finding.fix is not None and finding.fix.title == "Install pydantic[timezone,email]"
    [edit] = finding.fix.edits
    text = (root / "requirements.txt").read_text()
    assert text[: edit.start] + edit.content + text[edit.end:] == "requests\npydantic[timezone,email]>=2.6  # models\n"


def test_the_fix_quotes_the_extra_on_the_command_line(tmp_path: Path) -> None:
    from validator.engine import run

    root = _repo(tmp_path, "pip install pydantic==2.9", MODEL)
    analysis = run(root=root)
    [finding] = [f for f in analysis.result.findings if f.code == "LPK-005"]
    assert finding.fix is not None
    text = (root / ".github/workflows/deploy.yml").read_text()
    [edit] = finding.fix.edits
    assert (text[: edit.start] + edit.content + text[edit.end:]).count("pip install 'pydantic[email]'==2.9 -t") == 1


def test_a_configured_entry_is_checked(tmp_path: Path) -> None:
    code = "import acme\n\nclient = acme.Client(sync=True)\n\ndef handler(event, context):\n    return 1\n"
    root = _repo(tmp_path, "pip install pydantic", code,
                 {"pyproject.toml": '[[tool.validate-imports.extras]]\nsymbol = "pydantic.Client"\n'
                                    'needs = "email-validator"\nkind = "call"\n',
                  "app.py": "import pydantic\n\nclient = pydantic.Client()\n\ndef handler(event, context):\n"
                            "    return 1\n"})
    assert _verdicts(root) == [("error", "app.py", 3)]


def test_the_rule_page_lists_every_shipped_entry() -> None:
    import rules.lpk005_dependency_not_bundled as rule

    doc = rule.__doc__ or ""
    for entry in shipped():
        assert entry.symbol.rsplit(".", 1)[-1] in doc and entry.needs in doc, entry.symbol
