"""``sam build``: SAM builds each image function from its ``Metadata`` (``Dockerfile``,
``DockerContext``, ``DockerBuildArgs``, ``DockerBuildTarget``, ``DockerTag``) with the
tree as the job left it, tagged ``<logical id lowercased>:<DockerTag>`` (aws-sam-cli
``ApplicationBuilder._build_lambda_image``).  Zip functions are packaged from the
repository by ``sources/iac``; the image functions come here as plain records through
the engine, like Terraform's archives.
"""

from __future__ import annotations

import posixpath

from validator.model.paths import WORKSPACE
from validator.simulate.context import Invocation
from validator.simulate.image import BuildRequest, build_image


def run(inv: Invocation) -> bool | None:
    words = [a.text for a in inv.args[1:]]
    if not words or words[0] != "build" or not inv.ctx.sam_images:
        return True
    only = {w for w in words[1:] if not w.startswith("-")}
    flags_with_value = {"-t", "--template", "--template-file", "-b", "--build-dir", "-s", "--base-dir",
                        "--parameter-overrides", "--build-image", "--manifest", "-m", "--container-env-var",
                        "-e", "--docker-network", "--cache-dir", "--config-file", "--config-env", "--region",
                        "--profile", "--hook-name"}
    for i, w in enumerate(words[1:], 1):
        if w in flags_with_value and i + 1 < len(words):
            only.discard(words[i + 1])
    for spec in inv.ctx.sam_images:
        if only and spec.resource not in only:
            continue
        req = BuildRequest(context=posixpath.normpath(posixpath.join(WORKSPACE, spec.context)),
                           dockerfile=posixpath.normpath(posixpath.join(WORKSPACE, spec.dockerfile)),
                           span=inv.span, context_span=inv.span,
                           tags=[f"{spec.resource.lower()}:{spec.tag or 'latest'}"],
                           build_args=dict(spec.build_args), target=spec.target)
        pkg = build_image(inv.ctx, req)
        if pkg is not None:
            inv.ctx.images.append(pkg)
    return True
