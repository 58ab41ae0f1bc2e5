"""Hypothesis strategies and hostile strings shared by the property tests (tests/unit/forms/test_properties.py
and tests/scenarios/processes/test_properties_deep.py)."""

from __future__ import annotations

from hypothesis import strategies as st

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
