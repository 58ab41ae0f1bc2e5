"""What a restore carries over from the database it replaces, so no dossier received after the backup is lost.

A citizen holding a receipt must find the dossier on the kiosk and, in time, on the portal, whatever backup
the administrator restores. So before the backup is copied in, the current database is read whole (the rows
that matter: dossiers with their checklist, attachments, outbox entries and status history, counter events,
the procedures and officers they point to, the code counters); after the restore, every such row the backup
lacks is inserted under the same UUID and code with its outbox state unchanged (queued stays queued,
delivered stays delivered). Row ids are new (the backup may already use them); references are re-pointed.

A dossier both databases hold keeps the current database's version when that one is newer (more revisions,
or as many and changed later); otherwise the backup's stays. Either way each outbox entry keeps the further
state of the two, so a revision the portal already acknowledged is not sent again, and status changes the
backup lacks are added (the next pull heals the rest: it skips what it already holds). The rule and its edge
cases: docs/restore.md. Audit rows are not carried: the old chain stays whole in the safety copy, and the
restored chain records one "backup.carried" event naming the codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, delete, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from kiosk.storage.db import connect_encrypted
from kiosk.storage.models import Base

TABLES = (
    "procedure", "officer", "dossier", "dossier_document", "attachment",
    "portal_status_event", "counter_event", "outbox_entry", "code_sequence",
)
# How far an outbox entry has gone: a restore never moves one back (a delivered revision is not re-sent).
STATE_RANK = {"queued": 0, "failed": 1, "sending": 1, "rejected": 2, "delivered": 3}
OUTBOX_PROGRESS = ("state", "attempts", "next_attempt_at", "last_error", "updated_at", "delivered_at", "payload", "payload_sha256", "portal_received_at")


class Unreadable(Exception):
    """The current database cannot be read (corrupt, another key, missing); the message says why, in Vietnamese."""


@dataclass
class CurrentRows:
    """The rows of the database about to be replaced, typed as the models read them (datetimes aware, JSON parsed)."""

    tables: dict[str, list[dict[str, Any]]]

    def of(self, name: str) -> list[dict[str, Any]]:
        return self.tables.get(name, [])


@dataclass
class CarryReport:
    """What was carried into the restored database (codes only: no personal data, it goes into the audit chain)."""

    dossiers: list[str] = field(default_factory=list)  # codes of dossiers the backup lacked
    drafts: int = 0  # unsubmitted drafts the backup lacked
    updated: list[str] = field(default_factory=list)  # codes both held, where the current version was newer
    events: int = 0  # counter events (hand-backs, notices, ratings …) the backup lacked
    outbox_entries: int = 0  # outbox entries inserted or moved forward
    officers: list[str] = field(default_factory=list)  # accounts created after the backup
    conflicts: list[str] = field(default_factory=list)  # codes the backup holds under another dossier: not carried

    def as_dict(self) -> dict[str, Any]:
        return {
            "dossiers": list(self.dossiers), "drafts": self.drafts, "updated": list(self.updated), "events": self.events,
            "outbox_entries": self.outbox_entries, "officers": list(self.officers), "conflicts": list(self.conflicts),
        }


def read_rows(path: Path, key: bytes) -> CurrentRows:
    """Every row restore carries, read from `path` (a copy of the current database); Unreadable when it cannot be."""
    import sqlcipher3.dbapi2 as sqlcipher

    if not path.is_file():
        raise Unreadable("không có cơ sở dữ liệu hiện tại")
    engine = create_engine("sqlite://", module=sqlcipher, creator=lambda: connect_encrypted(path, key), poolclass=NullPool)
    tables: dict[str, list[dict[str, Any]]] = {}
    try:
        with engine.connect() as connection:
            if connection.exec_driver_sql("PRAGMA quick_check").scalar() != "ok":
                raise Unreadable("cơ sở dữ liệu hiện tại bị hỏng")
            for name in TABLES:
                table = Base.metadata.tables[name]
                present = {row[1] for row in connection.exec_driver_sql(f"PRAGMA table_info({name})")}
                columns = [column for column in table.c if column.name in present]  # an older schema lacks some
                tables[name] = [dict(row._mapping) for row in connection.execute(select(*columns))] if columns else []
    except Unreadable:
        raise
    except Exception as exc:  # noqa: BLE001 - sqlcipher says "file is not a database" for a wrong key or junk
        raise Unreadable("không đọc được cơ sở dữ liệu hiện tại (sai khóa hoặc tệp hỏng)") from exc
    finally:
        engine.dispose()
    return CurrentRows(tables)


def carry(session: Session, current: CurrentRows) -> CarryReport:
    """Insert into the (restored) database of `session` what `current` holds and it lacks; see the module docstring."""
    report = CarryReport()
    procedures = _by_natural_key(session, current, "procedure", ("code", "version"))
    officers = _by_natural_key(session, current, "officer", ("username",), created=report.officers)
    dossiers = _carry_dossiers(session, current, procedures, officers, report)
    events = _carry_events(session, current, dossiers, officers, report)
    _carry_outbox(session, current, dossiers, events, report)
    _carry_counters(session, current)
    return report


def _table(name: str) -> Any:
    return Base.metadata.tables[name]


def _insert(session: Session, name: str, row: dict[str, Any], **changes: Any) -> int:
    values = {k: v for k, v in row.items() if k != "id"} | changes
    result = session.execute(insert(_table(name)).values(**values))
    return int(result.inserted_primary_key[0])


def _by_natural_key(session: Session, current: CurrentRows, name: str, keys: tuple[str, ...], created: list[str] | None = None) -> dict[int, int]:
    """Old id → restored id, matching rows on their natural key and inserting the ones the backup lacks."""
    table = _table(name)
    known = {tuple(r[:-1]): r[-1] for r in session.execute(select(*[table.c[k] for k in keys], table.c.id))}
    mapping = {}
    for row in current.of(name):
        natural = tuple(row[k] for k in keys)
        if natural not in known:
            known[natural] = _insert(session, name, row)
            if created is not None:
                created.append(str(natural[0]))
        mapping[row["id"]] = known[natural]
    return mapping


def _newer(mine: dict[str, Any], theirs: Any) -> bool:
    """The current version wins with more revisions, or as many and a later change."""
    if mine["revision"] != theirs.revision:
        return bool(mine["revision"] > theirs.revision)
    return _later(mine.get("updated_at"), theirs.updated_at)


def _later(a: datetime | None, b: datetime | None) -> bool:
    return a is not None and (b is None or a > b)


def _carry_dossiers(session: Session, current: CurrentRows, procedures: dict[int, int], officers: dict[int, int], report: CarryReport) -> dict[int, int]:
    table = _table("dossier")
    restored = {r.uuid: r for r in session.execute(select(table.c.id, table.c.uuid, table.c.code, table.c.revision, table.c.updated_at))}
    codes = {r.code: r.uuid for r in restored.values() if r.code}
    mapping: dict[int, int] = {}
    for row in current.of("dossier"):
        refs = {"procedure_id": procedures[row["procedure_id"]], "officer_id": officers[row["officer_id"]]}
        theirs = restored.get(row["uuid"])
        if theirs is None:
            if row.get("code") and row["code"] in codes:
                report.conflicts.append(row["code"])
                continue
            mapping[row["id"]] = _insert(session, "dossier", row, **refs)
            _copy_children(session, current, row["id"], mapping[row["id"]])
            if row.get("code"):
                report.dossiers.append(row["code"])
            else:
                report.drafts += 1
            continue
        mapping[row["id"]] = theirs.id
        if _newer(row, theirs):
            values = {k: v for k, v in row.items() if k != "id"} | refs
            session.execute(update(table).where(table.c.id == theirs.id).values(**values))
            for child in ("dossier_document", "attachment"):
                session.execute(delete(_table(child)).where(_table(child).c.dossier_id == theirs.id))
            _copy_children(session, current, row["id"], theirs.id, only=("dossier_document", "attachment"))
            report.updated.append(row.get("code") or row["uuid"])
        _copy_status_events(session, current, row["id"], theirs.id)
    return mapping


def _copy_children(session: Session, current: CurrentRows, old_id: int, new_id: int, only: tuple[str, ...] = ("dossier_document", "attachment", "portal_status_event")) -> None:
    for name in only:
        for child in current.of(name):
            if child["dossier_id"] == old_id:
                _insert(session, name, child, dossier_id=new_id)


def _copy_status_events(session: Session, current: CurrentRows, old_id: int, new_id: int) -> None:
    table = _table("portal_status_event")
    held = set(session.scalars(select(table.c.cursor).where(table.c.dossier_id == new_id)))
    for child in current.of("portal_status_event"):
        if child["dossier_id"] == old_id and child["cursor"] not in held:
            _insert(session, "portal_status_event", child, dossier_id=new_id)


def _carry_events(session: Session, current: CurrentRows, dossiers: dict[int, int], officers: dict[int, int], report: CarryReport) -> dict[int, int]:
    table = _table("counter_event")
    restored = {r[0]: r[1] for r in session.execute(select(table.c.uuid, table.c.id))}
    mapping: dict[int, int] = {}
    for row in current.of("counter_event"):
        if row["uuid"] in restored:
            mapping[row["id"]] = restored[row["uuid"]]
            continue
        if row.get("dossier_id") is not None and row["dossier_id"] not in dossiers:
            continue  # its dossier was a conflict, left in the safety copy
        refs = {
            "dossier_id": dossiers.get(row["dossier_id"]) if row.get("dossier_id") is not None else None,
            "officer_id": officers.get(row["officer_id"]) if row.get("officer_id") is not None else None,
        }
        mapping[row["id"]] = _insert(session, "counter_event", row, **refs)
        report.events += 1
    return mapping


def _carry_outbox(session: Session, current: CurrentRows, dossiers: dict[int, int], events: dict[int, int], report: CarryReport) -> None:
    table = _table("outbox_entry")
    for row in current.of("outbox_entry"):
        if row.get("event_id") is not None:
            if row["event_id"] not in events:
                continue
            refs = {"event_id": events[row["event_id"]], "dossier_id": None}
            where = table.c.event_id == refs["event_id"]
        else:
            if row.get("dossier_id") not in dossiers:
                continue
            refs = {"dossier_id": dossiers[row["dossier_id"]], "event_id": None}
            where = (table.c.dossier_id == refs["dossier_id"]) & (table.c.revision == row["revision"])
        theirs = session.execute(select(table.c.id, table.c.state, table.c.payload).where(where)).first()
        if theirs is None:
            _insert(session, "outbox_entry", row, **refs)
            report.outbox_entries += 1
        elif STATE_RANK.get(row["state"], 0) > STATE_RANK.get(theirs.state, 0) or (theirs.payload is None and row.get("payload") is not None):
            moved = {k: row[k] for k in OUTBOX_PROGRESS if k in row}
            if STATE_RANK.get(row["state"], 0) <= STATE_RANK.get(theirs.state, 0):
                moved = {k: row[k] for k in ("payload", "payload_sha256") if k in row}  # only the bytes already built
            session.execute(update(table).where(table.c.id == theirs.id).values(**moved))
            report.outbox_entries += 1


def _carry_counters(session: Session, current: CurrentRows) -> None:
    """Counters never go back: each keeps the higher of the two databases' numbers."""
    table = _table("code_sequence")
    held = {r[0]: r[1] for r in session.execute(select(table.c.key, table.c.last))}
    for row in current.of("code_sequence"):
        if row["key"] not in held:
            session.execute(insert(table).values(key=row["key"], last=row["last"]))
        elif row["last"] > held[row["key"]]:
            session.execute(update(table).where(table.c.key == row["key"]).values(last=row["last"]))
