"""The site's defaults on screen (docs/retyping.md): a new dossier's answers, and the commune pre-selected in the
address boxes. The rules are forms.prefill.defaults'; this module reads them from the site settings."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from forms import geo
from forms.model import Procedure
from forms.prefill.defaults import site_defaults
from ui.pages.fields import AddressField


def new_dossier_values(settings: Any, procedure: Procedure, values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` with the site's place of registration and ethnicity in the fields still empty."""
    if settings is None:
        return dict(values)
    place = settings.registration_place or settings.unit_name
    return site_defaults(procedure, values, registration_place=place, ethnicity=settings.default_ethnicity)


def residence_commune(settings: Any) -> tuple[str, str] | None:
    """(province code, commune code) the address boxes start on: the setting, else the site's own commune."""
    if settings is None:
        return None
    found = geo.commune(settings.residence_commune or settings.commune_code)
    return (found.province_code, found.code) if found is not None else None


def preselect_communes(widgets: Iterable[Any], settings: Any) -> None:
    """Every empty address box starts on the site's province and commune. Not an answer: the address stays
    empty (AddressField.value() is None) until the officer types the street line or picks another commune."""
    where = residence_commune(settings)
    if where is None:
        return
    for widget in widgets:
        if isinstance(widget, AddressField) and widget.value() is None:
            widget.preselected = where
            widget.blockSignals(True)  # not an answer: the wizard must not see a change
            widget.set_value({"province_code": where[0], "commune_code": where[1]})
            widget.blockSignals(False)
