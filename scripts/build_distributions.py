"""Build ``validator/model/data/distributions.json`` from real wheels.

For each distribution of ``DISTRIBUTIONS`` (the ones most used in Lambda code: AWS and
HTTP clients, pydantic, Powertools, data libraries, DB drivers, auth, AI SDKs, and what
they pull in), ``pip download --no-deps --only-binary=:all:`` fetches the newest wheel
for CPython 3.12 on manylinux x86_64 (the index's JSON API is not used: only pip's
simple index is needed), and the wheel's ``*.dist-info`` gives:

- ``modules``: importable top-level names, from ``top_level.txt`` when the wheel ships
  one (kept only where ``RECORD`` holds the module), else inferred from ``RECORD``;
  a namespace directory (no ``__init__.py``, e.g. ``google/``, ``azure/``) is listed
  one level down (``google.protobuf``);
- ``requires``: the ``Requires-Dist`` lines as written (extras and markers included);
- ``native``: an extension module in ``RECORD`` without a pure-Python twin;
- ``tags``: the wheel's tags (``cp312-cp312-manylinux_2_17_x86_64`` …).

Run it again to refresh the data (it needs only the package index)::

    python scripts/build_distributions.py [--jobs 2] [--cache DIR]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import csv
import datetime
import email.parser
import io
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "validator" / "model" / "data" / "distributions.json"

PLATFORM_ARGS = [
    "--platform", "manylinux2014_x86_64", "--platform", "manylinux_2_17_x86_64",
    "--platform", "manylinux_2_28_x86_64", "--platform", "manylinux_2_34_x86_64",
    "--platform", "manylinux1_x86_64", "--platform", "manylinux2010_x86_64", "--platform", "linux_x86_64",
    "--python-version", "3.12", "--implementation", "cp",
    "--abi", "cp312", "--abi", "abi3", "--abi", "none",
]

#: distributions most used in Lambda functions (grouped by what they are for), and the
#: dependencies they pull in; the order carries no meaning
DISTRIBUTIONS = ["boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "urllib3", "six", "awslambdaric", "simplejson", "aiobotocore", "aioboto3", "boto3-stubs", "mypy-boto3-s3", "mypy-boto3-dynamodb", "botocore-stubs", "types-awscrt", "types-s3transfer", "aws-lambda-powertools", "aws-xray-sdk", "aws-requests-auth", "requests-aws4auth", "aws-encryption-sdk", "awscrt", "aws-psycopg2", "aws-secretsmanager-caching", "aws-embedded-metrics", "aws-cdk-lib", "constructs", "mangum", "chalice", "requests", "httpx", "httpcore", "h11", "h2", "hpack", "hyperframe", "anyio", "sniffio", "idna", "certifi", "charset-normalizer", "chardet", "aiohttp", "aiosignal", "frozenlist", "multidict", "yarl", "propcache", "aiohappyeyeballs", "async-timeout", "attrs", "requests-toolbelt", "requests-oauthlib", "oauthlib", "urllib3-secure-extra", "pysocks", "websocket-client", "websockets", "httplib2", "tenacity", "backoff", "retrying", "pydantic", "pydantic-core", "pydantic-settings", "annotated-types", "typing-extensions", "typing-inspection", "typing-inspect", "mypy-extensions", "marshmallow", "marshmallow-dataclass", "dataclasses-json", "jsonschema", "jsonschema-specifications", "referencing", "rpds-py", "fastjsonschema", "cerberus", "voluptuous", "email-validator", "dnspython", "fastapi", "starlette", "python-multipart", "uvicorn", "flask", "werkzeug", "jinja2", "markupsafe", "itsdangerous", "click", "blinker", "flask-cors", "django", "djangorestframework", "asgiref", "sqlparse", "aws-wsgi", "serverless-wsgi", "pyyaml", "ruamel-yaml", "orjson", "ujson", "msgpack", "protobuf", "toml", "tomli", "tomlkit", "python-dotenv", "cachetools", "pyjwt", "python-jose", "ecdsa", "rsa", "pyasn1", "pyasn1-modules", "cryptography", "cffi", "pycparser", "pycryptodome", "pycryptodomex", "bcrypt", "passlib", "pynacl", "pyopenssl", "authlib", "itsdangerous", "google-auth", "google-auth-oauthlib", "msal", "numpy", "pandas", "pyarrow", "scipy", "scikit-learn", "joblib", "threadpoolctl", "polars", "openpyxl", "et-xmlfile", "xlrd", "xlsxwriter", "pytz", "tzdata", "tzlocal", "pendulum", "arrow", "python-json-logger", "structlog", "loguru", "colorama", "rich", "pygments", "sqlalchemy", "greenlet", "alembic", "mako", "psycopg2-binary", "psycopg", "psycopg-binary", "psycopg-pool", "pymysql", "mysql-connector-python", "asyncpg", "aiomysql", "redis", "hiredis", "pymongo", "motor", "elasticsearch", "elastic-transport", "opensearch-py", "pynamodb", "dynamodb-json", "cassandra-driver", "snowflake-connector-python", "pg8000", "scramp", "sqlmodel", "peewee", "neo4j", "influxdb-client", "clickhouse-connect", "duckdb", "openai", "anthropic", "tiktoken", "regex", "tokenizers", "huggingface-hub", "tqdm", "filelock", "fsspec", "packaging", "langchain", "langchain-core", "langchain-community", "langchain-openai", "langchain-aws", "langsmith", "langchain-text-splitters", "jsonpatch", "jsonpointer", "tenacity", "google-generativeai", "google-genai", "cohere", "mistralai", "groq", "boto3-type-annotations", "transformers", "safetensors", "distro", "jiter", "docstring-parser", "pillow", "opencv-python-headless", "imageio", "pypdf", "pymupdf", "reportlab", "qrcode", "python-docx", "lxml", "beautifulsoup4", "soupsieve", "html5lib", "webencodings", "bleach", "markdown", "mistune", "slack-sdk", "slack-bolt", "twilio", "sendgrid", "stripe", "pusher", "jira", "pygithub", "atlassian-python-api", "google-api-python-client", "google-api-core", "googleapis-common-protos", "google-cloud-storage", "google-cloud-core", "google-resumable-media", "google-crc32c", "google-cloud-bigquery", "google-cloud-pubsub", "grpcio", "grpcio-status", "proto-plus", "uritemplate", "azure-core", "azure-identity", "azure-storage-blob", "sentry-sdk", "datadog", "datadog-lambda", "ddtrace", "newrelic", "opentelemetry-api", "opentelemetry-sdk", "opentelemetry-semantic-conventions", "wrapt", "deprecated", "importlib-metadata", "zipp", "stripe", "shortuuid", "nanoid", "python-slugify", "text-unidecode", "unidecode", "validators", "phonenumbers", "babel", "humanize", "dateparser", "iso8601", "isodate", "croniter", "python-crontab", "schedule", "xmltodict", "defusedxml", "untangle", "feedparser", "sgmllib3k", "paramiko", "pysftp", "smart-open", "s3fs", "fsspec", "jsonpath-ng", "ply", "jsonpickle", "deepdiff", "ordered-set", "glom", "boltons", "toolz", "cytoolz", "more-itertools", "sortedcontainers", "pyparsing", "decorator", "wcwidth", "prompt-toolkit", "tabulate", "pyotp", "qrcode", "pyqrcode", "shapely", "geopy", "geojson", "h3", "pyproj", "numexpr", "bottleneck", "statsmodels", "patsy", "seaborn", "matplotlib", "kiwisolver", "cycler", "fonttools", "contourpy", "networkx", "sympy", "mpmath", "nltk", "zeep", "requests-file", "isodate", "cachecontrol", "msgpack", "diskcache", "pyathena", "awswrangler", "redshift-connector", "mongoengine", "pymssql", "pyodbc", "oracledb", "kafka-python", "confluent-kafka", "pika", "celery", "kombu", "vine", "amqp", "billiard", "openapi-spec-validator", "openapi-schema-validator", "jsonschema-path", "pathable", "lazy-object-proxy", "python-magic", "filetype", "chardet", "cchardet", "setuptools", "pip", "wheel", "typer", "shellingham", "cattrs", "exceptiongroup", "multipart", "python-http-client", "starkbank-ecdsa", "cachetools", "gql", "graphql-core", "pytest", "moto", "responses", "freezegun", "mypy"]


def wheel_metadata(path: Path) -> dict[str, object]:
    """What the data file keeps of one wheel."""
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        info = next(n.split("/", 1)[0] for n in names if n.split("/", 1)[0].endswith(".dist-info")
                    and n.endswith("/METADATA"))
        meta = email.parser.Parser().parsestr(zf.read(f"{info}/METADATA").decode("utf-8", "replace"))
        wheel = email.parser.Parser().parsestr(zf.read(f"{info}/WHEEL").decode("utf-8", "replace"))
        record = [row[0] for row in csv.reader(io.StringIO(zf.read(f"{info}/RECORD").decode("utf-8", "replace"))) if row]
        try:
            top_level = [t.strip() for t in zf.read(f"{info}/top_level.txt").decode().splitlines() if t.strip()]
        except KeyError:
            top_level = []
    files = [f for f in record if not f.split("/", 1)[0].endswith((".dist-info", ".data"))]
    inferred = infer_modules(files)
    # RECORD is what the wheel holds; top_level.txt may name more (ruamel_yaml_clib lists
    # ``ruamel``) and is kept only where RECORD has the module
    present = {m for m in inferred if "." not in m}
    modules = sorted({*inferred, *(t for t in top_level if t in present)})
    native = has_native_code(files)
    return {
        "name": meta["Name"],
        "version": meta["Version"],
        "modules": modules,
        "requires": [str(r) for r in meta.get_all("Requires-Dist") or []],
        "requires_python": meta.get("Requires-Python"),
        "native": native,
        "tags": [t.strip() for t in wheel.get_all("Tag") or []],
        "wheel": path.name,
    }


def has_native_code(files: list[str]) -> bool:
    """An extension module without a pure-Python twin (mypyc builds such as
    charset-normalizer ship ``md.py`` beside ``md.cpython-312-….so`` and import anywhere)."""
    py = {f[:-3] for f in files if f.endswith(".py")}
    for f in files:
        m = re.match(r"^(.*?/?[A-Za-z_][A-Za-z0-9_]*)\.[^/]*\.(so|pyd)$|^(.*?/?[A-Za-z_][A-Za-z0-9_]*)\.(so|pyd)$", f)
        if m and (m.group(1) or m.group(3)) not in py:
            return True
    return False


def infer_modules(files: list[str]) -> list[str]:
    """Importable names of a wheel's files: top-level modules and packages; a directory
    without ``__init__`` (a PEP 420 namespace such as ``google/``, ``google/cloud/``) is
    listed by what it holds (``google.cloud.storage``)."""
    ident = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
    module_file = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?:\.[^/]*)?\.(py|so|pyd)$")
    tree: dict[str, object] = {}
    for f in files:
        node = tree
        parts = f.split("/")
        for part in parts[:-1]:
            node = node.setdefault(part + "/", {})  # type: ignore[assignment]
        node[parts[-1]] = None  # type: ignore[index]
    out: set[str] = set()

    def walk(prefix: list[str], node: dict[str, object]) -> None:
        names = [n for n in node if not n.endswith("/")]
        if prefix and any(n == "__init__.py" or (n.startswith("__init__.") and n.endswith((".so", ".pyd")))
                          for n in names):
            out.add(".".join(prefix))
            return
        for n in names:
            m = module_file.match(n)
            if m and m.group(1) != "__init__":
                out.add(".".join([*prefix, m.group(1)]))
        for d, child in node.items():
            if d.endswith("/") and ident.match(d[:-1]) and d != "__pycache__/" and len(prefix) < 4:
                walk([*prefix, d[:-1]], child)  # type: ignore[arg-type]

    walk([], tree)
    return sorted(out)


def download(names: list[str], dest: Path) -> bool:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--quiet",
           "--disable-pip-version-check", *PLATFORM_ARGS, "-d", str(dest), *names]
    return subprocess.run(cmd, capture_output=True, text=True).returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--cache", type=Path, default=None, help="keep the wheels here (default: a temporary dir)")
    args = parser.parse_args()
    names = list(dict.fromkeys(DISTRIBUTIONS))
    with tempfile.TemporaryDirectory() as tmp:
        cache = args.cache or Path(tmp)
        cache.mkdir(parents=True, exist_ok=True)
        batches = [names[i:i + 15] for i in range(0, len(names), 15)]
        failed: list[str] = []
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            for batch, ok in zip(batches, pool.map(lambda b: download(b, cache), batches), strict=True):
                if not ok:
                    failed += batch
            retried = list(pool.map(lambda n: (n, download([n], cache)), failed))
        missing = sorted(n for n, ok in retried if not ok)
        data: dict[str, object] = {}
        for wheel in sorted(cache.glob("*.whl")):
            entry = wheel_metadata(wheel)
            key = re.sub(r"[-_.]+", "-", str(entry["name"])).lower()
            data[key] = entry
        pip_version = subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True,
                                     text=True).stdout.split()[1]
    out = {
        "about": ("Generated by scripts/build_distributions.py from the newest wheels the package index "
                  "served for CPython 3.12, manylinux x86_64 (pip download --no-deps --only-binary=:all:). "
                  "modules = import names (top_level.txt or RECORD), requires = Requires-Dist, native = "
                  "extension modules or Root-Is-Purelib false, tags = WHEEL Tag lines."),
        "generated": datetime.date.today().isoformat(),
        "pip": pip_version,
        "no_wheel": missing,
        "distributions": data,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, indent=0, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(data)} distributions written to {OUT}; no wheel for: {', '.join(missing) or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
