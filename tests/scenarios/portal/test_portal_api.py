"""The reference portal's API v1 and tracking page against a real `kiosk-portal serve` process (docs/sync-protocol.md)."""

from __future__ import annotations

import hashlib
import itertools
import json
import uuid as uuid_module
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from portal_server import BACKENDS, REPO, PortalServer, backend_database, start_portal
from sync import wire

UNIT = "000.00.07.H26"
TIMEOUT = 30

# Personal data of the made-up submitter: it must never appear on the public page or in a log.
NAME = "Nguyễn Thị Hồng Nhung"
NAME_ASCII = "Nguyen Thi Hong Nhung"
ID_NUMBER = "001190012345"
PHONE = "0912345678"
ADDRESS = "Số 12 ngõ 34 phố Hàng Bạc"
EMAIL = "hong.nhung@example.vn"

_numbers = itertools.count(1)
_codes = itertools.count(1)


@pytest.fixture(scope="module", params=BACKENDS)
def srv(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """One portal process per backend (SQLite, PostgreSQL) for this module; every test enrols its own kiosk (slot),
    so tests do not see each other."""
    with backend_database(request, request.param) as db_url, start_portal(tmp_path_factory.mktemp("portal"), db_url=db_url) as server:
        yield server


@dataclass
class Kiosk:
    server: PortalServer
    kiosk_id: str
    secret: str
    number: int

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.kiosk_id}:{self.secret}"}

    def get(self, path: str, **kwargs) -> requests.Response:
        return requests.get(self.server.api + path, headers={**self.headers, **kwargs.pop("headers", {})}, timeout=TIMEOUT, **kwargs)

    def put(self, path: str, **kwargs) -> requests.Response:
        return requests.put(self.server.api + path, headers={**self.headers, **kwargs.pop("headers", {})}, timeout=TIMEOUT, **kwargs)

    def upload(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        offset = 0
        while True:
            chunk = data[offset : offset + wire.CHUNK_SIZE]
            answer = self.put(f"/attachments/{sha}", params={"offset": offset, "size": len(data)}, data=chunk,
                              headers={"Content-Type": "application/octet-stream"})
            assert answer.status_code == 200, answer.text
            offset = answer.json()["received"]
            if answer.json()["complete"]:
                return sha

    def put_revision(self, body: bytes, *, attempt: int = 1, sent_at: str = "2026-11-23T01:02:03+00:00") -> requests.Response:
        parsed = json.loads(body)
        return self.put(
            f"/dossiers/{parsed['uuid']}/revisions/{parsed['revision']}",
            data=body,
            headers={"Content-Type": "application/json", wire.HEADER_ATTEMPT: str(attempt), wire.HEADER_SENT_AT: sent_at},
        )

    def body(self, **overrides) -> bytes:
        fields = dict(
            uuid=str(uuid_module.uuid4()),
            revision=1,
            code=f"{UNIT}-261123-{(self.number - 1) % 9 + 1}{next(_codes) % 999 + 1:03d}",  # a well-formed code (kiosk digit 1-9)
            unit_id=UNIT,
            kiosk_number=self.number,
            procedure_code="1.001193",
            procedure_version="2026.1",
            received_at="2026-11-23T01:00:00+00:00",
            appointment_date="2026-11-23",
            appointment_time="16:30",
            officer="lan",
            values={
                "submitter_name": NAME,
                "submitter_id_number": ID_NUMBER,
                "submitter_phone": PHONE,
                "submitter_address": ADDRESS,
                "submitter_email": EMAIL,
            },
            documents=[{"doc_id": "to_khai", "name": "Tờ khai đăng ký khai sinh", "kind": "original", "quantity": 1}],
            attachments=[],
            tracking_token="1abcdefghijklmnop",
        )
        fields.update(overrides)
        return wire.dossier_body(**fields)


@pytest.fixture
def kiosk(srv: PortalServer) -> Kiosk:
    number = next(_numbers)
    kiosk_id, secret = srv.enrol(UNIT, number)
    return Kiosk(srv, kiosk_id, secret, number)


def held(server: PortalServer) -> dict[str, dict]:
    return {row["code"]: row for row in json.loads(server.run_cli("dossiers", "--json").stdout)["dossiers"]}


def attachment_ref(sha: str, size: int) -> dict:
    return {"sha256": sha, "size": size, "mime": "image/jpeg", "filename": "giay-chung-sinh.jpg", "field_id": "birth_certificate"}


# --- health, enrolment, authentication -------------------------------------------------------------


def test_health_identifies_the_portal(srv: PortalServer) -> None:
    answer = requests.get(srv.api + "/health", timeout=TIMEOUT)
    assert answer.status_code == 200
    payload = answer.json()
    assert wire.is_portal_answer(payload)
    assert payload["api"] == wire.API_VERSION and payload["portal_name"] and payload["time"].endswith("Z")


def test_enrolment_code_is_single_use_and_bound_to_its_kiosk(srv: PortalServer) -> None:
    number = next(_numbers)
    code = srv.enrolment_code(UNIT, number)
    enrol = lambda **body: requests.post(srv.api + "/enrol", json={"unit_id": UNIT, "kiosk_number": number, "app_version": "t", **body}, timeout=TIMEOUT)  # noqa: E731

    assert enrol(code=code, kiosk_number=number + 1000).status_code == 403  # issued for another kiosk: refused, not used up
    first = enrol(code=code.lower().replace("-", " "))  # typed by hand: case and separators do not matter
    assert first.status_code == 201, first.text
    payload = first.json()
    assert wire.is_portal_answer(payload) and payload["unit_id"] == UNIT and payload["kiosk_number"] == number
    assert payload["kiosk_id"] and len(payload["secret"]) >= 32 and ":" not in payload["kiosk_id"]

    again = enrol(code=code)
    assert again.status_code == 403 and again.json() == {"service": wire.SERVICE, "error": "forbidden", "message": again.json()["message"]}
    assert enrol(code="WRON-GCOD-E123").status_code == 403
    assert requests.post(srv.api + "/enrol", json={"code": code}, timeout=TIMEOUT).status_code == 422

    # The secret is stored as a hash only: it appears nowhere in the database file.
    if srv.db_url.startswith("sqlite"):
        assert payload["secret"].encode() not in (srv.root / "portal.db").read_bytes()


KIOSK_ENDPOINTS = [
    ("GET", "/attachments/" + "0" * 64),
    ("PUT", "/attachments/" + "0" * 64 + "?offset=0&size=1"),
    ("PUT", f"/dossiers/{uuid_module.uuid4()}/revisions/1"),
    ("GET", "/status-changes"),
    ("GET", "/catalogue"),
]


def test_missing_wrong_or_revoked_credentials_get_401(srv: PortalServer, kiosk: Kiosk) -> None:
    bad = {
        "none": {},
        "not bearer": {"Authorization": f"Basic {kiosk.kiosk_id}:{kiosk.secret}"},
        "no secret": {"Authorization": f"Bearer {kiosk.kiosk_id}"},
        "wrong secret": {"Authorization": f"Bearer {kiosk.kiosk_id}:{kiosk.secret[:-1]}x"},
        "unknown kiosk": {"Authorization": f"Bearer k-nobody:{kiosk.secret}"},
    }
    for label, headers in bad.items():
        for method, path in KIOSK_ENDPOINTS:
            answer = requests.request(method, srv.api + path, headers=headers, data=b"x", timeout=TIMEOUT)
            assert answer.status_code == 401, (label, method, path, answer.text)
            assert answer.json() == {"service": wire.SERVICE, "error": "unauthorized"}

    assert kiosk.get("/catalogue").status_code == 200
    revoked = json.loads(srv.run_cli("revoke", "--kiosk", kiosk.kiosk_id, "--json").stdout)
    assert revoked["ok"] and revoked["revoked_at"]
    for method, path in KIOSK_ENDPOINTS:
        answer = requests.request(method, srv.api + path, headers=kiosk.headers, data=b"x", timeout=TIMEOUT)
        assert answer.status_code == 401 and answer.json()["error"] == "unauthorized"
    assert srv.run_cli("revoke", "--kiosk", "k-nobody", check=False).returncode == 2


# --- attachments -----------------------------------------------------------------------------------


def test_attachment_chunks_resume_from_what_the_portal_holds(srv: PortalServer, kiosk: Kiosk) -> None:
    data = bytes(range(256)) * 2100  # 537,600 bytes: three chunks
    sha = hashlib.sha256(data).hexdigest()
    size = len(data)
    status = kiosk.get(f"/attachments/{sha}")
    assert status.status_code == 200
    assert status.json() == {"service": wire.SERVICE, "sha256": sha, "size": 0, "received": 0, "complete": False}

    first = kiosk.put(f"/attachments/{sha}", params={"offset": 0, "size": size}, data=data[: wire.CHUNK_SIZE])
    assert first.status_code == 200 and first.json()["received"] == wire.CHUNK_SIZE and not first.json()["complete"]

    # A retry of the same chunk (its answer was lost) is told where to continue.
    repeat = kiosk.put(f"/attachments/{sha}", params={"offset": 0, "size": size}, data=data[: wire.CHUNK_SIZE])
    assert repeat.status_code == 409
    assert repeat.json()["received"] == wire.CHUNK_SIZE and repeat.json()["error"] == "offset_mismatch"
    ahead = kiosk.put(f"/attachments/{sha}", params={"offset": 2 * wire.CHUNK_SIZE, "size": size}, data=data[2 * wire.CHUNK_SIZE :])
    assert ahead.status_code == 409 and ahead.json()["received"] == wire.CHUNK_SIZE

    # After a cut the kiosk asks, then resumes at `received`.
    resume_at = kiosk.get(f"/attachments/{sha}").json()["received"]
    assert resume_at == wire.CHUNK_SIZE
    offset = resume_at
    while offset < size:
        answer = kiosk.put(f"/attachments/{sha}", params={"offset": offset, "size": size}, data=data[offset : offset + wire.CHUNK_SIZE])
        assert answer.status_code == 200, answer.text
        offset = answer.json()["received"]
    final = kiosk.get(f"/attachments/{sha}").json()
    assert final == {"service": wire.SERVICE, "sha256": sha, "size": size, "received": size, "complete": True}
    assert hashlib.sha256((srv.files_dir / sha).read_bytes()).hexdigest() == sha

    too_big = kiosk.put(f"/attachments/{'1' * 64}", params={"offset": 0, "size": wire.CHUNK_SIZE + 1}, data=b"x" * (wire.CHUNK_SIZE + 1))
    assert too_big.status_code == 413 and too_big.json()["service"] == wire.SERVICE


def test_attachment_with_wrong_content_is_discarded(srv: PortalServer, kiosk: Kiosk) -> None:
    good = b"scan of a birth certificate" * 1000
    sha = hashlib.sha256(good).hexdigest()
    bad = good[:-1] + b"!"
    answer = kiosk.put(f"/attachments/{sha}", params={"offset": 0, "size": len(bad)}, data=bad)
    assert answer.status_code == 422
    assert answer.json()["error"] == "sha256_mismatch" and answer.json()["received"] == 0
    assert kiosk.get(f"/attachments/{sha}").json()["received"] == 0
    assert not (srv.files_dir / sha).exists()

    past_end = kiosk.put(f"/attachments/{sha}", params={"offset": 0, "size": 10}, data=good[:20])
    assert past_end.status_code == 422 and past_end.json()["error"] == "too_much_data"
    invalid = [
        kiosk.put(f"/attachments/{'z' * 64}", params={"offset": 0, "size": 1}, data=b"x"),
        kiosk.put(f"/attachments/{sha}", params={"offset": -1, "size": 1}, data=b"x"),
        kiosk.put(f"/attachments/{sha}", params={"offset": 0}, data=b"x"),
    ]
    assert [a.status_code for a in invalid] == [422, 422, 422]
    assert all(a.json()["service"] == wire.SERVICE and a.json()["error"] == "invalid" for a in invalid)
    assert kiosk.upload(good) == sha  # and the right bytes are then taken


# --- dossiers --------------------------------------------------------------------------------------


def test_dossier_revision_is_stored_exactly_once(srv: PortalServer, kiosk: Kiosk) -> None:
    scan = b"\x89PNG fake scan" * 5000
    sha = hashlib.sha256(scan).hexdigest()
    body = kiosk.body(attachments=[attachment_ref(sha, len(scan))])
    parsed = json.loads(body)

    missing = kiosk.put_revision(body)
    assert missing.status_code == 409
    assert missing.json() == {"service": wire.SERVICE, "error": "missing_attachments", "missing": [sha]}
    kiosk.upload(scan)

    first = kiosk.put_revision(body, attempt=2, sent_at="2026-11-23T01:05:00+00:00")
    assert first.status_code == 201, first.text
    ack = first.json()["ack"]
    assert wire.is_portal_answer(first.json())
    assert ack["uuid"] == parsed["uuid"] and ack["revision"] == 1 and ack["code"] == parsed["code"]
    assert ack["body_sha256"] == wire.body_sha256(body) and ack["portal_received_at"].endswith("Z")

    repeat = kiosk.put_revision(body, attempt=3, sent_at="2026-11-23T09:00:00+00:00")
    assert repeat.status_code == 200 and repeat.json() == first.json()

    different = kiosk.body(**{k: v for k, v in parsed.items() if k != "format"} | {"officer": "hoa"})
    conflict = kiosk.put_revision(different)
    assert conflict.status_code == 409
    assert conflict.json()["error"] == "conflict" and conflict.json()["reason"] == "body_differs"

    row = held(srv)[parsed["code"]]
    assert row["revision"] == 1 and row["uuid"] == parsed["uuid"] and row["attachments"] == [sha]
    assert row["deliveries"] == 4  # missing, created, repeat, conflict: every try is recorded …
    (revision,) = row["revisions"]  # … but the revision is held once, with the first delivery's times
    assert revision["kiosk_sent_at"] == "2026-11-23T01:05:00+00:00" and revision["attempt"] == 2
    assert revision["portal_received_at"] == ack["portal_received_at"]

    log = srv.log()
    assert "conflict" in log and parsed["uuid"] in log
    for secret in (NAME, NAME_ASCII, ID_NUMBER, PHONE, ADDRESS, EMAIL, kiosk.secret):
        assert secret not in log


def test_amendment_then_replay_of_revision_1_changes_nothing(srv: PortalServer, kiosk: Kiosk) -> None:
    rev1 = kiosk.body()
    fields = {k: v for k, v in json.loads(rev1).items() if k != "format"}
    rev2 = kiosk.body(**fields | {"revision": 2, "appointment_date": "2026-11-25", "supplements_revision": 1,
                                  "documents": fields["documents"] + [{"doc_id": "giay_chung_sinh", "name": "Giấy chứng sinh", "kind": "copy", "quantity": 1}]})
    first = kiosk.put_revision(rev1)
    assert first.status_code == 201
    amended = kiosk.put_revision(rev2)
    assert amended.status_code == 201 and amended.json()["ack"]["revision"] == 2
    before = held(srv)[fields["code"]]
    assert before["revision"] == 2 and before["appointment_date"] == "2026-11-25"

    replay = kiosk.put_revision(rev1, attempt=7)
    assert replay.status_code == 200 and replay.json() == first.json()
    after = held(srv)[fields["code"]]
    assert {k: v for k, v in after.items() if k != "deliveries"} == {k: v for k, v in before.items() if k != "deliveries"}
    assert [r["revision"] for r in after["revisions"]] == [1, 2]


def test_a_kiosk_cannot_write_another_kiosks_dossier(srv: PortalServer, kiosk: Kiosk) -> None:
    other_number = next(_numbers)
    other = Kiosk(srv, *srv.enrol(UNIT, other_number), other_number)
    body = kiosk.body()
    assert kiosk.put_revision(body).status_code == 201
    fields = {k: v for k, v in json.loads(body).items() if k != "format"}
    # The other kiosk sends the same uuid under its own slot, then pretends to be the first kiosk.
    hijack = other.put_revision(other.body(**fields | {"kiosk_number": other_number, "revision": 2}))
    assert hijack.status_code == 403 and hijack.json()["error"] == "forbidden"
    pretend = other.put_revision(other.body(**fields | {"revision": 2}))
    assert pretend.status_code == 403
    assert held(srv)[fields["code"]]["revision"] == 1

    reuse = kiosk.body(code=fields["code"])  # a new dossier with a code already held
    answer = kiosk.put_revision(reuse)
    assert answer.status_code == 409 and answer.json()["reason"] == "code_in_use"


def test_invalid_dossier_bodies_get_422_never_500(srv: PortalServer, kiosk: Kiosk) -> None:
    body = kiosk.body()
    parsed = json.loads(body)
    path = f"/dossiers/{parsed['uuid']}/revisions/1"
    json_headers = {"Content-Type": "application/json"}
    cases = {
        "not canonical": json.dumps(parsed, indent=1).encode(),
        "not JSON": b"{not json",
        "not UTF-8": b'{"a": "\xff"}',
        "a list": b"[]",
        "missing field": wire.canonical_json({k: v for k, v in parsed.items() if k != "tracking_token"}),
        "revision as text": wire.canonical_json(parsed | {"revision": "1"}),
        "huge number": wire.canonical_json(parsed | {"kiosk_number": 10**30}),
        "bad sha": wire.canonical_json(parsed | {"attachments": [attachment_ref("x" * 64, 1)]}),
        "lone surrogate": body.replace(b'"lan"', b'"\\ud800"'),
        "other uuid than path": wire.canonical_json(parsed | {"uuid": str(uuid_module.uuid4())}),
        "bad appointment": wire.canonical_json(parsed | {"appointment_date": "23/11/2026"}),
    }
    for label, data in cases.items():
        answer = kiosk.put(path, data=data, headers=json_headers)
        assert answer.status_code == 422, (label, answer.status_code, answer.text)
        assert answer.json()["service"] == wire.SERVICE and answer.json()["error"] == "invalid", label
        assert NAME not in answer.text  # the refusal says where, not what
    assert kiosk.put(f"/dossiers/{parsed['uuid']}/revisions/2", data=body, headers=json_headers).status_code == 422
    assert kiosk.put("/dossiers/not-a-uuid/revisions/1", data=body, headers=json_headers).status_code == 422
    huge = kiosk.put(path, data=b" " * (3 * 1024 * 1024), headers=json_headers)
    assert huge.status_code == 413 and huge.json()["error"] == "too_large"
    assert parsed["code"] not in held(srv)
    unknown = requests.get(srv.api + "/nothing-here", timeout=TIMEOUT)
    assert unknown.status_code == 404 and unknown.json()["service"] == wire.SERVICE


# --- status changes and catalogue ------------------------------------------------------------------


def test_status_set_on_the_cli_is_pulled_by_its_kiosk_with_an_advancing_cursor(srv: PortalServer, kiosk: Kiosk) -> None:
    body = kiosk.body()
    code, uuid = json.loads(body)["code"], json.loads(body)["uuid"]
    assert kiosk.put_revision(body).status_code == 201
    empty = kiosk.get("/status-changes").json()
    assert empty["changes"] == [] and empty["next"] == "0"

    out = json.loads(srv.run_cli("set-status", code, "4", "--note", "Đang thẩm định", "--json").stdout)
    assert out["ok"] and out["status"] == 4 and out["label"] == "Đang xử lý"
    first = kiosk.get("/status-changes", params={"since": empty["next"]})
    assert first.status_code == 200
    (change,) = first.json()["changes"]
    assert change["uuid"] == uuid and change["code"] == code and change["status"] == 4 and change["note"] == "Đang thẩm định"
    assert change["cursor"] == first.json()["next"] == out["cursor"] and change["at"].endswith("Z")

    assert kiosk.get("/status-changes", params={"since": first.json()["next"]}).json()["changes"] == []
    srv.run_cli("set-status", code, "5")
    srv.run_cli("set-status", code, "9", "--note", "Đã ký")
    paged = kiosk.get("/status-changes", params={"since": first.json()["next"], "limit": 1}).json()
    assert [c["status"] for c in paged["changes"]] == [5] and paged["more"] is True
    rest = kiosk.get("/status-changes", params={"since": paged["next"]}).json()
    assert [c["status"] for c in rest["changes"]] == [9] and rest["more"] is False
    assert int(first.json()["next"]) < int(paged["next"]) < int(rest["next"])
    assert [c["status"] for c in kiosk.get("/status-changes").json()["changes"]] == [4, 5, 9]

    other_number = next(_numbers)
    other = Kiosk(srv, *srv.enrol(UNIT, other_number), other_number)
    assert other.get("/status-changes").json()["changes"] == []  # another kiosk's dossiers are not its business

    assert srv.run_cli("set-status", code, "11", check=False).returncode == 2
    assert srv.run_cli("set-status", "000.00.07.H26-000000-9999", "4", check=False).returncode == 2
    assert kiosk.get("/status-changes", params={"since": "abc"}).status_code == 422
    assert held(srv)[code]["status"] == 9


def test_catalogue_lists_the_seven_procedures(kiosk: Kiosk) -> None:
    answer = kiosk.get("/catalogue")
    assert answer.status_code == 200 and wire.is_portal_answer(answer.json())
    procedures = answer.json()["procedures"]
    assert {p["code"] for p in procedures} == {"1.001193", "1.000894", "1.000656", "1.004873", "1.004859", "2.000635", "2.000815"}
    for p in procedures:
        assert set(p) == {"code", "version", "name", "digest"} and p["name"] and len(p["digest"]) == 64
    assert any(p["name"] == "Đăng ký khai sinh" for p in procedures)


# --- citizen tracking page -------------------------------------------------------------------------


def test_tracking_page_shows_status_but_no_personal_data(srv: PortalServer, kiosk: Kiosk) -> None:
    body = kiosk.body(tracking_token="1qwertyuiopasdfg")
    code = json.loads(body)["code"]
    assert kiosk.put_revision(body).status_code == 201
    srv.run_cli("set-status", code, "5", "--note", f"Gọi chị {NAME} ({PHONE}) bổ sung giấy chứng sinh")

    page = requests.get(f"{srv.url}/tra-cuu/{code}", params={"t": "1qwertyuiopasdfg"}, timeout=TIMEOUT)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert code in html and "Đăng ký khai sinh" in html and "Yêu cầu bổ sung hồ sơ" in html
    assert "Bộ phận một cửa đã tiếp nhận hồ sơ" in html  # history: received, then the status set
    assert "08:00, 23/11/2026" in html  # received 01:00 UTC, shown in Asia/Ho_Chi_Minh
    assert "16:30, 23/11/2026" in html  # appointment
    assert '<meta name="viewport"' in html and 'lang="vi"' in html
    assert "<script" not in html.lower() and "http://" not in html and "https://" not in html
    for personal in (NAME, NAME_ASCII, NAME.upper(), ID_NUMBER, PHONE, ADDRESS, EMAIL, "Đang thẩm định", "bổ sung giấy chứng sinh"):
        assert personal not in html, personal
    assert page.headers["cache-control"] == "no-store" and page.headers["referrer-policy"] == "no-referrer"

    upper = requests.get(f"{srv.url}/tra-cuu/{code}", params={"t": "1QWERTYUIOPASDFG"}, timeout=TIMEOUT)
    assert upper.status_code == 200  # a scanner may upper-case the token


def test_wrong_token_and_unknown_code_give_the_same_not_found(srv: PortalServer, kiosk: Kiosk) -> None:
    body = kiosk.body(tracking_token="1zxcvbnmasdfghjk")
    code = json.loads(body)["code"]
    assert kiosk.put_revision(body).status_code == 201
    answers = [
        requests.get(f"{srv.url}/tra-cuu/{code}", params={"t": "1zxcvbnmasdfghjx"}, timeout=TIMEOUT),
        requests.get(f"{srv.url}/tra-cuu/{code}", timeout=TIMEOUT),
        requests.get(f"{srv.url}/tra-cuu/{code}", params={"t": ""}, timeout=TIMEOUT),
        requests.get(f"{srv.url}/tra-cuu/{UNIT}-991231-0001", params={"t": "1zxcvbnmasdfghjk"}, timeout=TIMEOUT),
        requests.get(f"{srv.url}/tra-cuu/%3Cscript%3E", params={"t": "x" * 5000}, timeout=TIMEOUT),
    ]
    assert {a.status_code for a in answers} == {404}
    assert len({a.text for a in answers}) == 1
    assert "Không tìm thấy hồ sơ" in answers[0].text and code not in answers[0].text
    assert "<script>" not in answers[-1].text


def test_tracking_page_escapes_what_it_shows() -> None:
    from portal import tracking

    html = tracking.not_found_page('<img src=x onerror="alert(1)">&')
    assert "<img" not in html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;" in html


# --- the OpenAPI document --------------------------------------------------------------------------


def test_committed_openapi_document_is_what_the_portal_serves(srv: PortalServer) -> None:
    served = requests.get(srv.url + "/openapi.json", timeout=TIMEOUT).json()
    committed = json.loads((REPO / "docs" / "openapi.json").read_text(encoding="utf-8"))
    assert committed == served, "docs/openapi.json is stale: run `kiosk-portal openapi > docs/openapi.json`"
    assert served["components"]["securitySchemes"]["kioskBearer"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "<kiosk_id>:<secret>", "description": served["components"]["securitySchemes"]["kioskBearer"]["description"],
    }
    assert {"/api/v1/health", "/api/v1/enrol", "/api/v1/attachments/{sha256}", "/api/v1/dossiers/{uuid}/revisions/{revision}",
            "/api/v1/status-changes", "/api/v1/catalogue", "/tra-cuu/{code}"} <= set(served["paths"])
    printed = json.loads(srv.run_cli("openapi").stdout)
    assert printed == served


def test_cli_default_database_is_portal_db_in_the_current_folder(tmp_path: Path) -> None:
    import subprocess
    import sys

    from portal_server import _env

    result = subprocess.run([sys.executable, "-m", "portal.cli", "enrolment-code", "--unit-id", UNIT, "--kiosk-number", "1", "--json"],
                            cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["code"]
    assert (tmp_path / "portal.db").is_file()
    listed = subprocess.run([sys.executable, "-m", "portal.cli", "dossiers", "--json"], cwd=tmp_path, env=_env(),
                            capture_output=True, text=True, timeout=60)
    assert json.loads(listed.stdout) == {"ok": True, "dossiers": []}


def test_late_older_revision_is_history_and_a_reenrolled_kiosk_keeps_its_dossiers(srv: PortalServer, kiosk: Kiosk) -> None:
    rev1 = kiosk.body()
    fields = {k: v for k, v in json.loads(rev1).items() if k != "format"}
    rev2 = kiosk.body(**fields | {"revision": 2, "supplements_revision": 1, "appointment_date": "2026-11-27"})
    assert kiosk.put_revision(rev2).status_code == 201  # revision 2 arrives first (e.g. revision 1 was stuck)
    late = kiosk.put_revision(rev1)
    assert late.status_code == 201 and late.json()["ack"]["revision"] == 1
    row = held(srv)[fields["code"]]
    assert row["revision"] == 2 and row["appointment_date"] == "2026-11-27" and [r["revision"] for r in row["revisions"]] == [1, 2]

    page = requests.get(f"{srv.url}/tra-cuu/{fields['code']}", params={"t": fields["tracking_token"]}, timeout=TIMEOUT)
    assert page.status_code == 200 and "Hồ sơ được bổ sung, điều chỉnh" in page.text and "27/11/2026" in page.text

    # The kiosk is reinstalled: old credentials revoked, new ones for the same slot see the same dossiers.
    srv.run_cli("revoke", "--kiosk", kiosk.kiosk_id)
    again = Kiosk(srv, *srv.enrol(UNIT, kiosk.number), kiosk.number)
    assert again.kiosk_id != kiosk.kiosk_id
    assert again.put_revision(rev2).json()["ack"]["revision"] == 2  # an identical repeat, acknowledged
    srv.run_cli("set-status", fields["code"], "2")
    assert [c["code"] for c in again.get("/status-changes").json()["changes"]] == [fields["code"]]

    empty_sha = hashlib.sha256(b"").hexdigest()
    empty = again.put(f"/attachments/{empty_sha}", params={"offset": 0, "size": 0}, data=b"")
    assert empty.status_code == 200 and empty.json()["complete"] is True and empty.json()["size"] == 0
    listed = json.loads(srv.run_cli("kiosks", "--json").stdout)["kiosks"]
    assert {k["kiosk_id"]: bool(k["revoked_at"]) for k in listed}[kiosk.kiosk_id] is True


def _asgi_get(app, path: str) -> tuple[int, bytes]:
    """One GET straight through the ASGI application (no server, no HTTP client library)."""
    import asyncio

    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "", "headers": [],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def test_an_unexpected_error_is_a_json_500_logged_without_its_message(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from portal.app import create_app
    from portal.config import PortalConfig

    app = create_app(PortalConfig.make(f"sqlite:///{tmp_path / 'p.db'}", tmp_path / "files"))

    @app.get("/boom")
    def boom() -> None:
        raise ValueError(f"citizen {NAME} {ID_NUMBER}")

    with caplog.at_level("INFO", logger="portal"):
        status, body = _asgi_get(app, "/boom")
    assert status == 500 and json.loads(body) == {"service": wire.SERVICE, "error": "internal", "message": "internal error"}
    assert "ValueError" in caplog.text and NAME not in caplog.text and ID_NUMBER not in caplog.text
