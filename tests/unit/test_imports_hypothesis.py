"""Random module graphs: the closure never crashes, terminates, and is deterministic."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_imports_support import package, write_repo

from validator.pyimports import SourceCache, compute_closure

MODULES = ["app/handler.py", "app/__init__.py", "app/core/a.py", "app/core/__init__.py", "app/core/b.py",
           "lib/c.py", "d.py", "pkg/e.py", "pkg/sub/f.py", "broken.py"]
TARGETS = ["app.core.a", "app.core.b", "lib.c", "d", "pkg.e", "pkg.sub.f", "missing.mod", "yaml", "os", "boto3",
           "broken"]

import_line = st.one_of(
    st.builds(lambda t: f"import {t}", st.sampled_from(TARGETS)),
    st.builds(lambda t: f"from {t} import x", st.sampled_from(TARGETS)),
    st.builds(lambda lv, t: f"from {'.' * lv}{t.rsplit('.', 1)[-1]} import y", st.integers(1, 3), st.sampled_from(TARGETS)),
    st.builds(lambda: "from . import a, b"),
    st.builds(lambda t: f"importlib.import_module('{t}')", st.sampled_from(TARGETS)),
    st.builds(lambda t: f"sys.path.append('{t}')", st.sampled_from(["lib", "pkg", "app/core", "../x", "."])),
)
wrapped = st.tuples(st.sampled_from(["plain", "func", "try", "tryopt", "typecheck"]), import_line)


def render(lines: list[tuple[str, str]]) -> str:
    out = ["import importlib, sys", "from typing import TYPE_CHECKING"]
    for how, line in lines:
        if how == "func":
            out += ["def f():", f"    {line}"]
        elif how == "try":
            out += ["try:", f"    {line}", "except ImportError:", "    import d"]
        elif how == "tryopt":
            out += ["try:", f"    {line}", "except ImportError:", "    pass"]
        elif how == "typecheck":
            out += ["if TYPE_CHECKING:", f"    {line}"]
        else:
            out.append(line)
    out += ["def main(e, c):", "    return 1"]
    return "\n".join(out) + "\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    bodies=st.lists(st.lists(wrapped, max_size=5), min_size=len(MODULES), max_size=len(MODULES)),
    packaged=st.lists(st.booleans(), min_size=len(MODULES), max_size=len(MODULES)),
    prefix=st.sampled_from(["", "build"]),
    handler=st.sampled_from(["app.handler.main", "app/handler.main", "handler.main", "d.main", "app.main"]),
)
def test_random_graphs(bodies: list[list[tuple[str, str]]], packaged: list[bool], prefix: str, handler: str) -> None:
    files = {path: render(body) for path, body in zip(MODULES, bodies, strict=True)}
    files["broken.py"] = "def oops(:\n"
    layout: dict[str, str | None] = {}
    for path, keep in zip(MODULES, packaged, strict=True):
        if keep or path == "app/handler.py":
            layout[f"{prefix}/{path}" if prefix else path] = path
    with tempfile.TemporaryDirectory() as tmp:
        repo = write_repo(Path(tmp), files)
        first = compute_closure(package(layout), handler, repo, SourceCache())
        second = compute_closure(package(layout), handler, repo, SourceCache())
    assert first == second
    for name, path in first.modules.items():
        assert path in layout or any(p.startswith(path + "/") for p in layout), name
    for u in first.unresolved:
        assert u.chain and u.chain[0] == first.handler_module
        assert not u.site.optional
    keys = [(u.module, u.site.path, u.site.module) for u in first.unresolved]
    assert len(keys) == len(set(keys))
