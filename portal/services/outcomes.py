"""What a service function answers with: an `Outcome` for the API, `BadInput` for the command line."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class BadInput(ValueError):
    """A command-line argument that names nothing (unknown dossier code, unknown kiosk, bad status)."""


@dataclass
class Outcome:
    """An answer the API sends as JSON: HTTP status and body (the `service` marker is added by the API)."""

    status: int
    body: dict[str, Any] = field(default_factory=dict)
