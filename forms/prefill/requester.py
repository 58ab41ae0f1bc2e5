"""The requester's relationship to the child, guessed from the submitter's sex in a birth registration.

Why: the parents file most births, and the requester of 1.001193 is the submitter (page nguoi_yeu_cau holds
the submitter's own paper and relationship). A woman filing is most often the mother, a man the father.
The guess is an answer the officer sees on the page and changes in one key when it is the grandmother; it is
made only while the relationship is still empty, and only where the list offers "me" and "cha".

Not for other procedures with the same field: in a death registration (1.000656) a woman filing is more
often the wife or a daughter than the mother, and the guess would be wrong more often than right.
"""

from __future__ import annotations

from typing import Any, Mapping

from forms.model import Field, Procedure

RELATIONSHIP_FIELD = "requester_relationship"
SEX_FIELD = "submitter_sex"
PARENT_FILED = frozenset({"1.001193"})  # birth registration: the relationship is to the newborn
BY_SEX = {"nu": "me", "nam": "cha"}


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def guessed_relationship(procedure: Procedure, field: Field, values: Mapping[str, Any]) -> str | None:
    """"me" for a woman submitter, "cha" for a man, in a birth registration's empty requester_relationship
    whose choices have that value; None otherwise (already answered, sex unknown, another procedure)."""
    if procedure.code not in PARENT_FILED or field.id != RELATIONSHIP_FIELD or field.type != "choice":
        return None
    if not _empty(values.get(field.id)):
        return None
    guess = BY_SEX.get(values.get(SEX_FIELD))  # type: ignore[arg-type]
    return guess if guess is not None and field.choice(guess) else None
