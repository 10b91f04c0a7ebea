"""Regenerate tests/unit/data/serverless-oracle.json with the real Serverless Framework.

    npm install --prefix /tmp/sls serverless@3
    python scripts/build_serverless_oracle.py /tmp/sls/node_modules

The oracle holds what the Framework's own code decides, so that the unit tests check
``validator.sources.serverless`` against it offline:

- ``match``: ``micromatch.isMatch(path, pattern, {dot: true})`` (the call
  ``resolveFilePathsFromPatterns`` makes) for every pattern and path of a grid;
- ``cases``: for a file tree and a serverless.yml ``package`` setting (service and
  function), the archive names of the function's ZIP: the real ``packageService`` methods
  (``resolveFilePathsFunction``/``resolveFilePathsAll``, with ``excludeDevDependencies``)
  run on the tree, then the names ``zipFiles`` stores (``path.normalize``, de-duplicated,
  archiver-utils' ``sanitizePath``), or the Framework's error.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tests" / "unit" / "data" / "serverless-oracle.json"

#: the service is ``svc/``; ``shared/`` sits beside it (reached with ``../shared/**``)
TREE = [
    "svc/a.py", "svc/b.txt", "svc/.env", "svc/.env.prod", "svc/README.md", "svc/serverless.yml",
    "svc/utils/__init__.py", "svc/utils/u.py", "svc/utils/x/v.py", "svc/utils/.hidden/c.py",
    "svc/utils/tests/test_u.py", "svc/pkg/m.py", "svc/pkg/data.json", "svc/pkg/sub/n.py",
    "svc/src/app/h.py", "svc/src/app/tests/t.py", "svc/src/lib/l.py", "svc/.github/workflows/ci.yml",
    "svc/f1.py", "svc/f4.py", "svc/ab.py", "svc/_private.py", "svc/layer/python/lp.py",
    "shared/s.py", "shared/deep/d.py", "other/o.py",
]

MATCH_PATTERNS = [
    "**", "**/*", "*", "*.py", "**/*.py", "utils/**", "utils/**/*.py", "utils/*", "utils", "utils/",
    "./**", "./utils/**", ".env*", ".*", "**/.*", "**/tests/**", "**/tests", "{utils,pkg}/**",
    "src/{app,lib}/*.py", "f{1..3}.py", "[ab]*.py", "[!a]*.py", "[^a]*.py", "?.py", "src/**/h.py",
    "../shared/**", "../**", "**/*.{py,json}", "@(a|ab).py", "+(a).py", "a\\*.py", "a**.py",
    "**a.py", "utils/**/", "x/*/y.py", ".git/**", ".serverless/**", "serverless.yml", "*.md",
    "_*", "**/_*", "README.*", "pkg/**/*.py", "!(a).py",
]
MATCH_PATHS = [
    "a.py", "ab.py", "f1.py", "f4.py", "_private.py", ".env", ".env.prod", "README.md", "b.txt",
    "utils", "utils/u.py", "utils/x/v.py", "utils/.hidden/c.py", "utils/tests/test_u.py", "pkg/m.py",
    "pkg/data.json", "pkg/sub/n.py", "src/app/h.py", "src/app/tests/t.py", "src/lib/l.py",
    ".github/workflows/ci.yml", "../shared/s.py", "../shared/deep/d.py", "./a.py", "./utils/u.py",
    "serverless.yml", "a*.py", "x/q/y.py", "layer/python/lp.py",
]

#: (name, service package, function package, individually); a case named "layers…" also
#: declares the layer ``deps`` at ``layer/``
CASES: list[tuple[str, dict[str, object], dict[str, object], bool]] = [
    ("defaults only", {}, {}, False),
    ("exclude everything then include a folder", {"patterns": ["!**/*", "utils/**"]}, {}, False),
    ("later patterns win", {"patterns": ["utils/**", "!utils/x/**", "utils/x/v.py"]}, {}, False),
    ("a negated folder name prunes it", {"patterns": ["!utils"]}, {}, False),
    ("a negated folder glob", {"patterns": ["!utils/**", "utils/u.py"]}, {}, False),
    ("negated tests folders", {"patterns": ["!**/tests/**"]}, {}, False),
    ("negated tests folder names", {"patterns": ["!**/tests"]}, {}, False),
    ("a folder name includes nothing", {"patterns": ["!**/*", "utils", "a.py"]}, {}, False),
    ("a trailing slash includes nothing", {"patterns": ["!**/*", "utils/", "a.py"]}, {}, False),
    ("dot prefix of the service", {"patterns": ["!./**", "../shared/**"]}, {}, False),
    ("dot prefix keeps files from later patterns", {"patterns": ["./utils/*.py", "!utils/**"]}, {}, False),
    ("dot prefix include after an exclude", {"patterns": ["!**/*", "./utils/*.py"]}, {}, False),
    ("files above the service", {"patterns": ["!**/*", "../shared/**", "!../shared/deep/**"]}, {}, False),
    ("include and exclude of v1/v2", {"exclude": ["utils/**"], "include": ["utils/x/**"]}, {}, False),
    ("exclude everything, include back", {"exclude": ["**"], "include": ["src/app/**", "!src/app/tests/**"]},
     {}, False),
    ("a negated exclude re-includes", {"exclude": ["**/*.md", "!README.md"]}, {}, False),
    ("braces", {"patterns": ["!**/*", "{utils,pkg}/**", "!**/*.json"]}, {}, False),
    ("star at the root only", {"patterns": ["!*", "a.py"]}, {}, False),
    ("dot files", {"patterns": ["!.env*"]}, {}, False),
    ("nothing matches", {"patterns": ["!**/*", "nothing/**"]}, {}, False),
    ("micromatch's [!…]", {"patterns": ["!**/*", "[!a]*.py"]}, {}, False),
    ("globstar in the middle", {"patterns": ["!**/*", "src/**/h.py"]}, {}, False),
    ("function patterns follow the service's", {"patterns": ["!**/*", "utils/**"]},
     {"patterns": ["pkg/**", "!utils/x/**"]}, True),
    ("function patterns are ignored unless individually", {"patterns": ["!**/*", "utils/**"]},
     {"patterns": ["pkg/**"]}, False),
    ("function exclude runs before the service's includes", {"patterns": ["!**/*", "utils/**"]},
     {"exclude": ["utils/x/**"], "include": ["pkg/*.py"]}, True),
    ("a repeated pattern counts where it first appears", {"patterns": ["!**/*", "utils/**", "!utils/x/**"]},
     {"patterns": ["utils/**"]}, True),
    ("function include and patterns", {"exclude": ["**"]},
     {"include": ["src/**"], "patterns": ["!src/app/tests/**", "a.py"]}, True),
    ("layers are left out of functions", {"patterns": ["!**/*.md"]}, {}, False),
]

NODE = r"""
const path = require('path');
const modules = process.argv[2];
const serviceDir = process.argv[3];
const cases = JSON.parse(process.argv[4]);
const match = JSON.parse(process.argv[5]);
const req = (m) => require(path.join(modules, m));
const mm = req('micromatch');
const _ = req('lodash');
const sanitize = req('archiver-utils').sanitizePath;
const packageService = req('serverless/lib/plugins/package/lib/package-service.js');
const zipService = req('serverless/lib/plugins/package/lib/zip-service.js');
const version = (m) => req(m + '/package.json').version;
(async () => {
  const out = {
    generated_with: {
      serverless: version('serverless'), globby: version('globby'), 'fast-glob': version('fast-glob'),
      micromatch: version('micromatch'), 'archiver-utils': version('archiver-utils'), node: process.version,
    },
    match: {},
    cases: [],
  };
  for (const p of match.patterns) {
    out.match[p] = match.paths.filter((f) => mm([f], [p], {dot: true}).length > 0);
  }
  for (const c of cases) {
    const fn = {handler: 'a.main', package: JSON.parse(JSON.stringify(c.function))};
    if (c.individually) fn.package.individually = true;
    const layers = c.layers || {};
    const serverless = {
      serviceDir,
      configurationFilename: 'serverless.yml',
      configurationInput: {},
      pluginManager: {parsePluginsObject: () => ({})},
      utils: {},
      service: {
        service: 'svc',
        package: JSON.parse(JSON.stringify(c.service)),
        provider: {},
        getFunction: () => fn,
        getAllLayers: () => Object.keys(layers),
        getLayer: (n) => layers[n],
      },
    };
    const self = Object.assign({serverless}, packageService, zipService);
    let record = {name: c.name};
    try {
      const paths = c.individually ? await self.resolveFilePathsFunction('fn') : await self.resolveFilePathsAll();
      record.files = _.uniq(paths.map((f) => path.normalize(f))).map(sanitize).sort();
    } catch (e) {
      record.error = e.message;
    }
    out.cases.push(record);
  }
  process.stdout.write(JSON.stringify(out));
})();
"""


def _layers(name: str) -> dict[str, dict[str, str]]:
    return {"deps": {"path": "layer"}} if name.startswith("layers") else {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("node_modules", type=Path, help="a node_modules folder with serverless@3 installed")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for rel in TREE:
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"# {rel}\n")
        cases = [{"name": n, "service": s, "function": f, "individually": i, "layers": _layers(n)}
                 for n, s, f, i in CASES]
        script = root / "oracle.js"
        script.write_text(NODE)
        run = subprocess.run(
            ["node", str(script), str(args.node_modules.resolve()), str(root / "svc"), json.dumps(cases),
             json.dumps({"patterns": MATCH_PATTERNS, "paths": MATCH_PATHS})],
            capture_output=True, text=True, check=False)
    if run.returncode != 0:
        sys.stderr.write(run.stderr)
        return 1
    data = json.loads(run.stdout)
    for record, (name, service, function, individually) in zip(data["cases"], CASES, strict=True):
        record.update(service=service, function=function, individually=individually, layers=_layers(name))
    data = {"tree": TREE, "service_dir": "svc", "paths": MATCH_PATHS, **data}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n")
    print(f"wrote {OUT.relative_to(Path.cwd()) if OUT.is_relative_to(Path.cwd()) else OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
