"""The FastAPI application: the HTTP API v1 (docs/sync-protocol.md) and the HTML pages, assembled from portal/routes/."""

from __future__ import annotations

from fastapi import FastAPI

from portal.config import PortalConfig
from portal.db import Database
from portal.errors import add_exception_handlers
from portal.middleware import GuardMiddleware
from portal.openapi import add_body_schema
from portal.ratelimit import TrackingLimiter
from portal.routes import (
    attachments,
    catalogue,
    enrolment,
    events,
    fleet,
    health,
    published_catalogue,
    receipt_keys,
    revisions,
    status_changes,
    tracking,
)
from portal.storage import FileStore, FolderStore
from sync import wire

TITLE = "Một Cửa reference portal"
DESCRIPTION = (
    "API v1 between a Một Cửa kiosk and the central portal (docs/sync-protocol.md), and the citizen "
    "tracking page. Every JSON answer carries `\"service\": \"mot-cua-portal\"`. Kiosk requests are "
    "authenticated with `Authorization: Bearer <kiosk_id>:<secret>` from `POST /api/v1/enrol`."
)

# Mounted in this order because it is the order of the paths in the OpenAPI document (docs/openapi.json).
ROUTERS = (
    health.router,
    enrolment.router,
    published_catalogue.router,
    fleet.router,
    receipt_keys.router,
    attachments.router,
    revisions.router,
    events.router,
    status_changes.router,
    catalogue.router,
    tracking.router,
)


def create_app(config: PortalConfig) -> FastAPI:
    """The app for this configuration; the routes find the database, files, config and limiter on `app.state`.

    Nothing on `app.state` holds data that another worker could need: the database and the file store are shared
    (each worker has its own connections to them), the config is the same in every worker (docs/portal.md)."""
    app = FastAPI(title=TITLE, version=str(wire.API_VERSION), description=DESCRIPTION, docs_url=None, redoc_url=None)
    app.state.config = config
    app.state.db = Database(config.db_url)
    app.state.store: FileStore = FolderStore(config.files_dir)
    app.state.tracking_limiter = TrackingLimiter(app.state.db, config.tracking_per_minute)
    app.add_middleware(GuardMiddleware)
    add_exception_handlers(app)
    # The revision PUT, the portal's hottest request, is answered by a plain Starlette route in front of its FastAPI
    # declaration (portal/routes/revisions.py); first in the list, so the router tries no other path before it.
    app.router.routes.insert(0, revisions.fast_route)
    for router in ROUTERS:
        app.include_router(router)
    add_body_schema(app)
    return app
