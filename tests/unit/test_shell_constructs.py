"""One construct at a time: node types, words and spans."""

from __future__ import annotations

from test_shell_support import texts, walk

from validator.syntax.shell import ir, parse_script


def only(text: str) -> ir.Node:
    script = parse_script(text)
    assert len(script.body) == 1, script.body
    return script.body[0]


def test_simple_command_words_keep_quotes_and_spans() -> None:
    text = 'cp -r "src/lambdas/$F/"* build/'
    node = only(text)
    assert isinstance(node, ir.Command)
    assert texts(node) == ["cp", "-r", '"src/lambdas/$F/"*', "build/"]
    assert all(text[w.start : w.end] == w.text for w in node.words)
    assert (node.start, node.end) == (0, len(text))


def test_prefix_assignments_and_redirects() -> None:
    node = only("A=1 B+=x cmd >out 2>&1 <in")
    assert isinstance(node, ir.Command)
    assert [(a.name, a.value and a.value.text, a.append) for a in node.assignments] == [
        ("A", "1", False),
        ("B", "x", True),
    ]
    assert [(r.op, r.target and r.target.text) for r in node.redirects] == [
        (">", "out"),
        ("2>&1", None),
        ("<", "in"),
    ]


def test_declarations_become_assignments_with_scope() -> None:
    script = parse_script('export A=1 B\nlocal -r a=$1\nreadonly R=x\ndeclare -x D="v w"\nexport -p')
    scopes = [
        [(a.scope, a.name, a.value.text if a.value else None) for a in n.assignments]  # type: ignore[attr-defined]
        for n in script.body
    ]
    assert scopes[:4] == [
        [("export", "A", "1"), ("export", "B", None)],
        [("local", "a", "$1")],
        [("readonly", "R", "x")],
        [("declare", "D", '"v w"')],
    ]
    assert all(n.words == [] for n in script.body[:4])  # type: ignore[attr-defined]
    assert texts(script.body[4]) == ["export", "-p"]


def test_line_continuations_and_comments() -> None:
    script = parse_script("# header\nzip -r \\\n  out.zip \\\n  build  # trailing\necho ok\n")
    assert [texts(n) for n in script.body] == [["zip", "-r", "out.zip", "build"], ["echo", "ok"]]


def test_and_or_list_and_background() -> None:
    node = only("cd build && zip -r ../a.zip . || exit 1")
    assert isinstance(node, ir.AndOr)
    assert node.ops == ["&&", "||"]
    assert [texts(i)[0] for i in node.items] == ["cd", "zip", "exit"]
    script = parse_script("sleep 5 & wait")
    assert isinstance(script.body[0], ir.Command) and script.body[0].background
    assert texts(script.body[1]) == ["wait"]


def test_semicolons_split_statements() -> None:
    assert [texts(n) for n in parse_script("a; b;c").body] == [["a"], ["b"], ["c"]]


def test_pipeline_and_negation() -> None:
    node = only("! ls build | grep -q x |& tee log")
    assert isinstance(node, ir.Pipeline) and node.negated
    assert [texts(c)[0] for c in node.commands] == ["ls", "grep", "tee"]


def test_subshell_and_group_with_redirects() -> None:
    sub = only("( cd build && zip -r ../x.zip . )")
    assert isinstance(sub, ir.Subshell)
    assert isinstance(sub.body[0], ir.AndOr)
    group = only("{ echo a; echo b; } > log 2>&1")
    assert isinstance(group, ir.Group)
    assert len(group.body) == 2
    assert [r.op for r in group.redirects] == [">", "2>&1"]


def test_functions_both_syntaxes() -> None:
    script = parse_script(
        "build() {\n  local name=$1\n  mkdir -p b/$name\n}\nfunction ship {\n  aws s3 cp x s3://y\n}\n"
    )
    first, second = script.body
    assert isinstance(first, ir.FunctionDef) and first.name == "build"
    assert first.body[0].assignments[0].scope == "local"  # type: ignore[attr-defined]
    assert texts(first.body[1]) == ["mkdir", "-p", "b/$name"]
    assert isinstance(second, ir.FunctionDef) and second.name == "ship"


def test_for_loops() -> None:
    node = only("for f in a b src/*.py; do\n  cp $f out/\ndone")
    assert isinstance(node, ir.For) and node.var == "f"
    assert [w.text for w in node.words or []] == ["a", "b", "src/*.py"]
    assert texts(node.body[0]) == ["cp", "$f", "out/"]
    bare = only("for x; do echo $x; done")
    assert isinstance(bare, ir.For) and bare.words is None


def test_arithmetic_for_loop_is_a_while_with_unread_header() -> None:
    node = only("for ((i=0; i<3; i++)); do\n  echo $i\ndone")
    assert isinstance(node, ir.While)
    assert isinstance(node.condition[0], ir.Unread)
    assert node.condition[0].text == "((i=0; i<3; i++))"
    assert texts(node.body[0]) == ["echo", "$i"]


def test_while_and_until() -> None:
    loop = only("while read -r line; do echo $line; done < list.txt")
    assert isinstance(loop, ir.While) and not loop.until
    assert [(r.op, r.target and r.target.text) for r in loop.redirects] == [("<", "list.txt")]
    until = only("until [ -f ready ]; do sleep 1; done")
    assert isinstance(until, ir.While) and until.until
    assert isinstance(until.condition[0], ir.Test)


def test_if_elif_else() -> None:
    node = only("if [ -d build ]; then\n  a\nelif test -f x; then\n  b\nelse\n  c\nfi")
    assert isinstance(node, ir.If)
    assert len(node.clauses) == 2
    first = node.clauses[0].condition[0]
    assert isinstance(first, ir.Test) and [w.text for w in first.words] == ["-d", "build"]
    second = node.clauses[1].condition[0]
    assert isinstance(second, ir.Test) and [w.text for w in second.words] == ["-f", "x"]
    assert texts((node.else_body or [])[0]) == ["c"]


def test_double_bracket_test() -> None:
    text = 'if [[ "$REF" == refs/heads/* && -n ${X:-} ]]; then echo y; fi'
    node = only(text)
    assert isinstance(node, ir.If)
    test = node.clauses[0].condition[0]
    assert isinstance(test, ir.Test) and test.double
    assert [w.text for w in test.words] == ['"$REF"', "==", "refs/heads/*", "&&", "-n", "${X:-}"]
    assert text[test.start : test.end].startswith("[[") and text[test.start : test.end].endswith("]]")


def test_double_bracket_regex_with_parens_and_bars() -> None:
    node = only("[[ $v =~ ^(a|b)[0-9]+$ ]] && echo m")
    assert isinstance(node, ir.AndOr)
    test = node.items[0]
    assert isinstance(test, ir.Test) and [w.text for w in test.words] == ["$v", "=~", "^(a|b)[0-9]+$"]


def test_parameter_expansions_and_substitutions_stay_raw() -> None:
    node = only('echo ${SHA:0:7} ${V:-x} "$(git rev-parse HEAD)" `date` $((1 + 2))')
    assert texts(node)[1:] == ["${SHA:0:7}", "${V:-x}", '"$(git rev-parse HEAD)"', "`date`", "$((1 + 2))"]


def test_command_substitution_with_and_or_is_read() -> None:
    node = only('V=$(cat VERSION || echo 0) && echo "$(a && b)"')
    assert isinstance(node, ir.AndOr)
    assign = node.items[0]
    assert isinstance(assign, ir.Command)
    assert assign.assignments[0].value is not None
    assert assign.assignments[0].value.text == "$(cat VERSION || echo 0)"


def test_arrays() -> None:
    script = parse_script(
        'FUNCS=(ingestion "billing x")\nFUNCS+=(more)\nfor f in "${FUNCS[@]}"; do echo $f; done'
    )
    first, second, loop = script.body
    assert isinstance(first, ir.Command)
    assert first.assignments[0].name == "FUNCS"
    assert first.assignments[0].value is not None
    assert first.assignments[0].value.text == '(ingestion "billing x")'
    assert isinstance(second, ir.Command) and second.assignments[0].append
    assert isinstance(loop, ir.For) and [w.text for w in loop.words or []] == ['"${FUNCS[@]}"']


def test_arithmetic_command_is_unread() -> None:
    node = only("((count++))")
    assert isinstance(node, ir.Unread) and "arithmetic" in node.reason


def test_case_arms() -> None:
    text = 'case "$F" in\n  ingestion|billing) DIR=src/$F ;;\n  (x) ;;\n  *) echo no; exit 1 ;;\nesac'
    node = only(text)
    assert isinstance(node, ir.Case)
    assert node.word.text == '"$F"'
    assert [[p.text for p in arm.patterns] for arm in node.arms] == [["ingestion", "billing"], ["x"], ["*"]]
    assert isinstance(node.arms[0].body[0], ir.Command)
    assert node.arms[1].body == []
    assert [texts(n)[0] for n in node.arms[2].body] == ["echo", "exit"]
    assert (node.start, node.end) == (0, len(text))


def test_case_last_arm_without_terminator_and_nested_case() -> None:
    node = only("case $a in\n x) case $b in y) echo yy;; esac ;;\n *) echo z\nesac")
    assert isinstance(node, ir.Case)
    inner = node.arms[0].body[0]
    assert isinstance(inner, ir.Case) and [p.text for p in inner.arms[0].patterns] == ["y"]
    assert texts(node.arms[1].body[0]) == ["echo", "z"]


def test_heredocs() -> None:
    text = 'cat > cfg.json <<\'EOF\'\n{"k": "it\'s $X"}\nEOF\necho after\n'
    script = parse_script(text)
    cat, echo = script.body
    assert isinstance(cat, ir.Command)
    doc = cat.redirects[1]
    assert (doc.op, doc.target and doc.target.text, doc.heredoc) == ("<<", "'EOF'", '{"k": "it\'s $X"}\n')
    assert texts(echo) == ["echo", "after"]


def test_heredoc_body_is_not_parsed_as_commands() -> None:
    script = parse_script("cat <<EOF\nif [[ broken\ncase\n$(\nEOF\n")
    assert script.unread() == []
    assert len(script.body) == 1


def test_tab_stripped_heredoc_in_a_pipeline_inside_a_loop() -> None:
    script = parse_script("for f in a; do\n\tcat <<-END | tee $f\n\t\tline\n\tEND\ndone\n")
    loop = script.body[0]
    assert isinstance(loop, ir.For)
    pipe = loop.body[0]
    assert isinstance(pipe, ir.Pipeline)
    cat = pipe.commands[0]
    assert isinstance(cat, ir.Command)
    assert (cat.redirects[0].op, cat.redirects[0].heredoc) == ("<<-", "line\n")


def test_github_expressions_stay_as_placeholders_in_words() -> None:
    script = parse_script('zip -r "${{ matrix.fn }}-${SHA}.zip" .')
    node = script.body[0]
    (name,) = script.expressions
    assert script.expressions[name] == "matrix.fn"
    assert texts(node)[2] == f'"${{{name}}}-${{SHA}}.zip"'


def test_time_keyword_is_ignored() -> None:
    node = only("time zip -r a.zip build")
    assert isinstance(node, ir.Pipeline | ir.Command)
    command = node.commands[0] if isinstance(node, ir.Pipeline) else node
    assert texts(command) == ["zip", "-r", "a.zip", "build"]


def test_empty_and_comment_only_scripts() -> None:
    assert parse_script("").body == []
    assert parse_script("# nothing\n\n   \n").body == []


def test_every_node_in_a_loop_body_points_into_the_script() -> None:
    text = "for f in a b; do\n  mkdir -p out/$f && cp src/$f/* out/$f/\ndone\n"
    for node in walk(parse_script(text).body):
        assert 0 <= node.start <= node.end <= len(text)


def test_line_continuation_after_a_redirection_operator() -> None:
    """bash removes ``\\⏎`` before it reads operators: ``cat<\\⏎in`` is ``cat < in``
    (checked with real bash: it prints the file)."""
    [command] = parse_script("cat<\\\nin\n").body
    assert [w.text for w in command.words] == ["cat"]
    assert [(r.op, r.target.text if r.target else None) for r in command.redirects] == [("<", "in")]


def test_closing_a_descriptor_is_a_redirection() -> None:
    """Closing a file descriptor (exec 3>&- or cmd <&-) is a redirection with no target
    word, never an unreadable statement."""
    for text in ("<&-", "exec 3>&-", "cat file 2>&- | wc -l"):
        body = parse_script(text + "\n").body
        assert all(type(node).__name__ != "Unread" for node in body), (text, body)
