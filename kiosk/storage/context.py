"""Open a kiosk data folder: settings, migrated database, procedure catalogue, calendar and keys, in one object."""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from forms.catalogue import Catalogue, load_catalogue
from kiosk.security.vault import file_key
from kiosk.storage.db import make_engine, make_sessionmaker, migrate
from kiosk.storage.files import load_or_create_secret
from kiosk.errors import KioskError, StorageError, storage_error_from
from kiosk.storage.models import Procedure as ProcedureRow
from kiosk.storage.models import utcnow
from kiosk.storage.paths import DataDir
from kiosk.storage.settings import SiteSettings, load_settings
from kiosk.dossier.appointment import WorkCalendar, load_overrides

log = logging.getLogger(__name__)

PLACEHOLDER_PORTAL = "https://tra-cuu.invalid"


@contextmanager
def _scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction; a known storage failure (disk full, read-only, corrupt) becomes a StorageError."""
    try:
        with factory() as session, session.begin():
            yield session
    except KioskError:
        raise
    except Exception as exc:
        known = storage_error_from(exc)
        if known is not None:
            log.error("storage failure: %s", exc)
            raise known from exc
        raise


@dataclass
class KioskContext:
    """Everything a core operation needs; created once per process by `open_kiosk`.

    The thread that opened it owns it: only that thread replaces `settings` or `catalogue` (`adopt`).
    Work on other threads (the window's workers) returns new settings or a new catalogue and the owner
    adopts them, so the GUI never reads a context that a worker is changing.
    """

    data: DataDir
    settings: SiteSettings
    engine: Engine
    sessions: sessionmaker[Session]
    catalogue: Catalogue
    calendar: WorkCalendar
    token_key: bytes = field(repr=False)  # HMAC key of version-1 receipt tokens (receipts printed before signatures)
    receipt_key: bytes = field(default=b"", repr=False)  # Ed25519 seed signing version-2 receipt tokens
    data_key: bytes = field(default=b"", repr=False)  # encrypts the database (SQLCipher); never logged
    file_key: bytes = field(default=b"", repr=False)  # encrypts attachments (kiosk/vault.py), derived from data_key
    read_sessions: sessionmaker[Session] | None = None
    owner_thread: int = field(default_factory=threading.get_ident, repr=False)

    def owned_here(self) -> bool:
        return threading.get_ident() == self.owner_thread

    def claim(self) -> None:
        """Make the calling thread the owner: the window opens the folder on a worker, then hands the context
        to its GUI thread, which calls this as it receives it."""
        self.owner_thread = threading.get_ident()

    def adopt(self, *, settings: SiteSettings | None = None, catalogue: Catalogue | None = None) -> None:
        """Put new settings or a new catalogue in effect; only the owning thread may (a bug otherwise)."""
        if not self.owned_here():
            raise RuntimeError("the kiosk context is changed only by the thread that opened it")
        if settings is not None:
            self.settings = settings
        if catalogue is not None:
            self.catalogue = catalogue

    def reload_settings(self) -> None:
        """Adopt settings.json as it is on disk now (after enrolment wrote it)."""
        self.adopt(settings=load_settings(self.data.settings_path))

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session (BEGIN DEFERRED): it never waits behind a writer's lock."""
        with _scope(self.read_sessions or make_sessionmaker(self.engine, read_only=True)) as session:
            yield session

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session inside one BEGIN IMMEDIATE … COMMIT; known storage failures become StorageError."""
        with _scope(self.sessions) as session:
            yield session

    def now(self) -> datetime:
        return utcnow()

    @property
    def tracking_base(self) -> str:
        return (self.settings.portal_url or PLACEHOLDER_PORTAL).rstrip("/")

    def close(self) -> None:
        self.engine.dispose()


def open_database(data: DataDir) -> tuple[Engine, sessionmaker[Session], bytes]:
    """The migrated, encrypted database and the folder's data key (plaintext folders are converted first)."""
    from kiosk.security.encryption import prepare_folder

    data.ensure()
    try:
        key = prepare_folder(data)
    except OSError as exc:
        known = storage_error_from(exc)
        if known is not None:
            raise known from exc
        raise
    engine = make_engine(data.db_path, key)
    upgrade_with_backup(data, engine, key)
    return engine, make_sessionmaker(engine), key


def upgrade_with_backup(data: DataDir, engine: Engine, key: bytes) -> None:
    """Migrate to the newest schema; an existing database is copied first and put back if a migration fails."""
    from kiosk.storage.backup import copy_database, upgrade_backup_path
    from kiosk.storage.db import current_revision, head_revision

    try:
        current = current_revision(engine)
    except Exception as exc:
        known = storage_error_from(exc)
        if known is not None:
            raise known from exc
        raise
    if current == head_revision():
        return
    safety = None
    if current is not None:  # a new, empty database needs no copy
        safety = upgrade_backup_path(data, current)
        copy_database(data.db_path, safety, key)
        log.info("database copied to %s before upgrading from schema %s", safety.name, current)
    try:
        migrate(engine, _site_facts(data))
    except Exception as exc:
        known = storage_error_from(exc)
        log.error("database upgrade from schema %s failed: %s", current, type(exc).__name__, exc_info=known is None)
        if safety is None:
            if known is not None:
                raise known from exc
            raise
        engine.dispose()
        copy_database(safety, data.db_path, key)
        raise StorageError(
            f"Không cập nhật được cơ sở dữ liệu lên phiên bản mới của phần mềm. Dữ liệu cũ đã được khôi phục nguyên vẹn "
            f"(bản sao {safety.name}). Hãy báo quản trị viên; có thể tiếp tục dùng phiên bản cũ của phần mềm."
        ) from exc


def _site_facts(data: DataDir) -> dict[str, object]:
    """What migrations may need of the site settings (unit id, kiosk number); empty when there are none yet."""
    try:
        settings = load_settings(data.settings_path)
    except KioskError:
        return {}
    return {"unit_id": settings.unit_id, "kiosk_number": settings.kiosk_number}


def open_kiosk(root: Path) -> KioskContext:
    """Open an initialised data folder; raises NotInitialisedError (with the command to run) otherwise."""
    data = DataDir(root)
    data.ensure()
    settings = load_settings(data.settings_path)
    engine, sessions, data_key = open_database(data)
    catalogue = load_catalogue(extra_procedure_dirs=[data.catalogue_dir])
    for error in catalogue.errors:
        log.error("procedure definition not loaded: %s", error)
    calendar = WorkCalendar(load_overrides(data.calendar_overrides_path))
    context = KioskContext(
        data=data,
        settings=settings,
        engine=engine,
        sessions=sessions,
        catalogue=catalogue,
        calendar=calendar,
        token_key=load_or_create_secret(data.token_key_path),
        receipt_key=load_or_create_secret(data.receipt_key_path),
        data_key=data_key,
        file_key=file_key(data_key),
        read_sessions=make_sessionmaker(engine, read_only=True),
    )
    from kiosk.security import audit

    chain_key = load_or_create_secret(data.audit_key_path)
    for factory in (context.sessions, context.read_sessions):
        audit.install(factory, chain_key, data.audit_head_path)
    from kiosk.dossier.code_ledger import FILE_NAME, CodeLedger
    from kiosk.dossier.codes import LEDGER_INFO

    context.sessions.kw["info"] = dict(context.sessions.kw["info"], **{LEDGER_INFO: CodeLedger(data.root / FILE_NAME)})
    with context.transaction() as session:
        chained = audit.chain_unsealed(session)
    if chained:
        log.info("%d audit events from before the chain were chained", chained)
    record_catalogue(context)
    return context


def record_catalogue(context: KioskContext, catalogue: Catalogue | None = None) -> None:
    """Keep a copy of every procedure version offered (by `catalogue`, default the context's), so dossiers
    filed under it render later."""
    with context.transaction() as session:
        stored = {(row.code, row.version): row for row in session.scalars(select(ProcedureRow))}
        for procedure in (catalogue or context.catalogue).all_versions():
            row = stored.get((procedure.code, procedure.version))
            if row is None:
                session.add(
                    ProcedureRow(
                        code=procedure.code,
                        version=procedure.version,
                        name=procedure.name,
                        digest=procedure.digest,
                        definition=procedure.raw,
                    )
                )
            elif row.digest != procedure.digest:
                log.warning(
                    "procedure %s version %s changed on disk without a new version; dossiers keep the stored copy",
                    procedure.code,
                    procedure.version,
                )
