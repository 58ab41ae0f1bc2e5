"""The site's defaults for a new dossier: the place of registration and the ethnicity, filled only where empty.

Why here and not in the definitions: the right answer depends on the site (a commune's own name; Kinh in the
delta, Mông or Thái in a mountain commune), and one catalogue serves every site. Why only empty fields: a
default must never replace what came from a draft, a guidance notice or an ID card. The commune of residence is
not a value at all: the address widgets only pre-select it (ui/pages/entry/site_defaults.py), so an address the
officer never touched stays empty.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from forms.model import Field, Procedure

ETHNICITY_FILE = Path(__file__).resolve().parent.parent / "choices" / "ethnicity.json"
KINH = "01"
# Fields that name where an earlier civil-status event was registered: at a commune counter, most often the
# commune itself ("Nơi đăng ký" of the birth being corrected or copied).
REGISTRATION_PLACE_SUFFIXES = ("_registration_office",)
ETHNICITY_SUFFIX = "_ethnicity"


@lru_cache(maxsize=1)
def ethnicities() -> dict[str, str]:
    """The ethnicity list's value → label (Quyết định 121-TCTK/PPCĐ), read from the shipped choice list."""
    doc = json.loads(ETHNICITY_FILE.read_text(encoding="utf-8"))
    return {choice["value"]: choice["label"] for choice in doc["choices"]}


def check_ethnicity(value: Any) -> str | None:
    """None for a value of the ethnicity list, else a Vietnamese message with examples."""
    if isinstance(value, str) and value in ethnicities():
        return None
    return "Phải là mã dân tộc trong danh mục (ví dụ 01 = Kinh, 02 = Tày, 03 = Thái, 06 = Mường, 08 = Mông)."


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == {} or value == [] or (isinstance(value, str) and not value.strip())


def _default_for(field: Field, registration_place: str, ethnicity: str) -> Any:
    if field.type == "text" and registration_place.strip() and field.id.endswith(REGISTRATION_PLACE_SUFFIXES):
        return registration_place.strip()
    if field.type == "choice" and field.id.endswith(ETHNICITY_SUFFIX) and field.choice(ethnicity):
        return ethnicity
    return None


def site_defaults(procedure: Procedure, values: Mapping[str, Any], *, registration_place: str, ethnicity: str) -> dict[str, Any]:
    """`values` with the site's defaults added to the fields that are empty; nothing answered is changed."""
    filled = dict(values)
    for field in procedure.top_fields():
        if not _empty(filled.get(field.id)):
            continue
        default = _default_for(field, registration_place, ethnicity)
        if default is not None:
            filled[field.id] = default
    return filled
