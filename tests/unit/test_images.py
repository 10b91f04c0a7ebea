"""Container images: the Dockerfile and .dockerignore readers, the image's /var/task as
the simulation rebuilds it from ``docker build`` and build-push-action, and its link to
a function."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_simulate_support import job, make_repo, run, step

from validator.handlers import collect_handler_configs, link_handlers
from validator.model import Workflow
from validator.model.images import repository_name
from validator.simulate import simulate
from validator.syntax.dockerfile import parse_dockerfile
from validator.syntax.dockerignore import parse_ignore

LAMBDA = "FROM public.ecr.aws/lambda/python:3.12\n"


# --------------------------------------------------------------------------- Dockerfile reader


def test_heredoc_body_is_part_of_the_instruction() -> None:
    d = parse_dockerfile(LAMBDA + "RUN <<EOT\necho hi\npython -c 'x'\nEOT\nCMD [\"app.h\"]\n", "Dockerfile")
    assert [i.name for i in d.instructions] == ["FROM", "RUN", "CMD"]
    assert d.instructions[1].heredocs == {"EOT": "echo hi\npython -c 'x'\n"}
    assert (d.instructions[1].line, d.instructions[1].end_line) == (2, 5)
    assert d.problems == []


def test_unclosed_heredoc_and_unknown_instruction_are_problems() -> None:
    d = parse_dockerfile(LAMBDA + "FOO bar\nRUN <<EOF\necho\n", "Dockerfile")
    assert (2, "unknown instruction FOO: docker build stops here") in d.problems
    assert any("never closed" in why for _, why in d.problems)


def test_forms_flags_continuations_and_directives() -> None:
    text = "# escape=`\nARG PY=3.12\nFROM x:${PY}\nCOPY --from=b --chown=1:1 [\"a b.py\", \"/d/\"]\nRUN a `\n  b\nCMD app.h\n"
    d = parse_dockerfile(text, "Dockerfile")
    arg, _from, copy, run_, cmd = d.instructions
    assert arg.args == ["PY=3.12"]
    assert copy.flags == {"from": "b", "chown": "1:1"} and copy.args == ["a b.py", "/d/"] and copy.json_form
    assert run_.args == ["a", "b"] and (run_.line, run_.end_line) == (5, 6)
    assert cmd.args == ["app.h"] and not cmd.json_form


@pytest.mark.parametrize("text", ["", "\0\0\0", "FROM\n", 'CMD ["unclosed\n', "RUN \\\n", "x" * 1_000_001,
                                  "COPY\n", "ENV\n", "# escape=x\nFROM a\n"])
def test_bad_dockerfiles_never_raise(text: str) -> None:
    parse_dockerfile(text, "Dockerfile")


# --------------------------------------------------------------------------- .dockerignore


def test_dockerignore_last_match_wins_and_parents_match() -> None:
    f = parse_ignore("\ufeff# comment\n*\n!src\nsrc/tests\n/docs/\n**/*.pyc\n !keep.txt \n", ".dockerignore")
    assert f.excluded("app.py") is not None
    assert f.excluded("src/a/b.py") is None
    assert f.excluded("src/tests/t.py") is not None
    assert f.excluded("x/y/z.pyc") is not None
    assert f.excluded("keep.txt") is None


def test_dockerignore_bad_lines_are_problems() -> None:
    f = parse_ignore("!\n[abc\nok\n", ".dockerignore")
    assert [line for line, _ in f.problems] == [1, 2]
    assert [p.text for p in f.patterns] == ["ok"]
    huge = parse_ignore("a\n" * 6000, ".dockerignore")
    assert huge.unknown and huge.problems


def test_repository_names() -> None:
    assert repository_name("1.dkr.ecr.us-east-1.amazonaws.com/orders:${GITHUB_SHA}") == "orders"
    assert repository_name("localhost:5000/team/api:v1@sha256:ab") == "api"


# --------------------------------------------------------------------------- images


def _image(tmp_path: Path, dockerfile: str, script: str, extra: dict[str, str] | None = None):
    files = {"svc/Dockerfile": dockerfile, "svc/app.py": "def h(e, c): pass\n", "svc/lib/__init__.py": "",
             "svc/lib/util.py": "", "svc/requirements.txt": "requests\n", "shared/common.py": "",
             **(extra or {})}
    r = run(tmp_path, files, script)
    images = [p for p in r.packages if p.image is not None]
    return r, images


def test_copy_semantics(tmp_path: Path) -> None:
    dockerfile = (LAMBDA + "WORKDIR ${LAMBDA_TASK_ROOT}\nCOPY app.py requirements.txt ./\nCOPY lib/ ${LAMBDA_TASK_ROOT}/pkg\n"
                  "COPY lib/*.py flat/\nCOPY lib pkg2/\nRUN pip install -r requirements.txt -t .\nCMD [\"app.h\"]\n")
    _r, [pkg] = _image(tmp_path, dockerfile, "docker build -t x/svc:1 svc")
    assert sorted(pkg.files) == ["app.py", "flat/__init__.py", "flat/util.py", "pkg/__init__.py", "pkg/util.py",
                                 "pkg2/__init__.py", "pkg2/util.py", "requirements.txt"]
    assert pkg.files["app.py"].source == "svc/app.py"
    assert pkg.image is not None and pkg.image.cmd == "app.h" and pkg.image.python == "3.12"
    [pip] = pkg.pip_installs
    assert pip.prefix == "" and pip.requirement_files == ["svc/requirements.txt"]


def test_outside_context_and_ignored_sources(tmp_path: Path) -> None:
    dockerfile = LAMBDA + "COPY ../shared/ ${LAMBDA_TASK_ROOT}/shared/\nCOPY lib/ ./lib/\nCOPY app.py ./\n"
    _r, [pkg] = _image(tmp_path, dockerfile, "docker build -t x/svc:1 svc", {"svc/.dockerignore": "lib/util.py\n"})
    assert pkg.image is not None
    kinds = {(m.kind, m.source, m.fails) for m in pkg.image.misses}
    assert kinds == {("outside", "../shared/", True), ("ignored", "lib/", False)}
    outside = next(m for m in pkg.image.misses if m.kind == "outside")
    assert outside.would_supply == ["/var/task/shared/common.py"]
    assert "lib/util.py" not in pkg.files and "lib/__init__.py" in pkg.files


def test_stage_and_target(tmp_path: Path) -> None:
    dockerfile = ("ARG PY=3.11\nFROM public.ecr.aws/lambda/python:${PY} AS base\nCOPY app.py /src/\n"
                  "FROM base AS final\nCOPY --from=base /src/app.py ${LAMBDA_TASK_ROOT}/main.py\nCMD [\"main.h\"]\n"
                  "FROM base AS test\nCMD [\"other.h\"]\n")
    _r, [pkg] = _image(tmp_path, dockerfile, "docker buildx build --build-arg PY=3.13 --target final -t x/svc svc")
    assert pkg.image is not None and pkg.image.cmd == "main.h" and pkg.image.python == "3.13"
    assert "main.py" in pkg.files and pkg.runtime == "python3.13"


def test_non_lambda_images_are_no_packages(tmp_path: Path) -> None:
    _r, images = _image(tmp_path, "FROM python:3.12\nCOPY . /srv\nCMD [\"python\", \"x.py\"]\n",
                        "docker build -t web svc")
    assert images == []


def test_shell_form_cmd_is_a_problem(tmp_path: Path) -> None:
    r, [pkg] = _image(tmp_path, LAMBDA + "COPY app.py ./\nCMD app.h\n", "docker build svc")
    assert pkg.image is not None and pkg.image.cmd is None
    assert any("shell-form CMD" in u.reason for u in r.unmodelled)


def test_build_push_action_with_matrix(tmp_path: Path) -> None:
    files = {f"fn/{n}/Dockerfile": LAMBDA + "COPY app.py ./\nCMD [\"app.h\"]\n" for n in ("a", "b")}
    files.update({f"fn/{n}/app.py": "def h(e, c): pass\n" for n in ("a", "b")})
    repo = make_repo(tmp_path, files)
    runs = [job(step(None, uses="docker/build-push-action@v6",
                     with_={"context": "fn/${{ matrix.fn }}", "tags": "x/${{ matrix.fn }}:1,x/${{ matrix.fn }}:latest",
                            "platforms": "linux/arm64"}),
                job_id="img", matrix={"fn": n}) for n in ("a", "b")]
    r = simulate(Workflow(".github/workflows/deploy.yml", "", runs), repo, every_job=True)
    images = sorted((p.name, p.image.platform, p.image.tags[0]) for p in r.packages if p.image)
    assert images == [("a", "linux/arm64", "x/a:1"), ("b", "linux/arm64", "x/b:1")]


def test_links_terraform_image_uri_and_command_override(tmp_path: Path) -> None:
    tf = ('resource "aws_ecr_repository" "orders" { name = "orders" }\n'
          'resource "aws_lambda_function" "orders" {\n  function_name = "orders"\n  package_type = "Image"\n'
          '  image_uri = "${aws_ecr_repository.orders.repository_url}:latest"\n'
          '  image_config {\n    command = ["main.h"]\n  }\n}\n')
    files = {"svc/Dockerfile": LAMBDA + "COPY app.py ./\nCMD [\"app.h\"]\n", "svc/app.py": "", "infra/main.tf": tf}
    repo = make_repo(tmp_path, files)
    r = simulate(Workflow(".github/workflows/deploy.yml", "", [job("docker build -t 1.dkr.ecr/orders:$GITHUB_SHA svc")]),
                 repo, every_job=True)
    configs, _ = collect_handler_configs(repo)
    [link] = link_handlers(r.packages, configs, r.deploys, repo=repo)
    assert link is not None and link.how == "image-uri" and link.handler == "main.h"
    assert link.config is not None and link.config.runtime == "python3.12"
