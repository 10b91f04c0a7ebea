"""Hypothesis strategies for Lambda build scripts written in Python, and the small source tree
each one runs over.

A :class:`PyScenario` is a repository (a function folder ``fn/`` with a random set of files:
modules, nested packages, hidden files and folders, ``tests/``, ``.pyc`` files, a sibling
``lib/``) and ``fn/build.py``, run either as ``cd fn && python3 build.py`` or as
``python3 fn/build.py`` from the repository root.

The script is drawn from a grammar of the shapes ``validator/simulate/pybuild.py`` evaluates
(``zipfile.ZipFile`` blocks with ``write``/``writestr``, loops over literal lists with
``os.path.exists``/``isfile`` guards, ``os.walk`` with pruning and filters, ``glob.glob``,
``Path.glob``/``rglob``, ``os.listdir``, ``shutil.copytree``/``copy``/``copyfile``/``make_archive``,
``os.makedirs``/``mkdir``/``remove``/``rmtree``, ``os.chdir``, ``sys.exit``, helper functions
returning the files, f-string paths, a ``main()`` under the ``__main__`` guard), written with
``os.path`` strings or ``pathlib.Path`` objects, plus shapes it must give up on
(``subprocess``, ``try``/``except``, ``while``, values read from the environment or the
command line, exits and list changes under conditions read from the environment, a helper
module, archives never closed).  Paths are relative to the working
directory or built from ``__file__``; outputs go next to the script, to ``dist/`` (which may not
exist), to the repository root or into a build folder inside the function folder.

Each choice is tagged (``tags``) so that a failing example says which constructs it used.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

#: files the function folder may hold (``handler.py`` and ``build.py`` always); none in the
#: folders the repository reader skips (``__pycache__``, ``.venv`` …: never committed)
OPTIONAL_FILES = (
    "util.py", "config.json", "README.md", "requirements.txt", ".env", ".hidden.py",
    "pkg/__init__.py", "pkg/core.py", "pkg/.keep", "pkg/sub/deep.py", "pkg/sub/data.txt",
    ".cache/blob.py", "tests/test_handler.py", "tests/conftest.py",
    "handler.pyc", "data/a.json", "data/.gitkeep",
    "build/stale.py",
)
#: files elsewhere in the repository
OUTSIDE_FILES = ("lib/common.py", "lib/.secret", "dist/.keep", "README.md")
MISSING = ("missing.py", "pkg/missing.py")


@dataclass
class PyScenario:
    files: dict[str, str]  # repository-relative path -> text (fn/build.py included)
    cwd: str  # "fn" (cd fn && python3 build.py) or "" (python3 fn/build.py)
    tags: list[str] = field(default_factory=list)

    @property
    def script(self) -> str:
        return self.files["fn/build.py"]

    @property
    def command(self) -> str:
        return "python3 build.py" if self.cwd == "fn" else "python3 fn/build.py"

    def describe(self) -> str:
        listing = " ".join(sorted(p for p in self.files if p != "fn/build.py"))
        where = f"cd {self.cwd} && " if self.cwd else ""
        return (f"tags: {' '.join(self.tags)}\nfiles: {listing}\nrun: {where}{self.command}\n"
                f"--- fn/build.py\n{self.script}")


class _Code:
    """Lines of Python with their indentation."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.level = 0

    def add(self, *lines: str) -> None:
        self.lines.extend("    " * self.level + line for line in lines)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


@dataclass
class _Style:
    """How the script spells paths: ``os.path`` strings or ``pathlib.Path`` objects."""

    pathlib: bool
    zip_ctor: str  # "zipfile.ZipFile" or "ZipFile" (from zipfile import ZipFile)

    def join(self, base: str, *parts: str) -> str:
        if self.pathlib:
            return " / ".join([base, *(repr(p) for p in parts)])
        return f"os.path.join({', '.join([base, *(repr(p) for p in parts)])})"


def _here_choices(cwd: str, pathlib: bool) -> list[str]:
    if pathlib:
        return ["Path(__file__).parent", "Path(__file__).resolve().parent",
                *(['Path(".")', "Path.cwd()"] if cwd == "fn" else ['Path("fn")'])]
    common = ["os.path.dirname(os.path.abspath(__file__))", "os.path.dirname(__file__)",
              "os.path.dirname(os.path.realpath(__file__))"]
    return [*common, *(['"."', "os.getcwd()", '""'] if cwd == "fn" else ['"fn"', '"./fn"'])]


@st.composite
def _tree(draw: st.DrawFn, tags: list[str]) -> dict[str, str]:
    files = {"fn/handler.py": "def handler(event, context):\n    return 1\n"}
    for name in OPTIONAL_FILES:
        if draw(st.booleans()):
            files[f"fn/{name}"] = "VALUE = 1\n" if name.endswith(".py") else "x\n"
    for name in OUTSIDE_FILES:
        if draw(st.integers(0, 2)) == 0:
            files[name] = "x\n"
    tags.append(f"tree:{len(files)}")
    return files


def _source(files: dict[str, str], missing: int = 20) -> st.SearchStrategy[str]:
    """A function-folder-relative file: one that exists, or one time in ``missing`` a missing one."""
    existing = sorted(p[3:] for p in files if p.startswith("fn/") and p != "fn/build.py")
    return st.integers(1, missing).flatmap(lambda n: st.sampled_from(MISSING if n == 1 else existing))


@st.composite
def _arcname(draw: st.DrawFn, name: str, tags: list[str]) -> str | None:
    """The arcname argument of ``write``, as code, or None for the default."""
    kind = draw(st.sampled_from(["default", "same", "prefixed", "dotted", "absolute", "updir", "basename",
                                 "double-slash", "trailing-dot"]))
    tags.append(f"arcname:{kind}")
    return {
        "default": None,
        "same": repr(name),
        "prefixed": repr(f"app/{name}"),
        "dotted": repr(f"./{name}"),
        "absolute": repr(f"/{name}"),
        "updir": repr(f"x/../{name}"),
        "basename": f"os.path.basename({name!r})",
        "double-slash": repr(f"//srv//{name}"),
        "trailing-dot": repr(f"{name}/."),
    }[kind]


@st.composite
def _zip_body(draw: st.DrawFn, code: _Code, z: str, style: _Style, files: dict[str, str],
              tags: list[str]) -> None:
    """One to three ways of adding members to the open archive ``z``."""
    sources = _source(files)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["write", "list-loop", "walk", "glob", "pathglob", "listdir", "writestr",
                                     "write-dir", "collect", "fstring", "iterdir", "glob-root"]))
        tags.append(f"add:{kind}")
        if kind == "write":
            for name in draw(st.lists(sources, min_size=1, max_size=3)):
                arc = draw(_arcname(name, tags))
                src = style.join("SRC", name)
                code.add(f"{z}.write({src}{', ' + arc if arc else ''})")
        elif kind == "write-dir":
            code.add(f"{z}.write({style.join('SRC', draw(st.sampled_from(['pkg', 'data', 'tests'])))})")
        elif kind == "writestr":
            name = draw(st.sampled_from(["VERSION", "meta/info.txt", "/abs.txt", "./dot.txt"]))
            tags.append(f"writestr:{name}")
            code.add(f"{z}.writestr({name!r}, 'built')")
        elif kind == "list-loop":
            names = draw(st.lists(_source(files, missing=3), min_size=1, max_size=4, unique=True))
            guard = draw(st.sampled_from(["none", "exists", "isfile", "not-exists-continue"]))
            tags.append(f"guard:{guard}")
            code.add(f"for name in {names!r}:")
            code.level += 1
            full = "SRC / name" if style.pathlib else "os.path.join(SRC, name)"
            code.add(f"full = {full}")
            if guard == "exists":
                code.add("if os.path.exists(full):")
                code.level += 1
            elif guard == "isfile":
                code.add("if os.path.isfile(full):")
                code.level += 1
            elif guard == "not-exists-continue":
                code.add("if not os.path.exists(full):")
                code.add("    continue")
            arc = draw(st.sampled_from(["name", "None-default", "os.path.join('lambda', name)"]))
            code.add(f"{z}.write(full, {arc})" if arc != "None-default" else f"{z}.write(full)")
            code.level -= 2 if guard in ("exists", "isfile") else 1
        elif kind == "walk":
            top = draw(st.sampled_from(["SRC", "SRC", style.join("SRC", "pkg"), style.join("SRC", "nope")]))
            prune = draw(st.sampled_from(["none", "slice", "remove", "root-skip"]))
            filt = draw(st.sampled_from(["none", "pyc", "hidden", "only-py", "skip-build"]))
            arc = draw(st.sampled_from(["relpath", "default", "relpath-parent"]))
            tags.extend([f"walk:{prune}", f"filter:{filt}", f"walkarc:{arc}"])
            code.add(f"for root, dirs, files in os.walk({top}):")
            code.level += 1
            if prune == "slice":
                code.add("dirs[:] = [d for d in dirs if d not in ('tests', '__pycache__')]")
            elif prune == "remove":
                code.add("if 'tests' in dirs:")
                code.add("    dirs.remove('tests')")
            elif prune == "root-skip":
                code.add("if 'tests' in root.split(os.sep):")
                code.add("    continue")
            code.add("for f in files:")
            code.level += 1
            if filt == "pyc":
                code.add("if f.endswith('.pyc'):")
                code.add("    continue")
            elif filt == "hidden":
                code.add("if f.startswith('.'):")
                code.add("    continue")
            elif filt == "only-py":
                code.add("if not f.endswith('.py'):")
                code.add("    continue")
            elif filt == "skip-build":
                code.add("if f == 'build.py' or f.endswith('.zip'):")
                code.add("    continue")
            code.add("path = os.path.join(root, f)")
            if arc == "relpath":
                code.add(f"{z}.write(path, os.path.relpath(path, {top}))")
            elif arc == "relpath-parent":
                code.add(f"{z}.write(path, os.path.relpath(path, os.path.dirname({top})))")
            else:
                code.add(f"{z}.write(path)")
            code.level -= 2
        elif kind == "glob":
            pattern = draw(st.sampled_from(["*.py", "**/*.py", "*", "**", "pkg/*", ".*", "*/*.py", "**/*",
                                            "pkg/**", "handler.py", ".env", "*/", "**/.*", "data/*.json",
                                            "[hu]*.py", "../lib/*.py"]))
            recursive = draw(st.booleans())
            base = draw(st.sampled_from(["relative", "joined"]))
            tags.extend([f"glob:{pattern}", f"recursive:{recursive}", f"globbase:{base}"])
            expr = repr(pattern) if base == "relative" else f"os.path.join(str(SRC), {pattern!r})"
            rec = ", recursive=True" if recursive else ""
            code.add(f"for path in glob.glob({expr}{rec}):")
            if base == "relative":
                code.add(f"    {z}.write(path)")
            else:
                code.add(f"    {z}.write(path, os.path.relpath(path, str(SRC)))")
        elif kind == "pathglob":
            method = draw(st.sampled_from(["rglob", "glob"]))
            pattern = draw(st.sampled_from(["*.py", "*", "**/*.py", "*.json", ".*"]))
            relative = draw(st.sampled_from(["relative_to", "default", "name"]))
            check = draw(st.booleans())
            tags.extend([f"path{method}:{pattern}", f"pathglobarc:{relative}"])
            code.add(f"for p in Path(SRC).{method}({pattern!r}):")
            code.level += 1
            if check:
                code.add("if not p.is_file():")
                code.add("    continue")
            arc = {"relative_to": ", p.relative_to(SRC)", "default": "", "name": ", p.name"}[relative]
            code.add(f"{z}.write(p{arc})")
            code.level -= 1
        elif kind == "collect":  # a helper function that returns the files to zip
            ext = draw(st.sampled_from([".py", ".json", ""]))
            hidden = draw(st.booleans())
            tags.extend([f"collect:{ext or 'all'}", f"collect-hidden:{hidden}"])
            code.add("def collect(base, ext=''):", "    found = []", "    for root, dirs, names in os.walk(base):")
            if not hidden:
                code.add("        dirs[:] = sorted(d for d in dirs if not d.startswith('.'))")
            code.add("        for n in names:", "            if n.endswith(ext) and n != 'build.py':",
                     "                found.append(os.path.join(root, n))", "    return found")
            code.add(f"for p in collect(SRC, ext={ext!r}):", f"    {z}.write(p, arcname=os.path.relpath(p, SRC))")
        elif kind == "fstring":
            name = draw(sources)
            tags.append("add:fstring")
            code.add(f"""{z}.write(f'{{SRC}}/{name}', f'lib/{{os.path.basename("{name}")}}')""")
        elif kind == "iterdir":
            code.add("for p in sorted(Path(SRC).iterdir()):", "    if p.is_file() and p.suffix in ('.py', '.json'):",
                     f"        {z}.write(p, p.name)")
        elif kind == "glob-root":
            pattern = draw(st.sampled_from(["**/*", "*", "**/*.py", "pkg/*"]))
            hidden = draw(st.booleans())
            tags.extend([f"globroot:{pattern}", f"include_hidden:{hidden}"])
            code.add(f"for rel in glob.glob({pattern!r}, root_dir=SRC, recursive=True"
                     f"{', include_hidden=True' if hidden else ''}):",
                     f"    {z}.write(os.path.join(SRC, rel), rel)")
        elif kind == "listdir":
            code.add("for n in sorted(os.listdir(SRC)):")
            code.level += 1
            full = "SRC / n" if style.pathlib else "os.path.join(SRC, n)"
            if draw(st.booleans()):
                code.add(f"if os.path.isfile({full}):")
                code.add(f"    {z}.write({full}, n)")
            else:
                code.add(f"{z}.write({full}, n)")
            code.level -= 1


@st.composite
def _out_path(draw: st.DrawFn, style: _Style, tags: list[str]) -> str:
    kind = draw(st.sampled_from(["here", "dist", "root", "build", "cwd"]))
    tags.append(f"out:{kind}")
    name = draw(st.sampled_from(["function.zip", "out.zip"]))
    return {"here": style.join("HERE", name), "dist": style.join("DIST", name),
            "root": style.join("HERE", "..", name), "build": style.join("HERE", "build", name),
            "cwd": repr(name)}[kind]


@st.composite
def _zip_block(draw: st.DrawFn, code: _Code, style: _Style, files: dict[str, str], tags: list[str],
               outputs: list[str]) -> None:
    out = draw(_out_path(style, tags)) if not outputs or draw(st.booleans()) else draw(st.sampled_from(outputs))
    outputs.append(out)
    mode = draw(st.sampled_from(["w", "w", "w", "a", "x"]))
    form = draw(st.sampled_from(["with", "with", "assign-close", "assign-noclose"]))
    extra = draw(st.sampled_from(["", ", zipfile.ZIP_DEFLATED", ", compression=zipfile.ZIP_DEFLATED"]))
    tags.extend([f"mode:{mode}", f"zip:{form}"])
    ctor = f"{style.zip_ctor}({out}, {mode!r}{extra})"
    if form == "with":
        code.add(f"with {ctor} as zf:")
        code.level += 1
        draw(_zip_body(code, "zf", style, files, tags))
        code.level -= 1
    else:
        code.add(f"zf = {ctor}")
        draw(_zip_body(code, "zf", style, files, tags))
        if form == "assign-close":
            code.add("zf.close()")


@st.composite
def _copy_section(draw: st.DrawFn, code: _Code, style: _Style, files: dict[str, str], tags: list[str],
                  outputs: list[str]) -> None:
    """A build folder filled with copytree or copy, then zipped with make_archive or ZipFile."""
    build = draw(st.sampled_from([style.join("HERE", "..", "build"), style.join("HERE", "build"),
                                  style.join("HERE", "..", "build", "fn")]))
    clean = draw(st.sampled_from(["none", "exists-rmtree", "rmtree-ignore", "none", "exists-rmtree", "rmtree"]))
    tags.append(f"clean:{clean}")
    if clean == "exists-rmtree":
        code.add(f"if os.path.exists({build}):")
        code.add(f"    shutil.rmtree({build})")
    elif clean == "rmtree-ignore":
        code.add(f"shutil.rmtree({build}, ignore_errors=True)")
    elif clean == "rmtree":
        code.add(f"shutil.rmtree({build})")
    how = draw(st.sampled_from(["copytree", "copytree", "copy", "copyfile"]))
    tags.append(f"fill:{how}")
    if how == "copytree":
        ignore = draw(st.sampled_from(["none", "tests", "hidden", "many", "build"]))
        exist_ok = draw(st.booleans())
        tags.extend([f"ignore:{ignore}", f"exist_ok:{exist_ok}"])
        args = ["str(SRC)" if style.pathlib and draw(st.booleans()) else "SRC", build]
        if ignore != "none":
            patterns = {"tests": ["tests"], "hidden": [".*"], "many": ["tests", "*.pyc", "__pycache__", "build.py"],
                        "build": ["build", "*.zip"]}[ignore]
            args.append(f"ignore=shutil.ignore_patterns({', '.join(repr(p) for p in patterns)})")
        if exist_ok:
            args.append("dirs_exist_ok=True")
        code.add(f"shutil.copytree({', '.join(args)})")
    else:
        mk = draw(st.sampled_from(["makedirs-ok", "makedirs", "mkdir", "pathmkdir"]))
        tags.append(f"mkdir:{mk}")
        code.add({"makedirs-ok": f"os.makedirs({build}, exist_ok=True)", "makedirs": f"os.makedirs({build})",
                  "mkdir": f"os.mkdir({build})", "pathmkdir": f"Path({build}).mkdir(parents=True)"}[mk])
        for name in draw(st.lists(_source(files), min_size=1, max_size=3)):
            if how == "copy":
                fn = draw(st.sampled_from(["shutil.copy", "shutil.copy2"]))
                dst = build if draw(st.booleans()) else style.join(build, name.rsplit("/", 1)[-1])
            else:
                fn = "shutil.copyfile"
                dst = build if draw(st.integers(0, 3)) == 0 else style.join(build, name.rsplit("/", 1)[-1])
            code.add(f"{fn}({style.join('SRC', name)}, {dst})")
    pack = draw(st.sampled_from(["make_archive", "make_archive", "zipwalk"]))
    tags.append(f"pack:{pack}")
    if pack == "make_archive":
        base = draw(st.sampled_from([style.join("DIST", "fn"), style.join("HERE", "..", "fn"),
                                     style.join("HERE", "..", "fn.zip"), build]))
        root = draw(st.sampled_from(["root_dir", "root_dir-kw", "chdir", "base_dir"]))
        tags.append(f"make_archive:{root}")
        if root == "root_dir":
            code.add(f"shutil.make_archive(str({base}), 'zip', {build})")
        elif root == "root_dir-kw":
            code.add(f"shutil.make_archive(base_name=str({base}), format='zip', root_dir={build}, base_dir='.')")
        elif root == "base_dir":
            code.add(f"shutil.make_archive(str({base}), 'zip', os.path.dirname({build}), "
                     f"os.path.basename({build}))")
        else:
            code.add(f"target = os.path.abspath(str({base}))")
            code.add(f"os.chdir({build})")
            code.add("shutil.make_archive(target, 'zip')")
        outputs.append(f"str({base}) + '.zip'")
    else:
        out = draw(_out_path(style, tags))
        outputs.append(out)
        code.add(f"with {style.zip_ctor}({out}, 'w') as zf:")
        code.add(f"    for root, dirs, names in os.walk({build}):")
        code.add("        for n in names:")
        code.add("            p = os.path.join(root, n)")
        code.add(f"            zf.write(p, os.path.relpath(p, {build}))")


@st.composite
def _unsupported(draw: st.DrawFn, code: _Code, style: _Style, tags: list[str], outputs: list[str]) -> None:
    """A shape the evaluator must give up on (or, where it has no effect, ignore)."""
    kind = draw(st.sampled_from(["subprocess", "try", "while", "environ", "argv", "comprehension",
                                 "helper-module", "env-exit", "env-list"]))
    tags.append(f"unsupported:{kind}")
    if kind == "subprocess":
        code.add("import subprocess", "subprocess.run([sys.executable, '-c', 'pass'], check=True)")
    elif kind == "try":
        code.add("try:", f"    with {style.zip_ctor}('extra.zip', 'w') as zf:",
                 f"        zf.write({style.join('SRC', 'missing.py')})",
                 "except FileNotFoundError:", "    pass")
    elif kind == "while":
        code.add("i = 0", "while i < 2:", f"    with {style.zip_ctor}('loop.zip', 'a') as zf:",
                 "        zf.writestr(f'n{i}.txt', 'x')", "    i += 1")
    elif kind == "environ":
        code.add("OUT = os.environ.get('OUT_ZIP', 'env.zip')", f"with {style.zip_ctor}(OUT, 'w') as zf:",
                 f"    zf.write({style.join('SRC', 'handler.py')}, 'handler.py')")
    elif kind == "argv":
        code.add("OUT = sys.argv[1] if len(sys.argv) > 1 else 'argv.zip'",
                 f"with {style.zip_ctor}(OUT, 'w') as zf:",
                 f"    zf.write({style.join('SRC', 'handler.py')}, 'handler.py')")
    elif kind == "comprehension":
        code.add("names = [n for n in os.listdir(SRC) if n.endswith('.py')]",
                 f"with {style.zip_ctor}('comp.zip', 'w') as zf:",
                 "    for n in names:",
                 f"        zf.write({'SRC / n' if style.pathlib else 'os.path.join(SRC, n)'}, n)")
    elif kind == "env-exit":  # an exit under a condition not known statically
        code.add("if os.environ.get('SKIP_BUILD'):", "    sys.exit(0)", "if not os.environ.get('CI'):",
                 "    print('not in CI')")
    elif kind == "env-list":  # a list the environment may change, zipped later
        code.add("EXTRA = ['handler.py']", "if os.environ.get('WITH_UTIL'):", "    EXTRA.append('util.py')",
                 f"with {style.zip_ctor}('extra.zip', 'w') as zf:", "    for n in EXTRA:",
                 f"        zf.write({'SRC / n' if style.pathlib else 'os.path.join(SRC, n)'}, n)")
    else:
        code.add("from helpers import package", "package('helper.zip')")


@st.composite
def py_scenarios(draw: st.DrawFn) -> PyScenario:
    tags: list[str] = []
    files = draw(_tree(tags))
    cwd = draw(st.sampled_from(["fn", ""]))
    style = _Style(pathlib=draw(st.booleans()), zip_ctor=draw(st.sampled_from(["zipfile.ZipFile", "ZipFile"])))
    tags.extend([f"cwd:{cwd or 'root'}", f"pathlib:{style.pathlib}"])
    code = _Code()
    code.add("import glob", "import os", "import shutil", "import sys", "import zipfile",
             "from pathlib import Path", "from zipfile import ZipFile", "")
    here = draw(st.sampled_from(_here_choices(cwd, style.pathlib)))
    tags.append(f"here:{here}")
    code.add(f"HERE = {here}")
    code.add(f"SRC = {draw(st.sampled_from(['HERE', 'HERE', style.join('HERE', '.')]))}")
    code.add(f"DIST = {draw(st.sampled_from([style.join('HERE', '..', 'dist'), style.join('HERE', 'dist')]))}")
    wrap = draw(st.sampled_from(["module", "main", "main-exit", "main-raise"]))
    tags.append(f"wrap:{wrap}")
    if wrap != "module":
        code.add("", "", "def main():")
        code.level += 1
    outputs: list[str] = []
    before = len(code.lines)
    for _ in range(draw(st.integers(1, 3))):
        section = draw(st.sampled_from(["zip", "zip", "zip", "copy", "prepare", "remove", "unsupported",
                                        "verify", "exit", "chdir"]))
        tags.append(f"section:{section}")
        if section == "zip":
            draw(_zip_block(code, style, files, tags, outputs))
        elif section == "copy":
            draw(_copy_section(code, style, files, tags, outputs))
        elif section == "prepare":
            mk = draw(st.sampled_from(["makedirs-ok", "makedirs", "mkdir", "pathmkdir-ok"]))
            tags.append(f"prepare:{mk}")
            code.add({"makedirs-ok": "os.makedirs(DIST, exist_ok=True)", "makedirs": "os.makedirs(DIST)",
                      "mkdir": "os.mkdir(DIST)", "pathmkdir-ok": "Path(DIST).mkdir(parents=True, exist_ok=True)"}[mk])
        elif section == "remove":
            target = draw(st.sampled_from(outputs)) if outputs else style.join("HERE", "stale.zip")
            guarded = draw(st.booleans())
            tags.append(f"remove:guarded={guarded}")
            if guarded:
                code.add(f"if os.path.exists({target}):", f"    os.remove({target})")
            else:
                code.add(f"os.remove({target})")
        elif section == "unsupported":
            draw(_unsupported(code, style, tags, outputs))
        elif section == "verify" and outputs:
            target = draw(st.sampled_from(outputs))
            code.add(f"with zipfile.ZipFile({target}) as check:", "    print(len(check.namelist()))")
        elif section == "exit":
            value = draw(st.sampled_from(["0", "1", "'failed'", "None", "True", ""]))
            tags.append(f"exit:{value or 'bare'}")
            code.add(f"if not os.path.exists({style.join('SRC', 'handler.py')}):", f"    sys.exit({value})")
            if draw(st.booleans()):
                code.add(f"sys.exit({value})")
        elif section == "chdir":
            code.add("os.chdir(SRC)")
    if len(code.lines) == before:
        code.add("pass")
    if wrap != "module":
        ret = draw(st.sampled_from(["", "return 0", "return 1"]))
        if ret:
            code.add(ret)
        code.level -= 1
        code.add("", "", 'if __name__ == "__main__":')
        code.add({"main": "    main()", "main-exit": "    sys.exit(main())",
                  "main-raise": "    raise SystemExit(main())"}[wrap])
    files["fn/build.py"] = code.text()
    return PyScenario(files, cwd, tags)
