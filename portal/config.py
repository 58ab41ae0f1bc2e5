"""Where the portal keeps its data: the database URL and the attachment folder beside it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

ENV_DB = "KIOSK_PORTAL_DB"
ENV_FILES = "KIOSK_PORTAL_FILES"
ENV_NAME = "KIOSK_PORTAL_NAME"
ENV_ADMIN_TOKEN = "KIOSK_PORTAL_ADMIN_TOKEN"  # the fleet page's token; never on the command line (docs/security.md)
DEFAULT_DB_FILE = "portal.db"
FILES_FOLDER = "portal-files"
DEFAULT_PORTAL_NAME = "Cổng dịch vụ công (bản tham chiếu)"

DEFAULT_TRACKING_PER_MINUTE = 30  # tracking-page requests per client address and minute

MAX_ATTACHMENT_SIZE = 200 * 1024 * 1024  # one attached file; a scan is a few MB
MAX_DOSSIER_BODY = 2 * 1024 * 1024  # one revision's canonical JSON (attachments travel separately)
MAX_SMALL_BODY = 64 * 1024  # enrolment and anything else


def default_db_url() -> str:
    """`KIOSK_PORTAL_DB`, else a SQLite file `portal.db` in the current folder."""
    return os.environ.get(ENV_DB) or f"sqlite:///{(Path.cwd() / DEFAULT_DB_FILE).as_posix()}"


def sqlite_path(db_url: str) -> Path | None:
    """The file of a file-backed SQLite URL, else None (PostgreSQL, in-memory SQLite)."""
    url = make_url(db_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def default_files_dir(db_url: str) -> Path:
    """`KIOSK_PORTAL_FILES`, else `portal-files/` next to a SQLite file, else `./portal-files`."""
    if os.environ.get(ENV_FILES):
        return Path(os.environ[ENV_FILES])
    db_file = sqlite_path(db_url)
    base = db_file.resolve().parent if db_file is not None else Path.cwd()
    return base / FILES_FOLDER


@dataclass(frozen=True)
class PortalConfig:
    db_url: str
    files_dir: Path
    portal_name: str = DEFAULT_PORTAL_NAME
    tracking_per_minute: int = DEFAULT_TRACKING_PER_MINUTE  # per client address; 0 = no limit
    admin_token: str = ""  # the fleet page's token (KIOSK_PORTAL_ADMIN_TOKEN or serve --admin-token-file); empty = no page
    clock_offset_s: float = 0.0  # drills and tests: the time health reports is this far off (kiosks' doctor sees a skew)

    @classmethod
    def make(
        cls, db_url: str | None = None, files_dir: str | Path | None = None, portal_name: str | None = None, tracking_per_minute: int | None = None
    ) -> "PortalConfig":
        url = db_url or default_db_url()
        return cls(
            db_url=url,
            files_dir=Path(files_dir) if files_dir else default_files_dir(url),
            portal_name=portal_name or os.environ.get(ENV_NAME) or DEFAULT_PORTAL_NAME,
            tracking_per_minute=DEFAULT_TRACKING_PER_MINUTE if tracking_per_minute is None else tracking_per_minute,
        )


class SecretRefused(ValueError):
    """A secret offered where other local accounts can read it; the message says why and what to do."""


ARGV_TOKEN_MESSAGE = (
    "Không nhận mã quản trị (--admin-token) trên dòng lệnh: mọi tài khoản trên máy đều xem được dòng lệnh (ps). "
    f"Hãy đặt biến môi trường {ENV_ADMIN_TOKEN} hoặc dùng --admin-token-file TỆP (quyền 0600). "
    "(The admin token is refused on the command line, where every local account can read it; "
    f"set {ENV_ADMIN_TOKEN} or use --admin-token-file FILE, mode 0600.)"
)


def read_admin_token_file(path: Path) -> str:
    """The token in `path` (first line, stripped), refused when the file is readable by group or others.

    Such a file already leaks the token to other local accounts; accepting it would hide the leak. On a
    system without POSIX modes (Windows) the check is skipped.
    """
    try:
        mode = path.stat().st_mode
        if os.name == "posix" and mode & 0o077:
            raise SecretRefused(
                f"Tệp mã quản trị {path} có quyền {mode & 0o777:04o}: tài khoản khác trên máy đọc được. "
                f"Hãy chạy chmod 600 {path} rồi thử lại. "
                f"(The admin token file {path} is readable by group or others ({mode & 0o777:04o}); chmod 600 it.)"
            )
        token = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise SecretRefused(f"Không đọc được tệp mã quản trị {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise SecretRefused(f"Tệp mã quản trị {path} không phải văn bản UTF-8.") from exc
    if not token:
        raise SecretRefused(f"Tệp mã quản trị {path} trống.")
    return token
