"""Scanned files, stored encrypted and content-addressed under attachments/<sha256 of the plaintext>, written durably before the dossier commits."""

from __future__ import annotations

import mimetypes
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kiosk.security import vault
from kiosk.errors import InputError, storage_error_from
from kiosk.storage.files import replacing

MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    filename: str
    size: int
    mime_type: str

    def as_value(self) -> dict[str, object]:
        return {"sha256": self.sha256, "filename": self.filename, "size": self.size, "mime": self.mime_type}


def store_file(attachments_dir: Path, source: Path, file_key: bytes) -> StoredFile:
    """Encrypt a file into the store (hashing the plaintext as it goes), fsync it, and return its reference."""
    try:
        size = source.stat().st_size
    except OSError as exc:
        raise InputError(f"Không đọc được tệp đính kèm {source.name}: {exc.strerror or exc}.") from exc
    if size > MAX_ATTACHMENT_BYTES:
        raise InputError(f"Tệp {source.name} quá lớn ({size // (1024 * 1024)} MB); tối đa 50 MB mỗi tệp.")
    attachments_dir.mkdir(parents=True, exist_ok=True)
    try:
        with open(source, "rb") as src, tempfile.NamedTemporaryFile(dir=attachments_dir, delete=False, prefix=".in-") as tmp:
            try:
                sealer = vault.Sealer(file_key, tmp, size)
                for chunk in iter(lambda: src.read(1 << 20), b""):
                    sealer.write(chunk)
                sealer.close()
                digest = sealer.sha256
                tmp.flush()
                os.fsync(tmp.fileno())
            except BaseException:
                tmp.close()
                os.unlink(tmp.name)
                raise
        target = attachments_dir / digest.hexdigest()
        if target.exists():
            os.unlink(tmp.name)
        else:
            with replacing(target, tmp=Path(tmp.name), mode=None, sync_dir=True):
                pass  # sealed and fsynced above: put it in place durably before the dossier commits
    except ValueError as exc:  # the file changed size while it was read
        raise InputError(f"Tệp {source.name} thay đổi trong lúc đọc; hãy chọn lại tệp.") from exc
    except OSError as exc:
        known = storage_error_from(exc)
        if known:
            raise known from exc
        raise InputError(f"Không đọc được tệp đính kèm {source.name}: {exc.strerror or exc}.") from exc
    mime = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
    return StoredFile(sha256=digest.hexdigest(), filename=source.name, size=size, mime_type=mime)

