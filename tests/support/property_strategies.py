"""Hypothesis strategies and hostile strings shared by the property tests (tests/unit/forms/test_properties.py
and tests/scenarios/processes/test_properties_deep.py)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from contextlib import contextmanager
from functools import cache

from hypothesis import settings
from hypothesis import strategies as st

from forms.catalogue import load_catalogue
from forms.model import Procedure
from forms.samples import sample_values

# --- hostile input ------------------------------------------------------------------------------

HOSTILE = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "'; DROP TABLE dossier; --",
    '" OR 1=1 --',
    "Robert'); DELETE FROM dossier WHERE ('1'='1",
    "x\x00y",
    "\x00",
    "a\ud800b",  # lone surrogates: valid in a Python str, not encodable as UTF-8
    "\udfff",
    "\u202eevil\u202c",  # right-to-left override
    "\u200f\u05d0\u05d1\u05d2",
    "😀👨‍👩‍👧‍👦",
    "𝕏𠀀𨭎",  # 4-byte UTF-8
    "Nguye\u0302\u0303n Va\u0306n",  # decomposed Vietnamese: stored in NFC
    "  đệm hai đầu  ",
    "{{7*7}} ${7*7} %s %n {0}",
    "../../etc/passwd",
    "\r\n\t",
    "\ufeffBOM \uffff \U0010ffff",
    "ﷺ" * 50,
)
FRAGMENTS = st.sampled_from(HOSTILE + ("a", "1", " ", "'", '"', "\\", "\u0301", "é", "@", ".", "-", "/"))
# Hypothesis leaves surrogates (category Cs) out of text() unless asked.
ANY_CHAR = st.characters(exclude_categories=())
TEXT = st.one_of(
    st.text(max_size=30),
    st.text(ANY_CHAR, max_size=30),
    st.lists(FRAGMENTS, max_size=5).map("".join),
    st.sampled_from(HOSTILE),
    st.sampled_from(["", " ", "0", "1", "true", "có", "khong", "2024-02-29", "31/02/2000", "29/02/2024",
                     "0912345678", "+84912345678", "001090123456", "ten@example.com", "1,5", "1e9", "NaN", "-0"]),
)
# Built lazily: a strategy holding an int of 4,300+ digits cannot even be repr()'d.
class Explosive:
    """An object whose str(), comparisons, truth value and length all raise (what a buggy caller might pass)."""

    def __repr__(self) -> str:
        return "Explosive()"

    def _boom(self, *args):
        raise RuntimeError("boom")

    __str__ = __eq__ = __lt__ = __le__ = __gt__ = __ge__ = __bool__ = __len__ = __iter__ = _boom
    __hash__ = object.__hash__


HUGE_INTS = st.sampled_from([63, 200, 4400, -5000]).map(lambda e: 10 ** abs(e) * (1 if e > 0 else -1))
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    HUGE_INTS,
    st.floats(allow_nan=True, allow_infinity=True),
    TEXT,
    st.binary(max_size=10),
    st.dates(),
    st.datetimes(),
    st.decimals(allow_nan=True, allow_infinity=True),
)
KEYS = st.one_of(st.text(max_size=8), st.sampled_from(["line", "commune_code", "province_code", "sha256", "filename", "mime", "size"]))


def _nested(leaves: st.SearchStrategy) -> st.SearchStrategy:
    return st.recursive(
        leaves,
        lambda inner: st.one_of(st.lists(inner, max_size=4), st.tuples(inner, inner), st.dictionaries(KEYS, inner, max_size=4)),
        max_leaves=12,
    )


DATA = _nested(SCALARS)  # what JSON, Qt widgets or a careless caller can produce
ANY = _nested(st.one_of(SCALARS, st.builds(Explosive)))  # ... and objects that explode when touched


TODAY = dt.date(2026, 3, 15)


SCALE = float(os.environ.get("KIOSK_PROPERTY_SCALE", "1"))  # search longer by hand: KIOSK_PROPERTY_SCALE=20


PURE = settings(max_examples=int(200 * SCALE), deadline=None, database=None)


PROCEDURES: tuple[Procedure, ...] = tuple(load_catalogue().latest())


def deep_list(depth: int) -> list:
    root: list = []
    node = root
    for _ in range(depth - 1):
        child: list = []
        node.append(child)
        node = child
    return root


@cache
def _sample_json(code: str, seed: int) -> str:
    proc = next(p for p in PROCEDURES if p.code == code)
    return json.dumps(sample_values(proc, seed=seed, today=TODAY))


def samples(code: str, seed: int) -> dict:
    """A valid sample, freshly copied: the wizard edits group items in place."""
    return json.loads(_sample_json(code, seed))


def typed_value(field) -> st.SearchStrategy:
    """Values near what the officer types, so visibility and constraints get exercised, not just type errors."""
    t = field.type
    if t in ("choice", "multichoice") and field.choices:
        one = st.sampled_from([c.value for c in field.choices])
        return one if t == "choice" else st.lists(one, max_size=4)
    if t == "yesno":
        return st.one_of(st.booleans(), st.sampled_from(["có", "không", "1", "0", "x"]))
    if t == "date":
        return st.one_of(st.dates(dt.date(1880, 1, 1), dt.date(2110, 1, 1)).map(dt.date.isoformat), st.dates())
    if t == "number":
        return st.one_of(st.integers(-5, 3000), st.floats(-10, 3000), st.integers(0, 60).map(str))
    if t == "address":
        return st.fixed_dictionaries({"line": TEXT, "commune_code": st.sampled_from(["00583", "00001", "99999", ""]),
                                      "province_code": st.sampled_from(["01", "1", "79", "", "xx"])})
    if t == "group":
        item = st.dictionaries(st.sampled_from([s.id for s in field.fields] + ["junk"]),
                               st.one_of(ANY, *(typed_value(s) for s in field.fields)), max_size=len(field.fields) + 1)
        return st.lists(st.one_of(item, ANY), max_size=3)
    if t == "attachment":
        return st.lists(st.fixed_dictionaries({"sha256": st.just("a" * 64) | TEXT, "filename": TEXT, "mime": TEXT,
                                               "size": st.integers(-1, 10**6)}), max_size=2)
    return TEXT


@contextmanager
def no_swallowed_errors():
    """The form engine's catch-all logs a bug and shows "invalid"; reaching it is a failure here."""
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Collect(logging.ERROR)
    loggers = [logging.getLogger("forms.formengine"), logging.getLogger("forms.expr")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
    assert not records, [(r.getMessage(), r.exc_text or r.exc_info) for r in records]


def assert_message(message) -> None:
    assert message is None or (isinstance(message, str) and message.strip()), repr(message)
