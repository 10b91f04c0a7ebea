"""Real small archives for the --zip and smoke tests, built in each test's tmp folder."""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest


def make_zip(path: Path, files: dict[str, str | bytes], **zip_options: object) -> Path:
    """A ZIP of ``files`` (archive path -> text or bytes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, **zip_options) as zf:  # type: ignore[arg-type]
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def zip_tree(path: Path, folder: Path) -> Path:
    """``cd folder && zip -r path .``"""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                zf.write(file, file.relative_to(folder).as_posix())
    return path


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build_wheel(folder: Path, name: str, version: str, modules: dict[str, str]) -> Path:
    """A pure ``py3-none-any`` wheel, written the way build backends write one."""
    dist = f"{name}-{version}.dist-info"
    files: dict[str, bytes] = {k: v.encode() for k, v in modules.items()}
    files[f"{dist}/METADATA"] = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
    files[f"{dist}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    tops = sorted({k.split("/")[0].removesuffix(".py") for k in modules})
    files[f"{dist}/top_level.txt"] = ("\n".join(tops) + "\n").encode()
    record = [_record_line(k, v) for k, v in files.items()] + [f"{dist}/RECORD,,"]
    files[f"{dist}/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel = folder / f"{name}-{version}-py3-none-any.whl"
    make_zip(wheel, files)  # type: ignore[arg-type]
    return wheel


def pip_install(target: Path, *wheels: Path) -> None:
    """``pip install -t target`` of local wheels: the real installer, no network."""
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-index", "--no-deps", "--no-compile",
                           "--disable-pip-version-check", "-t", str(target), *map(str, wheels)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        pytest.skip(f"pip cannot install a local wheel here: {proc.stderr.strip()[-300:]}")

