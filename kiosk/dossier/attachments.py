"""Scanned files, stored encrypted and content-addressed under attachments/<sha256 of the plaintext>, written durably before the dossier commits; and the rows that refer to them."""

from __future__ import annotations

import mimetypes
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from forms.catalogue import Procedure
from kiosk.security import vault
from kiosk.errors import InputError, storage_error_from
from kiosk.storage.files import replacing
from kiosk.storage.models import Attachment

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
            with replacing(target, tmp=Path(tmp.name), mode=None, sync_dir=True, synced=True):
                pass  # sealed and fsynced above (once): put it in place durably before the dossier commits
    except ValueError as exc:  # the file changed size while it was read
        raise InputError(f"Tệp {source.name} thay đổi trong lúc đọc; hãy chọn lại tệp.") from exc
    except OSError as exc:
        known = storage_error_from(exc)
        if known:
            raise known from exc
        raise InputError(f"Không đọc được tệp đính kèm {source.name}: {exc.strerror or exc}.") from exc
    mime = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
    return StoredFile(sha256=digest.hexdigest(), filename=source.name, size=size, mime_type=mime)


def attachment_refs(procedure: Procedure, values: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(field id, file reference) of every file the answers of the procedure's attachment fields name, in form order."""
    refs: list[tuple[str, dict[str, Any]]] = []
    for page in procedure.pages:
        for field in page.fields:
            if field.type == "attachment":
                for item in values.get(field.id) or []:
                    if isinstance(item, dict) and isinstance(item.get("sha256"), str):
                        refs.append((field.id, item))
    return refs


def attachment_from_ref(field_id: str | None, ref: Mapping[str, Any], doc_id: str | None = None) -> Attachment:
    """The attachment row for a stored file's reference (a form answer, an extra scan's `StoredFile.as_value()`,
    or a scan of checklist item `doc_id`)."""
    return Attachment(
        sha256=ref["sha256"],
        filename=str(ref.get("filename") or ref["sha256"])[:255],
        mime_type=str(ref.get("mime") or "application/octet-stream")[:100],
        size=int(ref.get("size") or 0),
        field_id=field_id,
        doc_id=doc_id,
    )


def item_scans(items: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """(doc id, file reference) of every scan attached to a checklist item (forms.received.ReceivedItem), in order."""
    return [(doc_id, scan) for doc_id, item in items.items() for scan in item.scans]


def count_pages(path: Path) -> int:
    """The pages a scan counts for (images = pages, Circular 01/2023 Art. 8): an image 1, a PDF its page count.

    Raises InputError for any other file, or a PDF that cannot be read.
    """
    mime = mimetypes.guess_type(path.name)[0] or ""
    if mime.startswith("image/"):
        return 1
    if mime != "application/pdf":
        raise InputError(f"Bản quét {path.name} phải là ảnh (JPG, PNG…) hoặc tệp PDF.")
    import pypdfium2  # only when a PDF is scanned: a counter that scans images never loads it

    try:
        pdf = pypdfium2.PdfDocument(str(path))
    except (pypdfium2.PdfiumError, OSError) as exc:
        raise InputError(f"Không đọc được tệp PDF {path.name}: tệp hỏng hoặc có mật khẩu.") from exc
    try:
        return len(pdf)
    finally:
        pdf.close()


def store_scan(attachments_dir: Path, source: Path, file_key: bytes) -> dict[str, object]:
    """Store a scan of a checklist item: its reference, with the pages it counts for ("pages")."""
    pages = count_pages(source)
    return {**store_file(attachments_dir, source, file_key).as_value(), "pages": pages}
