""""Giống người nộp hồ sơ" and "Cùng địa chỉ với …": answers copied from one person of a form to another.

The people are forms.idcard.people's (a page with an `<prefix>_id_number` field); the submitter is the one whose
prefix is "submitter". Only parts both people have are copied; an ID number copied sets the paper type to the
card, since the submitter's number is a 12-digit personal identification number. Which answers would replace
something already typed is forms.idcard.people.conflicts' job: the screen asks before replacing them.
"""

from __future__ import annotations

from typing import Any, Mapping

from forms.idcard.people import CARD_PAPER, CardPerson, card_people
from forms.model import Procedure

SUBMITTER = "submitter"
COPIED_PARTS = ("name", "id_number", "birth_date", "sex", "residence")


def _answered(value: Any) -> bool:
    if isinstance(value, dict):
        return any(isinstance(v, str) and v.strip() for v in value.values())
    return value not in (None, "", []) and not (isinstance(value, str) and not value.strip())


def submitter(procedure: Procedure) -> CardPerson | None:
    """The person who files the dossier, when the form has one."""
    return next((p for p in card_people(procedure) if p.prefix == SUBMITTER), None)


def person_on_page(procedure: Procedure, page_id: str) -> CardPerson | None:
    """The person (other than the submitter) whose answers `page_id` holds, if any."""
    return next((p for p in card_people(procedure) if p.page_id == page_id and p.prefix != SUBMITTER), None)


def copied_from_submitter(procedure: Procedure, person: CardPerson, values: Mapping[str, Any]) -> dict[str, Any]:
    """The answers "Giống người nộp hồ sơ" gives `person`: each part both have that the submitter answered."""
    source = submitter(procedure)
    if source is None:
        return {}
    copied: dict[str, Any] = {}
    for part in COPIED_PARTS:
        if part in source.fields and part in person.fields and _answered(values.get(source.fields[part])):
            value = values[source.fields[part]]
            copied[person.fields[part]] = dict(value) if isinstance(value, dict) else value
    if person.fields.get("id_number") in copied and "paper_type" in person.fields:
        copied = {person.fields["paper_type"]: CARD_PAPER, **copied}  # first: it shows the number's field
    return copied


def address_sources(procedure: Procedure, field_id: str, values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The other address fields of the form already answered, as (field id, "page title — field label"),
    in page order: the choices of "Cùng địa chỉ với …" for `field_id`."""
    found: list[tuple[str, str]] = []
    for page in procedure.pages:
        for field in page.fields:
            if field.type == "address" and field.id != field_id and _answered(values.get(field.id)):
                found.append((field.id, f"{page.title} — {field.label}"))
    return found
