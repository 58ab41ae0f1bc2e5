"""Operations behind the window's restore screen (docs/restore.md): what the last restore did, the codes still to
look for, and the officer's "Không có bản giấy" and "Đã xem". The files are read on the worker, like the database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ui.operations.op import Op

if TYPE_CHECKING:
    from kiosk.security.officers import OfficerRef
    from kiosk.storage.context import KioskContext

STATE_LABELS = {"re_entered": "đã tiếp nhận lại", "dismissed": "không có bản giấy"}


@dataclass(frozen=True)
class RestoreView:
    """The restore screen's content, worded by ui/admin/restore_summary.py (the same words the CLI prints)."""

    restored_at: str
    summary: list[str]  # what the restore did
    codes_intro: str  # the heading of the codes list
    codes_known: bool  # False: the code ledger could not be read, the restore cannot tell which codes were issued
    open_codes: list[str]  # still to look for: each has "Tiếp nhận lại theo mã này" and "Không có bản giấy"
    done: list[tuple[str, str]]  # (code, what became of it)
    notices: list[str]  # notice numbers possibly issued: look for the paper copy, nothing to re-enter
    acknowledged: bool

    @property
    def needs_attention(self) -> bool:
        """Shown after login until read, and reachable from the home screen while codes remain open."""
        return not self.acknowledged or bool(self.open_codes)


def _view(ctx: KioskContext) -> RestoreView | None:
    from kiosk.storage import restore_record
    from kiosk.storage.backup import RestoreReport
    from ui.admin.restore_summary import codes_intro, notice_label, what_happened

    record = restore_record.load(ctx.data.root)
    if record is None:
        return None
    report = RestoreReport.from_dict(record.report)
    with ctx.read() as session:
        held = restore_record.held_codes(session, record.possibly_issued)
    done = [(code, STATE_LABELS.get(record.resolved.get(code, {}).get("state", "re_entered"), ""))
            for code in record.possibly_issued if code in record.resolved or code in held]
    return RestoreView(
        record.restored_at, what_happened(report), codes_intro(report), report.possibly_issued is not None,
        record.open_codes(held), done, [notice_label(n) for n in record.notices], record.acknowledged is not None,
    )


def restore_view(ctx: KioskContext) -> Op[RestoreView | None]:
    """The last restore's screen; None when this data folder was never restored."""
    return Op(lambda: _view(ctx))


def dismiss_code(ctx: KioskContext, officer: OfficerRef, code: str) -> Op[RestoreView | None]:
    """The officer's "Không có bản giấy" for `code` (audited), then the screen again."""

    def work() -> RestoreView | None:
        from kiosk.storage.restore_record import dismiss

        dismiss(ctx, officer.username, code)
        return _view(ctx)

    return Op(work)


def acknowledge(ctx: KioskContext, officer: OfficerRef) -> Op[RestoreView | None]:
    """The officer's "Đã xem" (audited), then the screen again (the home screen's way back to it depends on what is left open)."""

    def work() -> RestoreView | None:
        from kiosk.storage.restore_record import acknowledge_as

        acknowledge_as(ctx, officer.username)
        return _view(ctx)

    return Op(work)
