"""The site defaults of docs/retyping.md are settings like the others: checked, and editable at the kiosk."""

from __future__ import annotations

import pytest

from kiosk.errors import InputError
from kiosk.storage.settings import SiteSettings, settings_from_dict
from kiosk.storage.site import EDITABLE

SITE = {"unit_id": "000.00.07.H26", "unit_name": "UBND xã Bát Tràng", "commune_code": "00583", "kiosk_number": 1}


def test_defaults_of_an_upgraded_site() -> None:
    settings = settings_from_dict(dict(SITE))
    assert (settings.registration_place, settings.residence_commune, settings.default_ethnicity) == ("", "", "01")
    assert {"registration_place", "residence_commune", "default_ethnicity"} <= set(EDITABLE)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [("default_ethnicity", "Kinh", "01 = Kinh"), ("residence_commune", "123", "5 chữ số"), ("residence_commune", "99999", "Không có xã")],
)
def test_bad_defaults_are_refused_in_vietnamese(key: str, value: str, message: str) -> None:
    with pytest.raises(InputError) as raised:
        settings_from_dict({**SITE, key: value})
    assert message in str(raised.value)


def test_a_mountain_commune_sets_its_own() -> None:
    assert SiteSettings(**SITE, default_ethnicity="08", residence_commune="04498").errors() == {}
