"""Text filters in ``$( … | … )`` (``validator/simulate/filters.py``) against real bash:
the same pipeline is run by bash with GNU coreutils/sed/grep/awk and by the expander."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from validator.simulate.expand import Value, expand_words
from validator.simulate.filters import run_filter

CASES = [
    ('echo "src/lambdas/orders/handler.py" | cut -d/ -f3', "orders"),
    ('echo "src/lambdas/orders/handler.py" | cut -d/ -f2-3', "lambdas/orders"),
    ('echo "a:b:c" | cut -d: -f1,3', "a:c"),
    ('echo "nodelim" | cut -d/ -f2', "nodelim"),
    ('echo "abcdefghij" | cut -c1-7', "abcdefg"),
    ('echo "Orders_Api" | tr "[:upper:]" "[:lower:]"', "orders_api"),
    ("echo orders_api | tr _ -", "orders-api"),
    ("echo orders_api | tr -d _", "ordersapi"),
    ("echo orders_api | tr a-z A-Z", "ORDERS_API"),
    ("echo src/lambdas/orders | sed -e 's/src\\/lambdas\\///'", "orders"),
    ("echo src/lambdas/orders | sed 's|src/lambdas/||'", "orders"),
    ("echo a-b-c | sed 's/-/_/g'", "a_b_c"),
    ("echo orders.zip | sed -E 's/(.*)\\.zip$/\\1/'", "orders"),
    ("echo orders.zip | sed 's/\\(.*\\)\\.zip$/\\1-lambda/'", "orders-lambda"),
    ("echo orders | sed 's/.*/&-fn/'", "orders-fn"),
    ("echo 'a b  c' | awk '{print $2}'", "b"),
    ("echo 'src/x/y' | awk -F/ '{print $NF}'", "y"),
    ("printf 'b\\na\\nb\\n' | sort -u", "a\nb"),
    ("printf 'a\\nb\\nc\\n' | head -n 2", "a\nb"),
    ("printf 'a\\nb\\nc\\n' | tail -1", "c"),
    ("printf 'x\\ny\\n' | wc -l", "2"),
    ("printf 'api\\nworker\\napi-test\\n' | grep -v test", "api\nworker"),
    ("echo orders | rev", "sredro"),
    ("basename src/lambdas/orders/ | tr a-z A-Z", "ORDERS"),
]


def _bash(script: str) -> str:
    proc = subprocess.run(["bash", "-c", f"printf %s \"$({script})\""], capture_output=True, text=True,
                          env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"}, check=False)
    return proc.stdout


@pytest.mark.parametrize(("script", "expected"), CASES)
def test_filters_agree_with_bash(script: str, expected: str) -> None:
    [field] = expand_words([f'"$({script})"'], _Vars(), None, "/repo")
    assert (field.text, field.symbolic) == (expected, False)
    if shutil.which("bash"):
        assert _bash(script) == expected


@pytest.mark.parametrize("words", [["sed", "-n", "p"], ["sed", "y/abc/xyz/"], ["tr", "-s", "a"], ["cut", "-b1"],
                                   ["awk", "{print $1, $2}"], ["grep", "a.*b"], ["sort", "-r"], ["sed", "s/a/b/", "f"]])
def test_unmodelled_forms_leave_the_value_unknown(words: list[str]) -> None:
    assert run_filter(words, "abc\n") is None


class _Vars:
    def get(self, name: str) -> Value | None:
        return None


_SEGMENT = st.text(alphabet="abcXYZ_-.", min_size=0, max_size=4)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(parts=st.lists(_SEGMENT, min_size=1, max_size=5), field=st.integers(1, 6), upto=st.booleans(),
       sep=st.sampled_from(["/", "-", "_", "."]))
def test_cut_fields_match_gnu_cut(parts: list[str], field: int, upto: bool, sep: str) -> None:
    if not shutil.which("cut"):
        pytest.skip("cut not installed")
    text = sep.join(parts) + "\n"
    spec = f"{field}-" if upto else str(field)
    real = subprocess.run(["cut", "-d", sep, "-f", spec], input=text, capture_output=True, text=True,
                          check=False).stdout
    assert run_filter(["cut", "-d", sep, "-f", spec], text) == real


@settings(max_examples=60, deadline=None, derandomize=True)
@given(text=st.text(alphabet="abcXYZ_-/.", max_size=12),
       mapping=st.sampled_from([("a-c", "x-z"), ("_", "-"), ("[:lower:]", "[:upper:]"), ("abc", "x"), ("/.", "__")]))
def test_tr_matches_gnu_tr(text: str, mapping: tuple[str, str]) -> None:
    if not shutil.which("tr"):
        pytest.skip("tr not installed")
    real = subprocess.run(["tr", *mapping], input=text, capture_output=True, text=True, check=False,
                          env={"LC_ALL": "C"}).stdout
    assert run_filter(["tr", *mapping], text) == real
