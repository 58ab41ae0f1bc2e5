"""Operations of the counter's notices (docs/notices.md): record a guidance notice, a refusal or a stop and load its
printed paper; load a guidance notice's answers to start the dossier again; reprint a notice."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from ui.operations.op import Op

if TYPE_CHECKING:
    from forms.catalogue import Procedure
    from kiosk.dossier.notices import GuidanceValues
    from kiosk.printed.notices import NoticeData
    from kiosk.security.officers import OfficerRef
    from kiosk.storage.context import KioskContext


def _printed(ctx: KioskContext, uuid: str, kind: str, officer: OfficerRef) -> NoticeData:
    from kiosk.printed.notice_load import load_notice

    return load_notice(ctx, uuid, kind, actor=officer.username, reprint=False)


def record_guidance(ctx: KioskContext, officer: OfficerRef, procedure: Procedure, values: dict[str, Any],
                    missing: Sequence[str], note: str) -> Op[NoticeData]:
    """Record form 02 keeping the answers typed so far; returns the notice to print."""

    def work() -> NoticeData:
        from kiosk.dossier.notices import record_guidance as record

        result = record(ctx, procedure, values, list(missing), note, officer)
        return _printed(ctx, result.uuid, "guidance", officer)

    return Op(work)


def record_dossier_guidance(ctx: KioskContext, officer: OfficerRef, code: str, missing: Sequence[str],
                           note: str) -> Op[NoticeData]:
    """Record form 02 for received dossier `code` the portal sent back (status 5); returns the notice to print."""

    def work() -> NoticeData:
        from kiosk.dossier.notices import record_guidance as record

        result = record(ctx, None, {}, list(missing), note, officer, code=code)
        return _printed(ctx, result.uuid, "guidance", officer)

    return Op(work)


def record_refusal(ctx: KioskContext, officer: OfficerRef, procedure: Procedure, values: dict[str, Any],
                   reason: str) -> Op[NoticeData]:
    """Record form 03 (the name and ID number stay on this PC); returns the notice to print."""

    def work() -> NoticeData:
        from kiosk.dossier.notices import record_refusal as record

        result = record(ctx, procedure, values, reason, officer)
        return _printed(ctx, result.uuid, "refusal", officer)

    return Op(work)


def stop_dossier(ctx: KioskContext, officer: OfficerRef, code: str, reason: str) -> Op[NoticeData]:
    """Stop a received dossier at the citizen's request (form 05); returns the notice to print."""

    def work() -> NoticeData:
        from kiosk.dossier.notices import stop

        result = stop(ctx, code, reason, officer)
        return _printed(ctx, result.uuid, "stop", officer)

    return Op(work)


def guidance_answers(ctx: KioskContext, notice_number: str) -> Op[tuple[GuidanceValues, Procedure | None]]:
    """What a guidance notice kept, and the procedure to start it in (the version in force today, else the one
    it was typed under): the citizen is back with the missing papers."""

    def work() -> tuple[GuidanceValues, Procedure | None]:
        from forms.timezone import local_today
        from kiosk.dossier.notices import guidance_values

        found = guidance_values(ctx, notice_number)
        catalogue = ctx.catalogue
        procedure = (catalogue.in_force(found.procedure_code, local_today(ctx.now()))
                     or catalogue.get(found.procedure_code, found.procedure_version))
        return found, procedure

    return Op(work)
