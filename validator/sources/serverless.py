"""The ZIP the Serverless Framework builds for a function (``serverless package``/``deploy``),
reconstructed with the Framework's own rules.

Sources (serverless/serverless at tag v3.40.0; v2.72.4 has the same algorithm, v1.83.3
too with nanomatch instead of micromatch; v4's ``packages/serverless/lib/plugins/package/
lib/package-service.js`` keeps it, with globby 14):

- ``lib/plugins/package/lib/package-service.js`` L13-21: default excludes ``.git/**``,
  ``.gitignore``, ``.DS_Store``, ``npm-debug.log``, ``yarn-*.log``, ``.serverless/**``,
  ``.serverless_plugins/**``.
- L36-70 ``getExcludes``: lodash ``union`` (first occurrence kept) of the defaults, the
  configuration file's name, ``plugins.localPath``, ``package.exclude``, each layer's
  ``<path>/**`` (functions only), ``.env*`` with ``useDotenv``, the function's ``exclude``.
- L23-29 ``getIncludes``: ``union`` of the service's ``package.include`` then
  ``package.patterns``, then the function's ``include`` then ``patterns``
  (``resolveFilePathsFunction`` L228-242); the function's lists count only when the
  function is packaged individually (``packageService`` L99-116: otherwise the Framework
  warns and ignores them).
- L261-318 ``resolveFilePathsFromPatterns``: the excludes become ``!pattern`` (an exclude
  written ``!x`` becomes the include ``x``), followed by the includes in order; the
  candidate files are ``globby(['**', ...includes], {dot: true, follow: true,
  expandDirectories: false})`` (globby 11.1 ``generateGlobTasks``: each positive pattern
  skips the negative patterns written *after* it; fast-glob 3.3 does the matching, and its
  deep filter ``providers/filters/deep.js`` does not enter a directory that such a
  negative pattern names when the pattern ends in ``/**`` or its last part has no glob
  characters, ``utils/pattern.js`` ``isAffectDepthOfReadingPattern``); then every file
  starts included and each pattern in turn sets the files ``micromatch(files, [pattern],
  {dot: true})`` matches to included (``!`` excluded): the last matching pattern wins.
  No file left is the error ``No file matches include / exclude patterns``.
- ``lib/plugins/package/lib/zip-service.js`` L64-109 ``zipFiles``: the names are
  ``path.normalize``d and de-duplicated; archiver 5.3's ``sanitizePath`` (archiver-utils
  2.1.0 ``index.js`` L98-100) drops leading ``../`` and ``/``, so ``../../src/x.py`` is
  stored as ``src/x.py``; the archive is ``.serverless/<name>`` (L72), ``<service>.zip``
  (package-service.js L151) or ``<function>.zip`` when individually (L191).
- serverless-python-requirements v6.1.2 ``lib/inject.js`` L122-151: with the service's
  ``package.individually`` and a function ``module:`` other than ``.``, only the files
  under ``<module>/`` are kept, moved to the archive root, in
  ``.serverless/<module>-<function name>.zip``; L152-166 and ``lib/pip.js`` L604-640:
  the requirements of ``<module>/<fileName>`` (``<fileName>`` of the service otherwise;
  default ``requirements.txt``) are installed into the archive root.  With
  ``custom.pythonRequirements.layer`` (L101-L105) neither happens: the requirements go
  into the layer the plugin builds (``validator.handlers.serverless``).

Glob matching is micromatch 4.0.8 / picomatch 2.3 with ``dot: true``, done with wcmatch
(globstar, braces, extglobs, dot files) after the differences measured against the real
code (tests/unit/data/serverless-oracle.json, made by scripts/build_serverless_oracle.py):
a leading ``./`` of a pattern is dropped; in the Framework's own micromatch call ``[!a]``
is the class of ``!`` and ``a``, while fast-glob calls micromatch with ``posix: true``,
where it is a negated class; a path that starts with ``./`` (what fast-glob returns for a
pattern written ``./x``) matches no pattern; ``*`` and ``**`` never match a ``..`` segment;
``x/**`` also matches ``x``.
The files are the checkout's (what the workflow writes before the deploy is not seen).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import bracex
from wcmatch import glob as wcglob

from validator.model import (
    PYTHON_REQUIREMENTS,
    Exclusion,
    FileKind,
    HandlerConfig,
    Package,
    PackageFile,
    PipInstall,
    ServerlessPackaging,
    Span,
)
from validator.model.base import Record
from validator.model.repo import Repo

#: package-service.js L13-21
DEFAULT_EXCLUDES = (".git/**", ".gitignore", ".DS_Store", "npm-debug.log", "yarn-*.log", ".serverless/**",
                    ".serverless_plugins/**")

#: plugins whose hooks do not touch the function archives (they compile CloudFormation
#: only: serverless-step-functions lib/index.js ``package:compileFunctions``/``compileEvents``;
#: serverless-iam-roles-per-function src/lib/index.ts ``before:package:finalize`` adds roles)
ARCHIVE_NEUTRAL_PLUGINS = frozenset({"serverless-step-functions", "serverless-iam-roles-per-function"})

_FLAGS = (wcglob.GLOBSTAR | wcglob.BRACE | wcglob.EXTGLOB | wcglob.DOTGLOB | wcglob.CASE | wcglob.FORCEUNIX)
_NOT_CLASS = re.compile(r"(?<!\\)\[!")
_MAGIC = re.compile(r"[*?\[\]{}()!+@]")
#: patterns that match every path without a ``.``/``..`` segment
_EVERYTHING = frozenset({"**", "**/*", "./**", "./**/*"})
#: brace expansions read at most (wcmatch's guard against brace bombs)
_LIMIT = 1000


def _compiled(pattern: str, posix: bool = False) -> str:
    """The pattern as picomatch reads it, written for wcmatch."""
    while pattern.startswith("./"):
        pattern = pattern[2:]
    return pattern if posix else _NOT_CLASS.sub(r"[\\!", pattern)


@lru_cache(maxsize=4096)
def _regex(pattern: str, posix: bool) -> re.Pattern[str] | None:
    """wcmatch's translation of the pattern, compiled once (None: past the brace limit or malformed)."""
    try:
        included, _excluded = wcglob.translate(_compiled(pattern, posix), flags=_FLAGS, limit=_LIMIT)
        return re.compile("|".join(f"(?:{one})" for one in included)) if included else None
    except Exception:
        return None


@lru_cache(maxsize=4096)
def _shape(pattern: str) -> tuple[str | None, str]:
    """(the path itself when the pattern has no glob characters, the folder prefix every
    path it matches starts with)."""
    body = _compiled(pattern, posix=True)
    if not _MAGIC.search(body) and "\\" not in body:
        return body, ""
    static = _static_base(body)
    return None, "/".join(static) + "/" if static else ""


def matches(pattern: str, path: str, *, posix: bool = False) -> bool:
    """``micromatch.isMatch(path, pattern, {dot: true})`` for the patterns serverless.yml
    holds (``pattern`` without its ``!``); ``posix`` as fast-glob calls it (``posix: true``:
    there ``[!a]`` is a negated class)."""
    if path.startswith("./"):
        return False
    if pattern in _EVERYTHING:  # the common case, without a regular expression
        return path != "" and not any(part in (".", "..") for part in path.split("/"))
    literal, prefix = _shape(pattern)
    if literal is not None:
        return path == literal
    if prefix and not (path.startswith(prefix) or path == prefix[:-1]):
        return False
    regex = _regex(pattern, posix)
    if regex is not None and regex.match(path):
        return True
    # picomatch: ``x/**`` matches ``x`` itself (a folder, for fast-glob's deep filter)
    return pattern.endswith("/**") and matches(pattern[:-3], path, posix=posix)


def _strip_dot(path: str) -> str:
    return path[2:] if path.startswith("./") else path


@dataclass(eq=False, repr=False)
class Resolved(Record):
    """The archive of one function: archive path -> repository file, and for each
    repository file of the service the pattern that decided it (None: included by ``**``)."""

    files: dict[str, str] = field(default_factory=dict)
    #: archive path -> the pattern that included it last (``None``: nothing but ``**``)
    included_by: dict[str, str | None] = field(default_factory=dict)
    #: repository file -> the pattern that left it out
    excluded_by: dict[str, str] = field(default_factory=dict)


def resolve(files: Iterable[str], service_dir: str, include: list[str], exclude: list[str]) -> Resolved:
    """Which repository files land where, per ``resolveFilePathsFromPatterns`` and
    ``zipFiles`` (see the module's docstring); ``include``/``exclude`` are the lists as
    ``getIncludes``/``getExcludes`` return them (de-duplicated, in order)."""
    files = sorted(files)
    globs = ["**", *include]
    keys: dict[str, str] = {}  # the path globby returns (relative to the service) -> repository file
    #: paths globby did not return -> (repository file, the negative pattern that kept it out)
    blocked: dict[str, tuple[str, str]] = {}
    for i, positive in enumerate(globs):
        if positive.startswith("!"):
            continue
        later = [g[1:] for g in globs[i + 1:] if g.startswith("!")]
        deep = [n for n in later if _affects_depth(n)]
        folders: dict[str, str | None] = {}
        for key, repo_file in _candidates(files, service_dir, positive):
            if key in keys:
                continue
            # fast-glob's entry filter, then its deep filter (a folder it never read)
            negative = next((neg for neg in later if matches(neg, _strip_dot(key), posix=True)), None) or _pruned(
                key, positive, deep, folders)
            if negative is None:
                keys[key] = repo_file
                blocked.pop(key, None)
            else:
                blocked[key] = (repo_file, "!" + negative)
    sequence = [(e[1:], True) if e.startswith("!") else (e, False) for e in exclude]
    sequence += [(p[1:], False) if p.startswith("!") else (p, True) for p in include]
    state: dict[str, tuple[bool, str | None]] = dict.fromkeys(keys, (True, None))
    for pattern, keep in sequence:
        for key in keys:
            if matches(pattern, key):
                state[key] = (keep, ("" if keep else "!") + pattern)
    out = Resolved()
    for key, (keep, why) in sorted(state.items()):
        repo_file = keys[key]
        if not keep:
            out.excluded_by.setdefault(repo_file, why or "")
            continue
        name = _archive_name(key)
        if name and name not in out.files:
            out.files[name] = repo_file
            out.included_by[name] = why
    for key, (repo_file, negative) in sorted(blocked.items()):
        # the pattern a reader sees decide it: the last one that matches it, when that one
        # excludes; else the one that kept globby from it (a folder named ``!utils``)
        last = next(((p, keep) for p, keep in reversed(sequence) if matches(p, key)), None)
        out.excluded_by.setdefault(repo_file, "!" + last[0] if last is not None and not last[1] else negative)
    for repo_file in out.files.values():
        out.excluded_by.pop(repo_file, None)  # left out under one name, packaged under another
    return out


def _candidates(files: list[str], service_dir: str, pattern: str) -> Iterable[tuple[str, str]]:
    """(globby path, repository file) for every file ``pattern`` matches, the path written
    as fast-glob returns it: relative to the service, ``./`` and ``../`` kept as written."""
    prefix = "./" if pattern.startswith("./") else ""
    body = _compiled(pattern, posix=True)
    ups = 0
    while body.startswith("../"):
        ups += 1
        body = body[3:]
    base_parts = service_dir.split("/") if service_dir else []
    if ups > len(base_parts):
        return  # above the checkout: nothing of the repository
    anchor = "/".join(base_parts[: len(base_parts) - ups])
    lead = prefix + "../" * ups
    under = anchor + "/" if anchor else ""
    static = "/".join(_static_base(body))  # no file outside it can match: skip them unmatched
    under_static = under + static + "/" if static else under
    for repo_file in files:
        if not repo_file.startswith(under_static):
            continue
        rel = repo_file[len(under):]
        if matches(body, rel, posix=True):
            yield lead + rel, repo_file


def _pruned(key: str, positive: str, deep: list[str], seen: dict[str, str | None]) -> str | None:
    """The negative pattern written later (one of ``deep``, those that affect fast-glob's
    reading depth) that names a folder between the pattern's static start and the file:
    fast-glob's deep filter reads no further.  ``seen`` remembers the folders decided."""
    if not deep:
        return None
    parts = _strip_dot(key).split("/")[:-1]
    base = _static_base(_strip_dot(positive))
    for depth in range(len(base) + 1, len(parts) + 1):
        folder = "/".join(parts[:depth])
        if folder not in seen:
            seen[folder] = next((n for n in deep if matches(n, folder, posix=True)), None)
        if seen[folder] is not None:
            return seen[folder]
    return None


@lru_cache(maxsize=4096)
def _affects_depth(pattern: str) -> bool:
    """``isAffectDepthOfReadingPattern`` of fast-glob 3.3 (after its brace expansion)."""
    return any(one.endswith("/**") or not _MAGIC.search(posixpath.basename(one)) for one in _expand(pattern))


def _expand(pattern: str) -> list[str]:
    try:
        return list(bracex.expand(pattern, limit=_LIMIT))
    except Exception:  # a brace bomb or a malformed brace: as written
        return [pattern]


def _static_base(pattern: str) -> list[str]:
    """The leading parts without glob characters (glob-parent): fast-glob starts reading there."""
    parts = pattern.split("/")
    out = []
    for part in parts[:-1]:
        if _MAGIC.search(part) or "\\" in part or part in ("", ".", ".."):
            break
        out.append(part)
    return out


def _archive_name(key: str) -> str:
    """``path.normalize`` then archiver's ``sanitizePath``: leading ``../`` and ``/`` dropped."""
    name = posixpath.normpath(key)
    while name.startswith("../") or name.startswith("/"):
        name = name[3:] if name.startswith("../") else name[1:]
    return "" if name in (".", "..") else name


# --------------------------------------------------------------------------- packages


def union(*lists: Iterable[str]) -> list[str]:
    """lodash ``union``: every value once, where it first appears."""
    out: dict[str, None] = {}
    for values in lists:
        for value in values:
            out.setdefault(value, None)
    return list(out)


#: (repository, service folder, includes, excludes) -> the repository and what it resolves to
_RESOLVED: dict[tuple[object, ...], tuple[Repo, Resolved]] = {}


def serverless_package(config: HandlerConfig, repo: Repo) -> Package | None:
    """The archive ``config``'s function is deployed from, built as the Framework builds it;
    None when the function has no archive of its own to model (no record, no Python)."""
    sls = config.serverless
    if sls is None:
        return None
    include = union([p.text for p in sls.include])
    exclude = union(DEFAULT_EXCLUDES, [sls.config_file], sls.extra_excludes, [p.text for p in sls.exclude])
    key = (id(repo), len(repo.files), sls.service_dir, tuple(include), tuple(exclude))
    cached = _RESOLVED.get(key)
    if cached is None or cached[0] is not repo:  # the functions of one service archive share it
        cached = _RESOLVED[key] = (repo, resolve(repo.files, sls.service_dir, include, exclude))
    resolved = cached[1]
    files = resolved.files
    archive = sls.artifact
    module = _module(sls)
    if module is not None:
        prefix = module.rstrip("/") + "/"
        files = {name[len(prefix):]: src for name, src in files.items() if name.startswith(prefix)}
        stem = config.function_name or f"{sls.service}-${{sls:stage}}-{config.resource}"
        archive = posixpath.join(posixpath.dirname(sls.artifact), f"{module}-{stem}.zip")
    if (not any(name.endswith(".py") for name in files) and not sls.unknown
            and not any(src.endswith(".py") for src in resolved.excluded_by)):
        return None  # nothing of Python in the service: not this tool's package
    span = sls.span or config.span
    by_text = {p.text: p for p in (*sls.include, *sls.exclude)}

    def origin(pattern: str | None) -> Span:
        found = by_text.get(pattern or "")
        return found.span if found is not None else span

    def why(pattern: str) -> Exclusion:
        found = by_text.get(pattern) or by_text.get(pattern.removeprefix("!"))
        if found is not None:
            return Exclusion(found.describe(), found.span)
        text = pattern.removeprefix("!")
        if text in DEFAULT_EXCLUDES:
            return Exclusion(f"Serverless's default exclude `{text}`")
        if text == sls.config_file:
            return Exclusion(f"`{text}` (Serverless leaves its configuration file out)")
        return Exclusion(f"`{text}`, which Serverless excludes for plugins.localPath, a layer's folder or useDotenv")

    pkg = Package(
        name=config.resource,
        archive=archive,
        span=span,
        files={arch: PackageFile(arch, FileKind.SOURCE, source=src, origin=origin(resolved.included_by.get(arch)))
               for arch, src in files.items()},
        workflow=span.path,
        root_dir=None,
        left_out={src: why(pattern) for src, pattern in resolved.excluded_by.items()},
    )
    requirements = _requirements(sls, module, repo)
    if requirements is not None:
        pkg.pip_installs.append(PipInstall(prefix="", requirements=[], requirement_files=[requirements],
                                           span=span))
    reasons = ([(sls.unknown, sls.unknown_span)] if sls.unknown else []) + _plugin_reasons(sls)
    if module is not None and "${" in module:
        reasons.append((f"the function's module `{module}` holds a variable", config.span))
    if reasons:
        pkg.incomplete = "; ".join(why for why, _ in reasons)
        pkg.incomplete_span = reasons[0][1]
    return pkg


def serverless_layer_files(repo: Repo, folder: str) -> dict[str, str]:
    """A ``layers.<name>.path`` folder as ``packageLayer`` zips it (package-service.js
    L199-216, L244-259): the files below the folder with the default excludes, named
    relative to it.  The service's own ``package.patterns``, which the Framework applies to
    layers too, and the layer's ``package`` lists are not read (``LayerConfig`` does not
    hold them): such a layer may in truth hold fewer files."""
    return resolve(repo.files, folder, [], union(DEFAULT_EXCLUDES, ["serverless.yml", "serverless.yaml"])).files


def _module(sls: ServerlessPackaging) -> str | None:
    """serverless-python-requirements moves ``module:`` up only for a service packaged
    individually (inject.js L122: the *service's* ``package.individually``), and not when it
    builds a layer (inject.js L102-L105 return first)."""
    if PYTHON_REQUIREMENTS not in sls.plugins or not sls.module or sls.requirements_layer:
        return None
    module = posixpath.normpath(sls.module)
    return None if module in (".", "") else module


def _requirements(sls: ServerlessPackaging, module: str | None, repo: Repo) -> str | None:
    if PYTHON_REQUIREMENTS in sls.plugins:
        if sls.requirements_layer:
            return None  # inject.js L102-L105: the requirements go into the layer, not the archive
        folder = posixpath.join(sls.service_dir, module) if module else sls.service_dir
        path = posixpath.normpath(posixpath.join(folder, sls.requirements_name)) if folder else sls.requirements_name
        return path if repo.is_file(path) else None
    # without the plugin the Framework installs nothing; a requirements file beside
    # serverless.yml may still be vendored by a step before the deploy, so it is not judged absent
    path = posixpath.join(sls.service_dir, "requirements.txt") if sls.service_dir else "requirements.txt"
    return path if repo.is_file(path) else None


def _plugin_reasons(sls: ServerlessPackaging) -> list[tuple[str, Span | None]]:
    others = [p for p in sls.plugins if p not in ARCHIVE_NEUTRAL_PLUGINS and p != PYTHON_REQUIREMENTS]
    if not others:
        return []
    names = ", ".join(others)
    return [(f"the plugin{'s' if len(others) > 1 else ''} {names} may change what Serverless packages",
             sls.plugin_spans.get(others[0]))]
