"""The fast HCL reader agrees with python-hcl2 whenever it accepts a file, and hands
everything else to python-hcl2."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import hcl2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from validator.handlers import hclread, terraform

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FIXTURE_TF = sorted(FIXTURES.glob("*/repo/**/*.tf"))


def normalised(data: dict[str, Any]) -> Any:
    return terraform.value(data)


def assert_agrees(text: str) -> bool:
    """True when the fast reader accepted ``text`` (and then gave hcl2's value)."""
    try:
        fast = hclread.loads(text)
    except hclread.Unsupported:
        return False
    assert normalised(fast) == normalised(hcl2.loads(text)), text
    return True


# --------------------------------------------------------------------------- fixtures


@pytest.mark.parametrize("path", FIXTURE_TF, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_files_read_fast_and_equal(path: Path) -> None:
    assert assert_agrees(path.read_text())


REALISTIC = '''
# Lambda with the archive Terraform builds
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}

locals {
  lambdas = {
    ingestion = { handler = "handler.lambda_handler", memory = 256 }
    "report-gen" = { handler = "app.main", memory = 1024.5 }
  }
  names = toset(["a", "b"])   // trailing comment
  tags = merge(var.tags, {
    Team = "data"
  })
  enabled = var.env == "prod" && !var.disabled || length(var.x) > 0
  count   = var.enabled ? 1 : 0
  neg     = -1
  negf    = - 2.50
  splat   = aws_lambda_layer_version.shared[*].arn
  attr    = aws_instance.x.*.id
  idx     = var.list[0]
  key     = var.map["k"]
  short   = var.tuple.0
  nested  = lookup(var.m, "k", null)
  paren   = (var.a + 1) * 2
  empty   = []
  obj0    = {}
  s       = "a\\"b\\\\c $ % ${upper("x")} \\n"
}

/* a block
   comment */
data "archive_file" "ingestion" {
  type        = "zip"
  source_dir  = "${path.module}/../src"
  output_path = "${path.module}/build/ingestion.zip"
  excludes    = ["tests", "__pycache__",]
}

resource "aws_lambda_function" "fn" {
  for_each         = local.lambdas
  function_name    = "${var.env}-${each.key}"
  handler          = each.value.handler
  memory_size      = each.value["memory"]
  filename         = data.archive_file.ingestion.output_path
  source_code_hash = filebase64sha256(
    data.archive_file.ingestion.output_path,
  )
  environment {
    variables = {
      STAGE = var.env, LOG = "INFO"
    }
  }
  dynamic "vpc_config" {
    for_each = var.subnets
    content {
      subnet_ids = vpc_config.value
    }
  }
  lifecycle { ignore_changes = [tags] }
}

resource "aws_iam_policy" "p" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "*" }]
  })
  description = <<-EOT
    Reads "objects" \\ from ${var.bucket}
  EOT
  raw = <<EOF
{"a": 1}
EOF
}

module "api" {
  source  = "terraform-aws-modules/lambda/aws"
  handler = "api.handler"
  source_path = [{ path = "${path.module}/../api", pip_requirements = true }]
}

variable "env" {
  type    = string
  default = "dev"
}

output "arn" { value = aws_lambda_function.fn["ingestion"].arn }
'''


def test_realistic_terraform_reads_fast_and_equal() -> None:
    assert assert_agrees(REALISTIC)


def test_tfvars_and_empty_files() -> None:
    assert assert_agrees('env = "prod"\nbucket = "b"\nsizes = [1, 2]\n')
    assert assert_agrees("")
    assert assert_agrees("# only a comment")


# --------------------------------------------------------------------------- fallback

UNSUPPORTED = {
    "for expression": 'x = [for s in var.l : upper(s)]\n',
    "for object": 'x = {for k, v in var.m : k => v}\n',
    "directive": 'x = "%{ if var.a }yes%{ endif }"\n',
    "escaped interpolation": 'x = "$${literal}"\n',
    "strip marker": 'x = "${~ var.a ~}"\n',
    "exponent": "x = 1e3\n",
    "provider function": 'x = provider::aws::arn_parse("a")\n',
    "expansion": "x = min(var.l...)\n",
    "two attributes on a line": "a = 1 b = 2\n",
    "newline inside an operator chain": "a = var.x &&\n  var.y\n",
    "templated object key": 'x = {"${var.k}" = 1}\n',
    "newline in a string": 'x = "a\nb"\n',
    "unterminated heredoc": "x = <<EOT\nabc\n",
    "unterminated block": 'resource "a" "b" {\n  handler = "a.b"\n',
    "stray brace": "}\n",
    "duplicate attribute": "a = 1\na = 2\n",
    "minus glued to a number": "a = 0-10\n",
}


@pytest.mark.parametrize("text", UNSUPPORTED.values(), ids=UNSUPPORTED.keys())
def test_unsupported_text_goes_to_hcl2(text: str) -> None:
    with pytest.raises(hclread.Unsupported):
        hclread.loads(text)
    try:
        expected: Any = hcl2.loads(text)
    except Exception as exc:  # invalid HCL: the caller reports hcl2's own error
        with pytest.raises(type(exc)):
            terraform.load(text)
    else:
        assert terraform.load(text) == expected


def test_handler_in_a_file_only_hcl2_reads(tmp_path: Path) -> None:
    from validator.handlers import collect_handler_configs
    from validator.model.repo import Repo

    tf = tmp_path / "infra" / "main.tf"
    tf.parent.mkdir()
    tf.write_text(textwrap.dedent('''
        locals {
          upper = [for s in ["a"] : upper(s)]
        }
        resource "aws_lambda_function" "f" {
          handler = "app.handler"
          runtime = "python3.12"
        }
    ''').lstrip())
    configs, problems = collect_handler_configs(Repo.open(tmp_path))
    assert problems == []
    assert [(c.handler, c.span.line) for c in configs] == [("app.handler", 5)]


def test_fast_path_does_not_import_hcl2(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(REALISTIC)
    code = (
        "import sys; from pathlib import Path\n"
        "from validator.handlers import collect_handler_configs\n"
        "from validator.model.repo import Repo\n"
        f"configs, _ = collect_handler_configs(Repo.open(Path({str(tmp_path)!r})))\n"
        "assert configs, 'no handler found'\n"
        "print(sorted(m for m in ('hcl2', 'lark', 'ruamel.yaml') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------- generated

names = st.sampled_from(["a", "handler", "for_each", "b-c", "_x", "env", "string", "each", "in_x"])
ws = st.sampled_from(["", " ", "  ", "\t"])
gap = st.sampled_from(["", " ", "\n", "\n  ", " # c\n", " // c\n", " /* c */ ", "\n\n"])
string_chars = st.text(alphabet='abc $%.-/:*\\"{}~\'é', max_size=8).map(
    lambda s: s.replace("\\", "\\\\").replace('"', '\\"'))


@st.composite
def traversal(draw: st.DrawFn) -> str:
    out = draw(st.sampled_from(["var", "local", "each", "data", "path", "aws_s3_object"]))
    for _ in range(draw(st.integers(0, 3))):
        out += draw(st.one_of(
            st.builds(lambda n: "." + n, names),
            st.builds(lambda i: f"[{i}]", st.integers(0, 3)),
            st.builds(lambda i: f".{i}", st.integers(0, 3)),
            st.just('["k"]'), st.just("[*]"), st.just(".*"),
        ))
    return out


def template(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    part = st.one_of(string_chars, st.builds(lambda w1, e, w2: "${" + w1 + e + w2 + "}", ws, inner, ws))
    return st.lists(part, max_size=4).map(lambda parts: '"' + "".join(parts) + '"')


def expressions() -> st.SearchStrategy[str]:
    atoms = st.one_of(
        st.integers(-20, 20).map(str),
        st.sampled_from(["1.5", "0.25", "01", "- 3", "1.0", "true", "false", "null", "string"]),
        traversal(),
        string_chars.map(lambda s: f'"{s}"'),
    )

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        sep = st.builds(lambda a, b: a + "," + b, ws, gap)
        return st.one_of(
            template(inner),
            st.builds(lambda g, xs, s, t: "[" + g + s.join(xs) + t + "]",
                      gap, st.lists(inner, max_size=3), sep, st.sampled_from(["", ",", ",\n", "\n"])),
            st.builds(lambda g, kv, e: "{" + g + e.join(f"{k} {op} {v}" for k, op, v in kv) + g + "}",
                      gap, st.lists(st.tuples(st.one_of(names, names.map(lambda n: f'"{n}"')),
                                              st.sampled_from(["=", ":"]), inner), max_size=3),
                      st.sampled_from([", ", ",\n", "\n", " # c\n"])),
            st.builds(lambda f, g, xs, s: f"{f}({g}{s.join(xs)})",
                      st.sampled_from(["merge", "toset", "lookup", "jsonencode", "format"]), gap,
                      st.lists(inner, max_size=3), sep),
            st.builds(lambda a, w, op, b: f"{a}{w}{op}{w}{b}",
                      inner, ws, st.sampled_from(["==", "!=", "&&", "||", "+", "-", "*", "/", "%", "<", ">="]),
                      inner),
            st.builds(lambda c, a, b: f"{c} ? {a} : {b}", inner, inner, inner),
            st.builds(lambda op, a: op + a, st.sampled_from(["!", "-"]), inner),
            st.builds(lambda a: f"({a})", inner),
        )

    return st.recursive(atoms, extend, max_leaves=8)


heredoc = st.builds(
    lambda dash, body, indent: f"<<{dash}EOT\n" + "".join(f"{indent}{line}\n" for line in body) + f"{indent}EOT",
    st.sampled_from(["", "-"]), st.lists(string_chars.map(lambda s: s.replace("EOT", "")), max_size=3),
    st.sampled_from(["", "  "]),
)


@st.composite
def bodies(draw: st.DrawFn, depth: int = 0) -> str:
    lines = []
    for attr in draw(st.lists(names, max_size=4, unique=True)):
        if depth < 2 and draw(st.booleans()):
            labels = draw(st.lists(st.one_of(names, names.map(lambda n: f'"{n}"')), max_size=2))
            kind = draw(st.sampled_from(["resource", "module", "locals", "environment", "dynamic"]))
            inner = draw(bodies(depth + 1))
            lines.append(f"{kind} {' '.join(labels)} {{\n{inner}}}")
        else:
            value = draw(st.one_of(expressions(), heredoc))
            comment = "" if value.startswith("<<") else draw(st.sampled_from(["", " # x", " // y"]))
            lines.append(f"{attr}{draw(ws)}={draw(ws)}{value}{comment}")
    return "".join(line + draw(st.sampled_from(["\n", "\n\n", "\n# c\n"])) for line in lines)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=bodies())
def test_generated_files_agree_with_hcl2(text: str) -> None:
    try:
        fast = hclread.loads(text)
    except hclread.Unsupported:
        return
    assert normalised(fast) == normalised(hcl2.loads(text)), text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=bodies(), cut=st.integers(0, 10_000), junk=st.sampled_from(["", "}", "{", '"', "=", "\n", "[", "(", "${"]))
def test_damaged_files_are_never_read_differently(text: str, cut: int, junk: str) -> None:
    cut %= len(text) + 1
    damaged = text[:cut] + junk + text[cut + 1:]
    try:
        fast = hclread.loads(damaged)
    except hclread.Unsupported:
        return
    assert normalised(fast) == normalised(hcl2.loads(damaged)), damaged


@pytest.mark.parametrize("text", ["x = (true)\n", "x = ({a = 1})\n", "x = ([1])\n", "x = (null)\n"])
def test_parenthesised_literals_go_to_hcl2(text: str) -> None:
    """hcl2 prints them with Python's repr (``${(True)}``); the reader does not copy that."""
    with pytest.raises(hclread.Unsupported):
        hclread.loads(text)
