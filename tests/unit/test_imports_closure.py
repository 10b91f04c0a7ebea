"""The closure walk: package layouts, namespace packages, __init__ files, relative imports, cycles."""

from __future__ import annotations

from pathlib import Path

from test_imports_support import closure_of, copy_tree, unresolved_modules

INGESTION = {
    "src/__init__.py": "",
    "src/lambdas/__init__.py": "",
    "src/lambdas/ingestion/__init__.py": "",
    "src/lambdas/ingestion/handler.py": (
        "import json\n"
        "from src.lambdas.ingestion.alerting import send\n"
        "from src.lambdas.shared import config\n"
        "\n"
        "def lambda_handler(event, context):\n"
        "    return send(config.NAME)\n"
    ),
    "src/lambdas/ingestion/alerting.py": "from src.lib.notify import post\n\ndef send(x):\n    return post(x)\n",
    "src/lambdas/shared/__init__.py": "",
    "src/lambdas/shared/config.py": "NAME = 'x'\n",
    "src/lib/__init__.py": "",
    "src/lib/notify.py": "def post(x):\n    return x\n",
}


def test_flat_copy_with_nested_imports_is_unresolved(tmp_path: Path) -> None:
    """The seed incident: files copied flat to the root, code imports src.lambdas.ingestion.*."""
    layout = copy_tree(INGESTION, "src/lambdas/ingestion", "")
    c = closure_of(tmp_path, INGESTION, layout, "handler.lambda_handler")
    assert c.handler_file == "handler.py"
    assert c.handler_function_found is True
    by_target = {u.site.module: u for u in c.unresolved}
    alerting = by_target["src.lambdas.ingestion.alerting"]
    assert alerting.module == "src"
    assert alerting.reason == "missing"
    assert alerting.repo_path == "src/lambdas/ingestion/alerting.py"
    assert alerting.chain == ["handler"]
    assert alerting.site.line == 2
    assert alerting.site.text == "from src.lambdas.ingestion.alerting import send"
    assert by_target["src.lambdas.shared"].repo_path == "src/lambdas/shared/config.py"


def test_nested_copy_with_all_dependencies_resolves(tmp_path: Path) -> None:
    layout = copy_tree(INGESTION, "src", "src")
    c = closure_of(tmp_path, INGESTION, layout, "src.lambdas.ingestion.handler.lambda_handler")
    assert c.unresolved == []
    assert c.handler_file == "src/lambdas/ingestion/handler.py"
    assert c.modules["src.lib.notify"] == "src/lib/notify.py"
    assert c.modules["src.lambdas.shared.config"] == "src/lambdas/shared/config.py"


def test_missing_shared_library_is_reported_with_chain(tmp_path: Path) -> None:
    layout = copy_tree(INGESTION, "src/lambdas", "src/lambdas")
    c = closure_of(tmp_path, INGESTION, layout, "src/lambdas/ingestion/handler.lambda_handler")
    assert unresolved_modules(c) == ["src.lib"]
    (u,) = c.unresolved
    assert u.repo_path == "src/lib/notify.py"
    assert u.chain == ["src.lambdas.ingestion.handler", "src.lambdas.ingestion.alerting"]
    assert u.site.path == "src/lambdas/ingestion/alerting.py"


def test_handler_at_root_plus_nested_copy_resolves(tmp_path: Path) -> None:
    """The double copy: handler at the root for the handler string, nested for the imports."""
    layout = {**copy_tree(INGESTION, "src/lambdas/ingestion", ""), **copy_tree(INGESTION, "src", "src")}
    c = closure_of(tmp_path, INGESTION, layout, "handler.lambda_handler")
    assert c.unresolved == []
    assert c.modules["src.lambdas.ingestion.alerting"] == "src/lambdas/ingestion/alerting.py"


def test_namespace_packages_need_no_init(tmp_path: Path) -> None:
    files = {
        "app/handler.py": "from app.core.logic import run\n\ndef main(e, c):\n    return run()\n",
        "app/core/logic.py": "from app.core import helpers\n\ndef run():\n    return helpers\n",
        "app/core/helpers.py": "",
    }
    c = closure_of(tmp_path, files, copy_tree(files, "app", "app"), "app/handler.main")
    assert c.unresolved == []
    assert c.modules["app.core"] == "app/core"  # a namespace package: its directory
    assert c.modules["app.core.helpers"] == "app/core/helpers.py"


def test_missing_submodule_of_namespace_package(tmp_path: Path) -> None:
    files = {
        "app/handler.py": "from app.core import helpers\n\ndef main(e, c):\n    return 1\n",
        "app/core/helpers.py": "",
        "app/core/other.py": "",
    }
    layout = {"app/handler.py": "app/handler.py", "app/core/other.py": "app/core/other.py"}
    c = closure_of(tmp_path, files, layout, "app.handler.main")
    assert unresolved_modules(c) == ["app.core.helpers"]
    assert c.unresolved[0].repo_path == "app/core/helpers.py"


def test_package_init_imports_are_followed(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "from pkg.registry import REGISTRY\n",
        "pkg/registry.py": "import pkg.plugins.extra\nREGISTRY = {}\n",
        "pkg/plugins/extra.py": "",
        "pkg/handler.py": "def main(e, c):\n    return 1\n",
    }
    layout = {p: p for p in ("pkg/__init__.py", "pkg/registry.py", "pkg/handler.py")}
    c = closure_of(tmp_path, files, layout, "pkg.handler.main")
    assert unresolved_modules(c) == ["pkg.plugins"]
    (u,) = c.unresolved
    assert u.chain == ["pkg.handler", "pkg", "pkg.registry"]
    assert u.repo_path == "pkg/plugins/extra.py"


def test_from_package_import_name_defined_in_init_is_fine(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "VALUE = 1\n",
        "pkg/handler.py": "from pkg import VALUE\nfrom . import VALUE as V\n\ndef main(e, c):\n    return V\n",
    }
    c = closure_of(tmp_path, files, copy_tree(files, "pkg", "pkg"), "pkg.handler.main")
    assert c.unresolved == []


def test_from_package_import_submodule_left_out(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/handler.py": "from . import utils\n\ndef main(e, c):\n    return utils\n",
        "pkg/utils.py": "",
    }
    layout = {"pkg/__init__.py": "pkg/__init__.py", "pkg/handler.py": "pkg/handler.py"}
    c = closure_of(tmp_path, files, layout, "pkg.handler.main")
    assert unresolved_modules(c) == ["pkg.utils"]
    assert c.unresolved[0].repo_path == "pkg/utils.py"


def test_relative_imports_in_a_nested_package_resolve(tmp_path: Path) -> None:
    files = {
        "svc/__init__.py": "",
        "svc/api/__init__.py": "",
        "svc/api/handler.py": "from .routes import r\nfrom ..common.db import conn\n\ndef main(e, c):\n    return r\n",
        "svc/api/routes.py": "r = 1\n",
        "svc/common/__init__.py": "",
        "svc/common/db.py": "conn = None\n",
    }
    c = closure_of(tmp_path, files, copy_tree(files, "svc", "svc"), "svc.api.handler.main")
    assert c.unresolved == []
    assert "svc.common.db" in c.modules
    assert c.modules["svc.api.routes"] == "svc/api/routes.py"


def test_relative_import_in_top_level_handler_fails(tmp_path: Path) -> None:
    files = {
        "svc/handler.py": "from .routes import r\n\ndef main(e, c):\n    return r\n",
        "svc/routes.py": "r = 1\n",
    }
    c = closure_of(tmp_path, files, copy_tree(files, "svc", ""), "handler.main")
    (u,) = c.unresolved
    assert u.reason == "relative-import-in-top-level-module"
    assert u.module == ".routes"
    assert u.site.level == 1
    assert u.repo_path == "svc/routes.py"


def test_relative_import_beyond_top_level_package(tmp_path: Path) -> None:
    files = {"pkg/__init__.py": "", "pkg/handler.py": "from ..x import y\n\ndef main(e, c):\n    return y\n"}
    c = closure_of(tmp_path, files, copy_tree(files, "pkg", "pkg"), "pkg.handler.main")
    assert [u.reason for u in c.unresolved] == ["relative-import-beyond-top-level-package"]


def test_sibling_module_in_repo_is_first_party(tmp_path: Path) -> None:
    """Flat-layout intent: `import utils` next to the handler's source, but utils.py not copied."""
    files = {
        "functions/orders/handler.py": "import utils\n\ndef main(e, c):\n    return utils\n",
        "functions/orders/utils.py": "",
    }
    layout = {"handler.py": "functions/orders/handler.py"}
    c = closure_of(tmp_path, files, layout, "handler.main")
    (u,) = c.unresolved
    assert (u.module, u.repo_path, u.reason) == ("utils", "functions/orders/utils.py", "missing")


def test_module_under_conventional_root_is_first_party(tmp_path: Path) -> None:
    files = {
        "src/handler.py": "from common.db import conn\n\ndef main(e, c):\n    return conn\n",
        "lib/common/db.py": "conn = 1\n",
    }
    c = closure_of(tmp_path, files, {"handler.py": "src/handler.py"}, "handler.main")
    assert [u.repo_path for u in c.unresolved] == ["lib/common/db.py"]


def test_cycles_terminate(tmp_path: Path) -> None:
    files = {
        "a.py": "import b\n\ndef main(e, c):\n    return 1\n",
        "b.py": "import c\nimport a\n",
        "c.py": "from a import main\nimport b\n",
    }
    c = closure_of(tmp_path, files, copy_tree(files, "", ""), "a.main")
    assert c.unresolved == []
    assert set(c.modules) == {"a", "b", "c"}


def test_duplicate_imports_reported_once(tmp_path: Path) -> None:
    files = {
        "handler.py": "import helpers\n\ndef main(e, c):\n    import helpers\n    return helpers\n",
        "helpers.py": "",
    }
    c = closure_of(tmp_path, files, {"handler.py": "handler.py"}, "handler.main")
    assert len(c.unresolved) == 1


def test_generated_init_does_not_hide_missing_modules(tmp_path: Path) -> None:
    """`touch build/pkg/__init__.py` makes a package whose content is unknown; its submodules
    still come from the repository and are still checked."""
    files = {"pkg/handler.py": "from pkg.models import M\n\ndef main(e, c):\n    return M\n", "pkg/models.py": ""}
    layout: dict[str, str | None] = {"pkg/__init__.py": None, "pkg/handler.py": "pkg/handler.py"}
    c = closure_of(tmp_path, files, layout, "pkg.handler.main")
    assert unresolved_modules(c) == ["pkg.models"]


def test_installed_packages_resolve_without_being_followed(tmp_path: Path) -> None:
    files = {"handler.py": "import requests\nfrom pydantic.v1 import BaseModel\n\ndef main(e, c):\n    return 1\n"}
    c = closure_of(
        tmp_path, files, {"handler.py": "handler.py"}, "handler.main",
        installed=["requests/__init__.py", "pydantic/__init__.py"],
    )
    assert c.unresolved == [] and c.third_party == []
    assert c.modules["requests"] == "requests/__init__.py"


def test_extension_modules_count(tmp_path: Path) -> None:
    files = {"handler.py": "import fastmath\n\ndef main(e, c):\n    return 1\n"}
    c = closure_of(
        tmp_path, files, {"handler.py": "handler.py"}, "handler.main",
        installed=["fastmath.cpython-312-x86_64-linux-gnu.so"],
    )
    assert c.third_party == [] and c.unresolved == []
    assert c.modules["fastmath"] == "fastmath.cpython-312-x86_64-linux-gnu.so"


def test_deterministic(tmp_path: Path) -> None:
    layout = copy_tree(INGESTION, "src/lambdas/ingestion", "")
    first = closure_of(tmp_path, INGESTION, layout, "handler.lambda_handler")
    second = closure_of(tmp_path, INGESTION, layout, "handler.lambda_handler")
    assert first == second


GOOGLE_HELPER = {
    "etl/__init__.py": "import utils.gcp\n\ndef handler(event, context):\n    return utils.gcp.creds()\n",
    "utils/__init__.py": "",
    # a helper named like the distribution it uses: `google.oauth2` is google-auth's
    "utils/google.py": "from google.oauth2 import service_account\n\ndef creds():\n    return service_account\n",
    "utils/gcp.py": "from utils.google import creds\n",
    "utils/cloud.py": "from google.cloud import storage\n",
    "vendor/google/__init__.py": "",
}


def test_a_module_named_like_a_distribution_is_not_its_code(tmp_path: Path) -> None:
    """`import google.oauth2` in utils/google.py cannot mean that very file, nor any plain
    module google.py (a module has no submodules): no repository path, so no misplacement."""
    layout = copy_tree(GOOGLE_HELPER, "etl", "etl") | copy_tree(GOOGLE_HELPER, "utils", "utils")
    c = closure_of(tmp_path, GOOGLE_HELPER, layout, "etl.handler")
    assert c.unresolved == []
    assert "google.oauth2" in {leaf.module for leaf in c.third_party}


def test_a_package_named_like_the_import_is_still_its_home(tmp_path: Path) -> None:
    files = {**GOOGLE_HELPER, "etl/__init__.py": "import utils.cloud\n\ndef handler(event, context):\n    pass\n",
             "google/__init__.py": "", "google/cloud/__init__.py": ""}
    layout = copy_tree(files, "etl", "etl") | copy_tree(files, "utils", "utils")
    c = closure_of(tmp_path, files, layout, "etl.handler")
    assert [(u.site.module, u.repo_path) for u in c.unresolved] == [("google.cloud", "google/cloud")]
