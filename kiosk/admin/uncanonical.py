"""Doctor's list of received dossiers whose ID or phone number is not whole, for the officer to correct by amendment.

Migration 0008 put every ID and phone answer in its canonical form (docs/canonical-forms.md), except in rows
where that form is not whole: digits lost before (an ID number cut to 12 characters with its spaces, a phone
missing a digit). Those rows were left as they are; this check names each one (code and field) so the officer
amends it with the paper copy in hand. An amendment validates the whole dossier, so it leaves none behind.
"""

from __future__ import annotations

from typing import Any, Iterator

from sqlalchemy import select

from forms.model import Procedure
from forms.text import canonical_id_number, canonical_phone, well_formed_id_number, well_formed_phone

MAX_LISTED = 30  # beyond this one line says how many more: a doctor report is read, not scrolled


def _number_fields(procedure: Procedure | None, values: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """{field id: (type, label)} of the ID and phone fields; by name (…_id_number, …_phone) when the definition is gone."""
    if procedure is not None:
        fields = [f for top in procedure.top_fields() for f in (top, *top.fields)]
        return {f.id: (f.type, f.label) for f in fields if f.type in ("id_number", "phone")}
    named = {}
    for key in values:
        if key.endswith("_id_number"):
            named[key] = ("id_number", key)
        elif key.endswith("_phone"):
            named[key] = ("phone", key)
    return named


def broken_numbers(values: dict[str, Any], fields: dict[str, tuple[str, str]]) -> Iterator[str]:
    """The labels of the ID and phone answers in `values` whose canonical form is not whole (group items included)."""
    def bad(field_id: str, value: Any) -> bool:
        kind = fields[field_id][0]
        if value is None or (isinstance(value, str) and not value.strip()):
            return False
        if kind == "id_number":
            return not well_formed_id_number(canonical_id_number(value))
        return not well_formed_phone(canonical_phone(value))

    answers = [(key, value) for key, value in values.items() if not isinstance(value, list)]
    answers += [pair for value in values.values() if isinstance(value, list) for item in value if isinstance(item, dict) for pair in item.items()]
    yield from dict.fromkeys(fields[key][1] for key, value in answers if key in fields and bad(key, value))


def uncanonical_findings(ctx: Any) -> list[Any]:
    """One doctor finding per received dossier with an ID or phone number that is not whole; one "ok" when none."""
    from kiosk.admin.doctor import Finding
    from kiosk.storage.models import Dossier

    found: list[tuple[str, str]] = []
    with ctx.read() as session:
        rows = session.execute(
            select(Dossier.code, Dossier.procedure_code, Dossier.procedure_version, Dossier.values)
            .where(Dossier.lifecycle != "draft", Dossier.purged_at.is_(None)).order_by(Dossier.id)
        ).all()
    for code, procedure_code, version, values in rows:
        if not isinstance(values, dict):
            continue
        fields = _number_fields(ctx.catalogue.get(procedure_code, version), values)
        found.extend((code, label) for label in broken_numbers(values, fields))
    if not found:
        return [Finding("numbers", "ok", "Số định danh và số điện thoại của mọi hồ sơ đều đủ chữ số.",
                        "Every dossier's ID and phone numbers are whole.")]
    findings = [
        Finding("numbers", "warning",
                f"Hồ sơ {code}: «{label}» bị thiếu hoặc sai chữ số (lưu trước khi chuẩn hóa); "
                "hãy đối chiếu bản giấy và sửa bằng chức năng Bổ sung hồ sơ.",
                f"Dossier {code}: '{label}' has lost digits; correct it by an amendment.")
        for code, label in found[:MAX_LISTED]
    ]
    if len(found) > MAX_LISTED:
        more = len(found) - MAX_LISTED
        findings.append(Finding("numbers", "warning", f"Còn {more} trường khác như vậy.", f"{more} more such fields."))
    return findings
