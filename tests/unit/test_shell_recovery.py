"""Recovery on a realistic messy deploy script: what is read, and what is not."""

from __future__ import annotations

from test_shell_support import texts, walk

from validator.syntax.shell import ir, parse_script

DEPLOY = r"""set -euo pipefail
SHA=${GITHUB_SHA:0:7}
export AWS_REGION="${{ vars.AWS_REGION }}"
FUNCTIONS=(ingestion billing "report gen")
declare -A TIMEOUTS=([ingestion]=30 [billing]=60)
COUNT=$(( ${#FUNCTIONS[@]} + 1 ))

log() {
  local level=$1; shift
  echo "[$level] $*" >&2
}

package() {
  local name=$1
  local dir="build/${name}"
  rm -rf "$dir" && mkdir -p "$dir"
  cp -r "src/lambdas/${name}/"* "$dir/"
  if [[ -f "src/lambdas/${name}/requirements.txt" ]]; then
    pip install -r "src/lambdas/${name}/requirements.txt" -t "$dir" --quiet
  fi
  ( cd "$dir" && zip -qr "../${name}-${SHA}.zip" . -x '*.pyc' )
}

for fn in "${FUNCTIONS[@]}"; do
  case "$fn" in
    ingestion|billing)
      package "$fn"
      ;;
    *)
      log WARN "skipping $fn"
      ;;
  esac
  echo } {
  n=$((n + 1))
done

for ((i = 0; i < 3; i++)); do
  echo "attempt $i"
done

cat > build/manifest.json <<'EOF'
{"sha": "${{ github.sha }}", "note": "it's [[ not ]] shell $(("}
EOF

VERSION=$(git describe --tags 2>/dev/null || echo "0.0.0")
if [ "${{ github.ref }}" == "refs/heads/main" ]; then
  aws s3 cp "build/ingestion-${SHA}.zip" "s3://${BUCKET}/ingestion/${SHA}.zip"
fi
echo "done" >> "$GITHUB_STEP_SUMMARY"
"""


def test_expected_statements_are_read() -> None:
    script = parse_script(DEPLOY)
    kinds = [type(node).__name__ for node in script.body]
    assert kinds == [
        "Command",  # set
        "Command",  # SHA=
        "Command",  # export
        "Command",  # FUNCTIONS=( … )
        "Command",  # declare -A
        "Command",  # COUNT=$(( … ))
        "FunctionDef",
        "FunctionDef",
        "For",
        "While",  # for (( … ))
        "Command",  # cat <<'EOF'
        "Command",  # VERSION=$( … || … )
        "If",
        "Command",  # echo >> summary
    ]
    assert sorted(script.expressions.values()) == ["github.ref", "github.sha", "vars.AWS_REGION"]


def test_unread_nodes_are_exactly_the_unreadable_ones() -> None:
    script = parse_script(DEPLOY)
    unread = [(node.text, node.reason.split(" ")[0]) for node in script.unread()]
    assert [text for text, _ in unread] == ["echo } {", "((i = 0; i < 3; i++))"]
    for node in script.unread():
        assert DEPLOY[node.start : node.end] == node.text


def test_loop_body_recovers_around_an_unreadable_line() -> None:
    loop = parse_script(DEPLOY).body[8]
    assert isinstance(loop, ir.For) and loop.var == "fn"
    case, bad, arith = loop.body
    assert isinstance(case, ir.Case)
    assert [[p.text for p in arm.patterns] for arm in case.arms] == [["ingestion", "billing"], ["*"]]
    assert texts(case.arms[0].body[0]) == ["package", '"$fn"']
    assert isinstance(bad, ir.Unread)
    assert isinstance(arith, ir.Command) and arith.assignments[0].name == "n"


def test_function_body_is_fully_read() -> None:
    package = parse_script(DEPLOY).body[7]
    assert isinstance(package, ir.FunctionDef) and package.name == "package"
    kinds = [type(node).__name__ for node in package.body]
    assert kinds == ["Command", "Command", "AndOr", "Command", "If", "Subshell"]
    test = package.body[4].clauses[0].condition[0]  # type: ignore[attr-defined]
    assert isinstance(test, ir.Test) and test.double
    zip_cmd = package.body[5].body[0].items[1]  # type: ignore[attr-defined]
    assert texts(zip_cmd)[:3] == ["zip", "-qr", '"../${name}-${SHA}.zip"']


def test_heredoc_body_with_shell_lookalikes_is_data() -> None:
    cat = parse_script(DEPLOY).body[10]
    assert isinstance(cat, ir.Command)
    body = cat.redirects[1].heredoc or ""
    assert "[[ not ]]" in body and "${{" not in body and "_GHA" in body


def test_unreadable_statement_does_not_hide_the_next_one() -> None:
    script = parse_script("echo } {\ncp a b\n")
    assert isinstance(script.body[0], ir.Unread)
    assert texts(script.body[1]) == ["cp", "a", "b"]


def test_list_recovers_item_by_item() -> None:
    node = parse_script("mkdir -p out && echo } { && cp a out/").body[0]
    assert isinstance(node, ir.AndOr)
    assert [type(i).__name__ for i in node.items] == ["Command", "Unread", "Command"]


def test_unterminated_compound_is_one_unread() -> None:
    script = parse_script("echo before\nif true; then\n  echo x\n")
    assert texts(script.body[0]) == ["echo", "before"]
    assert isinstance(script.body[1], ir.Unread)
    assert script.body[1].text.startswith("if true")


def test_nodes_stay_inside_the_script() -> None:
    for node in walk(parse_script(DEPLOY).body):
        assert 0 <= node.start <= node.end <= len(DEPLOY)
