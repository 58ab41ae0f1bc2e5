"""The core functions behind the officer's window: they check the role themselves, audit what they show, open their own transactions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from forms.samples import sample_values
from kiosk.dossier.overview import RECENT, home_overview
from kiosk.dossier.retention import purge_as
from kiosk.dossier.search import find_dossiers, view_dossier
from kiosk.security.officers import OfficerRef
from kiosk.dossier.drafts import save_draft
from kiosk.dossier.submit import submit
from kiosk.errors import AuthError
from kiosk.security.officers import add_officer, record_idle_lock
from kiosk.storage.backup import backup_as
from kiosk.storage.models import AuditEvent
from sync.enrolment import enrol_as


@pytest.fixture
def admin(ctx) -> OfficerRef:
    with ctx.transaction() as session:
        return OfficerRef.of(add_officer(session, "quantri", "Quản Trị Viên", "admin", "975318"))


def actions(ctx, actor: str) -> list[tuple[str, dict]]:
    with ctx.read() as session:
        return [(e.action, e.details) for e in session.scalars(select(AuditEvent).where(AuditEvent.actor == actor).order_by(AuditEvent.id))]


def test_admin_actions_refuse_an_officer_in_the_core(ctx, officer, admin, site_dir) -> None:
    for action in (lambda: backup_as(ctx, officer), lambda: purge_as(ctx, officer), lambda: enrol_as(ctx, officer, "https://x.example", "CODE")):
        with pytest.raises(AuthError, match="quản trị viên"):
            action()
    assert not list((site_dir / "backups").glob("kiosk-*.db"))
    info = backup_as(ctx, admin)
    assert info.path.exists() and purge_as(ctx, admin).purged == []
    assert [a for a, _d in actions(ctx, "quantri")] == ["backup.created"]


def test_find_and_view_a_dossier_the_view_is_audited(ctx, officer) -> None:
    procedure = ctx.catalogue.get("1.004873")
    code = submit(ctx, procedure=procedure, values=sample_values(procedure, seed=1, today=date.today()), officer=officer).code
    assert [row.code for row in find_dossiers(ctx, code)] == [code]
    assert find_dossiers(ctx, "", sync_state="delivered") == []
    assert view_dossier(ctx, "000.00.07.H26-000101-1999", "lan") is None
    detail = view_dossier(ctx, code, "lan")
    assert detail is not None and detail.summary.code == code
    assert ("dossier.viewed", {"code": code}) in actions(ctx, "lan")


def test_home_overview_lists_the_officers_drafts_and_the_latest_dossiers(ctx, officer, admin) -> None:
    procedure = ctx.catalogue.get("1.004873")
    save_draft(ctx, officer, procedure, {"submitter_name": "Lê Thị Hồng"}, 0, "draft-of-lan")
    save_draft(ctx, admin, procedure, {"submitter_name": "Đỗ Văn Nam"}, 0, "draft-of-admin")
    for seed in range(RECENT + 1):
        submit(ctx, procedure=procedure, values=sample_values(procedure, seed=seed, today=date.today()), officer=officer)
    overview = home_overview(ctx, officer.id)
    assert [d.submitter_name for d in overview.drafts] == ["Lê Thị Hồng"]
    assert len(overview.recent) == RECENT and overview.clock_warning is None
    assert {d.uuid for d in home_overview(ctx, None).drafts} == {"draft-of-lan", "draft-of-admin"}
    ctx.now = lambda: overview.recent[0].received_at - timedelta(days=1)  # the PC clock went back a day
    assert "Đồng hồ máy tính" in (home_overview(ctx, officer.id).clock_warning or "")


def test_an_idle_lock_is_audited(ctx, officer) -> None:
    record_idle_lock(ctx, "lan", 5)
    assert actions(ctx, "lan")[-1] == ("session.locked", {"idle_minutes": 5})
