"""Procedure versions activated from the portal: checked like shipped definitions, kept in `<data>/catalogue/`.

Activation is the kiosk's half of a catalogue update (the signature is checked first, in
sync/catalogue_updates.py). A definition that does not load exactly as a shipped file would (schema,
expressions, choice lists, common blocks) is refused and changes nothing. Dossiers keep the version
they were filed under: every version ever offered stays in the `procedure` table (record_catalogue).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from forms.catalogue import Catalogue, load_catalogue
from forms.model import Procedure
from kiosk.errors import InputError
from kiosk.storage.files import fsync_dir, write_atomic
from kiosk.storage.models import Procedure as ProcedureRow


def procedure_row(session: Session, procedure: Procedure) -> ProcedureRow:
    """The stored copy of a procedure version (added on first use), which dossiers filed under it refer to."""
    row = session.scalar(
        select(ProcedureRow).where(ProcedureRow.code == procedure.code, ProcedureRow.version == procedure.version)
    )
    if row is None:
        row = ProcedureRow(
            code=procedure.code, version=procedure.version, name=procedure.name, digest=procedure.digest, definition=procedure.raw
        )
        session.add(row)
        session.flush()
    return row


def activate(ctx: Any, definition: bytes) -> tuple[str, str, Catalogue]:
    """Check one definition and make it available; returns (code, version) and the catalogue with it,
    which the context's owner adopts."""
    from kiosk.storage.context import record_catalogue

    try:
        doc = json.loads(definition)
        code, version = str(doc["code"]), str(doc["version"])
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError("Định nghĩa thủ tục từ cổng không đọc được.") from exc
    name = f"{code}-{version}.json"
    if not all(ch.isalnum() or ch in ".-" for ch in name):
        raise InputError(f"Mã hoặc phiên bản thủ tục không hợp lệ: {code} {version}.")
    with tempfile.TemporaryDirectory() as scratch:
        (Path(scratch) / name).write_bytes(definition)
        trial = load_catalogue(extra_procedure_dirs=[ctx.data.catalogue_dir, Path(scratch)])
    problems = [e for e in trial.errors if name in str(e)]
    if problems or trial.get(code, version) is None:
        raise InputError(f"Thủ tục {code} phiên bản {version} từ cổng không hợp lệ: {problems[0] if problems else 'không nạp được'}.")
    ctx.data.catalogue_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(ctx.data.catalogue_dir / name, definition)
    fsync_dir(ctx.data.catalogue_dir)
    catalogue = load_catalogue(extra_procedure_dirs=[ctx.data.catalogue_dir])
    record_catalogue(ctx, catalogue)
    return code, version, catalogue
