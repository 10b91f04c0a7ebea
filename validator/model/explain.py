"""Why a module is not where its import looks: the shared reasoning behind "one root
cause, one finding".

A missing module is explained by a copy that put its file elsewhere (LPK-003), by the
``zip`` that stored it under another prefix (LPK-002/LPK-003), or by a copy that fails in
CI (LPK-004).  Only an import nothing explains is LPK-001.  The rules ask these
questions; this module answers them from the package's provenance.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from validator.model import CopyRecord, FileKind, Package, PackageFile, PackageReport, Span, UnresolvedImport
from validator.model.base import FrozenRecord
from validator.model.images import ContextMiss
from validator.model.layers import LayerAttachment, Placement
from validator.model.repo import Repo


@dataclass(frozen=True, eq=False, repr=False)
class Misplacement(FrozenRecord):
    """Files of a repository path that are in the package, but not at the path an import needs."""

    repo_path: str  # the repository file or folder the import means
    expected: str  # where the import looks (archive path of the module file or folder)
    actual: str  # where the package has it instead (same kind of path)
    placed_by: Span | None  # the command that put it there
    copy: CopyRecord | None  # that command, when it is a copy


def module_paths(module: str) -> tuple[str, str, str]:
    """The archive paths a module may live at: ``a/b.py``, ``a/b/__init__.py``, ``a/b``."""
    base = module.replace(".", "/")
    return f"{base}.py", f"{base}/__init__.py", base


def files_from(package: Package, repo_path: str) -> list[PackageFile]:
    """Package files copied from ``repo_path`` (a file, or any file below a folder)."""
    prefix = repo_path.rstrip("/") + "/"
    return [
        f for f in package.files.values()
        if f.kind is FileKind.SOURCE and f.source and (f.source == repo_path or f.source.startswith(prefix))
    ]


def imported_module(item: UnresolvedImport) -> str:
    """The dotted module ``item.repo_path`` stands for: the longest start of the requested
    module whose path ends the repository path (``src.lambdas.x.alerting`` for
    ``src/lambdas/x/alerting.py``, ``utils`` for ``src/lambdas/x/utils.py``)."""
    if not item.repo_path:
        return item.module
    base = item.repo_path[:-3] if item.repo_path.endswith(".py") else item.repo_path.rstrip("/")
    base = base.removesuffix("/__init__")
    parts = base.split("/")
    wanted = item.site.module.split(".")
    for k in range(len(wanted), 0, -1):
        if parts[-k:] == wanted[:k]:
            return ".".join(wanted[:k])
    return item.module


def expected_path(item: UnresolvedImport) -> str:
    """The archive path the import looks for: a module file, or a folder (no trailing ``/``)."""
    base = imported_module(item).replace(".", "/")
    repo_path = item.repo_path or ""
    if repo_path.endswith("/__init__.py"):
        return f"{base}/__init__.py"
    if repo_path.endswith(".py"):
        return f"{base}.py"
    return base


def find_misplacement(package: Package, item: UnresolvedImport) -> Misplacement | None:
    """Where the package holds the code an unresolved import means, when it holds it at
    another path than the import names; None when it does not hold it at all."""
    repo_path = item.repo_path
    if not repo_path:
        return None
    placed = sorted(files_from(package, repo_path), key=lambda f: (f.path.count("/"), f.path))
    if not placed:
        return None
    expected = expected_path(item)
    is_file = any(f.source == repo_path for f in placed)
    if is_file:
        if any(f.path == expected for f in placed):
            return None
        best, actual = placed[0], placed[0].path
        expected_file = expected
    else:
        root = repo_path.rstrip("/")
        wrong = [f for f in placed if f.path != f"{expected}/{f.source[len(root) + 1:]}"]  # type: ignore[index]
        if not wrong:
            return None
        best = wrong[0]
        rel = best.source[len(root) + 1:] if best.source else ""
        actual = best.path[: -len(rel) - 1] if rel and best.path.endswith("/" + rel) else (
            "" if best.path == rel else posixpath.dirname(best.path))
        expected_file = f"{expected}/{rel}"
    if zip_prefix(package, best.path, expected_file):
        return Misplacement(repo_path, expected, actual or ".", package.span, None)
    copy = next((c for c in package.copies if best.origin is not None and c.span == best.origin), None)
    return Misplacement(repo_path, expected, actual or ".", best.origin, copy)


def zip_prefix(package: Package, actual: str, expected: str) -> str | None:
    """The folder prefix the ``zip`` stored every file under (``packages/x-build/`` for
    ``zip -r x.zip packages/x-build``), when it alone separates ``actual`` from ``expected``.

    Then the archive root is wrong, not the copy: the copy put the file where it belongs
    inside the build folder."""
    expected = expected.rstrip("/")
    if not actual.endswith("/" + expected) and not (actual + "/").endswith("/" + expected + "/"):
        return None
    prefix = actual[: len(actual) - len(expected)]
    if not prefix.endswith("/"):
        return None
    if all(path.startswith(prefix) for path in package.files):
        return prefix
    return None


def same_job(copy: CopyRecord, package: Package) -> bool:
    """Whether a copy ran in the job run (job and matrix combination) that built ``package``."""
    if copy.span.path != package.span.path:
        return False
    if copy.job_key:
        return copy.job_key == package_job_key(package)
    return True


def package_job_key(package: Package) -> str:
    combo = ",".join(f"{k}={v}" for k, v in sorted(package.matrix.items()))
    return f"{package.job}[{combo}]" if combo else package.job


def failed_copies_for(package: Package, copies: list[CopyRecord]) -> list[CopyRecord]:
    """Copies that fail in CI, stop their step, and would have fed this package: the same
    job run, and a target inside the package's folder, or the same run step as its ``zip``.

    Under ``set -e`` (GitHub's default ``bash -e``) a failing ``cp`` whose status nothing
    tests stops the step, so such a copy is the root cause of whatever the package then
    lacks.  A failure the script tolerates (``|| true``, ``if cp``, no ``set -e``) is not:
    the step goes on, and what the package misses is judged on the tree."""
    return [c for c in _feeding_failures(package, copies) if c.stops]


def tolerated_failures(package: Package, copies: list[CopyRecord]) -> list[CopyRecord]:
    """Failing copies that would have fed this package while the step goes on."""
    return [c for c in _feeding_failures(package, copies) if not c.stops]


def _feeding_failures(package: Package, copies: list[CopyRecord]) -> list[CopyRecord]:
    found = []
    for copy in copies:
        if not copy.failed or not same_job(copy, package):
            continue
        inside = bool(package.root_dir) and (
            copy.target == package.root_dir or copy.target.startswith(str(package.root_dir).rstrip("/") + "/")
        )
        same_step = bool(copy.step_key) and copy.step_key == package.step_key
        if inside or same_step:
            found.append(copy)
    return found


def misplaced_imports(package: Package, unresolved: list[UnresolvedImport]) -> list[tuple[UnresolvedImport, Misplacement]]:
    """The unresolved imports whose code is in the package, only at another path."""
    found = []
    for item in unresolved:
        if item.reason and item.reason != "missing":
            continue
        where = find_misplacement(package, item)
        if where is not None:
            found.append((item, where))
    return found


def handler_module_path(handler: str) -> str | None:
    """The archive path of a handler's module file (``a/b.py``), per awslambdaric's grammar."""
    module, dot, _fn = handler.rpartition(".")
    if not dot or not module:
        return None
    return module.replace("/", ".").replace(".", "/") + ".py"


def find_handler_elsewhere(package: Package, handler: str) -> PackageFile | None:
    """A package file that is the handler's module, stored at another path than the
    handler string names (nested when the handler says root, under a ``zip`` prefix …)."""
    wanted = handler_module_path(handler)
    if wanted is None:
        return None
    name = posixpath.basename(wanted)
    candidates = [
        f for f in package.files.values()
        if f.kind is FileKind.SOURCE and posixpath.basename(f.path) == name and f.path != wanted
    ]
    # prefer the file whose repository path ends with the handler's path (src/lambdas/x/handler.py)
    candidates.sort(key=lambda f: (not (f.source or "").endswith(wanted), f.path.count("/"), f.path))
    return candidates[0] if candidates else None


def flat_copies(report: PackageReport) -> dict[Span, list[tuple[UnresolvedImport, Misplacement]]]:
    """Misplaced imports of one package, grouped by the command that misplaced them."""
    groups: dict[Span, list[tuple[UnresolvedImport, Misplacement]]] = {}
    if report.closure is None:
        return groups
    for item, where in misplaced_imports(report.package, report.unresolved()):
        if where.placed_by is not None:
            groups.setdefault(where.placed_by, []).append((item, where))
    return groups


#: folders whose modules are not code a function ships
_NOT_SHIPPED = ("test/", "tests/", "docs/", "examples/", "scripts/", ".github/")


def repository_module(repo: Repo, top: str) -> str | None:
    """The one repository file or package named ``top`` (``shared/environment.py`` for
    ``import environment``) outside tests and docs: when no distribution is known by that
    name, an import of it means code of the repository that the build left out."""
    found = [f for f in repo.files
             if (f == f"{top}.py" or f.endswith(f"/{top}.py") or f == f"{top}/__init__.py"
                 or f.endswith(f"/{top}/__init__.py"))
             and not any(f.startswith(part) or f"/{part}" in f for part in _NOT_SHIPPED)]
    return found[0] if len(found) == 1 else None


#: where a layer's modules sit: ``python/`` or ``python/lib/python3.X/site-packages/``
_SITE = re.compile(r"^python/(lib/python3\.\d+/site-packages/)?")


def unknown_layers(report: PackageReport) -> list[LayerAttachment]:
    """The function's layers whose content the tool does not know (a public layer, an ARN
    in a variable, a layer built elsewhere or by a step the tool cannot follow)."""
    return [a for a in report.layers if not a.known]


#: public layers whose names do not spell a distribution (AWS's own, by name prefix)
_PUBLIC_LAYERS = (("awssdkpandas", "awswrangler"), ("awsdatawrangler", "awswrangler"),
                  ("awslambdapowertoolspython", "aws-lambda-powertools"))


def layer_name(ref: str) -> str:
    """The layer's name in a reference: ``palpiteiro-pandas`` of
    ``arn:aws:lambda:us-east-1:1:layer:palpiteiro-pandas:1``, else the reference's last
    word (``requests_layer_arn`` of ``${var.requests_layer_arn}``)."""
    m = re.search(r":layer:([A-Za-z0-9_-]+)", ref)
    if m:
        return m.group(1)
    words = re.findall(r"[A-Za-z0-9_-]+", ref)
    return words[-1] if words else ""


def layer_names_provide(report: PackageReport, module: str) -> str | None:
    """An unknown layer of the function whose name spells a distribution that provides
    ``module``, itself or through its requirements (``palpiteiro-pandas`` for ``numpy``,
    ``Klayers-p312-requests`` for ``urllib3``): the layer is there to provide it.  Used only
    to stay silent about a module such a layer holds, never to clear an error."""
    from validator.model.dists import lookup, normalise, providers

    wanted = set(providers(module)) or {normalise(module.split(".")[0])}  # a name the data does not know
    for attachment in unknown_layers(report):
        name = layer_name(attachment.ref)
        tokens = [t for t in re.split(r"[^A-Za-z0-9]+", name.lower()) if t]
        named = {"-".join(tokens[i:j]) for i in range(len(tokens)) for j in range(i + 1, min(len(tokens), i + 3) + 1)}
        squashed = "".join(tokens)
        named |= {dist for prefix, dist in _PUBLIC_LAYERS if squashed.startswith(prefix)}
        closure: set[str] = set()
        todo = [normalise(n) for n in named if lookup(n) is not None and lookup(n).source == "data"]  # type: ignore[union-attr]
        while todo:
            key = todo.pop()
            if key in closure:
                continue
            closure.add(key)
            dist = lookup(key)
            for line in dist.requires if dist is not None else ():
                if "extra ==" in line:
                    continue
                m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", line)
                if m and lookup(m.group(1)) is not None:
                    todo.append(normalise(m.group(1)))
        if wanted & (closure | {normalise(n) for n in named}):
            return attachment.ref
    return None


def layers_may_provide(report: PackageReport) -> bool:
    """The function may attach a layer of unknown content: its configuration lists one, or
    its configuration is not in the repository and the workflow attaches none."""
    config = report.link.config if report.link is not None else None
    if unknown_layers(report):
        return True
    return config is None and not report.layers


def layer_files_provide(packages: list[PackageReport], module: str) -> bool:
    """A layer built in the repository holds the module under ``python/`` (or its site-packages):
    asked for functions with a layer of unknown content, which may be that one."""
    rel = module.replace(".", "/")
    for report in packages:
        if not report.package.is_layer:
            continue
        for path in report.package.files:
            m = _SITE.match(path)
            if m and (path[m.end():].startswith(rel + "/") or path[m.end():] == rel + ".py"):
                return True
    return False


def image_build_fails(package: Package) -> bool:
    """An image whose ``COPY`` names a source the build context does not hold: ``docker
    build`` stops there (LPK-007 reports it), so nothing else about the image is judged."""
    return package.image is not None and any(m.fails for m in package.image.misses)


def image_dropped(package: Package, module: str) -> ContextMiss | None:
    """The ``.dockerignore`` exclusion that left ``module``'s file out of the image, if one did."""
    if package.image is None:
        return None
    root = package.image.task_root.rstrip("/") + "/"
    base = module.replace(".", "/")
    wanted = {root + base + ".py", root + base + "/__init__.py"}
    for miss in package.image.misses:
        if miss.kind == "ignored" and (wanted & set(miss.would_supply)
                                       or any(p.startswith(root + base + "/") for p in miss.would_supply)):
            return miss
    return None


@dataclass(frozen=True, eq=False, repr=False)
class LayerCause(FrozenRecord):
    """Why a module a function imports is not on its ``sys.path`` although a layer has it."""

    kind: str  # "misplaced": outside the searched folders; "hidden": a PYTHONPATH leaves them out
    module: str  # the top-level module
    #: the layer that holds it (None: the function's layers are all of unknown content, and
    #: ``PYTHONPATH`` hides every one of them)
    attachment: LayerAttachment | None
    placement: Placement | None  # for "misplaced": where it is in the layer
    #: nothing else can provide it (no other layer of unknown content in a searched folder,
    #: no PYTHONPATH entry the tool cannot see into): the import fails
    certain: bool


def layer_cause(report: PackageReport, module: str, repo: Repo, third_party: bool) -> LayerCause | None:
    """The layer reason, if any, why ``module`` (which the closure found nowhere) fails
    for the function(s) of ``report``: LPK-008 reports it, LPK-001 and LPK-005 leave it."""
    if not report.layers:
        return None
    from validator.model.dists import runtime_version
    from validator.model.layers import searched, unknown_entries, visible_folders

    top = module.split(".")[0]
    config = report.link.config if report.link is not None else None
    python = runtime_version(config.runtime) if config is not None else None
    pythonpath = report.pythonpath
    visible = visible_folders(pythonpath)
    opaque = bool(pythonpath is not None and unknown_entries(pythonpath))
    others = bool(unknown_layers(report)) and (visible is None or bool(visible))
    for att in report.layers:
        if att.scan is None:
            continue
        found = att.scan.provider(top)
        if found is not None and not searched(found[0], visible, python):
            return LayerCause("hidden", top, att, None, certain=not opaque and not others)
    for att in report.layers:
        where = att.scan.misplaced.get(top) if att.scan is not None else None
        if where is not None and not searched(where.prefix, visible, python):
            return LayerCause("misplaced", top, att, where, certain=not opaque and not others)
    if (third_party and pythonpath is not None and visible is not None and not visible and not opaque
            and unknown_layers(report) and not report.package.incomplete
            and repository_module(repo, top) is None and not _unknown_installs(report, repo)):
        return LayerCause("hidden", top, None, None, certain=True)
    return None


def _unknown_installs(report: PackageReport, repo: Repo) -> bool:
    from validator.model.dists import marker_environments
    from validator.model.provision import resolve

    envs = marker_environments(None)
    return any(resolve(pip, envs, repo).unknown for pip in report.package.pip_installs)


# --------------------------------------------------------------------------- shadowing (LPK-009)


def root_module(package: Package, top: str) -> PackageFile | None:
    """The file that makes ``top`` a module at the ZIP root, as the path finder picks it: a
    regular package's ``__init__.py`` before an extension module, a ``.py`` file and a ``.pyc``
    (only files the workflow put there: copied or written, not ``pip`` placeholders)."""
    init = package.files.get(f"{top}/__init__.py")
    if init is not None and init.kind in (FileKind.SOURCE, FileKind.GENERATED):
        return init
    found: list[tuple[int, PackageFile]] = []
    for path, pf in package.files.items():
        if "/" in path or pf.kind not in (FileKind.SOURCE, FileKind.GENERATED):
            continue
        if path == f"{top}.py":
            found.append((1, pf))
        elif path.startswith(f"{top}.") and path.endswith((".so", ".pyd")):
            found.append((0, pf))
        elif path == f"{top}.pyc":
            found.append((2, pf))
    return min(found, key=lambda item: item[0])[1] if found else None


def namespace_portion(module: str) -> bool:
    """``module`` is, or lies inside, a namespace portion that distributions install (the
    data lists ``google.protobuf`` for protobuf): its first component is a namespace package."""
    from validator.model.dists import lookup, providers

    parts = module.split(".")
    for key in providers(module):
        dist = lookup(key)
        if dist is not None and any("." in m and parts[: len(m.split("."))] == m.split(".") for m in dist.modules):
            return True
    return False


def extends_path(repo: Repo, init: PackageFile) -> bool:
    """A package ``__init__.py`` that joins its namespace across ``sys.path`` entries
    (``pkgutil.extend_path``, ``pkg_resources.declare_namespace``, any ``__path__`` change),
    or whose text cannot be read (then it may)."""
    text = repo.read_text(init.source) if init.source else None
    return text is None or any(word in text for word in ("extend_path", "declare_namespace", "__path__"))


def layer_portion(report: PackageReport, module: str) -> str | None:
    """The attached layer that holds ``module`` (dotted) as a portion of a namespace package:
    in a folder the runtime searches, with no ``__init__.py`` for its first component there."""
    parts = module.split(".")
    if len(parts) < 2:
        return None
    for att in report.layers:
        if att.scan is None or att.layer is None or att.layer.package is None:
            continue
        found = next((att.scan.provides[".".join(parts[:i])] for i in range(len(parts), 1, -1)
                      if ".".join(parts[:i]) in att.scan.provides), None)
        if found is not None and f"{found[0]}{parts[0]}/__init__.py" not in att.layer.package.files:
            return att.layer.where
    return None


def hidden_by_root(report: PackageReport, repo: Repo, module: str, python: str | None = None) -> tuple[PackageFile, str] | None:
    """The module at the ZIP root that makes an import of the dotted ``module`` fail by its
    name alone (LPK-009 reports it): a module file where a package is needed — it shadows the
    standard library's package of that name, or hides a namespace package whose portions are
    installed (``google.py`` and ``google.protobuf``: "'google' is not a package") — or a
    regular package that hides the namespace portions installed elsewhere (``google/__init__.py``
    with ``google.protobuf`` in a layer).  Returns the root file and "module-file" or
    "regular-package"."""
    from validator.model.dists import preimported, stdlib

    package = report.package
    top, _, rest = module.partition(".")
    if not rest:
        return None
    found = root_module(package, top)
    if found is None:
        return None
    if not found.path.endswith("/__init__.py"):
        boot = preimported(python)
        shadows = top in stdlib(python) and top not in boot.always | boot.maybe
        return (found, "module-file") if shadows or namespace_portion(module) or layer_portion(report, module) \
            else None
    if (namespace_portion(module) or layer_portion(report, module)) and not extends_path(repo, found) \
            and not package.has_dir(module.replace(".", "/")) and f"{module.replace('.', '/')}.py" not in package.files:
        return found, "regular-package"
    return None
