"""Append audit events in the caller's transaction (issue 4 adds the hash chain)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from kiosk.models import AuditEvent, utcnow


def record(session: Session, actor: str, action: str, *, dossier_id: int | None = None, **details: Any) -> AuditEvent:
    """Add one event; details must never hold personal data (names, ID numbers, addresses)."""
    event = AuditEvent(at=utcnow(), actor=actor, action=action, dossier_id=dossier_id, details=details)
    session.add(event)
    return event
