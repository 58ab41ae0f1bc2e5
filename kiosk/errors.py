"""Errors the user can act on: values carrying a Vietnamese message, never a traceback on screen."""

from __future__ import annotations

import sqlite3


class KioskError(Exception):
    """An error with a message fit to show the officer (Vietnamese) and an exit code for the CLI."""

    exit_code = 1

    def __init__(self, message: str, *, details: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = dict(details or {})

    def __str__(self) -> str:
        return self.message


class InputError(KioskError):
    """Bad input from the user (a form field, a JSON file, an unknown procedure): nothing was written."""

    exit_code = 2


class NotInitialisedError(KioskError):
    """The data folder has no site settings yet (run `kiosk-admin init`)."""


class StorageError(KioskError):
    """The environment's fault: disk full, read-only folder, corrupt database."""


class AuthError(KioskError):
    """Wrong officer or PIN, or a locked account (`locked`)."""

    def __init__(self, message: str, *, locked: bool = False) -> None:
        super().__init__(message)
        self.locked = locked


_STORAGE_MESSAGES = (
    ("disk is full", "Ổ đĩa đã đầy: không lưu được hồ sơ. Hãy giải phóng dung lượng rồi thử lại; hồ sơ đang nhập chưa bị mất."),
    ("database or disk is full", "Ổ đĩa đã đầy: không lưu được hồ sơ. Hãy giải phóng dung lượng rồi thử lại; hồ sơ đang nhập chưa bị mất."),
    ("readonly", "Thư mục dữ liệu chỉ cho phép đọc: không lưu được. Hãy báo quản trị viên."),
    ("malformed", "Cơ sở dữ liệu bị hỏng. Hãy báo quản trị viên để khôi phục từ bản sao lưu."),
    ("not a database", "Tệp cơ sở dữ liệu không hợp lệ. Hãy báo quản trị viên."),
    ("database is locked", "Cơ sở dữ liệu đang bận. Vui lòng thử lại sau giây lát."),
    ("disk i/o error", "Không đọc/ghi được ổ đĩa (ổ đĩa đầy hoặc hỏng). Hãy giải phóng dung lượng hoặc báo quản trị viên; hồ sơ đang nhập chưa bị mất."),
    ("unable to open", "Không mở được cơ sở dữ liệu. Hãy kiểm tra thư mục dữ liệu."),
)


def storage_error_from(exc: BaseException) -> StorageError | None:
    """Classify a database/OS failure as a known environment error (shown to the user) or None (a bug)."""
    from sqlalchemy.exc import DBAPIError  # here, not at the top: the window's first screen does not wait for SQLAlchemy

    if isinstance(exc, DBAPIError):
        exc = exc.orig or exc
    text = str(exc).lower()
    if isinstance(exc, OSError) and getattr(exc, "errno", None) == 28:
        return StorageError(_STORAGE_MESSAGES[0][1])
    if isinstance(exc, (sqlite3.Error, OSError)) or type(exc).__module__.startswith("sqlcipher3"):
        for needle, message in _STORAGE_MESSAGES:
            if needle in text:
                return StorageError(message)
    return None
