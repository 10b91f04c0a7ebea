"""Container images a workflow builds: the build (context, Dockerfile, tags) and what
its ``COPY`` lines could not bring into the image."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from validator.model.base import Record
from validator.model.findings import Span


@dataclass(eq=False, repr=False)
class ContextMiss(Record):
    """A ``COPY``/``ADD`` source that is not in the build context as sent to the builder."""

    span: Span  # the Dockerfile line
    source: str  # as written
    kind: str  # "outside" (``../x``, an absolute path), "ignored" (.dockerignore), "missing"
    #: repository-relative path the source means (outside: the path as a shell would read it)
    repo_path: str
    dest: str  # image path it would have been copied to
    #: the copy fails the build (nothing matched); else files are silently left out
    fails: bool = True
    pattern: str = ""  # the .dockerignore pattern that excludes it
    pattern_span: Span | None = None
    #: image paths (under the task root, relative) the source would have supplied
    would_supply: list[str] = field(default_factory=list)


@dataclass(eq=False, repr=False)
class ImageBuild(Record):
    """One ``docker build`` / ``docker/build-push-action`` of a Lambda image."""

    dockerfile: str  # repository-relative
    context: str  # repository-relative ("." = the repository root)
    span: Span  # the build command / step
    context_span: Span  # the workflow line that sets the context
    tags: list[str] = field(default_factory=list)
    build_args: dict[str, str] = field(default_factory=dict)
    target: str | None = None
    platform: str | None = None
    base: str = ""  # the final stage's base image as resolved
    python: str | None = None  # "3.12" from ``public.ecr.aws/lambda/python:3.12``
    task_root: str = "/var/task"
    cmd: str | None = None  # the handler from the exec-form ``CMD``
    cmd_span: Span | None = None
    dockerignore: str | None = None  # repository-relative, when one applies
    misses: list[ContextMiss] = field(default_factory=list)
    #: the final stage's ``ENV PYTHONPATH`` entries, substituted (the interpreter puts them
    #: on ``sys.path`` before the handler is imported)
    pythonpath: list[str] = field(default_factory=list)

    def task_folders(self) -> list[str]:
        """``PYTHONPATH`` folders inside the task root, relative to it (``app`` for
        ``/var/task/app``): they are import roots of the image's code too."""
        root = self.task_root.rstrip("/") + "/"
        out = []
        for entry in self.pythonpath:
            entry = entry.rstrip("/")
            if entry.startswith(root) and "$" not in entry:
                rel = entry[len(root):]
                if rel and ".." not in rel.split("/"):
                    out.append(rel)
        return list(dict.fromkeys(out))

    def repositories(self) -> list[str]:
        """The repository names of the tags (``123.dkr.ecr…/orders:v1`` -> ``orders``)."""
        return [r for t in self.tags if (r := repository_name(t))]


def repository_name(ref: str) -> str:
    """The last path part of an image reference, without tag or digest
    (``123.dkr.ecr…/orders:${TAG}`` -> ``orders``)."""
    ref = re.sub(r"(?::(?:\$\{\{[^}]*\}\}|\$\{[^}]*\}|\$\w+|[\w.-]+))+$", "", ref.strip().split("@", 1)[0])
    return ref.rsplit("/", 1)[-1]


@dataclass(eq=False, repr=False)
class SamImage(Record):
    """An image function of a SAM template, as ``sam build`` builds it from its ``Metadata``
    (repository paths)."""

    resource: str  # logical id: the image is tagged ``<id lowercased>:<tag>``
    dockerfile: str
    context: str
    build_args: dict[str, str] = field(default_factory=dict)
    target: str | None = None
    tag: str | None = None
