"""``docker run … IMAGE CMD``: the command runs in a container whose bind mounts
(``-v HOST:CTR``, ``--mount type=bind,source=HOST,target=CTR``) are the runner's folders.

The inner command (``sh -c "pip install … -t /workspace/x"``, ``--entrypoint /bin/bash …
-c …``, or a plain ``pip install …``) is simulated with container paths under a mount
mapped to their host folders and the working directory (``-w``) mapped the same way;
what it writes elsewhere stays in the container and never reaches a package.  Installs
made in the container remember the image (its Python version and platform, for LPK-006).
``docker build`` is read in ``docker_build.py``.  Other ``docker`` subcommands do not change the runner's tree.
"""

from __future__ import annotations

import shlex

from validator.model.paths import normalize
from validator.simulate.commands import docker_build
from validator.simulate.context import Invocation
from validator.simulate.words import Arg, arg

#: where container paths outside every mount go: never part of the workspace
CONTAINER_ROOT = "/docker-container"

_WITH_VALUE = frozenset({
    "-v", "--volume", "--mount", "-w", "--workdir", "--entrypoint", "-e", "--env", "--env-file", "--name",
    "--network", "--net", "-u", "--user", "--platform", "-p", "--publish", "-l", "--label", "--cpus", "-m",
    "--memory", "--pull", "--add-host", "--tmpfs", "--hostname", "-h", "--ulimit", "--shm-size", "--cidfile",
    "--log-driver", "--restart", "--gpus", "--ipc", "--pid", "--security-opt", "--cap-add", "--cap-drop",
    "--device", "--dns", "--label-file", "--stop-signal", "--stop-timeout",
})
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh"})
_SEPARATORS = frozenset({"&&", "||", ";", "|", "&"})


def _with_tag(ref: str) -> str:
    """``name`` -> ``name:latest`` (Docker's default tag); a digest or a tag stays."""
    last = ref.rsplit("/", 1)[-1]
    return ref if ":" in last or "@" in last else ref + ":latest"


def tag_image(inv: Invocation, source: str, target: str) -> None:
    """``docker tag SRC DST``: the image built as SRC is also DST (what a deploy names)."""
    for pkg in inv.ctx.images:
        image = pkg.image
        if image is not None and any(_with_tag(t) == _with_tag(source) for t in image.tags) \
                and target not in image.tags:
            image.tags.append(target)


def run(inv: Invocation) -> bool | None:
    words = inv.args[1:]
    texts = [w.text for w in words[:2]]
    if docker_build.is_build(texts):
        return docker_build.run(inv, 2 if texts[0] == "build" else 3)
    if (len(words) == 3 and words[0].text == "tag") or (len(words) == 4 and texts == ["image", "tag"]):
        tag_image(inv, words[-2].text, words[-1].text)
        return True
    if not words or words[0].text != "run":
        return True  # build, push, pull, login …: nothing on the runner changes
    options: list[tuple[str, Arg]] = []
    i = 1
    while i < len(words) and words[i].text.startswith("-") and words[i].text != "-":
        text = words[i].text
        name, eq, rest = text.partition("=")
        if eq and name in _WITH_VALUE:
            options.append((name, arg(rest, words[i].symbolic)))
        elif text in _WITH_VALUE and i + 1 < len(words):
            options.append((text, words[i + 1]))
            i += 1
        i += 1
    if i >= len(words):
        return True
    image, command = words[i].text, words[i + 1 :]
    mounts: list[tuple[str, str]] = []  # (container path, host path)
    workdir = "/"
    entrypoint: str | None = None
    platform: str | None = None
    for name, value in options:
        if name in ("-v", "--volume"):
            parts = value.text.split(":")
            if len(parts) >= 2 and parts[1].startswith("/"):
                if value.symbolic or not parts[0].startswith(("/", ".")):
                    if parts[0].startswith(("/", ".", "$")):
                        inv.unmodelled(f"docker run mount {value.text!r}: its host folder is not known statically")
                    continue  # a named volume: not the runner's files
                mounts.append((normalize(parts[1]), inv.path(parts[0])))
        elif name == "--mount":
            fields = dict(f.partition("=")[::2] for f in value.text.split(","))
            source = fields.get("source") or fields.get("src")
            target = fields.get("target") or fields.get("destination") or fields.get("dst")
            if fields.get("type", "volume") == "bind" and source and target:
                if value.symbolic:
                    inv.unmodelled(f"docker run mount {value.text!r}: its host folder is not known statically")
                    continue
                mounts.append((normalize(target), inv.path(source)))
        elif name in ("-w", "--workdir"):
            workdir = normalize(value.text)
        elif name == "--entrypoint":
            entrypoint = value.text
        elif name == "--platform":
            platform = value.text
    texts = [w.text for w in command]
    if entrypoint is not None:
        texts = [*shlex.split(entrypoint), *texts] if entrypoint.strip() else texts
    scripts: list[list[str]]
    if texts and texts[0].rsplit("/", 1)[-1] in _SHELLS:
        if len(texts) >= 3 and texts[1] in ("-c", "-ec", "-ce", "-exc", "-xc", "-lc"):
            split = _split(texts[2])
            if split is None:
                inv.unmodelled(f"docker run: the inner script {texts[2]!r} cannot be read")
                return True
            scripts = split
        else:
            return True  # an interactive shell or a script file inside the image
    else:
        scripts = [texts]
    symbolic = any(w.symbolic for w in command)
    return _run_inside(inv, image, platform, mounts, workdir, scripts, symbolic)


def _split(script: str) -> list[list[str]] | None:
    """Simple commands of a ``sh -c`` script (separated by ``&&``, ``||``, ``;``, ``|``)."""
    try:
        lexer = shlex.shlex(script, posix=True, punctuation_chars=";&|")
        lexer.whitespace_split = True
        tokens = list(lexer)
    except ValueError:
        return None
    out: list[list[str]] = [[]]
    for token in tokens:
        if token in _SEPARATORS:
            out.append([])
        else:
            out[-1].append(token)
    return [c for c in out if c]


def _host(path: str, mounts: list[tuple[str, str]]) -> str:
    """The runner path a container path is, or a path under ``CONTAINER_ROOT``."""
    for target, source in sorted(mounts, key=lambda m: -len(m[0])):
        if path == target or path.startswith(target.rstrip("/") + "/"):
            return normalize(source + path[len(target):])
    return normalize(CONTAINER_ROOT + path)


def _map_word(word: str, mounts: list[tuple[str, str]]) -> str:
    """Container paths in one word (``/workspace/x``, ``--target=/workspace/x``) as runner paths."""
    if word.startswith("/"):
        return _host(word, mounts)
    name, eq, value = word.partition("=")
    if eq and name.startswith("--") and value.startswith("/"):
        return f"{name}={_host(value, mounts)}"
    return word


def _run_inside(inv: Invocation, image: str, platform: str | None, mounts: list[tuple[str, str]], workdir: str,
                scripts: list[list[str]], symbolic: bool) -> bool | None:
    if inv.dispatch is None:
        return True
    state = inv.state
    saved_cwd = state.cwd
    had = hasattr(inv.ctx, "container")
    saved = getattr(inv.ctx, "container", None)
    inv.ctx.container = (image, platform)  # type: ignore[attr-defined]
    status: bool | None = True
    try:
        state.cwd = _host(workdir, mounts)
        for words in scripts:
            args = [arg(_map_word(w, mounts), symbolic or "$" in w) for w in words]
            status = inv.dispatch(args, False)
    finally:
        state.cwd = saved_cwd
        if had:
            inv.ctx.container = saved  # type: ignore[attr-defined]
        else:
            del inv.ctx.container  # type: ignore[attr-defined]
    return status
