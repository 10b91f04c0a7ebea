"""The lookup indexes (validator/lookup.py) are superset filters: an index that drops a
true match silently loses a handler link or a cross-job archive.  These properties
check, on symbolic names drawn from a small alphabet so that matches are frequent,
that every pair the exact predicate accepts shares an index key, and that linking
with the indexes gives the same links as scanning everything."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from validator.handlers import link, link_handlers, patterns
from validator.model import DeployRef, HandlerConfig, Package, Span
from validator.model.lookup import SUFFIX, Lookup, end_item_keys, end_query_keys
from validator.simulate import packages as sim

#: examples per property; a scratch run can raise it to hunt harder
EXAMPLES = 200

LITERALS = ["fn", "ingestion", "a", "b", "-", "_", ".", "/", "zip", "prod", "dev", "1", "2", "v1"]
SYMBOLS = ["${SHA}", "${{ github.sha }}", "$(git rev-parse HEAD)", "$NAME", "`date`", "*"]
#: characters ``packages.literal_head`` / ``archive_pattern`` treat specially when not symbolic
ODD = ["$", "`", "?", "[", "]", "*"]
PREFIXES = ["", "", "s3://bucket/", "build/", "packages/", "s3://bucket/lambdas/", "/w/dist/"]
ENDINGS = ["", ".zip", ".zip", "-${SHA}.zip", "/"]


def span(line: int = 1) -> Span:
    return Span("wf.yml", line, 1, line, 2)


def _check(strategy: st.SearchStrategy[Any], prop: Callable[..., bool], min_true: float,
           share: float = 1.0) -> None:
    """Run ``prop`` (which asserts the property and returns whether the exact predicate
    held) on ``EXAMPLES * share`` draws, and fail if too few draws were true matches: a superset
    property over pairs that never match proves nothing."""
    seen: Counter[bool] = Counter()

    @settings(max_examples=max(1, int(EXAMPLES * share)), deadline=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(strategy)
    def run(args: tuple[Any, ...]) -> None:
        matched = bool(prop(*args))
        event(f"exact predicate {matched}")
        seen[matched] += 1

    run()
    total = sum(seen.values())
    assert total and seen[True] >= min_true * total, f"vacuous: only {seen[True]} of {total} draws matched"


# --------------------------------------------------------------------------- text strategies

chunk = st.one_of(st.sampled_from(LITERALS), st.sampled_from(LITERALS), st.sampled_from(SYMBOLS))
chunks = st.lists(chunk, max_size=6)


@st.composite
def related_chunks(draw: st.DrawFn, base: list[str], odd: bool = False) -> list[str]:
    """``base`` with some symbolic parts instantiated or swapped and some literals
    generalised, so that the two texts often name the same thing."""
    out: list[str] = []
    for c in base:
        how = draw(st.sampled_from(["keep", "keep", "keep", "swap", "drop", "insert"]))
        if how == "keep":
            out.append(c)
        elif how == "swap":
            out.append(draw(st.sampled_from(SYMBOLS)) if c not in SYMBOLS or draw(st.booleans())
                       else draw(st.sampled_from(LITERALS)))
        elif how == "insert":
            out += [c, draw(st.sampled_from(LITERALS + SYMBOLS + (ODD if odd else [])))]
        elif c in SYMBOLS:  # "drop" a symbolic part = instantiate it with literal text
            out += draw(st.lists(st.sampled_from(LITERALS), max_size=2))
    return out


@st.composite
def text_pair(draw: st.DrawFn, odd: bool = False) -> tuple[str, str]:
    """Two symbolic names, usually related (same prefix and ending, related middles)."""
    pool = LITERALS + SYMBOLS + (ODD if odd else [])
    base = draw(st.lists(st.sampled_from(pool), max_size=6))
    if draw(st.integers(0, 4)) == 0:
        other = draw(st.lists(st.sampled_from(pool), max_size=6))
    else:
        other = draw(related_chunks(base, odd))
    prefix_a = draw(st.sampled_from(PREFIXES))
    prefix_b = prefix_a if draw(st.booleans()) else draw(st.sampled_from(PREFIXES))
    end_a = draw(st.sampled_from(ENDINGS))
    end_b = end_a if draw(st.integers(0, 3)) else draw(st.sampled_from(ENDINGS))
    pair = (prefix_a + "".join(base) + end_a, prefix_b + "".join(other) + end_b)
    return pair[::-1] if draw(st.booleans()) else pair


# --------------------------------------------------------------------------- Lookup


class _Item:
    def __init__(self, n: int) -> None:
        self.n = n

    def __repr__(self) -> str:
        return f"_Item({self.n})"


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    filed=st.lists(st.lists(st.integers(0, 6), max_size=4), max_size=12),
    queries=st.lists(st.lists(st.integers(0, 8), max_size=5), min_size=1, max_size=4),
    repeat=st.lists(st.integers(0, 11), max_size=3),
)
def test_lookup_returns_filed_items_once_in_insertion_order(
    filed: list[list[int]], queries: list[list[int]], repeat: list[int]
) -> None:
    items = [_Item(i) for i in range(len(filed))]
    # the same object added again is a second entry, as in a list scan
    entries = [*zip(items, filed, strict=True), *((items[r], filed[r]) for r in repeat if r < len(items))]
    index: Lookup[_Item] = Lookup()
    for item, keys in entries:
        index.add(item, iter(keys))
    for query in queries:
        want = [item for item, keys in entries if set(keys) & set(query)]
        got = index.get(k for k in query)  # a one-shot iterable is enough
        assert got == want
        assert index.get(query) == want  # querying does not change the index
        event(f"hits {min(len(want), 3)}")


def test_lookup_empty_and_unknown_keys() -> None:
    index: Lookup[str] = Lookup()
    assert index.get([1]) == []
    index.add("a", [])
    index.add("b", [("x", 1), ("x", 1)])
    assert index.get([]) == []
    assert index.get([("x", 2)]) == []
    assert index.get([("x", 1), ("x", 1)]) == ["b"]


# --------------------------------------------------------------------------- end keys

RUN_CHARS = "ab-._1"
run_text = st.text(alphabet=RUN_CHARS, max_size=2 * SUFFIX + 2)


@st.composite
def end_pair(draw: st.DrawFn) -> tuple[str, str]:
    """(item run, query run) where the shorter ends the longer; either may be the shorter."""
    longer = draw(run_text)
    cut = draw(st.integers(0, len(longer)))
    shorter = longer[cut:]
    return (longer, shorter) if draw(st.booleans()) else (shorter, longer)


def _ends(a: str, b: str) -> bool:
    short, long_ = sorted((a, b), key=len)
    return long_.endswith(short)


def test_end_keys_meet_when_the_shorter_run_ends_the_longer() -> None:
    def prop(a: str, b: str) -> bool:
        assert _ends(a, b)
        assert set(end_item_keys(a)) & set(end_query_keys(b)), (a, b)
        event(f"lengths {min(len(a), SUFFIX + 1)} {min(len(b), SUFFIX + 1)}")
        return True

    _check(end_pair(), prop, 1.0)


def test_end_keys_of_reversed_heads_meet_when_the_shorter_starts_the_longer() -> None:
    def prop(a: str, b: str) -> bool:
        # the head use in simulate: runs reversed, so "ends" becomes "starts"
        a, b = a[::-1], b[::-1]
        short, long_ = sorted((a, b), key=len)
        assert long_.startswith(short)
        assert set(end_item_keys(a[::-1])) & set(end_query_keys(b[::-1])), (a, b)
        return True

    _check(end_pair(), prop, 1.0)


def test_end_keys_on_independent_runs() -> None:
    def prop(a: str, b: str) -> bool:
        if _ends(a, b):
            assert set(end_item_keys(a)) & set(end_query_keys(b)), (a, b)
            return True
        return False

    _check(st.tuples(st.text(alphabet="ab", max_size=10), st.text(alphabet="ab", max_size=10)), prop, 0.3)


# --------------------------------------------------------------------------- link.py


def test_link_archive_keys_cover_same_archive() -> None:
    def prop(a: str, b: str) -> bool:
        if not link.same_archive(a, b):
            return False
        assert set(link.archive_keys(a)) & set(link.archive_keys(b)), (a, b)
        return True

    _check(text_pair(), prop, 0.1)


def test_link_key_keys_cover_same_key() -> None:
    def prop(a: str, b: str) -> bool:
        full, same_name = link.same_key(a, b)
        event(f"same_key full={full} same_name={same_name}")
        if not (full or same_name):
            return False
        assert set(link.key_keys(a)) & set(link.key_keys(b)), (a, b)
        return True

    _check(text_pair(), prop, 0.2)


@st.composite
def function_case(draw: st.DrawFn) -> tuple[str, HandlerConfig]:
    name, function_name = draw(text_pair())
    resource_from = draw(st.sampled_from(["name", "function_name", "other"]))
    resource = {"name": name, "function_name": function_name}.get(resource_from) or "".join(draw(chunks))
    if draw(st.booleans()):
        resource = draw(st.sampled_from(["", "Function", "Lambda", "Fn"])) + resource
    config = HandlerConfig(handler="handler.main", span=span(), origin=draw(st.sampled_from(["terraform", "cli"])),
                           resource=resource,
                           function_name=function_name if draw(st.integers(0, 4)) else None)
    return name, config


def test_link_function_keys_cover_function_strength() -> None:
    def prop(name: str, config: HandlerConfig) -> bool:
        strength = link._function_strength(name, config)
        event(f"strength {strength:.0f}")
        if not strength:
            return False
        assert set(link.function_item_keys(config)) & set(link.function_query_keys(name)), (name, config)
        return True

    _check(function_case(), prop, 0.2)


WORDS = ["myapp", "ingestion", "analysis", "a", "fn", "prod", "dev", "live", "main", "stage"]


@st.composite
def words_pair(draw: st.DrawFn) -> tuple[tuple[str, ...], tuple[str, ...]]:
    want = tuple(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3)))
    if draw(st.integers(0, 3)) == 0:
        whole = tuple(draw(st.lists(st.sampled_from(WORDS), max_size=5)))
    else:
        head = draw(st.lists(st.sampled_from(WORDS), max_size=2))
        stages = draw(st.lists(st.sampled_from(["prod", "dev", "live", "main", "stage"]), max_size=3))
        whole = (*head, *want, *stages)
    return whole, want


def test_contain_ends_cover_names_equal_and_names_contain() -> None:
    def prop(words: tuple[str, ...], want: tuple[str, ...]) -> bool:
        equal, contain = patterns.names_equal(words, want), patterns.names_contain(words, want)
        event(f"equal={equal} contain={contain}")
        if not (equal or contain):
            return False
        assert words == want or want[-1] in patterns.contain_ends(words), (words, want)
        return True

    _check(words_pair(), prop, 0.25)


def test_name_index_keys_cover_name_matches_from_texts() -> None:
    """The same, through the words real texts normalise to (``name_tokens``)."""
    def prop(a: str, b: str) -> bool:
        words, want = patterns.name_tokens(a), patterns.name_tokens(b)
        if not want or not (patterns.names_equal(words, want) or patterns.names_contain(words, want)):
            return False
        item = {("eq", words), *(("end", w) for w in patterns.contain_ends(words))}
        assert item & {("eq", want), ("end", want[-1])}, (a, b)
        return True

    _check(text_pair(), prop, 0.1)


# --------------------------------------------------------------------------- simulate/packages.py


def test_simulate_head_keys_cover_same_archive() -> None:
    def prop(a: str, b: str) -> bool:
        if not sim.same_archive(a, b):
            return False
        item = end_item_keys(sim.literal_head(a)[::-1])
        query = end_query_keys(sim.literal_head(b)[::-1])
        assert set(item) & set(query), (a, b, sim.literal_head(a), sim.literal_head(b))
        return True

    _check(text_pair(odd=True), prop, 0.25)


# --------------------------------------------------------------------------- end to end

NAMES = ["ingestion", "analysis", "fn-ingestion", "ingestion-prod", "myapp-ingestion", "billing", "zip"]
SYM = ["", "", "-${SHA}", "-${{ github.sha }}", "-$NAME", "_$(git rev-parse HEAD)", "-*"]
DIRS = ["", "build/", "packages/", "/w/dist/"]
HANDLERS = ["handler.main", "app.handler", "src.ingestion.app.handler", "${var.handler}", "handler.lambda_handler"]


@st.composite
def archive_text(draw: st.DrawFn) -> str:
    return draw(st.sampled_from(DIRS)) + draw(st.sampled_from(NAMES)) + draw(st.sampled_from(SYM)) + ".zip"


@st.composite
def s3_key_text(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(["", "s3://bucket/", "s3://${{ secrets.B }}/", "lambdas/"]))
    name = draw(st.sampled_from(NAMES))
    rest = draw(st.sampled_from([f"{name}.zip", f"{name}-${{SHA}}.zip", f"{name}/${{SHA}}.zip", "${SHA}.zip"]))
    return prefix + rest


def optional(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), strategy)


function_name_text = st.builds(lambda pre, n, post: pre + n + post,
                               st.sampled_from(["", "${var.env}-", "prod-", "$STAGE-"]),
                               st.sampled_from(NAMES), st.sampled_from(["", "-prod", "-dev", "-${SUFFIX}"]))

package_st = st.builds(
    lambda name, archive, root, layer: Package(name=name, archive=archive, span=span(100), is_layer=layer,
                                               root_dir=root),
    st.sampled_from(NAMES), archive_text(),
    optional(st.sampled_from(NAMES).map(lambda n: f"/w/src/{n}")),
    st.sampled_from([False, False, False, True]),
)

config_st = st.builds(
    lambda origin, resource, handler, filename, s3_key, code_uri, function_name, ptype, line: HandlerConfig(
        handler=handler, span=span(line), origin=origin, resource=resource, filename=filename, s3_key=s3_key,
        code_uri=code_uri, function_name=function_name, package_type=ptype),
    st.sampled_from(["terraform", "sam", "serverless", "config"]),
    st.one_of(st.sampled_from(NAMES), st.sampled_from(NAMES).map(lambda n: f'lambdas["{n}"]'),
              st.sampled_from(["IngestionFunction", "AnalysisLambda", "billing_fn"])),
    st.sampled_from(HANDLERS),
    optional(archive_text()),
    optional(s3_key_text()),
    optional(st.sampled_from(NAMES).map(lambda n: f"src/{n}")),
    optional(function_name_text),
    st.sampled_from(["Zip", "Zip", "Zip", "Image"]),
    st.integers(1, 500),
)

deploy_st = st.builds(
    lambda archive, kind, s3_key, function_name, handler, line: DeployRef(
        archive=archive, kind=kind, span=span(line), s3_key=s3_key, function_name=function_name, handler=handler),
    st.one_of(archive_text(), st.just("")),
    st.sampled_from(["s3", "zip-file", "create-function", "s3-key"]),
    optional(s3_key_text()),
    optional(function_name_text),
    st.one_of(st.none(), st.none(), st.sampled_from(HANDLERS)),
    st.integers(1, 500),
)


def _scan_everything(self: Lookup[Any], keys: Any) -> list[Any]:
    """``Lookup.get`` without the index: every item, in order (the scan it replaces)."""
    return list(self._items)


@st.composite
def linking_case(draw: st.DrawFn) -> tuple[list[Package], list[HandlerConfig], list[DeployRef]]:
    """Packages, configs and deploys where deploys and configs often name a package's
    archive (or a variant of it), so that journey and name links are common."""
    pkgs = draw(st.lists(package_st, min_size=1, max_size=4))
    archives = st.one_of(st.sampled_from([p.archive for p in pkgs]), archive_text())
    configs = draw(st.lists(config_st, min_size=1, max_size=6))
    for c in configs:
        if c.filename is not None and draw(st.booleans()):
            c.filename = draw(archives)
    function_names = st.one_of(function_name_text, *(st.just(c.function_name) for c in configs if c.function_name))
    s3_keys = st.one_of(s3_key_text(), *(st.just(c.s3_key) for c in configs if c.s3_key))
    deploys = draw(st.lists(deploy_st, min_size=1, max_size=5))
    for d in deploys:
        if d.archive and draw(st.integers(0, 3)):
            d.archive = draw(archives)
        if d.function_name is not None:
            d.function_name = draw(function_names)
        if d.s3_key is not None:
            d.s3_key = draw(s3_keys)
    return pkgs, configs, deploys


def test_link_handlers_same_links_as_a_full_scan() -> None:
    def prop(pkgs: list[Package], configs: list[HandlerConfig], deploys: list[DeployRef]) -> bool:
        indexed = link_handlers(pkgs, configs, deploys)
        with mock.patch.object(Lookup, "get", _scan_everything):
            scanned = link_handlers(pkgs, configs, deploys)
        assert indexed == scanned
        hows = sorted({x.how for x in scanned if x is not None})
        for how in hows:
            event(f"linked by {how}")
        return any(how in ("zip-file", "s3-key", "filename", "code-uri", "cli", "name") for how in hows)

    _check(linking_case(), prop, 0.2, share=0.5)  # each draw links twice
