"""Steps that only read are not interpreted (``validator/shell/readonly.py``).  The
property that makes this safe: whenever ``reads_only`` says so, skipping the step gives
exactly the analysis that interpreting it gives."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st
from test_simulate_support import job, run, step

import validator.simulate as simulate_module
from validator.model import SimulationResult
from validator.syntax.shell.readonly import reads_only

SRC = {"src/lambdas/a/handler.py": "", "src/lambdas/a/util.py": "", "src/shared/db.py": "",
       "reports/junit.xml": ""}

READING = [
    "echo \"run ${{ github.run_id }}\"", "if [ -d reports ]; then\n  find reports -name '*.xml' | sort | head -n 5\nfi",
    "ls -la build || true", "declare -A seen=([a]=1 [b]=2)\necho \"${#seen[@]} keys\"", "x=$((1 + 2)); echo $x",
    "printf '%s\\n' a b >/dev/null 2>&1", "cat <<EOF\nsummary\nEOF",
    "for f in build/*; do echo \"$f\"; done", "[[ -f build/handler.py ]] && echo yes", "exit 0", "set -eu",
    "grep -r handler src | wc -l", "echo done >&2", "test -d build || echo none",
]
WRITING = [
    "cp src/shared/db.py build/", "mkdir -p build/extra", "touch build/new.py", "echo x > build/gen.py",
    "rm -rf build/util.py", "echo SHA=abc >> $GITHUB_ENV", "cat <<EOF > build/conf.py\nX = 1\nEOF",
    "find src/shared -name '*.py' -exec cp {} build/ \\;", "echo $(cp src/shared/db.py build/)",
    "mv build/util.py build/moved.py", "aws s3 cp a.zip s3://bucket/a.zip", "zip -qr early.zip build",
    "tar -xzf x.tgz -C build", "while read f; do cp \"$f\" build/; done < <(ls src/shared/*.py)",
    "(( n = 1 ))", "source scripts/none.sh", "echo 'unterminated", "cd build && ls", "cd missing",
]


def summary(result: SimulationResult) -> tuple:
    packages = sorted((p.archive, sorted((path, f.kind.value, f.source, str(f.origin)) for path, f in p.files.items()))
                      for p in result.packages)
    copies = [(str(c.span), c.target, c.failed) for c in result.copies]
    deploys = [(str(d.span), d.archive, d.kind) for d in result.deploys]
    notes = [(str(u.span), u.reason, u.could_touch_package) for u in result.unmodelled]
    return packages, copies, deploys, notes


def simulate_with_and_without_skipping(root: Path, script: str, working_directory: str | None) -> tuple:
    steps = lambda: job(step("mkdir -p build && cp -r src/lambdas/a/. build/"),  # noqa: E731
                        step(script, working_directory=working_directory),
                        step("cd build && zip -qr ../a.zip . && cd .. && zip -qr everything.zip ."))
    skipped = summary(run(root / "skip", SRC, steps()))
    with mock.patch.object(simulate_module, "reads_only", lambda text: False):
        interpreted = summary(run(root / "full", SRC, steps()))
    return skipped, interpreted


lines = st.lists(st.sampled_from(READING + WRITING), min_size=1, max_size=4)
reading = st.lists(st.sampled_from(READING), min_size=1, max_size=4)


@settings(max_examples=int(os.environ.get("READONLY_EXAMPLES", "60")), deadline=None)
@given(st.one_of(reading, lines), st.sampled_from([None, "build", "later"]))
def test_skipping_a_reading_step_changes_nothing(chosen: list[str], working_directory: str | None) -> None:
    script = "\n".join(chosen)
    with tempfile.TemporaryDirectory() as tmp:
        skipped, interpreted = simulate_with_and_without_skipping(Path(tmp), script, working_directory)
    if reads_only(script):
        assert skipped == interpreted, script


def test_the_vocabularies_are_classified_as_intended() -> None:
    assert all(reads_only(line) for line in READING)
    assert not any(reads_only(line) for line in WRITING)
    assert not reads_only("\n".join([*READING, WRITING[0]]))
