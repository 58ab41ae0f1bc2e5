"""The refusals of `PUT /api/v1/dossiers/{uuid}/revisions/{revision}`, pinned byte for byte.

The route is served by a hand-written Starlette endpoint in front of the FastAPI declaration (portal/routes/revisions.py,
docs/benchmarks.md "Portal ingest"): these are the answers FastAPI gave before, which a kiosk and the fuzzer rely on.
"""

from __future__ import annotations

import json

import requests

from portal_server import portal  # noqa: F401  (the fixture)
from portal_server import on_both_backends as portal_db_url  # noqa: F401 - fixture: each test on SQLite and on PostgreSQL
from sync import wire

TIMEOUT = 30
UUID = "0b6a1f5e-3c1d-4f7a-9b2e-5d8c7a6f4e31"
PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
UNAUTHORIZED = {"service": wire.SERVICE, "error": "unauthorized"}


def _invalid(detail: str) -> dict[str, str]:
    return {"service": wire.SERVICE, "error": "invalid", "detail": detail}


BAD_UUID = _invalid(f"path.uuid: String should match pattern '{PATTERN}'")
REVISION_ZERO = _invalid("path.revision: Input should be greater than or equal to 1")
REVISION_TOO_HIGH = _invalid("path.revision: Input should be less than or equal to 1000000")
REVISION_NOT_INT = _invalid("path.revision: Input should be a valid integer, unable to parse string as an integer")


def _put(portal, uuid: str, revision: str, authorization: str | None, body: bytes = b"not json") -> requests.Response:  # noqa: F811
    headers = {"Content-Type": "application/json"} | ({"Authorization": authorization} if authorization is not None else {})
    return requests.put(f"{portal.api}/dossiers/{uuid}/revisions/{revision}", data=body, headers=headers, timeout=TIMEOUT)


def _answer(response: requests.Response) -> tuple[int, dict, str | None]:
    """Status, body and WWW-Authenticate; the body must be the compact JSON FastAPI's JSONResponse writes."""
    body = json.loads(response.content)
    assert response.content == json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-length"] == str(len(response.content))
    return response.status_code, body, response.headers.get("www-authenticate")


def test_refusals_are_the_ones_fastapi_gave(portal) -> None:  # noqa: F811
    kiosk_id, secret = portal.enrol("000.00.07.H26", 1)
    token = f"{kiosk_id}:{secret}"
    cases = [
        # (uuid, revision, Authorization, expected status, expected body, expected WWW-Authenticate)
        (UUID, "1", None, 401, UNAUTHORIZED, "Bearer"),
        (UUID, "1", f"Basic {token}", 401, UNAUTHORIZED, "Bearer"),
        (UUID, "1", "Bearer", 401, UNAUTHORIZED, "Bearer"),
        (UUID, "1", "Bearer ", 401, UNAUTHORIZED, "Bearer"),
        (UUID, "1", "Bearer kiosk-that-does-not-exist:nope", 401, UNAUTHORIZED, "Bearer"),
        (UUID, "1", f"bEARER  {token} ", 422, _invalid("body is not UTF-8 JSON"), None),  # scheme in any case, token stripped
        ("not-a-uuid", "1", f"Bearer {token}", 422, BAD_UUID, None),
        ("not-a-uuid", "1", None, 422, BAD_UUID, None),  # a malformed path is refused before the credentials are looked at
        (UUID, "0", f"Bearer {token}", 422, REVISION_ZERO, None),
        (UUID, "0", None, 422, REVISION_ZERO, None),
        (UUID, "1000001", f"Bearer {token}", 422, REVISION_TOO_HIGH, None),
        (UUID, "abc", f"Bearer {token}", 422, REVISION_NOT_INT, None),
        (UUID + "%0A", "1", None, 422, BAD_UUID, None),  # a newline after the uuid: the pattern's `$` does not let it pass
        (UUID, "+1", None, 401, UNAUTHORIZED, "Bearer"),  # pydantic's lax integers ("+1", "01", "1.0") pass as before
        (UUID, "1.0", None, 401, UNAUTHORIZED, "Bearer"),
        ("not-a-uuid", "0", f"Bearer {token}", 422, _invalid(f"{BAD_UUID['detail']}; {REVISION_ZERO['detail']}"), None),
    ]
    got = [(u, r, a, *_answer(_put(portal, u, r, a))) for u, r, a, *_ in cases]
    assert got == [tuple(case) for case in cases]

    other_method = requests.get(f"{portal.api}/dossiers/{UUID}/revisions/1", timeout=TIMEOUT)
    assert (other_method.status_code, other_method.headers["allow"]) == (405, "PUT")
    assert other_method.json() == {"service": wire.SERVICE, "error": "method_not_allowed", "message": "Method Not Allowed"}
