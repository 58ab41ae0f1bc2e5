"""Genuine receipts: the QR token is the kiosk's Ed25519 signature, so the portal vouches for a receipt before it syncs."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import requests

from conftest import TEST_SITE
from portal_server import portal  # noqa: F401 - the fixture
from fault_proxy import FaultProxy
from sync_helpers import UNIT_ID, add_officer, client_factory, make_kiosk, submit_dossiers

WAITING = "Đang chờ gửi lên cổng"
NOT_FOUND = "Không tìm thấy hồ sơ"


@pytest.fixture
def kiosk(tmp_path, portal):  # noqa: F811
    """A kiosk enrolled the way an administrator does it (kiosk-admin enrol): the receipt key goes with enrolment."""
    from kiosk.storage.context import open_kiosk
    from kiosk.storage.site import init_site
    from sync.enrolment import enrol

    root = tmp_path / "kiosk"
    init_site(root, dict(TEST_SITE))
    ctx = open_kiosk(root)
    enrol(ctx, portal.url, portal.enrolment_code(UNIT_ID, 1))
    yield ctx
    ctx.close()


def receipt_url(ctx, code: str) -> str:
    from kiosk.printed.load import load_receipt

    return load_receipt(ctx, code, actor="test", reprint=True).tracking_url


def personal(ctx, code: str) -> list[str]:
    from sqlalchemy import select

    from kiosk.storage.models import Dossier
    from forms.text import fold

    with ctx.read() as session:
        values = session.scalar(select(Dossier).where(Dossier.code == code)).values
    name, id_number = values["submitter_name"], values["submitter_id_number"]
    return [name, fold(name), id_number]


def altered(token: str, position: int) -> str:
    return token[:position] + ("a" if token[position] != "a" else "b") + token[position + 1 :]


def test_a_genuine_receipt_not_yet_synced_says_waiting_to_be_sent(kiosk, portal, tmp_path) -> None:  # noqa: F811
    officer = add_officer(kiosk)
    (code,) = submit_dossiers(kiosk, officer, 1, tmp_path / "scans", size=1000)
    url = receipt_url(kiosk, code)
    assert re.search(r"\?t=2[a-z2-7]{103}$", url), url
    page = requests.get(url, timeout=10)
    assert page.status_code == 200 and WAITING in page.text
    assert TEST_SITE["unit_name"] in page.text and date.today().strftime("%d/%m/%Y")[3:] in page.text
    for secret in personal(kiosk, code):
        assert secret not in page.text

    # after the sync the same receipt shows the dossier itself
    from sync.engine import SyncEngine

    assert SyncEngine(kiosk).run_once(force=True).delivered == 1
    page = requests.get(url, timeout=10)
    assert page.status_code == 200 and WAITING not in page.text and "Đã tiếp nhận" in page.text
    log = portal.log()  # the portal's log saw the upload and both look-ups: no personal data, no token
    assert "/tra-cuu/" in log and "PUT /api/v1/dossiers/" in log
    for secret in personal(kiosk, code) + [url.split("?t=")[1]]:
        assert secret not in log


@pytest.mark.parametrize("synced", [False, True])
def test_a_forged_or_altered_token_shows_not_found(kiosk, portal, tmp_path, synced) -> None:  # noqa: F811
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from kiosk.printed.token import make_token, tracking_url
    from sync.engine import SyncEngine

    officer = add_officer(kiosk)
    (code,) = submit_dossiers(kiosk, officer, 1, tmp_path / "scans", size=1000)
    if synced:
        assert SyncEngine(kiosk).run_once(force=True).delivered == 1
    url = receipt_url(kiosk, code)
    token = url.split("?t=")[1]
    base = portal.url
    forger_key = Ed25519PrivateKey.generate().private_bytes_raw()
    number = int(code[-3:])
    other_code = code[:-3] + f"{number + 1:03d}"
    attempts = {
        "altered first character": tracking_url(base, code, altered(token, 1)),
        "altered middle character": tracking_url(base, code, altered(token, 50)),
        "altered last character": tracking_url(base, code, altered(token, len(token) - 1)),
        "truncated": tracking_url(base, code, token[:-1]),
        "signed by another key": tracking_url(base, code, make_token(forger_key, code)),
        "genuine token, another code": tracking_url(base, other_code, token),
        "forged code signed by another key": tracking_url(base, other_code, make_token(forger_key, other_code)),
        "no token": tracking_url(base, code, token).split("?")[0],
    }
    reference = requests.get(tracking_url(base, code[:-3] + "999", token), timeout=10)
    assert reference.status_code == 404 and NOT_FOUND in reference.text
    for label, attempt in attempts.items():
        page = requests.get(attempt, timeout=10)
        assert page.status_code == 404 and page.text == reference.text, label
    assert requests.get(url, timeout=10).status_code == 200  # and the genuine one still works


def test_a_revoked_kiosk_gets_401_and_cannot_vouch_for_receipts_dated_after_revocation(kiosk, portal, tmp_path) -> None:  # noqa: F811
    from kiosk.printed.token import make_token, tracking_url
    from sync.credentials import load_credentials
    from sync.engine import SyncEngine
    from sync.errors import Unauthorized

    officer = add_officer(kiosk)
    (code,) = submit_dossiers(kiosk, officer, 1, tmp_path / "scans", size=1000)
    kiosk_id = load_credentials(kiosk.data).kiosk_id
    portal.run_cli("revoke", "--kiosk", kiosk_id)

    report = SyncEngine(kiosk).run_once(force=True)
    assert report.reachable and report.refused and report.delivered == 0 and report.message == Unauthorized().message
    creds = load_credentials(kiosk.data)
    answer = requests.get(portal.api + "/status-changes", headers=portal.auth_header(creds.kiosk_id, creds.secret), timeout=10)
    assert answer.status_code == 401

    # a receipt issued before the revocation is still genuine; a code dated later, signed with the stolen key, is not
    assert requests.get(receipt_url(kiosk, code), timeout=10).status_code == 200
    later = (date.today() + timedelta(days=2)).strftime("%y%m%d")
    future_code = f"{UNIT_ID}-{later}-1001"
    forged = requests.get(tracking_url(portal.url, future_code, make_token(kiosk.receipt_key, future_code)), timeout=10)
    assert forged.status_code == 404 and NOT_FOUND in forged.text


def test_the_receipt_key_of_a_kiosk_enrolled_before_signatures_is_registered_by_the_next_sync(tmp_path, portal) -> None:  # noqa: F811
    from sync.engine import SyncEngine

    ctx = make_kiosk(tmp_path / "old", portal)  # enrolled without sending a public key, like an older version
    try:
        officer = add_officer(ctx)
        (code,) = submit_dossiers(ctx, officer, 1, tmp_path / "scans", size=1000)
        url = receipt_url(ctx, code)
        assert requests.get(url, timeout=10).status_code == 404  # the portal cannot vouch for it yet
        with FaultProxy(portal.url) as proxy:
            proxy.set_fault("http503", match=r"^PUT /api/v1/dossiers/")  # the dossier itself does not go through
            SyncEngine(ctx, client_factory(proxy.url)).run_once(force=True)
        page = requests.get(url, timeout=10)
        assert page.status_code == 200 and WAITING in page.text
    finally:
        ctx.close()


def test_the_tracking_page_is_rate_limited_per_address(tmp_path) -> None:
    from portal_server import start_portal

    with start_portal(tmp_path / "limited", extra_args=["--tracking-rate", "3"]) as server:
        url = server.url + "/tra-cuu/000.00.07.H26-261201-1001?t=2abc"
        assert [requests.get(url, timeout=10).status_code for _ in range(3)] == [404, 404, 404]
        refused = requests.get(url, timeout=10)
        assert refused.status_code == 429 and "Tra cứu quá nhiều lần" in refused.text
        assert 1 <= int(refused.headers["Retry-After"]) <= 61
        assert requests.get(server.api + "/health", timeout=10).status_code == 200  # the kiosk API is not limited by it
