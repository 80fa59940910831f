"""The JUEL subset a Camunda 7 model may use, translated once at deploy into restricted Python.

Accepted (docs/process-design.md): ``${name}``, ``${a.b}`` (a key of a map variable), literals
(numbers, 'text' or "text", true, false, null), ``!`` / ``not``, ``empty``, unary ``-``, the
comparisons ``== != < > <= >=`` and their words ``eq ne lt gt le ge``, ``&&`` / ``and``,
``||`` / ``or`` and parentheses. Anything else (method calls, arithmetic, ``?:``, ``#{}``
mixed with text…) raises :class:`Unsupported` naming the exact construct, so the deploy check
can refuse it with the element id.
"""

from __future__ import annotations

import re

__all__ = ["Unsupported", "is_expression", "translate"]


class Unsupported(ValueError):
    """The text is outside the JUEL subset; ``construct`` is the piece that is not accepted."""

    def __init__(self, construct: str, why: str) -> None:
        super().__init__(f"{why}: {construct!r}")
        self.construct = construct
        self.why = why


_WHOLE = re.compile(r"^\s*[$#]\{(.*)\}\s*$", re.DOTALL)
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<num>\d+(?:\.\d+)?)
      | (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<op>&&|\|\||==|!=|<=|>=|<|>|!|\(|\)|\.|-)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<bad>\S+?)
    )""",
    re.VERBOSE,
)
_WORD_OPS = {"eq": "==", "ne": "!=", "lt": "<", "gt": ">", "le": "<=", "ge": ">="}
_COMPARE = {"==", "!=", "<", ">", "<=", ">="}
_LITERALS = {"true": "True", "false": "False", "null": "None"}
_RESERVED = {"and", "or", "not", "empty", "div", "mod", "instanceof", *_WORD_OPS, *_LITERALS}


def is_expression(text: str) -> bool:
    """Return whether ``text`` is written as JUEL (holds ``${`` or ``#{``)."""
    return "${" in text or "#{" in text


def translate(text: str) -> str:
    """Return the Python for one JUEL expression ``${…}``; raise Unsupported outside the subset."""
    whole = _WHOLE.match(text)
    if whole is None or "${" in whole.group(1) or "#{" in whole.group(1):
        raise Unsupported(
            text.strip(), "only one whole ${…} expression is accepted, not text around it"
        )
    tokens = _tokens(whole.group(1))
    if not tokens:
        raise Unsupported(text.strip(), "the expression is empty")
    parser = _Parser(tokens, text.strip())
    result = parser.or_expr()
    if parser.pos != len(tokens):
        raise Unsupported(tokens[parser.pos][1], "unexpected text after the expression")
    return result


def _tokens(body: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for match in _TOKEN.finditer(body):
        kind = match.lastgroup
        if kind is None:
            continue
        value = match.group(kind)
        if kind == "bad":
            raise Unsupported(value, "this operator or character is outside the accepted subset")
        found.append((kind, value))
    return found


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], source: str) -> None:
        self.tokens = tokens
        self.pos = 0
        self.source = source

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise Unsupported(self.source, "the expression ends too early")
        self.pos += 1
        return token

    def is_op(self, *values: str) -> bool:
        token = self.peek()
        return token is not None and token[1] in values and token[0] in ("op", "name")

    def or_expr(self) -> str:
        parts = [self.and_expr()]
        while self.is_op("||", "or"):
            self.take()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else "(" + " or ".join(parts) + ")"

    def and_expr(self) -> str:
        parts = [self.compare()]
        while self.is_op("&&", "and"):
            self.take()
            parts.append(self.compare())
        return parts[0] if len(parts) == 1 else "(" + " and ".join(parts) + ")"

    def compare(self) -> str:
        left = self.unary()
        token = self.peek()
        if token is not None and (token[1] in _COMPARE or token[1] in _WORD_OPS):
            self.take()
            op = _WORD_OPS.get(token[1], token[1])
            right = self.unary()
            nxt = self.peek()
            if nxt is not None and (nxt[1] in _COMPARE or nxt[1] in _WORD_OPS):
                raise Unsupported(nxt[1], "chained comparisons are outside the accepted subset")
            return f"({left} {op} {right})"
        return left

    def unary(self) -> str:
        if self.is_op("!", "not"):
            self.take()
            return f"(not {self.unary()})"
        if self.is_op("empty"):
            self.take()
            operand = self.unary()
            return f"({operand} in (None, '', [], {{}}))"
        if self.is_op("-"):
            self.take()
            return f"(-{self.unary()})"
        return self.primary()

    def primary(self) -> str:
        kind, value = self.take()
        if kind == "num":
            return value
        if kind == "str":
            body = value[1:-1]
            return repr(re.sub(r"\\(.)", r"\1", body))
        if value == "(":
            inner = self.or_expr()
            if not self.is_op(")"):
                raise Unsupported(self.source, "a parenthesis is not closed")
            self.take()
            return f"({inner})"
        if kind == "name":
            if value in _LITERALS:
                return _LITERALS[value]
            if value in _RESERVED:
                raise Unsupported(value, "this JUEL operator is outside the accepted subset")
            result, last = value, value
            while self.is_op("."):
                self.take()
                key_kind, key = self.take()
                if key_kind != "name":
                    raise Unsupported(f".{key}", "a property name must follow '.'")
                result, last = f"{result}[{key!r}]", key
            token = self.peek()
            if token is not None and token[1] == "(":
                raise Unsupported(f"{last}(", "function and method calls are not accepted")
            return result
        raise Unsupported(value, "this operator is outside the accepted subset")
