"""Steps and jobs: GITHUB_ENV, env, unknown commands, unread shell, limits, safety."""

from __future__ import annotations

from pathlib import Path

from test_simulate_support import files, job, package, run, step

from validator.syntax.shell.ir import Command, Script, Unread, Word

SRC = ["app/handler.py", "app/lib/x.py"]


def test_github_env_feeds_later_steps(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, job('echo "OUT=dist" >> $GITHUB_ENV\necho "SHA=${GITHUB_SHA::7}" >> "$GITHUB_ENV"',
                               "mkdir -p $OUT\ncd app && zip -r ../$OUT/api-$SHA.zip ."))
    assert package(r, "api").archive == "dist/api-${SHA}.zip"


def test_step_env_with_expression(tmp_path: Path) -> None:
    s = step("mkdir -p $BUILD\ncp -r app/* $BUILD/\ncd $BUILD && zip -r ../$NAME.zip .",
             env={"BUILD": "build", "NAME": "svc-${{ github.sha }}"})
    r = run(tmp_path, SRC, job(s))
    assert package(r, "svc").archive == "svc-${{ github.sha }}.zip"
    assert files(r, "svc") == ["handler.py", "lib/x.py"]


def test_files_persist_across_steps_but_cwd_does_not(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, job("mkdir build && cd build", "cp -r app/* build/", "cd build && zip -r ../api.zip ."))
    assert files(r, "api") == ["handler.py", "lib/x.py"]


def test_unknown_command_writing_into_zipped_dir(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, "mkdir build\ncp -r app/* build/\nnpm run build -- --out-dir=build/static\n"
                           "tar -xzf vendor.tgz -C build\nsomething_harmless --flag\n"
                           "cd build && zip -r ../api.zip .")
    reasons = [u.reason for u in r.unmodelled]
    assert any("npm run build" in x for x in reasons)
    assert any("tar -xzf" in x for x in reasons)
    assert not any("something_harmless" in x for x in reasons)


def test_unread_statements(tmp_path: Path, monkeypatch: object) -> None:
    import validator.simulate as sim

    text = "cp -r $(weird || stuff) build\n(( i++ ))\n"
    fake = Script(text, [Unread(0, 30, text[:30], "bashlex failed"), Unread(31, 40, "(( i++ ))", "arithmetic"),
                         Command(41, 44, words=[Word(41, 44, "true")])])
    monkeypatch.setattr(sim, "parse_script", lambda _t: fake)  # type: ignore[attr-defined]
    r = run(tmp_path, SRC, text)
    touching = [(u.could_touch_package, u.span.line) for u in r.unmodelled]
    assert touching == [(True, 10), (False, 11)]


def test_safety_paths_never_leave_the_virtual_tree(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("keep")
    repo = tmp_path / "repo"
    r = run(repo, SRC, f"cd /\ncd ../../..\nrm -rf {tmp_path}\nrm -rf $UNSET/\ncp -r / /tmp/x\n"
                       f"touch {outside}\nmv /w /gone")
    assert outside.read_text() == "keep"
    assert (repo / "app" / "handler.py").exists()
    assert r.packages == []


def test_command_cap(tmp_path: Path, monkeypatch: object) -> None:
    import validator.simulate.interpreter as interp

    monkeypatch.setattr(interp, "MAX_COMMANDS", 50)  # type: ignore[attr-defined]
    r = run(tmp_path, SRC, "f() { touch a; f; }\nf\nfor i in {1..90}; do touch b$i; done\nzip -r a.zip .")
    assert any("nested deeper" in u.reason or "commands" in u.reason for u in r.unmodelled)


def test_uses_steps_and_non_bash_shells_are_skipped(tmp_path: Path) -> None:
    r = run(tmp_path, SRC, job(step(uses="actions/checkout@v4"),
                               step("import zipfile", shell="python"),
                               step("zip -r api.zip app")))
    assert files(r, "api") == ["app/handler.py", "app/lib/x.py"]


def test_workspace_expressions_name_the_checkout(tmp_path: Path) -> None:
    r = run(tmp_path, ["src/lambdas/a/handler.py"],
            "mkdir -p ${{ runner.temp }}/a && cp -r ${{ github.workspace }}/src/lambdas/a/. ${{ runner.temp }}/a/\n"
            "cd ${{ runner.temp }}/a && zip -qr ${{ github.workspace }}/dist-a.zip .")
    assert [(p.archive, sorted(p.files)) for p in r.packages] == [("dist-a.zip", ["handler.py"])]


def test_jobs_without_a_word_of_packaging_are_not_simulated(tmp_path: Path) -> None:
    """Lint, test and release-binary jobs cannot build a Lambda package: they are skipped
    before any simulation (nothing of them is reported, and they cost nothing)."""
    import validator.simulate as sim
    from validator.model.repo import Repo

    lint = job(step("cargo build --release\ncp target/release/x dist/\ncd missing"), job_id="lint")
    package_job = job(step("mkdir -p build && cp app/handler.py build/ && zip -r api.zip build"), job_id="pkg")
    assert not sim.may_package(lint) and sim.may_package(package_job)
    r = run(tmp_path, SRC, lint, package_job, every_job=False)
    assert [p.job for p in r.packages] == ["pkg"] and r.unmodelled == [] and len(r.copies) == 1
    for text in ("sam build", "aws lambda update-function-code --function-name f --zip-file fileb://f.zip",
                 "pip install -r requirements.txt -t build"):
        assert sim.may_package(job(step(text))), text
    # a script, a Makefile or a Python build script the step runs is read for the same words,
    # wherever the step cds and a few scripts deep
    files = {"scripts/build.sh": "cd build && zip -r ../a.zip .\n", "tools/Makefile": "pkg:\n\tzip -r a.zip b\n",
             "build.py": "import shutil\nshutil.make_archive('a', 'zip', 'b')\n", "scripts/test.sh": "pytest\n",
             "backend/ship": "cd fn && zip -r ../fn.zip .\n", "ci.sh": "./backend/ship.sh\n",
             "backend/ship.sh": "aws lambda update-function-code --function-name f --zip-file fileb://f.zip\n"}
    tmp = tmp_path / "scripts-repo"
    for rel, text in files.items():
        (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp / rel).write_text(text)
    repo = Repo.open(tmp)
    for text in ("bash scripts/build.sh", "./scripts/build.sh --fast", "make -C tools pkg", "python3 build.py",
                 "$GITHUB_WORKSPACE/scripts/build.sh", "cd src && ../scripts/build.sh", "cd backend && ./ship",
                 "cd backend && bash ship.sh", "./ci.sh"):
        assert sim.may_package(job(step(text)), repo), text
    (tmp / "tools/Makefile").write_text("lint:\n\truff check .\n")
    assert not sim.may_package(job(step("bash scripts/test.sh && make lint")), Repo.open(tmp))
