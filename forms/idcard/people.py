"""Who on a form an ID card can be: the people of a procedure, and the answers a card gives each of them.

A person is a page with a field of type `id_number`; its other fields follow the definitions' naming habit
(`<prefix>_id_number`, `<prefix>_full_name` or `<prefix>_name`, `<prefix>_birth_date`, `<prefix>_sex`,
`<prefix>_residence` or `<prefix>_address`, `<prefix>_id_paper_type`, `<prefix>_nationality`). Reading the
people from the definition, not from a table, keeps every procedure and every later version covered without a
list to maintain; a page that breaks the habit simply gets fewer fields filled (tests/unit/forms/test_card_people.py
checks every shipped procedure).

Only what the form asks for is produced: the card's date of issue and old number are dropped unless the person
has a field for them (`<prefix>_id_paper_issue_date`, `<prefix>_old_id_number`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from forms.idcard.payload import IdCard
from forms.model import Field, Procedure

CARD_PAPER = "can_cuoc"  # the `*_id_paper_type` choice for "Thẻ căn cước / Căn cước công dân"
VIETNAM = "VN"


@dataclass(frozen=True)
class CardPerson:
    """One person of a procedure a card can fill; `fields` maps a card part to the field id that takes it."""

    page_id: str
    label: str  # the page title, as the chooser shows it ("Thông tin người mẹ")
    prefix: str
    fields: Mapping[str, str]  # "name", "id_number", "birth_date", "sex", "residence", "paper_type", ...

    @property
    def field_ids(self) -> tuple[str, ...]:
        return tuple(self.fields.values())


_PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("name", ("full_name", "name")),
    ("birth_date", ("birth_date",)),
    ("sex", ("sex",)),
    ("residence", ("residence", "address")),
    ("paper_type", ("id_paper_type",)),
    ("nationality", ("nationality",)),
    ("issue_date", ("id_paper_issue_date",)),
    ("old_number", ("old_id_number",)),
)


def card_people(procedure: Procedure) -> tuple[CardPerson, ...]:
    """The people of `procedure` a card can fill, in page order (the submitter first on every shipped form)."""
    people: list[CardPerson] = []
    for page in procedure.pages:
        by_id: dict[str, Field] = {f.id: f for f in page.fields}
        for field in page.fields:
            if field.type != "id_number" or not field.id.endswith("_id_number"):
                continue
            prefix = field.id[: -len("_id_number")]
            found = {"id_number": field.id}
            for part, suffixes in _PARTS:
                for suffix in suffixes:
                    if f"{prefix}_{suffix}" in by_id:
                        found[part] = f"{prefix}_{suffix}"
                        break
            if "name" in found:
                people.append(CardPerson(page.id, page.title, prefix, found))
    return tuple(people)


def card_answers(person: CardPerson, card: IdCard, residence: Mapping[str, str] | None) -> dict[str, Any]:
    """The answers `card` gives `person`: only fields the person has. `residence` is the 2025 address answer
    (`forms.idcard.address.AddressMapping.answer()`), None when the officer has not settled it: then the address
    field is left for the officer."""
    values: dict[str, Any] = {person.fields["name"]: card.full_name, person.fields["id_number"]: card.number}
    given: dict[str, Any] = {
        "birth_date": card.birth_date.isoformat(),
        "sex": card.sex,
        "residence": dict(residence) if residence else None,
        "paper_type": CARD_PAPER,
        "nationality": VIETNAM,
        "issue_date": card.issue_date.isoformat() if card.issue_date else None,
        "old_number": card.old_number or None,
    }
    for part, value in given.items():
        if part in person.fields and value is not None:
            values[person.fields[part]] = value
    return values


def conflicts(current: Mapping[str, Any], answers: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Fields already answered differently from the card: {field_id: (typed, card)}. The officer decides; a blank
    field is no conflict, nor is the same answer typed with other spacing or case."""

    def same(a: Any, b: Any) -> bool:
        if isinstance(a, str) and isinstance(b, str):
            return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
        return a == b

    return {
        field_id: (current.get(field_id), value)
        for field_id, value in answers.items()
        if current.get(field_id) not in (None, "", {}, []) and not same(current.get(field_id), value)
    }
