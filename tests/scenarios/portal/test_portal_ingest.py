"""Ingest at once: several kiosks deliver together and each revision is sent twice at the same moment (a retry racing
its first try). On SQLite writers queue; on PostgreSQL they really run together, so the second of two racing inserts
meets the unique constraint and must be answered as a repeat, never a 500 (portal/routes/revisions.py)."""

from __future__ import annotations

import json
import threading
import uuid as uuid_module
from concurrent.futures import ThreadPoolExecutor

import requests

from portal_server import on_both_backends as portal_db_url  # noqa: F401 - fixture: each test on SQLite and on PostgreSQL
from portal_server import PortalServer, portal  # noqa: F401 - fixture: a real `kiosk-portal serve` process
from sync import wire

UNIT = "000.00.07.H26"
KIOSKS = 4
DOSSIERS_PER_KIOSK = 5
TIMEOUT = 60


def body(kiosk_number: int, serial: int) -> bytes:
    return wire.dossier_body(
        uuid=str(uuid_module.uuid4()), revision=1, code=f"{UNIT}-261123-{kiosk_number}{serial:03d}", unit_id=UNIT,
        kiosk_number=kiosk_number, procedure_code="1.001193", procedure_version="2026.1",
        received_at="2026-11-23T01:00:00+00:00", appointment_date="2026-11-23", appointment_time="16:30", officer="lan",
        values={"submitter_name": "Trần Văn Bình", "submitter_id_number": "001190054321", "submitter_phone": "0987654321",
                "submitter_address": "Thôn Đông", "submitter_email": ""},
        documents=[{"doc_id": "to_khai", "name": "Tờ khai đăng ký khai sinh", "kind": "original", "quantity": 1}],
        attachments=[], tracking_token=f"tok{kiosk_number}{serial:03d}abcdefghijklmnop",
    )


def test_kiosks_delivering_at_once_with_racing_retries_store_each_revision_once(portal: PortalServer) -> None:  # noqa: F811
    kiosks = [portal.enrol(UNIT, number) for number in range(1, KIOSKS + 1)]
    sends = []  # (kiosk index, body): every body twice, so two requests for one revision run side by side
    for index in range(KIOSKS):
        for serial in range(1, DOSSIERS_PER_KIOSK + 1):
            one = body(index + 1, serial)
            sends += [(index, one), (index, one)]
    start = threading.Barrier(len(sends))

    def send(item: tuple[int, bytes]) -> tuple[str, int, str]:
        index, payload = item
        kiosk_id, secret = kiosks[index]
        parsed = json.loads(payload)
        start.wait(timeout=TIMEOUT)
        answer = requests.put(
            f"{portal.api}/dossiers/{parsed['uuid']}/revisions/1", data=payload, timeout=TIMEOUT,
            headers={**portal.auth_header(kiosk_id, secret), "Content-Type": "application/json",
                     wire.HEADER_ATTEMPT: "1", wire.HEADER_SENT_AT: "2026-11-23T01:02:03+00:00"},
        )
        return parsed["code"], answer.status_code, answer.text

    with ThreadPoolExecutor(len(sends)) as pool:
        answers = list(pool.map(send, sends))

    assert [a for a in answers if a[1] not in (200, 201)] == []  # no 5xx, no conflict: a racing repeat is a repeat
    by_code: dict[str, list[int]] = {}
    for code, status, _ in answers:
        by_code.setdefault(code, []).append(status)
    assert len(by_code) == KIOSKS * DOSSIERS_PER_KIOSK
    assert all(sorted(statuses) == [200, 201] for statuses in by_code.values()), by_code  # created once, then a repeat
    held = json.loads(portal.run_cli("dossiers", "--json").stdout)["dossiers"]
    assert sorted(row["code"] for row in held) == sorted(by_code)
    assert all(len(row["revisions"]) == 1 and row["deliveries"] == 2 for row in held)
    assert portal.alive() and "Traceback" not in portal.log()
