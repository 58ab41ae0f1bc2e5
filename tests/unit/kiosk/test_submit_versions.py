"""Submit under the definition version in force on the local day (docs/definition-versions.md): a dossier received
after an effective date follows the new requirements, one received before keeps (and reprints) what it was
received with, and answers typed under an older version are re-checked against the new one."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from forms import formengine
from forms.catalogue import load_catalogue
from forms.samples import sample_values
from kiosk.dossier.submit import SubmitRefused, default_documents, submit
from kiosk.printed.load import find_dossier, receipt_data
from kiosk.storage.models import Dossier

MARRIAGE_CERTIFICATE = "Giấy chứng nhận kết hôn của cha, mẹ"


def at_noon(day: date) -> datetime:
    """Noon in Việt Nam on `day` (05:00 UTC)."""
    return datetime(day.year, day.month, day.day, 5, 0, tzinfo=timezone.utc)


def birth_values(procedure, day: date) -> dict:
    """Sample answers of a child whose parents are married, filed in person."""
    for seed in range(500):
        values = sample_values(procedure, seed=seed, today=day)
        if values.get("birth_type") == "both" and values.get("parents_married") is True and values.get("channel", "in_person") == "in_person":
            return values
    raise AssertionError("no sample with married parents")


def stored(ctx, code: str) -> Dossier:
    with ctx.read() as session:
        dossier = find_dossier(session, code)
        session.expunge_all()
        return dossier


def document_ids(ctx, code: str) -> set[str]:
    with ctx.read() as session:
        return {d.doc_id for d in find_dossier(session, code).documents}


def test_a_birth_dossier_received_on_2026_12_02_needs_no_marriage_certificate(ctx, officer) -> None:
    day = date(2026, 12, 2)
    procedure = ctx.catalogue.in_force("1.001193", day)
    values = birth_values(procedure, day)
    assert MARRIAGE_CERTIFICATE not in {d.name for d in formengine.required_documents(procedure, values)}
    result = submit(ctx, procedure=procedure, values=values, officer=officer, now=at_noon(day))
    assert "gcn_ket_hon_cha_me" not in document_ids(ctx, result.code)
    assert stored(ctx, result.code).procedure_version == "2026.3"


def test_a_birth_dossier_received_under_the_earlier_version_reprints_what_it_was_received_with(ctx, officer, monkeypatch) -> None:
    from kiosk.clock import floor

    monkeypatch.setattr(floor, "RELEASE_AT", floor.RELEASE_AT - timedelta(days=730))  # receiving in 2024: a release of then
    before = date(2024, 12, 20)  # Decree 07/2025 came into force on 9 January 2025
    old = ctx.catalogue.in_force("1.001193", before)
    assert old.version == "2026.1"
    values = birth_values(old, before)
    earlier = submit(ctx, procedure=old, values=values, officer=officer, now=at_noon(before))
    later = submit(ctx, procedure=ctx.catalogue.in_force("1.001193", date(2026, 12, 2)), values=birth_values(
        ctx.catalogue.in_force("1.001193", date(2026, 12, 2)), date(2026, 12, 2)), officer=officer, now=at_noon(date(2026, 12, 2)))

    assert "gcn_ket_hon_cha_me" in document_ids(ctx, earlier.code)
    with ctx.read() as session:
        dossier = find_dossier(session, earlier.code)
        assert dossier.procedure_version == "2026.1"
        assert "gcn_ket_hon_cha_me" in {d["id"] for d in dossier.procedure.definition["documents"]}
        reprint = receipt_data(ctx, dossier, reprint=True)
        assert MARRIAGE_CERTIFICATE in [d.name for d in reprint.documents]
        newer = receipt_data(ctx, find_dossier(session, later.code), reprint=True)
        assert MARRIAGE_CERTIFICATE not in [d.name for d in newer.documents]


def test_answers_typed_under_the_old_birth_version_are_received_under_the_new_one(ctx, officer) -> None:
    """A draft typed before 9 January 2025 and submitted later: the certificate the officer ticked is not kept."""
    old = ctx.catalogue.get("1.001193", "2026.1")
    values = birth_values(old, date(2025, 1, 8))
    documents = default_documents(old, values)
    assert "gcn_ket_hon_cha_me" in documents
    result = submit(ctx, procedure=old, values=values, documents=documents, officer=officer, now=at_noon(date(2026, 12, 2)))
    assert stored(ctx, result.code).procedure_version == "2026.3"
    assert "gcn_ket_hon_cha_me" not in document_ids(ctx, result.code)
    assert stored(ctx, result.code).values["channel"] == "in_person"  # a question the old form never asked: its default


def marriage_values(procedure, day: date) -> dict:
    values = sample_values(procedure, seed=3, today=day)
    if procedure.field("bride_needs_status_certificate") is not None:
        values["bride_needs_status_certificate"] = True
    return values


def test_domestic_marriage_needs_the_marital_status_certificate_until_31_december_2025(ctx, officer) -> None:
    day = date(2025, 12, 31)
    procedure = ctx.catalogue.in_force("1.000894", day)
    values = marriage_values(procedure, day)
    documents = {k: v for k, v in default_documents(procedure, values).items() if k != "xac_nhan_thhn_ben_nu"}
    with pytest.raises(SubmitRefused) as refused:
        submit(ctx, procedure=procedure, values=values, documents=documents, officer=officer, now=at_noon(day))
    assert "documents.xac_nhan_thhn_ben_nu" in refused.value.details
    result = submit(ctx, procedure=procedure, values=values, officer=officer, now=at_noon(day))
    assert "xac_nhan_thhn_ben_nu" in document_ids(ctx, result.code)


def test_domestic_marriage_needs_no_marital_status_certificate_from_1_january_2026(ctx, officer) -> None:
    old = ctx.catalogue.in_force("1.000894", date(2025, 12, 31))
    values = marriage_values(old, date(2025, 12, 31))  # typed the day before, received on the day
    documents = {k: v for k, v in default_documents(old, values).items() if k != "xac_nhan_thhn_ben_nu"}
    result = submit(ctx, procedure=old, values=values, documents=documents, officer=officer, now=at_noon(date(2026, 1, 1)))
    dossier = stored(ctx, result.code)
    assert dossier.procedure_version == "2026.2"
    assert not {"xac_nhan_thhn_ben_nu", "xac_nhan_thhn_ben_nam"} & document_ids(ctx, result.code)


@pytest.mark.parametrize(
    ("code", "items"),
    [("1.001193", ["giay_to_tuy_than"]), ("1.000656", ["giay_to_tuy_than"]), ("2.000635", ["giay_to_tuy_than"]),
     ("1.004873", ["giay_to_tuy_than"]), ("1.004859", ["giay_to_tuy_than"]),
     ("1.000894", ["giay_to_tuy_than_ben_nu", "giay_to_tuy_than_ben_nam"])],
)
def test_the_id_card_is_looked_up_for_a_dossier_received_from_2026(ctx, officer, code: str, items: list[str]) -> None:
    for day, way in ((date(2025, 12, 31), "shown"), (date(2026, 12, 2), "looked_up")):
        procedure = ctx.catalogue.in_force(code, day)
        result = submit(ctx, procedure=procedure, values=sample_values(procedure, seed=5, today=day), officer=officer, now=at_noon(day))
        with ctx.read() as session:
            definition = find_dossier(session, result.code).procedure.definition
        ways = {d["id"]: d.get("way", "shown" if d["kind"] == "shown" else "submitted") for d in definition["documents"]}
        assert [ways[i] for i in items] == [way] * len(items), (code, day)
        assert set(items) <= document_ids(ctx, result.code)  # still on the checklist: the receipt says how


def test_a_submit_that_no_longer_fits_the_version_in_force_is_refused_naming_the_change(ctx, officer, tmp_path: Path) -> None:
    """A version activated from the portal (the data folder's catalogue/) that asks for one more document."""
    doc = json.loads(ctx.catalogue.get("2.000635", "2026.2").source.read_text(encoding="utf-8"))
    doc.update(version="2026.9", effective_from="2026-12-01")
    doc["documents"].append({"id": "to_khai_bo_sung", "name": "Tờ khai bổ sung", "kind": "original", "legal_source": "Thông tư 99/2026/TT-BTP"})
    extra = tmp_path / "activated"
    extra.mkdir()
    (extra / "2.000635-2026.9.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    ctx.adopt(catalogue=load_catalogue(extra_procedure_dirs=[extra]))

    old = ctx.catalogue.get("2.000635", "2026.2")
    values = sample_values(old, seed=2, today=date(2026, 11, 30))
    with pytest.raises(SubmitRefused) as refused:
        submit(ctx, procedure=old, values=values, documents=default_documents(old, values), officer=officer, now=at_noon(date(2026, 12, 2)))
    message = str(refused.value)
    assert message.startswith("Thủ tục áp dụng phiên bản 2026.9 từ ngày 01/12/2026 (thêm giấy tờ Tờ khai bổ sung (Thông tư 99/2026/TT-BTP)).")
    assert "documents.to_khai_bo_sung" in refused.value.details
    with ctx.read() as session:
        assert session.scalar(select(Dossier.id).where(Dossier.code.is_not(None))) is None
    # the day before, the same answers are received under the version they were typed in
    result = submit(ctx, procedure=old, values=values, officer=officer, now=at_noon(date(2026, 11, 30)))
    assert stored(ctx, result.code).procedure_version == "2026.2"
