"""Paths as the simulated runner sees them: the workspace at ``/w``, the runner's folders.

Records carry these virtual paths; rules and reporters show them relative to the workspace.
"""

from __future__ import annotations

WORKSPACE = "/w"
HOME = "/home/runner"
RUNNER_TEMP = "/home/runner/work/_temp"


def normalize(path: str, cwd: str = "/") -> str:
    """Absolute, normalized virtual path; ``..`` never climbs above ``/``."""
    if not path.startswith("/"):
        path = cwd.rstrip("/") + "/" + path
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/" + "/".join(parts)


def is_under(path: str, root: str) -> bool:
    """``path`` is ``root`` or inside it."""
    return path == root or path.startswith(root.rstrip("/") + "/")


def relative(path: str, root: str) -> str:
    """``path`` relative to ``root`` ("" when equal); assumes ``is_under``."""
    if path == root:
        return ""
    return path[len(root.rstrip("/")) + 1 :]


def workspace_relative(path: str) -> str:
    """How a path is shown to users: relative to the workspace when inside it."""
    if is_under(path, WORKSPACE):
        return relative(path, WORKSPACE) or "."
    return path
