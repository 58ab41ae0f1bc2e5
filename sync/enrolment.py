"""Enrolment: exchange a one-time code from the portal's administrator for this kiosk's credentials."""

from __future__ import annotations

import logging
from typing import Any, Callable

from kiosk import __version__
from kiosk.security import audit
from kiosk.storage.context import KioskContext
from kiosk.errors import InputError
from kiosk.storage.models import utcnow
from kiosk.storage.settings import save_settings
from kiosk.printed.token import public_key_of
from sync import meta
from sync.client import PortalClient
from sync.credentials import Credentials, load_credentials, save_credentials

log = logging.getLogger(__name__)


def enrol(
    ctx: KioskContext,
    portal_url: str,
    code: str,
    *,
    actor: str = "admin",
    client_factory: Callable[[str], PortalClient] | None = None,
) -> Credentials:
    """Enrol with the portal at `portal_url`; stores the credentials (0600) and writes settings.portal_url to
    settings.json. Called on the thread that owns the context (the command line), the new settings take effect
    at once; called on a worker, the owner adopts them (`ctx.reload_settings()`)."""
    portal_url = portal_url.strip().rstrip("/")
    code = code.strip()
    if not code:
        raise InputError("Hãy nhập mã đăng ký do quản trị viên cổng cấp.")
    new_settings = ctx.settings.with_changes(portal_url=portal_url)
    problems = new_settings.errors()
    if "portal_url" in problems:
        raise InputError(problems["portal_url"])
    make = client_factory or (lambda url: PortalClient(url, None, ca_bundle=ctx.settings.portal_ca_bundle or None))
    with make(portal_url) as client:
        client.health()  # a captive portal or a wrong address fails here, before the code is spent
        public_key = public_key_of(ctx.receipt_key).hex()
        answer = client.enrol(
            code, ctx.settings.unit_id, ctx.settings.kiosk_number, __version__, receipt_public_key=public_key, unit_name=ctx.settings.unit_name
        )
    previous = load_credentials(ctx.data)
    credentials = Credentials(portal_url=portal_url, kiosk_id=answer["kiosk_id"], secret=answer["secret"], enrolled_at=utcnow().isoformat())
    save_credentials(ctx.data, credentials)
    save_settings(ctx.data.settings_path, new_settings)
    if ctx.owned_here():
        ctx.adopt(settings=new_settings)
    with ctx.transaction() as session:
        if previous is None or previous.portal_url != portal_url:
            meta.put(session, meta.STATUS_CURSOR, None)  # cursors belong to one portal
        meta.put(session, meta.RECEIPT_KEY_REGISTERED, f"{portal_url} {public_key} {ctx.settings.unit_id}")
        audit.record(session, actor, "portal.enrolled", kiosk_id=credentials.kiosk_id, portal=portal_url)
    log.info("enrolled with %s as kiosk %s", portal_url, credentials.kiosk_id)
    return credentials



def enrol_as(ctx: KioskContext, actor: Any, portal_url: str, code: str) -> Credentials:
    """An administrator enrols the kiosk from the admin screen; the role is checked here, not only by the UI."""
    from kiosk.security.roles import require

    require(actor, "enrol")
    return enrol(ctx, portal_url, code, actor=actor.username)

def enrol_pending(ctx: KioskContext) -> Credentials | None:
    """Enrol with the code a per-site package left (kiosk/provision.py), once the portal answers; None if none is pending."""
    from kiosk.storage.provision import clear_pending, pending_enrolment

    pending = pending_enrolment(ctx.data)
    if pending is None or load_credentials(ctx.data) is not None:
        return None
    credentials = enrol(ctx, pending["portal_url"], pending["code"], actor="system:first-start")
    clear_pending(ctx.data)
    return credentials
