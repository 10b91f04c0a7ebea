"""Which handler string belongs to which package, and why.

The handler decides what a correct package looks like, so a wrong link turns into a
wrong fix.  Links are made level by level, strongest first, over all packages at
once: explicit configuration; the archive's journey (S3 key, ``--zip-file`` +
``--function-name``, Terraform ``filename``, SAM ``CodeUri``); names; and last a
guess from the tree.  Within a level, configs that match equally well but disagree
on the handler are ambiguous and the package falls to the next level; a config
already claimed by a stronger link is not handed to another package by name.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from validator.handlers import patterns
from validator.handlers.grammar import parse_handler
from validator.handlers.images import link_image
from validator.handlers.infer import infer_handler
from validator.model import DeployRef, HandlerConfig, HandlerLink, Package, Span
from validator.model.base import Record
from validator.model.lookup import Lookup, end_item_keys, end_query_keys
from validator.model.repo import Repo

_ORIGIN_WORDS = {
    "terraform": "Terraform",
    "sam": "template",
    "serverless": "serverless function",
    "cli": "aws lambda",
    "config": "[tool.validate-imports] entry",
}


@dataclass(eq=False, repr=False)
class Candidate(Record):
    config: HandlerConfig
    how: str
    explanation: str
    strength: float


@dataclass(eq=False, repr=False)
class _State(Record):
    """Per-run bookkeeping: which config went to which package names, and why others fell through."""

    claimed: dict[int, set[str]] = field(default_factory=dict)
    notes: dict[int, list[str]] = field(default_factory=dict)

    def claim(self, config: HandlerConfig | None, package: Package) -> None:
        if config is not None:
            self.claimed.setdefault(id(config), set()).add(package.name)

    def taken_by_other(self, config: HandlerConfig, package: Package) -> bool:
        owners = self.claimed.get(id(config))
        return bool(owners) and package.name not in owners  # type: ignore[operator]


class _Tables:
    """The lookups one linking run needs, built once: each narrows a scan over every
    config or deploy to the few that can match (see ``lookup.py``)."""

    def __init__(self, configs: list[HandlerConfig], deploys: list[DeployRef], packages: list[Package]) -> None:
        #: the archive paths packages are built at: a deploy naming one of them is that package's
        self.package_paths = {p.archive for p in packages}
        self.names: dict[int, list[tuple[str, tuple[str, ...]]]] = {}
        self.by_function: Lookup[HandlerConfig] = Lookup()
        self.by_s3_key: Lookup[HandlerConfig] = Lookup()
        self.by_artifact: Lookup[HandlerConfig] = Lookup()
        self.by_name: Lookup[HandlerConfig] = Lookup()
        self.deploys_by_archive: Lookup[DeployRef] = Lookup()
        self.deploys_by_key: Lookup[DeployRef] = Lookup()
        for c in configs:
            self.by_function.add(c, function_item_keys(c))
            if c.s3_key and c.origin != "cli":
                self.by_s3_key.add(c, key_keys(c.s3_key))
            if c.origin != "cli":
                artifact: list[Hashable] = [("file", k) for k in archive_keys(c.filename or "")]
                if c.code_uri:
                    artifact.append(("dir", _last_dir(c.code_uri)))
                self.by_artifact.add(c, artifact)
            names = self.names[id(c)] = config_names(c)
            self.by_name.add(c, [k for _kind, words in names
                                 for k in (("eq", words), *(("end", w) for w in patterns.contain_ends(words)))])
        for d in deploys:
            if d.archive:
                self.deploys_by_archive.add(d, archive_keys(d.archive))
            if d.s3_key:
                self.deploys_by_key.add(d, key_keys(d.s3_key))


def archive_keys(path: str) -> list[Hashable]:
    """What ``same_archive`` needs two archives to share: the basename, or its name words."""
    base = patterns.basename(path)
    if not base:
        return []
    words = patterns.name_tokens(base)
    return [("base", base), ("words", words)] if words else [("base", base)]


def key_keys(key: str) -> list[Hashable]:
    """What ``same_key`` needs two S3 keys to share: the key itself, or what it names."""
    stripped = patterns.strip_s3_uri(key)
    identity = patterns.key_identity(stripped)
    return [("exact", stripped), ("id", identity)] if identity else [("exact", stripped)]


def function_item_keys(c: HandlerConfig) -> list[Hashable]:
    """What ``_function_strength`` needs a function name to share with config ``c``."""
    keys: list[Hashable] = [("words", w) for w in (patterns.name_tokens(c.resource),
                                                 patterns.name_tokens(c.function_name or "")) if w]
    if c.function_name:
        keys += end_item_keys(patterns.literal_tail(c.function_name))
    return keys


def function_query_keys(name: str) -> list[Hashable]:
    words = patterns.name_tokens(name)
    return [*([("words", words)] if words else []), *end_query_keys(patterns.literal_tail(name))]


def _last_dir(path: str) -> str:
    return patterns.norm_path(path).strip("/").rsplit("/", 1)[-1]


def where(config: HandlerConfig) -> str:
    return f"{config.span.path}:{config.span.line}"


def describe(config: HandlerConfig) -> str:
    return f"{_ORIGIN_WORDS.get(config.origin, config.origin)} {config.resource} ({where(config)})".replace(
        "  ", " ")


def cli_configs(deploys: list[DeployRef]) -> dict[int, HandlerConfig]:
    """A HandlerConfig for each CLI call that sets ``--handler``, keyed by the deploy's id."""
    out: dict[int, HandlerConfig] = {}
    for d in deploys:
        if not d.handler:
            continue
        name = d.function_name or patterns.basename(d.archive)
        out[id(d)] = HandlerConfig(
            handler=d.handler, span=d.span, origin="cli", resource=name or "",
            filename=d.archive or None, s3_key=d.s3_key, function_name=d.function_name,
        )
    return out


def link_handlers(
    packages: list[Package],
    configs: list[HandlerConfig],
    deploys: list[DeployRef],
    explicit: dict[str, str] | None = None,
    *,
    repo: Repo | None = None,
) -> list[HandlerLink | None]:
    """One link per package (None for layers and when nothing plausible is found).
    ``repo`` lets the last-resort inference read entry modules to see which function
    they define."""
    cli = cli_configs(deploys)
    usable = [c for c in [*configs, *cli.values()] if (c.package_type or "Zip").lower() != "image"]
    state = _State()
    tables = _Tables(usable, deploys, packages)
    results: list[HandlerLink | None] = [None] * len(packages)
    todo = [i for i, p in enumerate(packages) if not p.is_layer and p.image is None]
    for i, p in enumerate(packages):
        if p.image is not None:
            results[i] = link_image(p, configs, deploys)

    levels = (
        lambda p: _explicit_candidates(p, explicit or {}, usable),
        lambda p: _journey_candidates(p, tables, cli),
        lambda p: _name_candidates(p, tables, lambda c: not state.taken_by_other(c, p)),
    )
    for level in levels:
        for i in list(todo):
            p = packages[i]
            got = _pick(level(p), state.notes.setdefault(i, []))
            if got is None:
                continue
            picked, also = got
            link = _finish(p, picked, repo, state.notes[i])
            if link is not None:
                link.also = [c.config for c in also]
            results[i] = link
            for c in (picked, *also):
                state.claim(c.config, p)
            todo.remove(i)
    for i in todo:
        results[i] = _inferred(packages[i], repo, state.notes.get(i, []))
    return results


def _pick(cands: list[Candidate], notes: list[str]) -> tuple[Candidate, list[Candidate]] | None:
    """The strongest candidate (and the other functions that share its archive), or None
    when the strongest ones disagree on the handler."""
    if not cands:
        return None
    best = max(c.strength for c in cands)
    top = _unique([c for c in cands if c.strength == best])
    concrete = [c for c in top if not patterns.is_symbolic(c.config.handler)]
    first = (concrete or top)[0]
    if len({c.config.handler for c in top}) == 1:
        return first, []
    if _same_artifact(top):
        return first, [c for c in top if c is not first and c.config.handler != first.config.handler]
    listed = "; ".join(f"{c.config.handler} from {describe(c.config)}" for c in top)
    notes.append(f"several handlers match equally ({listed})")
    return None


def _same_artifact(cands: list[Candidate]) -> bool:
    """Several functions declared to run one and the same archive (a serverless
    ``package.artifact``, one zip behind several Terraform functions): not ambiguity."""
    if any(c.how not in ("filename", "s3-key", "code-uri", "cli") for c in cands):
        return False
    # (``cli``: several functions deployed with their own ``--handler`` from one archive)
    artifacts = {(c.how, c.config.filename if c.how in ("filename", "cli") else c.config.s3_key if c.how == "s3-key"
                  else c.config.code_uri) for c in cands}
    return len(artifacts) == 1


def _unique(cands: list[Candidate]) -> list[Candidate]:
    seen: set[int] = set()
    out = []
    for c in cands:
        if id(c.config) not in seen:
            seen.add(id(c.config))
            out.append(c)
    return out


def _finish(p: Package, picked: Candidate, repo: Repo | None, notes: list[str]) -> HandlerLink | None:
    """The link for a picked config; a handler that is still symbolic (``var.handler``
    without a default) cannot be checked, so the tree decides, and the link says so."""
    handler = picked.config.handler
    if picked.config.origin == "explicit" or not patterns.is_symbolic(handler):
        config = None if picked.config.origin == "explicit" else picked.config
        return HandlerLink(handler=handler, how=picked.how, explanation=picked.explanation, config=config)
    notes.append(f"{picked.explanation}, but its value {handler!r} cannot be resolved statically")
    link = _inferred(p, repo, notes)
    if link is not None:
        link.config = picked.config
    return link


def _inferred(p: Package, repo: Repo | None, notes: list[str]) -> HandlerLink | None:
    guess = infer_handler(p, repo)
    if guess is None:
        return None
    prefix = "no handler configuration matches this package" if not notes else "; ".join(notes)
    return HandlerLink(handler=guess.handler, how="inferred", inferred=True,
                       explanation=f"{prefix}; inferred {guess.handler}: {guess.why}")


# --------------------------------------------------------------------------- level 1: explicit


def _explicit_candidates(p: Package, explicit: dict[str, str], configs: list[HandlerConfig]) -> list[Candidate]:
    want = patterns.name_tokens(p.name)
    for name, handler in explicit.items():
        if name == p.name or patterns.names_equal(patterns.name_tokens(name), want):
            declared = [c for c in configs if c.origin == "config" and c.resource == name and c.handler == handler]
            if declared:
                c = declared[0]
                return [Candidate(c, "config", f"{describe(c)} names package {name}", 10)]
            cfg = HandlerConfig(handler=handler, span=Span("", 0, 0, 0, 0), origin="explicit", resource=name)
            return [Candidate(cfg, "config", f"explicit handler for package {name} in the configuration", 10)]
    out = []
    for c in configs:
        if c.origin != "config":
            continue
        if c.resource == p.name:
            out.append(Candidate(c, "config", f"{describe(c)} names package {c.resource}", 10))
        elif patterns.names_equal(patterns.name_tokens(c.resource), want):
            out.append(Candidate(c, "config", f"{describe(c)} names package {c.resource}", 9))
    return out


# --------------------------------------------------------------------------- level 2: journey


@functools.lru_cache(maxsize=65536)
def same_archive(a: str, b: str) -> bool:
    """Two archive file names that can be the same zip: equal, or equal up to their
    symbolic parts (``ingestion-${SHA}.zip`` ↔ ``ingestion-$GITHUB_SHA.zip``)."""
    ba, bb = patterns.basename(a), patterns.basename(b)
    if not ba or not bb:
        return False
    if ba == bb:
        return True
    return (patterns.matches(ba, bb)
            and patterns.names_equal(patterns.name_tokens(ba), patterns.name_tokens(bb)))


@functools.lru_cache(maxsize=65536)
def same_key(a: str, b: str) -> tuple[bool, bool]:
    """(can be the same S3 key, names the same thing): the first is a full symbolic match,
    the second compares only what the keys identify (their basename's stem, or folder)."""
    ka, kb = patterns.strip_s3_uri(a), patterns.strip_s3_uri(b)
    ida, idb = patterns.key_identity(ka), patterns.key_identity(kb)
    same_name = patterns.names_equal(ida, idb)
    full = ka == kb or (patterns.intersects(ka, kb) and same_name)
    return full, same_name


def _function_strength(name: str, c: HandlerConfig) -> float:
    """How well a ``--function-name`` identifies config ``c``: a symbolic match of its
    function_name (more literal text = more specific), else equal name words."""
    if c.function_name and (c.function_name == name or patterns.matches(name, c.function_name)):
        # ``…:function:proj-billing-${{ inputs.env }}`` can symbolically match
        # ``${var.team}-orders-${var.env}`` too (its wildcard swallows "orders"); a name
        # that spells out the config's literal words is the stronger match
        spelled = 0.5 if patterns.literally_within(c.function_name, name) else 0
        return 4 + spelled + min(len(patterns.literal(c.function_name)), 90) / 100
    words = patterns.name_tokens(name)
    if words and (patterns.names_equal(words, patterns.name_tokens(c.resource))
                  or (c.function_name and patterns.names_equal(words, patterns.name_tokens(c.function_name)))):
        return 3.5
    return 0


def _journey_candidates(p: Package, tables: _Tables, cli: dict[int, HandlerConfig]) -> list[Candidate]:
    out: list[Candidate] = []
    mine = [d for d in tables.deploys_by_archive.get(archive_keys(p.archive))
            if d.archive and same_archive(d.archive, p.archive)]
    # the full path as the shell resolved it decides first: ``orders/code.zip`` and
    # ``billing/code.zip`` share a file name, not a deploy
    own = [d for d in mine if d.archive == p.archive]
    mine = own or [d for d in mine if d.archive not in tables.package_paths]
    for d in mine:
        if id(d) in cli:
            c = cli[id(d)]
            given = f"the handler {c.handler} in {d.handler_source}" if d.handler_source else f"--handler {c.handler}"
            out.append(Candidate(c, "cli", f"{d.archive} is deployed with {given} at {d.span}", 5))
        if d.function_name:
            out.extend(_by_function(d.function_name, d, tables, cli, f"{d.archive} is deployed"))
        if d.s3_key:
            out.extend(_by_key(d, tables, cli))
    artifact_keys: list[Hashable] = [("file", k) for k in archive_keys(p.archive)]
    if p.root_dir:
        artifact_keys.append(("dir", _last_dir(p.root_dir)))
    for c in tables.by_artifact.get(artifact_keys):
        if c.filename and _filename_matches(c, p.archive):
            field_name = "CodeUri" if c.origin == "sam" else "artifact" if c.origin == "serverless" else "filename"
            out.append(Candidate(c, "filename",
                                 f"{field_name} {c.filename} of {describe(c)} is the archive {p.archive}", 3))
        elif c.code_uri and p.root_dir and _dir_matches(c.code_uri, p.root_dir):
            out.append(Candidate(c, "code-uri",
                                 f"{describe(c)} packages {c.code_uri}, the folder zipped into {p.archive}", 3))
    return out


def _by_function(
    name: str, d: DeployRef, tables: _Tables, cli: dict[int, HandlerConfig], what: str
) -> list[Candidate]:
    out = []
    for c in tables.by_function.get(function_query_keys(name)):
        if c is cli.get(id(d)):
            continue
        strength = _function_strength(name, c)
        if strength:
            out.append(Candidate(c, "zip-file",
                                 f"{what} to function {name} at {d.span}; {describe(c)} sets its handler",
                                 strength))
    return out


def _by_key(d: DeployRef, tables: _Tables, cli: dict[int, HandlerConfig]) -> list[Candidate]:
    key = d.s3_key or ""
    out = []
    for c in tables.by_s3_key.get(key_keys(key)):
        assert c.s3_key
        full, same_name = same_key(key, c.s3_key)
        if full or same_name:
            out.append(Candidate(
                c, "s3-key",
                f"{d.archive} is uploaded as {key} at {d.span}; s3_key {c.s3_key} in {describe(c)}",
                3.2 if full else 3))
    # update-function-code --s3-key K --function-name F, without the local archive
    for other in tables.deploys_by_key.get(key_keys(key)):
        if other is d or not other.s3_key or not same_key(key, other.s3_key)[0]:
            continue
        if id(other) in cli:
            c = cli[id(other)]
            out.append(Candidate(c, "cli", f"{d.archive} is uploaded as {key} at {d.span} and deployed with "
                                           f"--handler {c.handler} at {other.span}", 5))
        if other.function_name:
            out.extend(_by_function(other.function_name, other, tables, cli,
                                    f"{d.archive} is uploaded as {key} at {d.span} and deployed"))
    return out


def _filename_matches(c: HandlerConfig, archive: str) -> bool:
    fn = c.filename or ""
    if fn.startswith("s3://") or not same_archive(fn, archive):
        return False
    # filename is already resolved against its declaring file; comparing tails also
    # accepts a path the user wrote relative to the repository root
    return patterns.path_tail_matches(fn, archive)


def _dir_matches(code_uri: str, root_dir: str) -> bool:
    a = patterns.norm_path(code_uri).strip("/")
    b = patterns.norm_path(root_dir).strip("/")
    return bool(a) and (b == a or b.endswith("/" + a))


# --------------------------------------------------------------------------- level 3: names


def config_names(c: HandlerConfig) -> list[tuple[str, tuple[str, ...]]]:
    """The names a config answers to, with the words each normalises to."""
    out: list[tuple[str, str]] = [("resource", _instance_key(c.resource))]
    if c.function_name:
        out.append(("function_name", c.function_name))
    if c.code_uri and not c.code_uri.startswith("s3://"):
        out.append(("source folder", patterns.basename(c.code_uri)))
    parsed = parse_handler(c.handler)
    if parsed and "." in parsed[0]:
        out.append(("source folder", parsed[0].rsplit(".", 2)[-2]))
    if c.filename:
        out.append(("archive", patterns.basename(c.filename)))
    if c.s3_key:
        out.append(("s3_key", c.s3_key))
    result = []
    for kind, text in out:
        words = patterns.key_identity(text) if kind in ("archive", "s3_key") else patterns.name_tokens(text)
        if words:
            result.append((kind, words))
    return result


def _instance_key(resource: str) -> str:
    """``lambdas["ingestion"]`` (a for_each instance) answers to ``ingestion``."""
    if resource.endswith('"]') and '["' in resource:
        return resource[resource.index('["') + 2 : -2]
    return resource


def _name_candidates(p: Package, tables: _Tables, available: Callable[[HandlerConfig], bool]) -> list[Candidate]:
    want = patterns.name_tokens(p.name)
    if not want:
        return []
    out = []
    for c in tables.by_name.get([("eq", want), ("end", want[-1])]):
        if not available(c):
            continue
        best = 0.0
        reason = ""
        for kind, words in tables.names[id(c)]:
            if patterns.names_equal(words, want):
                if best < 2:
                    best, reason = 2, f"{kind} matches the package name {p.name}"
            elif patterns.names_contain(words, want) and best < 1:
                best, reason = 1, f"{kind} partly matches the package name {p.name}"
        if best:
            out.append(Candidate(c, "name", f"{describe(c)}: {reason}", best))
    return out
