"""HTTP client of the portal API v1 (docs/sync-protocol.md): one keep-alive session, TLS verified, a timeout on every request.

Every failure becomes a `sync.errors.PortalError` with a Vietnamese message; only a JSON answer carrying
the portal's service marker is ever taken as an answer at all.
"""

from __future__ import annotations

import io
import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

import requests

from kiosk import __version__
from sync import wire
from sync.credentials import Credentials
from sync.transport import DeadLinkAdapter
from sync.errors import (
    AttachmentSizeConflict,
    BadAnswer,
    EnrolmentRefused,
    Forbidden,
    MissingAttachments,
    NotThePortal,
    PortalError,
    PortalStorageFull,
    PortalTimeout,
    Rejected,
    ServerError,
    TLSFailure,
    Unauthorized,
    Unreachable,
)

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = (5.0, 30.0)  # (connect, read) seconds
# A keep-alive connection idle longer is not reused: the portal may close it just as our request arrives (uvicorn
# closes after 5 s idle; on a 2G link the request may wait 1 s or more in the modem's queue before it gets there).
IDLE_REUSE_S = 2.0


@dataclass(frozen=True)
class AttachmentStatus:
    sha256: str
    size: int
    received: int
    complete: bool


@dataclass(frozen=True)
class Ack:
    uuid: str
    revision: int
    body_sha256: str
    code: str
    portal_received_at: datetime | None
    created: bool  # 201 (first time) rather than 200 (identical repeat)


@dataclass(frozen=True)
class StatusChange:
    cursor: str
    uuid: str
    code: str
    status: int
    note: str | None
    at: datetime
    event_uuid: str | None = None  # set when the change echoes a kiosk event (docs/counter-events.md)
    event_kind: str | None = None
    missing: tuple[str, ...] = ()  # the items a status 5 asks for


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 time from the portal as an aware UTC datetime (a zone-less time is taken as UTC)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed.astimezone(timezone.utc)


class _Body(io.BytesIO):
    """A request body as a stream that calls `on_sent` once urllib3 has read it all (sync/ahead.py starts the next
    upload then, on the other connection, instead of leaving the link idle while this request waits for its answer)."""

    def __init__(self, data: bytes, on_sent: Callable[[], None] | None) -> None:
        super().__init__(data)
        self._size, self._on_sent = len(data), on_sent

    def read(self, size: int | None = -1) -> bytes:
        block = super().read(size)
        if self._on_sent is not None and self.tell() >= self._size:
            on_sent, self._on_sent = self._on_sent, None
            on_sent()
        return block


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadAnswer(f"expected an integer, got {type(value).__name__}")
    return value


class PortalClient:
    """Talks to one portal; `credentials=None` sends no Authorization (health, enrolment, or an unenrolled kiosk)."""

    def __init__(
        self,
        base_url: str,
        credentials: Credentials | None,
        ca_bundle: str | None = None,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self.timeout = timeout
        self.session = requests.Session()
        for scheme in ("http://", "https://"):
            self.session.mount(scheme, DeadLinkAdapter())  # a dead link ends the request in seconds (sync/transport.py)
        # Passed on every request too: requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override a session's verify.
        self.verify: str | bool = ca_bundle or True
        self.session.verify = self.verify
        self.session.headers["User-Agent"] = f"mot-cua-kiosk/{__version__}"
        self.session.headers[wire.HEADER_APP_VERSION] = __version__
        self._idle_since: float | None = None  # when the last answer came (monotonic)

    def __repr__(self) -> str:
        return f"PortalClient({self.base_url!r}, kiosk_id={self.credentials.kiosk_id if self.credentials else None!r})"

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> "PortalClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- transport ------------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        auth: bool = True,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        on_sent: Callable[[], None] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """Send one request; returns (HTTP status, the portal's JSON object) or raises a PortalError.

        `on_sent` is called once the whole body has been handed to the socket (the answer is still to come).
        """
        send_headers = dict(headers or {})
        if auth and self.credentials is not None:
            send_headers["Authorization"] = self.credentials.authorization
        if json_body is not None:
            data = wire.canonical_json(json_body)
            send_headers["Content-Type"] = "application/json"
        # The body as a stream, not bytes: urllib3 applies the *connect* timeout while it sends the body, and
        # bytes go out in one sendall that the timeout bounds as a whole, so a 256 KiB chunk had to leave within
        # 5 s — never on a 256 kbit/s rural link (8 s). Streamed, it goes out in blocks (16 KiB with urllib3 2.x)
        # and the timeout means "no progress for 5 s" (tests/test_sync_slow_link.py; found by bench/rural.py).
        body = _Body(data, on_sent) if data else data  # (an empty stream would go chunked: empty bytes stay bytes)
        if self._idle_since is not None and time.monotonic() - self._idle_since > IDLE_REUSE_S:
            # Two connections (sync/ahead.py) leave one idle for seconds; a request racing the portal's keep-alive
            # close fails as "unreachable" (seen over bench/rural_tun.py's link): start on a fresh connection.
            self.session.close()
        try:
            response = self.session.request(
                method,
                self.base_url + wire.API_PREFIX + path,
                params=params,
                data=body,
                headers=send_headers,
                timeout=self.timeout,
                verify=self.verify,
                allow_redirects=False,  # the API never redirects; a redirect is a captive portal's login page
            )
            content = response.content
            self._idle_since = time.monotonic()
        except requests.exceptions.SSLError as exc:
            log.warning("%s %s: TLS failure: %s", method, path, type(exc).__name__)
            raise TLSFailure() from exc
        except requests.exceptions.Timeout as exc:
            log.info("%s %s: timed out", method, path)
            raise PortalTimeout() from exc
        except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            log.info("%s %s: unreachable (%s)", method, path, type(exc).__name__)
            raise Unreachable() from exc
        except requests.exceptions.RequestException as exc:
            log.warning("%s %s: request failed (%s)", method, path, type(exc).__name__)
            raise Unreachable() from exc
        status = response.status_code
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        try:
            payload = json.loads(content.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            payload = None
            if status >= 500:
                raise ServerError(status) from None
            if content_type.endswith("json"):
                log.warning("%s %s: malformed JSON answer (HTTP %s, %d bytes)", method, path, status, len(content))
                raise BadAnswer("malformed JSON") from None
            log.warning("%s %s: not the portal (HTTP %s, %s)", method, path, status, content_type or "no content type")
            raise NotThePortal() from None
        if not wire.is_portal_answer(payload):
            if status >= 500:
                raise ServerError(status)
            log.warning("%s %s: JSON without the portal's service marker (HTTP %s)", method, path, status)
            raise NotThePortal()
        if status == 401:
            raise Unauthorized()
        if status == 403 and path != "/enrol":
            raise Forbidden()
        if status == 507:  # the portal's own answer (its marker is on it): its storage is full
            raise PortalStorageFull()
        if status >= 500:
            raise ServerError(status)
        return status, payload

    # --- endpoints ------------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        status, payload = self._request("GET", "/health", auth=False)
        if status != 200 or payload.get("api") != wire.API_VERSION:
            raise BadAnswer(f"health: HTTP {status}, api {payload.get('api')!r}")
        return payload

    def enrol(
        self, code: str, unit_id: str, kiosk_number: int, app_version: str = __version__, *, receipt_public_key: str | None = None, unit_name: str = ""
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"code": code, "unit_id": unit_id, "kiosk_number": kiosk_number, "app_version": app_version}
        if receipt_public_key:
            body.update(receipt_public_key=receipt_public_key, unit_name=unit_name[:200])
        status, payload = self._request("POST", "/enrol", auth=False, json_body=body)
        if status in (400, 403, 404, 409, 422):
            raise EnrolmentRefused()
        if status not in (200, 201) or not isinstance(payload.get("kiosk_id"), str) or not isinstance(payload.get("secret"), str):
            raise BadAnswer(f"enrol: HTTP {status}")
        return payload

    def _attachment_status(self, sha256: str, status: int, payload: dict[str, Any]) -> AttachmentStatus:
        if payload.get("sha256") != sha256:
            raise BadAnswer(f"attachment answer for another file (HTTP {status})")
        result = AttachmentStatus(sha256, _int(payload.get("size", 0)), _int(payload.get("received")), bool(payload.get("complete")))
        if result.received < 0 or (result.size and result.received > result.size):
            raise BadAnswer("attachment: impossible byte count")
        return result

    def attachment_status(self, sha256: str) -> AttachmentStatus:
        status, payload = self._request("GET", f"/attachments/{sha256}")
        if status != 200:
            raise BadAnswer(f"attachment status: HTTP {status}")
        return self._attachment_status(sha256, status, payload)

    def upload_chunk(self, sha256: str, offset: int, size: int, chunk: bytes, *, on_sent: Callable[[], None] | None = None) -> AttachmentStatus:
        """Send bytes [offset, offset+len(chunk)) of a file of `size` bytes; `on_sent()` once they are all handed over.

        A 409 (the portal holds a different number of bytes) is not an error: the answer says where to resume.
        """
        if len(chunk) > wire.CHUNK_SIZE:
            raise ValueError("chunk larger than wire.CHUNK_SIZE")
        status, payload = self._request(
            "PUT",
            f"/attachments/{sha256}",
            params={"offset": offset, "size": size},
            data=chunk,
            headers={"Content-Type": "application/octet-stream"},
            on_sent=on_sent,
        )
        if status == 422:
            # The assembled file did not hash to its name; the portal discarded it: start again from 0.
            raise PortalError("Tệp đính kèm bị hỏng trên đường truyền; máy sẽ gửi lại tệp.")
        if status not in (200, 201, 409):
            raise BadAnswer(f"attachment upload: HTTP {status}")
        if status == 409 and payload.get("error") == "size_conflict":
            raise AttachmentSizeConflict()
        if status == 409 and "received" not in payload:
            raise BadAnswer("attachment upload: 409 without received")
        return self._attachment_status(sha256, status, payload)

    def _put_body(self, path: str, body: bytes, attempt: int, sent_at: datetime | None) -> tuple[int, dict[str, Any]]:
        """PUT one canonical body (a revision or a counter event) with the attempt number and the kiosk's clock."""
        sent_at = sent_at or datetime.now(timezone.utc)
        return self._request(
            "PUT",
            path,
            data=body,
            headers={
                "Content-Type": "application/json",
                wire.HEADER_SENT_AT: sent_at.astimezone(timezone.utc).isoformat(timespec="seconds"),
                wire.HEADER_ATTEMPT: str(attempt),
            },
        )

    def put_revision(self, uuid: str, revision: int, body: bytes, *, attempt: int = 1, sent_at: datetime | None = None) -> Ack:
        """Deliver one revision's canonical body; returns the portal's acknowledgement, checked against what was sent."""
        status, payload = self._put_body(f"/dossiers/{uuid}/revisions/{revision}", body, attempt, sent_at)
        error = payload.get("error")
        if status == 409 and error == "missing_attachments":
            missing = payload.get("missing")
            raise MissingAttachments([m for m in missing if isinstance(m, str)] if isinstance(missing, list) else [])
        if status == 409:
            raise Rejected(
                f"Cổng đã có một bản khác của lần gửi {revision} của hồ sơ này nên không nhận bản này; hãy báo quản trị viên.",
                error=str(error or "conflict"),
            )
        if status == 422:
            detail = payload.get("detail") or payload.get("message") or error or ""
            raise Rejected(
                f"Cổng từ chối hồ sơ vì dữ liệu không hợp lệ{f' ({str(detail)[:200]})' if detail else ''}; hãy báo quản trị viên.",
                error="invalid",
            )
        if status not in (200, 201):
            raise BadAnswer(f"put revision: HTTP {status}")
        ack = payload.get("ack")
        expected = wire.body_sha256(body)
        if (
            not isinstance(ack, dict)
            or ack.get("uuid") != uuid
            or ack.get("revision") != revision
            or ack.get("body_sha256") != expected
        ):
            log.warning("acknowledgement does not match what was sent (uuid/revision/body_sha256)")
            raise BadAnswer("acknowledgement mismatch")
        return Ack(
            uuid=uuid,
            revision=revision,
            body_sha256=expected,
            code=str(ack.get("code") or ""),
            portal_received_at=parse_time(ack.get("portal_received_at")),
            created=status == 201,
        )

    def put_event(self, uuid: str, body: bytes, *, attempt: int = 1, sent_at: datetime | None = None) -> Ack:
        """Deliver one counter event's canonical body (idempotent by uuid); the ack is checked against what was sent."""
        status, payload = self._put_body(f"/events/{uuid}", body, attempt, sent_at)
        error = payload.get("error")
        if status == 409:
            if error == "unknown_dossier":
                raise Rejected("Cổng chưa có hồ sơ của sự kiện này (hồ sơ chưa gửi được lên cổng); hãy báo quản trị viên.", error="unknown_dossier")
            raise Rejected("Cổng đã có một bản khác của sự kiện này nên không nhận bản này; hãy báo quản trị viên.", error=str(error or "conflict"))
        if status == 422:
            detail = payload.get("detail") or payload.get("message") or error or ""
            raise Rejected(
                f"Cổng từ chối sự kiện vì dữ liệu không hợp lệ{f' ({str(detail)[:200]})' if detail else ''}; hãy báo quản trị viên.",
                error="invalid",
            )
        if status not in (200, 201):
            raise BadAnswer(f"put event: HTTP {status}")
        ack = payload.get("ack")
        expected = wire.body_sha256(body)
        if not isinstance(ack, dict) or ack.get("uuid") != uuid or ack.get("body_sha256") != expected:
            log.warning("event acknowledgement does not match what was sent (uuid/body_sha256)")
            raise BadAnswer("acknowledgement mismatch")
        return Ack(uuid=uuid, revision=0, body_sha256=expected, code=str(ack.get("code") or ""),
                   portal_received_at=parse_time(ack.get("portal_received_at")), created=status == 201)

    def status_changes(self, since: str | None, limit: int = 100) -> tuple[list[StatusChange], str | None, bool]:
        """(changes oldest first, the cursor to ask from next time, whether more are waiting)."""
        params: dict[str, Any] = {"limit": limit}
        if since not in (None, ""):
            params["since"] = since
        status, payload = self._request("GET", "/status-changes", params=params)
        changes = payload.get("changes")
        if status != 200 or not isinstance(changes, list):
            raise BadAnswer(f"status changes: HTTP {status}")
        result = []
        for item in changes:
            if not isinstance(item, dict) or item.get("cursor") is None:
                raise BadAnswer("status change without cursor")
            at = parse_time(item.get("at"))
            status_code = item.get("status")
            if at is None or isinstance(status_code, bool) or not isinstance(status_code, int):
                raise BadAnswer("status change with bad time or status")
            note = item.get("note")
            event = item.get("event") if isinstance(item.get("event"), dict) else {}
            missing = item.get("missing") if isinstance(item.get("missing"), list) else []
            result.append(
                StatusChange(
                    cursor=str(item["cursor"]),
                    uuid=str(item.get("uuid") or ""),
                    code=str(item.get("code") or ""),
                    status=status_code,
                    note=str(note) if note not in (None, "") else None,
                    at=at,
                    event_uuid=str(event["uuid"]) if event.get("uuid") else None,
                    event_kind=str(event["kind"]) if event.get("kind") else None,
                    missing=tuple(str(m) for m in missing if isinstance(m, str)),
                )
            )
        next_cursor = payload.get("next")
        more = payload.get("more")
        return result, (str(next_cursor) if next_cursor is not None else None), bool(more) if more is not None else len(result) >= limit

    def report(self, queue_length: int, app_version: str, kiosk_time: str, audit_head: dict[str, Any] | None = None) -> dict[str, Any]:
        """Tell the portal's fleet view how this kiosk is doing (queue, version, its clock, its audit chain head);
        the answer (with `audit_witness` from a portal that keeps one: sync/audit_witness.py)."""
        body: dict[str, Any] = {"queue_length": queue_length, "app_version": app_version, "kiosk_time": kiosk_time}
        if audit_head is not None:
            body["audit_head"] = audit_head
        status, payload = self._request("PUT", "/kiosk-report", json_body=body)
        if status != 200:
            raise BadAnswer(f"kiosk report: HTTP {status}")
        return payload

    def register_receipt_key(self, public_key_hex: str, unit_name: str, unit_id: str | None = None) -> None:
        """Register the receipt key, under `unit_id` when the site now issues codes under a re-issued identifier."""
        body: dict[str, Any] = {"public_key": public_key_hex, "unit_name": unit_name[:200]}
        if unit_id:
            body["unit_id"] = unit_id
        status, payload = self._request("PUT", "/receipt-key", json_body=body)
        if status != 200 or payload.get("public_key") != public_key_hex:
            raise BadAnswer(f"receipt key: HTTP {status}")

    def published_catalogue(self) -> list[dict[str, Any]]:
        """The portal's signed procedure versions: [{code, version, definition_b64, signature}]."""
        status, payload = self._request("GET", "/catalogue/published")
        items = payload.get("published")
        if status != 200 or not isinstance(items, list):
            raise BadAnswer(f"published catalogue: HTTP {status}")
        return items

    def catalogue(self) -> dict[str, Any]:
        status, payload = self._request("GET", "/catalogue")
        if status != 200 or not isinstance(payload.get("procedures"), list):
            raise BadAnswer(f"catalogue: HTTP {status}")
        return payload
