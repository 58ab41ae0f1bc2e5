"""The OpenAPI document's one hand-made part: the DossierBody and EventBody schemas, since those bodies are read as raw bytes."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from portal.schemas import DossierBody, EventBody


def add_body_schema(app: FastAPI) -> None:
    """Put DossierBody (read by hand from the raw bytes, so its hash is of what was sent) into the OpenAPI components."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = original()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (DossierBody, EventBody):  # both read by hand from the raw bytes
            body_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, definition in body_schema.pop("$defs", {}).items():
                components.setdefault(name, definition)
            components[model.__name__] = body_schema
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
