"""Evaluating parsed expressions of the form language (grammar and parser in forms/expr.py) over field values.

null, false, 0, blank strings and empty lists are false (`truthy`); comparisons never convert between types
(except int and float) and are null when either side is null; a failure on the data (not the syntax) gives
null, which a condition reads as false, and is logged once per expression.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date

from forms.expr import Binary, Call, Expr, ListOf, Literal, Logic, Name, Unary, parse

log = logging.getLogger(__name__)


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def truthy(v) -> bool:
    """null, false, 0, blank strings and empty lists are false; everything else is true."""
    if v is None or v is False:
        return False
    if v is True:
        return True
    if _is_number(v):
        return v != 0
    if isinstance(v, str):
        return v.strip() != ""
    if isinstance(v, (list, tuple, dict)):
        return len(v) > 0
    return True


def _equal(a, b) -> bool:
    # strict: no conversion between types, except int/float
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if _is_number(a) and _is_number(b):
        return a == b
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return False


def _order(op: str, a, b) -> bool:
    if not ((_is_number(a) and _is_number(b)) or (isinstance(a, str) and isinstance(b, str))):
        return False  # null or mismatched types
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def _contains(item, container) -> bool:
    if isinstance(container, (list, tuple)):
        return any(_equal(item, x) for x in container)
    if isinstance(container, str) and isinstance(item, str):
        return item in container
    return False


def _as_date(v) -> date | None:
    if isinstance(v, date):
        return v
    if isinstance(v, str) and len(v) == 10:
        try:
            return date.fromisoformat(v)
        except ValueError:
            return None
    return None


def _age(born: date | None, on: date | None):
    if born is None or on is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


class _Evaluator:
    def __init__(self, values, today: date):
        self.values = values if isinstance(values, Mapping) else {}
        self.today = today

    def run(self, node):
        if isinstance(node, Literal):
            return node.value
        if isinstance(node, Name):
            return self.values.get(node.name)
        if isinstance(node, ListOf):
            return [self.run(item) for item in node.items]
        if isinstance(node, Unary):
            value = self.run(node.operand)
            if node.op == "not":
                return not truthy(value)
            return -value if _is_number(value) else None
        if isinstance(node, Logic):
            if node.op == "and":
                return all(truthy(self.run(item)) for item in node.items)
            return any(truthy(self.run(item)) for item in node.items)
        if isinstance(node, Binary):
            return self.binary(node)
        if isinstance(node, Call):
            return self.call(node)
        return None

    def binary(self, node: Binary):
        op = node.op
        left, right = self.run(node.left), self.run(node.right)
        if op == "==":
            return _equal(left, right)
        if op == "!=":
            return not _equal(left, right)
        if op == "in":
            return _contains(left, right)
        if op == "not in":
            return not _contains(left, right)
        return _order(op, left, right)

    def call(self, node: Call):
        args = [self.run(a) for a in node.args]
        f = node.func
        if f == "today":
            return self.today.isoformat()
        if f == "len":
            x = args[0]
            if x is None:
                return 0
            return len(x) if isinstance(x, (str, list, tuple, dict)) else None
        if f == "empty":
            x = args[0]
            return x is None or (isinstance(x, str) and not x.strip()) \
                or (isinstance(x, (list, tuple, dict)) and len(x) == 0)
        if f == "year":
            d = _as_date(args[0])
            return d.year if d else None
        if f == "age":
            on = _as_date(args[1]) if len(args) > 1 else self.today
            return _age(_as_date(args[0]), on)
        if f == "days":
            a, b = _as_date(args[0]), _as_date(args[1])
            return (b - a).days if a and b else None
        return None


def evaluate(expr: Expr | str, values: Mapping, today: date | None = None):
    """The value of `expr` over field `values`; never raises on data (a failure gives null)."""
    if isinstance(expr, str):
        expr = parse(expr)
    try:
        return _Evaluator(values, today or date.today()).run(expr.root)
    except Exception as exc:  # noqa: BLE001 - hostile data (e.g. absurdly deep lists) must not crash a form
        _log_failure_once(expr, exc)
        return None


_FAILED: set[str] = set()  # expressions whose failure was already logged in this process


def _log_failure_once(expr: Expr, exc: Exception) -> None:
    """Say once per expression that it was read as null (false): a definition bug otherwise stays silent.
    Only the expression's text and the error's type are logged, never the values (personal data)."""
    if expr.text in _FAILED:
        return
    _FAILED.add(expr.text)
    log.warning("expression %r failed on the data (%s) and was read as null (false)", expr.text, type(exc).__name__)


def holds(expr: Expr | None, values: Mapping, today: date | None = None) -> bool:
    """True when the expression's value is truthy (a missing expression holds)."""
    return True if expr is None else truthy(evaluate(expr, values, today))
