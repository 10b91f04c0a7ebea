"""Hypothesis strategies for small random repositories that build Lambda ZIPs in a workflow.

A :class:`Scenario` is a repository (files), one workflow and what the IaC deploys: for each
function its archive and handler.  Every function is packaged by the same *recipe* (mkdir,
copies of its code, of a shared library and of optional templates, pip, rm/mv, zip), written
out with the function name as a literal, a loop variable, a function argument, an array item or
``${{ matrix.fn }}`` (the *structure*), so that per-function differences come from the files
(one function has ``templates/``, another has not) as in real repositories.

Each choice is tagged (``tags``) so that disagreements can be grouped by the constructs in play.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

FUNCS = ("alpha", "beta")


@dataclass
class Scenario:
    files: dict[str, str]  # repository-relative path -> text
    handlers: dict[str, str]  # archive path (repository-relative) -> handler the IaC declares
    names: dict[str, str]  # archive path -> function name (the engine's package name)
    tags: list[str] = field(default_factory=list)
    symlinks: dict[str, str] = field(default_factory=dict)  # link path -> target

    @property
    def workflow(self) -> str:
        return self.files[".github/workflows/deploy.yml"]

    def describe(self) -> str:
        """The scenario as a reader wants it in a report: the files that matter, then the workflow."""
        out = [f"tags: {' '.join(self.tags)}"]
        for path, text in sorted(self.files.items()):
            if path.endswith(".yml"):
                continue
            out.append(f"--- {path}\n{text.rstrip()}" if text.strip() else f"--- {path} (empty)")
        for link, target in sorted(self.symlinks.items()):
            out.append(f"--- {link} -> {target}")
        out.append(f"--- .github/workflows/deploy.yml\n{self.workflow.rstrip()}")
        return "\n".join(out)


# --------------------------------------------------------------------------- sources

ROOT_IMPORTS = {  # handler module at the archive root (handler "app.handler")
    "flat": "import helper",
    "flat-from": "from helper import VALUE",
    "shared": "from shared import util",
    "relative-at-root": "from .helper import VALUE",  # no parent package: fails at cold start
    "stdlib": "import json",
}
PKG_IMPORTS = {  # handler module inside a package named like the function ("alpha.app.handler")
    "pkg-relative": "from . import helper",
    "pkg-relative-from": "from .helper import VALUE",
    "pkg-absolute": "from {fn} import helper",
    "shared": "from shared import util",
    "flat-in-pkg": "import helper",  # helper is not at the root: fails
    "stdlib": "import json",
}


@st.composite
def sources(draw: st.DrawFn, mode: str, tags: list[str]) -> dict[str, str]:
    files: dict[str, str] = {}
    table = ROOT_IMPORTS if mode == "root" else PKG_IMPORTS
    shared_used = False
    for fn in FUNCS:
        kinds = draw(st.lists(st.sampled_from(list(table)), min_size=1, max_size=2, unique=True))
        tags.extend(f"import:{k}" for k in kinds)
        shared_used |= "shared" in kinds
        lines = [table[k].format(fn=fn) for k in kinds]
        files[f"src/{fn}/app.py"] = "\n".join(lines) + "\n\n\ndef handler(event, context):\n    return 1\n"
        if draw(st.integers(0, 5)) != 5:  # usually present; its absence breaks `import helper`
            files[f"src/{fn}/helper.py"] = "VALUE = 1\n"
        if mode == "pkg":
            files[f"src/{fn}/__init__.py"] = ""
        if draw(st.booleans()):
            files[f"src/{fn}/templates/mail.txt"] = "hello\n"
        if draw(st.integers(0, 3)) == 3:
            files[f"src/{fn}/requirements.txt"] = "requests\n"
        if draw(st.integers(0, 4)) == 4:
            files[f"src/{fn}/notes.txt"] = "n\n"
    if draw(st.integers(0, 7)) != 7 or (shared_used and draw(st.booleans())):
        files["src/shared/__init__.py"] = ""
        files["src/shared/util.py"] = "U = 1\n"
    return files


# --------------------------------------------------------------------------- the recipe

# {F} is the function name as the structure spells it; {code} where its code goes in the stage
CODE_COPIES = {
    "cp-star": "cp -r src/{F}/* {code}/",
    "cp-dot": "cp -r src/{F}/. {code}/",
    "cp-dir-slash": "cp -r src/{F}/ {code}",
    "cp-py-glob": "cp src/{F}/*.py {code}/",
    "rsync-slash": "rsync -a src/{F}/ {code}/",
    "rsync-exclude": "rsync -a --exclude '*.txt' src/{F}/ {code}/",
    "rsync-include": "rsync -a --include='*.py' --exclude='*' src/{F}/ {code}/",
    "subshell-cd": "(cd src/{F} && cp -r . ../../{code}/)",
    "pushd-oldpwd": 'pushd src/{F} >/dev/null\ncp -r . "$OLDPWD/{code}/"\npopd >/dev/null',
    "find-exec": "find src/{F} -name '*.py' -exec cp {{}} {code}/ \\;",
}
SHARED_COPIES = {
    "none": "",
    "cp-dir": "cp -r src/shared {stage}/",
    "cp-dir-slash": "cp -r src/shared/ {stage}/shared/",
    "rsync-dir": "rsync -a src/shared {stage}/",
    "cp-flat": "cp -r src/shared/* {stage}/",  # wrong place: util.py at the root
    "mkdir-cp-py": "mkdir -p {stage}/shared && cp src/shared/*.py {stage}/shared/",
}
TEMPLATES = {
    "none": "",
    "plain": "cp -r src/{F}/templates {code}/",
    "or-true": "cp -r src/{F}/templates {code}/ 2>/dev/null || true",
    "or-echo": "cp -r src/{F}/templates {code}/ || echo 'no templates'",
    "if-d": "if [ -d src/{F}/templates ]; then cp -r src/{F}/templates {code}/; fi",
    "test-and": "[ -d src/{F}/templates ] && cp -r src/{F}/templates {code}/ || true",
}
EXTRAS = {
    "pip-name": "pip install requests -t {stage} -q",
    "pip-r": "pip install -r src/{F}/requirements.txt -t {stage}",
    "pip-r-guarded": "if [ -f src/{F}/requirements.txt ]; then pip install -r src/{F}/requirements.txt -t {stage}; fi",
    "rm-txt": "rm -f {code}/*.txt",
    "rm-helper": "rm {code}/helper.py",
    "rm-f-missing": "rm -f {stage}/nothing.py",
    "mv-helper": "mv {code}/helper.py {code}/helpers.py",
    "touch": "touch {stage}/VERSION",
}
ZIPS = {
    "subshell": "(cd {stage} && zip -qr ../../dist/{F}.zip .)",
    "cd-back": "cd {stage}\nzip -qr ../../dist/{F}.zip . -x '*.txt'\ncd ../..",
    "pushd": 'pushd {stage} >/dev/null\nzip -qr "$OLDPWD/dist/{F}.zip" .\npopd >/dev/null',
    "junk": "zip -qj dist/{F}.zip {stage}/*",
    "junk-r": "zip -qrj dist/{F}.zip {stage}",
    "from-root": "zip -qr dist/{F}.zip {stage}",  # paths keep build/<fn>/: the handler is not found
}
MKDIRS = {
    "p": "mkdir -p {code}",
    "p-stage": "mkdir -p {stage}",
    "no-p": "mkdir {stage}",  # build/ missing: fails
    "no-p-build": "mkdir -p build\nmkdir {stage}",
    "none": "",
}


@dataclass
class Recipe:
    mkdir: str
    code: str
    shared: str
    templates: str
    extras: list[str]
    zip: str
    dist: bool  # `mkdir -p dist` before the archives are written
    chain: bool  # the recipe's lines joined with && (one failing link stops that function only)

    def lines(self, F: str, mode: str) -> list[str]:
        stage = f"build/{F}"
        code = stage if mode == "root" else f"{stage}/{F}"
        if mode == "pkg" and self.code == "cp-dir-slash":
            code_line = f"cp -r src/{F}/ {stage}/"
        else:
            code_line = CODE_COPIES[self.code].format(F=F, code=code)
        mkdir = MKDIRS[self.mkdir].format(code=code, stage=stage)
        if mode == "pkg" and self.mkdir in ("no-p", "no-p-build"):
            mkdir += f"\nmkdir {code}"
        if self.code == "cp-dir-slash" and mode == "root" and self.mkdir != "none":
            mkdir = "mkdir -p build"  # `cp -r src/x/ build/x` into an existing build/x would nest it
        parts = [mkdir, code_line,
                 SHARED_COPIES[self.shared].format(stage=stage),
                 TEMPLATES[self.templates].format(F=F, code=code)]
        parts += [EXTRAS[e].format(F=F, code=code, stage=stage) for e in self.extras]
        parts.append(ZIPS[self.zip].format(F=F, stage=stage))
        out: list[str] = []
        for p in parts:
            out += [line for line in p.split("\n") if line]
        return out

    def tags(self) -> list[str]:
        return [f"mkdir:{self.mkdir}", f"code:{self.code}", f"shared:{self.shared}",
                f"templates:{self.templates}", *(f"extra:{e}" for e in self.extras if e != "none"),
                f"zip:{self.zip}", "dist" if self.dist else "no-dist", *(["chain"] if self.chain else [])]


def _weighted(table: dict[str, str], common: int = 3) -> st.SearchStrategy[str]:
    """The table's keys, the first (the plainest, where shrinking goes) ``common`` times as likely."""
    keys = list(table)
    return st.sampled_from([keys[0]] * common + keys[1:])


recipes = st.builds(
    Recipe,
    mkdir=st.sampled_from(["p"] * 4 + ["p-stage"] * 3 + ["no-p-build", "no-p", "none"]),
    code=_weighted(CODE_COPIES, 2),
    shared=_weighted(SHARED_COPIES, 2),
    templates=_weighted(TEMPLATES, 2),
    extras=st.lists(st.sampled_from(list(EXTRAS)), max_size=2, unique=True),
    zip=_weighted(ZIPS, 3),
    dist=st.integers(0, 7).map(lambda n: n != 7),
    chain=st.integers(0, 4).map(lambda n: n == 4),
)

STRUCTURES = ("plain", "steps", "loop", "function", "array", "matrix")


def _body(lines: list[str], chain: bool, indent: str) -> list[str]:
    if chain:
        # multi-line parts (cd … / pushd …) chain too: each line is one link
        return [indent + " && \\\n".join(lines).replace("\n", "\n" + indent)]
    return [indent + line for line in lines]


def _block(text: str, indent: int) -> str:
    pad = " " * indent
    return "".join(pad + line + "\n" for line in text.split("\n"))


def workflow(recipe: Recipe, mode: str, structure: str, deploy: str) -> str:
    steps: list[str] = []
    prelude = "mkdir -p dist" if recipe.dist else ""
    matrix = ""
    if structure in ("plain", "steps"):
        chunks = ["\n".join(_body(recipe.lines(fn, mode), recipe.chain, "")) for fn in FUNCS]
        if structure == "plain":
            steps.append("\n".join([prelude, *chunks]).strip("\n"))
        else:
            steps += [prelude] if prelude else []
            steps += chunks
    elif structure in ("loop", "array"):
        body = "\n".join(_body(recipe.lines("$f", mode), recipe.chain, "  "))
        head = ("for f in alpha beta; do" if structure == "loop"
                else 'FUNCS=(alpha beta)\nfor f in "${FUNCS[@]}"; do')
        steps.append("\n".join(x for x in (prelude, head, body, "done") if x))
    elif structure == "function":
        body = "\n".join(_body(recipe.lines("$f", mode), recipe.chain, "  "))
        steps.append("\n".join(x for x in (prelude, "package() {", '  local f="$1"', body, "}",
                                           "package alpha", "package beta") if x))
    else:  # matrix
        matrix = "    strategy:\n      matrix:\n        fn: [alpha, beta]\n"
        body = "\n".join(_body(recipe.lines("${{ matrix.fn }}", mode), recipe.chain, ""))
        steps.append("\n".join(x for x in (prelude, body) if x))
    out = ["on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n", matrix, "    steps:\n",
           "      - uses: actions/checkout@v4\n"]
    for script in steps:
        out.append("      - run: |\n" + _block(script, 10))
    if deploy == "terraform-root":
        out.append("      - run: terraform apply -auto-approve\n")
    elif deploy == "terraform-nested":
        out.append("      - run: terraform apply -auto-approve\n        working-directory: infra\n")
    else:
        fn = "${{ matrix.fn }}" if structure == "matrix" else None
        names = [fn] if fn else list(FUNCS)
        lines = [f"aws lambda update-function-code --function-name {n} --zip-file fileb://dist/{n}.zip"
                 for n in names]
        out.append("      - run: |\n" + _block("\n".join(lines), 10))
    return "".join(out)


def terraform(mode: str, where: str) -> str:
    prefix = "" if where == "root" else "../"
    out = []
    for fn in FUNCS:
        handler = "app.handler" if mode == "root" else f"{fn}.app.handler"
        out.append(f'resource "aws_lambda_function" "{fn}" {{\n  function_name = "{fn}"\n'
                   f'  filename      = "{prefix}dist/{fn}.zip"\n  handler       = "{handler}"\n'
                   f'  runtime       = "python3.12"\n  role          = "arn:aws:iam::1:role/x"\n}}\n')
    return "\n".join(out)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    tags: list[str] = []
    mode = draw(st.sampled_from(("root", "pkg")))
    files = draw(sources(mode, tags))
    recipe = draw(recipes)
    structure = draw(st.sampled_from(STRUCTURES))
    deploy = draw(st.sampled_from(("terraform-root", "terraform-nested", "aws-cli")))
    tags += [f"mode:{mode}", f"structure:{structure}", f"deploy:{deploy}", *recipe.tags()]
    files[".github/workflows/deploy.yml"] = workflow(recipe, mode, structure, deploy)
    # the handler the function is configured with (Terraform; for aws-cli the same handler is
    # declared in a Terraform file that only names the function, as when the IaC lives elsewhere)
    tf_path = "main.tf" if deploy != "terraform-nested" else "infra/main.tf"
    files[tf_path] = terraform(mode, "root" if tf_path == "main.tf" else "nested")
    handlers = {f"dist/{fn}.zip": ("app.handler" if mode == "root" else f"{fn}.app.handler") for fn in FUNCS}
    return Scenario(files=files, handlers=handlers, names={f"dist/{fn}.zip": fn for fn in FUNCS}, tags=tags)
