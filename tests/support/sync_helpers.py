"""Shared pieces of the sync tests: an enrolled kiosk, dossiers with random attachments, what the portal holds."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import TEST_SITE
from gui_thread_guard import seeds

UNIT_ID = TEST_SITE["unit_id"]


@seeds
def make_kiosk(root: Path, portal: Any, *, portal_url: str | None = None, kiosk_number: int = 1, enrolled: bool = True):
    """An initialised data folder enrolled with `portal` (credentials written as `kiosk-admin enrol` does)."""
    from kiosk.storage.context import open_kiosk
    from kiosk.storage.models import utcnow
    from kiosk.storage.site import init_site
    from sync.credentials import Credentials, save_credentials

    init_site(root, dict(TEST_SITE, kiosk_number=kiosk_number, portal_url=portal_url or portal.url))
    ctx = open_kiosk(root)
    if enrolled:
        kiosk_id, secret = portal.enrol(UNIT_ID, kiosk_number)
        save_credentials(ctx.data, Credentials(portal.url, kiosk_id, secret, utcnow().isoformat()))
    return ctx


@seeds
def add_officer(ctx):
    from kiosk.security.officers import OfficerRef
    from kiosk.security.officers import add_officer as add

    with ctx.transaction() as session:
        return OfficerRef.of(add(session, "lan", "Trần Thị Lan", "officer", "246813"))


@seeds
def submit_dossiers(ctx, officer, count: int, scratch: Path, *, size: int = 600_000, seed: int = 0, now=None) -> list[str]:
    """`count` dossiers of varied procedures, each with one attachment of `size` random bytes; returns codes.

    `now` stands in for the kiosk's clock at receipt (tests of a wrong clock); None: the clock."""
    from kiosk.dossier.submit import submit
    from forms.samples import sample_values

    scratch.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    procedures = ctx.catalogue.latest()
    codes = []
    for i in range(count):
        procedure = procedures[i % len(procedures)]
        values = sample_values(procedure, seed=seed * 1000 + i, today=date.today())
        scan = scratch / f"scan-{seed}-{i}.pdf"
        scan.write_bytes(rng.randbytes(size))
        codes.append(submit(ctx, procedure=procedure, values=values, officer=officer, extra_files=[scan], now=now).code)
    return codes


def client_factory(url: str, timeout: tuple[float, float] = (2.0, 2.0)):
    from sync.client import PortalClient
    from sync.credentials import load_credentials

    return lambda ctx: PortalClient(url, load_credentials(ctx.data), timeout=timeout)


@seeds
def outbox_states(ctx) -> dict[tuple[str, int], str]:
    from sqlalchemy import select

    from kiosk.storage.models import Dossier, OutboxEntry

    with ctx.read() as session:
        rows = session.execute(select(Dossier.code, OutboxEntry.revision, OutboxEntry.state).join(OutboxEntry.dossier))
        return {(code, revision): state for code, revision, state in rows}


@seeds
def kiosk_attachments(ctx) -> dict[str, str]:
    """sha256 → dossier code of every attachment the kiosk holds (the sha is checked against the stored file)."""
    from sqlalchemy import select

    from conftest import decrypted_sha256
    from kiosk.storage.models import Attachment, Dossier

    with ctx.read() as session:
        rows = list(session.execute(select(Attachment.sha256, Dossier.code).join(Attachment.dossier)))
    for sha, _code in rows:
        assert decrypted_sha256(ctx.file_key, ctx.data.attachments_dir / sha) == sha  # the kiosk's copy, decrypted
    return {sha: code for sha, code in rows}


def portal_dossiers(portal) -> list[dict[str, Any]]:
    """The portal's own list of dossier revisions (kiosk-portal dossiers --json)."""
    out = portal.run_cli("dossiers", "--json")
    text = out if isinstance(out, str) else getattr(out, "stdout", out)
    data = json.loads(text)
    return data["dossiers"] if isinstance(data, dict) else data


def assert_portal_holds_exactly(ctx, portal, codes: list[str], *, revisions: dict[str, int] | None = None) -> None:
    """Every code once on the portal (none twice, no stranger), at the expected revision; every attachment complete and intact."""
    from sync.engine import default_client

    rows = portal_dossiers(portal)
    held = [row["code"] for row in rows]
    assert sorted(held) == sorted(set(held)), "a dossier is held twice"
    assert sorted(held) == sorted(codes)
    if revisions:
        by_code = {row["code"]: row for row in rows}
        for code, revision in revisions.items():
            assert by_code[code]["revision"] == revision
    with default_client(ctx) as client:
        for sha in kiosk_attachments(ctx):
            state = client.attachment_status(sha)
            assert state.complete and state.received == state.size, sha
    folder = getattr(portal, "files_dir", None)
    for sha in kiosk_attachments(ctx):
        if folder is not None:  # the portal's own copy, byte for byte
            assert hashlib.sha256((Path(folder) / sha).read_bytes()).hexdigest() == sha




def drain_and_check(engine, ctx, portal, codes: list[str], passes: int = 3):
    """Run passes until the queue is empty (at most `passes`), then hold the outcome to exactly-once: every outbox row
    delivered and the portal holding exactly `codes`. Returns the last pass's report."""
    for _ in range(passes):
        report = engine.run_once(force=True)
        if report.remaining == 0:
            break
    assert report.ok, report
    assert set(outbox_states(ctx).values()) == {"delivered"}
    assert_portal_holds_exactly(ctx, portal, codes)
    return report


@seeds
def row_body(ctx, code: str, revision: int, *, with_ways: bool = False) -> bytes:
    """The body the release before revision snapshots built at the first send, from the dossier row as it is now.

    A reference copy of that code (sync/payload.py before migration 0005), kept to show the snapshot changes nothing
    for a revision the row still describes.
    """
    from datetime import timezone

    from sqlalchemy import select

    from kiosk.printed.token import make_token
    from kiosk.storage.models import Dossier
    from sync import wire

    def iso_utc(value):  # noqa: ANN001, ANN202
        return value.astimezone(timezone.utc).isoformat(timespec="seconds") if value is not None else ""

    with ctx.read() as session:
        dossier = session.scalar(select(Dossier).where(Dossier.code == code))
        return wire.dossier_body(
            uuid=dossier.uuid,
            revision=revision,
            code=dossier.code,
            unit_id=ctx.settings.unit_id,
            kiosk_number=ctx.settings.kiosk_number,
            procedure_code=dossier.procedure_code,
            procedure_version=dossier.procedure_version,
            received_at=iso_utc(dossier.received_at),
            appointment_date=dossier.appointment_date.isoformat() if dossier.appointment_date else "",
            appointment_time=dossier.appointment_time or "",
            officer=dossier.officer.username,
            values=dict(dossier.values or {}),
            documents=[
                {"doc_id": d.doc_id, "name": d.name, "kind": d.kind, "quantity": d.quantity}
                # with_ways: as this release lists the items of a dossier received under the 2025 layout
                # (docs/receipt-2025.md); the release before snapshots never did
                | ({"way": d.way, "page_count": d.page_count, "record_number": d.record_number} if with_ways else {})
                for d in dossier.documents
            ],
            attachments=[
                {"sha256": a.sha256, "size": a.size, "mime": a.mime_type, "filename": a.filename, "field_id": a.field_id}
                for a in sorted(dossier.attachments, key=lambda a: a.id or 0)
            ],
            tracking_token=make_token(ctx.receipt_key, dossier.code),
            supplements_revision=revision - 1 if revision > 1 else None,
            fee=dossier.fee,  # added with fees (docs/fees.md): None for a dossier without one, so the same bytes as before
        )


@seeds
def snapshot_body(ctx, code: str, revision: int) -> bytes | None:
    """The body built now from the revision's stored snapshot (None when it has none)."""
    from sqlalchemy import select

    from kiosk.dossier.revisions import RevisionSnapshot
    from kiosk.storage.models import Dossier, OutboxEntry
    from sync.payload import build_body

    with ctx.read() as session:
        stored = session.scalar(
            select(OutboxEntry.snapshot).join(OutboxEntry.dossier).where(Dossier.code == code, OutboxEntry.revision == revision)
        )
    return None if stored is None else build_body(RevisionSnapshot.from_json(stored), ctx.receipt_key)


PROXY_READ_TIMEOUT = 1.0  # the kiosk's read timeout through the fault proxy; a stall outlasts it


@pytest.fixture
def proxy(portal):
    """A fault proxy in front of the `portal` fixture (import both into the test module)."""
    from fault_proxy import FaultProxy

    with FaultProxy(portal.url, stall_seconds=PROXY_READ_TIMEOUT + 1.5) as fault_proxy:
        yield fault_proxy


@pytest.fixture
def proxied_kiosk(tmp_path, portal, proxy):
    """A kiosk enrolled with `portal` that reaches it only through `proxy`."""
    ctx = make_kiosk(tmp_path / "kiosk", portal, portal_url=proxy.url)
    yield ctx
    ctx.close()


def trusting_kiosk(root: Path, portal: Any):
    """A kiosk enrolled with `portal` that trusts its catalogue signing key, as the per-site package pins it."""
    from kiosk.storage.settings import save_settings

    ctx = make_kiosk(root, portal)
    key = portal.run_cli("catalogue-key").stdout.strip()
    ctx.settings = ctx.settings.with_changes(catalogue_public_key=key)
    save_settings(ctx.data.settings_path, ctx.settings)
    return ctx
