"""The canonical-form rule (forms/text.py) and the copy migration 0008 writes out agree on what they both see, so the
rows the migration rewrote are exactly what the cleaner stores today (docs/canonical-forms.md)."""

from __future__ import annotations

import importlib.util

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forms.text import canonical_id_number, canonical_phone, fold, national_phone
from kiosk.storage.db import MIGRATIONS_DIR


def _migration():  # noqa: ANN202
    spec = importlib.util.spec_from_file_location("migration_0008", MIGRATIONS_DIR / "versions" / "0008_canonical_numbers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MIGRATION = _migration()
_TEXT = st.text(alphabet=st.sampled_from(list("0123456789+.-' aăđHhBy") + ["\u00a0", "\t", "\u202f", "\u3000", "\u2013",
                                                                            "\u2212", "\uff10", "\uff19", "\u0663", "\u2019",
                                                                            "\u02bc", "\u200b", "\uff0b", "\u0301"]), max_size=20)


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_the_migration_folds_and_canonicalises_as_the_application_does(text: str) -> None:
    assert MIGRATION._fold(text) == fold(text)
    assert MIGRATION._compact(text) == canonical_id_number(text)
    assert MIGRATION._phone(text) == national_phone(text)


@pytest.mark.parametrize(
    "typed, canonical",
    [("0010\u00a09901\u00a02345", "001099012345"), ("\t001 099-012\u2013345\u3000", "001099012345"),
     ("００１０９９０１２３４５", "001099012345"), ("0010\u200b9901\u202f2345", "001099012345")],
)
def test_an_id_number_keeps_only_its_digits(typed: str, canonical: str) -> None:
    assert canonical_id_number(typed) == canonical


def test_a_phone_number_is_zero_and_nine_digits_and_a_name_is_folded_without_apostrophes() -> None:
    assert {canonical_phone(p) for p in ("+84 912-345-678", "０９１２\u00a0３４５\u00a0６７８", "84912345678", "0912.345.678")} == {"0912345678"}
    assert {fold(n) for n in ("H’Bia Byă", "H'Bia Bya", "HBia Byă", "Hʼbia byă", "H`Bia Bya")} == {"hbia bya"}
