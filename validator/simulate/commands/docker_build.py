"""``docker build`` / ``docker buildx build`` / ``docker image build`` (and the
``docker/build-push-action`` step): a container image built from a context folder.

The build is read as Docker reads it: the context operand (``-`` or a URL is not a
folder of the runner: not modelled), ``-f`` relative to the current folder (default
``CONTEXT/Dockerfile``), ``-t`` tags, ``--build-arg K=V`` (``--build-arg K`` takes the
variable from the environment), ``--target``, ``--platform``.  The image's task root
becomes a package (``simulate.image``).
"""

from __future__ import annotations

from validator.simulate.commands.options import parse
from validator.simulate.context import Invocation

LONG_WITH_VALUE = frozenset({
    "--file", "--tag", "--build-arg", "--target", "--platform", "--cache-from", "--cache-to", "--label",
    "--output", "--secret", "--ssh", "--progress", "--network", "--iidfile", "--metadata-file",
    "--build-context", "--builder", "--allow", "--add-host", "--annotation", "--attest", "--cgroup-parent",
    "--shm-size", "--ulimit", "--provenance", "--sbom", "--call", "--memory", "--cpu-shares",
})


def is_build(words: list[str]) -> bool:
    return words[:1] == ["build"] or (len(words) > 1 and words[0] in ("buildx", "image", "builder")
                                       and words[1] == "build")


def run(inv: Invocation, args_after: int) -> bool | None:
    """``inv.args[args_after:]`` are the options and the context of the build."""
    p = parse(inv.args[args_after:], short_with_value="ftom", long_with_value=LONG_WITH_VALUE)
    if len(p.operands) != 1:
        return True
    context = p.operands[0]
    if context.text == "-" or "://" in context.text or context.text.startswith("git@"):
        inv.unmodelled("docker build from stdin or a URL: the image's files are not known")
        return True
    file = p.value("-f", "--file")
    context_path = inv.path(context)
    dockerfile = inv.path(file) if file is not None else context_path.rstrip("/") + "/Dockerfile"
    build_args: dict[str, str] = {}
    symbolic = context.symbolic or (file is not None and file.symbolic)
    for a in p.all("--build-arg"):
        key, eq, value = a.text.partition("=")
        if not eq:
            var = inv.state.vars.get(key)
            if var is None or var.symbolic:
                continue
            value = var.text
        elif a.symbolic:
            continue  # unknown value: the ARG's default is not what the build uses, so leave it out
        build_args[key] = value
    from validator.simulate.image import BuildRequest, build_image  # only when an image is built

    req = BuildRequest(context=context_path, dockerfile=dockerfile, span=inv.span, context_span=inv.span,
                       tags=[t.text for t in p.all("-t", "--tag")], build_args=build_args,
                       target=p.text("--target"), platform=p.text("--platform"), symbolic=symbolic)
    pkg = build_image(inv.ctx, req)
    if pkg is not None:
        inv.ctx.images.append(pkg)
    return True
