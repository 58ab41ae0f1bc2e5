"""The wizard's two hooks into the retyping helpers (docs/retyping.md), one call each so wizard.py stays small."""

from __future__ import annotations

from typing import Any, Mapping

from forms.model import Page, Procedure
from ui.pages.entry.derived import guess_requester, link_birth_places
from ui.pages.entry.office_completer import add_office_completers
from ui.pages.entry.same_as import Rows, Values, add_address_menus, add_same_as_submitter
from ui.pages.entry.site_defaults import new_dossier_values, preselect_communes


def starting_values(settings: Any, procedure: Procedure, values: Mapping[str, Any], draft_uuid: str | None) -> dict[str, Any]:
    """What a dossier starts with: a new one (no draft) gets the site's defaults in its empty fields, a draft nothing."""
    return dict(values) if draft_uuid else new_dossier_values(settings, procedure, values)


def equip_form_page(procedure: Procedure, page: Page, rows: Rows, values: Values, settings: Any) -> None:
    """After a form page's boxes are made: the copy buttons, the site's commune in the empty address boxes, the
    office suggestions, the birth place following the facility, and the requester guessed from the submitter."""
    add_same_as_submitter(procedure, page, rows, values)
    add_address_menus(procedure, rows, values)
    preselect_communes((row.widget for row in rows().values()), settings)
    add_office_completers(rows, settings)
    link_birth_places(rows, values, settings)
    guess_requester(procedure, rows, values)
