"""The counter's events as kiosk and portal both name them (docs/counter-events.md), written once.

The kinds of event the counter records besides dossier revisions, the ones printed as numbered notices,
the status each one implies on the portal, and the citizen-satisfaction scale with its reasons (a data file).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

EVENT_KINDS = ("guidance", "refusal", "stop", "result_ready", "hand_back", "hand_back_void", "apology_handed", "rating")
# Printed notices (forms 02, 03, 05 and the hand-back slip): numbered `<kiosk>/<sequence>/<year>` per kind.
NUMBERED_KINDS = ("guidance", "refusal", "stop", "hand_back")
# The national status an event implies; the portal records it and echoes it back (a void restores the one before).
EVENT_STATUS = {"result_ready": 9, "stop": 7, "hand_back": 10}

# Circular 03/2025: the citizen presses one of four levels; a reason may be picked when not satisfied.
RATING_SCORES = {1: "Rất hài lòng", 2: "Hài lòng", 3: "Chưa hài lòng", 4: "Không hài lòng"}
UNSATISFIED = frozenset({3, 4})

_REASONS_FILE = Path(__file__).parent / "data" / "rating_reasons.json"


@dataclass(frozen=True)
class RatingReason:
    id: str
    label: str


@lru_cache(maxsize=1)
def rating_reasons() -> tuple[RatingReason, ...]:
    """The reasons a citizen may pick when not satisfied, in the order the screen lists them."""
    data = json.loads(_REASONS_FILE.read_text(encoding="utf-8"))
    return tuple(RatingReason(str(r["id"]), str(r["label"])) for r in data["reasons"])


def rating_reason(reason_id: str) -> RatingReason | None:
    return next((r for r in rating_reasons() if r.id == reason_id), None)
