"""Packages defined by infrastructure code (Terraform, SAM, Serverless), built from the
repository's files the way each tool builds them."""

from __future__ import annotations

import fnmatch
import posixpath

from validator.model import (
    FileKind,
    HandlerConfig,
    HandlerLink,
    LayerConfig,
    Package,
    PackageFile,
    PipInstall,
)
from validator.model.repo import Repo
from validator.sources.serverless import serverless_layer_files, serverless_package

#: what ``sam build`` leaves out of a CodeUri copy (aws-lambda-builders' EXCLUDED_FILES)
SAM_EXCLUDED = (".aws-sam", ".chalice", ".git", ".gitignore", "*.pyc", "__pycache__", "*.so", ".DS_Store",
                "*.dist-info", "*.egg-info", "venv", ".venv", "env", ".env")



def iac_packages(configs: list[HandlerConfig], repo: Repo) -> list[tuple[Package, HandlerLink]]:
    """One package per handler setting whose code the infrastructure tool zips itself from
    a folder or file of the repository (configs already linked to a workflow package are
    not passed here)."""
    out = []
    for config in configs:
        pkg = _package(config, repo)
        if pkg is not None:
            link = HandlerLink(config.handler, how="config",
                               explanation=f"{_tool(config)} {config.resource} ({config.span.path}:{config.span.line})",
                               config=config)
            out.append((pkg, link))
    return out


def _tool(config: HandlerConfig) -> str:
    return {"terraform": "Terraform", "sam": "SAM", "serverless": "Serverless"}.get(config.origin, config.origin)


def _package(config: HandlerConfig, repo: Repo) -> Package | None:
    if config.origin == "serverless":
        # package.artifact (built elsewhere), package.disable or an image: no record
        return serverless_package(config, repo)
    code = (config.code_uri or "").strip("/")
    if config.package_type.lower() == "image" or config.code_uri is None or "$" in code or code.startswith("s3:"):
        return None
    if repo.is_file(code):
        if not code.endswith(".py"):
            return None  # a prebuilt zip: its content is not in the repository
        files = {posixpath.basename(code): code}  # archive_file source_file keeps the basename
    elif repo.is_dir(code):
        excluded = [p[1:] for p in config.patterns if p.startswith("!")]
        if config.origin == "sam":
            excluded += list(SAM_EXCLUDED)
        files = _tree(repo, code, excluded)
    else:
        return None
    if not any(name.endswith(".py") for name in files):
        return None
    pkg = Package(
        name=config.resource,
        archive=(code + "/" if code else "./") if repo.is_dir(code) else code,
        span=config.span,
        files={arch: PackageFile(arch, FileKind.SOURCE, source=src, origin=config.span) for arch, src in files.items()},
        workflow=config.span.path,
        root_dir=None,
    )
    requirements = f"{code}/requirements.txt" if code else "requirements.txt"
    if config.origin == "sam" and repo.is_file(requirements):
        pkg.pip_installs.append(PipInstall(prefix="", requirements=[], requirement_files=[requirements],
                                           span=config.span))
    return pkg


def iac_layer_package(config: LayerConfig, repo: Repo) -> Package | None:
    """The layer archive an infrastructure tool zips from a repository folder: Terraform's
    ``archive_file`` ``source_dir`` and a serverless ``layers.<name>.path`` as they are;
    SAM's ``ContentUri`` as it is, or, with ``Metadata.BuildMethod: python3.X``, under
    ``python/`` with its ``requirements.txt`` installed there too (``sam build`` puts a
    Python layer's artifact in that subfolder); the layer serverless-python-requirements
    builds as ``pip install -r <requirements> -t python/``."""
    if config.built_archive is not None:
        return _built_layer(config) if config.requirements and not config.unknown else None
    code = (config.code_uri or "").strip("/")
    if config.code_uri is None or "$" in code or not repo.is_dir(code):
        return None
    method = (config.build_method or "").strip().lower()
    built_by_sam = config.origin == "sam" and bool(method)
    prefix = "python/" if built_by_sam and method.startswith("python") else ""
    if config.origin == "serverless":
        files = serverless_layer_files(repo, code)
    else:
        excluded = list(SAM_EXCLUDED) if config.origin == "sam" else []
        files = {prefix + arch: src for arch, src in _tree(repo, code, excluded).items()}
    if not files:
        return None
    pkg = Package(
        name=config.resource,
        archive=code + "/",
        span=config.span,
        files={arch: PackageFile(arch, FileKind.SOURCE, source=src, origin=config.span) for arch, src in files.items()},
        workflow=config.span.path,
        is_layer=True,
    )
    if built_by_sam and not prefix:
        pkg.opaque = True
        pkg.opaque_reason = f"built by sam build with BuildMethod {config.build_method}"
    requirements = f"{code}/requirements.txt" if code else "requirements.txt"
    if prefix and repo.is_file(requirements):
        pkg.pip_installs.append(PipInstall(prefix="python", requirements=[], requirement_files=[requirements],
                                           span=config.span))
    return pkg


def _built_layer(config: LayerConfig) -> Package:
    """A layer a build tool makes of a requirements file (serverless-python-requirements'
    ``pip install -t <folder> -r <file>``, zipped under ``python/``).  One whose content the
    tool cannot tell (``LayerConfig.unknown``: a Pipfile, a Poetry project, a vendor folder)
    gets no package: the layer stays declared, of unknown content."""
    pkg = Package(
        name=config.layer_name if config.layer_name and "$" not in config.layer_name else config.resource,
        archive=config.built_archive or config.resource,
        span=config.span,
        workflow=config.span.path,
        is_layer=True,
    )
    pkg.pip_installs.append(PipInstall(prefix="python", requirements=[], requirement_files=[config.requirements or ""],
                                       span=config.span))
    return pkg


def _tree(repo: Repo, folder: str, excluded: list[str]) -> dict[str, str]:
    """Archive path -> repository file for every file below ``folder`` not excluded
    (patterns match the relative path or any of its parts, like the tools' own globs)."""
    prefix = folder + "/" if folder else ""
    out = {}
    for path in repo.files:
        if not path.startswith(prefix):
            continue
        rel = path[len(prefix):]
        parts = rel.split("/")
        if any(fnmatch.fnmatchcase(rel, pat) or any(fnmatch.fnmatchcase(p, pat) for p in parts)
               for pat in excluded):
            continue
        out[rel] = path
    return out
