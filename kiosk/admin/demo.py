"""`kiosk --demo`: a demo site (no portal, so nothing syncs), a demo officer and about 20 sample dossiers."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from pathlib import Path

from sqlalchemy import func, select

from forms.timezone import VN_TZ
from kiosk.storage.models import Dossier, Officer

log = logging.getLogger(__name__)

DEMO_LOGIN = ("demo", "246810")  # a PIN the policy accepts (kiosk/security/pin_policy.py): never asked to change
DEMO_SITE = {
    "unit_id": "000.00.99.H99",  # H99 is no real province: demo codes can never be mistaken for real ones
    "unit_name": "UBND xã Bát Tràng (trình diễn)",
    "commune_code": "00583",
    "kiosk_number": 1,
    "portal_url": "",
    "place_name": "Bát Tràng",
    "hotline": "1900 0000 (trình diễn)",
    "saturday_morning": True,
    "demo": True,
}
DEMO_DOSSIERS = 20


def demo_pin_as_shown(officer: Officer) -> None:
    """A demo folder made before the PIN policy has the old demo PIN 1234: the login screen shows DEMO_LOGIN, so the
    demo officer's PIN is put back to it (and any lockout lifted) at every demo start. Only ever on the demo site."""
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    hasher = PasswordHasher()
    try:
        hasher.verify(officer.pin_hash, DEMO_LOGIN[1])
    except (VerificationError, InvalidHashError):
        officer.pin_hash = hasher.hash(DEMO_LOGIN[1])
        officer.locked_until, officer.failed_attempts, officer.lockout_level = None, 0, 0


def ensure_demo(root: Path) -> None:
    """Create the demo site on first start; top it up to DEMO_DOSSIERS if an earlier start was cut short."""
    from kiosk.storage.context import open_kiosk
    from kiosk.dossier.submit import submit
    from kiosk.security.officers import OfficerRef
    from kiosk.security.officers import add_officer
    from kiosk.storage.paths import DataDir
    from forms.samples import sample_values
    from kiosk.storage.site import init_site

    if not DataDir(root).settings_path.exists():
        init_site(root, dict(DEMO_SITE))
    ctx = open_kiosk(root)
    try:
        with ctx.transaction() as session:
            officer = session.scalar(select(Officer).where(Officer.username == DEMO_LOGIN[0]))
            if officer is None:
                officer = add_officer(session, DEMO_LOGIN[0], "Nguyễn Thị Demo", "admin", DEMO_LOGIN[1])
            else:
                demo_pin_as_shown(officer)
            officer_ref = OfficerRef.of(officer)
            existing = session.scalar(select(func.count()).select_from(Dossier).where(Dossier.lifecycle != "draft")) or 0
        procedures = ctx.catalogue.latest()
        if existing >= DEMO_DOSSIERS or not procedures:
            return
        now = datetime.now(VN_TZ)
        # Two to three dossiers per working day over the past weeks, submitted in time order so that
        # each day's codes rise with the receive time, as they would at a real counter.
        moments = []
        for n in range(DEMO_DOSSIERS):
            day = (now - timedelta(days=(DEMO_DOSSIERS - n) // 2 + 1)).date()
            while not ctx.calendar.is_working_day(day):
                day -= timedelta(days=1)
            moments.append(datetime.combine(day, time(7 + (n * 5) % 9, (n * 17) % 60), VN_TZ))
        moments.sort()
        for n in range(existing, DEMO_DOSSIERS):
            procedure = procedures[n % len(procedures)]
            values = sample_values(procedure, seed=n, today=moments[n].date())
            submit(ctx, procedure=procedure, values=values, officer=officer_ref, now=moments[n])
        log.info("demo data folder filled with %d dossiers", DEMO_DOSSIERS - existing)
    finally:
        ctx.close()
