"""The handler's import closure inside one package.

Starting at the handler module (and the packages above it, whose ``__init__`` runs
first), every first-party module that resolves in the archive is followed, once,
with a worklist.  An import that does not resolve is classified: standard library,
runtime-provided, pip-installed, first-party code left out of the package (an
``UnresolvedImport``), or a third-party leaf for the dependency rules.
"""

from __future__ import annotations

import sys
from collections import deque

from validator.model import (
    ImportClosure,
    ImportSite,
    Package,
    SourceReader,
    SymbolUse,
    ThirdPartyLeaf,
    UnresolvedImport,
)
from validator.model.dists import marker_environments, preimported, stdlib
from validator.model.imports import CodeSyntaxError
from validator.model.provision import resolve
from validator.model.repo import Repo
from validator.pyimports.classify import RUNTIME, provided_by_names
from validator.pyimports.firstparty import parent_dir, search_bases
from validator.pyimports.pathexpr import to_archive_dir
from validator.pyimports.source import Guard, ParsedSource, RawImport, RawUse, SourceCache
from validator.pyimports.tree import ModuleLoc, PackageTree

#: each round may discover new ``sys.path`` entries; the closure is recomputed with them
MAX_ROOT_ROUNDS = 6

TOP_LEVEL_RELATIVE = "relative-import-in-top-level-module"
BEYOND_TOP_LEVEL = "relative-import-beyond-top-level-package"
MISSING = "missing"


# The helper classes below are plain slotted classes rather than dataclasses: they are
# internal to this module and a dataclass costs its generated methods' compilation at
# every start of the command line.


class _Failure:
    __slots__ = ("module", "reason", "repo_path")

    def __init__(self, module: str, reason: str, repo_path: str | None) -> None:
        self.module = module  # the module that failed (dotted; as written for a relative import that cannot resolve)
        self.reason = reason
        self.repo_path = repo_path


class _Check:
    """One import statement in one module instance, looked up."""

    __slots__ = ("failures", "leaf", "module", "raw", "resolved")

    def __init__(self, raw: RawImport, module: str, failures: list[_Failure] | None = None) -> None:
        self.raw = raw
        self.module = module  # absolute target, or the written form when it cannot be made absolute
        self.resolved: list[tuple[str, ModuleLoc]] = []
        self.failures: list[_Failure] = [] if failures is None else failures
        self.leaf: tuple[str, str | None] | None = None  # (module, provided_by)

    @property
    def ok(self) -> bool:
        return not self.failures and (self.leaf is None or self.leaf[1] is not None)


class _NodeResult:
    __slots__ = ("additions", "children", "leaves", "problem", "syntax", "unresolved", "uses")

    def __init__(self) -> None:
        self.uses: list[tuple[str, RawUse, bool]] = []  # (source file, use, reached only optionally)
        self.unresolved: list[tuple[ImportSite, _Failure]] = []
        self.leaves: list[tuple[ImportSite, str, str | None]] = []
        #: (module, loc, optional, import line, imported inside a function)
        self.children: list[tuple[str, ModuleLoc, bool, int, bool]] = []
        self.additions: list[tuple[str, bool]] = []  # (archive dir, front)
        self.problem: str | None = None
        self.syntax: tuple[str, int, str] | None = None  # a file the function's Python cannot compile


class _WalkResult:
    __slots__ = ("cold", "lines", "modules", "parents", "results")

    def __init__(self, modules: dict[str, ModuleLoc], parents: dict[str, str | None],
                 results: dict[str, _NodeResult], lines: dict[str, int], cold: dict[str, bool]) -> None:
        self.modules = modules
        self.parents = parents
        self.results = results
        self.lines = lines  # module -> line of its parent's import of it
        self.cold = cold  # module -> imported at cold start


def parse_handler(handler: str) -> tuple[str, str] | None:
    """(dotted module, function) as awslambdaric reads the handler string, or None when malformed."""
    if "." not in handler:
        return None
    module, function = handler.rsplit(".", 1)
    module = module.replace("/", ".")
    if not function or not module or any(not part for part in module.split(".")):
        return None
    return module, function


class _Closure:
    """State shared by the rounds of one closure computation."""

    def __init__(self, package: Package, repo: Repo, cache: SourceCache, handler_module: str,
                 python: str | None = None, architectures: list[str] | None = None,
                 sources: SourceReader | None = None) -> None:
        self.repo = repo
        self.sources: SourceReader = sources if sources is not None else repo
        self.provided = package.provided
        self.cache = cache
        self.python = python
        self.tree = PackageTree(package)
        self.stdlib = stdlib(python)
        boot = preimported(python)
        #: modules the runtime may hold in ``sys.modules`` before the handler: an import of
        #: one gets that module whatever the package holds
        self.preimported = boot.always | boot.maybe | boot.builtin | boot.maybe_builtin
        self.pip = frozenset(root_pip_modules(package, repo, python, architectures))
        self.runtime = RUNTIME | cache.extra_runtime_modules
        self.repo_modules = cache.repo_modules(repo)
        self.handler_module = handler_module
        self.handler_source: str | None = None
        self.roots: list[str] = [""]

    # ------------------------------------------------------------------ lookup

    def resolve(self, name: str, roots: list[str]) -> tuple[list[tuple[str, ModuleLoc]], int | None]:
        """Locations of ``a``, ``a.b``, ``a.b.c``; and the index of the first part that does
        not resolve (None when the module resolves, or leads into content nobody can see)."""
        parts = name.split(".")
        search: tuple[str, ...] | list[str] = roots
        found: list[tuple[str, ModuleLoc]] = []
        for i, part in enumerate(parts):
            loc = self.tree.find(search, part)
            if loc is None:
                return found, i
            found.append((".".join(parts[: i + 1]), loc))
            if loc.opaque and i < len(parts) - 1:
                return found, None
            search = loc.search
        return found, None

    def shadows_stdlib(self, top: str) -> bool:
        """A module of the package that an import of the standard-library module ``top`` gets
        instead: one in a search root ahead of the standard library (the ZIP root, a front
        ``sys.path`` insert), when the runtime has not imported ``top`` already (a namespace
        folder does not count: a regular module later on the path wins over it)."""
        if top in self.preimported:
            return False
        ahead = self.roots[: self.roots.index("") + 1] if "" in self.roots else self.roots
        loc = self.tree.find(ahead, top)
        return loc is not None and loc.kind != "namespace"

    def _absolute(self, raw: RawImport, name: str, package_name: str) -> tuple[str | None, str]:
        """(absolute module, "") or (None, reason) for a relative import that cannot be made absolute."""
        if raw.level == 0:
            return raw.module, ""
        anchor = package_name
        if raw.kind == "dynamic":
            if raw.package == "__package__":
                anchor = package_name
            elif raw.package == "__name__":
                anchor = name
            elif raw.package is not None:
                anchor = raw.package
            else:
                return None, ""  # import_module(".x") without package= raises TypeError, not an import
        if not anchor:
            return None, TOP_LEVEL_RELATIVE
        bits = anchor.split(".")
        if raw.level - 1 >= len(bits):
            return None, BEYOND_TOP_LEVEL
        base = ".".join(bits[: len(bits) - (raw.level - 1)])
        return (f"{base}.{raw.module}" if raw.module else base), ""

    def _repo_path(self, raw: RawImport, source: str, names: list[str]) -> str | None:
        """Where the code an import names lives in the repository (most specific name first)."""
        if raw.level > 0:
            base = parent_dir(source)
            for _ in range(raw.level - 1):
                base = parent_dir(base)
            rel = [f"{raw.module}.{n}" if raw.module else n for n in raw.names if n != "*"]
            rel += [raw.module] if raw.module else []
            found = self.repo_modules.find(rel, [base])
            if found is not None:
                return found
        return self.repo_modules.find(names, search_bases(source, self.handler_source))

    def _repo_home(self, raw: RawImport, source: str, target: str, names: list[str]) -> str | None:
        """``_repo_path`` for an absolute import of ``target`` whose top name the package
        lacks, leaving out what cannot be that import's code: the importing file itself
        (``utils/google.py`` saying ``import google.oauth2`` means the distribution), and a
        plain module where the import needs a package (``google.py`` has no ``google.oauth2``)."""
        bases = search_bases(source, self.handler_source)
        for name in names:
            found = self.repo_modules.find([name], bases)
            if found is None or found == source:
                continue
            if found.endswith(".py") and not found.endswith("/__init__.py") and target.startswith(name + "."):
                continue
            return found
        return None

    def _check(self, raw: RawImport, name: str, package_name: str, source: str) -> _Check | None:
        target, reason = self._absolute(raw, name, package_name)
        if target is None:
            if not reason:
                return None
            written = "." * raw.level + raw.module
            return _Check(raw, written, failures=[_Failure(written, reason, self._repo_path(raw, source, []))])
        check = _Check(raw, target)
        parts = target.split(".")
        submodules = [f"{target}.{n}" for n in raw.names if n != "*"]
        if parts[0] in self.stdlib and not self.shadows_stdlib(parts[0]):
            return check
        resolved, fail_at = self.resolve(target, self.roots)
        check.resolved = resolved
        if fail_at is None:
            if raw.kind == "from" and len(resolved) == len(parts):
                self._from_names(check, resolved[-1][1], source)
            return check
        candidates = [*submodules, *(".".join(parts[:i]) for i in range(len(parts), fail_at, -1))]
        if provided_by_names(target, self.pip):
            check.leaf = (target, "pip")
        elif parts[0] in self.provided and all(loc.kind == "namespace" for _name, loc in resolved):
            # a namespace package spans the sys.path entries: the layer's portion joins the package's
            check.leaf = (target, "layer")
        elif fail_at == 0 and provided_by_names(target, self.runtime):
            check.leaf = (target, "runtime")
        elif fail_at > 0:
            failing = ".".join(parts[: fail_at + 1])
            check.failures.append(_Failure(failing, MISSING, self._repo_path(raw, source, candidates)))
        else:
            repo_path = self._repo_home(raw, source, target, candidates)
            if repo_path is not None:
                check.failures.append(_Failure(parts[0], MISSING, repo_path))
            else:
                check.leaf = (target, None)
        return check

    def _from_names(self, check: _Check, base: ModuleLoc, source: str) -> None:
        """``from a.b import c``: ``c`` may be a submodule (followed) or a plain name."""
        if not base.search or base.opaque:
            return
        init = self.parsed_module(base.file) if base.file else None
        for n in check.raw.names:
            if n == "*":
                continue
            sub = self.tree.find(base.search, n)
            full = f"{check.module}.{n}"
            if sub is not None:
                check.resolved.append((full, sub))
                continue
            if base.kind == "package" and init is not None and (
                n in init.names or init.star_import or init.module_getattr
            ):
                continue  # a name the package's __init__ defines
            # a namespace package has no attributes; a package's missing name is reported
            # only when the repository shows it is a module that was left out
            repo_path = self._repo_path(check.raw, source, [full])
            if repo_path is not None or base.kind == "namespace":
                check.failures.append(_Failure(full, MISSING, repo_path))

    def parsed_module(self, archive_path: str | None) -> ParsedSource | None:
        source = self.tree.content_source(archive_path) if archive_path else None
        return self.cache.get(self.sources, source) if source else None

    # ------------------------------------------------------------------ one module

    def process(self, name: str, loc: ModuleLoc, optional: bool) -> _NodeResult:
        result = _NodeResult()
        source = self.tree.content_source(loc.file) if loc.file else None
        if source is None:
            return result
        parsed = self.cache.get(self.sources, source)
        if parsed is None:
            syntax = self.cache.syntax_error(self.sources, source)
            if syntax is not None and self.python is not None and not _older(_HOST, self.python) and not optional:
                # refused by this interpreter, and by the function's older or equal Python
                result.syntax = (source, syntax[0], f"{syntax[1]} (Python {self.python})")
            else:
                result.problem = self.cache.problem(self.sources, source) or f"cannot parse {source}"
            return result
        newer = self.cache.needs_python(self.sources, source)
        if newer is not None and self.python is not None and _older(self.python, newer[0]):
            result.syntax = (source, newer[1], f"{newer[2]} (valid from Python {newer[0]}; the function "
                                               f"runs python{self.python})")
        elif self.python is not None and (older := self.cache.older_syntax(self.sources, source, self.python)):
            result.syntax = (source, older[0], f"{older[1]} (Python {self.python})")
        if result.syntax is not None and optional:
            # reached only where the code handles a failed import: whether its handler also
            # catches a SyntaxError is not known, so this stays a note
            path, line, message = result.syntax
            result.problem, result.syntax = f"{path}:{line}: syntax error: {message}", None
        package_name = name if loc.kind == "package" else name.rpartition(".")[0]
        checks = [c for raw in parsed.imports if (c := self._check(raw, name, package_name, source))]
        chosen = _chosen_branches(parsed.guards, checks)
        for check in checks:
            self._place(check, parsed, chosen, optional, source, result)
        result.uses = [(source, use, optional) for use in parsed.uses]
        for addition in parsed.path_additions:
            directory = to_archive_dir(addition.value, loc.file or "")
            if directory is not None:
                result.additions.append((directory, addition.front))
        return result

    def _place(self, check: _Check, parsed: ParsedSource, chosen: dict[int, int | None], node_optional: bool,
               source: str, result: _NodeResult) -> None:
        """Decide, for one import, whether it is required, reported, and followed."""
        raw = check.raw
        guard = parsed.guards[raw.guard] if raw.guard is not None else None
        optional, report, follow = node_optional, True, True
        alternatives: tuple[str, ...] = ()
        if guard is not None and raw.guard is not None:
            alternatives = _alternatives(guard, raw)
            pick = chosen[raw.guard]
            if guard.optional:
                optional = True
            elif pick is not None:  # the first branch that resolves runs; later ones never do
                optional = node_optional or raw.branch != pick
                report = follow = raw.branch <= pick
            else:  # nothing resolves: the first branch's failure is the one users see
                report = raw.branch == 0
        site = ImportSite(
            module=check.module, path=source, line=raw.line, text=raw.text, level=raw.level,
            in_function=raw.in_function, optional=optional, alternatives=alternatives, names=raw.names,
        )
        if report and not optional:
            result.unresolved.extend((site, f) for f in check.failures)
        if report and check.leaf is not None:
            result.leaves.append((site, check.leaf[0], check.leaf[1]))
        if follow:
            result.children.extend((n, loc, optional, raw.line, raw.in_function) for n, loc in check.resolved)

    # ------------------------------------------------------------------ the walk

    def walk(self, start: list[tuple[str, ModuleLoc]]) -> _WalkResult:
        """Breadth-first over reached modules; a module first reached only through optional
        imports is revisited when a required import reaches it."""
        state: dict[str, bool] = {}  # module -> reached only optionally
        cold: dict[str, bool] = {}  # module -> imported at cold start (module-level, required imports)
        done: dict[str, bool] = {}
        locs: dict[str, ModuleLoc] = {}
        parents: dict[str, str | None] = {}
        lines: dict[str, int] = {}
        results: dict[str, _NodeResult] = {}
        queue: deque[str] = deque()

        def discover(name: str, loc: ModuleLoc, optional: bool, parent: str | None, line: int = 0,
                     at_start: bool = True) -> None:
            cold[name] = cold.get(name, False) or at_start
            if name not in state:
                state[name], locs[name], parents[name], lines[name] = optional, loc, parent, line
                queue.append(name)
            elif state[name] and not optional:
                state[name], parents[name], lines[name] = False, parent, line
                queue.append(name)

        handler = start[-1][0]
        discover(handler, start[-1][1], False, None)
        for name, loc in start[:-1]:
            discover(name, loc, False, handler)
        while queue:
            name = queue.popleft()
            if done.get(name) == state[name]:
                continue
            done[name] = state[name]
            results[name] = self.process(name, locs[name], state[name])
            for child, loc, optional, line, in_function in results[name].children:
                discover(child, loc, optional, name, line, cold[name] and not optional and not in_function)
        return _WalkResult(locs, parents, results, lines, cold)


def _chosen_branches(guards: list[Guard], checks: list[_Check]) -> dict[int, int | None]:
    """For each alternatives group, the first branch whose imports all resolve."""
    ok: dict[tuple[int, int], bool] = {}
    for c in checks:
        if c.raw.guard is not None:
            key = (c.raw.guard, c.raw.branch)
            ok[key] = ok.get(key, True) and c.ok
    chosen: dict[int, int | None] = {}
    for gi, guard in enumerate(guards):
        chosen[gi] = next(
            (b for b, raises in enumerate(guard.raises) if not raises and ok.get((gi, b), True)), None
        )
    return chosen


def _alternatives(guard: Guard, raw: RawImport) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for b, texts in enumerate(guard.texts):
        if b != raw.branch:
            seen.update((t, None) for t in texts)
    return tuple(seen)


def _chain(parents: dict[str, str | None], name: str) -> list[str]:
    chain: list[str] = []
    seen: set[str] = set()
    current: str | None = name
    while current is not None and current not in seen:
        chain.append(current)
        seen.add(current)
        current = parents.get(current)
    return list(reversed(chain))


def _function_found(parsed: ParsedSource | None, loc: ModuleLoc, function: str) -> bool | None:
    if loc.kind == "namespace":
        return False  # importable, but a namespace package defines nothing
    if parsed is None:
        return None
    if function in parsed.names or parsed.module_getattr:
        return True
    return None if parsed.star_import else False


_HOST = f"{sys.version_info[0]}.{sys.version_info[1]}"


def _older(version: str, than: str) -> bool:
    def key(v: str) -> tuple[int, ...]:
        return tuple(int(x) for x in v.split(".")[:2] if x.isdigit())

    return key(version) < key(than)


def root_pip_modules(package: Package, repo: Repo, python: str | None, architectures: list[str] | None) -> set[str]:
    """Modules the installs at the archive root provide (distributions, their dependencies,
    guesses for what the data does not know): only those are importable from the root."""
    envs = marker_environments(python, architectures)
    names: set[str] = set()
    for pip in package.pip_installs:
        if pip.prefix.strip("/") in ("", "."):
            names |= set(resolve(pip, envs, repo).modules)
    return names


def compute_closure(package: Package, handler: str, repo: Repo, cache: SourceCache, python: str | None = None,
                    architectures: list[str] | None = None, sources: SourceReader | None = None,
                    roots: list[str] | None = None) -> ImportClosure:
    """The import closure of ``handler`` (``module.function``, slashes allowed) inside ``package``,
    for a function on Python ``python`` (``3.12``; None when unknown).  ``roots`` are
    folders of the archive on ``sys.path`` after its root (a ``PYTHONPATH`` of
    ``/var/task/src`` is ``src``).

    ``sources`` holds the text of the files' ``source`` paths: the repository (the
    default, for packages the simulation rebuilt) or the archive a real package was read
    from; ``repo`` still says where first-party code lives, for the findings' hints."""
    parsed_handler = parse_handler(handler)
    if parsed_handler is None:
        module = handler.rsplit(".", 1)[0] if "." in handler else handler
        return ImportClosure(handler_module=module.replace("/", "."), handler_file=None,
                             handler_function_found=None)
    handler_module, function = parsed_handler
    state = _Closure(package, repo, cache, handler_module, python, architectures, sources)
    start, fail_at = state.resolve(handler_module, [""])
    closure = ImportClosure(handler_module=handler_module, handler_file=None, handler_function_found=None)
    if fail_at is not None or len(start) < len(handler_module.split(".")):
        return closure  # missing, or inside content nobody can see
    loc = start[-1][1]
    closure.handler_file = loc.file
    top = handler_module.split(".")[0]
    if top in stdlib(python) and top in preimported(python).always | preimported(python).builtin:
        return closure  # the runtime gets its own module of that name: nothing of the package runs (LPK-009)
    state.handler_source = state.tree.content_source(loc.file) if loc.file else None
    handler_parsed = state.parsed_module(loc.file)
    closure.handler_function_found = _function_found(handler_parsed, loc, function)

    front: list[str] = []
    back: list[str] = [r for r in dict.fromkeys(roots or []) if r]
    if back:
        state.roots = ["", *back]
        closure.extra_roots.extend(back)
    walk = state.walk(start)
    for _ in range(MAX_ROOT_ROUNDS):
        new = False
        for node_result in walk.results.values():
            for directory, is_front in node_result.additions:
                if directory and directory not in front and directory not in back:
                    (front if is_front else back).append(directory)
                    closure.extra_roots.append(directory)
                    new = True
        if not new:
            break
        state.roots = [*reversed(front), "", *back]
        walk = state.walk(start)
    _assemble(closure, walk)
    return closure


def _assemble(closure: ImportClosure, walk: _WalkResult) -> None:
    seen_unresolved: set[tuple[str, str, str]] = set()
    seen_leaves: set[tuple[str, str, tuple[str, ...]]] = set()
    seen_uses: set[tuple[str, int, int, str]] = set()
    for name, loc in walk.modules.items():
        closure.modules[name] = loc.archive_path
    for name, node in walk.results.items():
        if node.problem and node.problem not in closure.problems:
            closure.problems.append(node.problem)
        if node.syntax is not None:
            path, line, message = node.syntax
            closure.syntax_errors.append(CodeSyntaxError(path, line, message, _chain(walk.parents, name),
                                                         walk.cold.get(name, False)))
        if not node.unresolved and not node.leaves and not node.uses:
            continue
        chain = _chain(walk.parents, name)
        trail = [f"{walk.modules[m].archive_path}:{walk.lines[p]}" if p is not None and walk.lines.get(p)
                 else walk.modules[m].archive_path
                 for m, p in zip(chain, [*chain[1:], None], strict=True) if m in walk.modules]
        for source, use, optional in node.uses:
            use_key = (source, use.line, use.column, use.symbol)
            if use_key in seen_uses:
                continue
            seen_uses.add(use_key)
            closure.symbol_uses.append(SymbolUse(
                symbol=use.symbol, how=use.how, path=source, line=use.line, column=use.column,
                end_line=use.end_line, end_column=use.end_column, text=use.text, in_function=use.in_function,
                keywords=use.keywords, caught=use.caught, optional=optional, chain=chain,
                trail=[*trail[:-1], f"{source}:{use.line}"] if trail else [f"{source}:{use.line}"]))
        for site, failure in node.unresolved:
            # one entry per failing module, importer and requested module: the same import
            # written twice is one problem, but `src.lib` and `src.lambdas.x` both failing
            # at `src` are two
            ukey = (failure.module, site.path, site.module)
            if ukey not in seen_unresolved:
                seen_unresolved.add(ukey)
                closure.unresolved.append(
                    UnresolvedImport(site=site, module=failure.module, chain=chain,
                                     repo_path=failure.repo_path, reason=failure.reason)
                )
        for site, module, provided_by in node.leaves:
            key = (module, site.path, site.names)
            if key not in seen_leaves:
                seen_leaves.add(key)
                trail_here = [*trail[:-1], f"{site.path}:{site.line}"] if trail else [f"{site.path}:{site.line}"]
                closure.third_party.append(ThirdPartyLeaf(module=module, site=site, chain=chain,
                                                          provided_by=provided_by, trail=trail_here))
