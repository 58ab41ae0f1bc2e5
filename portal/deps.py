"""FastAPI dependencies the routes share: the database, file store, configuration, rate limiter and authenticated kiosk.

Defined at module level because FastAPI resolves the routes' annotations (with `from __future__ import
annotations`, strings) in the routes' modules when it builds the OpenAPI document. The app's parts live on
`app.state` (set by `create_app`); the getters are `async` so they run on the event loop, not a worker thread.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from portal.config import PortalConfig
from portal.db import Database
from portal.errors import Unauthorized
from portal.models import Kiosk
from portal.ratelimit import TrackingLimiter
from portal.services.credentials import authenticate
from portal.storage import FileStore

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="kioskBearer",
    bearerFormat="<kiosk_id>:<secret>",
    description="The credentials a kiosk got from `POST /api/v1/enrol`, as `<kiosk_id>:<secret>`.",
)


def kiosk_auth(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Kiosk:
    token = credentials.credentials if credentials is not None else None
    with request.app.state.db.read() as session:
        kiosk = authenticate(session, token)
        if kiosk is None:
            raise Unauthorized()
        session.expunge(kiosk)
    return kiosk


async def raw_body(request: Request) -> bytes:
    return await request.body()


async def database(request: Request) -> Database:
    return request.app.state.db


async def file_store(request: Request) -> FileStore:
    return request.app.state.store


async def portal_config(request: Request) -> PortalConfig:
    return request.app.state.config


async def tracking_limiter(request: Request) -> TrackingLimiter:
    return request.app.state.tracking_limiter


KioskAuth = Annotated[Kiosk, Depends(kiosk_auth)]
RawBody = Annotated[bytes, Depends(raw_body)]
ShaPath = Annotated[str, Path(pattern=r"^[0-9a-fA-F]{64}$", description="SHA-256 of the file, hex")]
DatabaseDep = Annotated[Database, Depends(database)]
FilesDep = Annotated[FileStore, Depends(file_store)]
ConfigDep = Annotated[PortalConfig, Depends(portal_config)]
LimiterDep = Annotated[TrackingLimiter, Depends(tracking_limiter)]
