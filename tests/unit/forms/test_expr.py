"""The form expression language: parsing, precedence, null handling, errors and safety."""

from __future__ import annotations

from datetime import date

import pytest

from forms.evaluation import evaluate, holds, truthy
from forms.expr import MAX_DEPTH, MAX_LENGTH, ExprError, parse

TODAY = date(2026, 3, 15)


def ev(text: str, **values):
    return evaluate(parse(text), values, TODAY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 == 1", True),
        ("1 == 1.0", True),
        ("'a' == \"a\"", True),
        ("'a' != 'b'", True),
        ("2 < 3", True),
        ("3 <= 3", True),
        ("-1 < 0", True),
        ("'2024-01-02' > '2023-12-31'", True),
        ("true and not false", True),
        ("false or null", False),
        ("[1, 2] == [1, 2]", True),
        ("[]", []),
        ("'x'", "x"),
        ("null", None),
        ("1.5", 1.5),
        ("'it\\'s'", "it's"),
    ],
)
def test_literals_and_operators(text: str, expected) -> None:
    assert ev(text) == expected


def test_precedence_not_and_or() -> None:
    # or < and < not < comparison, as in Python
    assert ev("true or false and false") is True
    assert ev("(true or false) and false") is False
    assert ev("not 1 == 2") is True
    assert ev("not a in ['x']", a="y") is True
    assert ev("a == 1 or b == 2 and c == 3", a=1, b=0, c=0) is True
    assert ev("a == 1 or b == 2 and c == 3", a=0, b=2, c=0) is False


def test_in_and_not_in() -> None:
    assert ev("kind in ['a', 'b']", kind="b") is True
    assert ev("kind not in ['a', 'b']", kind="c") is True
    assert ev("'nam' in picked", picked=["nu", "nam"]) is True
    assert ev("'Hà' in name", name="Hà Nội") is True
    assert ev("1 in ['1']") is False  # strict: no conversion
    assert ev("x in null") is False
    assert ev("x not in null") is True
    assert ev("x in [null]") is True


def test_null_handling() -> None:
    assert ev("missing == null") is True
    assert ev("missing != 'abandoned'") is True
    assert ev("missing < 3") is False
    assert ev("missing >= 3") is False
    assert ev("not missing") is True
    assert ev("len(missing)") == 0
    assert ev("empty(missing)") is True
    assert ev("year(missing)") is None
    assert ev("-missing") is None


def test_type_mismatch_compares_false() -> None:
    assert ev("a < 'b'", a=1) is False
    assert ev("a == '1'", a=1) is False
    assert ev("a == 1", a=True) is False
    assert ev("a > 0", a=[1]) is False
    assert ev("a == b", a={"x": 1}, b={"x": 1}) is True


def test_functions() -> None:
    assert ev("today()") == "2026-03-15"
    assert ev("d <= today()", d="2026-03-14") is True
    assert ev("year(d)", d="1990-05-01") == 1990
    assert ev("year(d)", d="not a date") is None
    assert ev("len(s)", s="abc") == 3
    assert ev("len(xs) >= 2", xs=[1, 2]) is True
    assert ev("empty(s)", s="   ") is True
    assert ev("empty(s)", s="x") is False
    assert ev("empty(xs)", xs=[]) is True
    assert ev("age(d)", d="2008-03-16") == 17
    assert ev("age(d)", d="2008-03-15") == 18
    assert ev("age(b, d)", b="2000-01-01", d="2020-12-31") == 20
    assert ev("days(a, b)", a="2026-03-01", b="2026-03-15") == 14
    assert ev("days(a, b)", a="x", b="2026-03-15") is None


def test_names_are_collected() -> None:
    e = parse("a == 1 and (b in [c, 'x'] or len(d) > 0) and today() > e")
    assert e.names == {"a", "b", "c", "d", "e"}
    assert parse("len('x') > 0").names == frozenset()


def test_truthy_and_holds() -> None:
    assert [truthy(v) for v in (None, False, 0, "", "  ", [], {})] == [False] * 7
    assert [truthy(v) for v in (True, 1, "a", [0], {"a": 1})] == [True] * 5
    assert holds(None, {}) is True
    assert holds(parse("flag"), {"flag": True}) is True
    assert holds(parse("flag"), {}) is False


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("a ==", 5),
        ("a = 1", 3),
        ("a == 'x", 6),
        ("(a == 1", 8),
        ("a == 1)", 7),
        ("a b", 3),
        ("a < b < c", 7),
        ("foo(a)", 1),
        ("len(a, b)", 1),
        ("today(1)", 1),
        ("", 1),
        ("1a", 1),
        ("a @ b", 3),
        ("[1, 2", 6),
        ("'\\q'", 2),
    ],
)
def test_syntax_errors_name_the_position(text: str, position: int) -> None:
    with pytest.raises(ExprError) as info:
        parse(text)
    assert info.value.position + 1 == position
    assert f"vị trí {position}" in str(info.value)


@pytest.mark.parametrize(
    "text",
    [
        "__class__",
        "a.__class__",
        "x.__class__.__bases__",
        "__import__('os')",
        "a.b",
        "open('x')",
        "eval('1')",
        "getattr(a, 'x')",
        "A == 1",
        "a[0]",
        "lambda: 1",
        "1 + 1",
        "a if b else c",
    ],
)
def test_no_access_to_python(text: str) -> None:
    with pytest.raises(ExprError):
        parse(text)


def test_values_are_only_read_by_key() -> None:
    class Hostile(dict):
        def __getattr__(self, name):
            raise AssertionError("attribute access")

    assert evaluate(parse("get == null"), Hostile(), TODAY) is True  # a name is a key, never a method


def test_bounds() -> None:
    with pytest.raises(ExprError, match="dài"):
        parse("a == 1 or " * (MAX_LENGTH // 10) + "a == 1")
    with pytest.raises(ExprError, match="lồng"):
        parse("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1))
    with pytest.raises(ExprError, match="lồng"):
        parse("not " * (MAX_DEPTH + 1) + "a")
    assert parse("(" * (MAX_DEPTH - 1) + "a" + ")" * (MAX_DEPTH - 1)).names == {"a"}
    long_chain = " or ".join(f"a == {i}" for i in range(80))
    assert ev(long_chain, a=79) is True


def test_evaluate_never_raises_on_data() -> None:
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    expr = parse("a == b and len(a) > 0 and year(a) == 1 and a in b")
    for value in (deep, object(), float("nan"), 10**5000, {"x": deep}, b"bytes", date(2020, 1, 1)):
        evaluate(expr, {"a": value, "b": value}, TODAY)  # no exception
    assert evaluate(expr, None, TODAY) is False  # type: ignore[arg-type]
    assert evaluate(expr, ["not", "a", "mapping"], TODAY) is False  # type: ignore[arg-type]


def test_string_literals_are_nfc() -> None:
    decomposed = "Nu\u0303"  # "Nữ"-like with a combining tilde
    assert ev(f"s == '{decomposed}'", s="N\u0169") is True


def test_an_expression_failing_on_the_data_is_logged_once_without_the_values(caplog) -> None:
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    expr = parse("x_logged_once == y_logged_once")
    with caplog.at_level("WARNING", logger="forms.evaluation"):
        for _ in range(3):
            assert evaluate(expr, {"x_logged_once": deep, "y_logged_once": deep}, TODAY) is None
    warnings = [r for r in caplog.records if r.name == "forms.evaluation"]
    assert len(warnings) == 1 and "x_logged_once" in warnings[0].getMessage() and "read as null (false)" in warnings[0].getMessage()
