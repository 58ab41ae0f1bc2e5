"""The HTTP routes, one module per job, each an `APIRouter` that `portal.app.create_app` mounts.

Endpoint functions have no docstrings on purpose: FastAPI would publish a docstring as the operation's
description and change the OpenAPI document (docs/openapi.json); comments say why instead. Their names
are part of the document too (they make the operationIds).
"""
