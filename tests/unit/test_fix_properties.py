"""Property tests of ``--fix`` on generated workflows with flat copies.

For any mix of literal styles, line endings, trailing comments, blank lines, final
newlines and root or nested handlers: no error remains after fixing, fixing again
changes nothing, and every line outside the edited commands is kept byte for byte.
"""

from __future__ import annotations

import difflib
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from validator.autofix.command import compute
from validator.config import load_config
from validator.engine import Selection

NAMES = ["alpha", "beta", "gamma"]


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, object]:
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True))
    return {
        "names": names,
        "nested": {n: draw(st.booleans()) for n in names},
        "style": {n: draw(st.sampled_from(["|", "|-", "|+"])) for n in names},
        "comment": {n: draw(st.booleans()) for n in names},
        "blank": draw(st.booleans()),
        "crlf": draw(st.booleans()),
        "final_newline": draw(st.booleans()),
    }


def _workflow(s: dict[str, object]) -> str:
    names: list[str] = s["names"]  # type: ignore[assignment]
    lines = ["name: deploy", "on: push", "jobs:", "  build:", "    runs-on: ubuntu-latest", "    steps:",
             "      - uses: actions/checkout@v4"]
    for n in names:
        comment = "  # flat on purpose" if s["comment"][n] else ""  # type: ignore[index]
        lines += [f"      - name: Package {n}", f"        run: {s['style'][n]}",  # type: ignore[index]
                  f"          mkdir -p build/{n} dist",
                  f"          cp -r src/lambdas/{n}/* build/{n}/{comment}"]
        if s["blank"]:
            lines.append("")
        lines.append(f"          cd build/{n} && zip -qr ../../dist/{n}.zip .")
    newline = "\r\n" if s["crlf"] else "\n"
    return newline.join(lines) + (newline if s["final_newline"] else "")


def _repo(root: Path, s: dict[str, object]) -> None:
    (root / ".github/workflows").mkdir(parents=True)
    (root / ".github/workflows/deploy.yml").write_bytes(_workflow(s).encode())
    tf = []
    for n in s["names"]:  # type: ignore[attr-defined]
        d = root / "src/lambdas" / n
        d.mkdir(parents=True)
        (d / "__init__.py").write_text("")
        (d / "util.py").write_text("def f(x):\n    return x\n")
        (d / "handler.py").write_text(f"from src.lambdas.{n}.util import f\n\n\ndef lambda_handler(e, c):\n"
                                      "    return f(e)\n")
        handler = f"src.lambdas.{n}.handler.lambda_handler" if s["nested"][n] else "handler.lambda_handler"  # type: ignore[index]
        tf.append(f'resource "aws_lambda_function" "{n}" {{\n  function_name = "{n}"\n'
                  f'  filename = "dist/{n}.zip"\n  handler = "{handler}"\n  runtime = "python3.12"\n}}\n')
    (root / "src/__init__.py").write_text("")
    (root / "src/lambdas/__init__.py").write_text("")
    (root / "main.tf").write_text("\n".join(tf))


def _fix(root: Path) -> tuple[str, str, int]:
    outcome, _ = compute([], root, load_config(root, None), Selection(), unsafe=False)
    rel = ".github/workflows/deploy.yml"
    return outcome.originals[rel], outcome.texts[rel], outcome.final.result.errors


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_fix_properties(s: dict[str, object]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _repo(root, s)
        before, after, errors = _fix(root)
        assert errors == 0
        old, new = before.split("\n"), after.split("\n")
        for tag, i1, i2, _j1, _j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
            if tag in ("replace", "delete"):
                assert all(" cp -r " in line for line in old[i1:i2]), old[i1:i2]
        (root / ".github/workflows/deploy.yml").write_bytes(after.encode())
        again_before, again_after, again_errors = _fix(root)
        assert again_before == again_after == after
        assert again_errors == 0
