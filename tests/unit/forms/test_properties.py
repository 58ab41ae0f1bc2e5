"""Property tests of the form language's pieces: validators, text helpers and expressions never raise. The long
searches over every procedure and through the real submit are in tests/scenarios/test_properties_deep.py."""

from __future__ import annotations

import datetime as dt
import re
import string
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from property_strategies import ANY_CHAR, TEXT, Explosive, HUGE_INTS, DATA, ANY, TODAY, PURE, PROCEDURES, deep_list, samples, no_swallowed_errors, assert_message
from forms import evaluation, expr
from forms import formengine
from forms import geo
from forms import text
from forms import validators


# Hypothesis leaves surrogates (category Cs) out of text() unless asked.
# Built lazily: a strategy holding an int of 4,300+ digits cannot even be repr()'d.


# --- 1. validators --------------------------------------------------------------------------------

def _call(*args: st.SearchStrategy, **kwargs: st.SearchStrategy) -> st.SearchStrategy:
    """(positional args, keyword args) for one validator; each keyword is sometimes left out."""
    return st.tuples(st.tuples(*args), st.fixed_dictionaries({}, optional=kwargs))


PATTERNS = st.one_of(TEXT, st.sampled_from(["[0-9]+", "(", "[A-Z]{2}[0-9]{3}", r"[^0-9@#$%^&*_=+<>{}\[\]|\\/~]+", "(?P<x",
                                            "a{99999999999}"]))
BOUNDS = st.one_of(st.none(), st.integers(-3, 400), HUGE_INTS, st.floats(), DATA)
VALIDATORS = {
    "check_required": (validators.check_required, _call(ANY)),
    "check_length": (validators.check_length, st.one_of(_call(ANY, BOUNDS, BOUNDS), _call(ANY, min_length=BOUNDS, max_length=BOUNDS))),
    "check_pattern": (validators.check_pattern, _call(ANY, PATTERNS, st.none() | st.text(min_size=1, max_size=10).filter(str.strip))),
    # Bounds and flags come from the form definition (numbers, booleans, or garbage from a broken file: DATA),
    # never exploding objects; the answer itself may be anything (ANY). A flag is tested for truth, as Python does.
    "check_number": (validators.check_number, st.one_of(_call(ANY, BOUNDS, BOUNDS, DATA), _call(ANY, minimum=BOUNDS, maximum=BOUNDS, integer=DATA))),
    "check_date": (validators.check_date, _call(ANY, not_future=DATA, min_date=ANY | st.dates(), max_date=ANY | st.dates(), today=ANY | st.dates())),
    "check_id_number": (validators.check_id_number, _call(
        st.one_of(ANY, st.text(string.digits, min_size=12, max_size=12)), birth_date=ANY | st.dates().map(dt.date.isoformat),
        sex=ANY | st.sampled_from(["nam", "nu", "Nữ", "NAM"]), today=ANY | st.dates())),
    "check_phone": (validators.check_phone, _call(ANY)),
    "check_email": (validators.check_email, _call(ANY)),
    "check_storable": (validators.check_storable, _call(ANY)),
    # geo compares the answer with {} first; the form engine's check_storable stops exploding objects before it.
    "check_address": (geo.check_address, _call(DATA)),
}


@pytest.mark.parametrize("name", sorted(VALIDATORS))
@PURE
@given(data=st.data())
def test_every_validator_returns_none_or_a_message(name, data) -> None:
    check, calls = VALIDATORS[name]
    args, kwargs = data.draw(calls)
    assert_message(check(*args, **kwargs))


@PURE
@given(number=st.one_of(st.text(string.digits + " +-", max_size=20), TEXT), birth=st.dates(dt.date(1900, 1, 1), dt.date(2399, 12, 31)),
       sex=st.sampled_from(["nam", "nu", None]), today=st.dates())
def test_id_number_check_with_real_dates_never_raises(number, birth, sex, today) -> None:
    assert_message(validators.check_id_number(number, birth_date=birth, sex=sex, today=today))
    assert_message(validators.check_id_number(number, birth_date=birth.strftime("%d/%m/%Y"), sex=sex, today=today))


@PURE
@given(value=ANY)
def test_parse_date_and_normalise_phone_return_their_types(value) -> None:
    parsed = validators.parse_date(value)
    assert parsed is None or isinstance(parsed, dt.date)
    assert isinstance(validators.normalise_phone(value), str)


@PURE
@given(value=st.one_of(TEXT, st.text(ANY_CHAR, max_size=200)), other=TEXT)
def test_text_helpers_never_raise(value, other) -> None:
    assert isinstance(text.fold(value), str)
    assert isinstance(text.sort_key(value), tuple)
    assert isinstance(text.matches(value, other), bool)
    assert text.normalise(value) == text.nfc(value).strip()


@PURE
@given(value=ANY)
def test_normalise_walks_any_structure(value) -> None:
    text.normalise(value)


@pytest.mark.parametrize("depth", [50, 900, 10_000])
def test_deep_nesting_reaches_no_recursion_limit(depth) -> None:
    nested = deep_list(depth)
    text.normalise(nested)
    for check in (validators.check_required, validators.check_length, validators.check_number, validators.check_date,
                  validators.check_id_number, validators.check_phone, validators.check_email, validators.normalise_phone):
        check(nested)
    assert validators.check_storable(nested) == (None if depth <= 10 else validators.MSG_INVALID)
    for proc in PROCEDURES:
        values = {**samples(proc.code, 0), "submitter_name": nested, "submitter_address": {"line": nested}}
        with no_swallowed_errors():
            errors = formengine.validate(proc, values, today=TODAY)
            cleaned = formengine.clean(proc, values, today=TODAY)
        assert "submitter_name" in errors and "submitter_address" in errors
        assert formengine.validate(proc, cleaned, today=TODAY)


@pytest.mark.parametrize("value, storable", [
    ("Nguyễn Văn Ánh", True), ("x\x00y 😀 \u202e", True), ("a\ud800b", False), (["ok", "\udfff"], False),
    ({"line": "\ud800"}, False), ({"\ud800": "x"}, False), ({1: "x"}, False), (deep_list(10), True), (deep_list(12), False),
    (10**400, True), (10**4000, False), (Decimal("3"), True), (dt.date(2020, 1, 1), True), ([dt.date(2020, 1, 1)], False),
    ([b"x"], False), (Explosive(), False), ([float("nan")], False),
])
def test_check_storable(value, storable) -> None:
    message = validators.check_storable(value)
    assert (message is None) is storable, message
    assert_message(message)


def test_answers_that_pass_are_what_json_and_utf8_can_hold() -> None:
    proc = next(p for p in PROCEDURES if p.code == "1.001193")
    values = {**samples(proc.code, 0), "copies_requested": True, "copies_count": Decimal("3")}
    cleaned = formengine.clean(proc, values, today=TODAY)
    assert cleaned["copies_count"] == 3 and type(cleaned["copies_count"]) is int
    assert formengine.validate(proc, cleaned, today=TODAY) == {}
    values["submitter_name"] = "Nguy\ud800n Văn An"
    assert formengine.validate(proc, values, today=TODAY)["submitter_name"] == validators.MSG_BAD_CHARACTER
    group = next(p for p in PROCEDURES if p.code == "2.000815")
    values = samples(group.code, 0)
    values["originals"][0]["original_document_name"] = "B\udfffng"
    assert "originals[0].original_document_name" in formengine.validate(group, values, today=TODAY)


# --- 2. the form engine ---------------------------------------------------------------------------

# --- 3. the wizard --------------------------------------------------------------------------------

# --- 4. expressions -------------------------------------------------------------------------------

TOKENS = st.sampled_from(["(", ")", "[", "]", ",", "-", "==", "!=", "<", "<=", ">", ">=", "and", "or", "not", "in", "true",
                          "false", "null", "today", "len", "year", "empty", "age", "days", "x", "y", "child_birth_date",
                          "1", "2.5", "'a'", '"b"', "'2024-01-01'", "'", '"', "\\", "ä", "A", "_x", "1x", "x.y", "9" * 40])
EXPRESSION_TEXT = st.one_of(
    st.text(max_size=60),
    st.text(ANY_CHAR, max_size=30),
    st.lists(TOKENS, max_size=30).map(" ".join),
    st.lists(TOKENS, max_size=30).map("".join),
    st.integers(0, 80).map(lambda n: "(" * n + "x" + ")" * n),
    st.integers(0, 80).map(lambda n: "not " * n + "x"),
    st.integers(0, 80).map(lambda n: "-" * n + "1"),
    st.integers(0, 80).map(lambda n: "[" * n + "]" * n),
    st.integers(0, 400).map(lambda n: " and ".join(["x"] * n)),
    st.just("1" * 1000), st.just("x" * 1001),
)
ENV = st.dictionaries(st.sampled_from(["x", "y", "child_birth_date"]),
                      st.one_of(ANY, st.dates().map(dt.date.isoformat), st.just(deep_list(5000))), max_size=3)


@PURE
@given(source=EXPRESSION_TEXT, env=ENV, today=st.one_of(st.none(), st.dates()))
def test_expressions_parse_or_raise_expr_error_and_evaluate_without_raising(source, env, today) -> None:
    try:
        parsed = expr.parse(source)
    except expr.ExprError as exc:
        assert isinstance(exc.position, int) and 0 <= exc.position <= max(len(source), expr.MAX_LENGTH)
        with pytest.raises(expr.ExprError):
            evaluation.evaluate(source, env, today)
        return
    assert isinstance(parsed, expr.Expr)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", name) and name not in expr.KEYWORDS for name in parsed.names)
    evaluation.evaluate(parsed, env, today)
    evaluation.evaluate(source, env, today)
    assert isinstance(evaluation.holds(parsed, env, today), bool)


@PURE
@given(source=EXPRESSION_TEXT, env=st.dictionaries(st.sampled_from(["x", "y", "child_birth_date"]),
                                                   st.one_of(DATA, st.dates().map(dt.date.isoformat)), max_size=3),
       today=st.dates())
def test_evaluator_needs_no_safety_net_for_ordinary_data(source, env, today) -> None:
    """evaluate() turns any exception into null; on JSON-like answers none should happen in the first place."""
    try:
        parsed = expr.parse(source)
    except expr.ExprError:
        return
    evaluation._Evaluator(env, today).run(parsed.root)


@PURE
@given(source=ANY)
def test_parse_refuses_non_text_with_its_own_error(source) -> None:
    assume(not isinstance(source, str))
    with pytest.raises(expr.ExprError):
        expr.parse(source)


# --- 5. hostile strings through submit ----------------------------------------------------------

# --- 6. the CLI's JSON file -----------------------------------------------------------------------
