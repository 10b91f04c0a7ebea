"""Modules the package lacks: standard library, runtime, pip, first-party or third-party."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_imports_support import SPAN, closure_of, leaf_modules, package, pip, write_repo

from validator.model import PipInstall
from validator.pyimports import SourceCache, compute_closure
from validator.pyimports.classify import import_names, requirement_name

HANDLER_TEXT = (
    "from __future__ import annotations\n"
    "import os, json, logging\n"
    "import boto3\nfrom botocore.exceptions import ClientError\nimport dateutil.parser\n"
    "import yaml\nimport jwt\nfrom bs4 import BeautifulSoup\nfrom PIL import Image\n"
    "from google.protobuf import json_format\nimport psycopg2\n"
    "import requests\nimport urllib3\nimport numpy\n"
    "def main(e, c):\n    return 1\n"
)


def test_stdlib_is_ignored(tmp_path: Path) -> None:
    c = closure_of(tmp_path, {"handler.py": "import os\nimport json\nimport tomllib\ndef main(e, c):\n    return 1\n"},
                   {"handler.py": "handler.py"}, "handler.main")
    assert c.third_party == [] and c.unresolved == []


def test_runtime_pip_and_third_party(tmp_path: Path) -> None:
    installs = [pip("PyYAML==6.0.1", "PyJWT[crypto]>=2", "beautifulsoup4", "Pillow", "protobuf~=4.0",
                    "psycopg2-binary; python_version>'3.8'", "requests")]
    c = closure_of(tmp_path, {"handler.py": HANDLER_TEXT}, {"handler.py": "handler.py"}, "handler.main", pip=installs)
    assert c.unresolved == []
    assert leaf_modules(c) == {
        "boto3": "runtime", "botocore.exceptions": "runtime", "dateutil.parser": "runtime",
        "yaml": "pip", "jwt": "pip", "bs4": "pip", "PIL": "pip", "google.protobuf": "pip",
        "psycopg2": "pip", "requests": "pip", "urllib3": "pip",  # requests brings urllib3
        "numpy": None,
    }


def test_pip_into_a_subdirectory_is_not_importable_from_root(tmp_path: Path) -> None:
    text = "import yaml\ndef main(e, c):\n    return 1\n"
    c = closure_of(tmp_path, {"handler.py": text}, {"handler.py": "handler.py"}, "handler.main",
                   pip=[pip("pyyaml", prefix="vendor")])
    assert leaf_modules(c) == {"yaml": None}


def test_requirement_files_are_read(tmp_path: Path) -> None:
    files = {
        "handler.py": "import yaml\nimport pydantic\nimport attr\nimport mylib\ndef main(e, c):\n    return 1\n",
        "requirements.txt": "# deps\n-r requirements/base.txt\nattrs==23.1 \\\n  --hash=sha256:abc\n",
        "requirements/base.txt": "PyYAML>=6  # yaml\n--index-url https://example.invalid/simple\npydantic\n-e ./libs/mylib\n",
        "libs/mylib/pyproject.toml": "",
        "libs/mylib/src/mylib/__init__.py": "",
    }
    install = PipInstall(prefix="", requirements=[], requirement_files=["requirements.txt"], span=SPAN)
    c = closure_of(tmp_path, files, {"handler.py": "handler.py"}, "handler.main", pip=[install])
    assert leaf_modules(c) == {"yaml": "pip", "pydantic": "pip", "attr": "pip", "mylib": "pip"}


def test_requirement_flag_inside_requirements_list(tmp_path: Path) -> None:
    files = {"handler.py": "import yaml\ndef main(e, c):\n    return 1\n", "req.txt": "pyyaml\n"}
    c = closure_of(tmp_path, files, {"handler.py": "handler.py"}, "handler.main", pip=[pip("-r req.txt")])
    assert leaf_modules(c) == {"yaml": "pip"}


def test_extra_runtime_modules(tmp_path: Path) -> None:
    repo = write_repo(tmp_path, {"handler.py": "import aws_lambda_powertools\ndef main(e, c):\n    return 1\n"})
    pkg = package({"handler.py": "handler.py"})
    c = compute_closure(pkg, "handler.main", repo, SourceCache(extra_runtime_modules=["aws_lambda_powertools"]))
    assert leaf_modules(c) == {"aws_lambda_powertools": "runtime"}


def test_third_party_leaf_keeps_site_and_chain(tmp_path: Path) -> None:
    files = {"handler.py": "import svc\ndef main(e, c):\n    return 1\n", "svc.py": "\n\nimport stripe\n"}
    c = closure_of(tmp_path, files, {"handler.py": "handler.py", "svc.py": "svc.py"}, "handler.main")
    (leaf,) = c.third_party
    assert (leaf.module, leaf.provided_by, leaf.chain) == ("stripe", None, ["handler", "svc"])
    assert (leaf.site.path, leaf.site.line, leaf.site.text) == ("svc.py", 3, "import stripe")


def test_importlib_literals(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/handler.py": (
            "import importlib\nfrom importlib import import_module\n"
            "mod = importlib.import_module('pkg.plugins.a')\n"
            "rel = import_module('.b', package=__package__)\n"
            "legacy = __import__('pkg.c')\n"
            "dynamic = importlib.import_module(name_from_env)\n"
            "def main(e, c):\n    return 1\n"
        ),
        "pkg/plugins/a.py": "", "pkg/b.py": "", "pkg/c.py": "",
    }
    c = closure_of(tmp_path, files, {"pkg/__init__.py": "pkg/__init__.py", "pkg/handler.py": "pkg/handler.py"},
                   "pkg.handler.main")
    assert sorted(u.site.module for u in c.unresolved) == ["pkg.b", "pkg.c", "pkg.plugins.a"]
    assert sorted(u.repo_path or "" for u in c.unresolved) == ["pkg/b.py", "pkg/c.py", "pkg/plugins/a.py"]


@pytest.mark.parametrize(
    ("req", "name"),
    [("PyYAML==6.0", "PyYAML"), ("requests[socks]>=2", "requests"), ("foo @ https://x/y.whl", "foo"),
     ("git+https://github.com/o/r.git#egg=mypkg", "mypkg"), ("--upgrade", None), ("./local/dir", None),
     ("pkg ; python_version < '3.9'", "pkg")],
)
def test_requirement_name(req: str, name: str | None) -> None:
    assert requirement_name(req) == name


def test_dist_to_import_table() -> None:
    assert import_names("PyYAML")[0] == "yaml"
    assert import_names("python_dateutil")[0] == "dateutil"
    assert import_names("Pillow")[0] == "PIL"
    assert import_names("scikit-learn")[0] == "sklearn"
    assert import_names("aws-lambda-powertools")[0] == "aws_lambda_powertools"
    assert import_names("Some.Thing")[0] == "some_thing"
