"""``make`` in a step: Makefile variables, rules and recipes as GNU make runs them."""

from __future__ import annotations

from pathlib import Path

from test_simulate_support import files, job, run, step

from validator.syntax.makefile import expand, parse_make_args, parse_makefile

SRC = {"src/lambdas/a/handler.py": "", "src/lambdas/b/handler.py": "", "src/shared/util.py": ""}


def test_variables_expand_as_make_does() -> None:
    mk = parse_makefile("Makefile", "A = $(B)/x\nB = late\nC := $(D)now\nD = d\nE ?= first\nE ?= second\n"
                                    "F = one\nF += two\nexport G = g\n")
    # names make does not define come from the environment: the recipe's shell expands them
    assert expand(mk, "$(A) ${C} $(E) $(F) $$HOME $(HOME) $(G)", {}) == "late/x ${D}now first one two $HOME ${HOME} g"
    assert "G" in mk.exported
    assert expand(mk, "$(shell git rev-parse HEAD) $(wildcard *.py)", {}) == "$(git rev-parse HEAD) ${MAKE_WILDCARD}"
    assert expand(mk, "$@ $< $^", {"@": "t", "<": "p1", "^": "p1 p2"}) == "t p1 p1 p2"


def test_rules_targets_and_notes() -> None:
    text = ("NAMES := a b\n.PHONY: all\nall: $(NAMES)\n$(NAMES): dist\n\t@echo $@\n\t-rm -f x\n"
            "dist:\n\tmkdir -p $@\n%.zip: %\n\tzip $@ $<\nifeq ($(CI),true)\nX = 1\nendif\n")
    mk = parse_makefile("Makefile", text)
    assert mk.default == "all"
    assert mk.rules["all"].prerequisites == ["a", "b"]
    assert [r[0] for r in mk.rules["a"].recipe] == ["@echo $@", "-rm -f x"]
    assert {line for line, _ in mk.notes} == {9, 11, 13}  # pattern rule, ifeq, endif


def test_command_line() -> None:
    call = parse_make_args(["-C", "services/api", "-j4", "package", "STAGE=prod", "--file=build.mk"], "/w")
    assert call is not None
    assert (call.directory, call.makefile, call.targets, call.overrides) == (
        "/w/services/api", "/w/services/api/build.mk", ["package"], {"STAGE": "prod"})
    assert parse_make_args(["-n", "package"], "/w") is None


MAKEFILE = """OUT ?= dist
.PHONY: package
package: a b
a b: $(OUT)
\tmkdir -p build/$@
\tcp -r src/lambdas/$@/. build/$@/
\tcd build/$@ && zip -qr ../../$(OUT)/$@.zip .
$(OUT):
\tmkdir -p $@
"""


def test_make_builds_each_target_once_with_prerequisites_first(tmp_path: Path) -> None:
    r = run(tmp_path, {**SRC, "Makefile": MAKEFILE}, "make package")
    assert {p.archive for p in r.packages} == {"dist/a.zip", "dist/b.zip"}
    assert files(r, "a") == ["handler.py"]
    copy = r.copies[0]
    assert (copy.span.path, copy.span.line, copy.span.column) == ("Makefile", 6, 2)
    assert r.scripts == ["Makefile"]


def test_each_recipe_line_is_its_own_shell_unless_oneshell(tmp_path: Path) -> None:
    lines = "a:\n\tmkdir -p build/a && cp -r src/lambdas/a/. build/a/\n\tcd build\n\tzip -qr a.zip a\n"
    r = run(tmp_path, {**SRC, "Makefile": lines}, "make a")
    assert not r.packages  # the cd did not carry over: zip found no folder a
    assert any("zip has nothing to add" in u.reason and u.span.line == 4 for u in r.unmodelled)
    r = run(tmp_path / "one", {**SRC, "Makefile": ".ONESHELL:\n" + lines}, "make a")
    assert {p.archive for p in r.packages} == {"build/a.zip"}
    assert files(r, "a") == ["a/handler.py"]


def test_overrides_folder_and_failures(tmp_path: Path) -> None:
    repo = {**SRC, "deploy/Makefile": MAKEFILE.replace("src/lambdas", "../src/lambdas")}
    r = run(tmp_path, repo, "make -C deploy a OUT=zips")
    assert {p.archive for p in r.packages} == {"deploy/zips/a.zip"}
    r = run(tmp_path / "missing", {**SRC, "Makefile": MAKEFILE}, "make nothing-here")
    assert any("no rule to make target nothing-here" in u.reason for u in r.unmodelled)
    r = run(tmp_path / "none", SRC, "make package")  # no Makefile: an unknown command
    assert r.scripts == []


def test_overrides_environment_and_self_reference() -> None:
    mk = parse_makefile("Makefile", "BUILD = build\nOUT := $(BUILD)/a\nSRC ?= lib\nA = $(A)$(A)$(A)x\n",
                        overrides={"BUILD": "out"}, environment=frozenset({"SRC"}))
    assert expand(mk, "$(OUT) $(SRC) $(A)", {}) == "out/a ${SRC} x"  # and no exponential expansion
    assert expand(mk, "$(@D) $(@F) $(<D)", {"@": "dist/a.zip", "<": "x.py"}) == "dist a.zip ."


def test_step_environment_answers_question_mark_assignments(tmp_path: Path) -> None:
    makefile = "SRC_ROOT ?= lib\na:\n\tmkdir -p o && cp -r $(SRC_ROOT)/lambdas/a/. o/\n\tcd o && zip -qr ../a.zip .\n"
    r = run(tmp_path, {**SRC, "Makefile": makefile}, job(step("make a", env={"SRC_ROOT": "src"})))
    assert files(r, "a") == ["handler.py"]


def test_oneshell_runs_each_recipe_as_one_script(tmp_path: Path) -> None:
    makefile = (".ONESHELL:\nall: a b\na b:\n\tmkdir -p build/$@\n\tcd build/$@\n\tfor f in ../../src/lambdas/$@/*.py; do\n"
                "\t  cp \"$$f\" .\n\tdone\n\tzip -qr ../$@.zip .\n")
    r = run(tmp_path, {**SRC, "Makefile": makefile}, "make")
    assert {p.archive for p in r.packages} == {"build/a.zip", "build/b.zip"}  # b's recipe starts from the folder again
    assert files(r, "b") == ["handler.py"]


def test_continued_recipe_lines_report_their_own_line(tmp_path: Path) -> None:
    makefile = "a:\n\tmkdir -p o && \\\n\tcp -r src/lambdas/missing/. o/\n"
    r = run(tmp_path, {**SRC, "Makefile": makefile}, "make a")
    (copy,) = r.copies
    assert (copy.span.path, copy.span.line, copy.span.column, copy.failed) == ("Makefile", 3, 2, "missing-source")


def test_a_command_ending_in_a_variable_ends_at_the_reference(tmp_path: Path) -> None:
    makefile = "OUT = build/nowhere/deeper/still\na:\n\tcp -r src/lambdas/a/. $(OUT)\n"
    r = run(tmp_path, {**SRC, "Makefile": makefile}, "make a")
    (copy,) = r.copies
    assert copy.failed
    # "\tcp -r src/lambdas/a/. $(OUT)": the command spans columns 2 to 29, ")" included
    assert (copy.span.line, copy.span.column, copy.span.end_line, copy.span.end_column) == (3, 2, 3, 30)
