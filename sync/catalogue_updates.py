"""Pull the portal's signed procedure versions, verify them against the pinned key, then activate them.

The key is `settings.catalogue_public_key`, baked into the per-site package; a key fetched from the
same portal would prove nothing. A bad signature or an invalid definition is refused with a clear
message and changes nothing; the versions already active stay as they are.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass, field

from forms.catalogue import Catalogue
from kiosk.dossier import fees
from kiosk.security import audit
from kiosk.storage.catalogue_store import activate
from kiosk.storage.context import KioskContext
from kiosk.errors import KioskError
from sync import wire

log = logging.getLogger(__name__)

NO_KEY = "Chưa gắn khóa kiểm tra danh mục của cổng (catalogue_public_key trong gói cài đặt): không dùng thủ tục mới từ cổng."
BAD_SIGNATURE = "Danh mục thủ tục nhận từ cổng có chữ ký không hợp lệ (có thể đã bị sửa): đã từ chối, vẫn dùng các phiên bản hiện có."


@dataclass
class CatalogueUpdate:
    activated: list[str] = field(default_factory=list)  # "code@version"
    refused: list[str] = field(default_factory=list)  # messages for the officer / administrator
    catalogue: Catalogue | None = None  # the catalogue with the activated versions, for the context's owner to adopt


def apply_published(ctx: KioskContext, items: list[dict]) -> CatalogueUpdate:
    update = CatalogueUpdate()
    new = [i for i in items if isinstance(i, dict) and not _held(ctx, i)]
    if not new:
        return update
    key_hex = ctx.settings.catalogue_public_key
    if not key_hex:
        update.refused.append(NO_KEY)
        return update
    public_key = bytes.fromhex(key_hex)
    for item in new:
        label = f"{item.get('code')}@{item.get('version')}"
        try:
            definition = base64.b64decode(str(item.get("definition_b64", "")), validate=True)
        except ValueError:
            definition = b""
        if not definition or not wire.verify_catalogue_signature(public_key, definition, str(item.get("signature", ""))):
            log.warning("catalogue item %s refused: bad signature", label)
            update.refused.append(f"{label}: {BAD_SIGNATURE}")
            continue
        if item.get("kind") == "fee_table":
            _activate_fee_table(ctx, definition, label, update)
            continue
        try:
            code, version, update.catalogue = activate(ctx, definition)
        except KioskError as exc:
            log.warning("catalogue item %s refused: %s", label, exc.message)
            update.refused.append(exc.message)
            continue
        with ctx.transaction() as session:
            audit.record(session, "system:sync", "catalogue.activated", procedure=code, version=version)
        update.activated.append(f"{code}@{version}")
        log.info("procedure %s version %s activated from the portal", code, version)
    return update


def _held(ctx: KioskContext, item: dict) -> bool:
    """Whether the kiosk already has this procedure version or fee table version."""
    code, version = str(item.get("code")), str(item.get("version"))
    if item.get("kind") == "fee_table":
        return fees.has_table(ctx, code.removeprefix(wire.FEE_TABLE_CODE_PREFIX), version)
    return ctx.catalogue.get(code, version) is not None


def _activate_fee_table(ctx: KioskContext, definition: bytes, label: str, update: CatalogueUpdate) -> None:
    """A signed fee table: checked like the shipped ones, kept in `<data>/fees/`, used from the next fee computed."""
    try:
        table = fees.activate_table(ctx, definition)
    except KioskError as exc:
        log.warning("fee table %s refused: %s", label, exc.message)
        update.refused.append(exc.message)
        return
    with ctx.transaction() as session:
        audit.record(session, "system:sync", "fees.activated", table=table.table, version=table.version)
    update.activated.append(f"{wire.FEE_TABLE_CODE_PREFIX}{table.table}@{table.version}")
    log.info("fee table %s version %s activated from the portal", table.table, table.version)
