"""Parameter expansion: ``$X``, ``$@`` and every ``${…}`` operator that makes sense
statically (defaults, lengths, substrings, pattern removal and replacement, case
changes, indexed arrays).

``ParameterExpansion`` is a mixin of the expander: the operators need to expand their
operands as words, which is the expander's job (``parse`` / ``nested``).
"""

from __future__ import annotations

from validator.simulate.arith import Arith, ArithError, parse_int_literal, wrap
from validator.simulate.expchars import Ch, Item, Mark, as_pattern, chars_of, is_symbolic, text_of
from validator.simulate.patterns import compile_pattern, has_wildcards, match_ends, pattern_match, unescape
from validator.simulate.scan import is_name, matching_close, name_len, split_top_level, subscript_end
from validator.simulate.values import MAX_DEPTH, DirLister, Value, Vars, placeholder_free_tail, render_unknown

__all__ = ["SPECIAL_PARAMS", "ParameterExpansion", "all_elements"]

SPECIAL_PARAMS = "@*#?$!-0"
_DEFAULT_IFS = " \t\n"
_MAX_MATCH_WORK = 4_000_000  # text*pattern budget for substring pattern operations


def all_elements(body: str) -> bool:
    """``${A[@]}`` or ``${A[@]:1}`` alone in double quotes: like ``"$@"``, it gives no field
    at all when there are no elements."""
    if not body.startswith("${") or matching_close(body, 1) != len(body) - 1:
        return False
    inner = body[2:-1]
    k = name_len(inner, 0)
    rest = inner[k + 3 :]
    return k > 0 and inner[k : k + 3] == "[@]" and (not rest or (rest[0] == ":" and rest[1:2] not in "-=+?"))


def _subscripted(text: str) -> tuple[str, str] | None:
    """``A[sub]`` as (name, sub), else None."""
    k = name_len(text, 0)
    if k == 0 or text[k : k + 1] != "[" or subscript_end(text[k:]) != len(text) - k - 1:
        return None
    return text[:k], text[k + 1 : -1].strip()


class ParameterExpansion:
    """Parameter lookups and ``${…}`` operators over the expander's bindings."""

    vars: Vars
    fs: DirLister | None
    cwd: str
    depth: int

    def parse(self, s: str, mode: str) -> list[Item]:
        """Expand raw text as the expander does (see ``_Expander.parse``)."""
        raise NotImplementedError

    def nested(self) -> ParameterExpansion:
        """An expander one nesting level deeper, for operands and subscripts."""
        raise NotImplementedError

    # -- lookups -------------------------------------------------------------------------

    def _positional(self) -> list[Value]:
        try:
            return list(self.vars.positional)
        except Exception:
            return []

    def _lookup(self, name: str) -> Value | None:
        try:
            return self.vars.lookup(name)
        except Exception:
            return None

    def _ifs(self) -> str:
        v = self._lookup("IFS")
        return v.text if v is not None and not v.symbolic else _DEFAULT_IFS

    def get(self, name: str) -> tuple[Value | None, bool]:
        """(value or None when unset, whether unset means "maybe from the environment")."""
        if name.isdigit():
            idx = int(name) if len(name) < 10 else 1 << 40
            if idx == 0:  # the script's name: set for followed scripts and run steps
                return self._lookup("0") or Value("$0", symbolic=True), False
            pos = self._positional()
            return (pos[idx - 1] if idx <= len(pos) else None), False
        if name == "#":
            return Value(str(len(self._positional()))), False
        if name == "?":
            return Value("0"), False
        if name in ("$", "!", "-"):
            return Value("$" + name, symbolic=True), False
        if name in ("@", "*"):
            pos = self._positional()
            sep = " " if name == "@" else self._ifs()[:1]
            return Value(sep.join(v.text for v in pos), any(v.symbolic for v in pos)), False
        return self._lookup(name), True

    # -- parameters -------------------------------------------------------------------

    def _emit(self, v: Value, dq: bool) -> list[Item]:
        return chars_of(v.text, dq=dq, symbolic=v.symbolic)

    def _simple(self, name: str, dq: bool) -> list[Item]:
        if name in ("@", "*"):
            return self._all_positional(name, dq)
        v, env = self.get(name)
        if v is None:
            return chars_of(render_unknown(name), dq=dq, symbolic=True) if env else []
        return self._emit(v, dq)

    def _all_positional(self, name: str, dq: bool, values: list[Value] | None = None) -> list[Item]:
        pos = self._positional() if values is None else values
        return self._fields_of(name, [self._emit(v, dq) for v in pos], dq)

    def _symbolic_raw(self, body: str, dq: bool) -> list[Item]:
        return chars_of("${" + body + "}", dq=dq, symbolic=True)

    def _braced(self, body: str, dq: bool) -> list[Item]:
        """``${…}``: every operator bash has that makes sense statically."""
        if self.depth >= MAX_DEPTH or not body:
            return self._symbolic_raw(body, dq)
        if body == "#":
            return self._simple("#", dq)
        if body[0] == "#" and (is_name(body[1:]) or body[1:].isdigit() or body[1:] in ("@", "*")):
            return self._length(body, dq)
        if body[0] in "#!" and _subscripted(body[1:]) is not None:
            return self._array_meta(body, dq)
        if body[0] == "!":
            return self._indirect(body, dq)
        if body[0].isdigit():
            k = 1
            while k < len(body) and body[k].isdigit():
                k += 1
        elif body[0] in SPECIAL_PARAMS:
            k = 1
        else:
            k = name_len(body, 0)
        if k == 0:
            return self._symbolic_raw(body, dq)
        name, rest = body[:k], body[k:]
        if rest.startswith("["):
            close = subscript_end(rest)
            if close < 0 or not is_name(name):
                return self._symbolic_raw(body, dq)
            return self._element(name, rest[1:close].strip(), rest[close + 1 :], body, dq)
        if name in ("@", "*") and rest[:1] == ":" and rest[1:2] not in ("-", "=", "+", "?"):
            return self._positional_slice(name, rest[1:], body, dq)
        if not rest:
            return self._simple(name, dq)
        v, env = self.get(name)
        return self._operator(name, v, env, rest, body, dq)

    # -- arrays -----------------------------------------------------------------------

    def _element(self, name: str, sub: str, rest: str, body: str, dq: bool) -> list[Item]:
        """``${A[i]…}``, ``${A[@]…}``, ``${A[*]…}``: a scalar is an array of one element;
        an array without known elements (``declare -A``, ``mapfile`` from a command we
        cannot run) stays symbolic."""
        v, env = self.get(name)
        whole = sub in ("@", "*")
        if v is None or (v.symbolic and v.items is None):
            if whole or sub == "0":
                return self._simple(name, dq) if not rest else self._operator(name, v, env, rest, body, dq)
            return self._symbolic_raw(body, dq) if v is not None or env else []
        elements = v.elements()
        if whole:
            return self._whole_array(sub, [e for _, e in elements], rest, body, dq)
        try:
            idx = self._arith_value(sub)
        except ArithError:
            return self._symbolic_raw(body, dq)
        if idx < 0:
            idx += (elements[-1][0] + 1) if elements else 0
        picked = next((e for k, e in elements if k == idx), None)
        if not rest:
            return self._emit(picked, dq) if picked is not None else []
        return self._operator(name, picked, False, rest, body, dq)

    def _whole_array(self, sub: str, values: list[Value], rest: str, body: str, dq: bool) -> list[Item]:
        if not rest:
            return self._fields_of(sub, [self._emit(v, dq) for v in values], dq)
        colon = rest.startswith(":") and rest[1:2] in ("-", "=", "+", "?")
        if rest[0] == ":" and not colon:
            off_s, has_len, len_s = rest[1:].partition(":")
            try:
                off = self._arith_value(off_s)
                ln = self._arith_value(len_s) if has_len else None
            except ArithError:
                return self._symbolic_raw(body, dq)
            start = off if off >= 0 else len(values) + off
            if start < 0 or (ln is not None and ln < 0):
                return self._symbolic_raw(body, dq) if ln is not None and ln < 0 else []
            picked = values[start:] if ln is None else values[start : start + ln]
            return self._fields_of(sub, [self._emit(v, dq) for v in picked], dq)
        if rest[0] in "-=+?" or colon:
            op = rest[1] if colon else rest[0]
            word = rest[2:] if colon else rest[1:]
            null = not values or (colon and len(values) == 1 and not values[0].symbolic and not values[0].text)
            if op == "+":
                return [] if null else self._operand(word, dq)
            if not null:
                return self._fields_of(sub, [self._emit(v, dq) for v in values], dq)
            return self._operand(word, dq) if op in "-=" else self._symbolic_raw(body, dq)
        # ``${A[@]%.py}``, ``${A[@]/x/y}``: the operator applies to each element
        return self._fields_of(sub, [self._operator("@", v, False, rest, body, dq) for v in values], dq)

    def _fields_of(self, sub: str, parts: list[list[Item]], dq: bool) -> list[Item]:
        """Join per-element expansions as ``"$@"`` / ``$@`` / ``"$*"`` do."""
        out: list[Item] = []
        if dq and sub == "*":
            sep = self._ifs()[:1]
            for k, part in enumerate(parts):
                if k:
                    out += chars_of(sep, dq=True)
                out += part
            return out
        for k, part in enumerate(parts):
            if k:
                out.append(Mark.HARD if dq else Mark.SOFT)
            if dq:
                out.append(Mark.ALIVE)
            out += part
        return out

    def _array_meta(self, body: str, dq: bool) -> list[Item]:
        """``${#A[@]}`` (count), ``${#A[i]}`` (element length), ``${!A[@]}`` (indices)."""
        parsed = _subscripted(body[1:])
        assert parsed is not None
        name, sub = parsed
        v, env = self.get(name)
        if v is None:
            return (chars_of("0", dq=dq) if body[0] == "#" else []) if not env else self._symbolic_raw(body, dq)
        if v.symbolic and v.items is None:
            return self._symbolic_raw(body, dq)
        elements = v.elements()
        if body[0] == "!":
            if sub not in ("@", "*"):
                return self._symbolic_raw(body, dq)
            return self._fields_of(sub, [chars_of(str(k), dq=dq) for k, _ in elements], dq)
        if sub in ("@", "*"):
            return chars_of(str(len(elements)), dq=dq)
        picked = self._element(name, sub, "", body, False)
        if is_symbolic(picked):
            return self._symbolic_raw(body, dq)
        return chars_of(str(len(text_of(picked))), dq=dq)

    def _length(self, body: str, dq: bool) -> list[Item]:
        name = body[1:]
        if name in ("@", "*"):
            return chars_of(str(len(self._positional())), dq=dq)
        v, env = self.get(name)
        if v is None:
            return chars_of("0", dq=dq) if not env else self._symbolic_raw(body, dq)
        if v.symbolic:
            return self._symbolic_raw(body, dq)
        return chars_of(str(len(v.text)), dq=dq)

    def _indirect(self, body: str, dq: bool) -> list[Item]:
        name = body[1:]
        if not (is_name(name) or name.isdigit()):
            return self._symbolic_raw(body, dq)
        v, _ = self.get(name)
        if v is None or v.symbolic or not (is_name(v.text) or v.text.isdigit()):
            return self._symbolic_raw(body, dq)
        return self._simple(v.text, dq)

    def _positional_slice(self, name: str, spec: str, body: str, dq: bool) -> list[Item]:
        off_s, _, len_s = spec.partition(":")
        pos = self._positional()
        try:
            off = self._arith_value(off_s)
            ln = self._arith_value(len_s) if ":" in spec else None
        except ArithError:
            return self._symbolic_raw(body, dq)
        # "$0" is element 0 of the list
        full = [Value("$0", symbolic=True), *pos]
        start = off if off >= 0 else len(pos) + 1 + off
        if start < 0:
            return []
        if ln is not None and ln < 0:
            return self._symbolic_raw(body, dq)
        picked = full[start:] if ln is None else full[start : start + ln]
        return self._all_positional(name, dq, picked)

    def _operand(self, text: str, dq: bool) -> list[Item]:
        """The word of ``${X:-word}``: in an unquoted expansion its unquoted literal text
        is split like any expansion result."""
        sub = self.nested()
        items = sub.parse(text, "o" if dq else "u")
        if dq:
            return items
        return [
            Ch(it.c, split=True) if isinstance(it, Ch) and not (it.quoted or it.symbolic) else it
            for it in items
        ]

    def _pattern_operand(self, text: str, dq: bool) -> tuple[str, bool]:
        """An operand used as a pattern: (escaped pattern, symbolic?)."""
        sub = self.nested()
        items = sub.parse(text, "u")
        return as_pattern(items), is_symbolic(items)

    def _operator(self, name: str, v: Value | None, env: bool, rest: str, body: str, dq: bool) -> list[Item]:
        colon = rest.startswith(":") and rest[1:2] in ("-", "=", "+", "?")
        op = rest[1] if colon else rest[0]
        if op in "-=+?" and (colon or rest[0] == op):
            word = rest[2:] if colon else rest[1:]
            is_set = v is not None and (not colon or v.symbolic or v.text != "")
            if op in "-=":
                return self._emit(v, dq) if is_set and v is not None else self._operand(word, dq)
            if op == "+":
                return self._operand(word, dq) if is_set else []
            if is_set and v is not None:
                return self._emit(v, dq)
            return self._symbolic_raw(body, dq)
        if v is None:
            if env:
                return self._symbolic_raw(body, dq)
            v = Value("")
        if rest[0] == ":":
            return self._substring(v, rest[1:], body, dq)
        if rest[0] in "#%":
            return self._remove(v, rest, body, dq)
        if rest[0] == "/":
            return self._replace(v, rest[1:], body, dq)
        if rest[0] in "^,":
            return self._case(v, rest, body, dq)
        if rest in ("@U", "@L", "@u") and not v.symbolic:
            t = v.text
            t = t.upper() if rest == "@U" else t.lower() if rest == "@L" else t[:1].upper() + t[1:]
            return chars_of(t, dq=dq)
        return self._symbolic_raw(body, dq)

    def _arith_value(self, text: str) -> int:
        items = self.nested().parse(text, "u")
        if is_symbolic(items):
            raise ArithError("symbolic")
        return Arith(text_of(items), self._arith_lookup).evaluate()

    def _substring(self, v: Value, spec: str, body: str, dq: bool) -> list[Item]:
        if v.symbolic:
            return self._symbolic_raw(body, dq)
        off_s, has_len, len_s = spec.partition(":")
        try:
            off = self._arith_value(off_s)
            ln = self._arith_value(len_s) if has_len else None
        except ArithError:
            return self._symbolic_raw(body, dq)
        t = v.text
        if off < 0:
            off = max(0, len(t) + off) if len(t) + off >= 0 else len(t) + 1
        if off > len(t):
            return []
        if ln is None:
            return chars_of(t[off:], dq=dq)
        end = off + ln if ln >= 0 else len(t) + ln
        if end < off:
            return self._symbolic_raw(body, dq)  # bash: "substring expression < 0"
        return chars_of(t[off:end], dq=dq)

    def _doubled_pattern(self, rest: str, dq: bool) -> tuple[bool, str] | None:
        """The operand of ``#pat`` / ``##pat`` (likewise ``%``, ``^``, ``,``) as (operator
        doubled, pattern); None when the pattern is not known statically."""
        doubled = len(rest) > 1 and rest[1] == rest[0]
        pattern, sym = self._pattern_operand(rest[2 if doubled else 1 :], dq)
        return None if sym else (doubled, pattern)

    def _remove(self, v: Value, rest: str, body: str, dq: bool) -> list[Item]:
        operand = self._doubled_pattern(rest, dq)
        if operand is None:
            return self._symbolic_raw(body, dq)
        longest, pattern = operand
        prefix = rest[0] == "#"
        t = v.text
        if v.symbolic:
            return self._remove_symbolic(t, pattern, prefix, body, dq)
        if len(t) * (len(pattern) + 1) > _MAX_MATCH_WORK:
            return self._symbolic_raw(body, dq)
        toks = compile_pattern(pattern)
        if prefix:
            ends = match_ends(toks, t, 0, True)
            if not ends:
                return chars_of(t, dq=dq)
            return chars_of(t[(max(ends) if longest else min(ends)) :], dq=dq)
        rev = toks[::-1]
        ends = match_ends(rev, t[::-1], 0, True)
        if not ends:
            return chars_of(t, dq=dq)
        cut = max(ends) if longest else min(ends)
        return chars_of(t[: len(t) - cut], dq=dq)

    def _remove_symbolic(self, t: str, pattern: str, prefix: bool, body: str, dq: bool) -> list[Item]:
        """``${FILE%.zip}`` with FILE = ``x-${SHA}.zip``: a literal pattern inside the
        literal head/tail of the rendering can be removed exactly."""
        if has_wildcards(pattern):
            return self._symbolic_raw(body, dq)
        lit = unescape(pattern)
        if prefix:
            head = t[: t.find("$")] if "$" in t else t
            if head.startswith(lit):
                return chars_of(t[len(lit) :], dq=dq, symbolic=True)
        else:
            tail = t[placeholder_free_tail(t) :]
            if tail.endswith(lit):
                return chars_of(t[: len(t) - len(lit)], dq=dq, symbolic=True)
        return self._symbolic_raw(body, dq)

    def _replace(self, v: Value, spec: str, body: str, dq: bool) -> list[Item]:
        """``${X/pat/rep}`` and friends; an unquoted ``&`` in ``rep`` is the match (bash 5.2)."""
        mode = ""
        if spec[:1] in ("/", "#", "%"):
            mode, spec = spec[0], spec[1:]
        pat_raw, rep_raw = split_top_level(spec, "/")
        pattern, sym = self._pattern_operand(pat_raw, dq)
        if sym or v.symbolic:
            return self._symbolic_raw(body, dq)
        sub = self.nested()
        rep_items = [it for it in sub.parse(rep_raw or "", "u") if isinstance(it, Ch)]
        if is_symbolic(rep_items):
            return self._symbolic_raw(body, dq)
        t = v.text
        if not pattern and mode not in ("#", "%"):
            return chars_of(t, dq=dq)
        if len(t) * len(t) * (len(pattern) + 1) > _MAX_MATCH_WORK:
            return self._symbolic_raw(body, dq)
        toks = compile_pattern(pattern)

        def rep(matched: str) -> str:
            return "".join(matched if it.c == "&" and not it.quoted else it.c for it in rep_items)

        if mode == "#":
            ends = match_ends(toks, t, 0, True)
            return chars_of(rep(t[: max(ends)]) + t[max(ends) :] if ends else t, dq=dq)
        if mode == "%":
            ends = match_ends(toks[::-1], t[::-1], 0, True)
            cut = len(t) - max(ends) if ends else len(t)
            return chars_of(t[:cut] + rep(t[cut:]) if ends else t, dq=dq)
        if not t:
            return chars_of(rep("") if 0 in match_ends(toks, t, 0, True) else t, dq=dq)
        out: list[str] = []
        i = 0
        done = False
        while i < len(t):
            if not done:
                end = max(match_ends(toks, t, i, True), default=i)
                if end > i:
                    out.append(rep(t[i:end]))
                    i = end
                    done = mode != "/"
                    continue
            out.append(t[i])
            i += 1
        return chars_of("".join(out), dq=dq)

    def _case(self, v: Value, rest: str, body: str, dq: bool) -> list[Item]:
        operand = None if v.symbolic else self._doubled_pattern(rest, dq)
        if operand is None:
            return self._symbolic_raw(body, dq)
        double, pattern = operand
        upper = rest[0] == "^"
        out = []
        for k, c in enumerate(v.text):
            if (double or k == 0) and (not pattern or pattern_match(pattern, c)):
                c = c.upper() if upper else c.lower()
            out.append(c)
        return chars_of("".join(out), dq=dq)

    # -- arithmetic -------------------------------------------------------------------

    def _arith_lookup(self, name: str) -> int:
        v, _ = self.get(name)
        if v is None or v.symbolic:
            raise ArithError(f"unknown {name}")
        text = v.text.strip()
        if not text:
            return 0
        try:
            return parse_int_literal(text) if text[0].isdigit() else wrap(int(text))
        except (ValueError, ArithError) as exc:
            raise ArithError(f"not a number: {name}") from exc
