"""Build ``validator/model/data/stdlib.json``: ``sys.stdlib_module_names`` per Python version.

3.10-3.13 are read from real interpreters (found as ``python3.X`` on PATH or under
``~/.pyenv/versions``).  3.9 has no ``sys.stdlib_module_names`` and 3.14 was not
available where the data was built, so both are derived and the output says so:

- 3.9 = 3.10 plus what 3.10 removed: ``formatter`` (deprecated since 3.4), ``parser`` and
  ``symbol`` (PEP 617), and the private ``_peg_parser`` and ``_bootlocale`` (What's New
  in Python 3.10, "Removed");
- 3.14 = 3.13 plus ``annotationlib`` (PEP 649/749), ``compression`` (PEP 784) and the
  private ``_hmac``, ``_py_warnings``, ``_remote_debugging``, ``_types``, ``_zstd``, minus
  ``_compression`` (moved into ``compression``), as stdlib-list 0.12.0's 3.14 list has it.

Run: ``python scripts/build_stdlib.py``
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "validator" / "model" / "data" / "stdlib.json"
MEASURED = ("3.10", "3.11", "3.12", "3.13")
REMOVED_IN_3_10 = ("formatter", "parser", "symbol", "_peg_parser", "_bootlocale")
ADDED_IN_3_14 = ("annotationlib", "compression", "_hmac", "_py_warnings", "_remote_debugging", "_types", "_zstd")
REMOVED_IN_3_14 = ("_compression",)


def interpreter(version: str) -> str | None:
    found = shutil.which(f"python{version}")
    candidates = [found] if found else []
    candidates += sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python{version}")))
    for path in candidates:
        out = subprocess.run([path, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True, text=True)
        if out.returncode == 0 and out.stdout.strip() == str(tuple(int(p) for p in version.split("."))):
            return path
    return None


def names(path: str) -> tuple[list[str], str]:
    out = subprocess.run([path, "-c", "import sys, platform; print(platform.python_version()); "
                          "print('\\n'.join(sorted(sys.stdlib_module_names)))"], capture_output=True, text=True, check=True)
    lines = out.stdout.split()
    return lines[1:], lines[0]


def main() -> int:
    versions: dict[str, list[str]] = {}
    sources: dict[str, str] = {}
    for version in MEASURED:
        path = interpreter(version)
        if path is None:
            raise SystemExit(f"python{version} not found")
        versions[version], full = names(path)
        sources[version] = f"sys.stdlib_module_names of CPython {full}"
    versions["3.9"] = sorted({*versions["3.10"], *REMOVED_IN_3_10})
    sources["3.9"] = "derived: 3.10 plus " + ", ".join(REMOVED_IN_3_10) + " (removed in 3.10)"
    versions["3.14"] = sorted({*versions["3.13"], *ADDED_IN_3_14} - set(REMOVED_IN_3_14))
    sources["3.14"] = ("derived: 3.13 plus " + ", ".join(ADDED_IN_3_14) + ", minus " + ", ".join(REMOVED_IN_3_14)
                       + " (stdlib-list 0.12.0's 3.14 list)")
    out = {"about": __doc__.split("\n\n")[0] + " See scripts/build_stdlib.py.", "sources": sources,
           "versions": dict(sorted(versions.items(), key=lambda kv: tuple(int(p) for p in kv[0].split("."))))}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT}: " + ", ".join(f"{v} ({len(n)})" for v, n in out["versions"].items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
