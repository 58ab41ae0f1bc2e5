"""What a service function answers with: an `Outcome` for the API, `BadInput` for the command line."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class BadInput(ValueError):
    """A command-line argument that names nothing (unknown dossier code, unknown kiosk, bad status)."""


class RaceLost(Exception):
    """Another delivery of the same thing committed while this transaction was reading (PostgreSQL runs writers at
    once, READ COMMITTED: each statement sees the newest commits). The route retries once, and then sees it whole."""


@dataclass
class Outcome:
    """An answer the API sends as JSON: HTTP status and body (the `service` marker is added by the API)."""

    status: int
    body: dict[str, Any] = field(default_factory=dict)
