"""revision snapshot: what each outbox revision says, taken when it is queued

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05

A revision's wire body used to be built from the dossier row at its first send, and the row changes
when the dossier is amended (so amend() froze the bodies of the revisions still waiting). From this
schema each outbox entry keeps a snapshot of its revision, taken when it is queued
(kiosk/dossier/revisions.py, RevisionSnapshot version 1), and the body is built from the snapshot.

Entries not yet delivered (queued, sending, failed, rejected) get their snapshot here:
- from the frozen body when there is one: it is exactly what will be sent, so the snapshot holds its
  fields as they are, tracking token included, and the body built from it is that body byte for byte
  (the frozen body itself stays, and is what goes out);
- otherwise from the dossier row as it is now, which is what the previous release would have sent: the
  site's unit id and kiosk number are the settings `kiosk.storage.db.migrate` hands over (or, when the
  migration runs without them, the ones the dossier code `<unit id>-YYMMDD-KNNN` names).
Delivered entries keep none (NULL): they are never sent again.

The snapshot's shape is written out here rather than imported, so this migration keeps doing what it
did when it landed whatever the application's modules become. Frozen: never edit a landed migration; add a new one.
"""
import json
from datetime import date, datetime, timezone

from alembic import context, op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SNAPSHOT_VERSION = 1
BODY_FORMAT = 1  # the only wire body format there has been (sync/wire.py BODY_FORMAT)
FIELDS = (  # RevisionSnapshot version 1: the wire body's fields but `format` and `tracking_token`
    "uuid", "revision", "code", "unit_id", "kiosk_number", "procedure_code", "procedure_version", "received_at",
    "appointment_date", "appointment_time", "officer", "values", "documents", "attachments", "supplements_revision",
)


def _from_body(payload: bytes, revision_number: int) -> "dict | None":
    """The snapshot of a frozen body: its own fields and its token, so the rebuilt body is the same bytes."""
    try:
        body = json.loads(bytes(payload).decode("utf-8"))
    except ValueError:
        body = None
    if not isinstance(body, dict) or body.get("format") != BODY_FORMAT or body.get("revision") != revision_number:
        return None  # a body this migration cannot read is still sent as frozen: the snapshot is never needed for it
    snapshot = {"version": SNAPSHOT_VERSION, **{name: body[name] for name in FIELDS}}
    snapshot["tracking_token"] = body["tracking_token"]
    return snapshot


def _iso_utc(stored) -> str:
    """A time as SQLAlchemy stores it in SQLite (naive UTC text) → ISO 8601 UTC to the second, as the body has it."""
    if stored is None:
        return ""
    value = stored if isinstance(stored, datetime) else datetime.fromisoformat(str(stored))
    return value.replace(tzinfo=timezone.utc).isoformat(timespec="seconds")


def _site_of(code: str, site: dict) -> tuple:
    if site.get("unit_id") and site.get("kiosk_number"):
        return site["unit_id"], int(site["kiosk_number"])
    parts = code.split("-")
    if len(parts) != 3 or not parts[2][:1].isdigit():
        raise RuntimeError(f"no site settings given and the dossier code {code!r} names no unit and kiosk")
    return parts[0], int(parts[2][0])


def _from_row(bind, dossier_id: int, revision_number: int, site: dict) -> "dict | None":
    """The snapshot of the dossier row as it is now (what the previous release would have built at the first send)."""
    row = bind.execute(
        sa.text(
            'SELECT d.uuid, d.code, d.procedure_code, d.procedure_version, d.received_at, d.appointment_date, '
            'd.appointment_time, d."values", o.username FROM dossier d JOIN officer o ON o.id = d.officer_id WHERE d.id = :id'
        ),
        {"id": dossier_id},
    ).first()
    if row is None or not row.code:
        return None  # nothing the previous release could have sent either
    documents = bind.execute(
        sa.text("SELECT doc_id, name, kind, quantity FROM dossier_document WHERE dossier_id = :id ORDER BY position, id"),
        {"id": dossier_id},
    ).all()
    attachments = bind.execute(
        sa.text("SELECT sha256, size, mime_type, filename, field_id FROM attachment WHERE dossier_id = :id ORDER BY id"),
        {"id": dossier_id},
    ).all()
    unit_id, kiosk_number = _site_of(row.code, site)
    values = row.values if isinstance(row.values, dict) else json.loads(row.values or "{}")
    stored_date = row.appointment_date
    return {
        "version": SNAPSHOT_VERSION,
        "uuid": row.uuid,
        "revision": revision_number,
        "code": row.code,
        "unit_id": unit_id,
        "kiosk_number": kiosk_number,
        "procedure_code": row.procedure_code,
        "procedure_version": row.procedure_version,
        "received_at": _iso_utc(row.received_at),
        "appointment_date": (stored_date if isinstance(stored_date, date) else date.fromisoformat(str(stored_date))).isoformat()
        if stored_date
        else "",
        "appointment_time": row.appointment_time or "",
        "officer": row.username,
        "values": values or {},
        "documents": [{"doc_id": d.doc_id, "name": d.name, "kind": d.kind, "quantity": d.quantity} for d in documents],
        "attachments": [
            {"sha256": a.sha256, "size": a.size, "mime": a.mime_type, "filename": a.filename, "field_id": a.field_id}
            for a in attachments
        ],
        "supplements_revision": revision_number - 1 if revision_number > 1 else None,
    }


def upgrade() -> None:
    with op.batch_alter_table("outbox_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("snapshot", sa.JSON(), nullable=True))
    bind = op.get_bind()
    site = dict(context.config.attributes.get("site") or {})
    waiting = bind.execute(
        sa.text("SELECT id, dossier_id, revision, payload FROM outbox_entry WHERE state != 'delivered' ORDER BY id")
    ).all()
    for entry_id, dossier_id, revision_number, payload in waiting:
        if payload is not None:
            snapshot = _from_body(payload, revision_number)
        else:
            snapshot = _from_row(bind, dossier_id, revision_number, site)
        if snapshot is not None:
            bind.execute(
                sa.text("UPDATE outbox_entry SET snapshot = :snapshot WHERE id = :id"),
                {"snapshot": json.dumps(snapshot), "id": entry_id},
            )


def downgrade() -> None:
    with op.batch_alter_table("outbox_entry", schema=None) as batch_op:
        batch_op.drop_column("snapshot")
