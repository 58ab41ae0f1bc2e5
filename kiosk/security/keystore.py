"""The data key that encrypts the database and the attachments, sealed so the kiosk starts unattended.

One random 256-bit key per data folder. On Windows it is sealed with DPAPI for the account that owns
the data folder (only that account, logged on, can unseal it); elsewhere it sits in an owner-only
file. No passphrase is needed at start, because a kiosk must come back by itself after a power cut.
An administrator's passphrase only protects the recovery copy (`export_recovery`, `import_recovery`):
Argon2id stretches the passphrase, AES-256-GCM seals the key. See docs/security.md.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
import sys
from pathlib import Path

from kiosk.errors import InputError, KioskError
from kiosk.storage.files import write_atomic

log = logging.getLogger(__name__)

KEY_BYTES = 32
PLAIN_FILE = "data.key"  # owner-only file holding the raw key (POSIX)
DPAPI_FILE = "data.key.dpapi"  # the key sealed by Windows DPAPI
RECOVERY_FORMAT = "mot-cua-kiosk-recovery-1"


class KeyUnavailable(KioskError):
    """The data key cannot be read: the data folder cannot be opened."""


def _keys_dir(root: Path) -> Path:
    return root / "keys"


def has_data_key(root: Path) -> bool:
    folder = _keys_dir(root)
    return (folder / PLAIN_FILE).exists() or (folder / DPAPI_FILE).exists()


def load_or_create_data_key(root: Path) -> bytes:
    """The folder's data key; a new one is made (and sealed) the first time."""
    existing = load_data_key(root)
    if existing is not None:
        return existing
    key = secrets.token_bytes(KEY_BYTES)
    store_data_key(root, key)
    log.info("new data key created (%s)", backend_name())
    return key


def load_data_key(root: Path) -> bytes | None:
    folder = _keys_dir(root)
    try:
        if (folder / DPAPI_FILE).exists():
            key = _dpapi_unprotect((folder / DPAPI_FILE).read_bytes())
        elif (folder / PLAIN_FILE).exists():
            key = (folder / PLAIN_FILE).read_bytes()
        else:
            return None
    except OSError as exc:
        raise KeyUnavailable(f"Không đọc được khóa dữ liệu ({exc.strerror or exc}). Hãy báo quản trị viên.") from exc
    if len(key) != KEY_BYTES:
        raise KeyUnavailable("Khóa dữ liệu bị hỏng. Quản trị viên khôi phục bằng bản sao khóa: kiosk-admin key restore.")
    return key


def store_data_key(root: Path, key: bytes) -> None:
    """Seal and write the key atomically (replacing any previous one)."""
    folder = _keys_dir(root)
    folder.mkdir(parents=True, exist_ok=True)
    if sys.platform == "win32":
        write_atomic(folder / DPAPI_FILE, _dpapi_protect(key))
    else:
        write_atomic(folder / PLAIN_FILE, key)


def seal(key: bytes) -> bytes:
    """The key as stored at rest on this platform (DPAPI blob on Windows, raw bytes in an owner-only file elsewhere)."""
    return _dpapi_protect(key) if sys.platform == "win32" else key


def unseal(blob: bytes) -> bytes:
    return _dpapi_unprotect(blob) if sys.platform == "win32" else blob


def backend_name() -> str:
    return "Windows DPAPI" if sys.platform == "win32" else "owner-only key file"


# --- recovery copy ---------------------------------------------------------------------------


def _stretch(passphrase: str, salt: bytes) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(passphrase.encode("utf-8"), salt, time_cost=3, memory_cost=65536, parallelism=2, hash_len=32, type=Type.ID)


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < 12:
        raise InputError("Mật khẩu bảo vệ bản sao khóa phải có ít nhất 12 ký tự.")


def export_recovery(key: bytes, passphrase: str) -> bytes:
    """A recovery copy of the key, sealed with the administrator's passphrase (keep it off the kiosk)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    check_passphrase(passphrase)
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    sealed = AESGCM(_stretch(passphrase, salt)).encrypt(nonce, key, RECOVERY_FORMAT.encode())
    document = {"format": RECOVERY_FORMAT, "kdf": "argon2id-t3-m64MiB-p2", "salt": _b64(salt), "nonce": _b64(nonce), "sealed": _b64(sealed)}
    return (json.dumps(document, indent=1) + "\n").encode("utf-8")


def import_recovery(blob: bytes, passphrase: str) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        document = json.loads(blob)
        if document.get("format") != RECOVERY_FORMAT:
            raise ValueError("format")
        salt, nonce, sealed = (base64.b64decode(document[k]) for k in ("salt", "nonce", "sealed"))
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError("Tệp không phải bản sao khóa của máy tiếp nhận.") from exc
    try:
        return AESGCM(_stretch(passphrase, salt)).decrypt(nonce, sealed, RECOVERY_FORMAT.encode())
    except InvalidTag as exc:
        raise InputError("Mật khẩu không đúng, hoặc tệp bản sao khóa đã bị sửa.") from exc


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


# --- Windows DPAPI (ctypes; no extra package) ------------------------------------------------


def _dpapi_protect(data: bytes) -> bytes:  # pragma: no cover - Windows only
    return _dpapi(data, protect=True)


def _dpapi_unprotect(data: bytes) -> bytes:  # pragma: no cover - Windows only
    if sys.platform != "win32":
        raise KeyUnavailable("Khóa dữ liệu được niêm phong bằng DPAPI của Windows; không mở được trên hệ điều hành này.")
    return _dpapi(data, protect=False)


def _dpapi(data: bytes, *, protect: bool) -> bytes:  # pragma: no cover - Windows only
    import ctypes
    from ctypes import wintypes

    class Blob(ctypes.Structure):
        _fields_ = [("cbData", wintypes.DWORD), ("pbData", ctypes.POINTER(ctypes.c_char))]

    crypt32, kernel32 = ctypes.windll.crypt32, ctypes.windll.kernel32  # type: ignore[attr-defined]
    buffer = ctypes.create_string_buffer(data, len(data))
    source = Blob(len(data), ctypes.cast(buffer, ctypes.POINTER(ctypes.c_char)))
    target = Blob()
    entropy_bytes = b"mot-cua-kiosk data key"
    entropy_buffer = ctypes.create_string_buffer(entropy_bytes, len(entropy_bytes))
    entropy = Blob(len(entropy_bytes), ctypes.cast(entropy_buffer, ctypes.POINTER(ctypes.c_char)))
    flags = 0x1  # CRYPTPROTECT_UI_FORBIDDEN: never prompt, the kiosk starts unattended
    call = crypt32.CryptProtectData if protect else crypt32.CryptUnprotectData
    ok = call(ctypes.byref(source), None, ctypes.byref(entropy), None, None, flags, ctypes.byref(target))
    if not ok:
        raise KeyUnavailable("Windows không mở được khóa dữ liệu (DPAPI). Hãy đăng nhập bằng đúng tài khoản của máy tiếp nhận.")
    try:
        return ctypes.string_at(target.pbData, target.cbData)
    finally:
        kernel32.LocalFree(target.pbData)
