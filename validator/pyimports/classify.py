"""Who provides a module the package tree does not hold: the standard library, the
Lambda runtime, or a ``pip install -t`` into the archive root."""

from __future__ import annotations

import re
import sys

from validator.model import Package, PipInstall
from validator.model.dists import RUNTIME_MODULES
from validator.model.repo import Repo

STDLIB = frozenset(sys.stdlib_module_names) | {"__future__", "__main__"}

#: boto3's dependency closure plus the runtime interface client (lambda-facts §2)
RUNTIME = RUNTIME_MODULES | {"pip", "setuptools", "pkg_resources", "_distutils_hack"}

#: distributions whose import name differs from the normalised distribution name
#: (lambda-facts §9, plus well-known cases); keys are PEP 503 normalised
DIST_TO_IMPORT: dict[str, tuple[str, ...]] = {
    "pyyaml": ("yaml", "_yaml"),
    "beautifulsoup4": ("bs4",),
    "pyjwt": ("jwt",),
    "python-dateutil": ("dateutil",),
    "pillow": ("PIL",),
    "protobuf": ("google.protobuf",),
    "psycopg2-binary": ("psycopg2",),
    "psycopg-binary": ("psycopg_binary",),
    "psycopg": ("psycopg",),
    "pymysql": ("pymysql",),
    "python-json-logger": ("pythonjsonlogger",),
    "email-validator": ("email_validator",),
    "attrs": ("attr", "attrs"),
    "python-dotenv": ("dotenv",),
    "scikit-learn": ("sklearn",),
    "opencv-python": ("cv2",),
    "opencv-python-headless": ("cv2",),
    "opencv-contrib-python": ("cv2",),
    "opencv-contrib-python-headless": ("cv2",),
    "pycryptodome": ("Crypto",),
    "pycryptodomex": ("Cryptodome",),
    "google-cloud-storage": ("google.cloud.storage",),
    "google-api-python-client": ("googleapiclient",),
    "google-auth": ("google.auth", "google.oauth2"),
    "grpcio": ("grpc",),
    "msgpack-python": ("msgpack",),
    "python-magic": ("magic",),
    "python-multipart": ("multipart", "python_multipart"),
    "python-jose": ("jose",),
    "pyopenssl": ("OpenSSL",),
    "pynacl": ("nacl",),
    "pysocks": ("socks", "sockshandler"),
    "typing-extensions": ("typing_extensions",),
    "setuptools": ("setuptools", "pkg_resources", "_distutils_hack"),
    "ruamel-yaml": ("ruamel.yaml",),
    "opensearch-py": ("opensearchpy",),
    "elasticsearch-dsl": ("elasticsearch_dsl",),
    "aws-requests-auth": ("aws_requests_auth",),
    "requests-aws4auth": ("requests_aws4auth",),
    "dnspython": ("dns",),
    "pyzmq": ("zmq",),
    "faiss-cpu": ("faiss",),
    "tensorflow-cpu": ("tensorflow",),
    "mysql-connector-python": ("mysql.connector",),
    "mysqlclient": ("MySQLdb",),
}

#: what a few very common distributions pull in, so ``pip install requests`` also
#: provides ``urllib3``; incomplete by nature, used to avoid false "not bundled" leaves
DEPENDENCIES: dict[str, tuple[str, ...]] = {
    "requests": ("urllib3", "idna", "certifi", "charset_normalizer", "chardet"),
    "boto3": ("botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six"),
    "botocore": ("jmespath", "dateutil", "urllib3", "six"),
    "pydantic": ("pydantic_core", "typing_extensions", "annotated_types", "typing_inspection"),
    "aws-lambda-powertools": ("typing_extensions", "jmespath"),
    "httpx": ("httpcore", "h11", "anyio", "sniffio", "idna", "certifi"),
    "pandas": ("numpy", "dateutil", "pytz", "tzdata", "six"),
    "python-dateutil": ("six",),
    "jsonschema": ("attr", "attrs", "jsonschema_specifications", "referencing", "rpds"),
    "cryptography": ("cffi", "_cffi_backend", "pycparser"),
    "pyjwt": ("jwt",),
    "fastapi": ("starlette", "pydantic", "pydantic_core", "typing_extensions", "anyio", "annotated_types"),
    "mangum": ("typing_extensions",),
    "aws-xray-sdk": ("wrapt", "botocore"),
    "opensearch-py": ("urllib3", "requests", "certifi", "dateutil", "six"),
    "requests-aws4auth": ("requests", "urllib3", "idna", "certifi", "charset_normalizer"),
    "google-auth": ("cachetools", "pyasn1", "pyasn1_modules", "rsa"),
    "sqlalchemy": ("greenlet", "typing_extensions"),
    "jinja2": ("markupsafe",),
    "flask": ("werkzeug", "jinja2", "markupsafe", "itsdangerous", "click", "blinker"),
}

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_EGG = re.compile(r"#egg=([A-Za-z0-9._-]+)")
_DIRECT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*@")
_NESTED = re.compile(r"^(?:-r|--requirement)(?:\s*=\s*|\s+|(?=\S))(\S+)")
_EDITABLE = re.compile(r"^(?:-e|--editable)(?:\s*=\s*|\s+)(\S+)")
_MAX_REQ_DEPTH = 8


def normalise(dist: str) -> str:
    """PEP 503 normalised distribution name."""
    return re.sub(r"[-_.]+", "-", dist).lower()


def import_names(dist: str) -> tuple[str, ...]:
    """Import names a distribution provides, with the well-known mismatches and its common dependencies."""
    key = normalise(dist)
    names = DIST_TO_IMPORT.get(key, (key.replace("-", "_"),))
    return names + DEPENDENCIES.get(key, ())


def requirement_name(req: str) -> str | None:
    """Distribution name of one requirement (``PyYAML>=6``, ``x[extra]``, ``name @ url``,
    ``git+…#egg=name``); None for options and local paths."""
    req = req.strip()
    if not req or req.startswith("-"):
        return None
    egg = _EGG.search(req)
    if egg:
        return egg.group(1)
    direct = _DIRECT.match(req)
    if direct:
        return direct.group(1)
    if req.endswith(".whl"):
        return req.rsplit("/", 1)[-1].split("-", 1)[0]
    if "://" in req or req.startswith((".", "/", "~")) or req.endswith((".whl", ".tar.gz", ".zip")):
        return None
    m = _NAME.match(req)
    return m.group(1) if m else None


def _local_path_names(req: str, base_dir: str, repo: Repo) -> set[str]:
    """Top-level modules of a local project installed by path (``pip install ./libs/common``)."""
    path = req.split("#", 1)[0].strip().rstrip("/")
    if path.startswith("./"):
        path = path[2:]
    if base_dir and not path.startswith("/"):
        path = f"{base_dir}/{path}"
    names: set[str] = set()
    for root in (path, f"{path}/src"):
        prefix = root + "/"
        for f in repo.files:
            if not f.startswith(prefix):
                continue
            rest = f[len(prefix):].split("/")
            if len(rest) == 1 and rest[0].endswith(".py") and rest[0] not in ("setup.py", "conftest.py"):
                names.add(rest[0][:-3])
            elif len(rest) == 2 and rest[1] == "__init__.py" and rest[0] not in ("tests", "test"):
                names.add(rest[0])
    if not names and path:
        names.add(path.rsplit("/", 1)[-1].replace("-", "_"))
    return names


def _requirement_lines(text: str) -> list[str]:
    joined = re.sub(r"\\\r?\n", " ", text)
    out = []
    for line in joined.splitlines():
        line = re.sub(r"(^|\s)#.*$", "", line).strip()
        if line:
            out.append(line)
    return out


def _names_from_requirement(req: str, base_dir: str, repo: Repo, seen: set[str], depth: int) -> set[str]:
    req = req.strip()
    nested = _NESTED.match(req)
    if nested:
        ref = nested.group(1)
        return requirement_file_names(f"{base_dir}/{ref}" if base_dir else ref, repo, seen, depth + 1)
    editable = _EDITABLE.match(req)
    if editable:
        req = editable.group(1)
    name = requirement_name(req)
    if name is not None:
        return set(import_names(name))
    if req and not req.startswith("-") and "://" not in req:
        return _local_path_names(req, base_dir, repo)
    return set()


def requirement_file_names(path: str, repo: Repo, seen: set[str] | None = None, depth: int = 0) -> set[str]:
    """Import names a requirements file installs (following nested ``-r``)."""
    seen = set() if seen is None else seen
    path = _normpath(path)
    if path in seen or depth > _MAX_REQ_DEPTH:
        return set()
    seen.add(path)
    text = repo.read_text(path)
    if text is None:
        return set()
    base_dir = path.rsplit("/", 1)[0] if "/" in path else ""
    names: set[str] = set()
    for line in _requirement_lines(text):
        names |= _names_from_requirement(line, base_dir, repo, seen, depth)
    return names


def _normpath(path: str) -> str:
    out: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if out:
                out.pop()
            continue
        out.append(part)
    return "/".join(out)


def install_names(pip: PipInstall, repo: Repo) -> set[str]:
    """Import names one ``pip install`` puts into its target."""
    names: set[str] = set()
    seen: set[str] = set()
    for req in pip.requirements:
        names |= _names_from_requirement(req, "", repo, seen, 0)
    for path in pip.requirement_files:
        names |= requirement_file_names(path, repo, seen)
    return names


def root_pip_names(package: Package, repo: Repo) -> set[str]:
    """Import names installed at the archive root (only those are importable from it)."""
    names: set[str] = set()
    for pip in package.pip_installs:
        if pip.prefix.strip("/") in ("", "."):
            names |= install_names(pip, repo)
    return names


def provided_by_names(module: str, names: set[str] | frozenset[str]) -> bool:
    """Whether ``module`` (dotted) is one of ``names``, inside one, or a namespace parent of one."""
    parts = module.split(".")
    for i in range(1, len(parts) + 1):
        if ".".join(parts[:i]) in names:
            return True
    prefix = module + "."
    return any(n.startswith(prefix) for n in names)
