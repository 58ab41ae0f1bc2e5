"""The kiosk's enrolment credentials for the portal, kept in <data>/keys/portal.json (owner-only, never logged)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from kiosk.errors import KioskError
from kiosk.storage.files import write_atomic
from kiosk.storage.paths import DataDir


@dataclass(frozen=True)
class Credentials:
    portal_url: str
    kiosk_id: str
    secret: str
    enrolled_at: str

    def __repr__(self) -> str:  # the secret must never reach a log line or a traceback
        return f"Credentials(portal_url={self.portal_url!r}, kiosk_id={self.kiosk_id!r}, secret='***', enrolled_at={self.enrolled_at!r})"

    __str__ = __repr__

    @property
    def authorization(self) -> str:
        return f"Bearer {self.kiosk_id}:{self.secret}"


def credentials_path(data: DataDir) -> Path:
    return data.root / "keys" / "portal.json"


def load_credentials(data: DataDir) -> Credentials | None:
    """The stored credentials, or None when the kiosk was never enrolled."""
    path = credentials_path(data)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KioskError(f"Không đọc được thông tin đăng ký với cổng ({path.name}); hãy đăng ký lại máy (kiosk-admin enrol).") from exc
    try:
        return Credentials(
            portal_url=str(raw["portal_url"]), kiosk_id=str(raw["kiosk_id"]), secret=str(raw["secret"]), enrolled_at=str(raw["enrolled_at"])
        )
    except (KeyError, TypeError) as exc:
        raise KioskError(f"Thông tin đăng ký với cổng ({path.name}) bị thiếu; hãy đăng ký lại máy (kiosk-admin enrol).") from exc


def save_credentials(data: DataDir, credentials: Credentials) -> Path:
    """Write atomically (temp file created 0600, fsync, rename) so a power cut never leaves half a file."""
    path = credentials_path(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.parent.chmod(0o700)
    except OSError:  # pragma: no cover - e.g. a filesystem without POSIX modes
        pass
    write_atomic(path, json.dumps(asdict(credentials), ensure_ascii=False, indent=2).encode("utf-8"))
    return path
