"""Serverless Framework variables in a service's configuration, resolved as far as the
repository says: ``${file(path):a.b}``, ``${self:a.b}``, ``${sls:stage}`` and the
fallbacks of ``${opt:stage, 'dev'}``.  Whatever the repository cannot tell (``${aws:accountId}``,
``${env:X}``, ``${ssm:…}``, a missing file) stays written as it is.

Sources (serverless/serverless at tag v3.40.0, ``lib/configuration/variables/``):

- ``parse.js``: a variable is ``${`` then a source type ``[a-z][a-zA-Z0-9]*`` followed by
  ``:`` (an address) or ``(`` (parameters), L205-L268; anything else (``${AWS::Region}``,
  ``${Ref}``) is foreign text the Framework leaves alone (L222-L228, L458-L464).  Sources
  after a ``,`` are fallbacks: another ``type:address``, a quoted string, or a literal
  ``true``/``false``/``null``/number (L230-L247, L139-L157, L292-L293).  Parameters and
  addresses may hold variables themselves (L324, L346-L348, L410, L421-L422).
- ``resolve.js``: the sources of a variable are tried in order and the first one whose value
  is not null is taken (L185-L254: an unknown source leaves the variable unresolved, L188-L191;
  a literal ends the chain, L253-L255); a string that is one whole variable takes its value as
  it is (L141-L146), otherwise each variable must resolve to a string, number or boolean,
  which is written into the string (L148-L170).
- ``sources/self.js``: the address is a property path of the service's own configuration
  (the root document, also for a variable written in a file that ``${file()}`` loaded).
- ``sources/file.js``: the path is relative to the service folder (L39-L46); ``.yml``/``.yaml``
  are YAML, ``.json``/``.tfstate`` JSON, ``.js``/``.cjs`` code, anything else plain text
  (L57-L143); a missing file is null (L15, L62); the address is a property path in the
  content, a string met on the way being resolved first (L146-L153).
- ``sources/opt.js``: the command-line options.  They are not in the repository: an
  ``${opt:…}`` is taken as not given, so its fallback decides (``serverless deploy`` without
  ``--stage`` is what ``${opt:stage, 'dev'}`` is written for).
- ``sources/instance-dependent/get-sls.js``: ``${sls:stage}`` is the ``--stage`` option, else
  ``provider.stage``, else ``dev`` (L25-L30).

What stays unknown is never guessed: a missing or unreadable file, a file outside the
repository, a JavaScript file, an unknown source, a reference cycle, a value that is not a
string where a string is needed — each leaves the variable as written.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from typing import Any

from validator.handlers import yamlsrc
from validator.model import Span, Unmodelled
from validator.model.repo import Repo

#: resolutions nested deeper than this give up (a chain of references, not a real config)
_DEPTH = 40
#: a written-out string longer than this is not written out (references that double a
#: string at each step)
_LONGEST = 10_000
_TYPE = re.compile(r"[a-z][a-zA-Z0-9]*")
_NUMBER = re.compile(r"^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")


class _Unknown:
    """The repository cannot tell the value (the variable stays as written)."""

    def __repr__(self) -> str:
        return "UNKNOWN"


class _Absent:
    """The value is certainly not there (null to the Framework): a fallback decides."""

    def __repr__(self) -> str:
        return "ABSENT"


UNKNOWN = _Unknown()
ABSENT = _Absent()


@dataclass(frozen=True)
class Found:
    """A resolved value and the repository file it is written in."""

    value: Any
    path: str


class Files:
    """The files ``${file()}`` reads, each loaded once for every service of the repository;
    a file that is not valid YAML or JSON is reported once."""

    def __init__(self, repo: Repo, problems: list[Unmodelled]) -> None:
        self.repo = repo
        self.problems = problems
        self._loaded: dict[str, Any] = {}

    def load(self, rel: str) -> Any:
        """The content of repository file ``rel``, or UNKNOWN."""
        if rel in self._loaded:
            return self._loaded[rel]
        self._loaded[rel] = UNKNOWN  # (while it loads: a file that names itself is a cycle)
        self._loaded[rel] = value = self._read(rel)
        return value

    def _read(self, rel: str) -> Any:
        if not self.repo.is_file(rel):
            return UNKNOWN  # maybe written by a step before the deploy: not known to be missing
        text = self.repo.read_text(rel)
        if text is None:
            return UNKNOWN
        ext = posixpath.splitext(rel)[1].lower()
        if ext in (".yml", ".yaml"):
            try:
                return yamlsrc.load(text, rel)
            except yamlsrc.YamlLoadError as exc:
                self.problems.append(Unmodelled(
                    Span(rel, exc.line, exc.column, exc.line, exc.column + 1),
                    f"{rel} is not valid YAML ({exc}); the serverless settings read from it are not known",
                    could_touch_package="handler" in text))
                return UNKNOWN
        if ext in (".json", ".tfstate"):
            try:
                return json.loads(text)
            except (ValueError, RecursionError) as exc:
                line, column = (exc.lineno, exc.colno) if isinstance(exc, json.JSONDecodeError) else (1, 1)
                self.problems.append(Unmodelled(
                    Span(rel, line, column, line, column + 1),
                    f"{rel} is not valid JSON ({exc}); the serverless settings read from it are not known",
                    could_touch_package="handler" in text))
                return UNKNOWN
        if ext in (".js", ".cjs", ".mjs", ".ts"):
            return UNKNOWN  # code the Framework runs
        return text


class Variables:
    """The variables of one service (``rel``, its configuration file, loaded as ``doc``)."""

    def __init__(self, repo: Repo, rel: str, doc: Any, files: Files | None = None) -> None:
        self.rel = rel
        self.service_dir = posixpath.dirname(rel)
        self.doc = doc
        self.files = files if files is not None else Files(repo, [])
        self._active: list[tuple[str, ...]] = []
        self._memo: dict[tuple[str, ...], Found | _Unknown | _Absent] = {}
        self._nesting = 0

    # ------------------------------------------------------------------ public

    def text(self, value: str) -> str:
        """``value`` with every variable the repository settles written out; the others
        stay as written."""
        text = _as_text(self._interpolate(value))
        return text if text is not None else value

    def node(self, value: Any, where: str | None = None) -> Found:
        """What a value stands for: a string that is one whole variable becomes the value
        it names (a mapping, a list, a scalar) with the file that holds it; a string with
        variables inside is written out; anything else is itself.  ``where`` is the file
        ``value`` is written in (the service's by default)."""
        where = where or self.rel
        if not isinstance(value, str) or "${" not in value:
            return Found(value, where)
        found = self._settle(Found(value, where))
        return found if isinstance(found, Found) else Found(value, where)

    def get(self, *address: str) -> Found | None:
        """The service's own property at ``address`` (``custom``, ``pythonRequirements``), with
        the variables on the way resolved; None when it is not there or not known."""
        found = self._property(list(address))
        return found if isinstance(found, Found) else None

    # ------------------------------------------------------------------ resolution

    def _interpolate(self, text: str) -> Any:
        """The string with its variables resolved: the value itself when the string is one
        whole variable (a mapping stays a mapping), else the written-out string (variables
        the repository cannot settle kept as written); UNKNOWN when that is too long."""
        spans = _variables(text)
        if not spans:
            return text
        if len(spans) == 1 and spans[0][0] == 0 and spans[0][1] == len(text):
            value = self._variable(text[2:-1])
            return value.value if isinstance(value, Found) else text
        out: list[str] = []
        last = 0
        for start, end in spans:
            out.append(text[last:start])
            value = self._variable(text[start + 2 : end - 1])
            scalar = _as_text(value.value) if isinstance(value, Found) else None
            out.append(scalar if scalar is not None else text[start:end])
            last = end
        out.append(text[last:])
        joined = "".join(out)
        return joined if len(joined) <= _LONGEST else UNKNOWN

    def _settle(self, found: Found) -> Found | _Unknown | _Absent:
        """A value with its variables resolved at the top (a string), not inside it."""
        if not isinstance(found.value, str) or "${" not in found.value:
            return found
        spans = _variables(found.value)
        if len(spans) == 1 and spans[0] == (0, len(found.value)):
            return self._variable(found.value[2:-1])
        text = self._interpolate(found.value)
        return UNKNOWN if text is UNKNOWN else Found(text, found.path)

    def _variable(self, body: str) -> Found | _Unknown | _Absent:
        """One variable (the text between ``${`` and ``}``): its sources in turn."""
        if len(self._active) >= _DEPTH or self._nesting >= _DEPTH:
            return UNKNOWN
        self._nesting += 1  # (variables written inside variables: ``${self:${self:…}}``)
        try:
            for source in _split(body, ","):
                value = self._source(source.strip())
                if value is ABSENT:
                    continue
                return value  # a value, or UNKNOWN: a fallback after an unknown source is a guess
            return ABSENT
        finally:
            self._nesting -= 1

    def _source(self, source: str) -> Found | _Unknown | _Absent:
        if not source:
            return UNKNOWN
        if source[0] in "'\"":
            literal = _quoted(source)
            return Found(literal, self.rel) if literal is not None else UNKNOWN
        m = _TYPE.match(source)
        if m is None or m.end() == len(source) or source[m.end()] not in ":(":
            value = _literal(source)
            return UNKNOWN if value is UNKNOWN else (ABSENT if value is None else Found(value, self.rel))
        kind, rest = m.group(0), source[m.end():]
        params: list[str] = []
        if rest.startswith("("):
            close = _closing(rest)
            if close < 0:
                return UNKNOWN
            params = [p.strip() for p in _split(rest[1:close], ",")]
            rest = rest[close + 1:].strip()
        if rest and not rest.startswith(":"):
            return UNKNOWN
        address = rest[1:].strip() if rest else None
        if address is not None and "${" in address:
            address = self.text(address)
            if "${" in address:
                return UNKNOWN
        key = (kind, *params, address or "")
        if key in self._active:
            return UNKNOWN  # a reference cycle: the Framework reports it; here it stays as written
        if key in self._memo:
            return self._memo[key]
        self._active.append(key)
        try:
            value = self._memo[key] = self._resolve(kind, params, address)
        finally:
            self._active.pop()
        return value

    def _resolve(self, kind: str, params: list[str], address: str | None) -> Found | _Unknown | _Absent:
        if kind == "self":
            return self._property(address.split(".") if address else [])
        if kind == "file":
            return self._file(params, address)
        if kind == "opt":
            return ABSENT  # the deploy's command-line options are not in the repository
        if kind == "sls" and address == "stage":
            stage = self._property(["provider", "stage"])
            if isinstance(stage, Found):
                text = _as_text(stage.value)
                return Found(text, stage.path) if text is not None and "${" not in text else UNKNOWN
            return Found("dev", self.rel) if stage is ABSENT else UNKNOWN
        return UNKNOWN

    def _property(self, address: list[str]) -> Found | _Unknown | _Absent:
        """``self:`` resolution: the property path from the root document."""
        return self._walk(Found(self.doc, self.rel), address)

    def _walk(self, found: Found, address: list[str]) -> Found | _Unknown | _Absent:
        """Follow ``address`` into ``found``, resolving a string met on the way."""
        current: Found | _Unknown | _Absent = found
        for part in address:
            assert isinstance(current, Found)
            current = self._settle(current)
            if not isinstance(current, Found):
                return current
            value = current.value
            if isinstance(value, dict):
                if part not in value or value[part] is None:
                    return ABSENT
                current = Found(value[part], current.path)
            elif isinstance(value, list) and part.isdigit():
                index = int(part)
                if index >= len(value) or value[index] is None:
                    return ABSENT
                current = Found(value[index], current.path)
            elif isinstance(value, str) and "${" in value:
                return UNKNOWN
            else:
                return ABSENT
        assert isinstance(current, Found)
        return self._settle(current)

    def _file(self, params: list[str], address: str | None) -> Found | _Unknown | _Absent:
        if not params:
            return UNKNOWN
        raw = params[0]
        path = _quoted(raw) if raw[:1] in "'\"" else self.text(raw)
        if path is None or "${" in path or path.startswith(("/", "~")):
            return UNKNOWN
        rel = posixpath.normpath(posixpath.join(self.service_dir, path))
        if rel == ".." or rel.startswith("../"):
            return UNKNOWN  # outside the repository
        content = self.files.load(rel)
        if content is UNKNOWN:
            return UNKNOWN
        found = Found(content, rel)
        return self._walk(found, address.split(".")) if address else self._settle(found)


# --------------------------------------------------------------------------- syntax


def _variables(text: str) -> list[tuple[int, int]]:
    """(start, end) of each top-level variable in ``text``: ``${`` then a source type and
    ``:`` or ``(`` (parse.js); foreign ``${…}`` text is skipped."""
    out: list[tuple[int, int]] = []
    i = 0
    while True:
        start = text.find("${", i)
        if start < 0:
            return out
        end = _end(text, start)
        if end < 0:
            return out
        m = _TYPE.match(text, start + 2)
        if m is not None and m.end() < len(text) and text[m.end()] in ":(" \
                and not (start > 0 and text[start - 1] == "\\"):
            out.append((start, end))
        i = end


def _end(text: str, start: int) -> int:
    """The index after the ``}`` that closes the ``${`` at ``start`` (-1: never closed)."""
    depth = 0
    i = start
    quote = ""
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 2
                continue
            if ch == quote:
                quote = ""
        elif ch in "'\"" and depth > 0:
            quote = ch
        elif text.startswith("${", i):
            depth += 1
            i += 2
            continue
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def _split(text: str, sep: str) -> list[str]:
    """``text`` cut at ``sep`` outside quotes, parentheses and nested variables."""
    parts: list[str] = []
    depth = 0
    quote = ""
    last = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 2
                continue
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif text.startswith("${", i):
            depth += 1
            i += 2
            continue
        elif ch in "({":
            depth += 1
        elif ch in ")}":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[last:i])
            last = i + 1
        i += 1
    parts.append(text[last:])
    return parts


def _closing(text: str) -> int:
    """The index of the ``)`` that closes the ``(`` at ``text[0]`` (-1: none)."""
    depth = 0
    quote = ""
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in "({":
            depth += 1
        elif ch in ")}":
            depth -= 1
            if depth == 0:
                return i if ch == ")" else -1
    return -1


def _quoted(text: str) -> str | None:
    """A quoted literal: single quotes as written, double quotes as JSON (parse.js L127-L137)."""
    text = text.strip()
    if len(text) < 2 or text[-1] != text[0]:
        return None
    if text[0] == "'":
        return text[1:-1]
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def _literal(text: str) -> Any:
    """``true``, ``false``, ``null`` (None) or a number; UNKNOWN for anything else."""
    if text == "true":
        return True
    if text == "false":
        return False
    if text == "null":
        return None
    if _NUMBER.match(text):
        return float(text) if any(c in text for c in ".eE") else int(text)
    return UNKNOWN


def _as_text(value: Any) -> str | None:
    """How a value is written into a string (JavaScript's ``String()``), None for a mapping or list."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value
    return None
