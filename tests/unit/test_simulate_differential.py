"""The simulated package trees must equal what bash + Info-ZIP really build.

Each case writes a small repository with a workflow, runs it for real with
``tests/harness/realbuild.py`` (in a sandboxed temporary copy, with stubs for pip/aws), and
compares every archive's member list with the simulated package's files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from harness.realbuild import real_build, tools_missing
from test_simulate_support import job, make_repo

from validator.model import Workflow
from validator.simulate import simulate

pytestmark = pytest.mark.skipif(bool(tools_missing()), reason="needs bash and zip")

REPO = ["src/lambdas/ingestion/handler.py", "src/lambdas/ingestion/alerting.py",
        "src/lambdas/ingestion/.hidden.py", "src/lambdas/ingestion/tests/test_h.py",
        "src/lambdas/ingestion/cache.pyc", "src/lambdas/analysis/handler.py",
        "src/lambdas/shared/__init__.py", "src/lambdas/shared/util.py", "src/lib/db.py", "README.md"]

CASES = {
    "flat-glob-and-nested": """
mkdir -p build/ingestion
cp -r src/lambdas/ingestion/* build/ingestion/
mkdir -p build/ingestion/src/lambdas
cp -r src/lambdas/shared build/ingestion/src/lambdas/
cp -r src/lambdas/shared build/ingestion/src/lambdas/
cd build/ingestion && zip -r ../../ingestion.zip . -x '*.pyc' 'tests/*'
""",
    "dot-contents-and-parent-zip": """
mkdir build
cp -r src/lambdas/ingestion/. build/
cp -R src/lib build/lib
zip -rq analysis.zip build -x '*/tests/*'
zip -j flat.zip src/lambdas/ingestion/handler.py src/lib/db.py
""",
    "function-loop-subshell": """
package() {
  local name=$1
  local out=dist/$name
  mkdir -p "$out"
  cp -r "src/lambdas/$name"/*.py "$out/"
  cp -r src/lambdas/shared "$out/"
  (cd "$out" && zip -qr "../$name.zip" .)
}
for fn in ingestion analysis; do
  package "$fn"
done
""",
    "rsync": """
mkdir stage
rsync -a --exclude 'tests/' --exclude '*.pyc' src/lambdas/ingestion/ stage/
rsync -a src/lib stage/
cd stage && zip -r ../synced.zip .
""",
    # fuzzer, shrunk (issue 10 #7): rsync tries its filter rules in command-line order, the
    # first match decides: the .py files are kept, everything else excluded
    "rsync-include-before-exclude": """
mkdir -p build/ingestion
rsync -a --include='*.py' --exclude='*' src/lambdas/ingestion/ build/ingestion/
rsync -a --exclude '*.pyc' --include '*' src/lib/ build/ingestion/lib/
(cd build/ingestion && zip -qr ../../ingestion.zip .)
""",
    # fuzzer, shrunk (issue 10 #5): cd, pushd and popd set OLDPWD; `cd -` goes back to it
    "pushd-oldpwd": """
mkdir -p build/ingestion dist
pushd src/lambdas/ingestion >/dev/null
cp -r . "$OLDPWD/build/ingestion/"
popd >/dev/null
pushd build/ingestion >/dev/null
zip -qr "$OLDPWD/dist/ingestion.zip" . -x '*.pyc'
popd >/dev/null
cd src/lib
cd -
zip -qj dist/lib.zip "$OLDPWD/db.py" src/lambdas/analysis/handler.py
""",
    # fuzzer, shrunk (issue 10 #4): a copy into a missing folder that does not stop the step
    # (find -exec … \\;, || true, if) copies nothing, and the step goes on without the files
    "failed-copy-that-goes-on": """
mkdir -p build
find src/lambdas/ingestion -name 'handler.py' -exec cp {} build/pkg/ \\;
cp src/lib/db.py build/lib/ || true
if cp -r src/lambdas/shared build/x/y/; then echo copied; fi
cp -r src/lambdas/analysis/. build/
(cd build && zip -qr ../goes-on.zip .)
""",
    # fuzzer, shrunk: a failing copy in a non-final && item ends the chain there; the items
    # after `|| true` run again
    "failed-copy-ends-its-chain": """
mkdir -p build/ingestion
cp -r src/lambdas/ingestion/* build/ingestion/pkg/ && cp -r src/lambdas/shared build/ingestion/ || true && touch build/ingestion/VERSION
cp src/lib/db.py build/nowhere/ || cp src/lib/db.py build/ingestion/
(cd build/ingestion && zip -qr ../../chained.zip .)
""",
    # fuzzer, shrunk: `pip install -r` of a file that does not exist fails; in a non-final
    # && item the loop iteration's chain ends there (no archive), the next iteration goes on
    "pip-missing-requirements-ends-its-chain": """
for f in ingestion analysis; do
  mkdir -p build/$f && cp src/lambdas/$f/handler.py build/$f/ && pip install -r src/lambdas/$f/requirements.txt -t build/$f && (cd build/$f && zip -qr ../../$f.zip .)
  [ "$f" = analysis ] && (cd build/$f && zip -qr ../../fallback.zip .)
done
""",
    "mv-update-zipfile": """
mkdir stage
cp -r src/lambdas/ingestion/* stage/
cp -r src/lib stage/
mv stage/lib stage/vendor
cd stage
zip -r ../staged.zip .
rm -rf vendor
zip -r ../staged.zip .
zip -r -FS ../synced.zip .
cd ..
[ -d stage/vendor ] || cp -r src/lambdas/shared stage/
python3 -m zipfile -c pyzip.zip stage src/lib/db.py
""",
    "if-case-pushd": """
mkdir -p out/pkg
if [ -f src/lambdas/analysis/handler.py ]; then
  cp src/lambdas/analysis/handler.py out/pkg/
else
  cp src/lambdas/ingestion/handler.py out/pkg/
fi
case "analysis" in
  ana*) touch out/pkg/__init__.py ;;
  *) touch out/pkg/wrong.py ;;
esac
pushd out
zip -r ../cased.zip pkg
popd
""",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_simulation_matches_real_build(tmp_path: Path, name: str) -> None:
    if "rsync" in CASES[name] and shutil.which("rsync") is None:
        pytest.skip("rsync is not installed")
    script = CASES[name].lstrip("\n")
    yaml = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n" + \
        "".join(f"          {line}\n" for line in script.splitlines())
    repo = make_repo(tmp_path, {**{f: "" for f in REPO}, ".github/workflows/deploy.yml": yaml})
    real = real_build(tmp_path).as_dict()
    assert real["failed_steps"] == []
    expected = {path: sorted(m for m in members if not m.endswith("/"))
                for path, members in real["archives"].items()}
    result = simulate(Workflow(".github/workflows/deploy.yml", yaml, [job(script)]), repo)
    simulated = {p.archive: sorted(f for f in p.files if not f.endswith("/")) for p in result.packages}
    assert simulated == expected
