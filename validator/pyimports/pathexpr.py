"""Static evaluation of the path expressions handed to ``sys.path.append/insert``.

Lambda's working directory is ``/var/task`` (the archive root), so a plain relative
string is anchored at the root, while ``__file__``-based expressions are anchored at
the module's own archive path.  The result stays symbolic (anchor + segments) so one
parsed file can be placed at several archive paths.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from validator.model.base import FrozenRecord

#: Lambda's task root; absolute paths below it map into the archive
TASK_ROOT = "/var/task"

#: path-preserving wrappers: ``os.path.abspath(x)``, ``Path(x)``, ``str(x)`` …
_WRAPPERS = frozenset(
    {"abspath", "realpath", "normpath", "expanduser", "fspath", "str", "Path", "PurePath",
     "PosixPath", "PurePosixPath"}
)

_MAX_DEPTH = 40


@dataclass(frozen=True, eq=False, repr=False)
class PathValue(FrozenRecord):
    """A path relative to an anchor: ``"file"`` (the module file) or ``"root"`` (the archive root)."""

    anchor: str
    parts: tuple[str, ...] = ()

    def plus(self, *parts: str) -> PathValue:
        return PathValue(self.anchor, self.parts + parts)


def split_segments(text: str) -> tuple[str, ...]:
    """Path segments of a relative path string (``./a//b`` → ``("a", "b")``)."""
    return tuple(p for p in text.replace("\\", "/").split("/") if p not in ("", "."))


def _constant_path(text: str) -> PathValue | None:
    if text.startswith("/"):
        if text == TASK_ROOT or text.startswith(TASK_ROOT + "/"):
            return PathValue("root", split_segments(text[len(TASK_ROOT):]))
        return None  # another absolute path (layers under /opt, the runtime): not the archive
    return PathValue("root", split_segments(text))


def dotted(node: ast.expr) -> str:
    """``os.path.join`` for an attribute chain of names, else ``""``."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def _is_task_root_env(node: ast.expr) -> bool:
    """``os.environ["LAMBDA_TASK_ROOT"]``, ``os.environ.get(…)``, ``os.getenv(…)``."""
    key: ast.expr | None = None
    if isinstance(node, ast.Subscript) and dotted(node.value).endswith("environ"):
        key = node.slice
    elif isinstance(node, ast.Call) and node.args:
        name = dotted(node.func)
        if name.endswith("environ.get") or name.endswith("getenv"):
            key = node.args[0]
    return isinstance(key, ast.Constant) and key.value == "LAMBDA_TASK_ROOT"


def evaluate(node: ast.expr, env: dict[str, PathValue | None], depth: int = 0) -> PathValue | None:
    """The path ``node`` denotes, or None when it is not a literal-enough path."""
    if depth > _MAX_DEPTH:
        return None
    d = depth + 1
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _constant_path(node.value)
    if isinstance(node, ast.Name):
        if node.id == "__file__":
            return PathValue("file")
        return env.get(node.id)
    if _is_task_root_env(node):
        return PathValue("root")
    if isinstance(node, ast.Attribute) and node.attr == "parent":
        base = evaluate(node.value, env, d)
        return base.plus("..") if base else None
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "parents":
        index = node.slice
        base = evaluate(node.value.value, env, d)
        if base and isinstance(index, ast.Constant) and isinstance(index.value, int) and 0 <= index.value < 20:
            return base.plus(*([".."] * (index.value + 1)))
        return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Div, ast.Add)):
        base = evaluate(node.left, env, d)
        right = node.right
        if base is None or not (isinstance(right, ast.Constant) and isinstance(right.value, str)):
            return None
        if isinstance(node.op, ast.Add) and not right.value.startswith(("/", "\\")):
            return None  # string concatenation that changes the last segment
        return base.plus(*split_segments(right.value))
    if isinstance(node, ast.JoinedStr):
        return _evaluate_fstring(node, env, d)
    if isinstance(node, ast.Call):
        return _evaluate_call(node, env, d)
    return None


def _evaluate_fstring(node: ast.JoinedStr, env: dict[str, PathValue | None], depth: int) -> PathValue | None:
    """``f"{HERE}/lib"``: a leading placeholder followed by literal segments."""
    values = node.values
    if not values or not isinstance(values[0], ast.FormattedValue):
        return None
    base = evaluate(values[0].value, env, depth)
    rest = ""
    for v in values[1:]:
        if not (isinstance(v, ast.Constant) and isinstance(v.value, str)):
            return None
        rest += v.value
    if base is None or (rest and not rest.startswith("/")):
        return None
    return base.plus(*split_segments(rest))


def _evaluate_call(node: ast.Call, env: dict[str, PathValue | None], depth: int) -> PathValue | None:
    func = node.func
    # methods on a path object: Path(x).resolve(), .absolute(), .joinpath("lib")
    if isinstance(func, ast.Attribute) and func.attr in ("resolve", "absolute", "joinpath"):
        base = evaluate(func.value, env, depth)
        if base is None or func.attr != "joinpath":
            return base
        return _join(base, node.args)
    name = dotted(func).rsplit(".", 1)[-1]
    if name in ("getcwd", "cwd"):
        return PathValue("root")
    if not node.args:
        return None
    if name == "dirname":
        base = evaluate(node.args[0], env, depth)
        return base.plus("..") if base else None
    if name in _WRAPPERS:
        return evaluate(node.args[0], env, depth)
    if name == "join":
        base = evaluate(node.args[0], env, depth)
        return _join(base, node.args[1:]) if base else None
    return None


def _join(base: PathValue, args: list[ast.expr]) -> PathValue | None:
    parts: list[str] = []
    for arg in args:
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            return None
        if arg.value.startswith("/"):
            return _constant_path(arg.value)
        parts.extend(split_segments(arg.value))
    return base.plus(*parts)


def to_archive_dir(value: PathValue, module_file: str) -> str | None:
    """The archive directory ``value`` names for a module stored at ``module_file``,
    or None when it leaves the archive."""
    stack = module_file.split("/") if value.anchor == "file" else []
    for part in value.parts:
        if part == "..":
            if not stack:
                return None
            stack.pop()
        else:
            stack.append(part)
    return "/".join(stack)
