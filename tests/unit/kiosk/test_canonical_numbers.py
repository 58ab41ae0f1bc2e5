"""One canonical form per value (issue 15 item 8, docs/canonical-forms.md): an ID or phone number typed or pasted with
any white space, dash or full-width digit is stored, put in the column, indexed and sent as its plain digits, and
names with an apostrophe are found with any apostrophe or none."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from forms.samples import sample_values

PROCEDURE = "1.004873"  # marital status certificate: the submitter's name, ID number and phone


def _submit(ctx, officer, **answers):  # noqa: ANN001, ANN202
    from kiosk.dossier.submit import submit

    procedure = ctx.catalogue.get(PROCEDURE)
    values = {**sample_values(procedure, seed=1, today=date.today()), **answers}
    return submit(ctx, procedure=procedure, values=values, officer=officer).code


def _stored(ctx, code: str) -> tuple[dict, str | None, dict]:  # noqa: ANN001
    """The dossier's values, its ID-number column and the values of its first revision's snapshot (what is sent)."""
    from kiosk.storage.models import Dossier, OutboxEntry

    with ctx.read() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.code == code))
        snapshot = session.scalar(select(OutboxEntry.snapshot).where(OutboxEntry.dossier_id == dossier.id))
        return dict(dossier.values), dossier.submitter_id_number, snapshot["values"]


def _found(ctx, query: str) -> list[str]:  # noqa: ANN001
    from kiosk.dossier.search import find_dossiers

    return [row.code for row in find_dossiers(ctx, query)]


def _valid_id(ctx) -> str:  # noqa: ANN001
    return sample_values(ctx.catalogue.get(PROCEDURE), seed=1, today=date.today())["submitter_id_number"]


def test_an_id_number_pasted_with_no_break_spaces_is_stored_as_its_digits_and_found_by_them(ctx, officer) -> None:
    digits = _valid_id(ctx)
    pasted = "\u00a0".join((digits[:4], digits[4:8], digits[8:]))  # "0010\u00a09901\u00a02345", as from a document
    code = _submit(ctx, officer, submitter_id_number=pasted)
    values, column, sent = _stored(ctx, code)
    assert values["submitter_id_number"] == column == sent["submitter_id_number"] == digits
    assert code in _found(ctx, digits)
    assert code in _found(ctx, pasted)  # and by what was pasted


@pytest.mark.parametrize("separator", ["\t", "\u202f", "\u3000", "-", "\u2010", "\u2013", "\u2212", " \u00a0"])
def test_every_white_space_and_dash_leaves_the_id_number_and_the_phone(ctx, officer, separator: str) -> None:
    digits = _valid_id(ctx)
    code = _submit(ctx, officer, submitter_id_number=separator.join((digits[:3], digits[3:6], digits[6:])),
                   submitter_phone=separator.join(("0912", "345", "678")))
    values, column, sent = _stored(ctx, code)
    assert values["submitter_id_number"] == column == sent["submitter_id_number"] == digits
    assert values["submitter_phone"] == sent["submitter_phone"] == "0912345678"
    assert code in _found(ctx, digits)


def test_full_width_digits_are_stored_as_ascii_digits(ctx, officer) -> None:
    digits = _valid_id(ctx)
    full_width = "".join(chr(0xFF10 + int(d)) for d in digits)
    code = _submit(ctx, officer, submitter_id_number=full_width, submitter_phone="０９１２\u3000３４５\u3000６７８")
    values, column, sent = _stored(ctx, code)
    assert values["submitter_id_number"] == column == sent["submitter_id_number"] == digits
    assert values["submitter_phone"] == sent["submitter_phone"] == "0912345678"
    assert code in _found(ctx, digits)


@pytest.mark.parametrize(
    "name, queries",
    [
        ("H’Bia Byă", ["h'bia bya", "h’bia bya", "hbia bya", "H`Bia", "hʼbia"]),
        ("H'Hen Niê", ["hhen nie", "h'hen nie", "h’hen"]),
        ("Ksor Yʼ Blơng", ["ksor y blong", "ksor y' blong"]),
    ],
)
def test_a_name_with_an_apostrophe_is_found_with_any_apostrophe_or_none(ctx, officer, name: str, queries: list[str]) -> None:
    code = _submit(ctx, officer, submitter_name=name)
    for query in queries:
        assert code in _found(ctx, query), query


# Separators a pasted or typed number carries, and digit forms of other scripts: the validator accepts them all.
_SEPARATORS = st.sampled_from([" ", "\t", "\u00a0", "\u202f", "\u2007", "\u3000", "\u200b", "-", "\u2010", "\u2011",
                               "\u2012", "\u2013", "\u2014", "\u2015", "\u2212", "\ufe63", "\uff0d"])
_DIGIT_FORMS = st.sampled_from([0x30, 0xFF10, 0x0660, 0x06F0, 0x0966, 0x0E50])  # ASCII, full-width, Arabic-Indic, …


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_id_number_the_validator_accepts_is_stored_canonical_and_found(ctx, officer, data) -> None:
    from forms import validators
    from forms.text import canonical_id_number

    digits = _valid_id(ctx)
    typed = ""
    for i, digit in enumerate(digits):
        if i and data.draw(st.booleans()):
            typed += "".join(data.draw(st.lists(_SEPARATORS, min_size=1, max_size=2)))
        typed += chr(data.draw(_DIGIT_FORMS) + int(digit))
    typed = data.draw(st.sampled_from(["", " ", "\u00a0", "\t"])) + typed + data.draw(st.sampled_from(["", " ", "\u3000"]))
    assert validators.check_id_number(typed) is None  # the validator accepts it ...
    code = _submit(ctx, officer, submitter_id_number=typed)
    values, column, sent = _stored(ctx, code)
    assert values["submitter_id_number"] == column == sent["submitter_id_number"] == canonical_id_number(typed) == digits
    assert code in _found(ctx, digits)  # ... and a search by its canonical form finds the dossier


def test_the_sync_body_carries_the_canonical_numbers(ctx, officer) -> None:
    from sync import outbox
    from kiosk.storage.models import Dossier, OutboxEntry

    digits = _valid_id(ctx)
    code = _submit(ctx, officer, submitter_id_number=f"{digits[:6]}\u00a0{digits[6:]}", submitter_phone="+84\u00a0912\u2011345\u2011678")
    with ctx.read() as session:
        entry_id = session.scalar(select(OutboxEntry.id).join(OutboxEntry.dossier).where(Dossier.code == code))
    body = json.loads(outbox.prepare(ctx, entry_id).payload)
    assert body["values"]["submitter_id_number"] == digits and body["values"]["submitter_phone"] == "0912345678"
