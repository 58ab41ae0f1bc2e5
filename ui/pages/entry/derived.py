"""Answers derived from other answers on screen (docs/retyping.md): the birth place from the facility's name,
the requester's relationship from the submitter's sex. The rules are forms.prefill's; this module decides when.

The birth place follows the facility when the officer leaves the facility box (not on each key: a half-typed
"phường Bến" must not make the birth place jump), or when the facility is set without typing (a draft, a copy).
It is put into the birth place's own widget, so the wizard stores it like a typed answer, and only while that
box is empty or still holds what was derived: once the officer edits it, it is theirs.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from forms import geo
from forms.model import Procedure
from forms.prefill.birth_place import birth_place_from_facility, facility_pairs, may_replace
from forms.prefill.requester import guessed_relationship

Rows = Callable[[], Mapping[str, Any]]
Values = Callable[[], Mapping[str, Any]]


def site_province(settings: Any) -> str | None:
    """The site's province code (from its commune of residence setting, else its own commune), or None."""
    if settings is None:
        return None
    found = geo.commune(getattr(settings, "residence_commune", "") or getattr(settings, "commune_code", ""))
    return found.province_code if found is not None else None


class BirthPlaceFromFacility:
    """Keeps one `<who>_birth_place` box in step with its `<who>_birth_facility` box (see the module doc)."""

    def __init__(self, facility_id: str, place_id: str, rows: Rows, values: Values, province: str | None) -> None:
        self.facility_id, self.place_id = facility_id, place_id
        self._rows, self._values, self._province = rows, values, province
        self._birth_date_id = facility_id.removesuffix("_birth_facility") + "_birth_date"
        derived = self.derived()
        place = rows()[place_id].widget.value()
        # A page shown again: a birth place equal to what the facility gives was (as far as anyone can tell) ours.
        self.filled: str | None = derived if derived is not None and place == derived else None
        facility = rows()[facility_id].widget
        facility.birth_place_link = self  # type: ignore[attr-defined]  # lives as long as the page's widgets
        facility.input.editingFinished.connect(self.update)
        facility.changed.connect(lambda: None if facility.input.hasFocus() else self.update())

    def derived(self) -> str | None:
        current = self._values()
        return birth_place_from_facility(current.get(self.facility_id), self._province, current.get(self._birth_date_id))

    def update(self) -> None:
        """Fill (or clear) the birth place from the facility, if it is empty or still what was filled."""
        rows = self._rows()
        if self.place_id not in rows:
            return
        place = rows[self.place_id].widget
        if not may_replace(place.value(), self.filled):
            return
        derived = self.derived()
        if derived is None and self.filled is None:
            return  # nothing derived now, and the box holds nothing of ours to take back
        self.filled = derived
        if place.value() != derived:
            place.set_value(derived)  # `changed` → stored by the wizard; None empties what no longer holds


def link_birth_places(rows: Rows, values: Values, settings: Any) -> list[BirthPlaceFromFacility]:
    """Every facility/birth place pair of the page (forms.prefill.birth_place.facility_pairs) kept in step."""
    province = site_province(settings)
    return [BirthPlaceFromFacility(facility, place, rows, values, province) for facility, place in facility_pairs(list(rows()))]


def guess_requester(procedure: Procedure, rows: Rows, values: Values) -> None:
    """On a page holding the requester's relationship, still empty: the mother for a woman submitter, the father
    for a man (forms.prefill.requester). Set through the widget, so it is an answer the officer sees and changes."""
    for row in rows().values():
        guess = guessed_relationship(procedure, row.field, values())
        if guess is not None:
            row.widget.set_value(guess)
