"""Where a kiosk keeps its data: one folder holding the database, settings, attachments and logs."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from kiosk.errors import InputError

APP_NAME = "mot-cua-kiosk"
ENV_DATA_DIR = "KIOSK_DATA_DIR"


def default_data_dir() -> Path:
    """The platform's per-user data folder (e.g. ~/.local/share/mot-cua-kiosk, %LOCALAPPDATA%\\mot-cua-kiosk)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def resolve_data_dir(cli_value: str | os.PathLike[str] | None, *, demo: bool = False) -> Path:
    """`--data-dir` wins over KIOSK_DATA_DIR, which wins over the platform default; demo uses `<that>/demo`."""
    if cli_value:
        base = Path(cli_value)
    elif os.environ.get(ENV_DATA_DIR):
        base = Path(os.environ[ENV_DATA_DIR])
    else:
        base = default_data_dir()
    base = base.expanduser().resolve()
    return base / "demo" if demo else base


@dataclass(frozen=True)
class DataDir:
    """The files inside one data folder; `ensure()` creates it owner-only."""

    root: Path

    @property
    def db_path(self) -> Path:
        return self.root / "kiosk.db"

    @property
    def settings_path(self) -> Path:
        return self.root / "settings.json"

    @property
    def attachments_dir(self) -> Path:
        return self.root / "attachments"

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs"

    @property
    def calendar_overrides_path(self) -> Path:
        return self.root / "calendar-overrides.json"

    @property
    def token_key_path(self) -> Path:
        return self.root / "keys" / "tracking.key"

    @property
    def catalogue_dir(self) -> Path:
        """Procedure versions activated from the portal's signed catalogue (kiosk/catalogue_updates.py)."""
        return self.root / "catalogue"

    @property
    def fees_dir(self) -> Path:
        """Fee tables activated from the portal's signed catalogue (kiosk/dossier/fees.py, docs/fees.md)."""
        return self.root / "fees"

    @property
    def receipt_key_path(self) -> Path:
        """The Ed25519 seed that signs receipt tokens (its public half is registered with the portal)."""
        return self.root / "keys" / "receipt.key"

    @property
    def audit_key_path(self) -> Path:
        """The HMAC key of the audit chain (separate from the data key, so a key rotation leaves the chain alone)."""
        return self.root / "keys" / "audit.key"

    @property
    def audit_head_path(self) -> Path:
        return self.root / "keys" / "audit.head"

    @property
    def sync_lock_path(self) -> Path:
        """Held by whoever sends to the portal or rewrites the keys: one sender at a time across processes."""
        return self.root / "sync.lock"

    def ensure(self) -> None:
        """Create the folder tree with owner-only permissions (personal data lives here)."""
        created = not self.root.exists()
        for folder in (self.root, self.attachments_dir, self.logs_dir, self.token_key_path.parent):
            folder.mkdir(parents=True, exist_ok=True)
            try:
                folder.chmod(0o700)
            except OSError:  # pragma: no cover - e.g. a filesystem without POSIX modes
                pass
        if created and os.name == "nt":  # pragma: no cover - Windows only
            restrict_to_current_user(self.root)


def require_owner(root: Path) -> None:
    """Refuse a data folder owned by another account: files written as this one would lock the kiosk out of
    its own data. The officer's window and kiosk-admin both check this first."""
    problem = owner_problem(root)
    if problem:
        raise InputError(problem)


def owner_problem(root: Path) -> str | None:
    """A Vietnamese message when this process runs as another account than the data folder's owner (POSIX)."""
    if os.name != "posix" or not root.exists():
        return None
    owner = root.stat().st_uid
    if owner == os.geteuid():
        return None
    import pwd

    def name(uid: int) -> str:
        try:
            return pwd.getpwuid(uid).pw_name
        except KeyError:
            return str(uid)

    return (
        f"Thư mục dữ liệu {root} thuộc tài khoản {name(owner)}, nhưng lệnh đang chạy bằng tài khoản {name(os.geteuid())}. "
        f"Hãy chạy bằng tài khoản sở hữu, ví dụ: sudo -u {name(owner)} kiosk-admin …"
    )


def restrict_to_current_user(root: Path) -> None:  # pragma: no cover - Windows only
    """Windows: replace inherited permissions with full control for the current account alone (icacls)."""
    import getpass
    import subprocess

    user = os.environ.get("USERDOMAIN", "") + "\\" + getpass.getuser() if os.environ.get("USERDOMAIN") else getpass.getuser()
    subprocess.run(["icacls", str(root), "/inheritance:r", "/grant:r", f"{user}:(OI)(CI)F"], check=False, capture_output=True, timeout=60)
