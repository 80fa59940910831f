"""The restricted interpreter for the Python a model holds (scripts, conditions, DMN cells).

A deployed BPMN is code that an administrator uploads and a clerk's click runs in the web
process, so it never meets the real interpreter: every piece is compiled with RestrictedPython
(``compile_restricted_*``) and runs with the globals of :func:`restricted_globals` — a short list
of harmless builtins, RestrictedPython's guards for attribute, item and iteration access, and the
helpers of the runtime. There is no ``__import__`` (so ``import`` fails), no ``open``, ``eval``,
``exec``, ``compile``, ``getattr``, ``globals``, ``type``…, and no name or attribute that starts
with ``_`` (so no ``().__class__.__bases__`` walk to ``object``'s subclasses).

:func:`check` is what a deploy asks of each piece (``engine.workflow.specs.validate``): what
RestrictedPython refuses when it compiles, ``import`` statements, and the names of the builtins
a model may not use. :func:`compile_code` is what a run asks (``spiff``'s environment); a piece
that slipped past the deploy (a spec stored before the sandbox) is refused there with
:class:`SandboxViolation`, which fails the step like any script error, so it rolls back.

This module and ``engine.workflow.spiff`` are the only users of RestrictedPython (``make lint``).
"""

from __future__ import annotations

import ast
import builtins
import functools
import operator
from collections.abc import Callable, Iterable, Iterator
from types import CodeType
from typing import Any, Literal

from RestrictedPython.compile import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)

Mode = Literal["eval", "exec"]


class SandboxViolation(Exception):
    """A script or expression does something the sandbox does not allow (says what)."""


#: The builtins a model may call: values and containers, their conversions, the harmless
#: functions over them and the exceptions a script may raise (``raise ValueError('…')``).
ALLOWED_BUILTINS: tuple[str, ...] = (
    "None",
    "True",
    "False",
    "abs",
    "all",
    "any",
    "bool",
    "dict",
    "divmod",
    "enumerate",
    "filter",
    "float",
    "frozenset",
    "int",
    "isinstance",
    "len",
    "list",
    "map",
    "max",
    "min",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "sorted",
    "str",
    "sum",
    "tuple",
    "zip",
    # exceptions
    "ArithmeticError",
    "AssertionError",
    "Exception",
    "IndexError",
    "KeyError",
    "LookupError",
    "RuntimeError",
    "TypeError",
    "ValueError",
    "ZeroDivisionError",
)

#: Builtins a deploy refuses by name (they are absent at run time too): code, namespaces,
#: introspection, input/output and the back doors to them.
FORBIDDEN_NAMES: frozenset[str] = frozenset(
    {
        "breakpoint",
        "classmethod",
        "compile",
        "delattr",
        "dir",
        "eval",
        "exec",
        "exit",
        "getattr",
        "globals",
        "hasattr",
        "help",
        "input",
        "locals",
        "memoryview",
        "object",
        "open",
        "print",
        "property",
        "quit",
        "setattr",
        "staticmethod",
        "super",
        "type",
        "vars",
    }
)

_INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd,
    "-=": operator.isub,
    "*=": operator.imul,
    "/=": operator.itruediv,
    "//=": operator.ifloordiv,
    "%=": operator.imod,
    "**=": operator.ipow,
    "<<=": operator.ilshift,
    ">>=": operator.irshift,
    "&=": operator.iand,
    "|=": operator.ior,
    "^=": operator.ixor,
}


def _inplacevar(op: str, target: Any, value: Any) -> Any:
    """RestrictedPython's hook for ``x += 1`` and its kin."""
    try:
        return _INPLACE[op](target, value)
    except KeyError:
        raise SandboxViolation(f"operator {op!r} is not allowed") from None


def _apply(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """RestrictedPython's hook for calls with ``*args`` or ``**kwargs``."""
    return function(*args, **kwargs)


def _getiter(ob: Iterable[Any]) -> Iterator[Any]:
    return iter(default_guarded_getiter(ob))


def restricted_builtins() -> dict[str, Any]:
    """Return a fresh dict of the builtins a model sees (:data:`ALLOWED_BUILTINS`)."""
    return {name: getattr(builtins, name) for name in ALLOWED_BUILTINS}


def restricted_globals(helpers: dict[str, Callable[..., Any]]) -> dict[str, Any]:
    """Return the globals scripts and expressions run with: builtins, guards, ``helpers``."""
    clash = sorted(name for name in helpers if name.startswith("_"))
    if clash:
        raise ValueError(f"script helpers may not start with '_': {', '.join(clash)}")
    return {
        **helpers,
        "__builtins__": restricted_builtins(),
        "_getattr_": safer_getattr,
        "_getitem_": default_guarded_getitem,
        "_getiter_": _getiter,
        "_write_": full_write_guard,
        "_inplacevar_": _inplacevar,
        "_apply_": _apply,
        "_unpack_sequence_": guarded_unpack_sequence,
        "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    }


@functools.lru_cache(maxsize=4096)
def compile_code(text: str, mode: Mode) -> CodeType:
    """Compile ``text`` restricted (cached); raise SyntaxError or :class:`SandboxViolation`."""
    problem = _static_problem(text, mode)
    if problem:
        raise SandboxViolation(problem)
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    result = compiler(text, "<string>")
    if result.errors or result.code is None:
        raise SandboxViolation("; ".join(_clean(e) for e in result.errors) or "refused")
    return result.code


def check(text: str, mode: Mode) -> str | None:
    """Return why ``text`` may not run in the sandbox, or None; SyntaxError for broken Python."""
    try:
        compile_code(text, mode)
    except SandboxViolation as exc:
        return str(exc)
    return None


def _static_problem(text: str, mode: Mode) -> str | None:
    """Refuse what RestrictedPython compiles but the sandbox never runs: imports, banned names."""
    tree = ast.parse(text, "<string>", mode)
    assigned = {
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del))
    }
    assigned |= {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    }
    assigned |= {
        arg.arg for node in ast.walk(tree) if isinstance(node, ast.arguments) for arg in _args(node)
    }
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 1)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = ", ".join(a.name for a in node.names)
            module = f"from {node.module} " if isinstance(node, ast.ImportFrom) else ""
            return f"line {line}: imports are not allowed ({module}import {names})"
        if isinstance(node, ast.ClassDef):
            return f"line {line}: class definitions are not allowed"
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            return f"line {line}: global and nonlocal are not allowed"
        if (
            isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Load)
            and node.id in FORBIDDEN_NAMES
            and node.id not in assigned
        ):
            return f"line {line}: {node.id!r} is not available in scripts"
        if isinstance(node, ast.Attribute) and node.attr in ("format", "format_map"):
            return f"line {line}: str.{node.attr}() is not allowed; use an f-string or +"
    return None


def _args(node: ast.arguments) -> list[ast.arg]:
    found = [*node.posonlyargs, *node.args, *node.kwonlyargs]
    found += [a for a in (node.vararg, node.kwarg) if a is not None]
    return found


def _clean(error: str) -> str:
    # RestrictedPython writes 'Line 1: "__class__" is an invalid attribute name because…'.
    text = error.rstrip(".")
    return "line" + text[4:] if text.startswith("Line") else text
