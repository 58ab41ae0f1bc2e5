"""The OpenAPI document's one hand-made part: the DossierBody schema, since that body is read as raw bytes."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from portal.schemas import DossierBody


def add_body_schema(app: FastAPI) -> None:
    """Put DossierBody (read by hand from the raw bytes, so its hash is of what was sent) into the OpenAPI components."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = original()
        body_schema = DossierBody.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, definition in body_schema.pop("$defs", {}).items():
            components.setdefault(name, definition)
        components["DossierBody"] = body_schema
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
