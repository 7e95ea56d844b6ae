"""CEL's syntax, for what the compiled program does not say: the manifest fields a rule reads, and its size.

`cel.compile` (the Rust runtime) reports only variable and function names, so
which fields of `service` a rule reads, how deeply its comprehensions nest and
how large it is come from this parser, which follows the grammar in the CEL
language definition (https://github.com/google/cel-spec/blob/master/doc/langdef.md).
A hand-written parser rather than a generated one: it is imported by every
`standards check`, and a parser generator's import and table building would
cost more than checking one manifest (see docs/decisions/0002-rule-analysis-parser.md).

The parser refuses an expression nested deeper than MAX_NESTING before the
Rust runtime ever sees it, so no rule can exhaust either stack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

# Comprehension macros (and `cel.bind`): each bound variable's body runs once per element, so every
# level of nesting can multiply a rule's work by the length of a list.
MACROS = frozenset({"all", "exists", "exists_one", "map", "filter", "bind"})
MAX_NESTING = 24  # brackets and operators inside one another (far more than any readable rule)

_TOKEN = re.compile(
    r"""
    (?P<space>[\t\n\f\r ]+|//[^\n]*)
  | (?P<string>[rRbB]{0,2}(?:\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'))
  | (?P<float>(?:\d+\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|\.\d+(?:[eE][+-]?\d+)?))
  | (?P<uint>(?:0x[0-9a-fA-F]+|\d+)[uU])
  | (?P<int>0x[0-9a-fA-F]+|\d+)
  | (?P<ident>[_a-zA-Z][_a-zA-Z0-9]*)
  | (?P<op>==|!=|<=|>=|&&|\|\||[<>!+\-*/%?:.,()\[\]{}])
  | (?P<bad>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_RESERVED = frozenset(
    {"as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop", "package"}
    | {"namespace", "return", "var", "void", "while"}
)
_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_ESCAPES.update({c: c for c in "\\'\"`?"})
_ESCAPE = re.compile(r"\\(?:([abfnrtv\\'\"`?])|x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|([0-3][0-7]{2}))")
_PRECEDENCE = {"||": 1, "&&": 2, "+": 4, "-": 4, "*": 5, "/": 5, "%": 5}
_PRECEDENCE.update(dict.fromkeys(("<", "<=", ">", ">=", "==", "!=", "in"), 3))


class CelSyntaxError(Exception):
    """The expression is not CEL this parser understands; `offset` is where."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


class TooDeep(CelSyntaxError):
    """Brackets or operators nested more than MAX_NESTING deep."""


class Node(NamedTuple):  # a tuple: thousands are built per run, and a frozen dataclass builds slower
    """One node of the syntax tree.

    kind is ident, literal, select (value: field), index, call (value: function), method
    (value: function; args[0] is the target), list, map (args: key, value, ...), struct,
    unary and binary (value: operator) or ternary. `offset` is the node's first character.
    """

    kind: str
    offset: int
    value: object = None
    args: tuple[Node, ...] = ()


class _Token(NamedTuple):
    kind: str
    text: str
    offset: int


def _tokens(source: str) -> list[_Token]:
    found: list[_Token] = []
    for match in _TOKEN.finditer(source):
        kind, text, at = match.lastgroup or "", match.group(), match.start()
        if kind == "space":
            continue
        if kind == "bad":
            raise CelSyntaxError(f"unexpected character {text!r}", at)
        if kind == "ident" and text in ("in", "true", "false", "null"):
            kind = "op" if text == "in" else "literal"
        elif kind == "ident" and text in _RESERVED:
            raise CelSyntaxError(f"{text!r} is a reserved word", at)
        found.append(_Token(kind, text, at))
    found.append(_Token("end", "", len(source)))
    return found


def plain_literals(source: str) -> bool:
    """True when every literal in `source` is plain text, an integer, true, false or null: the syntax tree
    does not tell `1u` from `1`, nor raw or bytes text from plain."""
    try:
        found = _tokens(source)
    except CelSyntaxError:
        return False
    return not any(t.kind in ("uint", "float") or (t.kind == "string" and t.text[0] in "rRbB") for t in found)


def string_value(text: str) -> str | bytes | None:
    """A string literal's value; None for one this parser cannot decode exactly."""
    prefix = len(text) - len(text.lstrip("rRbB"))
    flags, body = text[:prefix].lower(), text[prefix:]
    quote = 3 if body[:3] in ('"""', "'''") else 1
    body = body[quote:-quote]
    if "r" not in flags:

        def unescape(m: re.Match[str]) -> str:
            simple, hex2, hex4, hex8, octal = m.groups()
            if simple:
                return _ESCAPES[simple]
            return chr(int(hex2 or hex4 or hex8, 16) if not octal else int(octal, 8))

        if "\\" in _ESCAPE.sub("", body):
            return None
        body = _ESCAPE.sub(unescape, body)
    return body.encode() if "b" in flags else body


def _literal(token: _Token) -> Node:
    text, kind = token.text, token.kind
    value: object
    if kind == "string":
        value = string_value(text)
    elif kind == "literal":
        value = {"true": True, "false": False, "null": None}[text]
    elif kind == "float":
        value = float(text)
    else:
        digits = text.rstrip("uU")
        value = int(digits, 16) if digits.startswith("0x") else int(digits)
    return Node("literal", token.offset, value)


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = _tokens(source)
        self.at = 0
        self.depth = 0

    def peek(self) -> _Token:
        return self.tokens[self.at]

    def take(self, text: str | None = None) -> _Token:
        token = self.tokens[self.at]
        if text is not None and token.text != text:
            found = "the end" if token.kind == "end" else repr(token.text)
            raise CelSyntaxError(f"expected {text!r} but found {found}", token.offset)
        self.at += 1
        return token

    def accept(self, text: str) -> bool:
        if self.peek().text == text and self.peek().kind in ("op", "literal"):
            self.at += 1
            return True
        return False

    def nest(self) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise TooDeep(f"brackets or operators nested more than {MAX_NESTING} deep", self.peek().offset)

    def expr(self) -> Node:
        self.nest()
        node = self.binary(1)
        if self.accept("?"):
            then = self.binary(1)
            self.take(":")
            node = Node("ternary", node.offset, None, (node, then, self.expr()))
        self.depth -= 1
        return node

    def binary(self, floor: int) -> Node:
        # Precedence climbing: one loop per level actually used, rather than a call per level per operand.
        node = self.unary()
        while True:
            token = self.tokens[self.at]
            level = _PRECEDENCE.get(token.text, 0) if token.kind == "op" else 0
            if level < floor:
                return node
            self.at += 1
            node = Node("binary", node.offset, token.text, (node, self.binary(level + 1)))

    def unary(self) -> Node:
        token = self.peek()
        if token.kind == "op" and token.text in ("!", "-"):
            self.take()
            self.nest()
            operand = self.unary()
            self.depth -= 1
            if token.text == "-" and operand.kind == "literal" and type(operand.value) in (int, float):
                return Node("literal", token.offset, -operand.value)  # type: ignore[operator]
            return Node("unary", token.offset, token.text, (operand,))
        return self.member()

    def member(self) -> Node:
        node = self.primary()
        while True:
            if self.accept("."):
                name = self.ident()
                if self.accept("("):
                    node = Node("method", name.offset, name.text, (node, *self.exprs(")")))
                else:
                    node = Node("select", name.offset, name.text, (node,))
            elif self.accept("["):
                node = Node("index", node.offset, None, (node, self.expr()))
                self.take("]")
            elif self.peek().text == "{" and node.kind in ("ident", "select"):
                self.take()
                node = Node("struct", node.offset, _dotted(node), self.fields())
            else:
                return node

    def ident(self) -> _Token:
        token = self.take()
        if token.kind != "ident":
            raise CelSyntaxError(f"expected a name but found {token.text or 'the end'!r}", token.offset)
        return token

    def primary(self) -> Node:
        token = self.peek()
        if token.kind in ("string", "float", "uint", "int", "literal"):
            return _literal(self.take())
        if self.accept("("):
            inner = self.expr()
            self.take(")")
            return inner
        if self.accept("["):
            return Node("list", token.offset, None, self.exprs("]"))
        if self.accept("{"):
            return Node("map", token.offset, None, self.entries())
        leading = self.accept(".")
        name = self.ident().text
        if self.accept("("):
            return Node("call", token.offset, name, self.exprs(")"))
        return Node("ident", token.offset, "." + name if leading else name)

    def exprs(self, close: str) -> tuple[Node, ...]:
        items: list[Node] = []
        while not self.accept(close):
            items.append(self.expr())
            if not self.accept(","):
                self.take(close)
                break
        return tuple(items)

    def entries(self) -> tuple[Node, ...]:
        items: list[Node] = []
        while not self.accept("}"):
            items.append(self.expr())
            self.take(":")
            items.append(self.expr())
            if not self.accept(","):
                self.take("}")
                break
        return tuple(items)

    def fields(self) -> tuple[Node, ...]:
        items: list[Node] = []
        while not self.accept("}"):
            self.ident()
            self.take(":")
            items.append(self.expr())
            if not self.accept(","):
                self.take("}")
                break
        return tuple(items)


def _dotted(node: Node) -> str:
    if node.kind == "ident":
        return str(node.value)
    return f"{_dotted(node.args[0])}.{node.value}"


def parse(source: str) -> Node:
    """The syntax tree of a CEL expression; raises CelSyntaxError."""
    parser = _Parser(source)
    node = parser.expr()
    token = parser.peek()
    if token.kind != "end":
        raise CelSyntaxError(f"unexpected {token.text!r}", token.offset)
    return node


@dataclass(frozen=True, slots=True)
class Chain:
    """`service.a["b"].c`: a variable and the fields selected from it with names known before running."""

    root: str
    fields: tuple[str, ...]
    offsets: tuple[int, ...]  # where each field is named


@dataclass(frozen=True, slots=True)
class Shape:
    """What a rule reads and how big it is."""

    # Top-level fields of `service` the rule reads; None when it may read any (`service` used whole,
    # or indexed by a computed key).
    reads: frozenset[str] | None
    chains: tuple[Chain, ...]
    macro_depth: int  # comprehension macros inside one another
    nodes: int


def chain_of(node: Node) -> Chain | None:
    """The static chain `node` is, if it is one."""
    if node.kind == "ident":
        return Chain(str(node.value), (), ())
    if node.kind not in ("select", "index"):
        return None
    if node.kind == "index":
        key = node.args[1]
        if key.kind != "literal" or not isinstance(key.value, str):
            return None
        name, at = key.value, key.offset
    else:
        name, at = str(node.value), node.offset
    inner = chain_of(node.args[0])
    if inner is None:
        return None
    return Chain(inner.root, (*inner.fields, name), (*inner.offsets, at))


def is_macro(node: Node) -> bool:
    """A comprehension (`list.all(x, ...)`): its first argument names a variable, not a value."""
    return node.kind == "method" and node.value in MACROS and len(node.args) >= 3 and node.args[1].kind == "ident"


class _Walk:
    def __init__(self, roots: frozenset[str]) -> None:
        self.roots = roots
        self.chains: list[Chain] = []
        self.whole = False  # `service` is used other than by selecting a named field
        self.nodes = 0
        self.depth = 0

    def visit(self, node: Node, bound: frozenset[str], depth: int) -> None:
        self.nodes += 1
        self.depth = max(self.depth, depth)
        if node.kind in ("select", "index"):
            chain = chain_of(node)
            if chain is not None and chain.root in self.roots and chain.root not in bound:
                self.chains.append(chain)
                self.nodes += len(chain.fields)
                return
        if node.kind == "ident" and node.value == "service" and "service" not in bound:
            self.whole = True
        if is_macro(node):
            self.visit(node.args[0], bound, depth)
            inner = bound | {str(node.args[1].value)}
            for arg in node.args[2:]:
                self.visit(arg, inner, depth + 1)
            return
        for arg in node.args:
            self.visit(arg, bound, depth)


def analyse(node: Node) -> Shape:
    walk = _Walk(frozenset({"service", "council"}))
    walk.visit(node, frozenset(), 0)
    reads = None
    if not walk.whole:
        service = [c for c in walk.chains if c.root == "service"]
        reads = None if any(not c.fields for c in service) else frozenset(c.fields[0] for c in service)
    return Shape(reads, tuple(walk.chains), walk.depth, walk.nodes)
