"""The common shapes of CEL rule as Python closures, with the CEL runtime deciding everything else.

Converting a manifest into the CEL runtime's values cost more than all its rules together (about
0.33 ms a manifest against 0.03 ms for `model_dump`; benchmarks/cel_engines.py). The shipped rules use a small
part of CEL: fields, literals, comparisons, `in`, `&&`, `||`, `!`, `size`, `contains`, `startsWith`,
`exists`, `all`, `duration` and `timestamp` of a literal. `compile_python` turns a rule made only of
those into a closure over the manifest's plain Python values (what `model_dump` gives), or gives None.

A closure answers only where its answer is certainly CEL's: two values of the same simple type, or
comparisons whose answer the runtime is known to give across types (anything against null is
unequal; text against a number is unequal). Anything else (a missing field, a null where a map is
needed, an operand of another type, a number outside 64 bits, text that is not ASCII to `size`)
raises Defer, and the rule runs in the CEL runtime as before, which gives its value or its error.
`tests/test_celpython.py` holds the closures to the runtime on every shipped rule and on generated
values of every type.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Callable
from typing import Any

from checks.celsyntax import Node, plain_literals

Env = dict[str, Any]
Compiled = Callable[[Env], Any]


class Defer(Exception):
    """This closure cannot say exactly what CEL would: the CEL runtime decides."""


_DEFER = Defer()
_I64 = (-(2**63), 2**63 - 1)
_ROOTS = frozenset({"service", "council", "now"})
_DURATION = re.compile(r"(\d{1,9})([hms])")
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
_UNIT_SECONDS = {"h": 3600, "m": 60, "s": 1}


class Unsupported(Exception):
    """The rule uses something this module does not compile."""


def compile_python(source: str, node: Node) -> Compiled | None:
    """A closure computing the rule at `node` (parsed from `source`) where it can; None when the rule
    uses anything this module does not compile."""
    if not plain_literals(source):
        return None
    try:
        return _compile(node, _ROOTS)
    except Unsupported:
        return None


def _compile(node: Node, bound: frozenset[str]) -> Compiled:
    kind = node.kind
    if kind == "literal":
        value = node.value
        if value is not None and type(value) not in (str, int, bool):
            raise Unsupported(kind)
        return lambda env: value
    if kind == "ident":
        if node.value not in bound:
            raise Unsupported(kind)
        name = str(node.value)
        return lambda env: env[name]
    if kind == "select":
        return _select(node, bound)
    if kind == "list":
        items = [_compile(a, bound) for a in node.args]
        return lambda env: [f(env) for f in items]
    if kind == "unary" and node.value == "!":
        return _not(_compile(node.args[0], bound))
    if kind == "binary":
        return _binary(str(node.value), node.args, bound)
    if kind == "ternary":
        cond, then, other = (_compile(a, bound) for a in node.args)
        return _ternary(cond, then, other)
    if kind == "call":
        return _call(node, bound)
    if kind == "method":
        return _method(node, bound)
    raise Unsupported(kind)


def _select(node: Node, bound: frozenset[str]) -> Compiled:
    # `a.b.c` is one closure over the field names, not one per step.
    names: list[str] = []
    while node.kind == "select":
        names.append(str(node.value))
        node = node.args[0]
    names.reverse()
    base = _compile(node, bound)
    path = tuple(names)

    def select(env: Env) -> Any:
        value = base(env)
        for name in path:
            if type(value) is not dict or name not in value:
                raise _DEFER  # CEL: no such key, or no field of a null or a scalar
            value = value[name]
        return value

    return select


def _not(operand: Compiled) -> Compiled:
    def negate(env: Env) -> bool:
        value = operand(env)
        if type(value) is not bool:
            raise _DEFER
        return not value

    return negate


def _ternary(cond: Compiled, then: Compiled, other: Compiled) -> Compiled:
    def choose(env: Env) -> Any:
        value = cond(env)
        if value is True:
            return then(env)
        if value is False:
            return other(env)
        raise _DEFER

    return choose


def _outcome(f: Compiled, env: Env) -> Any:
    try:
        return f(env)
    except Defer:
        return _DEFER


def _binary(op: str, args: tuple[Node, ...], bound: frozenset[str]) -> Compiled:
    left, right = (_compile(a, bound) for a in args)
    if op in ("&&", "||"):
        return _logical(left, right, op == "||")
    if op == "in" and args[1].kind == "list" and all(_is_text(a) for a in args[1].args):
        texts = frozenset(str(a.value) for a in args[1].args)
        return lambda env: _in_texts(left(env), texts)
    compare = _OPERATORS.get(op)
    if compare is None:
        raise Unsupported(op)
    return lambda env: compare(left(env), right(env))


def _logical(left: Compiled, right: Compiled, decisive: bool) -> Compiled:
    # CEL's `&&` is false when either side is false, whatever the other gives, error included; `||`
    # likewise true. `decisive` is that value: False for `&&`, True for `||`.
    def logical(env: Env) -> bool:
        a = _outcome(left, env)
        if a is decisive:
            return bool(decisive)  # bool(): mypy narrows `decisive` to a's type after `is`
        b = _outcome(right, env)
        if b is decisive:
            return bool(decisive)
        if a is (not decisive) and b is (not decisive):
            return not decisive
        raise _DEFER

    return logical


def _is_text(node: Node) -> bool:
    return node.kind == "literal" and type(node.value) is str


def _in_texts(value: Any, texts: frozenset[str]) -> bool:
    if type(value) is str:
        return value in texts
    if value is None or type(value) in (int, float, bool):
        return False  # CEL: a null or a number is unequal to every text
    raise _DEFER


def _int_ok(*values: Any) -> bool:
    return all(type(v) is not int or _I64[0] <= v <= _I64[1] for v in values)


_SAME = frozenset({str, bool, float, dt.timedelta})
_ANY_VS_NULL = frozenset({str, int, float, bool, list, dict, dt.datetime, dt.timedelta})


def _eq(a: Any, b: Any) -> bool:
    ta, tb = type(a), type(b)
    if ta is tb:
        if ta in _SAME or a is None:
            return bool(a == b)
        if ta is int and _int_ok(a, b):
            return bool(a == b)
        if ta is dt.datetime and a.tzinfo is not None and b.tzinfo is not None:
            return bool(a == b)
        raise _DEFER
    if (a is None and tb in _ANY_VS_NULL) or (b is None and ta in _ANY_VS_NULL):
        return False
    if (ta is str and tb in (int, float, bool)) or (tb is str and ta in (int, float, bool)):
        return False
    if {ta, tb} == {int, float} and _int_ok(a, b):
        return bool(a == b)
    raise _DEFER


def _ne(a: Any, b: Any) -> bool:
    return not _eq(a, b)


def _ordered(a: Any, b: Any) -> bool:
    """True when CEL orders `a` and `b` as Python does."""
    ta, tb = type(a), type(b)
    if ta is tb:
        if ta in (str, bool, float, dt.timedelta):
            return True
        if ta is int:
            return _int_ok(a, b)
        return ta is dt.datetime and a.tzinfo is not None and b.tzinfo is not None
    return {ta, tb} == {int, float} and _int_ok(a, b)


def _ordering(compare: Callable[[Any, Any], Any]) -> Callable[[Any, Any], bool]:
    def ordering(a: Any, b: Any) -> bool:
        if _ordered(a, b):
            return bool(compare(a, b))
        raise _DEFER

    return ordering


def _minus(a: Any, b: Any) -> Any:
    if type(a) is dt.datetime and type(b) is dt.datetime and a.tzinfo is not None and b.tzinfo is not None:
        return a - b
    raise _DEFER


def _in(a: Any, b: Any) -> bool:
    if type(a) is str and type(b) is list and all(x is None or type(x) in (str, int, float, bool) for x in b):
        return any(type(x) is str and x == a for x in b)
    if type(a) is str and type(b) is dict:
        return a in b
    raise _DEFER


_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "==": _eq,
    "!=": _ne,
    "<": _ordering(operator.lt),
    "<=": _ordering(operator.le),
    ">": _ordering(operator.gt),
    ">=": _ordering(operator.ge),
    "-": _minus,
    "in": _in,
}


def _call(node: Node, bound: frozenset[str]) -> Compiled:
    name, args = node.value, node.args
    if name == "size" and len(args) == 1:
        arg = _compile(args[0], bound)
        return lambda env: _size(arg(env))
    if name in ("duration", "timestamp") and len(args) == 1 and _is_text(args[0]):
        constant = _duration(str(args[0].value)) if name == "duration" else _timestamp(str(args[0].value))
        return lambda env: constant
    raise Unsupported(str(name))


def _size(value: Any) -> int:
    if type(value) in (list, dict) or (type(value) is str and value.isascii()):
        return len(value)
    raise _DEFER  # the runtime counts text in UTF-8 bytes, not characters


def _duration(text: str) -> dt.timedelta:
    match = _DURATION.fullmatch(text)
    if match is None:
        raise Unsupported("duration")
    return dt.timedelta(seconds=int(match[1]) * _UNIT_SECONDS[match[2]])


def _timestamp(text: str) -> dt.datetime:
    if _TIMESTAMP.fullmatch(text) is None:
        raise Unsupported("timestamp")
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _method(node: Node, bound: frozenset[str]) -> Compiled:
    name, (target_node, *rest) = node.value, node.args
    target = _compile(target_node, bound)
    if name in ("exists", "all") and len(rest) == 2 and rest[0].kind == "ident":
        var = str(rest[0].value)
        return _comprehension(name == "exists", target, var, _compile(rest[1], bound | {var}))
    text_method = _TEXT_METHODS.get(str(name))
    if text_method is not None and len(rest) == 1:
        arg = _compile(rest[0], bound)

        def on_text(env: Env) -> bool:
            value, other = target(env), arg(env)
            if type(value) is str and type(other) is str:
                return text_method(value, other)
            raise _DEFER

        return on_text
    raise Unsupported(str(name))


_TEXT_METHODS: dict[str, Callable[[str, str], bool]] = {
    "contains": str.__contains__,
    "startsWith": str.startswith,
    "endsWith": str.endswith,
}


def _comprehension(exists: bool, target: Compiled, var: str, predicate: Compiled) -> Compiled:
    # Every element is judged: an element CEL would stop at with an error, or a value that is no
    # boolean, hands the whole rule to the runtime, whichever order it takes the elements in.
    def judge(env: Env) -> bool:
        items = target(env)
        if type(items) not in (list, dict):
            raise _DEFER
        local = dict(env)
        found = []
        for item in items:
            local[var] = item
            value = predicate(local)
            if type(value) is not bool:
                raise _DEFER
            found.append(value)
        return any(found) if exists else all(found)

    return judge
