"""Submitting through the core: appointment dates of every shipped procedure, drafts, refusals, one transaction."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from kiosk.dossier.drafts import list_drafts, save_draft
from kiosk.dossier.submit import SubmitRefused, submit
from kiosk.storage.models import AuditEvent, Dossier, OutboxEntry
from forms.samples import sample_values
from test_workdays import PROCEDURES, RECEIPTS

SHIPPED = sorted(PROCEDURES)
# Receipts of the hand-written table that exercise Tết 2027, 30/4–1/5, a Saturday morning and 15:00.
CASES = ("tet_wed_1530", "tet_during_holiday", "apr30_thu_1600", "saturday_morning", "mon_150000", "mon_150001")


def test_catalogue_processing_days_match_the_hand_table(ctx) -> None:
    for code in SHIPPED:
        assert ctx.catalogue.get(code).processing_days == PROCEDURES[code][0], code


@pytest.mark.parametrize("code", SHIPPED)
def test_submitted_appointment_equals_the_hand_written_date(ctx, officer, code) -> None:
    procedure = ctx.catalogue.get(code)
    _days, expected = PROCEDURES[code]
    for n, case in enumerate(CASES):
        received = RECEIPTS[case]
        values = sample_values(procedure, seed=n, today=received.date())
        result = submit(ctx, procedure=procedure, values=values, officer=officer, now=received)
        assert result.appointment_date == expected[case], (code, case)
        with ctx.read() as session:
            stored = session.scalar(select(Dossier).where(Dossier.code == result.code))
            assert stored.appointment_date == expected[case]
            assert stored.received_at == received


def test_refused_submit_writes_nothing(ctx, officer) -> None:
    procedure = ctx.catalogue.get("1.004873")
    values = sample_values(procedure, seed=1, today=date.today())
    values["submitter_phone"] = "0123"
    with pytest.raises(SubmitRefused) as refused:
        submit(ctx, procedure=procedure, values=values, officer=officer)
    assert "submitter_phone" in refused.value.details
    with ctx.read() as session:
        assert session.scalar(select(func.count()).select_from(Dossier)) == 0
        assert session.scalar(select(func.count()).select_from(OutboxEntry)) == 0


def test_submit_writes_dossier_documents_outbox_and_audit_together(ctx, officer) -> None:
    procedure = ctx.catalogue.get("1.000656")
    result = submit(ctx, procedure=procedure, values=sample_values(procedure, seed=4, today=date.today()), officer=officer)
    with ctx.read() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.code == result.code))
        assert dossier.lifecycle == "submitted" and dossier.revision == 1
        assert [entry.state for entry in dossier.outbox] == ["queued"]
        assert len(dossier.documents) >= 1
        assert session.scalar(select(AuditEvent.action).where(AuditEvent.dossier_id == dossier.id)) == "dossier.submitted"


def test_draft_becomes_the_submitted_dossier(ctx, officer) -> None:
    procedure = ctx.catalogue.get("2.000635")
    values = sample_values(procedure, seed=9, today=date.today())
    draft_uuid = save_draft(ctx, officer, procedure, {"submitter_name": values["submitter_name"]}, 0)
    assert [d.uuid for d in list_drafts(ctx, officer.id)] == [draft_uuid]
    result = submit(ctx, procedure=procedure, values=values, officer=officer, draft_uuid=draft_uuid)
    assert result.uuid == draft_uuid
    assert list_drafts(ctx, officer.id) == []


def test_missing_required_document_is_refused(ctx, officer) -> None:
    procedure = ctx.catalogue.get("1.000656")
    values = sample_values(procedure, seed=2, today=date.today())
    with pytest.raises(SubmitRefused) as refused:
        submit(ctx, procedure=procedure, values=values, officer=officer, documents={})
    assert any(key.startswith("documents.") for key in refused.value.details)
