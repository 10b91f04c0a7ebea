"""Which function runs a container image the workflow builds, and with which handler.

Links, strongest first: a deploy of the image (``aws lambda update-function-code
--image-uri`` / ``create-function --code ImageUri=``) to a function, by the image's
repository name; an image function whose ``image_uri`` (Terraform) or ``ImageUri``
(SAM) names that repository (or, for Terraform, the ``aws_ecr_repository`` resource of
that name); SAM ``Metadata`` naming the same Dockerfile and context; last an image
function whose name equals the repository name.  An image no function uses gets no
link, and so no findings.  The handler is the function's ``image_config.command`` /
``ImageConfig.Command`` when it sets one, else the Dockerfile's ``CMD``.
"""

from __future__ import annotations

import re
from dataclasses import replace

from validator.handlers import patterns
from validator.model import DeployRef, HandlerConfig, HandlerLink, Package
from validator.model.images import repository_name

_ECR_REF = re.compile(r"aws_ecr_repository\.([A-Za-z_][\w-]*)")


def _names(uri: str) -> set[str]:
    """What an image reference can be matched on: its repository name, the ECR resource."""
    out = {repository_name(uri)}
    out.update(_ECR_REF.findall(uri))
    return {n for n in out if n}


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    if patterns.is_symbolic(a) or patterns.is_symbolic(b):
        return False
    return patterns.names_equal(patterns.name_tokens(a), patterns.name_tokens(b))


def _where(c: HandlerConfig) -> str:
    return f"{c.span.path}:{c.span.line}"


def _tag(ref: str) -> str | None:
    """The literal tag of an image reference (``extract-latest`` of ``${var.repo}:extract-latest``)."""
    last = ref.split("@", 1)[0].rsplit("/", 1)[-1]
    if ":" not in last:
        return None
    tag = last.rsplit(":", 1)[1]
    return tag if tag and not patterns.is_symbolic(tag) and tag != "latest" else None


def _by_tag(image: object, functions: list[HandlerConfig]) -> tuple[HandlerConfig, str, str] | None:
    """An image function whose ``image_uri`` names its repository by a variable but a
    literal tag that this image carries, and no other function does
    (``${var.repository_url}:extract-latest``)."""
    tags = {t for ref in getattr(image, "tags", []) if (t := _tag(ref))}
    hits = [c for c in functions if c.image_uri and patterns.is_symbolic(repository_name(c.image_uri))
            and _tag(c.image_uri) in tags]
    if len(hits) != 1:
        return None
    c = hits[0]
    return (c, "image-tag", f"image_uri {c.image_uri} of {c.resource} ({_where(c)}) names the tag "
                            f"{_tag(c.image_uri or '')} that image {getattr(image, 'tags', ['?'])[0]} is pushed with")


def link_image(p: Package, configs: list[HandlerConfig], deploys: list[DeployRef]) -> HandlerLink | None:
    image = p.image
    if image is None:
        return None
    repos = [r for r in image.repositories() if not patterns.is_symbolic(r)]
    functions = [c for c in configs if c.package_type.lower() == "image" and c.origin != "cli"]
    found: tuple[HandlerConfig, str, str] | None = None
    for d in deploys:
        if d.image_uri is None or not any(_same(r, n) for r in repos for n in _names(d.image_uri)):
            continue
        fn = d.function_name or ""
        config = next((c for c in functions if fn and (c.function_name == fn or _same(c.resource, fn)
                                                      or _same(c.function_name or "", fn))), None)
        if config is None:
            config = HandlerConfig(handler="", span=d.span, origin="cli", resource=fn or repos[0],
                                   function_name=fn or None, package_type="Image", image_uri=d.image_uri)
        found = (config, "image-cli", f"image {image.tags[0]} is deployed with --image-uri {d.image_uri} to "
                                      f"function {fn or '?'} at {d.span.path}:{d.span.line}")
        break
    if found is None:
        for c in functions:
            if c.image_uri and any(_same(r, n) for r in repos for n in _names(c.image_uri)):
                found = (c, "image-uri", f"image_uri {c.image_uri} of {c.resource} ({_where(c)}) names the "
                                         f"repository of image {image.tags[0]}")
                break
    if found is None:
        found = _by_tag(image, functions)
    if found is None:
        for c in functions:
            if c.dockerfile == image.dockerfile and (c.docker_context or ".") == image.context:
                found = (c, "image-metadata", f"Metadata Dockerfile {c.dockerfile} of {c.resource} "
                                              f"({_where(c)}) is this image's")
                break
    if found is None:
        for c in functions:
            if any(_same(r, c.resource) or _same(r, c.function_name or "") for r in repos):
                found = (c, "image-name", f"image function {c.resource} ({_where(c)}) is named like the "
                                          f"image's repository {repos[0]}")
                break
    if found is None:
        return None
    config, how, explanation = found
    runtime = config.runtime or p.runtime or None
    if config.image_command:
        handler = config.image_command
        used = replace(config, handler=handler, runtime=runtime)
        explanation += f"; its image command {handler} overrides the Dockerfile's CMD"
    elif image.cmd:
        handler = image.cmd
        span = image.cmd_span or config.span
        used = replace(config, handler=handler, span=span, runtime=runtime)
        explanation += f"; CMD {handler} at {span.path}:{span.line}"
    else:
        return None  # no handler to check: the image's entrypoint decides
    return HandlerLink(handler=handler, how=how, explanation=explanation, config=used, function=config)
