"""``aws`` CLI calls where an archive leaves the build: S3 uploads and Lambda deploys.

Each becomes a ``DeployRef``; after the job, deploys are matched against the
archives the simulation built (``simulate.packages``).  Downloads (``aws s3 cp
s3://… x.zip``) put an archive whose content is unknown into the tree.
"""

from __future__ import annotations

import re

from validator.model import DeployRef, FileKind
from validator.model.paths import workspace_relative
from validator.simulate.commands.options import parse
from validator.simulate.context import Invocation
from validator.simulate.vfs import VFile
from validator.simulate.words import Arg

LONG_WITH_VALUE = frozenset({
    "--function-name", "--zip-file", "--s3-bucket", "--s3-key", "--s3-object-version", "--handler",
    "--runtime", "--role", "--code", "--bucket", "--key", "--body", "--region", "--profile", "--layer-name",
    "--content", "--description", "--timeout", "--memory-size", "--environment", "--architectures",
    "--compatible-runtimes", "--layers", "--publish", "--acl", "--sse", "--storage-class", "--tags",
    "--output", "--query", "--endpoint-url", "--content-type", "--cache-control", "--metadata",
    "--kms-key-id", "--vpc-config", "--tracing-config", "--package-type", "--image-uri",
})


def run(inv: Invocation) -> bool | None:
    words = [a.text for a in inv.args[1:] if not a.text.startswith("-")]
    if len(words) < 2:
        return True
    service, action = words[0], words[1]
    p = parse(inv.args[1:], long_with_value=LONG_WITH_VALUE)
    if service == "s3" and action in ("cp", "mv"):
        return s3_copy(inv, p.operands[2:])
    if service == "s3api" and action == "put-object":
        body, key = p.value("--body"), p.text("--key")
        if body is not None:
            add(inv, body, "s3", s3_key=key)
        return True
    if service != "lambda":
        return True
    fn = p.text("--function-name")
    handler = p.text("--handler")
    zip_file = p.value("--zip-file")
    s3_key = p.text("--s3-key") or code_key(p.text("--code") or p.text("--content"))
    kind = {"update-function-code": "zip-file", "create-function": "create-function",
            "publish-layer-version": "layer", "update-function-configuration": "configuration"}.get(action)
    if kind is None:
        return True
    image_uri = p.text("--image-uri") or _code_image(p.text("--code"))
    if image_uri is not None and kind in ("zip-file", "create-function"):
        ref = DeployRef(archive="", kind="image", span=inv.span, function_name=fn, handler=handler,
                        image_uri=image_uri)
        inv.ctx.deploys.append(ref)
        return True
    if kind == "zip-file" and zip_file is None and s3_key is not None:
        kind = "s3-key"
    if zip_file is not None:
        text = re.sub(r"^fileb?://", "", zip_file.text)
        ref = add(inv, Arg(text, zip_file.symbolic, zip_file.quoted), kind, s3_key=s3_key, function=fn,
                  handler=handler)
    else:
        ref = DeployRef(archive="", kind=kind, span=inv.span, s3_key=s3_key, function_name=fn, handler=handler)
        inv.ctx.deploys.append(ref)
        inv.ctx.deploy_paths.append((ref, None))
    ref.layer_name = p.text("--layer-name")
    if "--layers" in p.values:
        ref.layers = layer_values(inv, p.operands[2:])
    if "--compatible-runtimes" in p.values:
        # several values, like --layers: the rest are operands
        ref.compatible_runtimes = [a.text for a in p.all("--compatible-runtimes")] + [
            a.text for a in p.operands[2:] if re.fullmatch(r"[a-z]+[0-9.]*(\.x|\.al2(023)?)?", a.text)]
    ref.environment = environment_variables(p.text("--environment"))
    return True


def layer_values(inv: Invocation, extra: list[Arg]) -> list[tuple[str, str]]:
    """``--layers A B``: each ARN as written (``"$LAYER_ARN"``) and as expanded.  The
    option takes several values; the parser gives it the first, the rest are operands
    (these ``aws lambda`` commands have none of their own)."""
    written = [w.text for w in inv.node.words]
    raw: list[str] = []
    for i, word in enumerate(written):
        if word == "--layers":
            raw = [w for w in written[i + 1:] if not w.startswith("-")][: 1 + len(extra)]
            break
        if word.startswith("--layers="):
            raw = [word[len("--layers="):]]
            break
    values = [a.text for a in parse(inv.args[1:], long_with_value=LONG_WITH_VALUE).all("--layers")]
    values += [a.text for a in extra]
    return [(raw[i] if i < len(raw) else v, v) for i, v in enumerate(values)]


_SHORTHAND_VARIABLES = re.compile(r"Variables\s*=\s*\{(?P<body>[^{}]*)\}")
_JSON_VARIABLES = re.compile(r'"Variables"\s*:\s*\{(?P<body>[^{}]*)\}')


def environment_variables(text: str | None) -> dict[str, str]:
    """``Variables={PYTHONPATH=/var/task/src,STAGE=prod}`` (shorthand) or the JSON form:
    the literal variables (a value with a shell expansion left in it is dropped)."""
    if not text:
        return {}
    out: dict[str, str] = {}
    m = _SHORTHAND_VARIABLES.search(text)
    if m is not None:
        for item in m.group("body").split(","):
            key, eq, value = item.partition("=")
            if eq and key.strip():
                out[key.strip()] = value.strip()
    else:
        m = _JSON_VARIABLES.search(text)
        if m is not None:
            for key, value in re.findall(r'"([^"]+)"\s*:\s*"([^"]*)"', m.group("body")):
                out[key] = value
    return {k: v for k, v in out.items() if "$" not in v and "`" not in v}


def s3_copy(inv: Invocation, operands: list[Arg]) -> bool | None:
    if len(operands) < 2:
        return True
    src, dst = operands[0], operands[1]
    if not src.text.startswith("s3://") and dst.text.startswith("s3://"):
        key = dst.text[5:].partition("/")[2]
        if not key or key.endswith("/"):
            key += src.text.rsplit("/", 1)[-1]
        add(inv, src, "s3", s3_key=key)
    elif src.text.startswith("s3://") and not dst.text.startswith("s3://") and dst.text.endswith(".zip"):
        path = inv.path(dst)
        archive = inv.ctx.new_archive(path, inv.span)
        archive.opaque_reason = f"downloaded from {src.text}"
        inv.ctx.vfs.mkdir(path.rsplit("/", 1)[0] or "/", parents=True)
        inv.ctx.vfs.put(path, VFile(FileKind.GENERATED, origin=inv.span, archive=archive.id))
    return True


#: actions that create no file a later ``--zip-file`` could read
_NO_FILE_ACTIONS = ("actions/checkout", "actions/setup-python", "actions/setup-node", "actions/setup-go",
                    "actions/setup-java", "aws-actions/configure-aws-credentials", "aws-actions/amazon-ecr-login",
                    "astral-sh/setup-uv", "hashicorp/setup-terraform", "docker/setup-buildx-action",
                    "docker/setup-qemu-action", "docker/login-action")


def certainly_absent(inv: Invocation, archive: Arg, path: str) -> bool:
    """Whether the file a deploy reads cannot exist: a literal path that is not in the tree,
    in a job where every command and action before it is modelled (no download, no unknown
    tool, no cache restore, no branch the tool could not decide)."""
    ctx = inv.ctx
    if archive.symbolic or "$" in archive.text or ctx.vfs.exists(path) or ctx.vfs.unknown_below(path):
        return False
    if ctx.unknown or ctx.unmodelled or ctx.downloads or inv.state.uncertain or inv.checked:
        return False
    for step in ctx.job.steps:
        if step is ctx.step:
            break
        if step.uses and not step.uses.split("@", 1)[0].lower().startswith(_NO_FILE_ACTIONS):
            return False
    return True


def never_built_text(inv: Invocation, path: str) -> str:
    """What the job built instead of ``path``: the archive of the same name, else the
    closest archive path, else nothing."""
    import difflib
    import posixpath

    built = {workspace_relative(a.path): a for a in inv.ctx.archives.values() if not a.opaque_reason}
    name = posixpath.basename(path)
    same = [p for p in built if posixpath.basename(p) == name]
    close = same or difflib.get_close_matches(workspace_relative(path), list(built), n=1, cutoff=0.6)
    if close:
        other = built[close[0]]
        return f"no step creates it; the job builds {close[0]} at {other.span.path}:{other.span.line}"
    return "no step creates it"


def _code_image(code: str | None) -> str | None:
    """``ImageUri=…`` (shorthand) or JSON ``{"ImageUri": "…"}`` -> the image reference."""
    m = re.search(r"ImageUri[\"']?\s*[=:]\s*[\"']?([^,\"'}\s]+)", code or "")
    return m.group(1) if m else None


def code_key(code: str | None) -> str | None:
    """``S3Bucket=b,S3Key=k`` (shorthand) or JSON ``{"S3Key": "k"}`` -> ``k``."""
    if not code:
        return None
    m = re.search(r"S3Key[\"']?\s*[=:]\s*[\"']?([^,\"'}\s]+)", code)
    return m.group(1) if m else None


def add(inv: Invocation, archive: Arg, kind: str, s3_key: str | None = None, function: str | None = None,
        handler: str | None = None) -> DeployRef:
    path = inv.path(archive)
    ref = DeployRef(archive=workspace_relative(path), kind=kind, span=inv.span, s3_key=s3_key,
                    function_name=function, handler=handler)
    if kind in ("zip-file", "create-function") and certainly_absent(inv, archive, path):
        ref.never_built = never_built_text(inv, path)
    inv.ctx.deploys.append(ref)
    inv.ctx.deploy_paths.append((ref, path))
    return ref
