"""A scan is hashed as it is sent, not in a pass of its own before (issue 17 item 7, fifth round): a stored file that
no longer hashes to its name is still refused before its last chunk leaves, so the portal never completes it."""

from __future__ import annotations

import shutil

import pytest

from portal_server import portal  # noqa: F401 - fixture: a real `kiosk-portal serve` process
from sync_helpers import add_officer, client_factory, make_kiosk, outbox_states, submit_dossiers


@pytest.fixture
def kiosk(tmp_path, portal):  # noqa: F811
    ctx = make_kiosk(tmp_path / "kiosk", portal)
    yield ctx
    ctx.close()


def _scan_of(ctx, code: str) -> str:
    from sqlalchemy import select

    from kiosk.storage.models import Attachment, Dossier

    with ctx.read() as session:
        return session.scalar(select(Attachment.sha256).join(Attachment.dossier).where(Dossier.code == code))


def test_a_swapped_scan_is_refused_before_its_last_chunk_and_the_others_go(kiosk, portal, tmp_path) -> None:  # noqa: F811
    from sync.engine import SyncEngine

    officer = add_officer(kiosk)
    first, second = submit_dossiers(kiosk, officer, 2, tmp_path / "scans", size=700_000)  # three chunks each
    swapped, other = _scan_of(kiosk, first), _scan_of(kiosk, second)
    store = kiosk.data.attachments_dir
    shutil.copyfile(store / other, store / swapped)  # a genuine sealed file of the same size, under the wrong name

    report = SyncEngine(kiosk, client_factory(portal.url)).run_once(force=True)

    assert report.delivered == 1 and report.rejected == 1
    assert outbox_states(kiosk) == {(first, 1): "rejected", (second, 1): "delivered"}
    [error] = report.errors
    assert error.code == first and "không còn nguyên vẹn" in error.message
    client = client_factory(portal.url)(kiosk)
    try:
        held = client.attachment_status(swapped)
        assert not held.complete and held.received < 700_000  # its last chunk never left
        assert client.attachment_status(other).complete
    finally:
        client.close()
